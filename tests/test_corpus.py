"""Golden files: every corpus case must come out exactly as its expected.txt.

Re-bless after a deliberate change with `python -m pytest tests/test_corpus.py --bless`
and review the diff of corpus/ before committing it.
"""

from __future__ import annotations

import pytest

import cleannews
from cleannews import apply_trace
from tests.corpus_cases import Case, all_cases

CASES = all_cases()


def _param(case: Case):  # type: ignore[no-untyped-def]
    marks = [pytest.mark.xfail(strict=True, reason="known failure")] if case.known_failure else []
    return pytest.param(case, id=case.id, marks=marks)


def test_corpus_is_substantial() -> None:
    sets = {c.set for c in CASES}
    assert {"seeds", "generic", "negative"} <= sets
    assert len([c for c in CASES if c.set == "seeds"]) == 5
    assert len(CASES) >= 100
    assert len([c for c in CASES if c.set == "negative"]) >= 25
    assert len({c.lang for c in CASES}) >= 12
    assert len([c for c in CASES if c.known_failure]) <= 0.05 * len(CASES)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_golden(case: Case, request: pytest.FixtureRequest) -> None:
    result = cleannews.clean_and_explain(case.input, source=case.source)
    if request.config.getoption("--bless") and not case.known_failure:
        if case.set != "negative":
            (case.path / "expected.txt").write_bytes(result.text.encode("utf-8"))
        return
    assert result.text == case.expected


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_trace_and_idempotence(case: Case) -> None:
    result = cleannews.clean_and_explain(case.input, source=case.source)
    assert apply_trace(case.input, result.trace) == result.text
    for edit in result.trace:
        assert case.input[edit.start : edit.end] == edit.text
    assert cleannews.clean(result.text, source=case.source) == result.text
