"""Run compiled rules over one text and produce the removals, with their whitespace.

Two passes: the `anywhere` rules first; then head and tail zones are measured on what is
left, and the zone rules run. Whole-line deletions then take their line breaks and the blank
lines around them as ANNOTATION.md says, and the document guard vetoes runs that would eat
a large share of the prose.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import accumulate

from cleannews.compiler import CompiledRule, CompiledRules
from cleannews.linetext import (
    is_blank,
    is_headline,
    is_headline_like,
    is_prose,
    normalize_line,
    word_count,
)
from cleannews.model import Removal, Rule

GUARD_SHARE = 0.3
GUARD_MIN_WORDS = 40


@dataclass(slots=True)
class Document:
    """One text split into lines (without `\\n`; a CRLF line keeps its `\\r`)."""

    text: str
    lines: list[str]
    starts: list[int]
    count: int  # real lines: a final newline does not open another one
    deleted: dict[int, CompiledRule] = field(default_factory=dict)
    spans: dict[int, list[tuple[int, int, CompiledRule]]] = field(default_factory=dict)

    @classmethod
    def split(cls, text: str) -> Document:
        lines = text.split("\n")
        starts = [0, *accumulate(len(line) + 1 for line in lines)]
        count = len(lines) - 1 if text.endswith("\n") else len(lines)
        return cls(text, lines, starts, count)

    def content(self, i: int) -> str:
        line = self.lines[i]
        return line[:-1] if line.endswith("\r") else line

    def alive(self, i: int) -> bool:
        return i not in self.deleted


def scan(compiled: CompiledRules, doc: Document) -> tuple[dict[int, set[int]], dict[str, int]]:
    """One pre-filter pass: candidate lines per rule index, and how many distinct
    fingerprint lines of each source pack the text holds."""
    candidates: dict[int, set[int]] = defaultdict(set)
    fingerprint_lines: dict[int, set[int]] = defaultdict(set)
    for owner, line_no in compiled.scanner.candidates(doc.text, doc.starts):
        if 0 <= line_no < doc.count:
            (candidates if owner >= 0 else fingerprint_lines)[owner].add(line_no)
    found: dict[str, int] = {}
    for owner, lines in fingerprint_lines.items():
        name, wanted = compiled.fingerprints[-1 - owner]
        distinct = {normalize_line(doc.content(i)) for i in lines} & wanted
        if distinct:
            found[name] = len(distinct)
    return candidates, found


def find_removals(
    compiled: CompiledRules, doc: Document, candidates: dict[int, set[int]]
) -> tuple[list[Removal], list[str]]:
    """Every removal the rules make in the text (offsets into it), and any guard warnings."""
    if not candidates and not compiled.zone_scanned:
        return [], []
    ordered = sorted(candidates.items())
    for index, lines in ordered:
        rule = compiled.rules[index]
        if rule.rule.zone == "anywhere":
            _apply(doc, rule, sorted(lines))
    head_end, tail_start = _zones(doc)
    if head_end is not None and tail_start is not None:
        for index, lines in ordered:
            rule = compiled.rules[index]
            if rule.rule.zone != "anywhere":
                in_zone = [i for i in sorted(lines) if _in_zone(rule.rule, i, head_end, tail_start)]
                _apply(doc, rule, in_zone)
        for rule in compiled.zone_scanned:
            zone_lines = range(head_end) if rule.rule.zone == "head" else range(tail_start, doc.count)
            _apply(doc, rule, [i for i in zone_lines if doc.alive(i)])
    warnings = _guard(doc)
    return _removals(doc), warnings


def _in_zone(rule: Rule, i: int, head_end: int, tail_start: int) -> bool:
    return i < head_end if rule.zone == "head" else i >= tail_start


def _zones(doc: Document) -> tuple[int | None, int | None]:
    """(first prose line, first line after the last prose line), ignoring deleted lines."""
    first = next((i for i in range(doc.count) if doc.alive(i) and is_prose(doc.content(i))), None)
    if first is None:
        return None, None
    last = next(i for i in range(doc.count - 1, first - 1, -1)
                if doc.alive(i) and is_prose(doc.content(i)))
    return first, last + 1


def _apply(doc: Document, compiled: CompiledRule, lines: list[int]) -> None:
    rule = compiled.rule
    if rule.min_repeats > 1:
        keys = [normalize_line(doc.content(i)) for i in lines]
        lines = [i for i, key in zip(lines, keys, strict=True) if keys.count(key) >= rule.min_repeats]
    for i in lines:
        if not doc.alive(i):
            continue
        line = doc.content(i)
        if rule.scope == "span":
            _apply_span(doc, compiled, i, line)
            continue
        if word_count(line) > rule.max_words or not _matches_line(compiled, line):
            continue
        if not rule.allow_prose and is_prose(line):
            continue
        if rule.after_prose and not _neighbour_is(doc, i, -1, is_prose):
            continue
        if rule.before_headline and not _neighbour_is(doc, i, 1, is_headline):
            continue
        if rule.scope == "line":
            doc.deleted[i] = compiled
        elif rule.scope == "block":
            _apply_block(doc, compiled, i)
        elif rule.scope == "tail":
            for j in range(i, doc.count):
                doc.deleted.setdefault(j, compiled)
        else:  # head
            for j in range(i + 1):
                doc.deleted.setdefault(j, compiled)


def _matches_line(compiled: CompiledRule, line: str) -> bool:
    if compiled.line_phrases and normalize_line(line) in compiled.line_phrases:
        return True
    return compiled.verifier is not None and compiled.verifier.search(line) is not None


def _neighbour_is(doc: Document, i: int, step: int, test: object) -> bool:
    j = i + step
    while 0 <= j < doc.count and (not doc.alive(j) or is_blank(doc.content(j))):
        j += step
    return 0 <= j < doc.count and test(doc.content(j))  # type: ignore[operator]


def _apply_block(doc: Document, compiled: CompiledRule, heading: int) -> None:
    rule = compiled.rule
    doc.deleted[heading] = compiled
    cross_blanks = rule.zone == "tail"
    taken, j = 0, heading + 1
    while j < doc.count and taken < rule.max_items:
        line = doc.content(j)
        if is_blank(line):
            if not (cross_blanks or taken == 0):
                break
            j += 1
            continue
        if not doc.alive(j):
            j += 1
            continue
        if not is_headline_like(line, rule.item_max_words) or is_prose(line):
            break
        doc.deleted[j] = compiled
        taken += 1
        j += 1


def _apply_span(doc: Document, compiled: CompiledRule, i: int, line: str) -> None:
    if compiled.verifier is None:
        return
    found = [(m.start(), m.end()) for m in compiled.verifier.finditer(line) if m.end() > m.start()]
    if not found:
        return
    spans = doc.spans.setdefault(i, [])
    for start, end in found:
        if all(end <= s or start >= e for s, e, _ in spans):
            spans.append((start, end, compiled))
    spans.sort(key=lambda s: s[0])
    rest, pos = [], 0
    for start, end, _ in spans:
        rest.append(line[pos:start])
        pos = end
    rest.append(line[pos:])
    if is_blank("".join(rest)):
        doc.deleted[i] = spans[0][2]
        del doc.spans[i]


def _guard(doc: Document) -> list[str]:
    """Keep the prose when the removals would take too much of it, and say so."""
    prose = {i: word_count(doc.content(i)) for i in range(doc.count) if is_prose(doc.content(i))}
    lost = sum(words for i, words in prose.items() if i in doc.deleted)
    total = sum(prose.values())
    if lost < GUARD_MIN_WORDS or lost <= GUARD_SHARE * total:
        return []
    vetoed = sorted({doc.deleted[i].rule.code for i in prose if i in doc.deleted})
    for i in prose:
        doc.deleted.pop(i, None)
    return [
        f"kept {lost} of {total} prose words that rules {', '.join(vetoed)} would have deleted"
        f" (more than {GUARD_SHARE:.0%} of the prose)"
    ]


def _removals(doc: Document) -> list[Removal]:
    """Deleted lines and spans as offset ranges, with the whitespace ANNOTATION.md asks for."""
    dropped = _lines_to_drop(doc)
    ranges: list[tuple[int, int, CompiledRule]] = []
    for i, owner in dropped:
        start, end = doc.starts[i], doc.starts[i + 1]
        ranges.append((start, min(end, len(doc.text)), owner))
    if dropped and not doc.text.endswith("\n") and dropped[-1][0] == doc.count - 1:
        kept = [i for i in range(doc.count) if i not in dict(dropped)]
        if kept:  # the new last line must not end in the line break the old one lacked
            last = kept[-1]
            start, _, owner = ranges[-1]
            cut = doc.starts[last] + len(doc.content(last))
            ranges.append((cut, doc.starts[last + 1], owner))
    dropped_lines = dict(dropped)
    for i, spans in doc.spans.items():
        if i in dropped_lines:
            continue
        line = doc.content(i)
        for start, end, owner in spans:
            start, end = _take_space(line, start, end)
            ranges.append((doc.starts[i] + start, doc.starts[i] + end, owner))
    ranges.sort(key=lambda r: r[0])
    merged: list[tuple[int, int, CompiledRule]] = []
    for start, end, owner in ranges:
        if merged and start <= merged[-1][1] and owner is merged[-1][2]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]), owner)
        else:
            merged.append((start, end, owner))
    return [Removal(o.rule.code, o.rule.name, s, e, doc.text[s:e]) for s, e, o in merged]


def _take_space(line: str, start: int, end: int) -> tuple[int, int]:
    if start > 0 and line[start - 1] in " \t":
        return start - 1, end
    if end < len(line) and line[end] in " \t":
        return start, end + 1
    return start, end


def _lines_to_drop(doc: Document) -> list[tuple[int, CompiledRule]]:
    """Deleted lines plus the surplus blank lines around them, each with the rule to blame."""
    out: list[tuple[int, CompiledRule]] = []
    i = 0
    while i < doc.count:
        if not (i in doc.deleted or is_blank(doc.content(i))):
            i += 1
            continue
        j = i
        while j < doc.count and (j in doc.deleted or is_blank(doc.content(j))):
            j += 1
        stretch = range(i, j)
        if any(k in doc.deleted for k in stretch):
            out.extend(_settle_stretch(doc, stretch, at_edge=(i == 0 or j == doc.count)))
        i = j
    return out


def _settle_stretch(doc: Document, stretch: range, at_edge: bool) -> list[tuple[int, CompiledRule]]:
    keep: set[int] = set()
    if not at_edge:
        best_start, best_len, run_start = -1, 0, -1
        for k in stretch:
            if k not in doc.deleted:
                run_start = k if run_start < 0 else run_start
                if k - run_start + 1 > best_len:
                    best_start, best_len = run_start, k - run_start + 1
            else:
                run_start = -1
        keep = set(range(best_start, best_start + best_len))
    owners = [doc.deleted.get(k) for k in stretch]
    out = []
    for pos, k in enumerate(stretch):
        if k in keep:
            continue
        owner = owners[pos] or next((o for o in reversed(owners[:pos]) if o), None) \
            or next(o for o in owners[pos:] if o)
        out.append((k, owner))
    return out
