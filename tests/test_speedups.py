"""The compiled engine (src/cleannews/_speedups.pyx) against its reference, engine.py.

Both must make the same removals, with the same offsets and warnings, on every corpus case
and on generated texts; the pre-filter's line mapping and line normalisation likewise. CI
builds the extension: there a missing build is a failure, not a skip.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleannews import Cleaner, apply_trace
from cleannews.compiler import CompiledRules, scan_form, speedups
from cleannews.engine import Document, find_removals
from cleannews.linetext import normalize_line
from tests.corpus_cases import CORPUS, all_cases

if speedups is None:
    if os.environ.get("CI"):
        pytest.fail("the compiled engine was not built in CI", pytrace=False)
    pytest.skip("the compiled engine is not built here", allow_module_level=True)

CLEANER = Cleaner()
CASES = all_cases()
CORPUS_LINES = sorted({line for case in CASES for line in case.input.splitlines()})


def _both(text: str, source: str | None = None) -> None:
    """Native and reference removals agree, and the native fast path gives the same text."""
    doc = Document(text)
    chosen, candidates, _ = CLEANER._scan(doc, source, None)
    compiled: CompiledRules = chosen.compiled
    reference = find_removals(compiled, doc, candidates)
    native = compiled.native.find_removals(text, candidates)
    assert native == reference
    assert compiled.native.clean(text, candidates) == (
        apply_trace(text, reference[0]),
        reference[1],
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_corpus_case_same_removals(case) -> None:  # type: ignore[no-untyped-def]
    _both(case.input, case.source)


@given(st.lists(st.sampled_from([*CORPUS_LINES, "", " ", "\r"]), max_size=40), st.booleans())
def test_shuffled_corpus_lines_same_removals(lines: list[str], final_newline: bool) -> None:
    _both("\n".join(lines) + ("\n" if final_newline else ""))


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("\n\r .!?»)…")))
def test_any_text_same_removals(text: str) -> None:
    _both(text)


TRICKY = st.text(alphabet=st.sampled_from("iIİıI\u0307 \u00a0\u200b\u00adΣσς.,—«»aÉé\t\u0301!"))


@given(st.text() | st.sampled_from(CORPUS_LINES) | TRICKY)
def test_same_normalised_line(line: str) -> None:
    assert speedups.normalize_line(line) == normalize_line(line)


SCAN_TRAPS = st.sampled_from(["İi\u0307\u0307 \u200b x", "İ\u0307 ΟΔΟΣ Σ", "ς\ud800 \t\u00a0 x"])


@given(st.text() | st.sampled_from(CORPUS_LINES) | TRICKY | SCAN_TRAPS)
def test_same_scanned_bytes(text: str) -> None:
    assert speedups.scan_bytes(text) == scan_form(text).encode("utf-8", "replace")


@pytest.mark.parametrize("case", CASES[::7], ids=lambda c: c.id)
def test_same_candidate_lines(case) -> None:  # type: ignore[no-untyped-def]
    scanner = CLEANER._selection(None, None).compiled.scanner
    count = Document(case.input).count
    fast = scanner.lines(case.input, count)
    native, scanner._line_hits = scanner._line_hits, None
    try:
        assert fast == scanner.lines(case.input, count)
    finally:
        scanner._line_hits = native


def test_pure_python_engine_can_be_forced() -> None:
    """CLEANNEWS_PURE_PYTHON=1 runs engine.py (what runs where the extension is not built)."""
    seed = next(c for c in CASES if c.set == "seeds")
    code = (
        "import sys, cleannews; from cleannews.compiler import speedups;"
        "assert speedups is None;"
        "sys.stdout.write(cleannews.clean(sys.stdin.read()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        input=seed.input.encode("utf-8"),
        capture_output=True,
        env={**os.environ, "CLEANNEWS_PURE_PYTHON": "1"},
        cwd=CORPUS.parent,
        check=True,
    )
    assert result.stdout.decode("utf-8") == seed.expected
