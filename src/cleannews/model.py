"""Plain data: rules and packs as loaded, and the records a cleaning run returns."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Literal

Scope = Literal["span", "line", "block", "head", "tail"]
Zone = Literal["anywhere", "head", "tail"]
Level = Literal["safe", "default", "aggressive"]
Match = Literal["line", "prefix", "inline"]

LEVELS: tuple[Level, ...] = ("safe", "default", "aggressive")

CATEGORIES: dict[str, str] = {
    "AD": "ad markers and ad slots",
    "CK": "cookie and consent notices",
    "EC": "embed consent and embed residue",
    "MS": "more-stories blocks",
    "RL": "related-link inserts",
    "SH": "share and engagement prompts",
    "NL": "newsletter and subscription pitches",
    "BY": "bylines and author boxes",
    "PC": "photo labels and credits",
    "BC": "breadcrumbs and kickers",
    "TG": "tag lists",
    "CM": "comment widgets",
    "SL": "source and attribution lines",
    "PW": "paywall notices",
    "VP": "video player chrome",
    "NV": "navigation and menus",
    "OT": "other promos, disclosures and footers",
}


@dataclass(frozen=True, slots=True)
class Example:
    """A rule example: `expected` is None for one that must leave `input` unchanged."""

    input: str
    expected: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule as written in a pack; see docs/packs.md for every field."""

    code: str
    name: str
    summary: str
    why: str
    scope: Scope
    zone: Zone = "anywhere"
    level: Level = "default"
    match: Match = "line"
    phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    pattern: str | None = None
    unless: str | None = None
    triggers: tuple[str, ...] = ()
    trigger_pattern: str | None = None
    trigger_lead: int = 0
    langs: tuple[str, ...] = ()
    max_words: int = 10
    min_repeats: int = 1
    max_items: int = 12
    max_below: int = 0
    all_below: bool = False
    item_max_words: int = 25
    allow_prose: bool = False
    after_prose: bool = False
    before_headline: bool = False
    subheading_ends_block: bool = False
    needs_text: bool = False
    beside: tuple[str, ...] = ()
    beside_both: bool = False
    fail: tuple[Example, ...] = ()
    passes: tuple[Example, ...] = ()
    origin: str = ""

    @property
    def category(self) -> str:
        return self.code[:2]


@dataclass(frozen=True, slots=True)
class Pack:
    """A pack file: generic (one category) or source (one site), with its rules."""

    path: str
    rules: tuple[Rule, ...]
    title: str = ""
    category: str | None = None
    source: str | None = None
    domains: tuple[str, ...] = ()
    fingerprints: tuple[str, ...] = ()
    min_fingerprints: int = 2
    disable: tuple[str, ...] = ()

    @property
    def is_source(self) -> bool:
        return self.source is not None


@dataclass(frozen=True, slots=True)
class Removal:
    """Text deleted by a rule; `start`/`end` index the original input."""

    code: str
    name: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Replacement:
    """Mojibake repaired in place; `start`/`end` index the original input."""

    start: int
    end: int
    text: str
    replacement: str
    code: str = "MJ001"
    name: str = "mojibake-repair"


Edit = Removal | Replacement


# The document guard: when rules would delete more than this share of a text's prose (and
# at least this many prose words), the prose is kept and the result carries a warning.
GUARD_SHARE = 0.5
GUARD_MIN_WORDS = 40


@dataclass(frozen=True, slots=True)
class CleanResult:
    """What a cleaning run returns: the text, every edit that made it, and warnings.

    `apply_trace(input, result.trace) == result.text` always holds.
    """

    text: str
    trace: tuple[Edit, ...] = ()
    warnings: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def removals(self) -> tuple[Removal, ...]:
        return tuple(e for e in self.trace if isinstance(e, Removal))

    @property
    def changed(self) -> bool:
        return bool(self.trace)


def apply_trace(text: str, trace: tuple[Edit, ...] | list[Edit]) -> str:
    """Replay a trace on the input it was made from: the proof that output = input - edits."""
    parts: list[str] = []
    pos = 0
    for edit in sorted(trace, key=lambda e: e.start):
        if edit.start < pos:
            raise ValueError(f"overlapping edits at offset {edit.start}")
        parts.append(text[pos : edit.start])
        if isinstance(edit, Replacement):
            parts.append(edit.replacement)
        pos = edit.end
    parts.append(text[pos:])
    return "".join(parts)


def through_removals(first: list[Removal], more: list[Removal], text: str) -> list[Removal]:
    """`first` (removals from `text`) and `more` (removals from what `first` left of it) as
    one list of removals from `text`: each of `more` becomes the pieces of `text` it covers
    between the removals of `first`, so replaying the result on `text` gives the text of
    the second run."""
    kept_at: list[int] = []  # where each stretch `first` kept starts in what it left
    kept: list[tuple[int, int]] = []  # and where it lies in `text`
    pos = left = 0
    for removal in [*sorted(first, key=lambda r: r.start), None]:
        end = len(text) if removal is None else removal.start
        if end > pos:
            kept_at.append(left)
            kept.append((pos, end))
            left += end - pos
        if removal is not None:
            pos = removal.end
    out = list(first)
    for removal in more:
        k = max(bisect_right(kept_at, removal.start) - 1, 0)
        while k < len(kept) and kept_at[k] < removal.end:
            start, end = kept[k]
            low = start + max(removal.start - kept_at[k], 0)
            high = min(end, start + removal.end - kept_at[k])
            if low < high:
                out.append(Removal(removal.code, removal.name, low, high, text[low:high]))
            k += 1
    return sorted(out, key=lambda r: r.start)
