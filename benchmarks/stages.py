"""Where the time of one `clean()` goes, stage by stage, in microseconds per document.

    python benchmarks/stages.py [--mb 0.5]

Same documents as benchmarks/speed.py. Each stage is timed on its own over all documents
(best of several rounds, since these machines are shared), so the stages do not add up to
the whole exactly: read them as shares, not as a budget. Needs the compiled engine.
"""

from __future__ import annotations

import argparse
import sys
import timeit
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from speed import corpus_inputs, varied_documents  # noqa: E402

from cleannews import Cleaner  # noqa: E402
from cleannews.compiler import speedups  # noqa: E402
from cleannews.engine import Document, scan  # noqa: E402
from cleannews.repair import find_mojibake  # noqa: E402


class _NeverMatches:
    """A verifier that rejects every line: the engine's cost without regex work."""

    def search(self, line: str) -> None:
        return None

    def finditer(self, line: str) -> tuple[()]:
        return ()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=0.5, help="megabytes of input (default 0.5)")
    args = parser.parse_args()
    if speedups is None:
        print("the compiled engine is not built here", file=sys.stderr)
        return 1
    cleaner = Cleaner()
    for base in corpus_inputs():
        cleaner.clean(base)
    docs = list(varied_documents(int(args.mb * 1e6)))
    compiled = cleaner._selection(None, None).compiled
    scanner, native = compiled.scanner, compiled.native
    prefilter, pattern_db = scanner._prefilter, scanner._pattern_db
    scanner.lines("warm-up", 1)  # makes this thread's Hyperscan scratch space
    scratch = scanner._local.scratch
    encoded = [d.encode("utf-8") for d in docs]
    counts = [Document(d).count for d in docs]
    candidates = [scan(compiled, Document(d))[0] for d in docs]

    def stage(name: str, run: Callable[[], object]) -> None:
        best = min(timeit.repeat(run, number=1, repeat=7))
        print(f"{name:44s} {best / len(docs) * 1e6:7.2f}")

    print(f"{len(docs)} documents; microseconds per document")
    stage("whole clean()", lambda: [cleaner.clean(d) for d in docs])
    stage("  mojibake check", lambda: [find_mojibake(d) for d in docs])
    stage(
        "  pre-filter: candidate lines (all below)",
        lambda: [scanner.lines(d, n) for d, n in zip(docs, counts, strict=True)],
    )
    stage(
        "    scan form (folded, lower-cased bytes)", lambda: [speedups.scan_bytes(d) for d in docs]
    )
    stage(
        "    scan form and literal search, no patterns",
        lambda: [prefilter.lines(d, n) for d, n in zip(docs, counts, strict=True)],
    )
    stage(
        "    Hyperscan pattern database, no callback",
        lambda: [pattern_db.scan(b, scratch=scratch) for b in encoded],
    )
    stage(
        "    Hyperscan call on one byte (binding cost)",
        lambda: [pattern_db.scan(b"x", scratch=scratch) for _ in docs],
    )
    stage(
        "  engine, given the candidates",
        lambda: [native.clean(d, c) for d, c in zip(docs, candidates, strict=True)],
    )
    stage("    the same with no candidates", lambda: [native.clean(d, {}) for d in docs])
    verifiers = [rule._verifier for rule in compiled.rules]
    for rule in compiled.rules:
        rule._verifier = _NeverMatches()
    rejecting = type(native)(compiled.rules)
    stage(
        "    the same when no verifier matches",
        lambda: [rejecting.clean(d, c) for d, c in zip(docs, candidates, strict=True)],
    )
    for rule, verifier in zip(compiled.rules, verifiers, strict=True):
        rule._verifier = verifier
    found = sum(len(lines) for c in candidates for lines in c.values())
    lines = sum(counts)
    print(
        f"candidate (rule, line) pairs per document: {found / len(docs):.1f}"
        f" of {lines / len(docs):.1f} lines"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
