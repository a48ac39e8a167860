"""How the engine sees a line: its normalised form, its word count, prose or headline.

One definition shared by the compiler (phrases) and the engine (lines), so that a phrase
and the line it names always normalise alike.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"\s+")
# Sentence punctuation, then optional closing quotes/brackets, at the end of a line.
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»«)\]]*\s*$")
_FULL_STOP_END = re.compile(r"(?<![.…])\.[\"'”’»«)\]]*\s*$")
# A line that opens with a bracket is a note under a title ('(Origine: …)'), not a headline.
_BRACKET_START = re.compile(r"\s*[(（]")

PROSE_MIN_WORDS = 5
HEADLINE_MIN_WORDS = 4
# A line longer than this many characters per allowed word cannot be within `max_words`;
# checking it first spares counting the words of long prose lines a trigger word hit.
CHARS_PER_WORD = 30


@lru_cache(maxsize=4096)
def _is_edge(char: str) -> bool:
    return char.isspace() or unicodedata.category(char)[0] in "PSZC"


def normalize_line(line: str) -> str:
    """Lower-case (Turkish dotless and dotted i folded to "i"), spaces folded, zero-width
    removed, edge punctuation and symbols stripped."""
    folded = line.translate(_ZERO_WIDTH).lower()
    if "\u0131" in folded:  # Turkish dotless "ı": "REKLAMI" and "reklamı" are one word
        folded = folded.replace("\u0131", "i")
    if "\u0307" in folded:  # "İ".lower() is "i" + combining dot: fold it back to "i"
        folded = folded.replace("i\u0307", "i")
    folded = _SPACES.sub(" ", folded)
    start, end = 0, len(folded)
    while start < end and _is_edge(folded[start]):
        start += 1
    while end > start and _is_edge(folded[end - 1]):
        end -= 1
    return folded[start:end]


def word_count(line: str) -> int:
    return len(line.split())


def is_blank(line: str) -> bool:
    return not line or line.isspace()


def is_prose(line: str) -> bool:
    """Several words ending in sentence punctuation: the lines zones are measured from."""
    return _SENTENCE_END.search(line) is not None and word_count(line) >= PROSE_MIN_WORDS


def is_headline_like(line: str, max_words: int) -> bool:
    """A teaser headline: short enough, and no sentence-final full stop."""
    return (
        not is_blank(line) and word_count(line) <= max_words and _FULL_STOP_END.search(line) is None
    )


def is_headline(line: str) -> bool:
    """A line that can be a story's headline: a few words, not a sentence."""
    return (
        word_count(line) >= HEADLINE_MIN_WORDS
        and not is_prose(line)
        and _FULL_STOP_END.search(line) is None
        and _BRACKET_START.match(line) is None
    )
