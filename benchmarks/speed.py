"""Throughput of `cleannews.clean` on one core, in MB/s of input.

Run it on a quiet machine: it pins itself to one core, but other load still shows.

    python benchmarks/speed.py [--mb 20] [--rules-factor 10]

Documents are the corpus inputs with their paragraphs shuffled and lightly varied, so no two
are equal (and no cache could help: cleannews has none). Prints MB/s and documents/s for the
default packs, then for the same packs with every rule repeated N times under new codes and
with new phrases, to show that cost follows the input, not the number of rules. Two smaller
sets give context: the five real seed pages and clean article text (the corpus's expected
outputs). Last, the same three sets through the pure-Python engine (what runs where the
compiled one is not built), as ratios.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from cleannews import Cleaner  # noqa: E402
from cleannews.compiler import ENGINE  # noqa: E402
from cleannews.model import Pack  # noqa: E402


def corpus_inputs() -> list[str]:
    return [p.read_bytes().decode("utf-8") for p in sorted((ROOT / "corpus").rglob("input.txt"))]


def real_pages(total_bytes: int) -> list[str]:
    """The five real scraped seed pages (mean 3.5 KB), numbered so no two are equal."""
    seeds = [p.read_bytes().decode("utf-8") for p in sorted(ROOT.glob("corpus/seeds/*/input.txt"))]
    return _numbered(seeds, total_bytes)


def clean_articles(total_bytes: int) -> list[str]:
    """Article text with nothing to remove: the corpus's expected outputs, numbered."""
    texts = [p.read_bytes().decode("utf-8") for p in sorted(ROOT.glob("corpus/*/*/expected.txt"))]
    return _numbered(texts, total_bytes)


def _numbered(texts: list[str], total_bytes: int) -> list[str]:
    out: list[str] = []
    produced = 0
    while produced < total_bytes:
        text = texts[len(out) % len(texts)]
        out.append(f"{len(out)} {text}")
        produced += len(out[-1].encode("utf-8"))
    return out


def varied_documents(total_bytes: int, seed: int = 7) -> Iterator[str]:
    """Corpus inputs with paragraph order shuffled and a serial number woven in."""
    rng = random.Random(seed)
    bases = corpus_inputs()
    produced, serial = 0, 0
    while produced < total_bytes:
        base = bases[serial % len(bases)]
        paras = base.split("\n\n")
        body = paras[1:-1]
        rng.shuffle(body)
        doc = "\n\n".join([paras[0], *body, paras[-1]] if len(paras) > 2 else paras)
        doc = doc.replace(" the ", f" the {serial} ", 1) if " the " in doc else f"{serial} {doc}"
        serial += 1
        produced += len(doc.encode("utf-8"))
        yield doc


def inflated(cleaner: Cleaner, factor: int) -> Cleaner:
    """The same cleaner with every rule copied `factor - 1` more times, new codes and phrases."""
    big = Cleaner(level=cleaner.level, builtin=False)
    packs = []
    for pack in cleaner.packs:
        if pack.is_source:
            continue
        rules = list(pack.rules)
        for k in range(1, factor):
            for rule in pack.rules:
                number = 100 * k + int(rule.code[2:]) % 100
                phrases = {
                    lang: tuple(f"{p} {k}x" for p in items) for lang, items in rule.phrases.items()
                }
                # New words, same shape: a pattern copy gets its own trigger words too.
                triggers = tuple(f"{t}{k}x" for t in rule.triggers)
                if rule.pattern is not None and not triggers:
                    triggers = (f"{rule.name}{k}x",)
                rules.append(
                    replace(
                        rule,
                        code=f"{rule.code[:2]}{number:04d}",
                        name=f"{rule.name}-{k}",
                        phrases=phrases,
                        triggers=triggers,
                        trigger_pattern=None,
                    )
                )
        packs.append(Pack(path=pack.path, rules=tuple(rules), category=pack.category))
    big.packs = tuple(packs)
    big._generic = packs
    return big


def measure(cleaner: Cleaner, docs: list[str]) -> tuple[float, float]:
    for base in corpus_inputs():  # compile every pack selection outside the timing
        cleaner.clean(base)
    size = sum(len(d.encode("utf-8")) for d in docs)
    start = time.perf_counter()
    for doc in docs:
        cleaner.clean(doc)
    elapsed = time.perf_counter() - start
    return size / elapsed / 1e6, len(docs) / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="megabytes of input (default 20)")
    parser.add_argument("--rules-factor", type=int, default=10)
    parser.add_argument(
        "--no-pure", action="store_true", help="skip the pure-Python engine comparison"
    )
    parser.add_argument("--default-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    docs = list(varied_documents(int(args.mb * 1e6)))
    size = sum(len(d.encode("utf-8")) for d in docs)
    print(f"{len(docs)} distinct documents, {size / 1e6:.1f} MB, mean {size / len(docs):.0f} bytes")
    cleaner = Cleaner()
    n_rules = len(cleaner.rules)
    mbs, dps = measure(cleaner, docs)
    other_size = max(1, int(args.mb * 1e6) // 10)
    pages = measure(cleaner, real_pages(other_size))[0]
    prose = measure(cleaner, clean_articles(other_size))[0]
    if args.default_only:
        print(f"MB/s {mbs} {pages} {prose}")
        return 0
    print(f"default packs ({n_rules} rules, {ENGINE} engine): {mbs:8.1f} MB/s  {dps:10.0f} docs/s")
    print(f"  real seed pages (mean 3.5 KB):        {pages:8.1f} MB/s")
    print(f"  clean article text:                   {prose:8.1f} MB/s")
    big = inflated(cleaner, args.rules_factor)
    big_rules = sum(len(p.rules) for p in big.packs)
    mbs_big, dps_big = measure(big, docs)
    label = f"x{args.rules_factor} rules ({big_rules} rules):"
    print(f"{label} {mbs_big:8.1f} MB/s  {dps_big:10.0f} docs/s")
    print(f"ratio (x{args.rules_factor} rules / default): {mbs_big / mbs:.2f}")
    if not args.no_pure and ENGINE == "compiled":
        pure = pure_python_speed(args.mb)
        for label, fast, slow in zip(
            ("corpus documents", "real seed pages", "clean article text"),
            (mbs, pages, prose),
            pure,
            strict=True,
        ):
            print(
                f"pure-Python engine, {label + ':':20s}{slow:8.1f} MB/s"
                f"  (compiled / pure-Python: {fast / slow:.2f})"
            )
    return 0


def pure_python_speed(mb: float) -> list[float]:
    """MB/s of the same three sets with the compiled engine switched off
    (CLEANNEWS_PURE_PYTHON)."""
    out = subprocess.run(
        [sys.executable, __file__, "--mb", str(mb), "--default-only"],
        env={**os.environ, "CLEANNEWS_PURE_PYTHON": "1"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [float(x) for x in out.split()[-3:]]


if __name__ == "__main__":
    raise SystemExit(main())
