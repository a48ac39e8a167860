# cython: language_level=3
"""The engine's hot path, compiled: the same decisions as engine.py, made over C arrays.

engine.py is the reference: it is what runs when this module could not be built, and
tests/test_speedups.py holds the two to the same removals on every corpus case and on
generated texts. Keep them in step: a change to a rule's meaning goes into both.

Per text, the pre-filter's literals are found and mapped to lines in C (`Prefilter`; its
references are compiler.HyperscanScanner and compiler.RegexScanner, and the tests hold it
to the same lines), each line's word count and prose/blank tests are computed at most once,
deletions live in an int array, and only the verifier regexes, the Hyperscan call for the
trigger patterns and non-ASCII normalisation call back into Python.
"""

cimport cython
from cpython.list cimport PyList_New, PyList_SET_ITEM
from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc
from cpython.object cimport PyObject
from cpython.ref cimport Py_DECREF, Py_INCREF
from libc.stdlib cimport qsort
from libc.stdint cimport int64_t, uint32_t, uint64_t
from libc.string cimport memchr, memcmp, memcpy, memset

import re
import sys
from collections import Counter

import regex
from operator import itemgetter

from cleannews import linetext as _linetext
from cleannews import model as _model
from cleannews.linetext import _is_edge
from cleannews.linetext import WRAPPED_MIN_JOINS as _WRAPPED_MIN_JOINS_PY
from cleannews.linetext import option_line_in as _option_line_in
from cleannews.linetext import wrapped_headline_line as _wrapped_headline_line
from cleannews.linetext import label_mid_sentence_line as _label_mid_sentence_line
from cleannews.linetext import normalize_line as _normalize_slow
from cleannews.model import Removal

cdef int _WRAPPED_MIN_JOINS = _WRAPPED_MIN_JOINS_PY

cdef extern from "Python.h":
    ctypedef unsigned char Py_UCS1
    ctypedef unsigned short Py_UCS2
    bint Py_UNICODE_ISSPACE(Py_UCS4 ch)
    bint Py_UNICODE_ISUPPER(Py_UCS4 ch)
    bint Py_UNICODE_ISLOWER(Py_UCS4 ch)
    Py_UCS4 Py_UNICODE_TOLOWER(Py_UCS4 ch)
    Py_ssize_t PyUnicode_GET_LENGTH(object text)
    int PyUnicode_KIND(object text)
    void* PyUnicode_DATA(object text)
    bint PyUnicode_IS_ASCII(object text)
    Py_UCS4 PyUnicode_READ(int kind, const void* data, Py_ssize_t index)
    bint Py_UNICODE_ISALPHA(Py_UCS4 ch)
    bint Py_UNICODE_ISNUMERIC(Py_UCS4 ch)
    bint Py_UNICODE_ISALNUM(Py_UCS4 ch)
    bint Py_UNICODE_ISDECIMAL(Py_UCS4 ch)
    bint Py_UNICODE_ISDIGIT(Py_UCS4 ch)
    bint Py_UNICODE_ISTITLE(Py_UCS4 ch)
    object PyUnicode_FromKindAndData(int kind, const void* buffer, Py_ssize_t size)
    int PyUnicode_1BYTE_KIND
    int PyUnicode_2BYTE_KIND
    int PyUnicode_4BYTE_KIND
    int PY_LITTLE_ENDIAN
    PyObject* PyBytes_FromStringAndSize(const char* v, Py_ssize_t size) except NULL
    char* PyBytes_AS_STRING(PyObject* bytes)
    int _PyBytes_Resize(PyObject** bytes, Py_ssize_t size) except -1
    Py_ssize_t PY_SSIZE_T_MAX

cdef enum:
    S_LINE = 0
    S_BLOCK = 1
    S_HEAD = 2
    S_TAIL = 3
    S_SPAN = 4

cdef enum:
    Z_ANYWHERE = 0
    Z_HEAD = 1
    Z_TAIL = 2

# The limits both engines share.
cdef int PROSE_MIN_WORDS = _linetext.PROSE_MIN_WORDS
cdef int PROSE_MIN_UNSPACED = _linetext.PROSE_MIN_UNSPACED
cdef int HEADLINE_MIN_WORDS = _linetext.HEADLINE_MIN_WORDS
cdef int KICKER_MAX_ABOVE = _linetext.KICKER_MAX_ABOVE
cdef int SUBHEADING_MAX_WORDS = _linetext.SUBHEADING_MAX_WORDS
cdef int INNER_SENTENCE_MIN_WORDS = _linetext.INNER_SENTENCE_MIN_WORDS
cdef int CHARS_PER_WORD = _linetext.CHARS_PER_WORD
# kicker_place's answer for a label refused for the lines above it (see rerun_pending).
cdef int KICKER_REFUSED_ABOVE = 2
cdef int ECHO_MAX_WORDS = _linetext.ECHO_MAX_WORDS
cdef int ECHO_LEAD_WORDS = _linetext.ECHO_LEAD_WORDS
cdef double GUARD_SHARE = _model.GUARD_SHARE
cdef int GUARD_MIN_WORDS = _model.GUARD_MIN_WORDS

_UNSET = object()
_SCOPES = {"line": S_LINE, "block": S_BLOCK, "head": S_HEAD, "tail": S_TAIL, "span": S_SPAN}
_ZONES = {"anywhere": Z_ANYWHERE, "head": Z_HEAD, "tail": Z_TAIL}


cdef struct RInfo:
    int scope
    int zone
    int max_words
    Py_ssize_t max_chars
    int min_repeats
    int max_items
    int max_below
    bint all_below
    int item_max_words
    bint allow_prose
    bint after_prose
    bint before_headline
    bint subheading_ends_block
    bint beside_both
    bint is_beside
    int beside_k       # its place in beside_rules, if it is one
    bint prefiltered
    bint zone_scanned
    bint regex_module  # its verifier is a `regex` pattern (known once it is fetched)


# Lower-case of every character below U+0530 (Latin, Greek, Cyrillic), looked up instead of
# asking Python's Unicode database one character at a time.
cdef enum:
    LOWER_TABLE_SIZE = 0x530

cdef Py_UCS4 _LOWER[LOWER_TABLE_SIZE]
cdef Py_ssize_t _k
for _k in range(LOWER_TABLE_SIZE):
    _LOWER[_k] = Py_UNICODE_TOLOWER(<Py_UCS4>_k)


cdef inline Py_UCS4 _lower(Py_UCS4 c) noexcept:
    return _LOWER[c] if c < LOWER_TABLE_SIZE else Py_UNICODE_TOLOWER(c)


# ---------------------------------------------------------------- line tests (linetext.py)

cdef inline bint _closer(Py_UCS4 c) noexcept:
    return c in (0x22, 0x27, 0x201D, 0x2019, 0xBB, 0xAB, 0x29, 0x5D)


cdef inline bint _script_full_stop(Py_UCS4 c) noexcept:
    """The full stops of scripts without ".": Devanagari/Bengali danda and double danda,
    Urdu full stop, Ethiopic full stop, Armenian full stop, Myanmar section mark, CJK
    ideographic full stop."""
    return c in (0x0964, 0x0965, 0x06D4, 0x1362, 0x0589, 0x104B, 0x3002)


cdef inline bint _sentence_punct(Py_UCS4 c) noexcept:
    return c in (0x2E, 0x21, 0x3F, 0x2026, 0x3002, 0xFF01, 0xFF1F, 0x061F, 0x1367) or (
        _script_full_stop(c)
    )


# A line is read in place, as [start, end) of its text's data (`kind`: bytes per character).

cdef Py_ssize_t _end_mark(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """Index of the last character before trailing spaces and closing quotes/brackets
    (start - 1 if none): where `[.!?…]["'”’»«)\\]]*\\s*$` puts its punctuation."""
    cdef Py_ssize_t k = end - 1
    while k >= start and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, k)):
        k -= 1
    while k >= start and _closer(PyUnicode_READ(kind, data, k)):
        k -= 1
    return k


cdef bint _sentence_end(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    cdef Py_ssize_t k = _end_mark(kind, data, start, end)
    return k >= start and _sentence_punct(PyUnicode_READ(kind, data, k))


cdef bint _unspaced_at_least(
    int kind, const void* data, Py_ssize_t start, Py_ssize_t end, int n
) noexcept:
    """linetext.unspaced_count(line) >= n: Han, hiragana and katakana characters."""
    cdef Py_ssize_t k
    cdef Py_UCS4 c
    if kind == PyUnicode_1BYTE_KIND:
        return False
    for k in range(start, end):
        c = PyUnicode_READ(kind, data, k)
        if (
            0x3040 <= c <= 0x30FF or 0x3400 <= c <= 0x4DBF or 0x4E00 <= c <= 0x9FFF
            or 0xF900 <= c <= 0xFAFF
        ):
            n -= 1
            if n == 0:
                return True
    return False


cdef bint _full_stop_end(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    cdef Py_ssize_t k = _end_mark(kind, data, start, end)
    cdef Py_UCS4 before
    if k < start:
        return False
    if PyUnicode_READ(kind, data, k) != 0x2E:
        return _script_full_stop(PyUnicode_READ(kind, data, k))
    if k == start:
        return True
    before = PyUnicode_READ(kind, data, k - 1)
    return before != 0x2E and before != 0x2026


cdef inline bint _blank_char(Py_UCS4 c) noexcept:
    """A space, tab or no-break space: the patterns' [ \\t\\u00a0]."""
    return c == 0x20 or c == 0x09 or c == 0xA0


cdef Py_ssize_t _skip_blanks(int kind, const void* data, Py_ssize_t k, Py_ssize_t end) noexcept:
    """The first position from k on that is not a _blank_char (or end)."""
    while k < end and _blank_char(PyUnicode_READ(kind, data, k)):
        k += 1
    return k


cdef bint _inner_sentence_end(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """linetext.has_inner_sentence_end: a full stop after three lower-case letters and at
    least INNER_SENTENCE_MIN_WORDS words of its sentence, then spaces, tabs or no-break spaces
    and a capital."""
    cdef Py_ssize_t k, after, pos
    cdef Py_UCS4 c
    for k in range(start + 3, end):
        if PyUnicode_READ(kind, data, k) != 0x2E:
            continue
        after = _skip_blanks(kind, data, k + 1, end)
        if after == k + 1:
            continue
        while after < end and _opener(PyUnicode_READ(kind, data, after)):
            after += 1
        if (
            after < end
            and Py_UNICODE_ISUPPER(PyUnicode_READ(kind, data, after))
            and Py_UNICODE_ISLOWER(PyUnicode_READ(kind, data, k - 1))
            and Py_UNICODE_ISLOWER(PyUnicode_READ(kind, data, k - 2))
            and Py_UNICODE_ISLOWER(PyUnicode_READ(kind, data, k - 3))
        ):
            pos = k - 1  # the sentence starts after the '.', '!' or '?' before it, if any
            while pos >= start:
                c = PyUnicode_READ(kind, data, pos)
                if c == 0x2E or c == 0x21 or c == 0x3F:
                    break
                pos -= 1
            pos += 1
            if _count_words(kind, data, &pos, k, 0, INNER_SENTENCE_MIN_WORDS) >= INNER_SENTENCE_MIN_WORDS:
                return True
    return False


cdef inline bint _opener(Py_UCS4 c) noexcept:
    """linetext._OPENERS: an opening bracket or quote."""
    return c == 0x28 or c == 0x5B or c == 0x22 or c == 0x201C or c == 0x201E or c == 0xAB or c == 0x2018 or c == 0x27


cdef inline bint _ascii_digit(int kind, const void* data, Py_ssize_t k, Py_ssize_t start, Py_ssize_t end) noexcept:
    cdef Py_UCS4 c
    if k < start or k >= end:
        return False
    c = PyUnicode_READ(kind, data, k)
    return 0x30 <= c <= 0x39


cdef Py_ssize_t _digit_run(int kind, const void* data, Py_ssize_t k, Py_ssize_t start, Py_ssize_t end) noexcept:
    """How many ASCII digits stand from k on."""
    cdef Py_ssize_t n = 0
    while _ascii_digit(kind, data, k + n, start, end):
        n += 1
    return n


cdef bint _few_digit_runs(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """engine._list_or_score: at most two runs of ASCII digits on the line."""
    cdef Py_ssize_t k = start, run
    cdef int runs = 0
    while k < end:
        run = _digit_run(kind, data, k, start, end)
        if run:
            runs += 1
            if runs > 2:
                return False
            k += run
        else:
            k += 1
    return True


cdef bint _is_date_stamp(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """linetext.is_date_stamp: a clock time (1-2 digits, ':' or 'h', 2 digits) and a year
    (19xx or 20xx), each a whole run of digits."""
    cdef Py_ssize_t k = start, run, before
    cdef bint clock = False, year = False
    cdef Py_UCS4 c
    while k < end and not (clock and year):
        if not _ascii_digit(kind, data, k, start, end):
            k += 1
            continue
        run = _digit_run(kind, data, k, start, end)
        if run == 4:
            c = PyUnicode_READ(kind, data, k + 1)
            before = PyUnicode_READ(kind, data, k)
            if (before == 0x31 and c == 0x39) or (before == 0x32 and c == 0x30):
                year = True
        if run <= 2 and k + run < end:
            c = PyUnicode_READ(kind, data, k + run)
            if (c == 0x3A or c == 0x68) and _digit_run(kind, data, k + run + 1, start, end) == 2:
                clock = True
        k += run
    return clock and year


cdef inline bint _score_mark(Py_UCS4 c) noexcept:
    """'.', ':', '/', '-', '–' or '—': linetext._SCORE's marks around a run of digits."""
    return c == 0x2E or c == 0x3A or c == 0x2F or c == 0x2D or c == 0x2013 or c == 0x2014


cdef bint _is_score(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """linetext.is_score: a score run and no date stamp."""
    return _score_run(kind, data, start, end) and not _is_date_stamp(kind, data, start, end)


cdef bint _score_run(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """linetext._SCORE: two whole runs of 1-3 digits joined by a dash or a colon (the first
    not after a _score_mark, the second not before one and a digit), or a line ending in a
    run of 1-3 digits after a blank with a run of 1-3 digits (not after a _score_mark), a
    comma and a blank before."""
    cdef Py_ssize_t k = start, run, m, run2, last = end, last_run
    cdef bint comma = False
    cdef Py_UCS4 c
    # The run the line ends in, if it stands after a blank.
    while last > start and _blank_char(PyUnicode_READ(kind, data, last - 1)):
        last -= 1
    last_run = 0
    while last - last_run > start and _ascii_digit(kind, data, last - last_run - 1, start, end):
        last_run += 1
    if not (
        1 <= last_run <= 3
        and last - last_run > start
        and _blank_char(PyUnicode_READ(kind, data, last - last_run - 1))
    ):
        last_run = 0
    while k < end:
        if not _ascii_digit(kind, data, k, start, end):
            k += 1
            continue
        run = _digit_run(kind, data, k, start, end)
        if run <= 3 and not (k > start and _score_mark(PyUnicode_READ(kind, data, k - 1))):
            m = _skip_blanks(kind, data, k + run, end)
            if m < end:
                c = PyUnicode_READ(kind, data, m)
                if c == 0x2D or c == 0x2013 or c == 0x2014 or c == 0x3A:
                    m = _skip_blanks(kind, data, m + 1, end)
                    run2 = _digit_run(kind, data, m, start, end)
                    if 1 <= run2 <= 3 and not (
                        m + run2 + 1 < end
                        and _score_mark(PyUnicode_READ(kind, data, m + run2))
                        and _ascii_digit(kind, data, m + run2 + 1, start, end)
                    ):
                        return True
            if (
                last_run
                and k + run + 2 < last - last_run
                and PyUnicode_READ(kind, data, k + run) == 0x2C
                and _blank_char(PyUnicode_READ(kind, data, k + run + 1))
            ):
                return True
        k += run
    return False


cdef bint _is_list_item(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """linetext.is_list_item: spaces, one or two digits, '.' or ')', a space."""
    cdef Py_ssize_t k = _skip_blanks(kind, data, start, end), run
    cdef Py_UCS4 c
    run = _digit_run(kind, data, k, start, end)
    if run < 1 or run > 2 or k + run + 1 >= end:
        return False
    c = PyUnicode_READ(kind, data, k + run)
    if c != 0x2E and c != 0x29:
        return False
    return _blank_char(PyUnicode_READ(kind, data, k + run + 1))


cdef bint _is_bulleted(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """linetext.is_bulleted: spaces, a list bullet ('-', '–', '—', '•', '·', '▶', '►', '▸',
    '*'), a space."""
    cdef Py_ssize_t k = _skip_blanks(kind, data, start, end)
    cdef Py_UCS4 c
    if k + 1 >= end:
        return False
    c = PyUnicode_READ(kind, data, k)
    if not (
        c == 0x2D or c == 0x2013 or c == 0x2014 or c == 0x2022 or c == 0xB7
        or c == 0x25B6 or c == 0x25BA or c == 0x25B8 or c == 0x2A
    ):
        return False
    return _blank_char(PyUnicode_READ(kind, data, k + 1))


cdef int _count_words(
    int kind, const void* data, Py_ssize_t* pos, Py_ssize_t end, int n, int cap
) noexcept:
    """Words of line.split() from *pos on, added to the `n` before it, until `cap` (a long
    paragraph is not read to the end when only "more than N words?" is asked). *pos moves
    to where reading stopped: just past the first character of the cap-th word, or `end`.
    Reading resumes inside a word unless it starts at the line's start (n == 0)."""
    if kind == PyUnicode_1BYTE_KIND:
        return _count_words_in(<const Py_UCS1*>data, pos, end, n, cap)
    if kind == PyUnicode_2BYTE_KIND:
        return _count_words_in(<const Py_UCS2*>data, pos, end, n, cap)
    return _count_words_in(<const Py_UCS4*>data, pos, end, n, cap)


cdef inline Py_ssize_t _skip_spaces(
    int kind, const void* data, Py_ssize_t start, Py_ssize_t end
) noexcept:
    """Where the first character that is not whitespace stands (end if none)."""
    while start < end and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, start)):
        start += 1
    return start


cdef bint _bracket_start(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """Whether the first character after leading spaces is an opening round bracket: where
    `\\s*[(（]` matches (linetext.is_headline)."""
    cdef Py_ssize_t k = _skip_spaces(kind, data, start, end)
    cdef Py_UCS4 c
    if k >= end:
        return False
    c = PyUnicode_READ(kind, data, k)
    return c == 0x28 or c == 0xFF08


cdef bint _lower_word_start(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """Whether the first word after leading spaces is all lower case: a run of word
    characters (as `\\w` reads them) whose first is a lower-case letter and none a capital
    (linetext.starts_lowercase_word)."""
    cdef Py_ssize_t k = _skip_spaces(kind, data, start, end)
    cdef Py_UCS4 c
    if k >= end:
        return False
    c = PyUnicode_READ(kind, data, k)
    if not (_word_char(c) and Py_UNICODE_ISLOWER(c)):
        return False
    while k < end:
        c = PyUnicode_READ(kind, data, k)
        if not _word_char(c):
            break
        if Py_UNICODE_ISUPPER(c):
            return False
        k += 1
    return True


cdef inline int _echo_char(Py_UCS4 c) noexcept:
    """How linetext.echoes' normalize_line treats a character, as far as _echo_possible
    can tell in C: 1 a letter or digit (str.isalnum), 0 a mark it strips at a line's start
    (ASCII punctuation and symbols, the usual quotes, dashes and bullets), 2 a space, -1
    one whose normalised form this test cannot foresee (zero-width characters, the soft
    hyphen, 'İ', 'ı', the combining dot, 'Σ' with its final form, any other symbol)."""
    if c < 128:
        if (48 <= c <= 57) or (65 <= c <= 90) or (97 <= c <= 122):
            return 1
        return 2 if Py_UNICODE_ISSPACE(c) else 0
    if c == 0x130 or c == 0x131 or c == 0x307 or c == 0x3A3 or c == 0xAD:
        return -1
    if Py_UNICODE_ISALPHA(c) or Py_UNICODE_ISNUMERIC(c):
        return 1
    if Py_UNICODE_ISSPACE(c):
        return 2
    if (
        c == 0xAB or c == 0xBB or c == 0xB7 or c == 0xA0
        or 0x2010 <= c <= 0x2015 or 0x2018 <= c <= 0x201F or c == 0x2022 or c == 0x2026
    ):
        return 0
    return -1  # zero-width characters and everything else: left to echoes


cdef bint _echo_possible(
    int kind, const void* data, Py_ssize_t label, Py_ssize_t label_end,
    Py_ssize_t line, Py_ssize_t line_end,
) noexcept:
    """Whether linetext.echoes may hold for the label and the line: False only when every
    character read is one whose normalised form _echo_char foresees, and no word among the
    line's first ECHO_LEAD_WORDS (after its leading marks) opens with the label's first
    letters (up to three, lower-cased), where echoes would have to find the label. Anything
    else is left to echoes."""
    cdef Py_UCS4 c
    cdef Py_UCS4 key[3]
    cdef int n = 0, words = 0, k, kind_of
    cdef bint in_word = False, after_alnum = False
    cdef Py_ssize_t at
    while label < label_end:  # the leading marks, then the first letters
        c = PyUnicode_READ(kind, data, label)
        kind_of = _echo_char(c)
        if kind_of < 0:
            return True
        if kind_of == 1:
            key[n] = _lower(c)
            n += 1
            if n == 3:
                break
        elif n:
            break
        label += 1
    if n == 0:
        return True
    while line < line_end:  # the leading marks normalize_line strips
        kind_of = _echo_char(PyUnicode_READ(kind, data, line))
        if kind_of < 0:
            return True
        if kind_of == 1:
            break
        line += 1
    while line < line_end:
        c = PyUnicode_READ(kind, data, line)
        kind_of = _echo_char(c)
        if kind_of < 0:
            return True
        if kind_of == 2:
            if in_word:
                words += 1
                if words >= ECHO_LEAD_WORDS:
                    return False
            in_word = after_alnum = False
        else:
            if kind_of == 1 and not after_alnum:  # a word start, as echoes reads it
                k, at = 0, line
                while k < n and at < line_end:
                    c = PyUnicode_READ(kind, data, at)
                    if _echo_char(c) < 0:
                        return True
                    if _lower(c) != key[k]:
                        break
                    k += 1
                    at += 1
                if k == n or at == line_end:
                    return True
            in_word = True
            after_alnum = kind_of == 1
        line += 1
    return False


cdef bint _dek_possible(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """Whether linetext.is_dek may hold: after blanks and opening quotes, the line's first
    character is an ASCII letter that opens one of its question words (a b c d g h j k m n
    o p q s u v w, either case) or any other character (left to is_dek)."""
    cdef Py_UCS4 c
    cdef Py_ssize_t k
    for k in range(start, end):
        c = PyUnicode_READ(kind, data, k)
        if c == 0x22 or c == 0x27 or Py_UNICODE_ISSPACE(c) or (
            c == 0x201C or c == 0x201E or c == 0xAB or c == 0x2018
        ):
            continue
        if c >= 128:
            return True
        if 65 <= c <= 90:
            c = <Py_UCS4>(<uint32_t>c + 32)
        return (
            c == 0x61 or c == 0x62 or c == 0x63 or c == 0x64 or c == 0x67 or c == 0x68
            or c == 0x6A or c == 0x6B or c == 0x6D or c == 0x6E or c == 0x6F or c == 0x70
            or c == 0x71 or c == 0x73 or c == 0x75 or c == 0x76 or c == 0x77
        )
    return False


cdef inline bint _word_char(Py_UCS4 c) noexcept:
    """What `\\w` matches in a `re` str pattern: alphanumeric or the underscore."""
    if c < 128:
        return (48 <= c <= 57) or (65 <= c <= 90) or (97 <= c <= 122) or c == 0x5F
    return Py_UNICODE_ISALPHA(c) or Py_UNICODE_ISNUMERIC(c)


cdef bint _ends_open(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """linetext.ends_open, read in place: after trailing blanks, tabs, NBSPs and CRs, an
    alphanumeric character (str.isalnum), a comma, an opening bracket, a slash, an
    ampersand, a dash or an underscore."""
    cdef Py_ssize_t k = end - 1
    cdef Py_UCS4 c
    while k >= start:
        c = PyUnicode_READ(kind, data, k)
        if c != 0x20 and c != 0x09 and c != 0xA0 and c != 0x0D:
            break
        k -= 1
    if k < start:
        return False
    c = PyUnicode_READ(kind, data, k)
    return (
        Py_UNICODE_ISALPHA(c) or Py_UNICODE_ISDECIMAL(c) or Py_UNICODE_ISDIGIT(c)
        or Py_UNICODE_ISNUMERIC(c)
        or c == 0x2C or c == 0x28 or c == 0x5B or c == 0x2F or c == 0x26 or c == 0x2D
        or c == 0x2013 or c == 0x2014 or c == 0x5F
    )


cdef bint _goes_on(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """linetext._goes_on: after blanks, tabs and NBSPs, a closing bracket, comma, full stop,
    semicolon or colon that no full stop follows."""
    cdef Py_ssize_t k = start
    cdef Py_UCS4 c
    k = _skip_blanks(kind, data, k, end)
    if k >= end:
        return False
    c = PyUnicode_READ(kind, data, k)
    if not (c == 0x29 or c == 0x2C or c == 0x2E or c == 0x3B or c == 0x3A or c == 0x5D):
        return False
    return k + 1 >= end or PyUnicode_READ(kind, data, k + 1) != 0x2E


cdef bint _rest_of_sentence(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """linetext._rest_of_sentence: the first word all in lower case (starts_lowercase_word),
    and a comma, full stop or semicolon before a blank or the end, or a bracket, somewhere."""
    cdef Py_ssize_t k
    cdef Py_UCS4 c
    if not _lower_word_start(kind, data, start, end):
        return False
    for k in range(start, end):
        c = PyUnicode_READ(kind, data, k)
        if c == 0x28 or c == 0x29:
            return True
        if (c == 0x2C or c == 0x2E or c == 0x3B) and (
            k + 1 >= end or Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, k + 1))
        ):
            return True
    return False


cdef bint _bracketed(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """linetext._BRACKETED: the line is wholly in round brackets, blanks, tabs and NBSPs
    aside."""
    cdef Py_ssize_t k = start, e = end - 1
    cdef Py_UCS4 c
    k = _skip_blanks(kind, data, k, end)
    while e >= start:
        c = PyUnicode_READ(kind, data, e)
        if c != 0x20 and c != 0x09 and c != 0xA0:
            break
        e -= 1
    return e > k and PyUnicode_READ(kind, data, k) == 0x28 and PyUnicode_READ(kind, data, e) == 0x29


cdef bint _sentence_piece(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """linetext._sentence_piece: four words or more (as str.split counts them), or a comma,
    full stop, semicolon, colon or round bracket."""
    cdef Py_ssize_t k
    cdef int words = 0
    cdef bint in_word = False
    cdef Py_UCS4 c
    for k in range(start, end):
        c = PyUnicode_READ(kind, data, k)
        if c == 0x2C or c == 0x2E or c == 0x3B or c == 0x3A or c == 0x28 or c == 0x29:
            return True
        if Py_UNICODE_ISSPACE(c):
            in_word = False
        elif not in_word:
            in_word = True
            words += 1
    return words >= 4


cdef bint _middle_end(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """linetext._middle_end: the last word ends in a comma or an opening bracket, or is all
    letters with a lower-case one and no capital (str.isalpha and str.islower)."""
    cdef Py_ssize_t e = end - 1, k
    cdef Py_UCS4 c
    cdef bint lower = False
    while e >= start and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, e)):
        e -= 1
    if e < start:
        return False
    c = PyUnicode_READ(kind, data, e)
    if c == 0x2C or c == 0x28:
        return True
    k = e
    while k >= start:
        c = PyUnicode_READ(kind, data, k)
        if Py_UNICODE_ISSPACE(c):
            break
        if not Py_UNICODE_ISALPHA(c) or Py_UNICODE_ISUPPER(c) or Py_UNICODE_ISTITLE(c):
            return False
        if Py_UNICODE_ISLOWER(c):
            lower = True
        k -= 1
    return lower


cdef bint _option_start(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """What linetext._OPTION needs first: an opening bracket, or a letter A-E (either case)
    followed by a closing bracket or a full stop, after leading spaces."""
    cdef Py_ssize_t k = start
    while k < end and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, k)):
        k += 1
    if k + 1 >= end:
        return False
    cdef Py_UCS4 c = PyUnicode_READ(kind, data, k)
    if c == 0x28 or c == 0x5B:
        return True
    if not ((0x41 <= c <= 0x45) or (0x61 <= c <= 0x65)):
        return False
    c = PyUnicode_READ(kind, data, k + 1)
    return c == 0x29 or c == 0x2E or c == 0x5D


cdef bint _colon_end(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """Whether the line ends in a colon, before trailing spaces and closing quotes/brackets:
    where `[:：]["'”’»«)\\]]*\\s*$` matches (linetext.is_headline)."""
    cdef Py_ssize_t k = _end_mark(kind, data, start, end)
    if k < start:
        return False
    cdef Py_UCS4 c = PyUnicode_READ(kind, data, k)
    return c == 0x3A or c == 0xFF1A


cdef bint _spaces(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """Whether the characters from start to end are all whitespace (or none)."""
    cdef Py_ssize_t k
    for k in range(start, end):
        if not Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, k)):
            return False
    return True


cdef inline bint _ascii_alnum(Py_UCS4 c) noexcept:
    return (48 <= c <= 57) or (65 <= c <= 90) or (97 <= c <= 122)


cdef str _normalize(str line):
    """linetext.normalize_line: lower-cased, zero-width characters dropped, "ı" and "i" +
    combining dot folded to "i", space runs folded, edge punctuation and symbols stripped."""
    if line.isascii():
        return _normalize_ascii(line)
    if u"\u0130" in line or u"\u03a3" in line:
        # "İ" and "Σ" are the characters whose str.lower() one-character-at-a-time
        # lower-casing cannot reproduce (a dot added, a final sigma).
        return _normalize_slow(line)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(line), i, out = 0, start = 0, end
    cdef int kind = PyUnicode_KIND(line)
    cdef void* data = PyUnicode_DATA(line)
    cdef Py_UCS4 c
    cdef bint space = False, dotless_i = False
    cdef Py_UCS4* buf = <Py_UCS4*>PyMem_Malloc(max(n, 1) * sizeof(Py_UCS4))
    if buf == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            c = PyUnicode_READ(kind, data, i)
            if _zero_width(c):
                continue
            if Py_UNICODE_ISSPACE(c):
                space = out > 0
                continue
            c = _lower(c)
            if c == 0x131:  # Turkish dotless "ı" folds to "i"
                c = 0x69
            if c == 0x307 and dotless_i and not space:
                dotless_i = False
                continue
            if space:
                buf[out] = 0x20
                out += 1
                space = False
            buf[out] = c
            out += 1
            dotless_i = c == 0x69
        end = out
        while start < end and _edge(buf[start]):
            start += 1
        while end > start and _edge(buf[end - 1]):
            end -= 1
        return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf + start, end - start)
    finally:
        PyMem_Free(buf)


cdef bint _edge(Py_UCS4 c) except -1:
    """Space, or Unicode category P, S, Z or C (what normalize_line strips at the edges)."""
    if c < 128:
        return not _ascii_alnum(c)
    if Py_UNICODE_ISALPHA(c) or Py_UNICODE_ISNUMERIC(c):
        return False
    return _is_edge(chr(c))


cdef str _normalize_ascii(str line):
    """For ASCII, the edge characters normalize_line strips are the non-alphanumeric ones.
    The line is read in place (an ASCII str holds one byte per character)."""
    cdef const unsigned char* chars = <const unsigned char*>PyUnicode_DATA(line)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(line), i, start = 0, end, out = 0
    cdef unsigned char c
    cdef bint space = False
    while start < n and not _ascii_alnum(chars[start]):
        start += 1
    end = n
    while end > start and not _ascii_alnum(chars[end - 1]):
        end -= 1
    if start >= end:
        return ""
    cdef char* buf = <char*>PyMem_Malloc(end - start)
    if buf == NULL:
        raise MemoryError()
    try:
        for i in range(start, end):
            c = chars[i]
            if Py_UNICODE_ISSPACE(c):
                space = True
                continue
            if space:
                buf[out] = 32
                out += 1
                space = False
            buf[out] = <char>(c + 32 if 65 <= c <= 90 else c)
            out += 1
        return buf[:out].decode("ascii")
    finally:
        PyMem_Free(buf)


# ---------------------------------------------------------------- one text

@cython.cdivision(True)
cdef Py_ssize_t* _line_starts(
    int kind, const char* data, Py_ssize_t n, Py_ssize_t* lines
) except NULL:
    """Where each line of the text's data (n characters of `kind` bytes) starts, as
    text.split("\n") has them, then n + 1, in a new array (PyMem_Free it); *lines: how many
    lines. One pass of memchr: a 0x0A byte is a break only where it is a whole character."""
    cdef const char* end = data + n * kind
    cdef const char* p = data
    cdef const char* hit
    cdef Py_ssize_t found = 1, unit, cap = 64
    cdef Py_ssize_t* out = <Py_ssize_t*>PyMem_Malloc(cap * sizeof(Py_ssize_t))
    cdef Py_ssize_t* grown
    if out == NULL:
        raise MemoryError()
    out[0] = 0
    while p < end:
        hit = <const char*>memchr(p, 10, end - p)
        if hit == NULL:
            break
        unit = (hit - data) // kind
        if PyUnicode_READ(kind, data, unit) == 10:
            if found + 1 == cap:  # room for this start and the closing n + 1
                cap *= 2
                grown = <Py_ssize_t*>PyMem_Realloc(out, cap * sizeof(Py_ssize_t))
                if grown == NULL:
                    PyMem_Free(out)
                    raise MemoryError()
                out = grown
            out[found] = unit + 1
            found += 1
        p = data + (unit + 1) * kind
    out[found] = n + 1
    lines[0] = found
    return out


cdef enum:  # what _Doc._last_live looks for
    LIVE_PROSE
    LIVE_FULL_STOP
    LIVE_ITEM


@cython.final  # never subclassed: its cdef methods are called directly, not through a table
cdef class _Doc:
    """A text's lines (found in place: no string per line until a rule reads one), with
    per-line facts computed at most once. engine.scan reads its `text`, `count` and
    `content` as it reads a Document's; one clean or find_removals call may use it."""

    cdef readonly str text
    cdef readonly Py_ssize_t count
    cdef int kind
    cdef const void* data
    cdef Py_ssize_t n_lines   # as text.split("\n") has them: count, + 1 after a final break
    cdef Py_ssize_t* starts   # where each line starts, then len(text) + 1
    cdef list contents        # the line's str once read, else None; None until one is read
    cdef int* owner           # rule index that deleted the line, -1 while it lives
    cdef Py_ssize_t* read_to  # how far the line's words have been counted
    cdef int* words           # words of the line's content before read_to
    cdef signed char* prose   # 1/0, -1 until known
    cdef Py_ssize_t n_deleted
    cdef dict spans           # line -> [(start, end, rule)]
    cdef int64_t* picked      # the lines a rule is tried on (see pick), room for n_picked
    cdef Py_ssize_t n_picked
    cdef Py_ssize_t last_prose_hint
    cdef Py_ssize_t last_stop_hint
    cdef Py_ssize_t last_item_hint
    cdef Py_ssize_t first_headline_hint  # no live headline above it (see kicker_place)
    cdef Py_ssize_t kicker_refused_top   # the top label refused for the lines above it
    cdef bint cleaned
    cdef int wrapped_known    # wrapped_joins(WRAPPED_MIN_JOINS), -1 until counted

    def __cinit__(self, str text):
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), size
        self.text = text
        self.kind = PyUnicode_KIND(text)
        self.data = PyUnicode_DATA(text)
        self.starts = _line_starts(self.kind, <const char*>self.data, n, &size)
        self.n_lines = size
        self.count = size - 1 if n and PyUnicode_READ(self.kind, self.data, n - 1) == 10 else size
        # One block for the other per-line arrays.
        self.read_to = <Py_ssize_t*>PyMem_Malloc(
            size * (sizeof(Py_ssize_t) + 2 * sizeof(int) + sizeof(signed char))
        )
        if self.read_to == NULL:
            raise MemoryError()
        memcpy(self.read_to, self.starts, size * sizeof(Py_ssize_t))  # nothing counted yet
        self.owner = <int*>(self.read_to + size)
        self.words = self.owner + size
        self.prose = <signed char*>(self.words + size)
        memset(self.owner, 0xFF, size * sizeof(int))
        memset(self.words, 0, size * sizeof(int))
        memset(self.prose, 0xFF, size)
        self.n_deleted = 0
        self.wrapped_known = -1
        self.spans = {}
        self.last_prose_hint = self.count
        self.last_stop_hint = self.count
        self.last_item_hint = self.count
        self.first_headline_hint = 0
        self.kicker_refused_top = -1

    def __dealloc__(self):
        PyMem_Free(self.starts)
        PyMem_Free(self.read_to)
        PyMem_Free(self.picked)

    cdef int64_t* room(self, Py_ssize_t n) except NULL:
        """`picked`, with room for n lines (valid until the next call)."""
        cdef int64_t* grown
        n = max(n, 1)  # never NULL, which would signal an error
        if n > self.n_picked:
            grown = <int64_t*>PyMem_Realloc(self.picked, n * sizeof(int64_t))
            if grown == NULL:
                raise MemoryError()
            self.picked, self.n_picked = grown, n
        return self.picked

    cdef Py_ssize_t pick(self, list lines, Py_ssize_t low, Py_ssize_t high) except -1:
        """The candidate lines from low up to high into `picked`, in order; how many."""
        cdef int64_t* out = self.room(len(lines))
        cdef Py_ssize_t n = 0, i
        for i in lines:
            if low <= i < high:
                out[n] = i
                n += 1
        _sort_keys(out, n)  # as the pre-filter gives them, already in order: one pass
        return n

    cdef inline Py_ssize_t length(self, Py_ssize_t i) noexcept:
        """The line's length with a CRLF line's \\r (as len(text.split("\\n")[i]))."""
        return self.starts[i + 1] - 1 - self.starts[i]

    cdef inline Py_ssize_t content_end(self, Py_ssize_t i) noexcept:
        cdef Py_ssize_t end = self.starts[i + 1] - 1
        if end > self.starts[i] and PyUnicode_READ(self.kind, self.data, end - 1) == 13:
            return end - 1
        return end

    cpdef int wrapped_joins(self, int enough):
        """linetext.wrapped_joins, read in place: line breaks inside sentences, up to
        `enough` (a line ending open over one that goes on with the sentence)."""
        cdef int joins = 0
        cdef Py_ssize_t k
        for k in range(1, self.count):
            if _ends_open(self.kind, self.data, self.starts[k - 1], self.content_end(k - 1)) and (
                _goes_on(self.kind, self.data, self.starts[k], self.content_end(k))
                or _rest_of_sentence(self.kind, self.data, self.starts[k], self.content_end(k))
            ):
                joins += 1
                if joins >= enough:
                    break
        return joins

    cpdef bint mid_sentence(self, Py_ssize_t i) except -1:
        """linetext.mid_sentence, read in place (the text-wide count made at most once)."""
        cdef Py_ssize_t a, b
        if i <= 0 or i >= self.count:
            return False
        a = i - 1
        if _spaces(self.kind, self.data, self.starts[a], self.content_end(a)) or not _ends_open(
            self.kind, self.data, self.starts[a], self.content_end(a)
        ):
            return False
        if _bracketed(self.kind, self.data, self.starts[i], self.content_end(i)):
            return False
        b = i + 1
        if b < self.count:
            if _goes_on(self.kind, self.data, self.starts[b], self.content_end(b)) and (
                _sentence_piece(self.kind, self.data, self.starts[a], self.content_end(a))
                or _sentence_piece(self.kind, self.data, self.starts[b], self.content_end(b))
            ):
                return True
            if _rest_of_sentence(self.kind, self.data, self.starts[b], self.content_end(b)) and (
                _middle_end(self.kind, self.data, self.starts[a], self.content_end(a))
            ):
                return True
        if not _rest_of_sentence(self.kind, self.data, self.starts[i], self.content_end(i)):
            return False
        if self.wrapped_known < 0:
            self.wrapped_known = self.wrapped_joins(_WRAPPED_MIN_JOINS)
        return self.wrapped_known >= _WRAPPED_MIN_JOINS

    cpdef str content(self, Py_ssize_t i):
        """Line i without its line break (nor a CRLF line's \\r)."""
        cdef str line
        if not 0 <= i < self.n_lines:
            raise IndexError(i)
        if self.contents is None:
            self.contents = [None] * self.n_lines
        cached = self.contents[i]
        if cached is not None:
            return <str>cached
        line = self.contents[i] = self.text[self.starts[i]:self.content_end(i)]
        return line

    # The line facts below read C arrays only: noexcept spares an error check per call.

    cdef int words_upto(self, Py_ssize_t i, int cap) noexcept:
        """min(word count, cap): a long paragraph is read only as far as a test needs, and
        a higher cap later reads on from there (each character is read at most once)."""
        cdef int known = self.words[i]
        if known < cap:
            known = self.words[i] = _count_words(
                self.kind, self.data, &self.read_to[i], self.content_end(i), known, cap
            )
        return known if known < cap else cap

    cdef int all_words(self, Py_ssize_t i) noexcept:
        return self.words_upto(i, 0x7FFFFFFF)

    cdef bint is_prose(self, Py_ssize_t i) noexcept:
        if self.prose[i] < 0:
            self.prose[i] = 1 if (
                _sentence_end(self.kind, self.data, self.starts[i], self.content_end(i))
                and (
                    self.words_upto(i, PROSE_MIN_WORDS) >= PROSE_MIN_WORDS
                    or _unspaced_at_least(
                        self.kind, self.data, self.starts[i], self.content_end(i),
                        PROSE_MIN_UNSPACED,
                    )
                )
            ) else 0
        return self.prose[i] == 1

    cdef bint full_stop_end(self, Py_ssize_t i) noexcept:
        return _full_stop_end(self.kind, self.data, self.starts[i], self.content_end(i))

    cdef bint is_headline(self, Py_ssize_t i) noexcept:
        return (
            self.words_upto(i, HEADLINE_MIN_WORDS) >= HEADLINE_MIN_WORDS
            and not self.is_prose(i)
            and not self.full_stop_end(i)
            and not _bracket_start(self.kind, self.data, self.starts[i], self.content_end(i))
            and not _colon_end(self.kind, self.data, self.starts[i], self.content_end(i))
        )

    cdef bint date_or_caption(self, Py_ssize_t i) noexcept:
        """linetext.is_date_or_caption."""
        return (
            _is_date_stamp(self.kind, self.data, self.starts[i], self.content_end(i))
            or _inner_sentence_end(self.kind, self.data, self.starts[i], self.content_end(i))
        )

    cdef int kicker_place(self, Py_ssize_t i, bint head) except -1:
        """engine._kicker_place: over a headline that is no match result and opens with no
        lower-case word; in the head (`head`), with at most KICKER_MAX_ABOVE live lines
        above it (else KICKER_REFUSED_ABOVE); not under a lead-in ending in a colon; not a
        title over a recipe's line or a dek (engine._title_over); two words or more over
        only a date stamp or a caption need a headline somewhere above them."""
        cdef Py_ssize_t j = self.neighbour(i, 1), k
        if j < 0 or not self.is_headline(j) or _is_score(
            self.kind, self.data, self.starts[j], self.content_end(j)
        ) or _lower_word_start(self.kind, self.data, self.starts[j], self.content_end(j)):
            return False
        if head and self.lines_above(i, KICKER_MAX_ABOVE + 1) > KICKER_MAX_ABOVE:
            # Labels run bottom-up: lines above may still go in this run (rerun_pending).
            # Refused for the lines above: the caller records it once the line matches
            # its rule, as engine._kicker_place is only asked about a matching line.
            return KICKER_REFUSED_ABOVE
        k = self.neighbour(i, -1)
        if k >= 0 and _colon_end(self.kind, self.data, self.starts[k], self.content_end(k)):
            return False
        # engine._title_over; a dek opens with a question word's first letter.
        if _fact_line(self.kind, self.data, self.starts[j], self.content_end(j)) or (
            self.words_upto(i, 2) >= 2
            and _dek_possible(self.kind, self.data, self.starts[j], self.content_end(j))
            and _dek(self.kind, self.data, self.starts[j], self.content_end(j))
        ):
            return False
        if self.words_upto(i, 2) < 2 or not self.date_or_caption(j):
            return True
        # The first live headline, searched on from where the last search ended: lines
        # only die, so it only moves down (linear over a run, not per label).
        k = self.first_headline_hint
        while k < self.count and not (self.alive(k) and self.is_headline(k)):
            k += 1
        self.first_headline_hint = k
        return k < i

    cdef bint is_headline_like(self, Py_ssize_t i, int max_words) noexcept:
        return (
            0 < self.words_upto(i, max_words + 1) <= max_words
            and not self.full_stop_end(i)
            and not _inner_sentence_end(self.kind, self.data, self.starts[i], self.content_end(i))
        )

    cdef bint blank_outside(self, Py_ssize_t i, list spans) except -1:
        """Whether line i's content is all whitespace outside `spans` ((start, end, rule),
        in order, offsets into the content)."""
        cdef Py_ssize_t base = self.starts[i], pos = 0, start, end
        for start, end, _ in spans:
            if not _spaces(self.kind, self.data, base + pos, base + start):
                return False
            pos = end
        return _spaces(self.kind, self.data, base + pos, self.content_end(i))

    cpdef bint rerun_pending(self) except -1:
        """engine.Document.rerun_pending: a live line that span cuts left without its
        start, with a rest that is not prose (read through a _Doc of the rest) or as the
        text's only prose line; or a kicker label refused for the lines above it that has
        fewer above it now."""
        cdef Py_ssize_t i, first
        cdef int prose_found = -1  # whether any live line is prose: -1 until read, once
        cdef _Doc rest
        for i, spans in self.spans.items():
            if self.alive(i):
                first = (<tuple>(<list>spans)[0])[0]
                if _spaces(self.kind, self.data, self.starts[i], self.starts[i] + first):
                    return True
                rest = _Doc(_rest_of(self.content(i), <list>spans))
                if not rest.is_prose(0):
                    return True
                if not self.is_prose(i):
                    if prose_found < 0:
                        prose_found = self._has_prose()
                    if not prose_found:
                        return True
        return self.kicker_refused_top >= 0 and self.lines_above(
            self.kicker_refused_top, KICKER_MAX_ABOVE + 1
        ) <= KICKER_MAX_ABOVE

    cdef int lines_above(self, Py_ssize_t i, int most) noexcept:
        """engine._lines_above: live non-blank lines above line i, counted upwards up to
        `most` (a long text above stops the count at once)."""
        cdef int n = 0
        cdef Py_ssize_t k = i - 1
        while k >= 0 and n < most:
            if self.alive(k) and not self.blank(k):
                n += 1
            k -= 1
        return n

    cdef int lines_below(self, Py_ssize_t i, int most) noexcept:
        """engine._lines_below: live non-blank lines below line i, counted downwards up to
        `most`."""
        cdef int n = 0
        cdef Py_ssize_t k = i + 1
        while k < self.count and n < most:
            if self.alive(k) and not self.blank(k):
                n += 1
            k += 1
        return n

    cdef bint _has_prose(self) noexcept:
        """engine.Document._has_prose: a live line is prose (read without the run's search
        hints, which the guard may have outdated)."""
        cdef Py_ssize_t k
        for k in range(self.count):
            if self.alive(k) and self.is_prose(k):
                return True
        return False

    cdef inline bint ends_with_break(self) noexcept:
        return self.n_lines > self.count

    cdef bint blank(self, Py_ssize_t i) noexcept:
        return self.words_upto(i, 1) == 0

    cdef inline bint alive(self, Py_ssize_t i) noexcept:
        return self.owner[i] < 0

    cdef inline void delete(self, Py_ssize_t i, int rule) noexcept:
        if self.owner[i] < 0:
            self.owner[i] = rule
            self.n_deleted += 1

    cdef inline void undelete(self, Py_ssize_t i) noexcept:
        if self.owner[i] >= 0:
            self.owner[i] = -1
            self.n_deleted -= 1

    cdef Py_ssize_t first_prose(self) noexcept:
        cdef Py_ssize_t i
        for i in range(self.count):
            if self.alive(i) and self.is_prose(i):
                return i
        return -1

    cdef Py_ssize_t last_prose(self) noexcept:
        """engine._last_prose."""
        self.last_prose_hint = self._last_live(self.last_prose_hint, LIVE_PROSE, -1)
        return self.last_prose_hint

    cdef Py_ssize_t last_full_stop(self) noexcept:
        """engine._last_full_stop."""
        self.last_stop_hint = self._last_live(self.last_stop_hint, LIVE_FULL_STOP, -1)
        return self.last_stop_hint

    cdef bint item_below(self, Py_ssize_t i) noexcept:
        """engine._item_below: a live numbered list item or match result below line i."""
        self.last_item_hint = self._last_live(self.last_item_hint, LIVE_ITEM, i)
        return self.last_item_hint > i

    cdef Py_ssize_t _last_live(self, Py_ssize_t start, int test, Py_ssize_t low) noexcept:
        """engine._last_live, its test named by `test` (LIVE_*): resumes where the last
        search ended (lines only die)."""
        cdef Py_ssize_t i = min(start, self.count - 1)
        while i > low and not (self.alive(i) and self._passes(i, test)):
            i -= 1
        return i

    cdef bint _passes(self, Py_ssize_t i, int test) noexcept:
        if test == LIVE_PROSE:
            return self.is_prose(i)
        if test == LIVE_FULL_STOP:
            return self.full_stop_end(i)
        # engine._list_or_score
        return _is_list_item(self.kind, self.data, self.starts[i], self.content_end(i)) or (
            _few_digit_runs(self.kind, self.data, self.starts[i], self.content_end(i))
            and _is_score(self.kind, self.data, self.starts[i], self.content_end(i))
        )

    cdef Py_ssize_t non_blank_neighbour(self, Py_ssize_t i, int step) noexcept:
        """The nearest line that way that is removed or not blank, or -1."""
        cdef Py_ssize_t j = i + step
        while 0 <= j < self.count and self.alive(j) and self.blank(j):
            j += step
        return j if 0 <= j < self.count else -1

    cdef int removed_neighbour(self, Py_ssize_t i, int step) noexcept:
        """The rule that removed the nearest non-blank line that way, or -1."""
        cdef Py_ssize_t j = self.non_blank_neighbour(i, step)
        return self.owner[j] if j >= 0 else -1

    cdef Py_ssize_t neighbour(self, Py_ssize_t i, int step) noexcept:
        """The nearest live non-blank line that way from i, or -1."""
        cdef Py_ssize_t j = i + step
        while 0 <= j < self.count and (not self.alive(j) or self.blank(j)):
            j += step
        return j if 0 <= j < self.count else -1

    cdef bint subheading(self, Py_ssize_t i) noexcept:
        """engine._subheading: at most SUBHEADING_MAX_WORDS words right above a live prose
        line."""
        return (
            self.words_upto(i, SUBHEADING_MAX_WORDS + 1) <= SUBHEADING_MAX_WORDS
            and self.prose_right_below(i)
        )

    cdef bint prose_right_below(self, Py_ssize_t i) noexcept:
        """engine._prose_right_below: the line right under i is live and prose."""
        return i + 1 < self.count and self.alive(i + 1) and self.is_prose(i + 1)

    cdef bint prose_above(self, Py_ssize_t i) noexcept:
        """engine._prose_above: the nearest live non-blank line above i is prose."""
        cdef Py_ssize_t j = self.neighbour(i, -1)
        return j >= 0 and self.is_prose(j)


cdef _Doc _document(text):
    return text if isinstance(text, _Doc) else _Doc(text)


cdef str _rest_of(str line, list spans):
    """engine.rest_of: the line without its spans, a space where each was."""
    cdef list parts = []
    cdef Py_ssize_t pos = 0, start, end
    for start, end, _ in spans:
        parts.append(line[pos:start])
        pos = end
    parts.append(line[pos:])
    return u" ".join(parts)


def document(str text):
    """The text as the compiled engine reads it: what engine.scan and then one
    NativeEngine.clean or find_removals call are given (the lines are found once)."""
    return _Doc(text)


# ---------------------------------------------------------------- the rules

cdef enum:
    BESIDE_LOCAL_LINES = 128  # lines whose beside-rule marks fit on the stack


@cython.final
cdef class NativeEngine:
    """Compiled rules laid out for the C hot path; one per CompiledRules, shared by threads
    (all per-text state lives in a _Doc)."""

    cdef RInfo* info
    cdef Py_ssize_t n
    cdef list compiled      # CompiledRule per index (for its lazily built verifier)
    cdef list verifiers     # verifier per index once fetched, _UNSET before
    cdef list line_phrases  # frozenset, or None when the rule has no whole-line phrases
    cdef list beside        # tuple of code prefixes per rule
    cdef list codes
    cdef list names
    cdef list zone_scanned  # rule indexes
    cdef list beside_rules  # rule indexes
    cdef bint has_tail_scanned
    cdef unsigned char* beside_ok  # [k * n + o]: rule o's removals count for beside rule k
    cdef int* beside_index  # beside_rules as C ints, for the loop over lines

    def __cinit__(self, rules):
        cdef Py_ssize_t i, k
        cdef RInfo* r
        self.n = len(rules)
        self.info = <RInfo*>PyMem_Malloc(max(self.n, 1) * sizeof(RInfo))
        if self.info == NULL:
            raise MemoryError()
        self.compiled, self.line_phrases, self.beside = [], [], []
        self.verifiers = [_UNSET] * self.n
        self.codes, self.names, self.zone_scanned, self.beside_rules = [], [], [], []
        self.has_tail_scanned = False
        for i, compiled in enumerate(rules):
            rule = compiled.rule
            r = &self.info[i]
            r.scope = _SCOPES[rule.scope]
            r.zone = _ZONES[rule.zone]
            r.max_words = rule.max_words
            r.max_chars = rule.max_words * CHARS_PER_WORD
            r.min_repeats = rule.min_repeats
            r.max_items = rule.max_items
            r.max_below = rule.max_below
            r.all_below = rule.all_below
            r.item_max_words = rule.item_max_words
            r.allow_prose = rule.allow_prose
            r.after_prose = rule.after_prose
            r.before_headline = rule.before_headline
            r.subheading_ends_block = rule.subheading_ends_block
            r.beside_both = rule.beside_both
            r.is_beside = bool(rule.beside)
            r.prefiltered = bool(rule.phrases or rule.triggers or rule.trigger_pattern)
            r.zone_scanned = compiled.zone_scanned
            self.compiled.append(compiled)
            self.line_phrases.append(compiled.line_phrases or None)
            self.beside.append(tuple(rule.beside))
            self.codes.append(rule.code)
            self.names.append(rule.name)
            if r.zone_scanned:
                self.zone_scanned.append(i)
                self.has_tail_scanned = self.has_tail_scanned or r.zone == Z_TAIL
            if r.is_beside:
                self.beside_rules.append(i)
        self.beside_ok = <unsigned char*>PyMem_Malloc(max(len(self.beside_rules) * self.n, 1))
        self.beside_index = <int*>PyMem_Malloc(max(len(self.beside_rules), 1) * sizeof(int))
        if self.beside_ok == NULL or self.beside_index == NULL:
            raise MemoryError()
        for k, index in enumerate(self.beside_rules):
            self.beside_index[k] = index
            self.info[index].beside_k = k
            for i in range(self.n):
                self.beside_ok[k * self.n + i] = self.codes[i].startswith(self.beside[index])

    def __dealloc__(self):
        PyMem_Free(self.info)
        PyMem_Free(self.beside_ok)
        PyMem_Free(self.beside_index)

    def find_removals(self, text, candidates):
        """engine.find_removals: (removals, warnings) for `text` (a str, or the _Doc that
        engine.scan was given), given the pre-filter's candidate lines per rule index."""
        cdef _Doc doc = _document(text)
        cdef _Cuts cuts
        cdef Cut* cut
        cdef Py_ssize_t k
        cuts, warnings = self._run(doc, candidates)
        codes, names, text = self.codes, self.names, doc.text
        removals = []
        for k in range(cuts.n):
            cut = &cuts.items[k]
            removals.append(Removal(
                codes[cut.owner], names[cut.owner], cut.start, cut.end, text[cut.start:cut.end]
            ))
        return removals, warnings

    def clean(self, text, candidates):
        """The text without what find_removals would remove, and the warnings: the same
        result without building a trace."""
        return self._clean(_document(text), candidates)

    cdef tuple _clean(self, _Doc doc, object candidates):
        cdef list parts
        cdef Py_ssize_t pos = 0, k
        cdef _Cuts cuts
        cuts, warnings = self._run(doc, candidates)
        cdef str kept = doc.text  # typed: slices with C offsets, no slice or int objects
        if not cuts.n:
            return kept, warnings
        parts = []
        for k in range(cuts.n):
            parts.append(kept[pos:cuts.items[k].start])
            pos = cuts.items[k].end
        parts.append(kept[pos:])
        return u"".join(parts), warnings

    cdef tuple _run(self, _Doc doc, object candidates):
        """`candidates`: {rule index: lines} (Scanner.lines), or the pre-filter's Keys."""
        if doc.cleaned:
            raise ValueError("a document is cleaned once")
        doc.cleaned = True
        cdef list zoned = []
        cdef list beside  # the beside rules' candidates, by beside_k
        if type(candidates) is Keys:
            beside = self._walk_keys(doc, <Keys>candidates, zoned)
        else:
            beside = self._walk_dict(doc, <dict?>candidates, zoned)
        if zoned or self.zone_scanned:
            self._apply_zone_rules(doc, zoned)
        if self.beside_rules and doc.n_deleted:
            self._apply_beside_rules(doc, beside)
        if doc.n_deleted:
            self._keep_echoed_subheadings(doc)
        if not doc.n_deleted and not doc.spans:
            return _Cuts(), []
        warnings = self._guard(doc)
        return self._cuts(doc), warnings

    cdef list _walk_dict(self, _Doc doc, dict candidates, list zoned):
        """Rules that may fire anywhere run on their lines at once; zoned rules are put in
        `zoned`, beside rules' lines returned (by beside_k; None if none)."""
        cdef list beside = None
        cdef Py_ssize_t n
        # The pre-filter gives rules and lines in order: they are sorted only if not.
        if not _ascending(candidates):
            candidates = dict(sorted(candidates.items()))
        for index, lines in candidates.items():
            if self._at_once(index):
                n = doc.pick(lines, 0, PY_SSIZE_T_MAX)
                self._apply(doc, index, doc.picked, n)
            else:
                beside = self._defer(index, lines, zoned, beside)
        return beside

    cdef list _walk_keys(self, _Doc doc, Keys keys, list zoned):
        """_walk_dict over the settled keys: the lines of a rule that may fire anywhere go
        from the key array to the rule with no Python list."""
        cdef list beside = None
        cdef int64_t* lines
        cdef Py_ssize_t first = 0, m, k
        cdef int index
        keys.settle()
        while first < keys.c.n:
            index = keys.owner_at(first)
            if not 0 <= index < self.n:
                raise ValueError(f"candidate owner {index} is not a rule of this engine")
            m = keys.run_end(first)
            if self._at_once(index):
                lines = doc.room(m - first)
                for k in range(first, m):
                    lines[k - first] = keys.line_at(k)
                self._apply(doc, index, lines, m - first)
            else:
                beside = self._defer(index, keys.lines_of(first, m), zoned, beside)
            first = m
        return beside

    cdef inline bint _at_once(self, int index) noexcept:
        """A rule that may fire anywhere runs as its lines come; zoned and beside rules wait
        for the zones and the removals."""
        return not self.info[index].is_beside and self.info[index].zone == Z_ANYWHERE

    cdef list _defer(self, int index, list lines, list zoned, list beside):
        """A zoned rule's lines into `zoned`, a beside rule's into `beside` (made on first
        need, by beside_k): returns `beside`."""
        cdef RInfo* r = &self.info[index]
        if not r.is_beside:
            zoned.append((index, lines))
            return beside
        if beside is None:
            beside = [None] * len(self.beside_rules)
        beside[r.beside_k] = lines
        return beside

    # -- one rule over some lines

    cdef bint _run_to_end(self, _Doc doc, int index, Py_ssize_t i) except -1:
        """engine._run_to_end: no lead-in ending in a colon right above the run of lines the
        rule matches that line i is in (engine._under_lead_in), and every live non-blank
        line below line i matches the rule."""
        cdef Py_ssize_t k = doc.neighbour(i, -1)
        while k >= 0 and self._matches_line(index, doc.content(k)):
            k = doc.neighbour(k, -1)
        if k >= 0 and _colon_end(doc.kind, doc.data, doc.starts[k], doc.content_end(k)):
            return False
        for k in range(i + 1, doc.count):
            if doc.alive(k) and not doc.blank(k) and not self._matches_line(index, doc.content(k)):
                return False
        return True

    cdef bint _matches_line(self, int index, str line) except -1:
        phrases = self.line_phrases[index]
        if phrases is not None and _normalize(line) in <frozenset>phrases:
            return True
        verifier = self._verifier(index)
        if verifier is None:
            return False
        if self.info[index].regex_module:
            return verifier.search(line, None, None, False) is not None
        return verifier.search(line) is not None

    cdef int _apply(self, _Doc doc, int index, int64_t* lines, Py_ssize_t n) except -1:
        """The rule on lines[:n], in that order (a rule with min_repeats keeps, in place,
        the lines whose text comes up often enough among them)."""
        cdef RInfo* r = &self.info[index]
        cdef Py_ssize_t i, j, k, kept = 0
        cdef int place
        if r.min_repeats > 1:
            keys = [_normalize(doc.content(lines[k])) for k in range(n)]
            counts = Counter(keys)  # one pass: keys.count per line was quadratic
            for k in range(n):
                if counts[keys[k]] >= r.min_repeats:
                    lines[kept] = lines[k]
                    kept += 1
            n = kept
        for k in range(n):
            i = lines[k]
            if not doc.alive(i):
                continue
            if r.scope == S_SPAN:
                self._apply_span(doc, index, i, doc.content(i))
                continue
            # The tests only read the line (their order cannot change the outcome): the
            # prose test, which reads a few words, before the count up to max_words.
            if doc.length(i) > r.max_chars or (not r.allow_prose and doc.is_prose(i)):
                continue
            # A line of L characters holds at most (L + 1) // 2 words: one of up to
            # 2 * max_words characters is within max_words without a count.
            if doc.length(i) > 2 * r.max_words and (
                doc.words_upto(i, r.max_words + 1) > r.max_words
            ):
                continue
            if r.after_prose and not doc.prose_above(i):
                continue
            if r.before_headline:
                place = doc.kicker_place(i, r.zone == Z_HEAD)
                if place == KICKER_REFUSED_ABOVE:
                    if self._matches_line(index, doc.content(i)) and (
                        doc.kicker_refused_top < 0 or i < doc.kicker_refused_top
                    ):
                        doc.kicker_refused_top = i
                    continue
                if not place:
                    continue
            if not self._matches_line(index, doc.content(i)):
                continue
            if not (<str>self.codes[index]).startswith("AD") and (
                doc.mid_sentence(i)
                or (_option_start(doc.kind, doc.data, doc.starts[i], doc.content_end(i))
                    and _option_line_in(doc, i))
            ):
                continue  # engine._apply: a piece of a sentence broken across lines, an option
            if r.before_headline and (
                _wrapped_headline_line(doc, doc.neighbour(i, 1))
                or _label_mid_sentence_line(doc, i)
            ):
                continue  # engine._kicker_place: a sentence broken across lines, no headline
            if r.scope == S_LINE:
                doc.delete(i, index)
            elif r.scope == S_BLOCK:
                self._apply_block(doc, index, i)
            elif r.scope == S_TAIL:
                # engine._sentence_below: a closing sentence, list item or result below
                # keeps the tail; so do more than max_below lines (engine._lines_below).
                if doc.last_full_stop() <= i and not doc.item_below(i) and not (
                    r.max_below and doc.lines_below(i, r.max_below + 1) > r.max_below
                ) and not (r.all_below and not self._run_to_end(doc, index, i)):
                    for j in range(i, doc.count):
                        doc.delete(j, index)
            else:
                for j in range(i + 1):
                    doc.delete(j, index)
        return 0

    cdef int _apply_block(self, _Doc doc, int index, Py_ssize_t heading) except -1:
        cdef RInfo* r = &self.info[index]
        cdef bint cross_blanks
        cdef int taken = 0, run = 0, per_copy = -1  # as in engine._apply_block
        cdef bint bulleted = False
        cdef Py_ssize_t j = heading + 1, last
        cdef str heading_text = doc.content(heading)
        if self._works_below(doc, heading):
            return 0
        doc.delete(heading, index)
        last = doc.last_prose()
        if last < 0:  # engine._apply_block: no prose line, the last full stop ends the body
            last = doc.last_full_stop()
        cross_blanks = heading >= last
        while j < doc.count and taken < r.max_items:
            if doc.blank(j):
                if not cross_blanks:
                    break
                j += 1
                continue
            if not doc.alive(j):
                j += 1
                continue
            if not doc.is_headline_like(j, r.item_max_words) or (
                not cross_blanks and _is_list_item(doc.kind, doc.data, doc.starts[j], doc.content_end(j))
            ):
                break
            if r.subheading_ends_block and taken and not cross_blanks and doc.subheading(j):
                break
            if doc.content(j) == heading_text:
                if per_copy < 0 and run > 0:
                    per_copy = run
                run = 0
            elif run == per_copy or (
                bulleted and not cross_blanks
                and not _is_bulleted(doc.kind, doc.data, doc.starts[j], doc.content_end(j))
                and doc.prose_right_below(j)
            ):
                break
            else:
                if not taken:
                    bulleted = _is_bulleted(doc.kind, doc.data, doc.starts[j], doc.content_end(j))
                run += 1
                taken += 1
            doc.delete(j, index)
            j += 1
        return 0

    cdef bint _works_below(self, _Doc doc, Py_ssize_t heading) except -1:
        """engine._works_below: the first line under the heading plainly a work and its
        maker, or the first two each with a maker."""
        cdef Py_ssize_t j = doc.neighbour(heading, 1), k
        cdef int first
        if j < 0:
            return False
        first = _credit(doc.kind, doc.data, doc.starts[j], doc.content_end(j))
        if first != 1:
            return first == 2
        k = doc.neighbour(j, 1)
        return k >= 0 and _credit(doc.kind, doc.data, doc.starts[k], doc.content_end(k)) > 0

    cdef int _keep_echoed_subheadings(self, _Doc doc) except -1:
        """engine._keep_echoed_subheadings: a removed line or block heading of a few words
        whose next non-blank line is a live prose line that takes up its word lives."""
        cdef Py_ssize_t i, j
        cdef int scope
        for i in range(doc.count):
            if doc.alive(i):
                continue
            scope = self.info[doc.owner[i]].scope
            if (scope != S_LINE and scope != S_BLOCK) or (
                doc.words_upto(i, ECHO_MAX_WORDS + 1) > ECHO_MAX_WORDS
            ):
                continue
            j = doc.non_blank_neighbour(i, 1)
            if (
                j >= 0
                and doc.alive(j)
                and doc.is_prose(j)
                and _echo_possible(
                    doc.kind, doc.data, doc.starts[i], doc.content_end(i),
                    doc.starts[j], doc.content_end(j),
                )
                and _echo(doc.content(i), doc.content(j))
            ):
                doc.undelete(i)
        return 0

    cdef object _verifier(self, int index):
        """The rule's verifier, fetched once. A `regex` pattern is then called with
        concurrent=False (by position): by default it lets go of the GIL for a line of 64
        characters or more, and takes it back for each allocation, which costs more than a
        verifier call on one line gains (`re` never lets go)."""
        verifier = self.verifiers[index]
        if verifier is _UNSET:
            verifier = self.compiled[index].verifier
            self.info[index].regex_module = isinstance(verifier, regex.Pattern)
            self.verifiers[index] = verifier
        return verifier

    cdef int _apply_span(self, _Doc doc, int index, Py_ssize_t i, str line) except -1:
        """The rule's matches on line i that overlap none of the spans other rules took
        there (one finditer's matches come in order and never overlap one another), of at
        most max_words words (engine._apply_span)."""
        cdef Py_ssize_t start, end, pos
        cdef int cap = self.info[index].max_words
        verifier = self._verifier(index)
        if verifier is None:
            return 0
        cdef list prior = doc.spans.get(i)
        cdef list added = []
        cdef _SpanIndex taken = _SpanIndex(prior) if prior is not None else None
        matches = (
            verifier.finditer(line, None, None, False, False)
            if self.info[index].regex_module
            else verifier.finditer(line)
        )
        for m in matches:
            start, end = m.span()
            pos = doc.starts[i] + start
            if (
                end > start
                and _count_words(doc.kind, doc.data, &pos, doc.starts[i] + end, 0, cap + 1) <= cap
                and (taken is None or taken.clear_of(start, end))
            ):
                added.append((start, end, index))
        if not added:
            return 0  # the line's spans are as they were, and it was not blank outside them
        if prior is None:
            spans = doc.spans[i] = added
        else:
            spans = doc.spans[i] = prior + added
            spans.sort(key=_first)
        if doc.blank_outside(i, spans):
            doc.delete(i, (<tuple>spans[0])[2])
            del doc.spans[i]
        return 0

    # -- zones and neighbours

    cdef int _apply_zone_rules(self, _Doc doc, list zoned) except -1:
        cdef Py_ssize_t head_end = doc.first_prose(), tail_start, i, stop, step, n
        cdef int index
        cdef int64_t* picked
        if head_end < 0:
            return 0
        cdef bint needs_tail = self.has_tail_scanned
        for index, _ in zoned:
            needs_tail = needs_tail or self.info[index].zone == Z_TAIL
        tail_start = doc.last_prose() + 1 if needs_tail else doc.count
        for index, lines in zoned:
            if self.info[index].zone == Z_HEAD:
                n = doc.pick(lines, 0, head_end)
            else:
                n = doc.pick(lines, tail_start, PY_SSIZE_T_MAX)
            self._apply(doc, index, doc.picked, n)
        for index in self.zone_scanned:
            # Bottom-up in the head, so that stacked labels go in one run (idempotence).
            if self.info[index].zone == Z_HEAD:
                i, stop, step = head_end - 1, -1, -1
            else:
                i, stop, step = tail_start, doc.count, 1
            picked = doc.room(doc.count)
            n = 0
            while i != stop:
                if doc.alive(i) and not doc.blank(i):
                    picked[n] = i
                    n += 1
                i += step
            self._apply(doc, index, picked, n)
        return 0

    cdef int _apply_beside_rules(self, _Doc doc, list candidates) except -1:
        """`candidates`: per beside rule (by beside_k), its candidate lines or None; None
        when there are none at all.

        Rounds as engine._apply_beside_rules has them, but the lines next to a removal are
        carried from round to round (a line stays next to a removal while it lives) with
        the neighbours of the round's removals added, instead of found afresh: a chain of
        N lines each removable only next to the last costs N short rounds, not N passes
        over the whole text."""
        cdef bint changed = True, near, rescan
        cdef Py_ssize_t i, t, m, count = doc.count, n_tried = 0, n_beside = len(self.beside_rules)
        cdef Py_ssize_t n_marked, n_fresh, taken_before
        cdef int index, before, after, k
        cdef int64_t line
        cdef RInfo* r
        cdef unsigned char* ok
        cdef unsigned char* row
        # Lines next to a removal (ascending), lines the round removed, room for the carry;
        # then the beside rules tried, per rule the lines it may take ([t * count + i]):
        # where it has a pre-filter, only its candidate lines (a rule whose pre-filter found
        # none is not tried at all), and the lines next to a removal as flags.
        cdef int64_t local[4 * BESIDE_LOCAL_LINES]  # a usual text's lines need no block
        cdef int64_t* marked = local
        cdef int* tried = <int*>PyMem_Malloc(n_beside * sizeof(int) + (n_beside + 1) * count)
        if tried == NULL:
            raise MemoryError()
        if count > BESIDE_LOCAL_LINES:
            marked = <int64_t*>PyMem_Malloc(4 * count * sizeof(int64_t))
            if marked == NULL:
                PyMem_Free(tried)
                raise MemoryError()
        cdef int64_t* fresh = marked + count
        cdef int64_t* room = fresh + count
        cdef unsigned char* allowed = <unsigned char*>(tried + n_beside)
        cdef unsigned char* beside = allowed + n_beside * count
        try:
            for k in range(n_beside):
                index = self.beside_index[k]
                row = allowed + n_tried * count
                if not self.info[index].prefiltered:
                    memset(row, 1, count)
                else:
                    lines = candidates[k] if candidates is not None else None
                    if lines is None:
                        continue
                    memset(row, 0, count)
                    for i in <list>lines:
                        if 0 <= i < count:
                            row[i] = 1
                tried[n_tried] = k
                n_tried += 1
            n_marked = _Marks.afresh(doc, beside, marked)
            while changed and n_tried:
                changed = rescan = False
                n_fresh = 0
                for m in range(n_marked):
                    i = marked[m]
                    before = doc.removed_neighbour(i, -1)
                    after = doc.removed_neighbour(i, 1)
                    for t in range(n_tried):
                        if not doc.alive(i):
                            break
                        if not allowed[t * count + i]:
                            continue
                        k = tried[t]
                        index = self.beside_index[k]
                        r = &self.info[index]
                        ok = self.beside_ok + k * self.n
                        if r.beside_both:
                            near = before >= 0 and after >= 0 and ok[before] and ok[after]
                        else:
                            near = (before >= 0 and ok[before]) or (after >= 0 and ok[after])
                        if near:
                            line = i
                            taken_before = doc.n_deleted
                            self._apply(doc, index, &line, 1)
                            changed = changed or not doc.alive(i)
                            if doc.n_deleted == taken_before + 1 and not doc.alive(i):
                                fresh[n_fresh] = i
                                n_fresh += 1
                            elif doc.n_deleted != taken_before:
                                rescan = True  # a block, head or tail: more than its line
                if rescan:
                    n_marked = _Marks.afresh(doc, beside, marked)
                elif n_fresh:
                    n_marked = _Marks.carried(doc, beside, marked, n_marked, fresh, n_fresh, room)
        finally:
            PyMem_Free(tried)
            if marked != local:
                PyMem_Free(marked)
        return 0


    # -- the document guard and the whitespace around removals

    cdef list _guard(self, _Doc doc):
        cdef Py_ssize_t i
        cdef long lost = 0, total = 0
        lost_lines = [
            i for i in range(doc.count)
            if not doc.alive(i) and self.info[doc.owner[i]].allow_prose and doc.is_prose(i)
        ]
        for i in lost_lines:
            lost += doc.all_words(i)
        if lost < GUARD_MIN_WORDS:
            return []
        for i in range(doc.count):
            if doc.is_prose(i):
                total += doc.all_words(i)
        if lost <= GUARD_SHARE * total:
            return []
        vetoed = sorted({self.codes[doc.owner[i]] for i in lost_lines})
        for i in lost_lines:
            doc.undelete(i)
        return [
            f"kept {lost} of {total} prose words that rules {', '.join(vetoed)} would have"
            f" deleted (more than {GUARD_SHARE:.0%} of the prose)"
        ]

    cdef _Cuts _cuts(self, _Doc doc):
        """Deleted lines and spans as offset ranges, each with its rule, with the
        whitespace ANNOTATION.md asks for."""
        cdef _Cuts cuts = _Cuts()
        cdef Py_ssize_t* starts = doc.starts
        cdef Py_ssize_t i, kept, k, n_lines, start, end
        cdef Cut* last
        self._lines_to_drop(doc, cuts)
        n_lines = cuts.n
        if n_lines and not doc.ends_with_break() and (
            cuts.items[n_lines - 1].start == starts[doc.count - 1]
        ):
            # The new last line must not end in the line break the old one lacked.
            kept, k = doc.count - 1, n_lines - 1
            while kept >= 0 and k >= 0 and cuts.items[k].start == starts[kept]:
                kept -= 1
                k -= 1
            if kept >= 0:
                cuts.add(doc.content_end(kept), starts[kept + 1], cuts.items[n_lines - 1].owner)
        for i, spans in doc.spans.items():
            if not doc.alive(i):
                continue
            line = doc.content(i)
            for span_start, span_end, o in spans:
                start, end = _take_space(line, span_start, span_end)
                cuts.add(starts[i] + start, starts[i] + end, o)
        cuts.sort()
        # Merged in place: the same rule's touching cuts become one; another rule's cut that
        # reaches into the last keeps what is left of it, if anything.
        k = min(cuts.n, 1)
        for i in range(1, cuts.n):
            last = &cuts.items[k - 1]
            start, end = cuts.items[i].start, cuts.items[i].end
            if start <= last.end and cuts.items[i].owner == last.owner:
                last.end = max(end, last.end)
            elif start < last.end:
                if end > last.end:
                    cuts.items[k] = cuts.items[i]
                    cuts.items[k].start = last.end
                    k += 1
            else:
                cuts.items[k] = cuts.items[i]
                k += 1
        cuts.n = k
        return cuts

    cdef int _lines_to_drop(self, _Doc doc, _Cuts cuts) except -1:
        """Deleted lines plus the surplus blank lines around them (engine._lines_to_drop),
        added to `cuts` in line order."""
        cdef Py_ssize_t done = -1, i, first, last
        for i in range(doc.count):
            if doc.alive(i) or i <= done:
                continue
            first = i
            while first > 0 and (not doc.alive(first - 1) or doc.blank(first - 1)):
                first -= 1
            last = i
            while last + 1 < doc.count and (not doc.alive(last + 1) or doc.blank(last + 1)):
                last += 1
            self._settle_stretch(doc, first, last, first == 0 or last == doc.count - 1, cuts)
            done = last
        return 0

    cdef int _settle_stretch(
        self, _Doc doc, Py_ssize_t first, Py_ssize_t last, bint at_edge, _Cuts cuts
    ) except -1:
        cdef Py_ssize_t best_start = -1, best_len = 0, run_start = -1, k, keep_from, keep_to
        cdef Py_ssize_t size = PyUnicode_GET_LENGTH(doc.text)
        cdef int owner, prev, first_owner
        keep_from, keep_to = 0, -1
        if not at_edge:
            for k in range(first, last + 1):
                if doc.alive(k):
                    if run_start < 0:
                        run_start = k
                    if k - run_start + 1 > best_len:
                        best_start, best_len = run_start, k - run_start + 1
                else:
                    run_start = -1
            keep_from, keep_to = best_start, best_start + best_len - 1
        # A blank line is blamed on the nearest removal above it in the stretch, else on
        # the first removal of the stretch (below it): found once, not once per blank line
        # (a long blank run over a removal would cost its length squared).
        prev = -1
        for k in range(first, last + 1):
            if doc.owner[k] >= 0:
                prev = doc.owner[k]
                break
        first_owner, prev = prev, -1
        for k in range(first, last + 1):
            owner = doc.owner[k]
            if owner >= 0:
                prev = owner
            if keep_from <= k <= keep_to:
                continue
            if owner < 0:
                owner = prev if prev >= 0 else first_owner
            cuts.add(doc.starts[k], min(doc.starts[k + 1], size), owner)
        return 0


@cython.final
cdef class _Marks:
    """The lines next to a removal, for the beside rules' rounds: live, not blank, and the
    nearest line that way that is removed or not blank was removed. As flags (`flags[i]`)
    and as an ascending list."""

    @staticmethod
    cdef Py_ssize_t afresh(_Doc doc, unsigned char* flags, int64_t* out) noexcept:
        """Found from every removal; returns how many (in out[:n])."""
        cdef Py_ssize_t i, n = 0
        memset(flags, 0, doc.count)
        for i in range(doc.count):
            if not doc.alive(i):
                _Marks._neighbours(doc, i, flags)
        for i in range(doc.count):
            if flags[i]:
                out[n] = i
                n += 1
        return n

    @staticmethod
    cdef Py_ssize_t carried(
        _Doc doc, unsigned char* flags, int64_t* marked, Py_ssize_t n_marked,
        const int64_t* removed, Py_ssize_t n_removed, int64_t* room
    ) noexcept:
        """The marks after a round that removed just the lines `removed` (each one marked
        line): the marked lines that live on (a line stays next to a removal while it
        lives: a removed line between it and the removal keeps it so) and the new ones
        next to `removed`, as `afresh` would find them. `room`: space for 2 * count."""
        cdef Py_ssize_t f, n_new = 0, n_out = 0, a = 0, b = 0
        cdef int64_t j
        cdef int64_t* added = room
        cdef int64_t* merged = room + doc.count
        for f in range(n_removed):
            flags[removed[f]] = 0
        for f in range(n_removed):
            n_new += _Marks._neighbours(doc, removed[f], flags, added + n_new)
        _sort_keys(added, n_new)
        while a < n_marked or b < n_new:
            if b >= n_new or (a < n_marked and marked[a] < added[b]):
                j = marked[a]
                a += 1
            else:
                j = added[b]
                b += 1
            if doc.alive(j):
                merged[n_out] = j
                n_out += 1
        memcpy(marked, merged, n_out * sizeof(int64_t))
        return n_out

    @staticmethod
    cdef int _neighbours(_Doc doc, Py_ssize_t removed, unsigned char* flags,
                         int64_t* added=NULL) noexcept:
        """Flag the lines next to the removed line `removed` that are not flagged yet;
        with `added`, also list them there. Returns how many were listed."""
        cdef Py_ssize_t j
        cdef int step, n = 0
        for step in (-1, 1):
            j = doc.non_blank_neighbour(removed, step)
            if j >= 0 and doc.alive(j) and not flags[j]:
                flags[j] = 1
                if added != NULL:
                    added[n] = j
                    n += 1
        return n


cpdef object thread_scratch(object local, object new_scratch, object pattern_db):
    """This thread's Hyperscan scratch for `pattern_db`, kept in `local` (a threading.local)
    and made by `new_scratch` on first use: a scratch must not be shared between threads."""
    scratch = getattr(local, "scratch", None)
    if scratch is None:
        scratch = local.scratch = new_scratch(pattern_db)
    return scratch


@cython.final
cdef class Pipeline:
    """Cleaner.clean's usual path in one compiled call: the text's lines, the pre-filter's
    keys (literals, then the Hyperscan pattern database with this thread's scratch) and
    the engine, with no Python frame between them. A text whose fingerprint lines may
    pick a site pack goes on in Python, to `on_sites(doc, keys)`, which recognises the site
    as before; where no site can be picked, the fingerprint and guest keys are dropped and
    the text stays here."""

    cdef Prefilter prefilter
    cdef NativeEngine engine
    cdef object pattern_db    # None: no trigger patterns
    cdef object new_scratch   # hyperscan.Scratch
    cdef object local         # threading.local: Hyperscan scratch is per thread
    cdef object on_sites
    cdef list fingerprints    # by fingerprint owner -1 - k: (normalised lines, how many
                              # distinct ones pick the site)

    def __cinit__(self, Prefilter prefilter, NativeEngine engine, object pattern_db,
                  object new_scratch, object local, object on_sites, list fingerprints):
        self.prefilter = prefilter
        self.engine = engine
        self.pattern_db = pattern_db
        self.new_scratch = new_scratch
        self.local = local
        self.on_sites = on_sites
        self.fingerprints = fingerprints

    def clean(self, str text, int runs):
        """The text cleaned: NativeEngine.clean's text for the pre-filter's candidates,
        cleaned again, up to `runs` times in all, while a run's own cuts changed what its
        rules would decide (engine.Document.rerun_pending)."""
        cdef _Doc doc = _Doc(text)
        cdef object scratch = None
        cdef str out
        if self.pattern_db is not None:
            scratch = thread_scratch(self.local, self.new_scratch, self.pattern_db)
        cdef Keys keys = self.prefilter.keys(text, doc.count, self.pattern_db, scratch)
        cdef bint within = keys.within(self.engine.n)
        if not within and self._may_pick_site(doc, keys):
            out = self.on_sites(doc, keys)
        else:
            if not within:
                keys.keep_owners(0, self.engine.n)  # no site: its guests' candidates go too
            out = self.engine._clean(doc, keys)[0]
        if runs > 1 and doc.rerun_pending():
            return self.clean(out, runs - 1)
        return out

    cdef bint _may_pick_site(self, _Doc doc, Keys keys) except -1:
        """Whether some site's fingerprint lines are here often enough to pick its pack:
        as many distinct ones as its threshold (engine.split_owners counts them alike)."""
        cdef Py_ssize_t first = 0, end, k
        cdef int owner
        while first < keys.c.n:
            owner = keys.owner_at(first)
            if owner >= 0:
                return False  # settled: the fingerprint owners (negative) come first
            if not -1 - owner < len(self.fingerprints):
                return True  # an owner this pipeline does not know: Python decides
            wanted, threshold = <tuple>self.fingerprints[-1 - owner]
            end = keys.run_end(first)
            seen = {_normalize(doc.content(keys.line_at(k))) for k in range(first, end)}
            if len(seen & <frozenset>wanted) >= <Py_ssize_t>threshold:
                return True
            first = end
        return False


cdef struct Cut:
    Py_ssize_t start
    Py_ssize_t end
    int owner          # rule index
    Py_ssize_t order   # when it was added: cuts that start together keep that order


@cython.final
cdef class _Cuts:
    """The (start, end, rule) ranges a text loses, in a C array."""

    cdef Cut* items
    cdef Py_ssize_t n, cap

    def __dealloc__(self):
        PyMem_Free(self.items)

    cdef int add(self, Py_ssize_t start, Py_ssize_t end, int owner) except -1:
        cdef Cut* grown
        if self.n == self.cap:
            self.cap = 2 * self.cap if self.cap else 16
            grown = <Cut*>PyMem_Realloc(self.items, self.cap * sizeof(Cut))
            if grown == NULL:
                raise MemoryError()
            self.items = grown
        self.items[self.n] = Cut(start, end, owner, self.n)
        self.n += 1
        return 0

    cdef void sort(self) noexcept:
        """By start, stably (line cuts come in order: usually nothing to do)."""
        cdef Py_ssize_t k
        for k in range(1, self.n):
            if self.items[k].start < self.items[k - 1].start:
                qsort(self.items, self.n, sizeof(Cut), _compare_cuts)
                return


cdef int _compare_cuts(const void* a, const void* b) noexcept nogil:
    cdef const Cut* x = <const Cut*>a
    cdef const Cut* y = <const Cut*>b
    if x.start != y.start:
        return -1 if x.start < y.start else 1
    return -1 if x.order < y.order else (1 if x.order > y.order else 0)


_first = itemgetter(0)


cdef bint _ascending(object numbers) except -1:
    """Whether the ints of a list (or the keys of a dict) are in ascending order."""
    cdef Py_ssize_t previous = -0x7FFFFFFFFFFFFFFF, number
    for number in numbers:
        if number < previous:
            return False
        previous = number
    return True


@cython.final
cdef class _SpanIndex:
    """A line's spans ((start, end, rule) triples, sorted and disjoint, so their ends are
    sorted too) as C arrays: whether a range overlaps one is a bisection, not a walk (a
    long line with many spans of several rules stays linear)."""

    cdef Py_ssize_t* starts
    cdef Py_ssize_t* ends
    cdef Py_ssize_t n

    def __cinit__(self, list spans):
        cdef Py_ssize_t k = 0
        self.n = len(spans)
        self.starts = <Py_ssize_t*>PyMem_Malloc(max(self.n, 1) * 2 * sizeof(Py_ssize_t))
        if self.starts == NULL:
            raise MemoryError()
        self.ends = self.starts + max(self.n, 1)
        for s, e, _ in spans:
            self.starts[k], self.ends[k] = s, e
            k += 1

    def __dealloc__(self):
        PyMem_Free(self.starts)

    cdef bint clear_of(self, Py_ssize_t start, Py_ssize_t end) noexcept:
        """Whether [start, end) overlaps none of the spans: the first span that ends after
        `start` must start at `end` or later."""
        cdef Py_ssize_t lo = 0, hi = self.n, mid
        while lo < hi:
            mid = (lo + hi) // 2
            if self.ends[mid] <= start:
                lo = mid + 1
            else:
                hi = mid
        return lo == self.n or self.starts[lo] >= end


cdef tuple _take_space(str line, Py_ssize_t start, Py_ssize_t end):
    """engine._take_space: one adjacent space, unless the match holds one at an edge."""
    if line[start] in u" \t" or line[end - 1] in u" \t":
        return start, end
    if start > 0 and line[start - 1] in u" \t":
        return start - 1, end
    if end < len(line) and line[end] in u" \t":
        return start, end + 1
    return start, end


# ---------------------------------------------------------------- the pre-filter

cdef int64_t OWNER_BIAS = CN_OWNER_BIAS  # fingerprint owners are negative
cdef int64_t LOW_32_BITS = 0xFFFFFFFF  # typed, so that masking a key stays in C

cdef extern from *:
    """
    /* The literal search of Prefilter, in plain C: one pass, no Python object per hit.

       Literals that open with a line break are probed at the line breaks only (and, if
       they allow lead characters, at the next few characters: cn_after_lead). A literal of
       11 bytes or more is found through four consecutive eight-byte windows, tested against
       a bitmap of window hashes at every fourth position only (whatever its position, one
       of the four starts at a multiple of four). The shorter ones go through a shift-or
       filter of eight buckets (FDR, as in Hyperscan): each is found through one window of
       its bucket's width (up to eight bytes) and the filter keeps, per bucket and per end
       position, whether each of the last eight bytes can belong to some window of the
       bucket; a position where all can is looked up in the bucket's table of windows. */
    typedef struct {
        uint64_t* bitmap;       /* a bit per window hash */
        int shift;              /* 64 - log2(bits in the bitmap) */
        uint64_t* slot_window;  /* open addressing, keyed by the exact window */
        int* slot_first;        /* the group's first index into `grouped`; -1: empty slot */
        int* slot_count;
        uint64_t slot_mask;
        int* grouped;           /* literal ids, grouped by window */
        int* grouped_offset;    /* where that window starts in the literal */
    } cn_table;

    /* The filter's buckets come after the three window tables. */
    enum { CN_SPACED8, CN_BREAK4, CN_BREAK8, CN_LEAD2, CN_LEAD4, CN_BUCKET0, CN_BUCKETS = 8,
           CN_TABLES = CN_BUCKET0 + CN_BUCKETS };
    /* The filter reads a position as its byte and the low CN_NEXT_BITS bits of the next
       one, a "super character", with an entry per super character in its reach table.
       With the byte alone, the letters of phrases pass nearly everywhere; 5 bits (a 64 KB
       table) cost 1,500 instructions per benchmark document more than the whole next byte
       (512 KB, of which news text reads a few hundred lines). */
    #define CN_NEXT_BITS 8
    #define CN_REACH_SIZE (256 << CN_NEXT_BITS)
    #define CN_BLOCK 8

    typedef struct {
        const unsigned char* blob;  /* every literal's bytes, back to back */
        int* start;
        int* length;
        int* owner;
        cn_table tables[CN_TABLES];
        /* bit 8 * k + b clear: the super character can stand k bytes before the end of a
           window of bucket b (clear for every k at or past the bucket's width) */
        uint64_t* reach;
        int width[CN_BUCKETS];      /* bytes of each bucket's windows */
        /* literals under four bytes that open with a line break, by the byte after it
           ([256, 257): a bare line break) */
        int after_break_first[258];
        int* after_break_ids;
        /* Line-start literals that allow up to lead_of[i] characters before them: their
           text after the line break is literal i of its own, found through the pair
           (CN_LEAD2: under four bytes) or the four bytes (CN_LEAD4) it opens with. */
        int max_lead;
        int* lead_of;
    } cn_literals;

    typedef struct {
        int64_t* keys;  /* (owner + CN_OWNER_BIAS) << 32 | line */
        Py_ssize_t n, cap;
    } cn_keys;

    typedef struct {
        Py_ssize_t* breaks;  /* offsets of the line breaks of the scanned bytes, ascending */
        Py_ssize_t n;
        Py_ssize_t count;    /* lines of the text: later ones are not candidates */
    } cn_lines;

    #define CN_OWNER_BIAS ((int64_t)1 << 20)

    static inline uint64_t cn_mix(uint64_t window) { return window * 0x9E3779B97F4A7C15ULL; }

    static int cn_push(cn_keys* keys, int owner, Py_ssize_t line) {
        int64_t key = (((int64_t)owner + CN_OWNER_BIAS) << 32) | (int64_t)line;
        if (keys->n && keys->keys[keys->n - 1] == key) return 0;  /* the same line again */
        if (keys->n == keys->cap) {
            Py_ssize_t cap = keys->cap ? 2 * keys->cap : 64;
            int64_t* grown = (int64_t*)PyMem_Realloc(keys->keys, cap * sizeof(int64_t));
            if (grown == NULL) return -1;
            keys->keys = grown;
            keys->cap = cap;
        }
        keys->keys[keys->n++] = key;
        return 0;
    }

    /* The line breaks of data[:limit], into `local` (room for CN_LOCAL_BREAKS) or, past
       that, a block of their own that cn_lines_free frees; -1 when out of memory. */
    #define CN_LOCAL_BREAKS 256
    static int cn_lines_gather(cn_lines* lines, const unsigned char* data, Py_ssize_t limit,
                               Py_ssize_t* local) {
        Py_ssize_t cap = CN_LOCAL_BREAKS, pos = 0;
        const unsigned char* hit;
        lines->breaks = local;
        lines->n = 0;
        while (pos < limit && (hit = (const unsigned char*)memchr(data + pos, 10, limit - pos))) {
            if (lines->n == cap) {
                Py_ssize_t* grown = (Py_ssize_t*)PyMem_Malloc(2 * cap * sizeof(Py_ssize_t));
                if (grown == NULL) return -1;
                memcpy(grown, lines->breaks, cap * sizeof(Py_ssize_t));
                if (lines->breaks != local) PyMem_Free(lines->breaks);
                lines->breaks = grown;
                cap *= 2;
            }
            lines->breaks[lines->n++] = hit - data;
            pos = hit - data + 1;
        }
        return 0;
    }

    static void cn_lines_free(cn_lines* lines, Py_ssize_t* local) {
        if (lines->breaks != local) PyMem_Free(lines->breaks);
    }

    /* How many line breaks come before offset `pos`. */
    static Py_ssize_t cn_breaks_before(const cn_lines* lines, Py_ssize_t pos) {
        Py_ssize_t lo = 0, hi = lines->n, mid;
        while (lo < hi) {
            mid = (lo + hi) / 2;
            if (lines->breaks[mid] < pos) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /* The line of the byte at `last`: the breaks before it, less the one the scan form
       opens with. */
    static Py_ssize_t cn_line_of(const cn_lines* lines, Py_ssize_t last) {
        return cn_breaks_before(lines, last) - 1;
    }

    /* Note literal i if it occurs at `start`. */
    static inline int cn_try(const cn_literals* lits, const unsigned char* data, Py_ssize_t n,
                             Py_ssize_t start, int i, const cn_lines* lines, cn_keys* keys) {
        Py_ssize_t at;
        const unsigned char* want = lits->blob + lits->start[i];
        int length = lits->length[i], k;
        if (start < 0 || start + length > n) return 0;
        if (length < 8) {  /* most tries are of short literals, and fail: no call for them */
            for (k = 0; k < length; k++)
                if (data[start + k] != want[k]) return 0;
        } else if (data[start] != want[0] || memcmp(data + start, want, length) != 0) {
            return 0;  /* many literals share a window: their first bytes part most of them */
        }
        at = cn_line_of(lines, start + length - 1);
        if (at < 0 || at >= lines->count) return 0;
        return cn_push(keys, lits->owner[i], at);
    }

    static inline unsigned cn_bit_in(const uint64_t* bitmap, int shift, uint64_t mixed) {
        uint32_t bit = (uint32_t)(mixed >> shift);
        return (bitmap[bit >> 6] >> (bit & 63)) & 1;
    }

    static inline int cn_bit_set(const cn_table* table, uint64_t mixed) {
        return cn_bit_in(table->bitmap, table->shift, mixed);
    }

    static inline unsigned cn_pair_in(const uint64_t* bitmap, uint32_t pair) {
        return (bitmap[pair >> 6] >> (pair & 63)) & 1;
    }

    /* The slot of `window` in the table, -1 if it has none. */
    static inline int64_t cn_slot_of(const cn_table* table, uint64_t window) {
        uint64_t slot = (cn_mix(window) >> 32) & table->slot_mask;
        while (table->slot_first[slot] >= 0 && table->slot_window[slot] != window)
            slot = (slot + 1) & table->slot_mask;
        return table->slot_first[slot] < 0 ? -1 : (int64_t)slot;
    }

    /* Compare the literals behind `window` (whose bit is set), which starts at p. */
    static int cn_probe(const cn_literals* lits, const cn_table* table, uint64_t window,
                        const unsigned char* data, Py_ssize_t n, Py_ssize_t p,
                        const cn_lines* lines, cn_keys* keys) {
        int64_t slot = cn_slot_of(table, window);
        int k, end;
        if (slot < 0) return 0;
        end = table->slot_first[slot] + table->slot_count[slot];
        for (k = table->slot_first[slot]; k < end; k++)
            if (cn_try(lits, data, n, p - table->grouped_offset[k], table->grouped[k], lines,
                       keys) < 0)
                return -1;
        return 0;
    }

    /* The literals that open with the line break at b. */
    static int cn_after_break(const cn_literals* lits, const unsigned char* data, Py_ssize_t n,
                              Py_ssize_t b, const cn_lines* lines, cn_keys* keys) {
        const cn_table* by4 = &lits->tables[CN_BREAK4];
        const cn_table* by8 = &lits->tables[CN_BREAK8];
        uint64_t w8;
        uint32_t w4;
        int k;
        for (k = lits->after_break_first[256]; k < lits->after_break_first[257]; k++)
            if (cn_try(lits, data, n, b, lits->after_break_ids[k], lines, keys) < 0)
                return -1;
        if (b + 1 < n) {
            for (k = lits->after_break_first[data[b + 1]];
                 k < lits->after_break_first[data[b + 1] + 1]; k++)
                if (cn_try(lits, data, n, b, lits->after_break_ids[k], lines, keys) < 0)
                    return -1;
        }
        if (b + 4 <= n) {
            memcpy(&w4, data + b, 4);  /* its own read: the byte order is the machine's */
            if (cn_bit_set(by4, cn_mix(w4)) && cn_probe(lits, by4, w4, data, n, b, lines, keys) < 0)
                return -1;
        }
        if (b + 8 <= n) {
            memcpy(&w8, data + b, 8);
            if (cn_bit_set(by8, cn_mix(w8)) && cn_probe(lits, by8, w8, data, n, b, lines, keys) < 0)
                return -1;
        }
        return 0;
    }

    /* The led literals behind `window` (whose bit is set) that allow j lead characters,
       at p. */
    static int cn_probe_led(const cn_literals* lits, const cn_table* table, uint64_t window,
                            int j, const unsigned char* data, Py_ssize_t n, Py_ssize_t p,
                            const cn_lines* lines, cn_keys* keys) {
        int64_t slot = cn_slot_of(table, window);
        int k, end, id;
        if (slot < 0) return 0;
        end = table->slot_first[slot] + table->slot_count[slot];
        for (k = table->slot_first[slot]; k < end; k++) {
            id = table->grouped[k];
            if (lits->lead_of[id] >= j && cn_try(lits, data, n, p, id, lines, keys) < 0)
                return -1;
        }
        return 0;
    }

    /* The led literals at the first to max_lead-th character after the line break at b (at
       the break itself they are found as written, by cn_after_break); a line break ends
       the lead. A character is its first UTF-8 byte and the continuation bytes after it. */
    static int cn_after_lead(const cn_literals* lits, const unsigned char* data, Py_ssize_t n,
                             Py_ssize_t b, const cn_lines* lines, cn_keys* keys) {
        const cn_table* by2 = &lits->tables[CN_LEAD2];
        const cn_table* by4 = &lits->tables[CN_LEAD4];
        Py_ssize_t p = b + 1;
        uint32_t w2, w4;
        int j;
        for (j = 1; j <= lits->max_lead; j++) {
            if (p >= n || data[p] == 10) return 0;
            do p++; while (p < n && (data[p] & 0xC0) == 0x80);
            if (p >= n) return 0;
            /* At the last byte the pair is (byte, 0): a one-byte literal is behind every pair
               it opens, and longer ones cannot fit. */
            w2 = data[p] | (p + 1 < n ? (uint32_t)data[p + 1] << 8 : 0);
            if (cn_pair_in(by2->bitmap, w2)
                    && cn_probe_led(lits, by2, w2, j, data, n, p, lines, keys) < 0)
                return -1;
            if (p + 4 <= n) {
                memcpy(&w4, data + p, 4);
                if (cn_bit_set(by4, cn_mix(w4))
                        && cn_probe_led(lits, by4, w4, j, data, n, p, lines, keys) < 0)
                    return -1;
            }
        }
        return 0;
    }

    /* The little-endian value of the `width` bytes at `at` (any byte order of the machine). */
    static inline uint64_t cn_little(const unsigned char* at, int width) {
        uint64_t value = 0;
        int k;
        for (k = width - 1; k >= 0; k--) value = value << 8 | at[k];
        return value;
    }

    /* The super character at `at`: its byte and the low bits of the next one, read byte
       by byte (the same on any machine). */
    static inline unsigned cn_super(const unsigned char* at) {
        return (at[0] | (unsigned)at[1] << 8) & (CN_REACH_SIZE - 1);
    }

    /* The filter's state after a position: byte k, bit b clear when the bytes read so far
       can be a window of bucket b ending k positions on (as far as they go). Each position
       shifts the state a byte down and ORs in its reach, so that byte 0 is the verdict for
       a window ending at the position itself.

       cn_flagged: the windows let through in the block of CN_BLOCK positions at `at`
       (which holds one more byte, the last position's next), from the state before it;
       bit 8 * j + b set: one of bucket b may end at position j. */
    static inline uint64_t cn_flagged(const uint64_t* reach, const unsigned char* at,
                                      uint64_t state) {
        uint64_t flagged = 0;
        int j;
        for (j = 0; j < CN_BLOCK; j++) {
            state = (state >> 8) | reach[cn_super(at + j)];
            flagged |= (~state & 0xFF) << 8 * j;
        }
        return flagged;
    }

    /* The same block, the state carried on: whether it lets any window through. Most
       blocks let none, and their states are only ANDed together; cn_confirm goes over a
       block that does again (kept apart, the loop keeps no state of the block for it). */
    static inline int cn_filter_block(const uint64_t* reach, const unsigned char* at,
                                      uint64_t* state) {
        uint64_t s = *state, all = ~(uint64_t)0;
        int j;
        for (j = 0; j < CN_BLOCK; j++) {
            s = (s >> 8) | reach[cn_super(at + j)];
            all &= s;
        }
        *state = s;
        return (~all & 0xFF) != 0;
    }

    /* The index of the lowest set bit of x (not 0), by a de Bruijn sequence: plain C. */
    static inline int cn_lowest_bit(uint64_t x) {
        static const unsigned char at[64] = {
            0, 1, 48, 2, 57, 49, 28, 3, 61, 58, 50, 42, 38, 29, 17, 4, 62, 55, 59, 36, 53, 51,
            43, 22, 45, 39, 33, 30, 24, 18, 12, 5, 63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52,
            21, 44, 32, 23, 11, 46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9, 13, 8, 7, 6};
        return at[((x & (0 - x)) * 0x03F79D71B4CB0A89ULL) >> 58];
    }

    /* Look up the windows the filter lets through in the block at p, read at `at` from the
       state before it; only those of the positions in `keep` (bits of cn_flagged). */
    static int cn_confirm(const cn_literals* lits, const unsigned char* data, Py_ssize_t n,
                          Py_ssize_t p, const unsigned char* at, uint64_t state, uint64_t keep,
                          const cn_lines* lines, cn_keys* keys) {
        const cn_table* table;
        uint64_t window, flagged = cn_flagged(lits->reach, at, state) & keep;
        Py_ssize_t start;
        int bit, width;
        for (; flagged; flagged &= flagged - 1) {
            bit = cn_lowest_bit(flagged);
            width = lits->width[bit & 7];
            start = p + (bit >> 3) - width + 1;
            if (start < 0) continue;
            table = &lits->tables[CN_BUCKET0 + (bit & 7)];
            /* most flags are of the widest buckets: a constant width is read in one load */
            window = width == CN_BLOCK ? cn_little(data + start, CN_BLOCK)
                                       : cn_little(data + start, width);
            if (cn_bit_set(table, cn_mix(window))
                    && cn_probe(lits, table, window, data, n, start, lines, keys) < 0)
                return -1;
        }
        return 0;
    }

    /* The eight-byte window at p, if the text holds it, for the literals of 11 bytes or more. */
    static int cn_spaced(const cn_literals* lits, const unsigned char* data, Py_ssize_t n,
                         Py_ssize_t p, const cn_lines* lines, cn_keys* keys) {
        const cn_table* table = &lits->tables[CN_SPACED8];
        uint64_t w8;
        if (p + 8 > n) return 0;
        memcpy(&w8, data + p, 8);  /* its own read: the byte order is the machine's */
        if (!cn_bit_set(table, cn_mix(w8))) return 0;
        return cn_probe(lits, table, w8, data, n, p, lines, keys);
    }

    /* The block at p, both searches, where the text ends inside or just past it: the
       filter reads a copy padded with zeros (a position's next byte counts only when a
       window goes on past it) and what it flags past the text is dropped. */
    static int cn_last_block(const cn_literals* lits, const unsigned char* data, Py_ssize_t n,
                             Py_ssize_t p, uint64_t* state, const cn_lines* lines,
                             cn_keys* keys) {
        unsigned char padded[CN_BLOCK + 1] = {0};
        Py_ssize_t left = n - p < CN_BLOCK + 1 ? n - p : CN_BLOCK + 1;
        uint64_t before = *state;
        uint64_t keep = left < CN_BLOCK ? ((uint64_t)1 << 8 * left) - 1 : ~(uint64_t)0;
        memcpy(padded, data + p, left);
        if (cn_filter_block(lits->reach, padded, state)
                && cn_confirm(lits, data, n, p, padded, before, keep, lines, keys) < 0)
            return -1;
        if (cn_spaced(lits, data, n, p, lines, keys) < 0) return -1;
        return cn_spaced(lits, data, n, p + 4, lines, keys);
    }

    static int cn_scan(const cn_literals* lits, const unsigned char* data, Py_ssize_t n,
                       const cn_lines* lines, cn_keys* keys) {
        /* Read once: the probes write through `keys`, which the compiler cannot tell apart. */
        const uint64_t* reach = lits->reach;
        uint64_t state = 0, before;  /* 0: before the text, anything */
        Py_ssize_t p, k;
        for (k = 0; k < lines->n; k++)
            if (cn_after_break(lits, data, n, lines->breaks[k], lines, keys) < 0
                    || (lits->max_lead
                        && cn_after_lead(lits, data, n, lines->breaks[k], lines, keys) < 0))
                return -1;
        /* Where the block, its next byte and both its eight-byte windows are in the text;
           only what the filter or the bitmap lets through is looked up. */
        for (p = 0; p + CN_BLOCK + 4 <= n; p += CN_BLOCK) {
            before = state;
            if (cn_filter_block(reach, data + p, &state)
                    && cn_confirm(lits, data, n, p, data + p, before, ~(uint64_t)0, lines, keys) < 0)
                return -1;
            if (cn_spaced(lits, data, n, p, lines, keys) < 0
                    || cn_spaced(lits, data, n, p + 4, lines, keys) < 0)
                return -1;
        }
        for (; p < n; p += CN_BLOCK)
            if (cn_last_block(lits, data, n, p, &state, lines, keys) < 0)
                return -1;
        return 0;
    }

    /* Every literal occurrence in data[:n] (which opens with a line break), as keys of
       the lines below `count`. */
    static int cn_find(const cn_literals* lits, const unsigned char* data, Py_ssize_t n,
                       Py_ssize_t count, cn_keys* keys) {
        Py_ssize_t local[CN_LOCAL_BREAKS];
        int status = -1;
        cn_lines lines;
        lines.count = count;
        if (cn_lines_gather(&lines, data, n, local) == 0)
            status = cn_scan(lits, data, n, &lines, keys);
        cn_lines_free(&lines, local);
        return status;
    }

    /* The table's slot and bitmap bit for a window, as cn_probe looks them up. */
    static inline uint64_t cn_slot(uint64_t window, uint64_t mask) { return (cn_mix(window) >> 32) & mask; }
    static inline uint32_t cn_bit(uint64_t window, int shift) { return (uint32_t)(cn_mix(window) >> shift); }
    """
    enum: CN_SPACED8, CN_BREAK4, CN_BREAK8, CN_LEAD2, CN_LEAD4, CN_BUCKET0, CN_BUCKETS, CN_TABLES
    enum: CN_NEXT_BITS, CN_REACH_SIZE
    ctypedef struct cn_table:
        uint64_t* bitmap
        int shift
        uint64_t* slot_window
        int* slot_first
        int* slot_count
        uint64_t slot_mask
        int* grouped
        int* grouped_offset
    ctypedef struct cn_literals:
        const unsigned char* blob
        int* start
        int* length
        int* owner
        cn_table tables[CN_TABLES]
        uint64_t* reach
        int width[CN_BUCKETS]
        int after_break_first[258]
        int* after_break_ids
        int max_lead
        int* lead_of
    ctypedef struct cn_keys:
        int64_t* keys
        Py_ssize_t n
        Py_ssize_t cap
    int64_t CN_OWNER_BIAS
    int cn_push(cn_keys* keys, int owner, Py_ssize_t line)
    ctypedef struct cn_lines:
        Py_ssize_t* breaks
        Py_ssize_t n
        Py_ssize_t count
    enum: CN_LOCAL_BREAKS
    int cn_lines_gather(cn_lines* lines, const unsigned char* data, Py_ssize_t limit,
                        Py_ssize_t* local)
    void cn_lines_free(cn_lines* lines, Py_ssize_t* local)
    Py_ssize_t cn_breaks_before(const cn_lines* lines, Py_ssize_t pos)
    int cn_find(const cn_literals* lits, const unsigned char* data, Py_ssize_t n,
                Py_ssize_t count, cn_keys* keys)
    uint64_t cn_slot(uint64_t window, uint64_t mask)
    uint32_t cn_bit(uint64_t window, int shift)


cdef enum:
    LONG_FROM = 11      # bytes: longer literals are found by eight-byte windows
    SPACING = 4         # positions between the eight-byte windows tested
    FILTER_WIDTH = 8    # bytes: the widest window of the filter (its 64-bit state)


@cython.final
cdef class Keys:
    """A scan's candidates: (owner, line) pairs packed in int64s, gathered without a Python
    object per pair; sorted and distinct once settled (owners ascending, then lines). The
    compiled engine reads them as they are; `grouped` gives the Scanner protocol's dict."""

    cdef cn_keys c
    cdef bint settled

    def __dealloc__(self):
        PyMem_Free(self.c.keys)

    cdef int push(self, int owner, Py_ssize_t line) except -1:
        if cn_push(&self.c, owner, line) < 0:
            raise MemoryError()
        self.settled = False
        return 0

    cdef void settle(self) noexcept:
        cdef int64_t* keys = self.c.keys
        cdef Py_ssize_t m, n = 0
        if self.settled:
            return
        _sort_keys(keys, self.c.n)
        for m in range(self.c.n):
            if n == 0 or keys[m] != keys[n - 1]:
                keys[n] = keys[m]
                n += 1
        self.c.n = n
        self.settled = True

    cdef inline int owner_at(self, Py_ssize_t k) noexcept:
        return <int>((self.c.keys[k] >> 32) - OWNER_BIAS)

    cdef void keep_owners(self, int low, int high) noexcept:
        """Only the keys whose owner is in [low, high), in place (settled keys)."""
        cdef Py_ssize_t m, n = 0
        cdef int owner
        self.settle()
        for m in range(self.c.n):
            owner = self.owner_at(m)
            if low <= owner < high:
                self.c.keys[n] = self.c.keys[m]
                n += 1
        self.c.n = n

    cpdef bint within(self, Py_ssize_t size):
        """Whether every owner is a rule index below `size` (no fingerprint, no guest)."""
        self.settle()
        return self.c.n == 0 or (self.owner_at(0) >= 0 and self.owner_at(self.c.n - 1) < size)

    cdef inline Py_ssize_t run_end(self, Py_ssize_t first) noexcept:
        """Where the run of keys of the owner at `first` ends (settled keys)."""
        cdef Py_ssize_t m = first + 1
        while m < self.c.n and self.c.keys[m] >> 32 == self.c.keys[first] >> 32:
            m += 1
        return m

    cdef inline int64_t line_at(self, Py_ssize_t k) noexcept:
        return self.c.keys[k] & LOW_32_BITS

    cdef list lines_of(self, Py_ssize_t first, Py_ssize_t end):
        """The lines of keys[first:end] as a list, made at its size and filled in place."""
        cdef list lines = PyList_New(end - first)
        cdef object line  # not inferred as a C int: Py_INCREF and PyList_SET_ITEM need one object
        cdef Py_ssize_t k
        for k in range(first, end):
            line = <Py_ssize_t>self.line_at(k)
            Py_INCREF(line)
            PyList_SET_ITEM(lines, k - first, line)
        return lines

    cpdef dict grouped(self):
        """{owner: sorted distinct lines}, owners in ascending order."""
        cdef dict out = {}
        cdef Py_ssize_t first = 0, end
        self.settle()
        while first < self.c.n:
            end = self.run_end(first)
            out[self.owner_at(first)] = self.lines_of(first, end)
            first = end
        return out


cdef void _sort_keys(int64_t* keys, Py_ssize_t n) noexcept:
    """Ascending: by insertion for the few keys of a usual text (found nearly in line order),
    else by qsort."""
    cdef Py_ssize_t m, k
    cdef int64_t key
    if n > 64:
        qsort(keys, n, sizeof(int64_t), _compare_keys)
        return
    for m in range(1, n):
        key = keys[m]
        k = m
        while k > 0 and keys[k - 1] > key:
            keys[k] = keys[k - 1]
            k -= 1
        keys[k] = key


cdef int _compare_keys(const void* a, const void* b) noexcept nogil:
    cdef int64_t x = (<const int64_t*>a)[0], y = (<const int64_t*>b)[0]
    return (x > y) - (x < y)


cdef double _frequency(unsigned char c) noexcept:
    """How often a byte turns up in news text, roughly (per byte of UTF-8)."""
    if c == 0x20:
        return 0.15
    if c in b"etaoinsr":
        return 0.06
    if c in b"hld":
        return 0.04
    if c in b"cumwfgypbvk":
        return 0.02
    if 0x61 <= c <= 0x7A:
        return 0.005
    if c >= 0xC0:  # UTF-8 lead bytes repeat through a script
        return 0.03
    if c >= 0x80:
        return 0.01 if c == 0x80 else 0.005
    if c == 0x0A or c == 0x2C or c == 0x2E:
        return 0.01
    return 0.003  # digits, other punctuation


cdef double _FREQUENCY[256]
for _k in range(256):
    _FREQUENCY[_k] = _frequency(<unsigned char>_k)


cdef double _rarity(const unsigned char* data, Py_ssize_t width) noexcept:
    cdef double rarity = 1.0
    cdef Py_ssize_t j
    for j in range(width):
        rarity *= _FREQUENCY[data[j]]
    return rarity


cdef Py_ssize_t _window_offset(bytes data, Py_ssize_t width, Py_ssize_t run, dict taken) except -1:
    """Where the `run` consecutive windows of `width` bytes that `data` is found through
    start: where the fewest comparisons are expected, the chance of meeting each window in
    news text times the literals already behind it (so that the shared opening of many
    literals, "photo: " say, does not make one long list to compare)."""
    cdef const unsigned char* bytes_ = data
    cdef Py_ssize_t best = 0, offset, j
    cdef double best_cost = -1.0, cost
    for offset in range(len(data) - width - run + 2):
        cost = 0.0
        for j in range(offset, offset + run):
            cost += _rarity(bytes_ + j, width) * (1 + len(taken.get(data[j:j + width], ())))
        if best_cost < 0 or cost < best_cost:
            best, best_cost = offset, cost
    return best


cdef int _fill_table(cn_table* table, dict groups, bint pairs, bint little) except -1:
    """Lay out {window bytes: [(literal id, offset of the window in it)]} as a table (freed
    by _free_table); `pairs`: two-byte windows, whose bitmap has a bit per pair; `little`:
    windows read byte by byte, first byte low (cn_little), else as memcpy reads them."""
    cdef Py_ssize_t slots = 16, i, k = 0, total = 0, bits = 16 if pairs else 12
    cdef uint64_t window, slot
    cdef uint32_t bit
    for entries in groups.values():
        total += len(entries)
    while slots < 2 * len(groups):
        slots *= 2
    # About 64 bits per window: a position passes the bitmap by chance at most one time in
    # 64 (with 32 bits per window a document cost 1 % more instructions; with 128, 0.5 %
    # fewer, for a bitmap twice the size).
    while not pairs and bits < 20 and (1 << bits) < 64 * len(groups):
        bits += 1
    table.shift = 64 - bits
    table.slot_mask = slots - 1
    table.bitmap = <uint64_t*>PyMem_Malloc((1 << bits) // 8)
    table.slot_window = <uint64_t*>PyMem_Malloc(slots * sizeof(uint64_t))
    table.slot_first = <int*>PyMem_Malloc(slots * sizeof(int))
    table.slot_count = <int*>PyMem_Malloc(slots * sizeof(int))
    table.grouped = <int*>PyMem_Malloc(max(total, 1) * sizeof(int))
    table.grouped_offset = <int*>PyMem_Malloc(max(total, 1) * sizeof(int))
    if (table.bitmap == NULL or table.slot_window == NULL or table.slot_first == NULL
            or table.slot_count == NULL or table.grouped == NULL
            or table.grouped_offset == NULL):
        raise MemoryError()
    memset(table.bitmap, 0, (1 << bits) // 8)
    for i in range(slots):
        table.slot_first[i] = -1
    for key, entries in groups.items():
        window = <uint64_t>int.from_bytes(key, "little" if little else sys.byteorder)
        slot = cn_slot(window, table.slot_mask)
        while table.slot_first[slot] >= 0:
            slot = (slot + 1) & table.slot_mask
        table.slot_window[slot], table.slot_first[slot] = window, k
        table.slot_count[slot] = len(entries)
        for i, offset in entries:
            table.grouped[k], table.grouped_offset[k] = i, offset
            k += 1
        bit = <uint32_t>window if pairs else cn_bit(window, table.shift)
        table.bitmap[bit >> 6] |= (<uint64_t>1) << (bit & 63)
    return 0


# The filter's classes of literals by length (up to FILTER_WIDTH bytes): measured on the
# benchmark documents with the built-in packs, a 1-byte literal alone, 2 and 3 bytes
# together, 4 and 5 together, then one class per length let through the fewest positions.
_FILTER_CLASS = (0, 1, 2, 2, 4, 4, 6, 7, 8)


def _filter_buckets(list literals):
    """[(window width, [(literal id, bytes)])]: the filter's buckets for literals under
    LONG_FROM bytes. A bucket holds one class of lengths, its width the shortest of them (a
    short literal in a bucket of long ones would let any byte through at every slot past
    its own); buckets left over split the classes with the most literals each, in order of
    their last bytes (fewer super characters per slot)."""
    classes = {}
    for i, data in literals:
        classes.setdefault(_FILTER_CLASS[min(len(data), FILTER_WIDTH)], []).append((i, data))
    parts = dict.fromkeys(classes, 1)
    for _ in range(CN_BUCKETS - len(classes) if classes else 0):
        widest = max(parts, key=lambda c: len(classes[c]) / parts[c])
        parts[widest] += 1
    buckets = []
    for key, members in sorted(classes.items()):
        members.sort(key=lambda member: member[1][::-1])
        size = -(-len(members) // parts[key])
        width = min(FILTER_WIDTH, *(len(data) for _, data in members))
        buckets += [(width, members[k:k + size]) for k in range(0, len(members), size)]
    return buckets


cdef void _clear_reach(uint64_t* reach, int bucket, const unsigned char* window, int width) noexcept:
    """Let `window` through bucket `bucket` of the filter: clear, for each of its bytes, the
    bucket's bit for its slot (bytes from the end) under the super character it makes with
    the next byte of the window; the last byte's next one is any (the slots before the
    window are cleared for every super character by _fill_filter)."""
    cdef int k, nxt, low = (1 << CN_NEXT_BITS) - 1
    cdef uint64_t bit
    for k in range(width):
        bit = (<uint64_t>1) << (8 * k + bucket)
        if k == 0:
            for nxt in range(low + 1):
                reach[window[width - 1] | nxt << 8] &= ~bit
        else:
            reach[window[width - 1 - k] | (window[width - k] & low) << 8] &= ~bit


cdef void _free_table(cn_table* table) noexcept:
    PyMem_Free(table.bitmap)
    PyMem_Free(table.slot_window)
    PyMem_Free(table.slot_first)
    PyMem_Free(table.slot_count)
    PyMem_Free(table.grouped)
    PyMem_Free(table.grouped_offset)


cdef class Prefilter:
    """The pre-filter in C: every occurrence of the literals in one pass over the scan form,
    plus the matches of a Hyperscan pattern database, as candidate lines per owner.

    Literals that open with a line break are probed at the line breaks only, through the
    window they open with; those that allow lead characters also at the next characters of
    the line, through tables of their own. The others are found through windows where they
    are rare in news text: one of 11 bytes or more through four consecutive eight-byte
    windows, tested against a bitmap of window hashes at every fourth position only; a
    shorter one through one window of up to eight bytes, in one of the eight buckets of a
    shift-or filter that reads every position (FDR, as in Hyperscan's literal matcher, in
    portable C). See the C code above `cn_find`.
    """

    cdef bytes blob
    cdef cn_literals lits
    cdef int* pattern_owners
    cdef Py_ssize_t n_patterns

    def __cinit__(self, literals, pattern_owners):
        """`literals`: (text as compiler.literal_form gives it, owner, lead: see
        compiler.Literal); `pattern_owners`: the owner of each pattern of the Hyperscan
        database passed to `lines`."""
        cdef Py_ssize_t i, k, size, offset
        memset(&self.lits, 0, sizeof(cn_literals))
        encoded = [(lit.encode("utf-8", "replace"), owner, lead) for lit, owner, lead in literals]
        encoded = [(data, owner, lead) for data, owner, lead in encoded if data]
        # A led literal is found as written at the line break, and its text after the break
        # is a literal of its own (ids after the others), probed at the lead's characters.
        led = [(data[1:], owner, lead) for data, owner, lead in encoded
               if lead > 0 and data[0] == 10 and len(data) > 1]
        for owner in [o for _, o, _ in encoded] + list(pattern_owners):
            if not -OWNER_BIAS <= owner < (1 << 31) - OWNER_BIAS:
                raise ValueError(f"owner {owner} is out of the pre-filter's range")
        self.n_patterns = len(pattern_owners)
        size = max(len(encoded) + len(led), 1)
        self.lits.start = <int*>PyMem_Malloc(size * sizeof(int))
        self.lits.length = <int*>PyMem_Malloc(size * sizeof(int))
        self.lits.owner = <int*>PyMem_Malloc(size * sizeof(int))
        self.lits.after_break_ids = <int*>PyMem_Malloc(size * sizeof(int))
        self.lits.lead_of = <int*>PyMem_Malloc(size * sizeof(int))
        self.pattern_owners = <int*>PyMem_Malloc(max(self.n_patterns, 1) * sizeof(int))
        if (self.lits.start == NULL or self.lits.length == NULL or self.lits.owner == NULL
                or self.lits.after_break_ids == NULL or self.lits.lead_of == NULL
                or self.pattern_owners == NULL):
            raise MemoryError()
        for i in range(self.n_patterns):
            self.pattern_owners[i] = pattern_owners[i]
        groups = [{} for _ in range(CN_TABLES)]
        after_break = [[] for _ in range(257)]  # by the byte after the break; 256: none
        filtered = []
        pos = 0
        for i, (data, owner, lead) in enumerate(encoded + led):
            self.lits.start[i], self.lits.length[i], self.lits.owner[i] = pos, len(data), owner
            pos += len(data)
            self.lits.lead_of[i] = lead if i >= len(encoded) else 0
            if i >= len(encoded):  # a led literal's text, by the window it opens with
                self.lits.max_lead = max(self.lits.max_lead, lead)
                if len(data) >= 4:
                    groups[CN_LEAD4].setdefault(data[:4], []).append((i, 0))
                    continue
                for key in [data[:2]] if len(data) > 1 else [data + bytes((b,)) for b in range(256)]:
                    groups[CN_LEAD2].setdefault(key, []).append((i, 0))
            elif data[0] == 10:  # at the line breaks, by the window it opens with
                if len(data) >= 8:
                    groups[CN_BREAK8].setdefault(data[:8], []).append((i, 0))
                elif len(data) >= 4:
                    groups[CN_BREAK4].setdefault(data[:4], []).append((i, 0))
                else:
                    after_break[data[1] if len(data) > 1 else 256].append(i)
            elif len(data) < LONG_FROM:
                filtered.append((i, data))
            else:
                offset = _window_offset(data, 8, SPACING, groups[CN_SPACED8])
                for j in range(offset, offset + SPACING):
                    groups[CN_SPACED8].setdefault(data[j:j + 8], []).append((i, j))
        self.blob = b"".join(data for data, _, _ in encoded + led)
        self.lits.blob = <const unsigned char*>self.blob
        k = 0
        for b in range(257):
            self.lits.after_break_first[b] = k
            for i in after_break[b]:
                self.lits.after_break_ids[k] = i
                k += 1
        self.lits.after_break_first[257] = k
        self._fill_filter(filtered, groups)
        for k in range(CN_TABLES):
            _fill_table(
                &self.lits.tables[k], groups[k], k == CN_LEAD2, k == CN_LEAD2 or k >= CN_BUCKET0
            )

    cdef int _fill_filter(self, list filtered, list groups) except -1:
        """The filter's reach table and the buckets' widths and windows (into `groups`),
        each literal's window chosen where the fewest comparisons are expected."""
        cdef int b, k
        cdef Py_ssize_t s
        cdef uint64_t before = 0  # the slots before each bucket's windows: anything passes
        cdef bytes window
        self.lits.reach = <uint64_t*>PyMem_Malloc(CN_REACH_SIZE * sizeof(uint64_t))
        if self.lits.reach == NULL:
            raise MemoryError()
        memset(self.lits.reach, 0xFF, CN_REACH_SIZE * sizeof(uint64_t))  # nothing passes
        for b in range(CN_BUCKETS):
            self.lits.width[b] = 1  # an empty bucket is never flagged
        for b, (width, members) in enumerate(_filter_buckets(filtered)):
            self.lits.width[b] = width
            taken = groups[CN_BUCKET0 + b]
            for i, data in members:
                offset = _window_offset(data, width, 1, taken)
                window = data[offset:offset + width]
                taken.setdefault(window, []).append((i, offset))
                _clear_reach(self.lits.reach, b, window, width)
            for k in range(width, FILTER_WIDTH):
                before |= (<uint64_t>1) << (8 * k + b)
        for s in range(CN_REACH_SIZE):
            self.lits.reach[s] &= ~before
        return 0

    def __dealloc__(self):
        PyMem_Free(self.lits.start)
        PyMem_Free(self.lits.length)
        PyMem_Free(self.lits.owner)
        PyMem_Free(self.lits.after_break_ids)
        PyMem_Free(self.lits.lead_of)
        PyMem_Free(self.lits.reach)
        PyMem_Free(self.pattern_owners)
        for k in range(CN_TABLES):
            _free_table(&self.lits.tables[k])

    def lines(self, str text, Py_ssize_t count, object pattern_db=None, object scratch=None,
              list pattern_hits=None):
        """{owner: sorted candidate lines below `count`} for `text`: the literals, then the
        patterns, either from `pattern_db` (Hyperscan, over the text's UTF-8) or as given
        in `pattern_hits` ((owner, line) pairs found by another engine)."""
        return self.keys(text, count, pattern_db, scratch, pattern_hits).grouped()

    cpdef Keys keys(self, str text, Py_ssize_t count, object pattern_db=None,
                    object scratch=None, list pattern_hits=None):
        """The same candidates as `lines`, settled, as the compiled engine reads them."""
        cdef Keys keys = Keys()
        cdef bytes folded = scan_bytes(text)
        cdef _Matches matches
        if cn_find(&self.lits, <const unsigned char*>folded, len(folded), count, &keys.c) < 0:
            raise MemoryError()
        if pattern_db is not None and self.n_patterns:
            encoded = utf8_bytes(text)
            matches = _Matches()
            # Positional: keyword arguments cost the binding a lookup by name each.
            pattern_db.scan(encoded, on_match, 0, matches, scratch)  # flags 0, context, scratch
            self._add_pattern_matches(matches, encoded, count, keys)
        if pattern_hits:
            for owner, line in pattern_hits:
                if 0 <= line < count:
                    keys.push(owner, line)
        keys.settle()
        return keys

    cdef int _add_pattern_matches(
        self, _Matches matches, bytes encoded, Py_ssize_t count, Keys keys
    ) except -1:
        """Each match on the line of its last byte (found by bisecting the line breaks, read
        only as far as the last match)."""
        cdef Py_ssize_t m, line, limit = 0
        cdef Py_ssize_t local[CN_LOCAL_BREAKS]
        cdef cn_lines lines
        if matches.n == 0:
            return 0
        for m in range(matches.n):
            limit = max(limit, <Py_ssize_t>matches.ends[m])
        lines.count = count
        try:
            if cn_lines_gather(&lines, encoded, min(limit, len(encoded)), local) < 0:
                raise MemoryError()
            for m in range(matches.n):
                if matches.ends[m] == 0 or matches.ids[m] >= <unsigned int>self.n_patterns:
                    continue
                line = cn_breaks_before(&lines, <Py_ssize_t>matches.ends[m] - 1)
                if line < count:
                    keys.push(self.pattern_owners[matches.ids[m]], line)
        finally:
            cn_lines_free(&lines, local)
        return 0


cdef class _Matches:
    """Hyperscan match ends, gathered by `on_match` without a Python object per match."""

    cdef unsigned int* ids
    cdef unsigned long long* ends
    cdef Py_ssize_t n, cap

    def __cinit__(self):
        self.n, self.cap = 0, 64
        self.ids = <unsigned int*>PyMem_Malloc(self.cap * sizeof(unsigned int))
        self.ends = <unsigned long long*>PyMem_Malloc(self.cap * sizeof(unsigned long long))
        if self.ids == NULL or self.ends == NULL:
            raise MemoryError()

    def __dealloc__(self):
        PyMem_Free(self.ids)
        PyMem_Free(self.ends)

    cdef int push(self, unsigned int expr_id, unsigned long long end) except -1:
        cdef void* grown
        if self.n == self.cap:
            self.cap *= 2
            grown = PyMem_Realloc(self.ids, self.cap * sizeof(unsigned int))
            if grown == NULL:
                raise MemoryError()
            self.ids = <unsigned int*>grown
            grown = PyMem_Realloc(self.ends, self.cap * sizeof(unsigned long long))
            if grown == NULL:
                raise MemoryError()
            self.ends = <unsigned long long*>grown
        self.ids[self.n] = expr_id
        self.ends[self.n] = end
        self.n += 1
        return 0


# ---------------------------------------------------------------- the guards (linetext.py)
#
# linetext.is_fact_line, is_dek, work_credit and echoes, read in C over a line's place in its
# text. Each answers as the Python function (its reference, which the pure-Python engine
# runs) does for every line, that is every string without a line break:
# tests/test_guards.py holds them to it. `re` reads `\w` as str.isalnum() or "_", `\d` as a
# decimal digit, `\s` as str.isspace(); under IGNORECASE it compares a character's
# one-character lower case, with the case variants of re._casefix (linetext.CASE_VARIANTS)
# taken as their letter.

cdef inline bint _letter(Py_UCS4 c) noexcept:
    """`[^\\W\\d_]`: a word character that is neither a decimal digit nor '_'."""
    if c < 128:
        return (65 <= c <= 90) or (97 <= c <= 122)
    return Py_UNICODE_ISALNUM(c) and not Py_UNICODE_ISDECIMAL(c)


cdef enum:
    MAX_VARIANTS = 64

cdef Py_UCS4 _VARIANT_FROM[MAX_VARIANTS]
cdef Py_UCS4 _VARIANT_TO[MAX_VARIANTS]
cdef int _N_VARIANTS = 0


cdef Py_UCS4 _re_fold(Py_UCS4 c) noexcept:
    """What an IGNORECASE pattern compares: the lower case, a case variant as its letter."""
    cdef int k
    c = _lower(c)
    if c >= 0xB5:
        for k in range(_N_VARIANTS):
            if _VARIANT_FROM[k] == c:
                return _VARIANT_TO[k]
    return c


for _variant, _letter_of in _linetext.CASE_VARIANTS.items():
    if _N_VARIANTS == MAX_VARIANTS:
        raise ValueError("linetext.CASE_VARIANTS outgrew the guards' table")
    _VARIANT_FROM[_N_VARIANTS] = ord(_variant)
    _VARIANT_TO[_N_VARIANTS] = ord(_letter_of)
    _N_VARIANTS += 1


cdef struct Words:
    int n
    int offsets[160]   # word k is chars[offsets[k]:offsets[k + 1]]
    Py_UCS4 chars[1200]
    int first[64]      # the first word whose first character is c, by c % 64 (-1 if none)
    int next[160]      # the next word after word k with a first character alike modulo 64


cdef int _pack_words(Words* into, words, bint fold) except -1:
    cdef int at = 0
    cdef Py_UCS4 c
    cdef int w, last
    into.n = 0
    into.offsets[0] = 0
    for w in range(64):
        into.first[w] = -1
    for word in words:
        if into.n + 2 > 160 or at + len(word) > 1200:
            raise ValueError("a guard's word list outgrew its table")
        for c in word:
            into.chars[at] = _re_fold(c) if fold else c
            at += 1
        into.n += 1
        into.offsets[into.n] = at
    for w in range(into.n - 1, -1, -1):  # chains in the list's order
        last = <uint32_t>into.chars[into.offsets[w]] & 63
        into.next[w] = into.first[last]
        into.first[last] = w
    return 0


cdef bint _word_at(
    const Words* words, int w, int kind, const void* data, Py_ssize_t k, Py_ssize_t end,
    bint fold,
) noexcept:
    """Whether word w of the list stands at k (before end), folded or as written."""
    cdef int a = words.offsets[w], z = words.offsets[w + 1]
    cdef Py_UCS4 c
    if k + (z - a) > end:
        return False
    while a < z:
        c = PyUnicode_READ(kind, data, k)
        if (_re_fold(c) if fold else c) != words.chars[a]:
            return False
        a += 1
        k += 1
    return True


# linetext._DEK_OPENER's question words, linetext._FORMAT_WORDS' format marks (both read
# with IGNORECASE: kept folded), linetext._MAKER's maker words after a blank and after a
# comma, linetext._NAME_PARTICLES. tests/test_guards.py holds each list to its pattern.
DEK_WORDS = (
    *"how why what who when where which".split(),
    *"wie warum weshalb wieso was wer wo wann welche welcher welches welchen welchem".split(),
    *"hoe waarom wat waar wanneer welke".split(),
    *"comment pourquoi qui quand où quel quels quelle quelles".split(),
    *"cómo como porque qué quién quiénes cuándo dónde cuál".split(), "por qué",
    *"perché come chi cosa quando dove quale".split(),
    *"bagaimana mengapa kenapa siapa apa kapan".split(), "di mana",
    *"как почему что кто где когда зачем какие какой".split(),
    *"jak dlaczego kto gdzie kiedy nasıl neden niçin hur varför vad vem".split(),
    *"hvordan hvorfor hvad hvem proč kdo kde miért hogyan".split(),
    *"quem onde".split(), "por que", "o que", "de ce", *"cine unde cum".split(),
    *"πώς γιατί ποιος як чому що хто".split(),
)
FORMAT_WORDS = tuple(
    "video videos foto fotos foto's photo photos bilder galerie gallery audio podcast live "
    "liveblog update updated interview opinion opinie meinung analysis analyse kommentar "
    "column kolom plus premium abo grafik infographic".split()
)
MAKER_WORDS = tuple("by von door van de par karya oleh av af przez od от".split())
COMMA_MAKER_WORDS = tuple("by von door de di da par".split())
NAME_PARTICLES = tuple(sorted(_linetext._NAME_PARTICLES))

cdef Words _DEK, _FORMAT, _MAKERS, _COMMA_MAKERS, _PARTICLES
_pack_words(&_DEK, DEK_WORDS, True)
_pack_words(&_FORMAT, FORMAT_WORDS, True)
_pack_words(&_MAKERS, MAKER_WORDS, False)
_pack_words(&_COMMA_MAKERS, COMMA_MAKER_WORDS, False)
_pack_words(&_PARTICLES, NAME_PARTICLES, False)
cdef int _KARYA = MAKER_WORDS.index("karya")


cdef Py_ssize_t _skip_letters(int kind, const void* data, Py_ssize_t k, Py_ssize_t end) noexcept:
    while k < end and _letter(PyUnicode_READ(kind, data, k)):
        k += 1
    return k


cdef bint _is_colon(Py_UCS4 c) noexcept:
    return c == 0x3A or c == 0xFF1A


cdef bint _bracket_tail(int kind, const void* data, Py_ssize_t k, Py_ssize_t end) noexcept:
    """`[ \\t\\u00a0]*(?:\\([^()\\n]*\\))?\\s*$` from k: spaces only, or blanks, a bracket
    without brackets or a line break inside, and spaces."""
    cdef Py_UCS4 c
    if _spaces(kind, data, k, end):
        return True
    k = _skip_blanks(kind, data, k, end)
    if k >= end or PyUnicode_READ(kind, data, k) != 0x28:
        return False
    k += 1
    while k < end:
        c = PyUnicode_READ(kind, data, k)
        if c == 0x28 or c == 0x29 or c == 0x0A:
            break
        k += 1
    if k >= end or PyUnicode_READ(kind, data, k) != 0x29:
        return False
    return _spaces(kind, data, k + 1, end)


cdef bint _fact_line(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """linetext.is_fact_line: linetext._FACT_LINE matches at the line's start. Every run it
    reads ends where the next part must start, so each is taken whole: the marks before the
    label, its one or two words, blanks, the colon, blanks, the figure, then an optional
    blank-led word (a unit) and the bracket tail."""
    cdef Py_ssize_t k = start, m
    cdef Py_UCS4 c
    while k < end:  # [^\w\n]*
        c = PyUnicode_READ(kind, data, k)
        if _word_char(c) or c == 0x0A:
            break
        k += 1
    if k >= end or not _letter(PyUnicode_READ(kind, data, k)):
        return False
    k = _skip_letters(kind, data, k, end)
    m = _skip_blanks(kind, data, k, end)
    if m < end and _is_colon(PyUnicode_READ(kind, data, m)):
        k = m
    elif m > k and m < end and _letter(PyUnicode_READ(kind, data, m)):
        k = _skip_blanks(kind, data, _skip_letters(kind, data, m, end), end)
        if k >= end or not _is_colon(PyUnicode_READ(kind, data, k)):
            return False
    else:
        return False
    k = _skip_blanks(kind, data, k + 1, end)
    if not _ascii_digit(kind, data, k, start, end):
        return False
    k += 1
    while k < end:  # [0-9.,/–-]*
        c = PyUnicode_READ(kind, data, k)
        if not (0x30 <= c <= 0x39 or c == 0x2E or c == 0x2C or c == 0x2F or c == 0x2013 or c == 0x2D):
            break
        k += 1
    if _bracket_tail(kind, data, k, end):
        return True
    m = _skip_blanks(kind, data, k, end)  # (?:[ \t\u00a0]+[^\s(]+)?
    if m == k:
        return False
    k = m
    while k < end:
        c = PyUnicode_READ(kind, data, k)
        if c == 0x28 or Py_UNICODE_ISSPACE(c):
            break
        k += 1
    return k > m and _bracket_tail(kind, data, k, end)


cdef bint _question_end(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """linetext._QUESTION_END: '?' or '？', closing quotes or brackets, spaces, the end."""
    cdef Py_ssize_t k = end - 1
    cdef Py_UCS4 c
    while k >= start and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, k)):
        k -= 1
    while k >= start:
        c = PyUnicode_READ(kind, data, k)
        if not (c == 0x22 or c == 0x27 or c == 0x201D or c == 0x2019 or c == 0xBB or c == 0x29 or c == 0x5D):
            break
        k -= 1
    if k < start:
        return False
    c = PyUnicode_READ(kind, data, k)
    return c == 0x3F or c == 0xFF1F


cdef int _whole_word(
    const Words* words, int w, Py_UCS4 first, int kind, const void* data, Py_ssize_t k,
    Py_ssize_t end,
) noexcept:
    """From entry w of its first character's chain on, the first listed word (case folded)
    that stands at k with no word character after it; -1 if none."""
    cdef Py_ssize_t after
    while w >= 0:
        if words.chars[words.offsets[w]] == first and _word_at(words, w, kind, data, k, end, True):
            after = k + words.offsets[w + 1] - words.offsets[w]
            if after >= end or not _word_char(PyUnicode_READ(kind, data, after)):
                return w
        w = words.next[w]
    return -1


cdef bint _dek(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """linetext.is_dek: after spaces and opening quotes, a question word (any case) that no
    word character follows, nor blanks and a comma, colon or semicolon; and no question mark
    at the end."""
    cdef Py_ssize_t k = start, after
    cdef Py_UCS4 c, first
    cdef int w
    while k < end:
        c = PyUnicode_READ(kind, data, k)
        if not (
            Py_UNICODE_ISSPACE(c) or c == 0x22 or c == 0x27 or c == 0x201C or c == 0x201E
            or c == 0xAB or c == 0x2018
        ):
            break
        k += 1
    if k >= end:
        return False
    first = _re_fold(PyUnicode_READ(kind, data, k))
    w = _whole_word(&_DEK, _DEK.first[<uint32_t>first & 63], first, kind, data, k, end)
    while w >= 0:
        after = _skip_blanks(kind, data, k + _DEK.offsets[w + 1] - _DEK.offsets[w], end)
        if after >= end:
            return not _question_end(kind, data, start, end)
        c = PyUnicode_READ(kind, data, after)
        if not (c == 0x2C or c == 0x3A or c == 0x3B):
            return not _question_end(kind, data, start, end)
        w = _whole_word(&_DEK, _DEK.next[w], first, kind, data, k, end)
    return False


cdef bint _all_caps(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """str.isupper() of the characters from start to end."""
    cdef Py_ssize_t k
    cdef Py_UCS4 c
    cdef bint cased = False
    if end - start == 1:
        return Py_UNICODE_ISUPPER(PyUnicode_READ(kind, data, start))
    for k in range(start, end):
        c = PyUnicode_READ(kind, data, k)
        if Py_UNICODE_ISLOWER(c) or Py_UNICODE_ISTITLE(c):
            return False
        if Py_UNICODE_ISUPPER(c):
            cased = True
    return cased


cdef inline bint _capitalised_word(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """linetext._capitalised: a capital first, and not all capitals."""
    return Py_UNICODE_ISUPPER(PyUnicode_READ(kind, data, start)) and not _all_caps(
        kind, data, start, end
    )


cdef bint _initial(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """linetext._INITIAL in full: a letter and a full stop."""
    return (
        end - start == 2
        and _letter(PyUnicode_READ(kind, data, start))
        and PyUnicode_READ(kind, data, start + 1) == 0x2E
    )


cdef bint _particle(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """word.lower() in linetext._NAME_PARTICLES. Those are ASCII, and no character but the
    ASCII letters and the Kelvin sign (whose lower case is 'k', in no particle today) has a
    lower case all ASCII letters."""
    cdef Py_UCS4 low[6]
    cdef Py_ssize_t n = end - start, k
    cdef Py_UCS4 c
    cdef int w, a
    if n > 6:
        return False
    for k in range(n):
        c = PyUnicode_READ(kind, data, start + k)
        if 0x41 <= c <= 0x5A:
            c = <Py_UCS4>(<uint32_t>c + 32)
        elif c == 0x212A:
            c = 0x6B
        elif not 0x61 <= c <= 0x7A:
            return False
        low[k] = c
    for w in range(_PARTICLES.n):
        a = _PARTICLES.offsets[w]
        if _PARTICLES.offsets[w + 1] - a != n:
            continue
        for k in range(n):
            if _PARTICLES.chars[a + k] != low[k]:
                break
        else:
            return True
    return False


cdef bint _name_word(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """linetext._NAME_WORD in full: a letter, then letters, '.', "'", '’' or '-'."""
    cdef Py_ssize_t k
    cdef Py_UCS4 c
    if not _letter(PyUnicode_READ(kind, data, start)):
        return False
    for k in range(start + 1, end):
        c = PyUnicode_READ(kind, data, k)
        if not (_letter(c) or c == 0x2E or c == 0x27 or c == 0x2019 or c == 0x2D):
            return False
    return True


cdef bint _is_name(int kind, const void* data, Py_ssize_t start, Py_ssize_t end, bint all_caps) noexcept:
    """linetext._is_name of the words (str.split()) from start to end."""
    cdef Py_ssize_t ws[7]
    cdef Py_ssize_t we[7]
    cdef int n = 0, capitals = 0, k
    cdef bint any_capitalised = False, capital
    cdef Py_ssize_t p = start
    while True:
        p = _skip_spaces(kind, data, p, end)
        if p >= end:
            break
        if n == 7:
            return False  # more than six words
        ws[n] = p
        while p < end and not Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, p)):
            p += 1
        we[n] = p
        n += 1
    if n > 6:
        return False
    for k in range(n):
        if not _particle(kind, data, ws[k], we[k]):
            capitals += 1
    if not 2 <= capitals <= 4:
        return False
    for k in range(n):
        if not _name_word(kind, data, ws[k], we[k]):
            return False
    if all_caps:
        for k in range(n):
            if not _particle(kind, data, ws[k], we[k]) and _capitalised_word(kind, data, ws[k], we[k]):
                any_capitalised = True
                break
    for k in range(n):
        if _particle(kind, data, ws[k], we[k]) or _initial(kind, data, ws[k], we[k]):
            continue
        if any_capitalised:
            capital = Py_UNICODE_ISUPPER(PyUnicode_READ(kind, data, ws[k]))
        else:
            capital = _capitalised_word(kind, data, ws[k], we[k])
        if not capital:
            return False
    return True


cdef Py_ssize_t _maker_word_end(
    const Words* words, int* which, int kind, const void* data, Py_ssize_t k, Py_ssize_t end
) noexcept:
    """Where the blanks after a word of the list standing at k end (-1 if none does, or no
    blank follows it); the word's place in the list into *which."""
    cdef int w
    cdef Py_ssize_t after
    cdef Py_UCS4 first
    if k >= end:
        return -1
    first = PyUnicode_READ(kind, data, k)
    w = words.first[<uint32_t>first & 63]
    while w >= 0:
        if words.chars[words.offsets[w]] == first and _word_at(words, w, kind, data, k, end, False):
            after = k + words.offsets[w + 1] - words.offsets[w]
            if after < end and _blank_char(PyUnicode_READ(kind, data, after)):
                which[0] = w
                return _skip_blanks(kind, data, after, end)
        w = words.next[w]
    return -1


cdef Py_ssize_t _maker_at(
    int kind, const void* data, Py_ssize_t p, Py_ssize_t end, bint* karya
) noexcept:
    """Where linetext._MAKER's match at p ends (-1 if none starts there), trying its
    branches in their order: ', d'' or ' d'' before a word character; a blank, a maker word
    and blanks; a blank, a dash and blanks; a comma, optionally a blank and a maker word,
    then blanks."""
    cdef Py_UCS4 c = PyUnicode_READ(kind, data, p), d
    cdef Py_ssize_t q
    cdef int which = -1
    karya[0] = False
    if c == 0x2C:
        q = _skip_blanks(kind, data, p + 1, end)
        if (
            q > p + 1 and q + 2 < end and PyUnicode_READ(kind, data, q) == 0x64
            and (PyUnicode_READ(kind, data, q + 1) == 0x27 or PyUnicode_READ(kind, data, q + 1) == 0x2019)
            and _word_char(PyUnicode_READ(kind, data, q + 2))
        ):
            return q + 2
        if p + 1 < end and _blank_char(PyUnicode_READ(kind, data, p + 1)):
            q = _maker_word_end(&_COMMA_MAKERS, &which, kind, data, p + 2, end)
            if q >= 0:
                return q
        q = _skip_blanks(kind, data, p + 1, end)
        return q if q > p + 1 else -1
    if not _blank_char(c):
        return -1
    if (
        p + 3 < end and PyUnicode_READ(kind, data, p + 1) == 0x64
        and (PyUnicode_READ(kind, data, p + 2) == 0x27 or PyUnicode_READ(kind, data, p + 2) == 0x2019)
        and _word_char(PyUnicode_READ(kind, data, p + 3))
    ):
        return p + 3
    q = _maker_word_end(&_MAKERS, &which, kind, data, p + 1, end)
    if q >= 0:
        karya[0] = which == _KARYA
        return q
    if p + 2 < end:
        d = PyUnicode_READ(kind, data, p + 1)
        if (d == 0x2D or d == 0x2013 or d == 0x2014) and _blank_char(PyUnicode_READ(kind, data, p + 2)):
            return _skip_blanks(kind, data, p + 2, end)
    return -1


cdef bint _format_mark(int kind, const void* data, Py_ssize_t k, Py_ssize_t end) noexcept:
    """linetext._FORMAT_WORDS matches at k, reading no further than end."""
    cdef Py_UCS4 first
    if k < end and PyUnicode_READ(kind, data, k) == 0x2B:  # (?:\+[ \t]*)?
        k += 1
        while k < end and (PyUnicode_READ(kind, data, k) == 0x20 or PyUnicode_READ(kind, data, k) == 0x09):
            k += 1
    if k >= end:
        return False
    first = _re_fold(PyUnicode_READ(kind, data, k))
    return _whole_word(&_FORMAT, _FORMAT.first[<uint32_t>first & 63], first, kind, data, k, end) >= 0


cdef int _credit(int kind, const void* data, Py_ssize_t start, Py_ssize_t end) noexcept:
    """linetext.work_credit."""
    cdef Py_ssize_t body = end, opening = -1, closing = -1, k, a, z, r, r2, r3, q
    cdef bint paren = False, karya
    cdef int best = 0
    cdef Py_UCS4 c
    # _WORK_PAREN: the last character before blanks is ')', the nearest bracket before it
    # is '(', 2 to 60 characters between; the match (and the body's end) starts at the
    # blanks before the '('.
    k = end
    while k > start and _blank_char(PyUnicode_READ(kind, data, k - 1)):
        k -= 1
    if k > start and PyUnicode_READ(kind, data, k - 1) == 0x29:
        closing = k - 1
        k = closing - 1
        while k >= start:
            c = PyUnicode_READ(kind, data, k)
            if c == 0x28 or c == 0x29 or c == 0x0A:
                break
            k -= 1
        if k >= start and PyUnicode_READ(kind, data, k) == 0x28 and 2 <= closing - k - 1 <= 60:
            opening = k
            paren = True
            while k > start and _blank_char(PyUnicode_READ(kind, data, k - 1)):
                k -= 1
            body = k
    if paren:  # no publisher: empty, lower-case first, all capitals, or a format mark
        a, z = opening + 1, closing
        while a < z and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, a)):
            a += 1
        while z > a and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, z - 1)):
            z -= 1
        if (
            a == z
            or not Py_UNICODE_ISUPPER(PyUnicode_READ(kind, data, a))
            or _all_caps(kind, data, a, z)
            or _format_mark(kind, data, a, z)
        ):
            paren = False
    k = start  # _MAKER.finditer(body): its matches start at a comma or a blank
    while k < body:
        c = PyUnicode_READ(kind, data, k)
        if not (c == 0x2C or _blank_char(c)):
            k += 1
            continue
        q = _maker_at(kind, data, k, body, &karya)
        if q < 0:
            k += 1
            continue
        if k > start and _is_name(kind, data, q, body, False):
            if paren or karya:
                return 2
            best = 1
        k = q
    if best == 0 and paren and _is_name(kind, data, opening + 1, closing, False):
        best = 1  # the director's or author's name in brackets
    if best == 0:  # _NAME_DASH: the shortest name of at most 41 characters before a dash
        q = _skip_blanks(kind, data, start, body)
        if q < body and _letter(PyUnicode_READ(kind, data, q)):
            r = q + 1
            while True:
                if r < body and _blank_char(PyUnicode_READ(kind, data, r)):
                    r2 = _skip_blanks(kind, data, r, body)
                    if r2 < body:
                        c = PyUnicode_READ(kind, data, r2)
                        if c == 0x2D or c == 0x2013 or c == 0x2014:
                            r3 = _skip_blanks(kind, data, r2 + 1, body)
                            if r3 > r2 + 1 and r3 < body and not Py_UNICODE_ISSPACE(
                                PyUnicode_READ(kind, data, r3)
                            ):
                                if _is_name(kind, data, q, r, True):
                                    best = 1
                                break
                if r - q - 1 >= 40 or r >= body:
                    break
                c = PyUnicode_READ(kind, data, r)
                if c == 0x2013 or c == 0x2014:
                    break
                r += 1
    return best


cdef bint _echo(str label, str line) except -1:
    """linetext.echoes."""
    cdef str key = _normalize(label), text
    cdef Py_ssize_t n = len(key), k, head, found, spaces
    cdef int words = 1, state = 0, kind, key_kind  # state: 0 a word's start, 1 a letter, 2 a mark
    cdef const void* data
    cdef const void* key_data
    cdef Py_UCS4 c
    if n == 0:
        return False
    for c in key:  # at most ECHO_MAX_WORDS words, each linetext._LABEL_WORDS in full
        if c == 0x20:
            if state != 1:
                return False
            words += 1
            state = 0
        elif _letter(c):
            state = 1
        elif c == 0x2D or c == 0x27 or c == 0x2019:
            if state != 1:
                return False
            state = 2
        else:
            return False
    if state != 1 or words > ECHO_MAX_WORDS:
        return False
    if words == 1:
        n = n if n <= 5 else n - 1 if n == 6 else n - 2
        if n < 4:
            return False
    # _LEAD_WORDS: the line up to the end of its (ECHO_LEAD_WORDS + ECHO_MAX_WORDS + 1)th word
    kind = PyUnicode_KIND(line)
    data = PyUnicode_DATA(line)
    head = PyUnicode_GET_LENGTH(line)
    k, words = 0, 0
    while words <= ECHO_LEAD_WORDS + ECHO_MAX_WORDS:
        k = _skip_spaces(kind, data, k, head)
        if k >= head:
            break
        while k < head and not Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, k)):
            k += 1
        words += 1
    if words > 0:
        head = k
    text = _normalize(line[:head])
    kind = PyUnicode_KIND(text)
    data = PyUnicode_DATA(text)
    key_kind = PyUnicode_KIND(key)
    key_data = PyUnicode_DATA(key)
    spaces = 0
    for found in range(PyUnicode_GET_LENGTH(text) - n + 1):
        if found and PyUnicode_READ(kind, data, found - 1) == 0x20:
            spaces += 1
            if spaces >= ECHO_LEAD_WORDS:
                return False
        if found and Py_UNICODE_ISALNUM(PyUnicode_READ(kind, data, found - 1)):
            continue
        for k in range(n):
            if PyUnicode_READ(kind, data, found + k) != PyUnicode_READ(key_kind, key_data, k):
                break
        else:
            return True
    return False


def fact_line(str line):
    """linetext.is_fact_line as the compiled engine reads it (exposed for the tests)."""
    return _fact_line(PyUnicode_KIND(line), PyUnicode_DATA(line), 0, PyUnicode_GET_LENGTH(line))


def dek(str line):
    """linetext.is_dek as the compiled engine reads it (exposed for the tests)."""
    return _dek(PyUnicode_KIND(line), PyUnicode_DATA(line), 0, PyUnicode_GET_LENGTH(line))


def dek_possible(str line):
    """The compiled engine's test before is_dek (exposed for the tests)."""
    return _dek_possible(PyUnicode_KIND(line), PyUnicode_DATA(line), 0, PyUnicode_GET_LENGTH(line))


def work_credit(str line):
    """linetext.work_credit as the compiled engine reads it (exposed for the tests)."""
    return _credit(PyUnicode_KIND(line), PyUnicode_DATA(line), 0, PyUnicode_GET_LENGTH(line))


def echoes(str label, str line):
    """linetext.echoes as the compiled engine reads it (exposed for the tests)."""
    return _echo(label, line)


def echo_possible(str label, str line):
    """The compiled engine's test before echoes (exposed for the tests)."""
    cdef str both = label + u"\n" + line
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(label)
    return _echo_possible(
        PyUnicode_KIND(both), PyUnicode_DATA(both), 0, n, n + 1, PyUnicode_GET_LENGTH(both)
    )


def on_match(
    unsigned int expr_id,
    unsigned long long start,
    unsigned long long end,
    unsigned int flags,
    _Matches matches,
):
    """Hyperscan's match handler: note the match, go on scanning."""
    matches.push(expr_id, end)
    return 0


def normalize_line(str line):
    """linetext.normalize_line as the compiled engine computes it (exposed for the parity
    tests)."""
    return _normalize(line)


def words_upto(str line, caps):
    """min(len(line.split()), cap) for each cap in turn, as the engine's guards count a
    line's words, each count reading on from where the one before stopped (exposed for the
    parity tests; `line` holds no line break)."""
    if "\n" in line:
        raise ValueError("one line, without a line break")
    cdef _Doc doc = _document(line)
    return [doc.words_upto(0, cap) for cap in caps]


cdef inline bint _zero_width(Py_UCS4 c) noexcept:
    return c in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0xAD)


cdef inline bint _folds_to_space(Py_UCS4 c) noexcept:
    return c == 0x09 or c == 0xA0 or 0x2000 <= c <= 0x200A or c in (0x202F, 0x205F, 0x3000)


# What the scan form makes of each character below U+0530: lower-cased, "İ" to "i", the
# case variants of linetext.CASE_VARIANTS ("ı", "ſ", final sigma, ...) to their letter;
# SCAN_SPACE for a space of any kind, SCAN_DROP for a soft hyphen. One lookup replaces the
# tests scan_bytes makes on other characters.
cdef enum:
    SCAN_SPACE = 0x20
    SCAN_DROP = 0x110000

cdef dict _VARIANTS = _linetext.CASE_VARIANTS  # Py_UCS4 goes in and out as a 1-character str
cdef Py_UCS4 _SCAN_FOLD[LOWER_TABLE_SIZE]
for _k in range(LOWER_TABLE_SIZE):
    _SCAN_FOLD[_k] = _VARIANTS.get(_LOWER[_k], _LOWER[_k])

# The variants at U+0530 and above, and a bit per 256-character page below U+10000 that
# holds one: most characters are turned away by their page.
cdef enum:
    WIDE_VARIANTS = 16
cdef Py_UCS4 _WIDE_FROM[WIDE_VARIANTS]
cdef Py_UCS4 _WIDE_TO[WIDE_VARIANTS]
cdef int _N_WIDE = 0
cdef uint64_t _WIDE_PAGES[4]
memset(_WIDE_PAGES, 0, sizeof(_WIDE_PAGES))
for _from, _to in _VARIANTS.items():
    if ord(_from) >= LOWER_TABLE_SIZE:
        if ord(_from) >= 0x10000 or _N_WIDE == WIDE_VARIANTS:
            raise ValueError("linetext.CASE_VARIANTS outgrew the scan form's wide table")
        _WIDE_FROM[_N_WIDE], _WIDE_TO[_N_WIDE] = ord(_from), ord(_to)
        _WIDE_PAGES[ord(_from) >> 14] |= (<uint64_t>1) << ((ord(_from) >> 8) & 63)
        _N_WIDE += 1
_SCAN_FOLD[0x09] = _SCAN_FOLD[0xA0] = SCAN_SPACE
_SCAN_FOLD[0xAD] = SCAN_DROP
_SCAN_FOLD[0x130] = 0x69


cdef inline Py_UCS4 _wide_variant(Py_UCS4 c) noexcept:
    """A lower-cased character at U+0530 or above, its case variant folded."""
    cdef uint32_t code = c  # a number: shifting a Py_UCS4 would make a str of it
    cdef int k
    if code >= 0x10000 or not (_WIDE_PAGES[code >> 14] >> ((code >> 8) & 63)) & 1:
        return c
    for k in range(_N_WIDE):
        if _WIDE_FROM[k] == c:
            return _WIDE_TO[k]
    return c


cpdef bytes scan_bytes(str text):
    """compiler.scan_form(text).encode("utf-8", "replace"), in one pass: a line break in
    front, spaces of every kind folded to one, zero-width characters dropped, lower-cased
    ("ı" and "i" + combining dot folded to "i", final sigma to sigma)."""
    return _written(text, True)


cpdef bytes utf8_bytes(str text):
    """text.encode("utf-8", "replace") for Hyperscan, eight ASCII characters at a time (news
    text in wider strings is mostly ASCII; str.encode goes one character at a time there)."""
    return _written(text, False)


cdef bytes _written(str text, bint folded):
    """The text as scan_bytes (`folded`) or utf8_bytes gives it."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), out
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef bint ascii = not folded and PyUnicode_IS_ASCII(text)
    # Written in place into a bytes object with room for the longest UTF-8 (a character
    # lower-cases within its width; below U+0100 is two bytes, the rest of the BMP three),
    # then cut to size, so the text is not copied again. An ASCII string's characters are
    # its UTF-8 already: copied at once.
    cdef PyObject* written = PyBytes_FromStringAndSize(
        <const char*>data if ascii else NULL, n if ascii else folded + n * min(kind + 1, 4)
    )
    if ascii:
        result = <bytes>written
        Py_DECREF(result)  # <bytes> took a reference of its own
        return result
    cdef unsigned char* buf = <unsigned char*>PyBytes_AS_STRING(written)
    if folded:
        buf[0] = 10
    # One loop per string width, so that reading a character is a plain array read.
    if kind == PyUnicode_1BYTE_KIND:
        out = _fold(<const Py_UCS1*>data, n, buf) if folded else _utf8(<const Py_UCS1*>data, n, buf)
    elif kind == PyUnicode_2BYTE_KIND:
        out = _fold(<const Py_UCS2*>data, n, buf) if folded else _utf8(<const Py_UCS2*>data, n, buf)
    else:
        out = _fold(<const Py_UCS4*>data, n, buf) if folded else _utf8(<const Py_UCS4*>data, n, buf)
    _PyBytes_Resize(&written, out)
    result = <bytes>written
    Py_DECREF(result)  # <bytes> took a reference of its own
    return result


ctypedef fused _ucs:
    Py_UCS1
    Py_UCS2
    Py_UCS4


cdef Py_ssize_t _utf8(const _ucs* chars, Py_ssize_t n, unsigned char* buf) noexcept:
    """The body of utf8_bytes; returns the size written."""
    cdef Py_ssize_t i = 0, out = 0, k
    cdef uint64_t block
    while i + 8 <= n:
        if _ascii8(chars + i, &block):
            memcpy(buf + out, &block, 8)
            out += 8
        else:
            for k in range(i, i + 8):
                out += _put_utf8(buf + out, chars[k])
        i += 8
    while i < n:
        out += _put_utf8(buf + out, chars[i])
        i += 1
    return out


cdef Py_ssize_t _fold(const _ucs* chars, Py_ssize_t n, unsigned char* buf) noexcept:
    """The body of scan_bytes: writes after buf[0]; returns the size written in all."""
    cdef Py_ssize_t i = 0, out = 1
    cdef uint64_t block, spaces
    # News text is mostly ASCII, in strings of every width: eight ASCII characters with no
    # tab and no space run are lower-cased and written at once.
    while i + 8 <= n:
        if _ascii8(chars + i, &block):
            spaces = _bytes_equal(block, 0x20)
            if (
                _bytes_equal(block, 0x09) == 0
                and spaces & (spaces << 8) == 0
                and not (chars[i] == 0x20 and buf[out - 1] == 0x20)
            ):
                block = _ascii_lower(block)
                memcpy(buf + out, &block, 8)
                out += 8
                i += 8
                continue
        out = _fold_span(chars, i, i + 8, buf, out)
        i += 8
    return _fold_span(chars, i, n, buf, out)


cdef inline bint _ascii8(const _ucs* chars, uint64_t* block) noexcept:
    """Put chars[0:8] in `block` as eight bytes, in memory order; false if one is not ASCII."""
    cdef uint64_t ones = 0x0101010101010101, lane_ones = 0x0001000100010001, first, second
    cdef unsigned char narrow[8]
    cdef uint32_t seen = 0
    cdef int k
    if _ucs is Py_UCS1:
        memcpy(block, chars, 8)
        return block[0] & (ones * 0x80) == 0
    elif _ucs is Py_UCS2:
        memcpy(&first, chars, 8)
        memcpy(&second, chars + 4, 8)
        if (first | second) & (lane_ones * 0xFF80):
            return False
        first = _narrow4(first)
        second = _narrow4(second)
        block[0] = first | (second << 32) if PY_LITTLE_ENDIAN else (first << 32) | second
        return True
    else:
        for k in range(8):
            seen |= <uint32_t>chars[k]
            narrow[k] = <unsigned char>chars[k]
        memcpy(block, narrow, 8)
        return seen < 0x80


cdef inline uint64_t _narrow4(uint64_t lanes) noexcept:
    """Four 16-bit lanes below 0x100 as four bytes in the low half, in the same order."""
    cdef uint64_t pairs = 0x0000FFFF0000FFFF, quad = 0xFFFFFFFF
    lanes = (lanes | (lanes >> 8)) & pairs
    return (lanes | (lanes >> 16)) & quad


cdef inline uint64_t _bytes_equal(uint64_t block, unsigned char b) noexcept:
    """0x80 in each byte of an all-ASCII `block` that equals `b` (< 0x80), 0 elsewhere: the
    sum sets a byte's top bit when the xor is not zero, and carries into no other byte."""
    cdef uint64_t ones = 0x0101010101010101
    return ~((block ^ (ones * b)) + ones * 0x7F) & (ones * 0x80)


cdef inline uint64_t _ascii_lower(uint64_t block) noexcept:
    """An all-ASCII `block` lower-cased: 0x20 (the top bit, shifted) added to each byte from
    "A" to "Z"."""
    return block | (_ascii_range(block, 0x41, 0x5B) >> 2)


cdef inline Py_ssize_t _fold_span(
    const _ucs* chars, Py_ssize_t i, Py_ssize_t end, unsigned char* buf, Py_ssize_t out
) noexcept:
    """chars[i:end] folded one by one into buf[out:]; returns the new `out`. The last byte
    written tells whether a space was (buf[0] is the leading line break)."""
    cdef Py_UCS4 c, f
    while i < end:
        c = chars[i]
        i += 1
        if c < LOWER_TABLE_SIZE:
            f = _SCAN_FOLD[c]
            if f < 0x80:
                if f != SCAN_SPACE or buf[out - 1] != SCAN_SPACE:
                    buf[out] = <unsigned char>f
                    out += 1
            # A combining dot after "i", "I" or "ı" is dropped (not after "İ", which
            # str.lower() gives a dot of its own).
            elif f != SCAN_DROP and not (
                c == 0x307 and i >= 2 and chars[i - 2] in (0x49, 0x69, 0x131)
            ):
                out += _put_utf8(buf + out, f)
            continue
        if _zero_width(c):
            continue
        c = _wide_variant(_lower(c))
        if _folds_to_space(c):
            if buf[out - 1] == 0x20:
                continue
            c = 0x20
        out += _put_utf8(buf + out, c)
    return out


cdef inline int _put_utf8(unsigned char* dest, Py_UCS4 c) noexcept:
    """Write `c` as UTF-8 (a lone surrogate as "?", as "replace" does); return the size."""
    cdef unsigned int u = <unsigned int>c
    if u < 0x80:
        dest[0] = <unsigned char>u
        return 1
    if u < 0x800:
        dest[0] = <unsigned char>(0xC0 | (u >> 6))
        dest[1] = <unsigned char>(0x80 | (u & 0x3F))
        return 2
    if 0xD800 <= u <= 0xDFFF:
        dest[0] = 0x3F
        return 1
    if u < 0x10000:
        dest[0] = <unsigned char>(0xE0 | (u >> 12))
        dest[1] = <unsigned char>(0x80 | ((u >> 6) & 0x3F))
        dest[2] = <unsigned char>(0x80 | (u & 0x3F))
        return 3
    dest[0] = <unsigned char>(0xF0 | (u >> 18))
    dest[1] = <unsigned char>(0x80 | ((u >> 12) & 0x3F))
    dest[2] = <unsigned char>(0x80 | ((u >> 6) & 0x3F))
    dest[3] = <unsigned char>(0x80 | (u & 0x3F))
    return 4


# Characters below U+0100 that Latin-1/cp1252 shows for UTF-8 lead bytes and that open
# mojibake on their own: Â Ã Ä Å Î Ð Ñ Ø Ù ("â" counts only before "€").
cdef unsigned char _MOJIBAKE_LEAD[256]
memset(_MOJIBAKE_LEAD, 0, 256)
for _k in (0xC2, 0xC3, 0xC4, 0xC5, 0xCE, 0xD0, 0xD1, 0xD8, 0xD9):
    _MOJIBAKE_LEAD[_k] = 1


cdef inline bint _continuation(Py_UCS4 c) noexcept:
    """Whether c is how Latin-1 or cp1252 shows a UTF-8 continuation byte (repair._SUSPECT's
    second class)."""
    return 0x80 <= c <= 0xBF or c in (
        0x0152, 0x0153, 0x0160, 0x0161, 0x0178, 0x017D, 0x017E, 0x0192, 0x02C6, 0x02DC,
        0x2013, 0x2014, 0x2018, 0x2019, 0x201A, 0x201C, 0x201D, 0x201E, 0x2020, 0x2021,
        0x2022, 0x2026, 0x2030, 0x2039, 0x203A, 0x20AC, 0x2122,
    )


def mojibake_suspect(str text):
    """repair._suspect in one pass: whether the text holds a mojibake lead (Ã, Â, Ð, Ñ, Å,
    Ä, Î, Ø, Ù, or "â€") and, anywhere, a lead byte's character (U+00C2-U+00F4) followed
    by a continuation byte's; ASCII skipped eight characters at a time (an ASCII string at
    once)."""
    if PyUnicode_IS_ASCII(text):
        return False
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    if kind == PyUnicode_1BYTE_KIND:
        return _mojibake_suspect(<const Py_UCS1*>data, n)
    if kind == PyUnicode_2BYTE_KIND:
        return _mojibake_suspect(<const Py_UCS2*>data, n)
    return _mojibake_suspect(<const Py_UCS4*>data, n)


cdef bint _mojibake_suspect(const _ucs* chars, Py_ssize_t n) noexcept:
    cdef Py_ssize_t i = 0, k
    cdef uint64_t block
    cdef Py_UCS4 c, after
    cdef bint lead = False, pair = False
    while i < n:
        if i + 8 <= n and _ascii8(chars + i, &block):
            i += 8
            continue
        for k in range(i, min(i + 8, n)):
            c = chars[k]
            if not 0xC2 <= c <= 0xF4:
                continue
            after = chars[k + 1] if k + 1 < n else 0
            lead = lead or _MOJIBAKE_LEAD[c] or (c == 0xE2 and after == 0x20AC)
            pair = pair or _continuation(after)
            if lead and pair:
                return True
        i += 8
    return False


cdef int _count_words_in(
    const _ucs* chars, Py_ssize_t* pos, Py_ssize_t end, int n, int cap
) noexcept:
    """_count_words for one string width: ASCII eight characters at a time (word starts
    counted as bits) while the cap is not reached within the block, then one by one."""
    cdef bint inside = n > 0
    cdef Py_ssize_t k = pos[0], stop
    cdef uint64_t block, spaces, starts, ones = 0x0101010101010101, tops = 0x8080808080808080
    cdef int found
    while k < end:
        if PY_LITTLE_ENDIAN and k + 8 <= end and _ascii8(chars + k, &block):
            spaces = _ascii_range(block, 0x09, 0x0E) | _ascii_range(block, 0x1C, 0x21)
            # A word starts at a byte that is not a space after one that is (byte j - 1 is
            # the lower byte); the block's first byte looks at `inside`.
            starts = ~spaces & ((spaces << 8) | (0 if inside else 0x80)) & tops
            found = <int>(((starts >> 7) * ones) >> 56)
            if n + found < cap:
                n += found
                inside = (spaces >> 63) == 0
                k += 8
                continue
        # A wider character, the line's last few, or the cap-th word: one by one.
        stop = min(k + 8, end)
        while k < stop:
            if Py_UNICODE_ISSPACE(chars[k]):
                inside = False
            elif not inside:
                inside = True
                n += 1
                if n >= cap:
                    pos[0] = k + 1
                    return n
            k += 1
    pos[0] = end
    return n


cdef inline uint64_t _ascii_range(uint64_t block, unsigned char low, unsigned char high) noexcept:
    """0x80 in each byte of an all-ASCII `block` from `low` up to `high` (exclusive): a byte
    has the top bit set by exactly one of the two sums, and neither carries."""
    cdef uint64_t ones = 0x0101010101010101
    return ((block + ones * (0x80 - low)) ^ (block + ones * (0x80 - high))) & (ones * 0x80)
