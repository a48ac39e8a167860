"""docs/rules.md, generated from the shipped packs: what each rule does, why, and examples.

    python -m cleannews.ruledoc > docs/rules.md

A test fails when the checked-in file differs from this output, so the doc never goes stale.
"""

from __future__ import annotations

from collections.abc import Sequence

from cleannews.loader import builtin_pack_paths, load_pack
from cleannews.model import CATEGORIES, Pack, Rule


def render(packs: Sequence[Pack]) -> str:
    generic = [p for p in packs if not p.is_source]
    sources = [p for p in packs if p.is_source]
    out = [
        "# Rules",
        "",
        "Generated from the packs by `python -m cleannews.ruledoc`; do not edit by hand.",
        "",
        f"{sum(len(p.rules) for p in generic)} generic rules in {len(generic)} packs, "
        f"{sum(len(p.rules) for p in sources)} site rules in {len(sources)} source packs.",
        "",
        "## Generic rules",
        "",
    ]
    for pack in sorted(generic, key=lambda p: p.category or ""):
        out += [f"### {pack.category}: {CATEGORIES.get(pack.category or '', pack.title)}", ""]
        for rule in pack.rules:
            out += _rule(rule)
    out += ["## Source packs", ""]
    for pack in sorted(sources, key=lambda p: p.source or ""):
        out += [
            f"### {pack.source}",
            "",
            f"Domains: {', '.join(pack.domains)}. Recognised without a URL by "
            f"{pack.min_fingerprints} of: {'; '.join(f'`{f}`' for f in pack.fingerprints)}.",
        ]
        if pack.disable:
            out.append(f"Switches off: {', '.join(pack.disable)}.")
        out.append("")
        for rule in pack.rules:
            out += _rule(rule)
    return "\n".join(out).rstrip() + "\n"


def _rule(rule: Rule) -> list[str]:
    langs = ", ".join(sorted(rule.phrases)) or "any (pattern)"
    lines = [
        f"#### {rule.code} `{rule.name}`",
        "",
        f"**What it does.** {rule.summary}",
        "",
        f"**Why.** {rule.why}",
        "",
        f"Scope `{rule.scope}`, zone `{rule.zone}`, level `{rule.level}`, "
        f"max {rule.max_words} words; languages: {langs}.",
        "",
        "Example:",
        "",
        "```text",
        *_clip(rule.fail[0].input),
        "```",
        "",
        "becomes:",
        "",
        "```text",
        *_clip(rule.fail[0].expected or ""),
        "```",
        "",
    ]
    return lines


def _clip(text: str, width: int = 100) -> list[str]:
    return [line if len(line) <= width else line[: width - 1] + "…" for line in text.splitlines()]


def builtin_packs() -> list[Pack]:
    return [load_pack(p) for p in builtin_pack_paths()]


if __name__ == "__main__":
    print(render(builtin_packs()), end="")
