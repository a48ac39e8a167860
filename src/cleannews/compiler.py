"""Turn rules into fast matchers: one multi-pattern pre-filter plus per-rule verifiers.

The pre-filter (Hyperscan when its wheels exist, pure Python otherwise) runs once per
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


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule with its matchers: line phrases (normalised) and a verifier regex."""

    rule: Rule
    index: int
    line_phrases: frozenset[str]
    verifier: regex.Pattern[str] | None
    zone_scanned: bool


class Scanner(Protocol):
    """Finds candidate (owner, line number) pairs in one text: the owner is a rule index, or
    -1 - k for the fingerprints of source pack k."""

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


def literal_forms(text: str) -> list[str]:
    """The lower-cased literal a pre-filter looks for, plus the case variants that ASCII-only
    caseless matching would miss (`ÜBER`, `Über`)."""
    base = " ".join(text.lower().split())
    forms = [base]
    if not base.isascii():
        forms += [base.upper(), base[:1].upper() + base[1:],
                  " ".join(w[:1].upper() + w[1:] for w in base.split(" "))]
    return list(dict.fromkeys(f for f in forms if f))


def _rule_literals(rule: Rule) -> list[str]:
    """Literals one of which occurs in every line the rule can fire on ("\n" = line start)."""
    phrases = [p for items in rule.phrases.values() for p in items]
    texts = [normalize_line(p) if rule.match == "line" else p for p in phrases]
    texts += [("\n" + t[1:]) if t.startswith("^") else t for t in rule.triggers]
    return [form for text in texts if text.strip() for form in literal_forms(text)]


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
        literals: list[tuple[str, int]] = []
        patterns: list[tuple[str, int]] = []
        for compiled in self.rules:
            literals += [(lit, compiled.index) for lit in _rule_literals(compiled.rule)]
            if compiled.rule.trigger_pattern is not None:
                patterns.append((compiled.rule.trigger_pattern, compiled.index))
        # Fingerprint lines of source packs ride on the same scan; their owners are negative.
        self.fingerprints: tuple[tuple[str, frozenset[str]], ...] = tuple(
            (name, frozenset(normalize_line(line) for line in lines)) for name, lines in fingerprints
        )
        for k, (_, lines) in enumerate(fingerprints):
            literals += [(form, -1 - k) for line in lines if normalize_line(line)
                         for form in literal_forms(normalize_line(line))]
        self.scanner: Scanner = make_scanner(literals, patterns)
        self.zone_scanned: tuple[CompiledRule, ...] = tuple(r for r in self.rules if r.zone_scanned)


# Spaces of every kind fold to one plain space (and zero-width characters go) in the text the
# literals are searched in. Line breaks are never touched, so line numbers stay true.
_FOLD_NEEDED = re.compile("[\t\u00a0\u2000-\u200d\u202f\u205f\u3000\u2060\ufeff\u00ad]| {2}")
_FOLD_TABLE = {
    **dict.fromkeys(map(ord, "\t\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
                        "\u2008\u2009\u200a\u202f\u205f\u3000"), " "),
    **dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None),
}
_SPACE_RUN = re.compile(" {2,}")


def scan_form(text: str) -> str:
    """The text as literals are searched in: spaces folded, a line break in front (so a
    literal may ask for the start of a line with a leading line break)."""
    if _FOLD_NEEDED.search(text):
        text = _SPACE_RUN.sub(" ", text.translate(_FOLD_TABLE))
    return "\n" + text


def _line_starts(data: bytes | str) -> list[int]:
    sep = b"\n" if isinstance(data, bytes) else "\n"
    return [0, *accumulate(len(part) + 1 for part in data.split(sep))]  # type: ignore[arg-type]


def make_scanner(literals: Sequence[tuple[str, int]], patterns: Sequence[tuple[str, int]]) -> Scanner:
    """Hyperscan if it is installed and works here, else the pure-Python fallback."""
    try:
        return HyperscanScanner(literals, patterns)
    except ImportError:
        return RegexScanner(literals, patterns)


class RegexScanner:
    """Fallback pre-filter in pure Python: slower, same candidates."""

    def __init__(self, literals: Sequence[tuple[str, int]], patterns: Sequence[tuple[str, int]]):
        self._literals = [(lit.lower(), owner) for lit, owner in literals]
        self._patterns = [(regex.compile(p, regex.MULTILINE | regex.V0), owner)
                          for p, owner in patterns]

    def candidates(self, text: str, line_starts: Sequence[int]) -> Iterable[tuple[int, int]]:
        lowered = scan_form(text).lower()
        starts = _line_starts(lowered)
        for literal, owner in self._literals:
            pos = lowered.find(literal)
            while pos >= 0:
                yield owner, bisect_right(starts, pos + len(literal) - 1) - 2
                pos = lowered.find(literal, pos + 1)
        for pattern, owner in self._patterns:
            for match in pattern.finditer(text):
                yield owner, bisect_right(line_starts, match.start()) - 1


class HyperscanScanner:
    """Literals in one Hyperscan literal database, trigger patterns in a second one; one scan
    of each per text, scratch space per thread."""

    def __init__(self, literals: Sequence[tuple[str, int]], patterns: Sequence[tuple[str, int]]):
        import hyperscan  # noqa: PLC0415 - optional: the fallback covers platforms without it

        self._hs = hyperscan
        self._local = threading.local()
        self._literal_owners = [owner for _, owner in literals]
        self._pattern_owners = [owner for _, owner in patterns]
        self._literal_db = self._pattern_db = None
        if literals:
            self._literal_db = hyperscan.Database()
            self._literal_db.compile(
                expressions=[lit.encode("utf-8") for lit, _ in literals],
                ids=list(range(len(literals))), elements=len(literals),
                flags=hyperscan.HS_FLAG_CASELESS, literal=True,
            )
        if patterns:
            self._pattern_db = hyperscan.Database()
            self._pattern_db.compile(
                expressions=[p.encode("utf-8") for p, _ in patterns],
                ids=list(range(len(patterns))), elements=len(patterns),
                flags=hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP | hyperscan.HS_FLAG_MULTILINE,
            )

    def _scratch(self, name: str, database):  # type: ignore[no-untyped-def]
        scratch = getattr(self._local, name, None)
        if scratch is None:
            scratch = self._hs.Scratch(database)
            setattr(self._local, name, scratch)
        return scratch

    def candidates(self, text: str, line_starts: Sequence[int]) -> Iterable[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        if self._literal_db is not None:
            data = scan_form(text).encode("utf-8", "replace")
            hits: list[tuple[int, int]] = []
            self._literal_db.scan(data, match_event_handler=_collect, context=hits,
                                  scratch=self._scratch("literal", self._literal_db))
            if hits:
                starts = _line_starts(data)
                owners = self._literal_owners
                out += [(owners[i], bisect_right(starts, end - 1) - 2) for i, end in hits]
        if self._pattern_db is not None:
            if text.isascii():
                data, starts = text.encode("ascii"), line_starts
            else:
                data = text.encode("utf-8", "replace")
                starts = _line_starts(data)
            hits = []
            self._pattern_db.scan(data, match_event_handler=_collect, context=hits,
                                  scratch=self._scratch("pattern", self._pattern_db))
            owners = self._pattern_owners
            out += [(owners[i], bisect_right(starts, end - 1) - 1) for i, end in hits]
        return out


def _collect(expr_id: int, start: int, end: int, flags: int, hits: list[tuple[int, int]]) -> None:
    hits.append((expr_id, end))
