"""Run compiled rules over one text and produce the removals, with their whitespace.

Two passes: the `anywhere` rules first; then head and tail zones are measured on what is
left, and the zone rules run. Whole-line deletions then take their line breaks and the blank
lines around them as ANNOTATION.md says, and the document guard vetoes runs that would eat
a large share of the prose. Where a run's own cuts changed what its rules would decide
(Document.rerun_pending), the cleaner runs them again over the result, at most MAX_RUNS
times in all.

The hot path touches only the lines the pre-filter named, the few lines at the edges of the
text (zones), and the lines next to a deletion; the searches that may walk the text (the
last prose line, the first headline) resume where they ended, so a run walks it at most
once for each.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import accumulate
from typing import Any, Protocol

from cleannews.compiler import CompiledRule, CompiledRules, NativeScanner, speedups
from cleannews.linetext import (
    CHARS_PER_WORD,
    ECHO_MAX_WORDS,
    KICKER_MAX_ABOVE,
    SUBHEADING_MAX_WORDS,
    colon_end,
    echoes,
    full_stop_end,
    is_blank,
    is_bulleted,
    is_date_or_caption,
    is_dek,
    is_fact_line,
    is_headline,
    is_headline_like,
    is_list_item,
    is_prose,
    is_score,
    label_mid_sentence_line,
    mid_sentence_line,
    normalize_line,
    option_line_in,
    starts_lowercase_word,
    word_count,
    work_credit,
    wrapped_headline_line,
)
from cleannews.model import GUARD_MIN_WORDS, GUARD_SHARE, Removal, Rule

# How many times one clean runs the rules at most: again over the result while a run's own
# cuts changed what its rules would decide (Document.rerun_pending). One more run is the
# rule on real pages; the cap keeps stacked labels ('Foto: Foto: Foto: …', each cut only
# once it starts the line) from costing a run each.
MAX_RUNS = 4

# The compiled twin of normalize_line when it is built (the same result, tested).
_normalize = speedups.normalize_line if speedups is not None else normalize_line


class Document:
    """One text split into lines (without `\\n`; a CRLF line keeps its `\\r`), and what the
    rules decided about them."""

    __slots__ = (
        "_lines",
        "_starts",
        "count",
        "deleted",
        "first_headline_hint",
        "kicker_refused_top",
        "last_item_hint",
        "last_prose_hint",
        "last_stop_hint",
        "spans",
        "text",
    )

    def __init__(self, text: str) -> None:
        self.text = text
        # A final newline does not open another line.
        self.count = text.count("\n") + (0 if text.endswith("\n") else 1)
        self.deleted: dict[int, CompiledRule] = {}
        self.spans: dict[int, list[tuple[int, int, CompiledRule]]] = {}
        self._lines: list[str] | None = None
        self._starts: list[int] | None = None
        self.last_prose_hint = self.count  # where the search for the last prose line resumes
        self.last_stop_hint = self.count  # and for the last line ending in a full stop
        self.last_item_hint = self.count  # no list item or match result below it
        self.first_headline_hint = 0  # no live headline above it (see _first_headline)
        self.kicker_refused_top = -1  # the top label refused for the lines above it

    @property
    def lines(self) -> list[str]:
        """The lines, split on first use (the compiled engine never asks)."""
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    @property
    def starts(self) -> list[int]:
        """Offset of each line's first character (and one past the end)."""
        if self._starts is None:
            self._starts = [0, *accumulate(len(line) + 1 for line in self.lines)]
        return self._starts

    def content(self, i: int) -> str:
        line = self.lines[i]
        return line[:-1] if line.endswith("\r") else line

    def alive(self, i: int) -> bool:
        return i not in self.deleted

    def rerun_pending(self) -> bool:
        """Whether the run's own cuts changed what its rules would decide, so that the
        cleaner runs them once more over the result, as a second clean would (idempotence):
        span cuts left a live line that reads otherwise now (a rest that is not prose:
        'Deel dit artikel' after '[ad_1] ' went; one that lost its start: '[ad_1] We use
        cookies…'; the only prose line of a text, which gives it zones), or a kicker label
        refused for the lines above it has fewer above it now (they went later in the
        run). A cut inside or at the end of a sentence leaves a sentence the rules saw
        whole; a line that becomes prose beside other prose only narrows the zones, which
        takes nothing more."""
        prose_found: bool | None = None  # whether any live line is prose, read once
        for i, spans in self.spans.items():
            if i not in self.deleted:
                line = self.content(i)
                if is_blank(line[: spans[0][0]]) or not is_prose(rest_of(line, spans)):
                    return True
                if not is_prose(line):
                    if prose_found is None:
                        prose_found = self._has_prose()
                    if not prose_found:
                        return True
        top = self.kicker_refused_top
        return top >= 0 and _lines_above(self, top, KICKER_MAX_ABOVE + 1) <= KICKER_MAX_ABOVE

    def _has_prose(self) -> bool:
        """Whether a live line is prose (read at the end of a run, after the guard may have
        brought lines back, so without the run's search hints)."""
        return any(self.alive(k) and is_prose(self.content(k)) for k in range(self.count))


def rest_of(line: str, spans: Iterable[tuple[int, int, Any]]) -> str:
    """The line without its spans ((start, end, rule), in order), a space where each was."""
    parts, pos = [], 0
    for start, end, _ in spans:
        parts.append(line[pos:start])
        pos = end
    parts.append(line[pos:])
    return " ".join(parts)


class Lines(Protocol):
    """What `scan` reads of a text: a Document, or the compiled engine's own (see
    `new_document`)."""

    @property
    def text(self) -> str: ...

    @property
    def count(self) -> int: ...

    def content(self, i: int) -> str: ...


# The text as the engine that runs reads it: the compiled engine's document (its lines found
# once, in C, for the scan and the rules) when it is built, else a Document. Bound here, not
# wrapped in a function: it is called once per text.
new_document: Callable[[str], Any] = speedups.document if speedups is not None else Document


def scan(
    compiled: CompiledRules, doc: Lines, *, native: bool = False
) -> tuple[Any, dict[str, int], dict[int, list[int]]]:
    """One pre-filter pass: candidate lines per rule index, how many distinct fingerprint
    lines of each source pack the text holds, and the candidate lines of the guest rules
    (those of the site packs the fingerprints may pick; see CompiledRules.handover).

    The candidates are {rule index: lines}; with `native` (for compiled.native only), a
    text with no fingerprint and no guest candidate (most texts) gets the compiled
    pre-filter's `Keys` instead, which that engine reads with no Python list per rule."""
    scanner = compiled.scanner
    if native and isinstance(scanner, NativeScanner):
        keys = scanner.keys(doc.text, doc.count)
        if keys.within(len(compiled.rules)):
            return keys, {}, {}
        return split_owners(compiled, doc, keys.grouped())
    return split_owners(compiled, doc, scanner.lines(doc.text, doc.count))


def split_owners(
    compiled: CompiledRules, doc: Lines, candidates: dict[int, list[int]]
) -> tuple[dict[int, list[int]], dict[str, int], dict[int, list[int]]]:
    """A scan's candidates ({owner: lines}) as `scan` returns them: the rules' own, the
    fingerprint lines found per source pack, and the guest rules' candidates."""
    found: dict[str, int] = {}
    guests: dict[int, list[int]] = {}
    # Owners come in ascending order: the first and the last tell whether most texts hold
    # any fingerprint or guest owner at all (without a loop over the owners).
    if candidates and next(iter(candidates)) < 0:
        for owner in [owner for owner in candidates if owner < 0]:
            lines = candidates.pop(owner)
            name, wanted = compiled.fingerprints[-1 - owner]
            distinct = {_normalize(doc.content(i)) for i in lines} & wanted
            if distinct:
                found[name] = len(distinct)
    size = len(compiled.rules)
    if compiled.guests and candidates and next(reversed(candidates)) >= size:
        for owner in [owner for owner in candidates if owner >= size]:
            guests[owner] = candidates.pop(owner)
    return candidates, found, guests


def find_removals(
    compiled: CompiledRules, doc: Document, candidates: dict[int, list[int]]
) -> tuple[list[Removal], list[str]]:
    """Every removal the rules make in the text (offsets into it), and any guard warnings."""
    rules = compiled.rules
    zoned: list[tuple[CompiledRule, list[int]]] = []
    for index in sorted(candidates):
        rule = rules[index]
        lines = sorted(candidates[index])
        if rule.rule.beside:
            continue  # runs last, next to what the other rules removed (candidates kept)
        if rule.rule.zone == "anywhere":
            _apply(doc, rule, lines)
        else:
            zoned.append((rule, lines))
    if zoned or compiled.zone_scanned:
        _apply_zone_rules(doc, zoned, compiled.zone_scanned)
    if compiled.beside and doc.deleted:
        _apply_beside_rules(doc, compiled.beside, candidates)
    if doc.deleted:
        _keep_echoed_subheadings(doc)
    if not doc.deleted and not doc.spans:
        return [], []
    warnings = _guard(doc)
    return _removals(doc), warnings


def _apply_zone_rules(
    doc: Document, zoned: list[tuple[CompiledRule, list[int]]], scanned: tuple[CompiledRule, ...]
) -> None:
    head_end = _first_prose(doc)
    if head_end is None:
        return  # no prose, no zones: when in doubt, keep
    needs_tail = any(r.rule.zone == "tail" for r, _ in zoned) or any(
        r.rule.zone == "tail" for r in scanned
    )
    tail_start = _last_prose(doc) + 1 if needs_tail else doc.count
    for rule, lines in zoned:
        _apply(doc, rule, [i for i in lines if _in_zone(rule.rule, i, head_end, tail_start)])
    for rule in scanned:
        # Bottom-up in the head, so that stacked labels go in one run (idempotence).
        lines = (
            range(head_end - 1, -1, -1)
            if rule.rule.zone == "head"
            else range(tail_start, doc.count)
        )
        _apply(doc, rule, [i for i in lines if doc.alive(i) and not is_blank(doc.lines[i])])


def _apply_beside_rules(
    doc: Document, rules: tuple[CompiledRule, ...], candidates: dict[int, list[int]]
) -> None:
    """Rules for lines that are noise only in company: a bare author name under a removed
    byline, a stray label inside a stack of removed ones. Tried only on the lines next to a
    removal (and, for a rule with triggers, only where they hit), until nothing more
    changes, so one run is as good as two.

    The lines next to a removal are carried from round to round (a line stays next to a
    removal while it lives) with the neighbours of the round's removals added, so a chain
    of N lines each removable only next to the last costs N short rounds, not N passes."""
    # A rule whose pre-filter found no line is not tried at all.
    rules = tuple(r for r in rules if not _has_prefilter(r.rule) or r.index in candidates)
    if not rules:
        return
    allowed = {
        r.index: set(candidates[r.index]) if _has_prefilter(r.rule) else None for r in rules
    }
    marked = _next_to(doc, doc.deleted)
    changed = True
    while changed:
        changed = rescan = False
        removed: list[int] = []
        for i in sorted(marked):
            before, after = _removed_neighbour(doc, i, -1), _removed_neighbour(doc, i, 1)
            for compiled in rules:
                if i in doc.deleted:
                    break
                lines = allowed[compiled.index]
                if lines is not None and i not in lines:
                    continue
                prefixes = compiled.rule.beside
                near = (
                    before is not None and before.startswith(prefixes),
                    after is not None and after.startswith(prefixes),
                )
                if all(near) if compiled.rule.beside_both else any(near):
                    taken = len(doc.deleted)
                    _apply(doc, compiled, [i])
                    changed = changed or i in doc.deleted
                    if len(doc.deleted) == taken + 1 and i in doc.deleted:
                        removed.append(i)
                    elif len(doc.deleted) != taken:
                        rescan = True  # a block, head or tail: more than its line
        if rescan:
            marked = _next_to(doc, doc.deleted)
        else:
            marked = {i for i in marked if i not in doc.deleted} | _next_to(doc, removed)


def _has_prefilter(rule: Rule) -> bool:
    return bool(rule.phrases or rule.triggers or rule.trigger_pattern)


def _next_to(doc: Document, removed: Iterable[int]) -> set[int]:
    """Live, non-blank lines whose nearest line that is removed or not blank, one way, is
    one of `removed`."""
    out: set[int] = set()
    for i in removed:
        for step in (-1, 1):
            j = i + step
            while 0 <= j < doc.count and j not in doc.deleted and is_blank(doc.lines[j]):
                j += step
            if 0 <= j < doc.count and j not in doc.deleted:
                out.add(j)
    return out


def _removed_neighbour(doc: Document, i: int, step: int) -> str | None:
    """The code of the rule that removed the nearest non-blank line that way, if it went."""
    j = i + step
    while 0 <= j < doc.count and j not in doc.deleted and is_blank(doc.lines[j]):
        j += step
    owner = doc.deleted.get(j)
    return owner.rule.code if owner is not None else None


def _in_zone(rule: Rule, i: int, head_end: int, tail_start: int) -> bool:
    return i < head_end if rule.zone == "head" else i >= tail_start


def _first_prose(doc: Document) -> int | None:
    return next((i for i in range(doc.count) if doc.alive(i) and is_prose(doc.content(i))), None)


def _last_prose(doc: Document) -> int:
    """The last live prose line (-1 if none)."""
    doc.last_prose_hint = _last_live(doc, doc.last_prose_hint, is_prose)
    return doc.last_prose_hint


def _last_full_stop(doc: Document) -> int:
    """The last live line ending in a full stop (-1 if none)."""
    doc.last_stop_hint = _last_live(doc, doc.last_stop_hint, full_stop_end)
    return doc.last_stop_hint


def _item_below(doc: Document, i: int) -> bool:
    """Whether a live line below line i is a numbered list item or a match result. Only
    the lines below i are read; the search resumes where the last one ended (no such
    line lies below last_item_hint, and lines only die), so markers stay linear."""
    doc.last_item_hint = _last_live(doc, doc.last_item_hint, _list_or_score, i)
    return doc.last_item_hint > i


def _list_or_score(line: str) -> bool:
    """A numbered list item, or a match result with no other number on the line (a phone
    number such as 'Tel. 030 / 2325 786 -122' under a press-contact heading has the shape
    of a score, but more numbers than two teams' goals)."""
    return is_list_item(line) or (len(_DIGIT_RUNS.findall(line)) <= 2 and is_score(line))


_DIGIT_RUNS = re.compile(r"[0-9]+")


def _last_live(doc: Document, start: int, test: Callable[[str], bool], low: int = -1) -> int:
    """The last live line that passes test, searched from start up to, not including, line
    `low` (`low` if none). While rules run, lines only die, so the answer only moves up:
    each search resumes where the last one ended (linear over a whole run, not per call)."""
    i = min(start, doc.count - 1)
    while i > low and not (doc.alive(i) and test(doc.content(i))):
        i -= 1
    return i


def _apply(doc: Document, compiled: CompiledRule, lines: list[int] | range) -> None:
    rule = compiled.rule
    if rule.min_repeats > 1:
        keys = [normalize_line(doc.content(i)) for i in lines]
        counts = Counter(keys)  # one pass: keys.count per line was quadratic
        lines = [
            i for i, key in zip(lines, keys, strict=True) if counts[key] >= rule.min_repeats
        ]
    max_chars = rule.max_words * CHARS_PER_WORD
    raw_lines, deleted, is_span = doc.lines, doc.deleted, rule.scope == "span"
    for i in lines:
        if i in deleted or (not is_span and len(raw_lines[i]) > max_chars):
            continue
        line = doc.content(i)
        if is_span:
            _apply_span(doc, compiled, i, line)
            continue
        if not _matches_line(compiled, line) or word_count(line) > rule.max_words:
            continue
        if not rule.allow_prose and is_prose(line):
            continue
        if rule.after_prose and not _prose_above(doc, i):
            continue
        if rule.before_headline and not _kicker_place(doc, i, line, rule.zone == "head"):
            continue
        if rule.before_headline and (
            wrapped_headline_line(doc, _neighbour(doc, i, 1)) or label_mid_sentence_line(doc, i)
        ):
            continue  # the line below starts a sentence broken across lines, not a headline
        if not rule.code.startswith("AD") and (
            mid_sentence_line(doc, i) or option_line_in(doc, i)
        ):
            continue  # a piece of a sentence broken across lines (an ad slot may split one),
            # or a quiz's answer option next to its neighbour ('(C) Jakarta')
        if rule.scope == "line":
            doc.deleted[i] = compiled
        elif rule.scope == "block":
            _apply_block(doc, compiled, i)
        elif rule.scope == "tail":
            if _sentence_below(doc, i) or (
                rule.max_below and _lines_below(doc, i, rule.max_below + 1) > rule.max_below
            ) or (rule.all_below and not _run_to_end(doc, compiled, i)):
                continue
            for j in range(i, doc.count):
                doc.deleted.setdefault(j, compiled)
        else:  # head
            for j in range(i + 1):
                doc.deleted.setdefault(j, compiled)


def _under_lead_in(doc: Document, compiled: CompiledRule, i: int) -> bool:
    """Whether the live line right above line i, or above the run of lines over it that the
    rule matches too, ends in a colon: a lead-in ('Bahan saus:' over 'cabai rawit' / 'bawang
    putih') announcing the list that follows, so a tail marker there is in that list, not at
    the page's end."""
    k = _neighbour(doc, i, -1)
    while k >= 0 and _matches_line(compiled, doc.content(k)):
        k = _neighbour(doc, k, -1)
    return k >= 0 and colon_end(doc.content(k))


def _sentence_below(doc: Document, i: int) -> bool:
    """Whether a live line below line i ends in a full stop: a closing sentence too short to
    count as prose ('Uzmanların yorumları birbirinden farklı.' under a 'Yorumlar' sub-heading),
    which a tail marker must not take with it; or is a numbered list item or a match result
    ('1. Quelle immer angeben', 'PSV - Ajax 2-1'): the marker is then the sub-heading of the
    story's closing list or results ('Kommentare' over the court's numbered orders,
    'Reacties' over the scores), and a comment box or a source line holds neither. (The last
    such lines, searched once per run: thousands of markers over one short closing line stay
    linear.)"""
    return _last_full_stop(doc) > i or _item_below(doc, i)


def _matches_line(compiled: CompiledRule, line: str) -> bool:
    if compiled.line_phrases and normalize_line(line) in compiled.line_phrases:
        return True
    return compiled.verifier is not None and compiled.verifier.search(line) is not None


def _kicker_place(doc: Document, i: int, line: str, head: bool) -> bool:
    """Whether line i stands where a kicker does: over a headline. Two words or more over
    only a date stamp or a caption, with no headline anywhere above them, are the headline
    themselves ('Classificação NASCAR' over its date line). Over a match result ('GIRLS
    BASKETBALL' over 'Palm Bay d. Rockledge 70-44') a label heads a roundup's results, not
    the page. Over a line opening with a lower-case word ('Photos' over ' which were released
    online,') the label is the start of a sentence wrapped across lines. A label in the head
    (`head`: the rule's zone) stands at the top of the text, over the page's headline: with
    more than KICKER_MAX_ABOVE live lines above it, the line is deeper in a text without
    prose at its top (a recipe's '1 TL Backpulver' over the next ingredient, a review's
    'Vorteile' over a list item). A heading over a teaser list anywhere else needs only the
    headline below. A line under a lead-in ending in a colon is what the lead-in announces,
    never a label over the next line."""
    j = _neighbour(doc, i, 1)
    if j < 0:
        return False
    below = doc.content(j)
    if not is_headline(below) or is_score(below) or starts_lowercase_word(below):
        return False
    if head and _lines_above(doc, i, KICKER_MAX_ABOVE + 1) > KICKER_MAX_ABOVE:
        # Labels run bottom-up: lines above may still go in this run (see rerun_pending).
        if doc.kicker_refused_top < 0 or i < doc.kicker_refused_top:
            doc.kicker_refused_top = i
        return False
    k = _neighbour(doc, i, -1)
    if k >= 0 and colon_end(doc.content(k)):
        return False  # introduced by a lead-in ('Site internet de la caisse :'), not a label
    if _title_over(line, below):
        return False
    return word_count(line) < 2 or not is_date_or_caption(below) or _first_headline(doc) < i


def _title_over(line: str, below: str) -> bool:
    """Whether a short line over a headline-shaped one is a title, not a kicker: over a
    recipe's or fact box's line ('Banana bread' over 'Prep time: 15 minutes'), or, of two
    words or more, over a dek that opens with a question word and asks no direct question
    ('Тихий причал' over 'Как в приморском городе второй год не могут открыть новый
    порт'): a headline over a kicker asks directly, or states. (Read last: only lines that
    pass every other test get here.)"""
    return is_fact_line(below) or (word_count(line) >= 2 and is_dek(below))


def _first_headline(doc: Document) -> int:
    """The first live headline line (doc.count if none), searched on from where the last
    search ended: lines only die, so it only moves down (linear over a run, not per call)."""
    k = doc.first_headline_hint
    while k < doc.count and not (doc.alive(k) and is_headline(doc.content(k))):
        k += 1
    doc.first_headline_hint = k
    return k


def _lines_above(doc: Document, i: int, most: int) -> int:
    """How many live non-blank lines stand above line i, counted upwards up to `most`."""
    return _live_lines(doc, range(i - 1, -1, -1), most)


def _lines_below(doc: Document, i: int, most: int) -> int:
    """How many live non-blank lines stand below line i, counted downwards up to `most`: a
    tail marker with more than its rule's `max_below` under it heads a list ('Sumber:'
    over a fact-check's references), not the end of the page."""
    return _live_lines(doc, range(i + 1, doc.count), most)


def _live_lines(doc: Document, indices: range, most: int) -> int:
    """How many of the lines at `indices` are live and not blank, counting up to `most`."""
    n = 0
    for k in indices:
        if doc.alive(k) and not is_blank(doc.lines[k]):
            n += 1
            if n >= most:
                break
    return n


def _run_to_end(doc: Document, compiled: CompiledRule, i: int) -> bool:
    """For a rule with `all_below`: whether line i opens a run of lines the rule matches that
    ends the text (a tag list, one tag a line), not a section over other lines, nor a list a
    lead-in announces (_under_lead_in)."""
    if _under_lead_in(doc, compiled, i):
        return False
    for k in range(i + 1, doc.count):
        line = doc.content(k)
        if doc.alive(k) and not is_blank(line) and not _matches_line(compiled, line):
            return False
    return True


def _neighbour(doc: Document, i: int, step: int) -> int:
    """The nearest live non-blank line that way from i, or -1."""
    j = i + step
    while 0 <= j < doc.count and (not doc.alive(j) or is_blank(doc.content(j))):
        j += step
    return j if 0 <= j < doc.count else -1


def _prose_above(doc: Document, i: int) -> bool:
    """Whether the nearest live non-blank line above i is prose."""
    j = _neighbour(doc, i, -1)
    return j >= 0 and is_prose(doc.content(j))


def _apply_block(doc: Document, compiled: CompiledRule, heading: int) -> None:
    """The heading and the headline-like lines under it. Blank lines between items are
    crossed only when no prose follows (a tail block); inside the text a blank ends it.
    A heading repeated over its items ('Read also' / teaser / 'Read also' / teaser) sets
    how many items each copy has: after the last copy only that many are taken, so the
    line after the last teaser (a sub-heading of the story) stays. Inside the text, items
    that open with a list bullet end at the first line without one: the story's sub-heading
    under a bulleted teaser list ('- …' / '- …' / 'Julia Klöckner weist Vorwürfe zurück')."""
    rule = compiled.rule
    if _works_below(doc, heading):
        return
    doc.deleted[heading] = compiled
    # No prose below: a tail block. In a text without any prose line (only sentences too
    # short to count as prose) the last full stop ends the body instead.
    last = _last_prose(doc)
    if last < 0:
        last = _last_full_stop(doc)
    cross_blanks = heading >= last
    heading_text = doc.content(heading)
    run, per_copy = 0, -1  # items since the last copy of the heading; items each copy has
    taken, j = 0, heading + 1
    bulleted = False  # whether the first item taken opens with a list bullet
    while j < doc.count and taken < rule.max_items:
        line = doc.content(j)
        if is_blank(line):
            if not cross_blanks:
                break
            j += 1
            continue
        if not doc.alive(j):
            j += 1
            continue
        # A teaser may be a question ("What went wrong at Heathrow?"): only a sentence-final
        # full stop or a long line ends the block.
        if not is_headline_like(line, rule.item_max_words) or (
            not cross_blanks and is_list_item(line)
        ):
            break
        if rule.subheading_ends_block and taken and not cross_blanks and _subheading(doc, j, line):
            break
        if line == heading_text:
            if per_copy < 0 and run > 0:  # a heading printed twice sets nothing
                per_copy = run
            run = 0
        elif run == per_copy or (
            bulleted and not cross_blanks and not is_bulleted(line) and _prose_right_below(doc, j)
        ):
            break
        else:
            if not taken:
                bulleted = is_bulleted(line)
            run += 1
            taken += 1
        doc.deleted[j] = compiled
        j += 1


def _works_below(doc: Document, heading: int) -> bool:
    """Whether the lines under a block heading list works with their makers: the first
    plainly ('De zee van Tromsø – Lisa van Dam (Querido)'), or the first two each with a
    maker ('De zee van Tromsø, Lisa van Dam'). 'Aanbevolen' or 'Recommended' over a
    review's picks heads the story's own list, not a teaser block."""
    j = _neighbour(doc, heading, 1)
    if j < 0:
        return False
    first = work_credit(doc.content(j))
    if first != 1:
        return first == 2
    k = _neighbour(doc, j, 1)
    return k >= 0 and work_credit(doc.content(k)) > 0


def _keep_echoed_subheadings(doc: Document) -> None:
    """Bring back a line or block heading of a few words (see linetext.echoes) whose next
    non-blank line is a live prose line that takes up its word: the story's sub-heading
    over that paragraph ('Werbung' over 'Auch personalisierte Werbung wird oft ohne
    Einwilligung ausgespielt.', 'Nieuwsbrief' over 'De nieuwsbrief is …'), not the label of
    an ad slot or a newsletter box. A label over a removed line (a sign-up pitch under
    'Newsletter') stays removed. Read once, when the rules have run."""
    for i in [i for i, owner in doc.deleted.items() if owner.rule.scope in ("line", "block")]:
        line = doc.content(i)
        if word_count(line) > ECHO_MAX_WORDS:
            continue
        j = i + 1
        while j < doc.count and doc.alive(j) and is_blank(doc.content(j)):
            j += 1
        if (
            j < doc.count
            and doc.alive(j)
            and is_prose(doc.content(j))
            and echoes(line, doc.content(j))
        ):
            del doc.deleted[i]


def _subheading(doc: Document, i: int, line: str) -> bool:
    """A line of at most SUBHEADING_MAX_WORDS words right above a live prose line: the
    story's sub-heading ('Omleiding' under a 'Lees ook:' teaser), not one more teaser."""
    return word_count(line) <= SUBHEADING_MAX_WORDS and _prose_right_below(doc, i)


def _prose_right_below(doc: Document, i: int) -> bool:
    """Whether the line right under i is live and prose."""
    below = i + 1
    return below < doc.count and doc.alive(below) and is_prose(doc.content(below))


def _apply_span(doc: Document, compiled: CompiledRule, i: int, line: str) -> None:
    """The rule's matches on line i that overlap no span another rule took there. A match
    of more than max_words words is not taken: in text flattened to one line, an insert
    marker's pattern can run on through the article ('Baca juga: <title> <300 words>')."""
    if compiled.verifier is None:
        return
    cap = compiled.rule.max_words
    found = [
        (m.start(), m.end())
        for m in compiled.verifier.finditer(line)
        if m.end() > m.start() and word_count(m.group()) <= cap
    ]
    if not found:
        return
    # Other rules' spans here are sorted and disjoint, so their ends are sorted too: a match
    # overlaps one only if the first that ends after its start begins before its end (one
    # finditer's matches never overlap one another).
    prior = doc.spans.get(i, [])
    ends = [e for _, e, _ in prior]
    spans = doc.spans[i] = prior + [
        (start, end, compiled)
        for start, end in found
        if (k := bisect_right(ends, start)) == len(prior) or prior[k][0] >= end
    ]
    spans.sort(key=lambda s: s[0])
    if is_blank(rest_of(line, spans)):
        doc.deleted[i] = spans[0][2]
        del doc.spans[i]


def _guard(doc: Document) -> list[str]:
    """Keep the prose when the removals would take too much of it, and say so.

    Only rules with `allow_prose` can delete a prose line, so only their deletions count.
    """
    lost_lines = [
        i for i, rule in doc.deleted.items() if rule.rule.allow_prose and is_prose(doc.content(i))
    ]
    lost = sum(word_count(doc.content(i)) for i in lost_lines)
    if lost < GUARD_MIN_WORDS:
        return []
    total = sum(word_count(doc.content(i)) for i in range(doc.count) if is_prose(doc.content(i)))
    if lost <= GUARD_SHARE * total:
        return []
    vetoed = sorted({doc.deleted[i].rule.code for i in lost_lines})
    for i in lost_lines:
        del doc.deleted[i]
    return [
        f"kept {lost} of {total} prose words that rules {', '.join(vetoed)} would have deleted"
        f" (more than {GUARD_SHARE:.0%} of the prose)"
    ]


def _removals(doc: Document) -> list[Removal]:
    """Deleted lines and spans as offset ranges, with the whitespace ANNOTATION.md asks for."""
    dropped = _lines_to_drop(doc)
    starts, text = doc.starts, doc.text
    ranges: list[tuple[int, int, CompiledRule]] = [
        (starts[i], min(starts[i + 1], len(text)), owner) for i, owner in dropped
    ]
    if dropped and not text.endswith("\n") and dropped[-1][0] == doc.count - 1:
        dropped_lines = {i for i, _ in dropped}
        kept = next((i for i in range(doc.count - 1, -1, -1) if i not in dropped_lines), None)
        if kept is not None:  # the new last line must not end in the line break the old one lacked
            cut = starts[kept] + len(doc.content(kept))
            ranges.append((cut, starts[kept + 1], ranges[-1][2]))
    for i, spans in doc.spans.items():
        if i in doc.deleted:
            continue
        line = doc.content(i)
        for span_start, span_end, owner in spans:
            start, end = _take_space(line, span_start, span_end)
            ranges.append((starts[i] + start, starts[i] + end, owner))
    ranges.sort(key=lambda r: r[0])
    merged: list[tuple[int, int, CompiledRule]] = []
    for start, end, owner in ranges:
        if merged and start <= merged[-1][1] and owner is merged[-1][2]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]), owner)
        elif merged and start < merged[-1][1]:
            # Another rule's cut reaches into this one: keep what is left of it, if anything.
            if end > merged[-1][1]:
                merged.append((merged[-1][1], end, owner))
        else:
            merged.append((start, end, owner))
    return [Removal(o.rule.code, o.rule.name, s, e, text[s:e]) for s, e, o in merged]


def _take_space(line: str, start: int, end: int) -> tuple[int, int]:
    """The span with one adjacent space, unless its match already holds one at an edge."""
    if line[start] in " \t" or line[end - 1] in " \t":
        return start, end
    if start > 0 and line[start - 1] in " \t":
        return start - 1, end
    if end < len(line) and line[end] in " \t":
        return start, end + 1
    return start, end


def _lines_to_drop(doc: Document) -> list[tuple[int, CompiledRule]]:
    """Deleted lines plus the surplus blank lines around them, each with the rule to blame.

    A stretch of blank and deleted lines keeps as many blank lines as its longest run of
    blank lines, and none at the start or end of the text.
    """
    out: list[tuple[int, CompiledRule]] = []
    done = -1
    for i in sorted(doc.deleted):
        if i <= done:
            continue
        first = i
        while first > 0 and _stretchy(doc, first - 1):
            first -= 1
        last = i
        while last + 1 < doc.count and _stretchy(doc, last + 1):
            last += 1
        out.extend(
            _settle_stretch(
                doc, range(first, last + 1), at_edge=first == 0 or last == doc.count - 1
            )
        )
        done = last
    return out


def _stretchy(doc: Document, i: int) -> bool:
    return i in doc.deleted or is_blank(doc.content(i))


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
    # A blank line is blamed on the nearest removal above it in the stretch, else below it.
    owners = [doc.deleted.get(k) for k in stretch]
    below: list[CompiledRule | None] = owners[:]
    for pos in range(len(owners) - 2, -1, -1):
        below[pos] = owners[pos] or below[pos + 1]
    out = []
    above: CompiledRule | None = None
    for pos, k in enumerate(stretch):
        above = owners[pos] or above
        if k not in keep:
            owner = above or below[pos]
            assert owner is not None  # every stretch holds a removal
            out.append((k, owner))
    return out
