"""The `cleannews` command: stdin to stdout for now."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cleannews import Cleaner, PackError, __version__


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cleannews", description="Strip boilerplate and ad-noise from scraped news text.")
    parser.add_argument("--version", action="version", version=f"cleannews {__version__}")
    parser.add_argument("--level", choices=["safe", "default", "aggressive"], default="default")
    args = parser.parse_args(argv)
    try:
        cleaner = Cleaner(level=args.level)
    except PackError as exc:
        print(f"cleannews: {exc}", file=sys.stderr)
        return 2
    data = sys.stdin.buffer.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        print(f"cleannews: <stdin>: not UTF-8 (byte {exc.start})", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(cleaner.clean(text).encode("utf-8", "surrogatepass"))
    return 0
