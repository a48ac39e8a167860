"""Run the examples of rule packs: every `fail` example must turn into its `expected`,
every `pass` example must come out unchanged.

    python -m cleannews.packtest PATH...      (files or directories of packs)

Examples run with only their own pack's rules, at the `aggressive` level (so level never
hides a broken example), and a `fail` example must be changed by its own rule, not only by
a neighbour.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cleannews.cleaner import Cleaner
from cleannews.loader import PackError, builtin_pack_paths, load_pack, pack_paths
from cleannews.model import Example, Pack, Rule


@dataclass(frozen=True, slots=True)
class ExampleFailure:
    pack: str
    code: str
    kind: str  # "fail" or "pass"
    example: Example
    got: str

    def describe(self) -> str:
        want = self.example.expected if self.example.expected is not None else self.example.input
        diff = difflib.unified_diff(
            want.splitlines(keepends=True),
            self.got.splitlines(keepends=True),
            "expected",
            "got",
        )
        return f"{self.pack}: {self.code} [{self.kind}] example\n" + "".join(diff)


def example_cases(pack: Pack) -> Iterable[tuple[Rule, str, Example]]:
    for rule in pack.rules:
        for ex in rule.fail:
            yield rule, "fail", ex
        for ex in rule.passes:
            yield rule, "pass", ex


def check_pack(pack_path: str | Path, cleaner: Cleaner | None = None) -> list[ExampleFailure]:
    """Every example of one pack file that does not hold."""
    pack = load_pack(pack_path)
    if cleaner is None:
        cleaner = cleaner_for(pack_path, pack)
    failures = []
    for rule, kind, ex in example_cases(pack):
        failure = check_example(cleaner, pack, rule, kind, ex)
        if failure is not None:
            failures.append(failure)
    return failures


def check_example(
    cleaner: Cleaner, pack: Pack, rule: Rule, kind: str, example: Example
) -> ExampleFailure | None:
    """None when the example holds; otherwise what went wrong."""
    source = pack.domains[0] if pack.domains else None
    result = cleaner.clean_and_explain(example.input, source=source)
    want = example.expected if example.expected is not None else example.input
    fired = any(edit.code == rule.code for edit in result.trace)
    if result.text == want and (kind == "pass" or fired):
        return None
    got = result.text if result.text != want else result.text + f"\n[{rule.code} did not fire]"
    return ExampleFailure(pack.path, rule.code, kind, example, got)


def cleaner_for(pack_path: str | Path, pack: Pack) -> Cleaner:
    """A cleaner running only this pack's rules, at the aggressive level."""
    path = Path(pack_path).resolve()
    shipped = {p.resolve() for p in builtin_pack_paths()}
    return Cleaner(
        level="aggressive",
        packs=[] if path in shipped else [path],
        repair=False,
        select=[rule.code for rule in pack.rules] or ["--none--"],
    )


def run_examples(locations: Sequence[str | Path]) -> tuple[int, int]:
    """Check every pack at the given files or folders; print each failure with its diff.
    Returns (examples passed, examples failed)."""
    total = failed = 0
    for location in locations:
        for path in pack_paths(location):
            failures = check_pack(path)
            total += sum(1 for _ in example_cases(load_pack(path)))
            failed += len(failures)
            for failure in failures:
                print(failure.describe())
    return total - failed, failed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cleannews.packtest",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", help="pack files or directories")
    args = parser.parse_args(argv)
    try:
        passed, failed = run_examples(args.paths)
    except PackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0

if __name__ == "__main__":
    raise SystemExit(main())
