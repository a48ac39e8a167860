"""Start-up cost of the command line: what pre-commit pays per batch of files.

    python benchmarks/startup.py [--runs 9]

Prints the median wall time, in seconds, of
  - `python -c "import cleannews"`            (interpreter + package import)
  - `python -c "import cleannews.cli"`        (what every command imports first)
  - `echo TEXT | cleannews`                    (import + pack loading + compilation + clean)
  - `cleannews --version`                      (argument parsing only)
and, in-process, how the pipe's time splits between import, loading packs and compiling
them (the first clean compiles; later ones reuse it).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TEXT = b"[ad_1]\n\nThe council approved the budget on Monday evening after a long debate.\n"


def wall(command: list[str], stdin: bytes = b"", runs: int = 9) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, input=stdin, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def in_process_split() -> dict[str, float]:
    code = (
        "import time; t0 = time.perf_counter(); import cleannews.cli, cleannews\n"
        "t1 = time.perf_counter(); c = cleannews.Cleaner(plugins=False)\n"
        "t2 = time.perf_counter(); c.clean('x\\n'); t3 = time.perf_counter()\n"
        "c.clean('y\\n'); t4 = time.perf_counter()\n"
        "print(t1 - t0, t2 - t1, t3 - t2, t4 - t3)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    parts = [float(x) for x in out.stdout.split()]
    return dict(zip(["import", "load packs", "compile + first clean", "second clean"], parts,
                    strict=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    script = shutil.which("cleannews", path=str(Path(sys.executable).parent)) or "cleannews"
    py = sys.executable
    rows = [
        ('python -c "import cleannews"', wall([py, "-c", "import cleannews"], runs=args.runs)),
        ('python -c "import cleannews.cli"',
         wall([py, "-c", "import cleannews.cli"], runs=args.runs)),
        ("cleannews --version", wall([script, "--version"], runs=args.runs)),
        ("echo TEXT | cleannews", wall([script], TEXT, runs=args.runs)),
    ]
    print(f"median of {args.runs} runs, seconds")
    for label, seconds in rows:
        print(f"  {seconds:7.3f}  {label}")
    print("in-process split of the pipe, seconds")
    for label, seconds in in_process_split().items():
        print(f"  {seconds:7.3f}  {label}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
