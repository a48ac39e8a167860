"""How the engine sees a line: its normalised form, its word count, prose or headline.

One definition shared by the compiler (phrases) and the engine (lines), so that a phrase
and the line it names always normalise alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Protocol

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"\s+")
# Han ideographs (with extension A and compatibility forms), hiragana and katakana.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Sentence punctuation, then optional closing quotes/brackets, at the end of a line. The
# full stops of scripts without "." count as full stops: Devanagari and Bengali danda "।"
# and "॥", Urdu "۔", Ethiopic "።", Armenian "։", Myanmar "။"; the Arabic and Ethiopic
# question marks "؟" and "፧" as sentence ends. The CJK ideographic full stop "。" ends a
# sentence too, never a headline or a teaser.
_SENTENCE_END = re.compile(r"[.!?…。！？؟፧।॥۔።։။][\"'”’»«)\]]*\s*$")
_FULL_STOP_END = re.compile(r"(?:(?<![.…])\.|[।॥۔።։။。])[\"'”’»«)\]]*\s*$")
# A line that opens with a bracket is a note under a title ('(Origine: …)'), not a headline.
_BRACKET_START = re.compile(r"\s*[(（]")
# Nor is a line that ends in a colon: it leads into what follows (a court's "… as follows:",
# a speaker's "… said:"), so a short line above it is a sub-heading, not a kicker.
_COLON_END = re.compile(r"[:：][\"'”’»«)\]]*\s*$")

# Letters that `re` and `regex` match under (?i) for a letter of another lower case (the
# extra cases of `re._casefix`; "İ" lower-cases to "i" + a combining dot, folded apart),
# each to that letter's lower case: the pre-filter looks for lower-cased literals in
# lower-cased text, and must find one wherever a case-insensitive pattern matches it.
CASE_VARIANTS = {
    "\u0131": "i",  # dotless i
    "\u017f": "s",  # long s
    "\u00b5": "\u03bc",  # micro sign: mu
    "\u0345": "\u03b9",  # combining iota: iota
    "\u1fbe": "\u03b9",
    "\u1fd3": "\u0390",
    "\u1fe3": "\u03b0",
    "\u03c2": "\u03c3",  # final sigma: sigma (lower-casing one character cannot tell them)
    "\u03d0": "\u03b2",  # Greek symbol forms: beta, theta, phi, pi, kappa, rho, epsilon
    "\u03d1": "\u03b8",
    "\u03d5": "\u03c6",
    "\u03d6": "\u03c0",
    "\u03f0": "\u03ba",
    "\u03f1": "\u03c1",
    "\u03f5": "\u03b5",
    "\u1c80": "\u0432",  # old Cyrillic letter forms: ve, de, o, es, te, te, hard sign, yat
    "\u1c81": "\u0434",
    "\u1c82": "\u043e",
    "\u1c83": "\u0441",
    "\u1c84": "\u0442",
    "\u1c85": "\u0442",
    "\u1c86": "\u044a",
    "\u1c87": "\u0463",
    "\u1c88": "\ua64b",
    "\u1e9b": "\u1e61",  # long s with dot above
    "\ufb05": "\ufb06",  # ligature long s t
}

PROSE_MIN_WORDS = 5
# Chinese and Japanese are written without spaces, so a sentence counts as one word: a line
# with this many Han or kana characters stands for PROSE_MIN_WORDS words in the prose test.
PROSE_MIN_UNSPACED = 10
HEADLINE_MIN_WORDS = 4
# Live lines a kicker in the head may have above it: an image caption and its credit, or a
# site name. Deeper in a text without prose at its top, a short line over a headline-like
# one is a list item or a sub-heading ('1 TL Backpulver', 'Vorteile').
KICKER_MAX_ABOVE = 2
# A story's sub-heading under a teaser block: "Omleiding", "Möglicher Verkauf". Teasers have
# a subject and a verb ("Torjäger trifft erneut"), so three words already read as one.
SUBHEADING_MAX_WORDS = 2
# A line longer than this many characters per allowed word cannot be within `max_words`;
# checking it first spares counting the words of long prose lines a trigger word hit.
CHARS_PER_WORD = 30


@lru_cache(maxsize=4096)
def _is_edge(char: str) -> bool:
    return char.isspace() or unicodedata.category(char)[0] in "PSZC"


def normalize_line(line: str) -> str:
    """Lower-case (Turkish dotless and dotted i folded to "i"), spaces folded, zero-width
    removed, edge punctuation and symbols stripped."""
    folded = line.translate(ZERO_WIDTH).lower()
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
    """Several words ending in sentence punctuation: the lines zones are measured from. In
    Chinese and Japanese, which have no spaces between words, several Han or kana characters."""
    return _SENTENCE_END.search(line) is not None and (
        word_count(line) >= PROSE_MIN_WORDS or unspaced_count(line) >= PROSE_MIN_UNSPACED
    )


def unspaced_count(line: str) -> int:
    """How many Han, hiragana and katakana characters the line holds."""
    return len(_UNSPACED.findall(line))


def full_stop_end(line: str) -> bool:
    """The line ends in a sentence-final full stop (of any script)."""
    return _FULL_STOP_END.search(line) is not None


def is_headline_like(line: str, max_words: int) -> bool:
    """A teaser headline: short enough, no sentence-final full stop, and no sentence ending
    inside it (a body line cut off or ending in a colon is not a headline)."""
    return (
        not is_blank(line)
        and word_count(line) <= max_words
        and _FULL_STOP_END.search(line) is None
        and not has_inner_sentence_end(line)
    )


_OPENERS = "([\"“„«‘'"
# A clock time and a year: a date stamp ('sexta-feira, 22 de outubro de 2010 às 20:13'),
# never a headline.
_CLOCK = re.compile(r"(?<![0-9])[0-9]{1,2}[:h][0-9]{2}(?![0-9])")
_YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")
# A numbered list item ('5. Beware the hairdryer'): inside the body it continues the
# article's list, never a teaser of a more-stories block.
_LIST_NUMBER = re.compile(r"[ \t\u00a0]*[0-9]{1,2}[.)][ \t\u00a0]")
# A list bullet and its blank at the start of a line: '- …', '• …', '▶ …'.
_BULLET = re.compile(r"[ \t\u00a0]*[-–—•·▶►▸*][ \t\u00a0]")
# Words before a sentence end inside a line that make it a sentence of the body, not the
# first half of a two-part headline ('A City Made Its Buses Free. Now It Has to Pay').
INNER_SENTENCE_MIN_WORDS = 8


def has_inner_sentence_end(line: str) -> bool:
    """A sentence of at least INNER_SENTENCE_MIN_WORDS words ending inside the line: a full
    stop after a lower-case word of three letters or more, then spaces and a capital
    ('… yang tertangkap warga. Saat', '… against Dominica. (FILE)'), but not 'St. Petersburg',
    'Mr. Musk' or 'vs. Chelsea'. The words are counted from the sentence end before it, if any;
    opening brackets and quotes may stand before the capital."""
    stop = line.find(".", 3)
    while stop >= 0:
        after = stop + 1
        while after < len(line) and line[after] in " \t\u00a0":
            after += 1
        spaced = after > stop + 1
        while after < len(line) and line[after] in _OPENERS:
            after += 1
        if (
            spaced
            and after < len(line)
            and line[after].isupper()
            and all(c.islower() for c in line[stop - 3 : stop])
            and len(line[_sentence_start(line, stop) : stop].split()) >= INNER_SENTENCE_MIN_WORDS
        ):
            return True
        stop = line.find(".", stop + 1)
    return False


def _sentence_start(line: str, stop: int) -> int:
    """Where the sentence ending at `stop` starts: after the last '.', '!' or '?' before it."""
    return max(line.rfind(".", 0, stop), line.rfind("!", 0, stop), line.rfind("?", 0, stop)) + 1


def colon_end(line: str) -> bool:
    """A lead-in: a line ending in a colon (before closing quotes, brackets and spaces)."""
    return _COLON_END.search(line) is not None


def is_headline(line: str) -> bool:
    """A line that can be a story's headline: a few words, not a sentence, not a lead-in
    ending in a colon."""
    return (
        word_count(line) >= HEADLINE_MIN_WORDS
        and not is_prose(line)
        and _FULL_STOP_END.search(line) is None
        and _BRACKET_START.match(line) is None
        and _COLON_END.search(line) is None
    )


def is_date_or_caption(line: str) -> bool:
    """A date stamp, or a caption with a sentence ending inside it: under a short line
    ('Classificação NASCAR', 'Tridents’ challenge'), what shows that line is the headline
    itself, not a kicker over one."""
    return is_date_stamp(line) or has_inner_sentence_end(line)


def is_date_stamp(line: str) -> bool:
    """A clock time and a year in one line."""
    return _CLOCK.search(line) is not None and _YEAR.search(line) is not None


# A match result: two whole runs of one to three digits joined by a dash or a colon
# ('Quick Boys – Katwijk 2-2', 'Palm Bay d. Rockledge 70-44', 'TSV Altdorf – SV Neustadt
# 28:24'), the first not after '.', ':', '/' or a dash, the second not before one of them
# and a digit (a date or a longer number: '12.03-15.03', '2019-20'); or a line ending in a
# run of one to three digits after a space, with such a run (not after one of those marks)
# and a comma before it ('Central 54, North 41').
_SCORE = re.compile(
    r"(?<![0-9.:/\-–—])[0-9]{1,3}[ \t\u00a0]*[-–—:][ \t\u00a0]*[0-9]{1,3}(?![0-9]|[.:/\-–—][0-9])"
    r"|(?<![0-9.:/\-–—])[0-9]{1,3},[ \t\u00a0].*[ \t\u00a0][0-9]{1,3}[ \t\u00a0]*$"
)


_FIRST_WORD = re.compile(r"\s*(\w+)")


def starts_lowercase_word(line: str) -> bool:
    """Whether the line opens with a word all in lower case ('which were released online,'):
    a sentence going on from the line above it, as in text hard-wrapped inside a paragraph,
    never a headline. 'iPhone' or 'eBay' (a capital inside) and scripts without case are not."""
    m = _FIRST_WORD.match(line)
    if m is None:
        return False
    word = m.group(1)
    return word[0].islower() and not any(c.isupper() for c in word)


def is_score(line: str) -> bool:
    """A line holding a match result (see _SCORE) and no date stamp ('4 Mayıs 2022 Çarşamba
    00:27' holds a clock time, not a score): a results list, never a headline that a kicker
    stands over."""
    return _SCORE.search(line) is not None and not is_date_stamp(line)


def is_list_item(line: str) -> bool:
    """A line opening with a list number: '5. …', '12) …'."""
    return _LIST_NUMBER.match(line) is not None


def is_bulleted(line: str) -> bool:
    """A line opening with a list bullet and a blank: '- …', '• …', '▶ …'."""
    return _BULLET.match(line) is not None


# -- Lines that say the line above them is the story's, not a label

# A label line of at most this many words whose word comes back in the paragraph right
# below it is that paragraph's sub-heading ('Werbung' over 'Auch personalisierte Werbung
# wird …'), not a widget label (see `echoes`).
ECHO_MAX_WORDS = 3
# Among how many first words of the paragraph the label's word must come back: a
# sub-heading names the paragraph's subject, which it opens with ('Auch personalisierte
# Werbung …'); an ad label over a paragraph that mentions ads further on ('La empresa
# también anunció una campaña de publicidad …') stays a label.
ECHO_LEAD_WORDS = 4
# The first blank-separated words of a line, as many as a label may reach into from the
# last word it may start at, and one for a leading mark that normalize_line strips: only
# they are normalised (a paragraph's whole text never is).
_LEAD_WORDS = re.compile(rf"\s*(?:\S+\s+){{0,{ECHO_LEAD_WORDS + ECHO_MAX_WORDS}}}\S+")
_LABEL_WORDS = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def echoes(label: str, line: str) -> bool:
    """Whether a label of one to ECHO_MAX_WORDS words comes back at a word start among the
    first ECHO_LEAD_WORDS words of `line`:
    the whole label, or for one word its stem (the word less its last letter from six
    letters on, its last two from seven: 'Newsletter' in 'Newslettern', 'Advertentie' in
    'Advertenties', 'Cookies' in 'cookie'), of at least four letters ('Ads', 'Tip' and two
    Han characters never count). A story about ads, cookies or newsletters heads its
    paragraphs with the words those widgets use as labels; a label over an unrelated
    paragraph stays a label."""
    key = normalize_line(label)
    words = key.split(" ")
    if not key or len(words) > ECHO_MAX_WORDS:
        return False
    if not all(_LABEL_WORDS.fullmatch(word) for word in words):
        return False
    if len(words) == 1:
        n = len(key)
        key = key if n <= 5 else key[: n - 1] if n == 6 else key[: n - 2]
        if len(key) < 4:
            return False
    head = _LEAD_WORDS.match(line)
    text = normalize_line(head.group(0) if head else line)
    found = text.find(key)
    while found >= 0 and text.count(" ", 0, found) < ECHO_LEAD_WORDS:
        if found == 0 or not text[found - 1].isalnum():
            return True
        found = text.find(key, found + 1)
    return False


# A recipe's or a fact box's line: a label, a colon and a quantity ('Zubereitungszeit: 25
# Minuten (+ 15 Minuten backen)', 'Prep time: 15 minutes', 'Porsi: 2 orang'): a short line
# above it is the recipe's or the box's title, never a kicker over a headline.
_FACT_LINE = re.compile(
    r"[^\w\n]*[^\W\d_][^\W\d_'’-]*(?:[ \t\u00a0]+[^\W\d_][^\W\d_'’-]*)?[ \t\u00a0]*[:：]"
    r"[ \t\u00a0]*[0-9][0-9.,/–-]*(?:[ \t\u00a0]+[^\s(]+)?[ \t\u00a0]*(?:\([^()\n]*\))?\s*$"
)


def is_fact_line(line: str) -> bool:
    """A label of one or two words, a colon and a number with at most one word (a unit)
    after it: a recipe's time or yield, a fact box's figure."""
    return _FACT_LINE.match(line) is not None


# The question words that open an indirect question: a dek under a short headline opens
# with one ('Как в приморском городе второй год не могут открыть новый порт', 'Why a
# seaside town still cannot open its new port', 'Warum der Hafen nicht öffnet').
_DEK_OPENER = re.compile(
    r"[\s\"'“„«‘]*(?:how|why|what|who|when|where|which|wie|warum|weshalb|wieso|was|wer|wo|"
    r"wann|welche[rsnm]?|hoe|waarom|wat|waar|wanneer|welke|comment|pourquoi|qui|quand|où|"
    r"quel(?:le)?s?|cómo|como|por qué|porque|qué|quién|quiénes|cuándo|dónde|cuál|perché|"
    r"come|chi|cosa|quando|dove|quale|bagaimana|mengapa|kenapa|siapa|apa|kapan|di mana|"
    r"как|почему|что|кто|где|когда|зачем|какие|какой|jak|dlaczego|kto|gdzie|kiedy|"
    r"nasıl|neden|niçin|hur|varför|vad|vem|hvordan|hvorfor|hvad|hvem|proč|kdo|kde|"
    r"miért|hogyan|por que|o que|quem|onde|de ce|cine|unde|cum|πώς|γιατί|ποιος|як|чому|"
    r"що|хто)(?!\w)(?![ \t\u00a0]*[,:;])",
    re.IGNORECASE,
)
_QUESTION_END = re.compile(r"[?？][\"'”’»)\]]*\s*$")


def is_dek(line: str) -> bool:
    """A line that opens with a question word (not followed by a comma or colon: 'Como,
    riapre il sentiero' names the town) and does not end in a question mark: an indirect
    question, the form of a dek that explains a short headline above it (a headline over
    a kicker asks directly: 'Wer zahlt für den Hafen?')."""
    return _DEK_OPENER.match(line) is not None and _QUESTION_END.search(line) is None


# A list of works under a heading: each line a title and its maker ('De zee van Tromsø –
# Lisa van Dam (Querido)', 'The Night Ferry by Anna Cole (Faber)', 'Laut Bercerita karya
# Leila S. Chudori'): a review's or a jury's picks, the story's own list, never the
# headlines of a teaser block.
# Italian 'di' and 'da' count only after a comma (', di Elena Ferrante'): Indonesian headlines
# in title case use 'di' ('in') before place names ('Jembatan Kayu di Lebak Ambruk').
_MAKER = re.compile(
    r"(?:,[ \t\u00a0]+|[ \t\u00a0])d['’](?=\w)"
    r"|(?:[ \t\u00a0](?:by|von|door|van|de|par|karya|oleh|av|af|przez|od|от|de la)"
    r"|[ \t\u00a0][–—-]|,(?:[ \t\u00a0](?:by|von|door|de|di|da|par))?)[ \t\u00a0]+"
)
_NAME_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "di", "da", "du", "del", "della", "la", "le", "ter"}
    | {"ten", "bin", "binti", "al", "el", "y"}
)
_INITIAL = re.compile(r"[^\W\d_]\.")
_WORK_PAREN = re.compile(r"[ \t\u00a0]*\(([^()\n]{2,60})\)[ \t\u00a0]*$")
# Marks of a teaser's format in brackets, never a publisher: '(Video)', '(Fotos)'.
_FORMAT_WORDS = re.compile(
    r"(?i)(?:\+[ \t]*)?(?:video|videos|foto|fotos|foto's|photos?|bilder|galerie|gallery|"
    r"audio|podcast|live|liveblog|update|updated|interview|opinion|opinie|meinung|"
    r"analysis|analyse|kommentar|column|kolom|plus|premium|abo|grafik|infographic)\b"
)


def _capitalised(word: str) -> bool:
    """A capital first and not all capitals: a name's word ('Lisa', 'McAfee'), not 'AFP'."""
    return word[:1].isupper() and not word.isupper()


def work_credit(line: str) -> int:
    """How plainly the line names a work and its maker: 2 for a title, a maker word, a
    dash or a comma, a name of two or more capitalised words (name particles between), and
    a publisher or label in brackets that is no format mark ('(Querido)', '(Faber, £16.99)');
    or a title, 'karya' and a name (Indonesian: 'the work of'); 1 for the same without the
    bracket ('De zee van Tromsø, Lisa van Dam'), for a maker's name in brackets at the end
    ('Siksa Kubur (Joko Anwar)'), or for a maker's name before a spaced dash ('Billie
    Eilish – Hit Me Hard and Soft'); 0 otherwise."""
    paren = _WORK_PAREN.search(line)
    body = line[: paren.start()] if paren else line
    if paren is not None:
        inner = paren.group(1).strip()
        if not inner[:1].isupper() or inner.isupper() or _FORMAT_WORDS.match(inner):
            paren = None
    best = 0
    for m in _MAKER.finditer(body):
        if m.start() == 0:
            continue
        if _is_name(body[m.end() :].split()):
            if paren is not None or "karya" in m.group(0):
                return 2
            best = 1
    if best == 0 and paren is not None and _is_name(paren.group(1).split()):
        best = 1  # the director's or author's name in brackets
    if best == 0:
        dash = _NAME_DASH.match(body)
        if dash is not None and _is_name(dash.group(1).split(), all_caps=True):
            best = 1
    return best


_NAME_WORD = re.compile(r"[^\W\d_][^\W\d_.'’-]*(?:[.'’-][^\W\d_]*)*\.?")
# A maker's name, then a spaced dash and the work: 'Charli XCX – Brat'.
_NAME_DASH = re.compile(r"[ \t\u00a0]*([^\W\d_][^–—]{0,40}?)[ \t\u00a0]+[–—-][ \t\u00a0]+\S")


def _is_name(words: list[str], all_caps: bool = False) -> bool:
    """Two to four capitalised words (or initials), name particles between, six words at
    most: 'Lisa van Dam', 'Leila S. Chudori'. With `all_caps`, a word in capitals may stand
    beside a capitalised one ('Charli XCX'), never alone ('AFP')."""
    capitals = [w for w in words if w.lower() not in _NAME_PARTICLES]
    if not 2 <= len(capitals) <= 4 or len(words) > 6:
        return False
    if not all(_NAME_WORD.fullmatch(w) for w in words):
        return False  # 'Brexit:' or '2024' is no word of a name
    if all_caps and any(_capitalised(w) for w in capitals):
        return all(_INITIAL.fullmatch(w) or w[:1].isupper() for w in capitals)
    return all(_INITIAL.fullmatch(w) or _capitalised(w) for w in capitals)


# Text whose inline links each stand on a line of their own (a scraper joining a paragraph's
# text nodes with line breaks): 'menghentikan sementara operasional' / 'PT GAG Nikel' /
# 'di Raja Ampat.'. A line there is a piece of a sentence, whatever it looks like alone.
# A line ends open when no sentence or clause ends there: a word, a comma, an opening
# bracket or a dash last (a quote mark may close a quote). Tested on the last character
# only: a search for the end of a long paragraph line tries every position of it.
_OPEN_LAST = frozenset(",([/&–—-_")
# A line going on from the one above it: opening with a closing bracket, a comma, full stop,
# semicolon or colon (', Provinsi Papua Barat Daya.', ') menyatakan').
_GOING_ON = re.compile(r"[ \t\u00a0]*[),.;:\]](?!\.)")
# Or opening with a lower-case word and holding a comma, full stop, semicolon or bracket
# ('di Raja Ampat.'): a sentence's rest; without one ('comments powered by Disqus',
# 'von Peter Unfried', 'sumber : Antara') the line is as likely a label or a byline.
_SENTENCE_MARK = re.compile(r"[,.;](?![^\s\u00a0])|[()]")
_INNER_MARK = re.compile(r"[,.;:()]")
_BRACKETED = re.compile(r"[ \t\u00a0]*\(.*\)[ \t\u00a0]*$")
# How many line joins inside sentences make a text one broken that way throughout (then a
# line opening as a sentence's rest is one, whatever the line above it).
WRAPPED_MIN_JOINS = 3


def ends_open(line: str) -> bool:
    """The line stops where no sentence or clause ends: a word character, a comma, an opening
    bracket or a dash last (never sentence punctuation nor a closing quote or bracket)."""
    last = line.rstrip(" \t\u00a0\r")[-1:]
    return bool(last) and (last.isalnum() or last in _OPEN_LAST)


def _middle_end(line: str) -> bool:
    """The line ends in the middle of a sentence: with a word all in lower case ('… sementara
    operasional'), a comma or an opening bracket; not a name ('Kirsten Freund'), a handle
    or a link."""
    words = line.rsplit(None, 1)  # from the right: the last word only
    if not words:
        return False
    last = words[-1]
    return last[-1] in ",(" or (last.isalpha() and last.islower())


def _goes_on(line: str) -> bool:
    """The line opens with a closing bracket or a comma, full stop, semicolon or colon."""
    return _GOING_ON.match(line) is not None


def _rest_of_sentence(line: str) -> bool:
    """The line opens with a lower-case word and holds sentence punctuation."""
    return starts_lowercase_word(line) and _SENTENCE_MARK.search(line) is not None


def _sentence_piece(line: str) -> bool:
    """Long enough, or marked enough, to be part of a sentence rather than a keyword."""
    return (
        len(line.split(None, HEADLINE_MIN_WORDS)) >= HEADLINE_MIN_WORDS
        or _INNER_MARK.search(line) is not None
    )


def wrapped_joins(content: Callable[[int], str], count: int, enough: int) -> int:
    """How many line breaks inside sentences the text holds, counted up to `enough`."""
    joins = 0
    above = ""
    for k in range(count):
        line = content(k)
        if above and ends_open(above) and (_goes_on(line) or _rest_of_sentence(line)):
            joins += 1
            if joins >= enough:
                break
        above = line
    return joins


def mid_sentence(
    content: Callable[[int], str], count: int, i: int, wrapped: Callable[[], bool]
) -> bool:
    """Whether line i is a piece of a sentence broken across lines: the line right above it
    ends open (ends_open), and the line right below it goes on with the sentence (opening
    with a closing bracket or punctuation: ') menyatakan', ', Provinsi', when one of the
    two lines is a sentence's piece, not a keyword; or opening with a lower-case word and
    holding punctuation, 'di Raja Ampat.', under a line ending mid-sentence), or line i
    itself is a sentence's rest in a text broken that way throughout (`wrapped`:
    'di Pulau Gag, Kebupaten'). A line wholly in brackets ('(pus/dar)') stands on its own."""
    if i <= 0:
        return False
    above = content(i - 1)
    if is_blank(above) or not ends_open(above):
        return False
    line = content(i)
    if _BRACKETED.match(line):
        return False
    if i + 1 < count:
        below = content(i + 1)
        if _goes_on(below) and (_sentence_piece(above) or _sentence_piece(below)):
            return True
        if _rest_of_sentence(below) and _middle_end(above):
            return True
    return _rest_of_sentence(line) and wrapped()


def wrapped_headline(
    content: Callable[[int], str], count: int, j: int, wrapped: Callable[[], bool]
) -> bool:
    """Whether line j, read as a headline under a label, is rather the start of a sentence
    broken across lines: it ends with a comma, an opening bracket or a dash, or the line right
    below it goes on with it (opening with a closing bracket or punctuation, or as a
    sentence's rest; in a text broken that way throughout (`wrapped`), with any lower-case
    word: 'Indonesia Tony Wenas mengatakan … seiring dengan tren' over 'transisi energi'.
    Elsewhere a byline under a headline may open with one: 'von Marcel Rosenbach')."""
    line = content(j).rstrip()
    if line.endswith((",", "(", "-", "–", "—")):
        return True
    if j + 1 >= count:
        return False
    below = content(j + 1)
    if _goes_on(below) or _rest_of_sentence(below):
        return True
    if not starts_lowercase_word(below):
        return False
    if j + 2 < count:
        further = content(j + 2)  # 'dividen' / 'senilai Rp 1,22 triliun atau …'
        if _goes_on(further) or _rest_of_sentence(further):
            return True
    return wrapped()


def label_mid_sentence(content: Callable[[int], str], i: int, wrapped: Callable[[], bool]) -> bool:
    """Whether label line i stands right under a line ending in the middle of a sentence
    ('… secara resmi meluncurkan' over 'New Honda HR-V') in a text broken inside sentences
    throughout: the label is the sentence's next piece, an inline link's text."""
    if i <= 0:
        return False
    above = content(i - 1)
    return not is_blank(above) and _middle_end(above) and wrapped()


class _Lines(Protocol):
    count: int

    def content(self, i: int) -> str: ...


# The last text asked about and whether it is broken inside sentences throughout (one text
# at a time: a new text replaces it; the pair is swapped whole, never half).
_wrapped_memo: list[tuple[object, bool]] = [(None, False)]


def _wrapped_text(doc: _Lines) -> Callable[[], bool]:
    """Whether the Document's text is broken inside sentences throughout: the text-wide count
    of joins is made once per text, and only when a test needs it."""

    def wrapped() -> bool:
        memo = _wrapped_memo[0]
        if memo[0] is not doc:
            fast = getattr(doc, "wrapped_joins", None)  # the compiled document's, in place
            joins = (
                fast(WRAPPED_MIN_JOINS)
                if fast is not None
                else wrapped_joins(doc.content, doc.count, WRAPPED_MIN_JOINS)
            )
            memo = (doc, joins >= WRAPPED_MIN_JOINS)
            _wrapped_memo[0] = memo
        return memo[1]

    return wrapped


def mid_sentence_line(doc: _Lines, i: int) -> bool:
    """mid_sentence for line i of a Document (or the compiled one)."""
    return mid_sentence(doc.content, doc.count, i, _wrapped_text(doc))


def wrapped_headline_line(doc: _Lines, j: int) -> bool:
    """wrapped_headline for line j of a Document (or the compiled one)."""
    return wrapped_headline(doc.content, doc.count, j, _wrapped_text(doc))


def label_mid_sentence_line(doc: _Lines, i: int) -> bool:
    """label_mid_sentence for line i of a Document (or the compiled one)."""
    return label_mid_sentence(doc.content, i, _wrapped_text(doc))


# An answer option of a quiz or a test question: a letter in brackets or before a bracket or
# full stop ('(C) Jakarta', 'b) 42', 'D. Medan').
_OPTION = re.compile(r"[ \t\u00a0]*([(\[]?)([A-Ea-e])([).\]])[ \t\u00a0]+\S")


def _option_letter(line: str) -> tuple[str, int, str] | None:
    m = _OPTION.match(line)
    if m is None or (m.group(1) and m.group(3) == "."):
        return None
    return m.group(1), ord(m.group(2).lower()), m.group(3)


def option_line(content: Callable[[int], str], count: int, i: int) -> bool:
    """Whether line i is an answer option next to the option before or after it, written
    the same way ('(B) Surabaya' / '(C) Jakarta' / '(D) Medan'): the question's choices,
    whatever one of them looks like alone ('(C) Jakarta' is no copyright credit)."""
    mine = _option_letter(content(i))
    if mine is None:
        return False
    for step in (-1, 1):
        j = i + step
        while 0 <= j < count and is_blank(content(j)):
            j += step
        if 0 <= j < count:
            other = _option_letter(content(j))
            if other is not None and other[0] == mine[0] and other[2] == mine[2] and (
                other[1] == mine[1] + step
            ):
                return True
    return False


def option_line_in(doc: _Lines, i: int) -> bool:
    """option_line for line i of a Document (or the compiled one)."""
    return option_line(doc.content, doc.count, i)
