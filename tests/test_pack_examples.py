"""Every example of every shipped rule is a test: fail examples change as written (and by
their own rule), pass examples stay unchanged. See docs/packs.md."""

from __future__ import annotations

import pytest
import regex

from cleannews import Cleaner
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


# Ways a line an artefact rule removes may come in another page's hands: marks before it,
# no-break spaces, tabs, runs of spaces, capitals.
LINE_VARIANTS = {
    "marked": lambda line: "»" + line,
    "no-break spaces": lambda line: line.replace(" ", "\u00a0"),
    "tabs": lambda line: line.replace(" ", "\t"),
    "double spaces": lambda line: line.replace(" ", "  "),
    "capitals": str.upper,
}


def test_triggers_find_every_variant_their_pattern_matches() -> None:
    """The pre-filter must hand a rule every line its pattern matches: a removed line of a
    rule's example, varied as LINE_VARIANTS do, that the pattern still matches must still
    lose something there (once missed: "» Updated …" by OT004 and ten others, whose `^`
    triggers had no lead; "Jane\u00a0Doe is a staff writer at …" by BY019, whose trigger
    pattern had plain spaces)."""
    missed = []
    for _, pack in PACKS:
        for rule in pack.rules:
            if rule.pattern is None:
                continue
            one = Cleaner(select=[rule.code], repair=False)
            verifier = regex.compile(rule.pattern)
            for example in rule.fail:
                for removal in one.clean_and_explain(example.input).removals:
                    line = removal.text.strip("\n").split("\n")[0].strip()
                    if not line[:1].isalnum():
                        continue
                    start = example.input.index(line)
                    for name, vary in LINE_VARIANTS.items():
                        varied = vary(line)
                        if varied == line or not verifier.search(varied):
                            continue
                        text = example.input[:start] + varied + example.input[start + len(line) :]
                        end = start + len(varied)
                        if not any(
                            r.start < end and r.end > start
                            for r in one.clean_and_explain(text).removals
                        ):
                            missed.append(f"{rule.code} ({name}): {varied!r}")
    assert not missed, missed
