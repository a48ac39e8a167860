"""Every example of every shipped rule is a test: fail examples change as written (and by
their own rule), pass examples stay unchanged. See docs/packs.md."""

from __future__ import annotations

import pytest

from cleannews.loader import builtin_pack_paths, load_pack
from cleannews.packtest import check_example, cleaner_for, example_cases

PACKS = [(path, load_pack(path)) for path in builtin_pack_paths()]
CASES = [
    pytest.param(path, pack, rule, kind, ex, id=f"{rule.code}-{kind}{n}")
    for path, pack in PACKS
    for n, (rule, kind, ex) in enumerate(example_cases(pack))
]
_cleaners: dict[str, object] = {}


@pytest.mark.parametrize(("path", "pack", "rule", "kind", "example"), CASES)
def test_rule_example(path, pack, rule, kind, example) -> None:  # type: ignore[no-untyped-def]
    cleaner = _cleaners.get(pack.path)
    if cleaner is None:
        cleaner = _cleaners[pack.path] = cleaner_for(path, pack)
    failure = check_example(cleaner, pack, rule, kind, example)  # type: ignore[arg-type]
    assert failure is None, failure.describe()


def test_every_rule_has_both_kinds_of_example() -> None:
    for _, pack in PACKS:
        for rule in pack.rules:
            assert rule.fail and rule.passes, rule.code
