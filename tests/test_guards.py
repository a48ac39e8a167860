"""The over-removal guards the compiled engine reads in C against their reference in
linetext.py: is_fact_line, is_dek, work_credit and echoes, and the tests the engine puts
before two of them (a line a test rules out is one its guard refuses).

Each is run on every line of every corpus case, on each line's neighbour below, on
variants of a sample of them (case changes, bullets, list numbers, digits, punctuation,
brackets, blanks of other kinds, other scripts, a CRLF line's '\\r', empty lines) and on
generated lines, and must answer as the Python function does. The guards read one line of a
text, so no line holds a line break.
"""

from __future__ import annotations

import os
import random
import re
from functools import cache
from re import _parser  # type: ignore[attr-defined]

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleannews import linetext
from cleannews.compiler import speedups
from tests.corpus_cases import all_cases

if speedups is None:
    if os.environ.get("CI"):
        pytest.fail("the compiled engine was not built in CI", pytrace=False)
    pytest.skip("the compiled engine is not built here", allow_module_level=True)


@cache
def corpus_lines() -> list[str]:
    """Every line of every case's input and expected text, once."""
    lines: dict[str, None] = {}
    for case in all_cases():
        for text in (case.input, case.expected):
            for line in text.split("\n"):
                lines[line] = None
                if line.endswith("\r"):
                    lines[line[:-1]] = None
    return list(lines)


@cache
def neighbour_pairs() -> list[tuple[str, str]]:
    """Each line of each case with the next non-blank line under it: what the engine hands
    the echo guard (a removed line and the paragraph below it)."""
    pairs: dict[tuple[str, str], None] = {}
    for case in all_cases():
        lines = case.input.split("\n")
        for i, line in enumerate(lines):
            for below in lines[i + 1 :]:
                if below.strip():
                    pairs[(line, below)] = None
                    break
    return list(pairs)


# What a variant does to a line: case, list marks, digits, punctuation, brackets, blanks
# of other kinds, letters of other scripts and their case variants, a CRLF line's '\r'.
VARIANTS = (
    str.upper,
    str.lower,
    str.title,
    str.swapcase,
    lambda s: "- " + s,
    lambda s: "• " + s,
    lambda s: "12. " + s,
    lambda s: " \t" + s + " \u00a0",
    lambda s: s + "\r",
    lambda s: s + "?",
    lambda s: s + "？」",
    lambda s: s + ".",
    lambda s: s + ":",
    lambda s: "«" + s + "»",
    lambda s: s + " (Querido)",
    lambda s: s + " (VIDEO)",
    lambda s: s + " – Lisa van Dam",
    lambda s: "Charli XCX – " + s,
    lambda s: s.replace(" ", "\u00a0"),
    lambda s: s.replace(" ", "\t"),
    lambda s: s.replace(" ", "\u2003"),
    lambda s: s.replace(" ", "  "),
    lambda s: s.replace(",", " ,"),
    lambda s: s.replace("e", "3").replace("o", "0"),
    lambda s: s.replace("i", "ı").replace("I", "İ"),
    lambda s: s.replace("s", "ſ").replace("k", "\u212a"),
    lambda s: s.translate(str.maketrans("aeopcxAEOPCX", "аеорсхАЕОРСХ")),  # Cyrillic
    lambda s: s.translate(str.maketrans("abgdeiknoprtABGDEIKNOPRT", "αβγδειкνοπρτΑΒΓΔΕΙΚΝΟΠΡΤ")),
    lambda s: s.replace(":", "："),
    lambda s: s.replace(" ", ""),
    lambda s: s[: len(s) // 2],
    lambda s: s[len(s) // 2 :],
)


@cache
def variant_lines() -> list[str]:
    rng = random.Random(20261125)
    lines = corpus_lines()
    sample = rng.sample(lines, min(1500, len(lines)))
    out = {"": None, " ": None, "\r": None, "\t\u00a0": None}
    for line in sample:
        for variant in VARIANTS:
            out[variant(line)] = None
    return [line for line in out if "\n" not in line]


# Lines each guard holds for, and near misses: they take the branches the corpus rarely does.
FACT_LINES = [
    "Prep time: 15 minutes",
    "Zubereitungszeit: 25 Minuten (+ 15 Minuten backen)",
    "Porsi: 2 orang",
    "  • Kalorien : 450 kcal",
    "Cook time:15",
    "Yield: 4-6 (about 12 cookies)",
    "Temps: 1,5 h ( env. )",
    "Serves: 4 people extra",
    "Prep 2 time: 15 minutes",
    "Prep time: fifteen minutes",
    "Ingrédients： 4/5",
    "Prep time: 15 minutes (x) y",
    "Prep time: 15 (x (y))",
    "Prep time: 15 \r",
    "Prep time: 15 min\u2003",
    "Prep time: 15 min(x)",
    "_Prep: 15",
    "2Prep: 15",
    "Prep\u00a0\u00a0time\u00a0:\u00a015–20",
    "Prep time : 15 minutes\t(approx.)\t",
]
DEK_LINES = [
    "Как в приморском городе второй год не могут открыть новый порт",
    "Why a seaside town still cannot open its new port",
    "Warum der Hafen nicht öffnet",
    "Wer zahlt für den Hafen?",
    "Como, riapre il sentiero",
    "WHY: the port",
    "Whyte stays",
    "„Wie es weitergeht“",
    "NASIL oldu",
    "Nasil oldu",
    "ΠΏΣ έγινε",
    "πώσ έγινε",
    "Por qué se fue",
    "Por  qué se fue",
    "O que muda",
    "Di mana dia",
    "Quelles sont les règles",
    "Welchem Team gehört",
    "Where ; next",
    "WHO\u00a0, next",
    "How?\u00a0)",
    "Quem paga? »",
    "Quem paga?»",
    "Warum der Hafen nicht öffnet？",
    "Warum der Hafen nicht öffnet？ ”",
]
CREDIT_LINES = [
    "De zee van Tromsø – Lisa van Dam (Querido)",
    "The Night Ferry by Anna Cole (Faber)",
    "The Night Ferry by Anna Cole (Faber, £16.99)",
    "Laut Bercerita karya Leila S. Chudori",
    "De zee van Tromsø, Lisa van Dam",
    "Siksa Kubur (Joko Anwar)",
    "Billie Eilish – Hit Me Hard and Soft",
    "Charli XCX – Brat",
    "AFP – Brat",
    "Il nome della rosa, di Umberto Eco",
    "L'amica geniale d'Elena Ferrante (E/O)",
    "Les Misérables, d'Victor Hugo",
    "Jembatan Kayu di Lebak Ambruk",
    "Tor (Video)",
    "Tor (+ Fotos)",
    "Tor (FABER)",
    "Tor (faber)",
    "Tor ( Faber )",
    "Tor (F)",
    "Tor (Fa(b)er)",
    "Tor by Anna de la Cole (Faber)",
    "Tor by ANNA COLE (Faber)",
    "Tor by Anna Cole Ben Dan Eve Fay Gus (Faber)",
    "Tor by Anna 2Cole (Faber)",
    "Tor door J. R. R. Tolkien (Boekerij)",
    "Tor von Anna-Lena O’Neil (Rowohlt)",
    "Tor przez Annę Kowalską (Znak)",
    "Tor от Анны Коль (АСТ)",
    "Tor oleh Anna Cole",
    "Tor av Anna Cole, Tor af Anna Cole",
    "Tor par Anna Cole",
    "Tor,\u00a0by\u00a0Anna Cole",
    "Tor ,by Anna Cole",
    "Tor —\u00a0Anna Cole",
    "  Anna Cole\u00a0–\u00a0Tor",
    "Anna Cole –Tor",
    "Anna Cole - \rTor",
    "A" + "b" * 45 + " Cole – Tor",
    "Anna Cole — Tor — Van Dam",
    "Tor – Lisa van Dam (Querido) ",
    "Tor – Lisa van Dam (Querido)\r",
    "Tor – ǅemal Bey (Querido)",
    "Tor – Lisa VAN DAM (Querido)",
    "Tor – Lisa Kelvin \u212aAN (Querido)",
    "Tor by Anna Cole (+\tVideo)",
    "Tor by Anna Cole (+ \t Fotos extra)",
    "Tor by Anna Cole (Videoteca)",
    # A publisher in brackets: 2 to 60 characters.
    *(f"Tor – Lisa van Dam (Q{'x' * n})" for n in (0, 1, 58, 59, 60, 61)),
    # A maker's name before a dash: at most 41 characters.
    *(f"Anna Maria C{'c' * n} – Tor" for n in range(26, 32)),
    *(f"  Anna Maria C{'c' * n}\u00a0—\u00a0Tor" for n in range(26, 32)),
]
ECHO_PAIRS = [
    ("Werbung", "Auch personalisierte Werbung wird oft ohne Einwilligung ausgespielt."),
    ("Nieuwsbrief", "De nieuwsbrief is gratis."),
    ("Newsletter", "Die Newslettern kommen jeden Tag an."),
    ("Advertentie", "Advertenties zijn overal."),
    ("Cookies", "The cookie banner came first."),
    ("Ads", "Ads everywhere here."),
    ("Werbung", "La empresa también anunció una campaña de publicidad con Werbung."),
    ("Mehr zum Thema", "Mehr zum Thema lesen Sie hier."),
    ("Mehr zum Thema Werbung", "Mehr zum Thema Werbung lesen Sie hier."),
    ("İLAN", "İlanlar burada yayınlanır."),
    ("REKLAMI", "Reklamı burada görürsünüz."),
    ("ΔΙΑΦΗΜΙΣΗ", "Η διαφήμιση είναι παντού."),
    ("Σ-Werbung", "Die σ-werbung ist neu."),
    ("广告内容", "广告内容很多。"),
    ("Pub", "Pub crawl."),
    ("— Werbung —", "  » Werbung wird gezeigt."),
    ("Werbung2", "Werbung2 wird gezeigt."),
    ("Werbung", "Die neue, große, bunte, laute Werbung wird gezeigt."),
    ("Werbung", "Die neue große bunte laute Werbung wird gezeigt."),
    ("Werbung", "Xwerbung werbung."),
    ("Anzeige", "\u200bAnzeige\u00ad wird gezeigt."),
    ("", "Anything."),
    ("Werbung", ""),
]

GUARDS = {
    "fact": (linetext.is_fact_line, speedups.fact_line),
    "dek": (linetext.is_dek, speedups.dek),
    "credit": (linetext.work_credit, speedups.work_credit),
}
PRECHECKS = {"dek": speedups.dek_possible}


def _same_on_lines(lines: list[str]) -> None:
    for name, (reference, native) in GUARDS.items():
        precheck = PRECHECKS.get(name)
        for line in lines:
            expected = reference(line)
            assert native(line) == expected, (name, line)
            if precheck is not None and expected:
                assert precheck(line), (name, "ruled out", line)


def _same_on_pairs(pairs: list[tuple[str, str]]) -> None:
    for label, line in pairs:
        expected = linetext.echoes(label, line)
        assert speedups.echoes(label, line) == expected, (label, line)
        if expected:
            assert speedups.echo_possible(label, line), ("ruled out", label, line)


def test_guards_on_corpus_lines() -> None:
    _same_on_lines(corpus_lines())


def test_guards_on_variants_of_corpus_lines() -> None:
    _same_on_lines(variant_lines())


def test_guards_on_their_own_lines_and_near_misses() -> None:
    lines = FACT_LINES + DEK_LINES + CREDIT_LINES
    _same_on_lines([variant(line) for line in lines for variant in (str, *VARIANTS)])
    # Each guard holds on some of them, so the comparison reads its positive branches too.
    assert all(linetext.is_fact_line(line) for line in FACT_LINES[:7])
    assert sum(map(linetext.is_dek, DEK_LINES)) >= 10
    assert {linetext.work_credit(line) for line in CREDIT_LINES} == {0, 1, 2}


def test_echo_guard_on_corpus_neighbours() -> None:
    _same_on_pairs(neighbour_pairs())


def test_echo_guard_on_labels_taken_from_the_line_below() -> None:
    """Labels made of the words of the paragraph below (where the guard holds), in other
    cases, stemmed, with marks, and labels over the paragraphs of other cases."""
    rng = random.Random(7)
    pairs = list(ECHO_PAIRS)
    below = [line for _, line in neighbour_pairs() if line.strip()]
    for line in rng.sample(below, min(1500, len(below))):
        words = line.split()
        k = rng.randrange(len(words))
        for label in (
            words[k],
            " ".join(words[k : k + 2]),
            " ".join(words[k : k + 4]),
            words[k].upper(),
            words[k][:-1],
            words[k] + "s",
            "» " + words[k].title() + ":",
        ):
            pairs.append((label, line))
            pairs.append((label, VARIANTS[rng.randrange(len(VARIANTS))](line)))
        pairs.append((rng.choice(below)[:20], line))
    _same_on_pairs(pairs)
    assert sum(linetext.echoes(label, line) for label, line in pairs) > 500


LINE_CHARS = st.sampled_from(
    [
        *"aAbBdDeEkKoOsSvVyYwWhH ,.:;()-–—'’\"«»?!0129\t\u00a0\u2003\r_+/",
        *["by", "de", "d'", "karya", "von", "van", "Lisa", "Dam", "AFP", "S.", "how", "Warum"],
        *["Как", "πώς", "ΠΏΣ", "ı", "İ", "ſ", "\u212a", "ǅ", "²", "٣", "\u200b", "\u00ad", "Σ"],
        *["Prep time", "Porsi", ": 15", "12", "(Faber)", "(Video)", "(+ Fotos)", "Werbung"],
    ]
)
LINES = st.lists(LINE_CHARS, max_size=24).map("".join)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(LINES)
def test_guards_on_generated_lines(line: str) -> None:
    _same_on_lines([line])


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(LINE_CHARS, min_size=1, max_size=4).map("".join), LINES)
def test_echo_guard_on_generated_pairs(label: str, line: str) -> None:
    _same_on_pairs([(label, line), (label, label + " " + line), (label, line + " " + label)])


def _language(pattern: str) -> set[str]:
    """Every string a pattern of literals, groups, alternatives, small repeats and sets of
    literals matches (for the word lists of linetext's patterns)."""

    def strings(items) -> set[str]:  # type: ignore[no-untyped-def]
        out = {""}
        for op, av in items:
            name = str(op)
            if name == "LITERAL":
                options = {chr(av)}
            elif name == "IN":
                options = {chr(v) for o, v in av if str(o) == "LITERAL"}
            elif name == "SUBPATTERN":
                options = strings(av[-1])
            elif name == "BRANCH":
                options = set().union(*(strings(b) for b in av[1]))
            elif name == "MAX_REPEAT":
                low, high, sub = av
                inner = strings(sub)
                options, level = set(), {""}
                for count in range(high + 1):
                    if count >= low:
                        options |= level
                    level = {a + b for a in level for b in inner}
            else:
                raise ValueError(name)
            out = {a + b for a in out for b in options}
        return out

    return strings(_parser.parse(pattern))


def _group(pattern: re.Pattern[str], opening: str, closing: str) -> str:
    source = pattern.pattern
    start = source.index(opening) + len(opening)
    return source[start : source.index(closing, start)]


def test_word_lists_are_the_patterns_words() -> None:
    assert set(speedups.DEK_WORDS) == _language(_group(linetext._DEK_OPENER, "*(?:", ")(?!"))
    assert set(speedups.FORMAT_WORDS) == _language(_group(linetext._FORMAT_WORDS, "?(?:", ")\\b"))
    makers = _group(linetext._MAKER, "[ \\t\\u00a0](?:", ")|")
    # 'de la' is never read: 'de' comes first in the alternation and takes the same blank.
    assert set(speedups.MAKER_WORDS) == _language(makers) - {"de la"}
    comma = _group(linetext._MAKER, ",(?:[ \\t\\u00a0](?:", "))?")
    assert set(speedups.COMMA_MAKER_WORDS) == _language(comma)
    assert set(speedups.NAME_PARTICLES) == linetext._NAME_PARTICLES
