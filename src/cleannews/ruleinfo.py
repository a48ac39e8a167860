"""What `cleannews rules` and `cleannews rule CODE` print: the loaded rules, for people."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cleannews.model import CATEGORIES, Pack, Rule
from cleannews.selection import host_of, pack_for_host


def filter_rules(
    packs: Sequence[Pack],
    *,
    categories: Sequence[str] = (),
    lang: str | None = None,
    source: str | None = None,
) -> list[Rule]:
    """Rules of the given categories, with phrases for (or limited to) `lang`, from the
    source pack of `source` when one is given. Later packs replace earlier rules by code.
    """
    if source is not None:
        pack = pack_for_host(host_of(source), [p for p in packs if p.is_source])
        packs = [pack] if pack else []
    by_code: dict[str, Rule] = {}
    for pack in packs:
        for rule in pack.rules:
            by_code[rule.code] = rule
    wanted = tuple(c.upper() for c in categories)
    return [
        rule for rule in by_code.values()
        if (not wanted or rule.code.startswith(wanted))
        and (lang is None or lang in rule.phrases or lang in rule.langs)
    ]


def rule_table(rules: Iterable[Rule]) -> str:
    """One line a rule: code, level, name, summary."""
    rows = [f"{r.code:<7} {r.level:<10} {r.name:<32} {r.summary}" for r in rules]
    return "".join(row.rstrip() + "\n" for row in rows)


def rule_record(rule: Rule) -> dict[str, object]:
    """A rule as JSON data (examples left out: `cleannews rule CODE` shows them)."""
    return {
        "code": rule.code, "name": rule.name, "category": rule.category,
        "summary": rule.summary, "why": rule.why, "scope": rule.scope, "zone": rule.zone,
        "level": rule.level, "match": rule.match, "langs": list(rule.langs),
        "phrases": {k: list(v) for k, v in rule.phrases.items()},
        "pattern": rule.pattern, "origin": rule.origin,
    }


def rule_detail(rule: Rule) -> str:
    """Everything a reader needs to judge one rule: what, why, where, and its examples."""
    lines = [
        f"{rule.code} {rule.name}",
        "",
        f"  {rule.summary}",
        f"  Why: {rule.why}",
        "",
        f"  category: {rule.category} ({CATEGORIES.get(rule.category, 'user category')})",
        f"  scope: {rule.scope}   zone: {rule.zone}   level: {rule.level}   match: {rule.match}",
    ]
    if rule.langs:
        lines.append(f"  only for: {', '.join(rule.langs)}")
    for lang, phrases in sorted(rule.phrases.items()):
        lines.append(f"  phrases.{lang}: {', '.join(repr(p) for p in phrases)}")
    if rule.pattern:
        lines.append(f"  pattern: {rule.pattern}")
    if rule.origin:
        lines.append(f"  defined in: {rule.origin}")
    for ex in rule.fail:
        lines += ["", "  Removes:", *_indented(ex.input),
                  "  Leaving:", *_indented(ex.expected or "")]
    for ex in rule.passes:
        lines += ["", "  Leaves alone:", *_indented(ex.input)]
    return "\n".join(lines) + "\n"


def _indented(text: str) -> list[str]:
    return [f"    | {line}".rstrip() for line in text.splitlines()] or ["    | (empty)"]
