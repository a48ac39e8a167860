"""Mojibake repair with ftfy: encoding fixes only, and only where a cheap check flags it.

ftfy runs at a few MB/s, so it is called only on lines where a UTF-8 lead byte read as
Latin-1/cp1252 is followed by a continuation character: the signature of mojibake. Each fix
is a `Replacement` with offsets into the input. Quotes stay curly, Unicode is not
normalised, line breaks are never touched (ftfy sees one line at a time).
"""

from __future__ import annotations

import re

from cleannews.compiler import speedups
from cleannews.model import Replacement

# A lead char (U+00C2-U+00F4, as Latin-1 shows UTF-8 lead bytes) followed by a char that
# cp1252 or Latin-1 shows for a continuation byte (0x80-0xBF).
_SUSPECT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030"
    "\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161"
    "\u203a\u0153\u017e\u0178]"
)
_config = None


def _ftfy_config():  # type: ignore[no-untyped-def]
    global _config  # noqa: PLW0603 - built once, on first need, to keep import fast
    if _config is None:
        import ftfy  # noqa: PLC0415

        _config = ftfy.TextFixerConfig(
            unescape_html=False,
            remove_terminal_escapes=False,
            fix_encoding=True,
            restore_byte_a0=True,
            replace_lossy_sequences=True,
            decode_inconsistent_utf8=True,
            fix_c1_controls=True,
            fix_latin_ligatures=False,
            fix_character_width=False,
            uncurl_quotes=False,
            fix_line_breaks=False,
            fix_surrogates=False,
            remove_control_chars=False,
            normalization=None,
            explain=False,
        )
    return _config


def find_mojibake(text: str) -> list[Replacement]:
    """Replacements that repair mojibake in `text`; empty for clean text (the common case)."""
    if text.isascii() or not _suspect(text):
        return []
    import ftfy  # noqa: PLC0415

    out: list[Replacement] = []
    pos = 0
    for line in text.split("\n"):
        if _SUSPECT.search(line):
            fixed = ftfy.fix_text(line, _ftfy_config())
            if fixed != line and "\n" not in fixed:
                out.append(_minimal(line, fixed, pos))
        pos += len(line) + 1
    return out


def _suspect_slow(text: str) -> bool:
    """Cheap first look: a mojibake lead (as Latin-1/cp1252 shows UTF-8 lead bytes), then
    a lead byte's character before a continuation byte's. Spelt out: a generator over a
    tuple of the leads costs 1.7 times as much."""
    lead = (
        "Ã" in text
        or "Â" in text
        or "â€" in text
        or "Ð" in text
        or "Ñ" in text
        or "Å" in text
        or "Ä" in text
        or "Î" in text
        or "Ø" in text
        or "Ù" in text
    )
    return lead and _SUSPECT.search(text) is not None


# The compiled twin reads the text once, ASCII eight characters at a time (the ten searches
# and the pattern above read it up to eleven times).
_suspect = speedups.mojibake_suspect if speedups is not None else _suspect_slow


def _minimal(old: str, new: str, offset: int) -> Replacement:
    """The smallest replacement that turns `old` into `new` (common prefix/suffix kept)."""
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return Replacement(
        offset + head,
        offset + len(old) - tail,
        old[head : len(old) - tail],
        new[head : len(new) - tail],
    )


def to_original(position: int, replacements: list[Replacement], is_end: bool) -> int:
    """Map an offset in the repaired text back to the input; an offset inside a repaired
    stretch widens to cover all of it."""
    shift = 0  # repaired offset - input offset so far
    for rep in replacements:
        new_start = rep.start + shift
        new_end = new_start + len(rep.replacement)
        if position <= new_start:
            break
        if position < new_end:
            return rep.end if is_end else rep.start
        shift += len(rep.replacement) - (rep.end - rep.start)
    return position - shift
