"""Quality of cleannews on the golden corpus, as token metrics (markdown tables).

    python benchmarks/quality.py [--set generic] [--show-damaged]

Per case, with I, E, O the whitespace tokens of input, expected and output and LCS the
longest common subsequence:
  content recall = LCS(O, E) / |E|      (1.0: no article token lost)
  precision      = LCS(O, E) / |O|      (1.0: nothing left that should have gone)
  noise removed  = 1 - (|O| - LCS(O, E)) / (|I| - LCS(I, E)), over cases that have noise
then averaged over cases; also exact matches and damaged cases (content recall < 0.99),
per language and per category. Known failures are included.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.corpus_cases import Case, all_cases  # noqa: E402

import cleannews  # noqa: E402


def lcs(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence, bit-parallel (Allison-Dix / Hyyrö)."""
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    for i, token in enumerate(a):
        masks[token] = masks.get(token, 0) | (1 << i)
    full = (1 << len(a)) - 1
    v = full
    for token in b:
        u = v & masks.get(token, 0)
        v = ((v + u) | (v - u)) & full
    return len(a) - v.bit_count()


@dataclass
class Score:
    case: Case
    recall: float
    precision: float
    noise_removed: float | None
    exact: bool

    @property
    def damaged(self) -> bool:
        return self.recall < 0.99


def score(case: Case) -> Score:
    output = cleannews.clean(case.input, source=case.source)
    i, e, o = case.input.split(), case.expected.split(), output.split()
    common = lcs(o, e)
    recall = common / len(e) if e else 1.0
    precision = common / len(o) if o else 1.0
    noise = len(i) - lcs(i, e)
    removed = 1 - (len(o) - common) / noise if noise else None
    return Score(case, recall, precision, removed, output == case.expected)


def table(title: str, groups: dict[str, list[Score]]) -> str:
    rows = [
        f"### {title}",
        "",
        "| group | cases | content recall | precision | noise removed | exact | damaged |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, scores in sorted(groups.items()):
        rows.append(_row(name, scores))
    return "\n".join(rows) + "\n"


def _row(name: str, scores: list[Score]) -> str:
    n = len(scores)
    noisy = [s.noise_removed for s in scores if s.noise_removed is not None]
    noise = f"{sum(noisy) / len(noisy):.3f}" if noisy else "-"
    return (
        f"| {name} | {n} | {sum(s.recall for s in scores) / n:.4f} | "
        f"{sum(s.precision for s in scores) / n:.4f} | {noise} | "
        f"{sum(s.exact for s in scores)} | {sum(s.damaged for s in scores)} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", help="only this corpus set (seeds, generic, negative, ...)")
    parser.add_argument("--show-damaged", action="store_true", help="list damaged cases")
    args = parser.parse_args()
    cases = [c for c in all_cases() if not args.set or c.set == args.set]
    scores = [score(c) for c in cases]
    print(table("Overall", {"all cases": scores}))
    print(table("By set", _group(scores, lambda s: [s.case.set])))
    print(table("By language", _group(scores, lambda s: [s.case.lang])))
    print(table("By category", _group(scores, lambda s: list(s.case.categories) or ["(none)"])))
    if args.show_damaged:
        for s in scores:
            if s.damaged or not s.exact:
                print(
                    f"- {s.case.id}: recall {s.recall:.3f}, noise removed "
                    f"{s.noise_removed if s.noise_removed is None else round(s.noise_removed, 3)}"
                )
    return 0


def _group(scores: list[Score], keys) -> dict[str, list[Score]]:  # type: ignore[no-untyped-def]
    groups: dict[str, list[Score]] = defaultdict(list)
    for s in scores:
        for key in keys(s):
            groups[key].append(s)
    return groups


if __name__ == "__main__":
    raise SystemExit(main())
