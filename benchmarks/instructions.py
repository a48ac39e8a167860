"""Machine instructions per document of `cleannews.clean`, counted by valgrind's callgrind.

    python benchmarks/instructions.py [--docs 1000]

Seconds on these shared machines vary by ±30 % from run to run; instruction counts do not
(the same build and input give the same count to within a fraction of a percent), so this is
how two versions of the hot path are compared. Only the cleaning loop is counted: start-up,
compiling the packs and a warm-up pass over the same documents are left out. Needs valgrind
(Debian package `valgrind`); prints a message and exits 1 without it.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))


def _clean_all(docs: int) -> None:
    """What is counted: one `clean()` per document, inside functools.reduce (a C function
    callgrind can switch its counting on and off at)."""
    from speed import varied_documents  # noqa: PLC0415

    from cleannews import Cleaner  # noqa: PLC0415

    cleaner = Cleaner()
    texts = list(varied_documents(docs * 1300))[:docs]
    for text in texts:  # compile every selection and verifier outside the count
        cleaner.clean(text)
    functools.reduce(lambda _, text: cleaner.clean(text), texts, None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000, help="documents (default 1000)")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        _clean_all(args.docs)
        return 0
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        print("valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        run = subprocess.run(
            [
                valgrind,
                "--tool=callgrind",
                "--collect-atstart=no",
                "--toggle-collect=functools_reduce",
                f"--callgrind-out-file={os.path.join(tmp, 'callgrind.out')}",
                sys.executable,
                __file__,
                "--inner",
                "--docs",
                str(args.docs),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    found = re.search(r"Collected : (\d+)", run.stderr)
    if run.returncode != 0 or found is None:
        print(run.stderr[-2000:], file=sys.stderr)
        return 1
    total = int(found.group(1))
    print(f"{args.docs} documents: {total / args.docs:,.0f} instructions per document")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
