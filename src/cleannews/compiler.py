"""Turn rules into fast matchers: one multi-pattern pre-filter plus per-rule verifiers.

The pre-filter runs once per document and names the (rule, line) pairs that can fire; only
those are verified. Its literals are searched by the compiled module when it is built (else
by Hyperscan, an Aho-Corasick automaton or pure Python, in that order of preference), its
trigger patterns by Hyperscan (else by `regex`); all find the same lines, given trigger
patterns that keep to one line as docs/packs.md asks. Whole-line phrases
are verified by a dict lookup on the normalised line, everything else by the rule's own
`regex` pattern on that one line. So cost follows the size of the text, not the number of
rules.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, AnyStr, Protocol

import regex

from cleannews.linetext import CASE_VARIANTS, ZERO_WIDTH, normalize_line
from cleannews.model import Rule

try:
    if os.environ.get("CLEANNEWS_PURE_PYTHON"):
        raise ImportError("CLEANNEWS_PURE_PYTHON is set")
    from cleannews import _speedups as speedups
except ImportError:  # not built (no C compiler at install time): the pure-Python engine runs
    speedups = None

ENGINE = "compiled" if speedups is not None else "pure-Python"

try:  # `re`'s own case tables (CPython 3.11 and later), to group prefix phrases by letter
    from _sre import unicode_tolower as _re_lower
    from re._casefix import _EXTRA_CASES  # what `re` adds to a letter's lower case
except ImportError:  # elsewhere the phrases keep their listed order: same matches, slower
    _re_lower = None

Pattern = Any  # a compiled `re` or `regex` pattern: both have search/finditer

_WHITESPACE_RUN = re.compile(r"[^\S\n]+")
_SPACE_CLASS = "[\\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+"


_UNCOMPILED: Any = object()


@dataclass(slots=True)
class CompiledRule:
    """A rule with its matchers: line phrases (normalised) and a verifier regex.

    The verifier is compiled on first use: most rules never fire on a given run, and
    compiling all of them up front would dominate the start-up of a short pipe.
    """

    rule: Rule
    index: int
    line_phrases: frozenset[str]
    zone_scanned: bool
    _verifier: Any = _UNCOMPILED

    @property
    def verifier(self) -> Pattern | None:
        if self._verifier is _UNCOMPILED:
            self._verifier = _verifier(self.rule)  # idempotent: a race only compiles twice
        return self._verifier


class Scanner(Protocol):
    """Finds the candidate lines of one text, per owner: a rule index, or -1 - k for the
    fingerprints of source pack k. Owners come in ascending order (engine.scan relies on it);
    lines are sorted, distinct and below `count`."""

    def lines(self, text: str, count: int) -> dict[int, list[int]]: ...


def _breaks(data: AnyStr) -> list[int]:
    """Offsets of the line breaks in `data`: the line of offset k is bisect_left(breaks, k)
    (counting per match instead is quadratic on a long text with many matches)."""
    newline: Any = b"\n" if isinstance(data, bytes) else "\n"
    out: list[int] = []
    pos = data.find(newline)
    while pos >= 0:
        out.append(pos)
        pos = data.find(newline, pos + 1)
    return out


def _grouped(pairs: set[tuple[int, int]], count: int) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for owner, line in sorted(pairs):
        if 0 <= line < count:
            out.setdefault(owner, []).append(line)
    return out


def phrase_regex(phrase: str, strip_edges: bool = True) -> str:
    """A phrase as a regex that tolerates any run of spaces between its words.

    Whole-line phrases lose their edge punctuation, as lines do; prefix and inline phrases
    keep it, so `Source:` needs its colon and `(mehr dazu hier)` its brackets.
    """
    text = normalize_line(phrase) if strip_edges else " ".join(phrase.lower().split())
    return _SPACE_CLASS.join(re.escape(w) for w in text.split(" "))


def _bounded(phrase: str, after_non_word: bool = False, needs_text: bool = False) -> str:
    r"""Word boundaries only where the phrase itself starts or ends with a word character
    (and none at its start `after_non_word`: where `^[^\w]*?` leads to it, the character
    before it, if any, is not a word character). With `needs_text`, a word must follow
    the phrase on its line (a rule's `needs_text`)."""
    text = phrase.strip()
    head = r"(?<!\w)" if text[:1].isalnum() and not after_non_word else ""
    tail = r"(?!\w)" if text[-1:].isalnum() else ""
    if needs_text:
        tail += r"(?=[^\w\n]*\w)"
    return head + phrase_regex(phrase, strip_edges=False) + tail


def _verifier(rule: Rule) -> Pattern | None:
    verifier = _matcher(rule)
    if verifier is None or rule.unless is None:
        return verifier
    # The rule's own matcher as a look-ahead, then the guard, both from the line start (the
    # guard is tried only on a line that matches): only whether the line matches counts
    # (`unless` is refused on span rules).
    return fast_pattern(rf"^(?=[\s\S]*?(?:{verifier.pattern}))(?!{_scoped(rule.unless)})")


def _matcher(rule: Rule) -> Pattern | None:
    phrases = [p for items in rule.phrases.values() for p in items if normalize_line(p)]
    pattern = [_scoped(rule.pattern)] if rule.pattern is not None else []
    if phrases and rule.match == "prefix":
        if _re_lower is not None:
            grouped = rf"(?i:^[^\w]*?{_by_first_letter(phrases, rule.needs_text)})"
            verifier = fast_pattern("|".join([grouped, *pattern]))
            if isinstance(verifier, re.Pattern):
                return verifier
        # `regex` folds case by its own tables: the phrases stay as listed there.
        alts = "|".join(_bounded(p, needs_text=rule.needs_text) for p in phrases)
        return fast_pattern("|".join([rf"(?i:^[^\w]*?(?:{alts}))", *pattern]))
    if phrases and rule.match == "inline":
        alts = "|".join(_bounded(p) for p in phrases)
        pattern.insert(0, rf"(?i:{alts})")
    return fast_pattern("|".join(pattern)) if pattern else None


def _by_first_letter(phrases: list[str], needs_text: bool = False) -> str:
    """Prefix phrases as one alternation for `re` with (?i), grouped by the case class of
    their first character, each group in the listed order: `re` tries the phrases of one
    place one by one (a long list costs a jump each), where two groups cannot both match
    at one place (a character folds into one class), so the first phrase that matches is
    the one the listed order finds."""
    groups: dict[frozenset[int], list[str]] = {}
    for phrase in phrases:
        # The first character phrase_regex writes, lower-cased as `re` does under (?i).
        lower = _re_lower(ord(phrase.lower().split()[0][0]))
        cases = frozenset((lower, *_EXTRA_CASES.get(lower, ())))
        groups.setdefault(cases, []).append(
            _bounded(phrase, after_non_word=True, needs_text=needs_text)
        )
    return "(?:" + "|".join(f"(?:{'|'.join(alts)})" for alts in groups.values()) + ")"


_GLOBAL_FLAGS = re.compile(r"\(\?([aiLmsux]+)\)")


def _scoped(pattern: str) -> str:
    """A pattern as a group that can be joined with others: leading global flags such as
    `(?i)` become scoped ones (`(?i:...)`), which Python's `re` accepts inside a group."""
    flags = _GLOBAL_FLAGS.match(pattern)
    if flags is None:
        return f"(?:{pattern})"
    return f"(?{flags.group(1)}:{pattern[flags.end() :]})"


def fast_pattern(source: str) -> Pattern:
    """Python's `re` when the pattern means the same there (it is about twice as fast on
    short lines); the `regex` module for what only it can do (\\p{..}, nested sets, ...)."""
    try:
        return re.compile(source)
    except re.error:
        return regex.compile(source, regex.V0)


def literal_form(text: str) -> str:
    """The literal a pre-filter looks for: lower-cased like the scanned text, spaces folded
    (edge spaces stay: "by " is not "by") and zero-width characters dropped, as the scan
    form drops them (a Persian "برچسب‌ها:" holds a zero-width non-joiner)."""
    return _WHITESPACE_RUN.sub(" ", _fold_case_variants(text.translate(ZERO_WIDTH).lower()))


def _fold_case_variants(text: str) -> str:
    """Letters that match one another under (?i) but lower-case apart, folded to one (see
    CASE_VARIANTS): the dotless "ı" to "i", "ſ" to "s", final sigma to sigma, ...; and
    `"İ".lower()`, "i" + a combining dot, to "i" (as normalize_line does)."""
    for char, folded in CASE_VARIANTS.items():
        if char in text:
            text = text.replace(char, folded)
    return text.replace("i\u0307", "i") if "\u0307" in text else text


_ANCHOR_BELOW = 12  # characters
# How many characters may stand before a short line phrase at the start of its line: a
# bullet or quote mark and its space ("- ", "• ", "» ", "| "). One led literal per phrase
# (not one per mark) keeps the literal set, and the pre-filter's tables, a third the size.
_PHRASE_LEAD = 2


def _rule_literals(rule: Rule) -> list[tuple[str, int]]:
    """Literals one of which occurs in every line the rule can fire on ("\n" = line start),
    each with its lead (see `Literal`): the rule's `trigger_lead` for its `^` triggers, else 0.

    A short whole-line or prefix phrase ("share", "tags") is also a common word in prose:
    it is looked for only at the start of a line, after up to two characters (a bullet or
    quote mark and its space), so prose lines that merely use the word are never even
    tried. Longer phrases are looked for anywhere.
    """
    out: list[tuple[str, int]] = []
    for items in rule.phrases.values():
        for phrase in items:
            text = normalize_line(phrase) if rule.match == "line" else phrase.strip()
            if not text:
                continue
            if rule.match != "inline" and len(text) < _ANCHOR_BELOW:
                out.append(("\n" + literal_form(text), _PHRASE_LEAD))
            else:
                out.append((literal_form(text), 0))
    for trigger in rule.triggers:
        if trigger.startswith("^"):
            out.append(("\n" + literal_form(trigger[1:]), rule.trigger_lead))
        elif trigger.strip():
            out.append((literal_form(trigger), 0))
    return out


# A pre-filter literal: its text (as literal_form gives it), its owner, and its lead: for a
# literal that opens with a line break, how many characters (any but a line break) may stand
# between the line start and the rest of it. Characters of the scan form, not bytes.
Literal = tuple[str, int, int]


def _led(literals: Sequence[Literal]) -> tuple[list[tuple[str, int]], list[Literal]]:
    """The literals split for the pure-Python scanners: (text, owner) of those looked for as
    written, and (text after the line break, owner, lead) of the line-start literals with a
    lead, which are found anywhere and kept where their start is at most `lead` characters
    into its line."""
    plain: list[tuple[str, int]] = []
    led: list[Literal] = []
    for text, owner, lead in literals:
        if lead > 0 and text[:1] == "\n" and len(text) > 1:
            led.append((text[1:], owner, lead))
        else:
            plain.append((text, owner))
    return plain, led


def _lines_of(lowered: str, ends: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """(owner, line) of literal occurrences given as (offset of the last character, owner)
    in the scan form `lowered`: the line of the last character (the form opens with "\n")."""
    breaks = _breaks(lowered)
    return {(owner, bisect_left(breaks, end) - 1) for end, owner in ends}


def _led_ends(lowered: str, led: Sequence[Literal]) -> Iterator[tuple[int, int]]:
    """(offset of the last character, owner) of each occurrence of a led literal in the
    scan form `lowered` that starts at most its lead into its line."""
    for body, owner, lead in led:
        pos = lowered.find(body)
        while pos >= 0:
            if _within_lead(lowered, pos, lead):
                yield pos + len(body) - 1, owner
            pos = lowered.find(body, pos + 1)


def _within_lead(lowered: AnyStr, start: int, lead: int) -> bool:
    """Whether a led literal found at `start` (a character offset in the scan form, or a
    byte offset in its UTF-8) starts at most `lead` characters into its line."""
    newline: Any = b"\n" if isinstance(lowered, bytes) else "\n"
    line_start = lowered.rfind(newline, 0, start) + 1
    if line_start == 0:  # found at 0, on the form's opening break: it starts no line
        return False
    gap = start - line_start
    if gap <= lead:
        return True
    # Bytes: a character is 1 to 4 of them, so count only a gap that might be short enough.
    if not isinstance(lowered, bytes) or gap > 4 * lead:
        return False
    return len(lowered[line_start:start].decode("utf-8")) <= lead


class CompiledRules:
    """Rules ready to run: verifiers, the line-phrase index and one shared pre-filter."""

    def __init__(
        self,
        rules: Sequence[Rule],
        fingerprints: Sequence[tuple[str, Sequence[str]]] = (),
        guests: Sequence[Rule] = (),
    ):
        self.rules: tuple[CompiledRule, ...] = tuple(
            CompiledRule(
                rule=rule,
                index=i,
                line_phrases=frozenset(
                    normalize_line(p) for items in rule.phrases.values() for p in items
                )
                if rule.match == "line"
                else frozenset(),
                zone_scanned=(
                    rule.zone != "anywhere"
                    and not rule.beside
                    and not rule.triggers
                    and rule.trigger_pattern is None
                    and not rule.phrases
                ),
            )
            for i, rule in enumerate(rules)
        )
        # Guests: rules of the site packs the fingerprints may pick, scanned along as owners
        # len(rules), len(rules) + 1, ... so that a site recognised by its fingerprints needs
        # no second scan (see `handover`).
        self.guests: tuple[Rule, ...] = tuple(guests)
        # By identity: a site's selection holds the very Rule objects scanned here.
        self._owner_of = {id(r.rule): r.index for r in self.rules}
        self._owner_of.update({id(rule): len(self.rules) + k for k, rule in enumerate(guests)})
        self._handovers: dict[int, tuple[CompiledRules, dict[int, int]]] = {}
        literals: list[Literal] = []
        patterns: list[tuple[str, int]] = []
        for owner, rule in enumerate([r.rule for r in self.rules] + list(self.guests)):
            literals += [(lit, owner, lead) for lit, lead in _rule_literals(rule)]
            if rule.trigger_pattern is not None:
                patterns.append((rule.trigger_pattern, owner))
        # Fingerprint lines of source packs ride on the same scan; their owners are negative.
        self.fingerprints: tuple[tuple[str, frozenset[str]], ...] = tuple(
            (name, frozenset(normalize_line(line) for line in lines))
            for name, lines in fingerprints
        )
        for k, (_, lines) in enumerate(fingerprints):
            literals += [
                (literal_form(normalize_line(line)), -1 - k, 0)
                for line in lines
                if normalize_line(line)
            ]
        self._scan_sources = (literals, patterns)
        self.zone_scanned: tuple[CompiledRule, ...] = tuple(r for r in self.rules if r.zone_scanned)
        self.beside: tuple[CompiledRule, ...] = tuple(r for r in self.rules if r.rule.beside)
        # The compiled twin of engine.find_removals, when it was built.
        self.native: Any = speedups.NativeEngine(self.rules) if speedups is not None else None

    @cached_property
    def scanner(self) -> Scanner:
        """The pre-filter, built on first use: a site picked by its fingerprints never
        scans with its own (see `handover`), and building one costs tens of milliseconds."""
        return make_scanner(*self._scan_sources)

    def handover(
        self, candidates: dict[int, list[int]], guests: dict[int, list[int]], site: CompiledRules
    ) -> dict[int, list[int]]:
        """This scan's candidate lines (own rules and guests) as the candidates of `site`,
        whose rules must all be here: the same lines a scan with `site`'s own pre-filter
        finds, since each rule's candidates depend on its own literals alone."""
        known = self._handovers.get(id(site))
        if known is None or known[0] is not site:
            try:
                index_of = {self._owner_of[id(r.rule)]: r.index for r in site.rules}
            except KeyError:
                raise ValueError("the site's rules were not all scanned here") from None
            known = self._handovers[id(site)] = (site, index_of)
        index_of = known[1]
        out = {index_of[owner]: lines for owner, lines in candidates.items() if owner in index_of}
        for owner, lines in guests.items():
            if owner in index_of:
                out[index_of[owner]] = lines
        return out


# Spaces of every kind fold to one plain space (and zero-width characters go) in the text the
# literals are searched in. Line breaks are never touched, so line numbers stay true.
# (str.replace per character present beats str.translate with a table by a factor of 20.)
_FOLD = {
    **dict.fromkeys(
        "\t\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
        "\u200a\u202f\u205f\u3000",
        " ",
    ),
    **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", ""),
}
_SPACE_RUN = re.compile(" {2,}")


def scan_form(text: str) -> str:
    """The text as literals are searched in: spaces folded, a line break in front (so a
    literal may ask for the start of a line with a leading line break), and lower-cased.
    None of this adds or removes a line break, so line numbers stay true."""
    present = ["\t"] if "\t" in text else []
    if text.isascii():
        text = text.lower()
    else:
        present = [char for char in _FOLD if char in text]
        text = _fold_case_variants(text.lower())
    for char in present:
        text = text.replace(char, _FOLD[char])
    if "  " in text:
        text = _SPACE_RUN.sub(" ", text)
    return "\n" + text


def make_scanner(literals: Sequence[Literal], patterns: Sequence[tuple[str, int]]) -> Scanner:
    """The compiled pre-filter when the extension is built; else Hyperscan if it is
    installed and works here; else an Aho-Corasick automaton (pyahocorasick, for platforms
    without Hyperscan wheels); else pure Python. All find the same lines for trigger patterns
    that keep to one line (a match across a break is put on its last line by Hyperscan and
    on its first by `regex`)."""
    if speedups is not None:
        return NativeScanner(literals, patterns)
    try:
        return HyperscanScanner(literals, patterns)
    except ImportError:
        pass
    try:
        return AhoCorasickScanner(literals, patterns)
    except ImportError:
        return RegexScanner(literals, patterns)


class NativeScanner:
    """Literals found by the compiled multi-literal matcher (no call back into Python per
    match); trigger patterns by a Hyperscan database, or by `regex` where Hyperscan has no
    wheels."""

    def __init__(self, literals: Sequence[Literal], patterns: Sequence[tuple[str, int]]):
        self._literals_source, self._patterns_source = list(literals), list(patterns)
        self._prefilter = speedups.Prefilter(literals, [owner for _, owner in patterns])
        self._local = threading.local()
        self._pattern_db: Any = None
        self._regexes: list[tuple[Pattern, int]] = []
        if not patterns:
            return
        try:
            import hyperscan  # noqa: PLC0415 - optional: the regex fallback covers the rest
        except ImportError:
            self._regexes = _line_patterns(patterns)
            return
        self._hs = hyperscan
        self._pattern_db = _pattern_database(patterns)

    def lines(self, text: str, count: int) -> dict[int, list[int]]:
        return self.keys(text, count).grouped()  # type: ignore[no-any-return]

    def pipeline(
        self,
        engine: Any,
        on_sites: Callable[[Any, Any], str],
        fingerprints: Sequence[tuple[frozenset[str], int]] = (),
    ) -> Any:
        """This scan and `engine` as one compiled call (`speedups.Pipeline`), sharing this
        scanner's per-thread scratch; None where the trigger patterns run on `regex`.
        `fingerprints`: per fingerprint owner -1 - k, its normalised lines and how many
        distinct ones pick its site; a text that reaches none stays compiled, the others
        go on to `on_sites`."""
        if self._regexes:
            return None
        hs = self._hs if self._pattern_db is not None else None
        return speedups.Pipeline(
            self._prefilter,
            engine,
            self._pattern_db,
            hs.Scratch if hs is not None else None,
            self._local,
            on_sites,
            list(fingerprints),
        )

    def keys(self, text: str, count: int) -> Any:
        """The same candidates as `lines`, as the compiled engine reads them (a `Keys`)."""
        if self._pattern_db is not None:
            scratch = speedups.thread_scratch(self._local, self._hs.Scratch, self._pattern_db)
            return self._prefilter.keys(text, count, self._pattern_db, scratch)
        hits = _pattern_hits(self._regexes, text) if self._regexes else None
        return self._prefilter.keys(text, count, None, None, hits)


def _line_patterns(patterns: Sequence[tuple[str, int]]) -> list[tuple[Pattern, int]]:
    """Trigger patterns for `regex` (where Hyperscan is missing): `^` and `$` at every line."""
    return [(fast_pattern(f"(?m){p}"), owner) for p, owner in patterns]


def _pattern_hits(patterns: list[tuple[Pattern, int]], text: str) -> list[tuple[int, int]]:
    """(owner, line of the match's start) of every trigger-pattern match in `text`."""
    breaks = _breaks(text)
    return [
        (owner, bisect_left(breaks, match.start()))
        for pattern, owner in patterns
        for match in pattern.finditer(text)
    ]


class RegexScanner:
    """Fallback pre-filter in pure Python: slower, same candidates."""

    def __init__(self, literals: Sequence[Literal], patterns: Sequence[tuple[str, int]]):
        # Lower-cased by literal_form, like the scan form.
        self._literals, self._led = _led(literals)
        self._patterns = _line_patterns(patterns)

    def lines(self, text: str, count: int) -> dict[int, list[int]]:
        lowered = scan_form(text)
        out = _lines_of(lowered, self._ends(lowered))
        out.update(_pattern_hits(self._patterns, text))
        return _grouped(out, count)

    def _ends(self, lowered: str) -> Iterator[tuple[int, int]]:
        """(offset of the last character, owner) of every literal occurrence (a led
        literal's only where it starts within its lead)."""
        for literal, owner in self._literals:
            pos = lowered.find(literal)
            while pos >= 0:
                yield pos + len(literal) - 1, owner
                pos = lowered.find(literal, pos + 1)
        yield from _led_ends(lowered, self._led)


class AhoCorasickScanner(RegexScanner):
    """The fallback with its literals in one Aho-Corasick automaton: one pass over the text
    instead of one per literal (about ten times faster); same candidates."""

    def __init__(self, literals: Sequence[Literal], patterns: Sequence[tuple[str, int]]):
        import ahocorasick  # noqa: PLC0415 - optional: installed where Hyperscan is not

        super().__init__(literals, patterns)
        automaton = ahocorasick.Automaton()
        # Led literals go in too, with their lead (plain ones have none: -1), so the text is
        # read once, not once per led literal.
        entries = [(lit, owner, -1) for lit, owner in self._literals] + list(self._led)
        for literal, owner, lead in entries:
            owners = automaton.get(literal, None)
            if owners is None:
                automaton.add_word(literal, [(owner, lead, len(literal))])
            else:
                owners.append((owner, lead, len(literal)))
        automaton.make_automaton()
        self._automaton = automaton

    def _ends(self, lowered: str) -> Iterator[tuple[int, int]]:
        if len(self._automaton) == 0:
            return
        for end, owners in self._automaton.iter(lowered):
            for owner, lead, length in owners:
                if lead < 0 or _within_lead(lowered, end - length + 1, lead):
                    yield end, owner


class HyperscanScanner:
    """Literals in one Hyperscan literal database, trigger patterns in a second one; one scan
    of each per text, scratch space per thread."""

    def __init__(self, literals: Sequence[Literal], patterns: Sequence[tuple[str, int]]):
        import hyperscan  # noqa: PLC0415 - optional: the fallback covers platforms without it

        self._hs = hyperscan
        self._local = threading.local()
        self._literals_source, self._patterns_source = list(literals), list(patterns)
        plain, led = _led(literals)
        # Led literals ride in the literal database; a hit of one is kept only where it
        # starts within its lead (its lead and UTF-8 length by id; plain ones: -1, 0).
        expressions = [lit for lit, _ in plain] + [body for body, _, _ in led]
        self._literal_owners = [owner for _, owner in plain] + [owner for _, owner, _ in led]
        self._leads = [-1] * len(plain) + [lead for _, _, lead in led]
        self._sizes = [0] * len(plain) + [len(b.encode("utf-8", "replace")) for b, _, _ in led]
        self._pattern_owners = [owner for _, owner in patterns]
        self._literal_db = self._pattern_db = None
        if expressions:
            self._literal_db = _database(expressions, hyperscan.HS_FLAG_CASELESS, literal=True)
        if patterns:
            self._pattern_db = _pattern_database(patterns)

    def _scratches(self):  # type: ignore[no-untyped-def]
        scratches = getattr(self._local, "scratches", None)
        if scratches is None:
            scratches = self._local.scratches = (
                self._hs.Scratch(self._literal_db) if self._literal_db is not None else None,
                self._hs.Scratch(self._pattern_db) if self._pattern_db is not None else None,
            )
        return scratches

    def lines(self, text: str, count: int) -> dict[int, list[int]]:
        literal_scratch, pattern_scratch = self._scratches()
        lowered = scan_form(text)
        scans = [
            (self._literal_db, literal_scratch, lowered.encode("utf-8", "replace"), 1)
            if literal_scratch is not None
            else None,
            (self._pattern_db, pattern_scratch, text.encode("utf-8", "replace"), 0)
            if pattern_scratch is not None
            else None,
        ]
        out: set[tuple[int, int]] = set()
        for scan, owners in zip(scans, (self._literal_owners, self._pattern_owners), strict=True):
            if scan is None:
                continue
            database, scratch, data, shift = scan
            hits: list[tuple[int, int]] = []
            database.scan(data, match_event_handler=_collect, context=hits, scratch=scratch)
            if shift:  # the literal scan: led literals only where they start within their lead
                leads, sizes = self._leads, self._sizes
                hits = [
                    (i, end)
                    for i, end in hits
                    if leads[i] < 0 or _within_lead(data, end - sizes[i], leads[i])
                ]
            breaks = _breaks(data)
            out.update((owners[i], bisect_left(breaks, end - 1) - shift) for i, end in hits)
        return _grouped(out, count)


def _pattern_database(patterns: Sequence[tuple[str, int]]) -> Any:
    """The trigger patterns in one Hyperscan database: UTF-8, Unicode classes, `^` and `$`
    at every line."""
    import hyperscan  # noqa: PLC0415

    flags = hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP | hyperscan.HS_FLAG_MULTILINE
    return _database([p for p, _ in patterns], flags, literal=False)


def _database(expressions: list[str], flags: int, literal: bool) -> Any:
    """A compiled Hyperscan database, loaded from the on-disk cache when the same
    expressions were compiled before (compiling is most of a short run's start-up)."""
    import hyperscan  # noqa: PLC0415

    key = hashlib.sha256(
        repr((expressions, flags, literal, hyperscan.__version__)).encode("utf-8", "surrogatepass")
    ).hexdigest()[:32]
    cached = cache_file(f"hs-{key}.db")
    if cached is not None:
        try:
            return hyperscan.loadb(cached.read_bytes(), hyperscan.HS_MODE_BLOCK)
        except (OSError, hyperscan.error):
            pass  # missing, unreadable or from another Hyperscan build: compile afresh
    database = hyperscan.Database()
    database.compile(
        expressions=[e.encode("utf-8") for e in expressions],
        ids=list(range(len(expressions))),
        elements=len(expressions),
        flags=flags,
        literal=literal,
    )
    if cached is not None:
        _store(cached, hyperscan.dumpb(database))
    return database


def cache_file(name: str) -> Path | None:
    """Where compiled databases are kept: $CLEANNEWS_CACHE_DIR, else the user cache folder
    (set CLEANNEWS_CACHE_DIR to an empty string to keep nothing on disk)."""
    folder = os.environ.get("CLEANNEWS_CACHE_DIR")
    if folder is None:
        home = os.path.expanduser("~")
        base = os.environ.get("XDG_CACHE_HOME") or (
            os.path.join(home, ".cache") if os.path.isabs(home) else ""
        )
        folder = os.path.join(base, "cleannews") if os.path.isabs(base) else ""
    return Path(folder) / name if folder else None


def _store(path: Path, data: bytes) -> None:
    """Write atomically; a cache that cannot be written is simply not kept."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        pass


def _collect(expr_id: int, start: int, end: int, flags: int, hits: list[tuple[int, int]]) -> int:
    hits.append((expr_id, end))
    return 0
