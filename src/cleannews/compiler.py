"""Turn rules into fast matchers: one multi-pattern pre-filter plus per-rule verifiers.

The pre-filter (Hyperscan when its wheels exist, Python's `re` otherwise) runs once per
document and names the (rule, line) pairs that can fire; only those are verified in Python.
Whole-line phrases are verified by a dict lookup on the normalised line, everything else by
the rule's own `regex` pattern on that one line. So cost follows the size of the text, not
the number of rules.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Protocol

import regex

from cleannews.linetext import normalize_line
from cleannews.model import Rule

_SPACE_CLASS = "[\\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+"
_EDGE = "[^\\w\\n]*"


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule with its matchers: line phrases (normalised) and a verifier regex."""

    rule: Rule
    index: int
    line_phrases: frozenset[str]
    verifier: regex.Pattern[str] | None
    zone_scanned: bool


class Scanner(Protocol):
    """Finds candidate (expression id, line number) pairs in one text."""

    def candidates(self, text: str, line_starts: Sequence[int]) -> Iterable[tuple[int, int]]: ...


def phrase_regex(phrase: str, strip_edges: bool = True) -> str:
    """A phrase as a regex that tolerates any run of spaces between its words.

    Whole-line phrases lose their edge punctuation, as lines do; prefix and inline phrases
    keep it, so `Source:` needs its colon and `(mehr dazu hier)` its brackets.
    """
    text = normalize_line(phrase) if strip_edges else " ".join(phrase.lower().split())
    return _SPACE_CLASS.join(re.escape(w) for w in text.split(" "))


def _bounded(phrase: str) -> str:
    """Word boundaries only where the phrase itself starts or ends with a word character."""
    text = phrase.strip()
    head = r"(?<!\w)" if text[:1].isalnum() else ""
    tail = r"(?!\w)" if text[-1:].isalnum() else ""
    return head + phrase_regex(phrase, strip_edges=False) + tail


def _verifier(rule: Rule) -> regex.Pattern[str] | None:
    parts: list[str] = []
    phrases = [p for items in rule.phrases.values() for p in items if normalize_line(p)]
    if phrases and rule.match == "prefix":
        alts = "|".join(_bounded(p) for p in phrases)
        parts.append(rf"(?i:^[^\w]*?(?:{alts}))")
    elif phrases and rule.match == "inline":
        alts = "|".join(_bounded(p) for p in phrases)
        parts.append(rf"(?i:{alts})")
    if rule.pattern is not None:
        parts.append(f"(?:{rule.pattern})")
    if not parts:
        return None
    return regex.compile("|".join(parts), regex.V0)


def _prefilter_expressions(rule: Rule) -> list[tuple[str, bool]]:
    """(expression, caseless) pairs whose hits mark the lines a rule may fire on."""
    phrases = [p for items in rule.phrases.values() for p in items if normalize_line(p)]
    out: list[tuple[str, bool]] = []
    if phrases:
        alts = "|".join(phrase_regex(p, strip_edges=rule.match == "line") for p in phrases)
        if rule.match == "line":
            out.append((f"^{_EDGE}(?:{alts}){_EDGE}$", True))
        elif rule.match == "prefix":
            out.append((f"^{_EDGE}(?:{alts})", True))
        else:
            out.append((f"(?:{alts})", True))
    if rule.triggers:
        out.append(("|".join(re.escape(t) for t in rule.triggers), True))
    if rule.trigger_pattern is not None:
        out.append((rule.trigger_pattern, False))
    return out


class CompiledRules:
    """Rules ready to run: verifiers, the line-phrase index and one shared pre-filter."""

    def __init__(self, rules: Sequence[Rule],
                 fingerprints: Sequence[tuple[str, Sequence[str]]] = ()):
        self.rules: tuple[CompiledRule, ...] = tuple(
            CompiledRule(
                rule=rule,
                index=i,
                line_phrases=frozenset(
                    normalize_line(p) for items in rule.phrases.values() for p in items
                ) if rule.match == "line" else frozenset(),
                verifier=_verifier(rule),
                zone_scanned=(rule.zone != "anywhere" and not rule.triggers
                              and rule.trigger_pattern is None and not rule.phrases),
            )
            for i, rule in enumerate(rules)
        )
        expressions: list[tuple[str, bool]] = []
        owners: list[int] = []
        for compiled in self.rules:
            for expr in _prefilter_expressions(compiled.rule):
                expressions.append(expr)
                owners.append(compiled.index)
        # Fingerprint lines of source packs ride on the same scan; their owners are negative.
        self.fingerprints: tuple[tuple[str, frozenset[str]], ...] = tuple(
            (name, frozenset(normalize_line(line) for line in lines)) for name, lines in fingerprints
        )
        for k, (_, lines) in enumerate(fingerprints):
            alts = "|".join(phrase_regex(line) for line in lines if normalize_line(line))
            if not alts:
                continue
            expressions.append((f"^{_EDGE}(?:{alts}){_EDGE}$", True))
            owners.append(-1 - k)
        self.owners: tuple[int, ...] = tuple(owners)
        self.scanner: Scanner = make_scanner(expressions)
        self.zone_scanned: tuple[CompiledRule, ...] = tuple(r for r in self.rules if r.zone_scanned)


def make_scanner(expressions: Sequence[tuple[str, bool]]) -> Scanner:
    """Hyperscan if it is installed and works here, else the pure-Python fallback."""
    try:
        return HyperscanScanner(expressions)
    except ImportError:
        return RegexScanner(expressions)


class RegexScanner:
    """Fallback pre-filter: each expression searched with `regex` (slow, same answers)."""

    def __init__(self, expressions: Sequence[tuple[str, bool]]):
        self._patterns = [
            regex.compile(expr, regex.MULTILINE | regex.V0 | (regex.IGNORECASE if caseless else 0))
            for expr, caseless in expressions
        ]

    def candidates(self, text: str, line_starts: Sequence[int]) -> Iterable[tuple[int, int]]:
        for expr_id, pattern in enumerate(self._patterns):
            for match in pattern.finditer(text):
                yield expr_id, bisect_right(line_starts, match.start()) - 1


class HyperscanScanner:
    """All expressions in one Hyperscan database; one scan per text, scratch per thread."""

    def __init__(self, expressions: Sequence[tuple[str, bool]]):
        import hyperscan  # noqa: PLC0415 - optional: the fallback covers platforms without it

        self._hs = hyperscan
        self._database = None
        self._local = threading.local()
        if not expressions:
            return
        base = hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP | hyperscan.HS_FLAG_MULTILINE
        flags = [base | (hyperscan.HS_FLAG_CASELESS if caseless else 0)
                 for _, caseless in expressions]
        self._database = hyperscan.Database()
        self._database.compile(
            expressions=[expr.encode("utf-8") for expr, _ in expressions],
            ids=list(range(len(expressions))),
            elements=len(expressions),
            flags=flags,
        )

    def _scratch(self):  # type: ignore[no-untyped-def]
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = self._hs.Scratch(self._database)
        return scratch

    def candidates(self, text: str, line_starts: Sequence[int]) -> Iterable[tuple[int, int]]:
        if self._database is None:
            return []
        if text.isascii():
            data = text.encode("ascii")
            starts = line_starts
        else:
            data = text.encode("utf-8", "replace")
            starts = [0, *accumulate(len(part) + 1 for part in data.split(b"\n"))]
        hits: list[tuple[int, int]] = []
        self._database.scan(data, match_event_handler=_collect, context=hits,
                            scratch=self._scratch())
        return [(expr_id, bisect_right(starts, end - 1) - 1) for expr_id, end in hits]


def _collect(expr_id: int, start: int, end: int, flags: int, hits: list[tuple[int, int]]) -> None:
    hits.append((expr_id, end))
