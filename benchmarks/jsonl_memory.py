"""Peak memory of `cleannews --input-format jsonl` is flat in the number of documents.

    python benchmarks/jsonl_memory.py [--docs 10000 100000] [-j 1]

Streams generated documents (~1.5 KB each, a third with ad markers) through the command as
a subprocess, output to /dev/null, and prints the children's peak RSS for each size. A
streaming implementation shows about the same figure for 10k and 100k documents.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import threading
import time
from typing import IO

PARAGRAPH = ("The council approved the budget on Monday evening after a long debate, "
             "and the mayor said the plan would fund new schools and roads next year. ")


def feed(stream: IO[bytes], docs: int) -> None:
    """Write the documents as they are generated: the benchmark itself stays small too."""
    try:
        for i in range(docs):
            text = ("[ad_1]\n\n" if i % 3 == 0 else "") + (PARAGRAPH * 8 + "\n") * 2
            doc = {"id": i, "url": f"https://news.example.org/{i}", "text": text}
            stream.write(json.dumps(doc).encode() + b"\n")
    finally:
        stream.close()


def peak_rss_mb(docs: int, jobs: int) -> tuple[float, float]:
    """(peak RSS of the largest child so far in MB, seconds). Run sizes in ascending order:
    getrusage(RUSAGE_CHILDREN) reports the maximum over every child waited for."""
    command = [sys.executable, "-m", "cleannews", "--input-format", "jsonl", "-q", "-j",
               str(jobs), "--no-config"]
    start = time.perf_counter()
    with open("/dev/null", "wb") as sink:
        proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=sink)
        assert proc.stdin is not None
        writer = threading.Thread(target=feed, args=(proc.stdin, docs))
        writer.start()
        writer.join()
        if proc.wait() != 0:
            raise SystemExit(f"cleannews exited {proc.returncode}")
    seconds = time.perf_counter() - start
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("-j", "--jobs", type=int, default=1)
    args = parser.parse_args()
    print(f"cleannews --input-format jsonl -j {args.jobs}")
    for docs in sorted(args.docs):
        rss, seconds = peak_rss_mb(docs, args.jobs)
        print(f"  {docs:>8} documents: peak RSS {rss:6.1f} MB  ({seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
