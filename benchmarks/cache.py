"""How much of `clean()`'s time is the memory it reaches, not its instructions.

    python benchmarks/cache.py [--mb 1.5]

The same documents as benchmarks/speed.py, timed three ways in one run, in microseconds per
document: each cleaned five times in a row (its code and tables stay in the caches), all
of them in turn five times (as speed.py and a crawl run them), and each after 8 MB of
other memory was written (every cache cold). The instruction count
(benchmarks/instructions.py) is the same in all three; the gap between the first two is
what a smaller working set (pattern databases, literal tables, compiled verifiers) could
win. Run it on a quiet machine; it pins itself to one core where it can.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from speed import varied_documents  # noqa: E402

from cleannews import Cleaner  # noqa: E402

ROUNDS = 5
OTHER_MEMORY = 8_000_000  # bytes: more than this machine's L2 and a quarter of its L3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.5, help="megabytes of input (default 1.5)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[-1]})
    cleaner = Cleaner()
    docs = list(varied_documents(int(args.mb * 1e6)))
    for doc in docs:
        cleaner.clean(doc)
    other = bytearray(OTHER_MEMORY)

    def repeated() -> float:
        start = time.perf_counter()
        for doc in docs:
            for _ in range(ROUNDS):
                cleaner.clean(doc)
        return (time.perf_counter() - start) / ROUNDS

    def in_turn() -> float:
        start = time.perf_counter()
        for _ in range(ROUNDS):
            for doc in docs:
                cleaner.clean(doc)
        return (time.perf_counter() - start) / ROUNDS

    def cold() -> float:
        spent = 0.0
        for doc in docs:
            other[::64] = bytes(len(range(0, OTHER_MEMORY, 64)))
            start = time.perf_counter()
            cleaner.clean(doc)
            spent += time.perf_counter() - start
        return spent

    ways: list[tuple[str, Callable[[], float]]] = [
        ("each document five times in a row", repeated),
        ("all documents in turn (as speed.py)", in_turn),
        ("each after 8 MB of other memory", cold),
    ]
    print(f"{len(docs)} documents; microseconds per document, best of 3")
    for name, way in ways:
        best = min(way() for _ in range(3))
        print(f"{name:40s} {best / len(docs) * 1e6:7.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
