"""The compiled engine (src/cleannews/_speedups.pyx) against its reference, engine.py.

Both must make the same removals, with the same offsets and warnings, on every corpus case
and on generated texts; the pre-filter's line mapping and line normalisation likewise. CI
builds the extension: there a missing build is a failure, not a skip.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleannews import Cleaner, apply_trace
from cleannews.compiler import (
    AhoCorasickScanner,
    CompiledRules,
    HyperscanScanner,
    Literal,
    RegexScanner,
    literal_form,
    scan_form,
    speedups,
)
from cleannews.engine import Document, find_removals
from cleannews.linetext import mid_sentence_line, normalize_line, wrapped_joins
from cleannews.repair import _suspect_slow
from tests.corpus_cases import CORPUS, all_cases

if speedups is None:
    if os.environ.get("CI"):
        pytest.fail("the compiled engine was not built in CI", pytrace=False)
    pytest.skip("the compiled engine is not built here", allow_module_level=True)

CLEANER = Cleaner()
CASES = all_cases()
CORPUS_LINES = sorted({line for case in CASES for line in case.input.splitlines()})


def _both(text: str, source: str | None = None) -> None:
    """Native and reference removals agree, and the native fast path gives the same text;
    the compiled engine reads the pre-filter's Keys (most texts) as it reads their dict."""
    doc = Document(text)
    chosen, candidates, _ = CLEANER._scan(doc, source, None)
    compiled: CompiledRules = chosen.compiled
    as_dict = candidates if isinstance(candidates, dict) else candidates.grouped()
    reference = find_removals(compiled, doc, as_dict)
    for form in (candidates, as_dict):
        native_doc = speedups.document(text)
        assert compiled.native.find_removals(native_doc, form) == reference
        assert native_doc.rerun_pending() == doc.rerun_pending()
        assert compiled.native.clean(text, form) == (apply_trace(text, reference[0]), reference[1])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_corpus_case_same_removals(case) -> None:  # type: ignore[no-untyped-def]
    _both(case.input, case.source)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_corpus_case_same_text_through_the_pipeline(case) -> None:  # type: ignore[no-untyped-def]
    """Cleaner.clean's one compiled call (lines, scan, engine) gives the text of the general
    path, a site recognised by its fingerprint lines included; an empty source (no site,
    no recognition) takes the general path."""
    for source in (case.source, ""):
        expected = CLEANER.clean_and_explain(case.input, source=source).text
        assert CLEANER.clean(case.input, source=source) == expected
    assert CLEANER._selection(case.source, None).pipeline is not None


def test_pipeline_hands_over_only_texts_that_may_pick_a_site(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One BBC fingerprint line (the pack asks for two) keeps a text in the compiled call,
    its fingerprint and guest keys dropped; two distinct ones go on to recognise the site.
    Either way the text is the general path's."""
    cleaner = Cleaner()
    handed: list[str] = []
    scanned = cleaner._clean_scanned
    monkeypatch.setattr(
        cleaner,
        "_clean_scanned",
        lambda chosen, lang, doc, keys: handed.append(doc.text) or scanned(chosen, lang, doc, keys),
    )
    body = "The council met on Tuesday and voted to close the old bridge for repairs.\n"
    one = body + "Related Topics\n" + body
    two = body + "Related Topics\n" + body + "Elsewhere on the BBC\n"
    repeated = body + "Related Topics\n" + body + "Related Topics\n"
    for text in (one, repeated, two):
        assert cleaner.clean(text) == cleaner.clean_and_explain(text).text
    assert handed == [two]
    assert "bbc.com" in cleaner.clean_and_explain(two).sources[0]


@given(st.lists(st.sampled_from([*CORPUS_LINES, "", " ", "\r"]), max_size=40), st.booleans())
def test_shuffled_corpus_lines_same_removals(lines: list[str], final_newline: bool) -> None:
    _both("\n".join(lines) + ("\n" if final_newline else ""))


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("\n\r .!?»)…")))
def test_any_text_same_removals(text: str) -> None:
    _both(text)


STRUCTURE_LINES = st.text(alphabet=st.sampled_from("aåBÉ. \u00a0\t.Ωω")) | st.sampled_from(
    [
        "warga. Saat",
        "St. Petersburg",
        "vs. Chelsea",
        "die. Über",
        "end.  Next",
        "a b c d e f g h",
        "one two three four five six seven eight. Next",
        "Lees ook",
        "Politik",
        "Classificação NASCAR",
        "GIRLS BASKETBALL",
        "sexta-feira, 22 de outubro de 2010 às 20:13",
        "Quarta, 3 de maio 2023 12h05",
        "Minister resigns over leaked budget plans",
        "ⓐ council approves budget plans",  # lower case but no word character: no word
        "xⒶ council approves budget plans",  # a capital after the first word
        "\u0345x council approves",
        "The minister walked out of the meeting in the capital on Monday. (FILE)",
        "Read more",
        "5. Beware the wall-mounted hairdryer",
        " 12) Keep the receipt",
        "The council voted to close the old bridge for repairs next spring.",
        "交通局负责人表示，新车的续航里程超过三百公里。",
        "委員長は「来年はさらに規模を広げたい」と話した。",
        "发表评论。",
        "标签",
        "コメント",
        "Stille Wasser",
        "Warum der neue Hafen nicht öffnet",
        "Prep time: 15 minutes",
        "Aanbevolen",
        "De zee van Tromsø – Lisa van Dam (Querido)",
        "Het laatste licht, Pieter Smit",
        "Werbung",
        "Auch personalisierte Werbung wird oft ohne Einwilligung ausgespielt.",
        "",
    ]
)


@given(st.lists(STRUCTURE_LINES, min_size=1, max_size=10))
def test_blocks_kickers_and_dates_same_removals(lines: list[str]) -> None:
    """Block items (a line with a sentence ending inside it is not a headline; inside the
    body a numbered line ends the block; a list of works keeps its heading), kicker places
    (date stamps and captions are not sure headlines; a recipe's line or a dek makes the
    line above a title) and sub-headings a paragraph takes up, alike in both engines."""
    _both("\n".join(lines) + "\n")


TRICKY = st.text(alphabet=st.sampled_from("iIİıI\u0307 \u00a0\u200b\u00adΣσς.,—«»aÉé\t\u0301!"))


@given(st.text() | st.sampled_from(CORPUS_LINES) | TRICKY)
def test_same_normalised_line(line: str) -> None:
    assert speedups.normalize_line(line) == normalize_line(line)


SCAN_TRAPS = st.sampled_from(
    ["İi\u0307\u0307 \u200b x", "İ\u0307 ΟΔΟΣ Σ", "ς\ud800 \t\u00a0 x", "ſ µ ϐ ᲀᲅ ẛ ﬅ \u0345"]
)


@given(st.text() | st.sampled_from(CORPUS_LINES) | TRICKY | SCAN_TRAPS)
def test_same_scanned_bytes(text: str) -> None:
    assert speedups.scan_bytes(text) == scan_form(text).encode("utf-8", "replace")


# News is mostly ASCII, which scan_bytes folds eight characters at a time: words, spaces
# (runs of them across the eight-character blocks too) and tabs, now and then one wider
# character (of each string width).
ASCII_PIECES = [" ", "  ", "\t", "\n", "A", "Ib", "word", "iZ@[`{\x00\x7f"]
WIDER = ["É", "\u00a0", "\u00ad", "ı", "İ", "\u0307", "Σ", "\u200b", "\u3000", "\ud800", "𝐀"]
WIDER += ["ſ", "µ", "\u1c80", "\u1c88", "\u1fbe", "\ufb05", "\u1fe4", "\ufb06"]  # case variants
MOSTLY_ASCII = st.lists(st.sampled_from(ASCII_PIECES * 4 + WIDER), max_size=40).map("".join)


@given(MOSTLY_ASCII)
def test_same_scanned_bytes_mostly_ascii(text: str) -> None:
    assert speedups.scan_bytes(text) == scan_form(text).encode("utf-8", "replace")


@given(MOSTLY_ASCII | st.text())
def test_same_utf8_as_str_encode(text: str) -> None:
    """The UTF-8 Hyperscan scans is what str.encode gives (lone surrogates as "?")."""
    assert speedups.utf8_bytes(text) == text.encode("utf-8", "replace")


@given(
    (MOSTLY_ASCII | st.text() | st.sampled_from(CORPUS_LINES) | TRICKY).map(
        lambda text: text.replace("\n", " ")
    ),
    st.lists(st.integers(1, 40), max_size=4).map(sorted),
)
def test_same_word_counts(line: str, caps: list[int]) -> None:
    """The guards' word count (ASCII eight characters at a time, resumed where a lower cap
    stopped) is line.split()'s, capped."""
    words = len(line.split())
    assert speedups.words_upto(line, caps) == [min(words, cap) for cap in caps]


WRAPPED_PIECES = st.sampled_from(
    [
        "tambang nikel",
        "di Pulau Gag, Kebupaten",
        ") menyatakan dukungan",
        ", Provinsi Papua Barat Daya.",
        "di Raja Ampat.",
        "Dewan Pimpinan Nasional (",
        "...lalu",
        ".. dan",
        "iPhone baru (",
        "\u00a0, kata dia",
        "PT\u00a0",
        "Über – ",
        "kata_kunci",
        "\r",
        "",
    ]
)


@given(
    st.lists(
        WRAPPED_PIECES | st.sampled_from(CORPUS_LINES) | MOSTLY_ASCII | st.text(), max_size=12
    ),
    st.integers(1, 5),
)
def test_same_wrapped_joins(lines: list[str], enough: int) -> None:
    """The compiled count of line breaks inside sentences (read in place) is the one
    linetext.wrapped_joins makes from the lines' strings."""
    text = "\n".join(line.replace("\n", " ") for line in lines)
    doc = speedups.document(text)
    reference = Document(text)
    assert doc.wrapped_joins(enough) == wrapped_joins(reference.content, reference.count, enough)


@given(
    st.lists(
        WRAPPED_PIECES | st.sampled_from(CORPUS_LINES) | MOSTLY_ASCII | st.text(), max_size=12
    )
)
def test_same_sentence_pieces(lines: list[str]) -> None:
    """The compiled sentence-piece guard (read in place) answers as linetext.mid_sentence
    does on every line."""
    text = "\n".join(line.replace("\n", " ") for line in lines)
    doc = speedups.document(text)
    reference = Document(text)
    for i in range(reference.count):
        assert doc.mid_sentence(i) == mid_sentence_line(reference, i), (text, i)


MOJIBAKE_LEADS = st.sampled_from(
    ["Ã", "Â", "â", "€", "â€", "Ð", "Ñ", "Å", "Ä", "Î", "Ø", "Ù", "é", "ô", "õ", "Á"]
)
CONTINUATIONS = st.sampled_from(["\u0080", "\u00bf", "\u00c0", "©", "‚", "ƒ", "™", "Ÿ", "Œ", "–"])


@given(st.lists(MOJIBAKE_LEADS | CONTINUATIONS | MOSTLY_ASCII | st.text(), max_size=8).map("".join))
def test_same_mojibake_check(text: str) -> None:
    """The compiled check (ASCII skipped eight characters at a time, in strings of every
    width) answers as the ten substring searches and the suspect pattern do."""
    assert speedups.mojibake_suspect(text) == _suspect_slow(text)


def test_mojibake_check_needs_a_lead_and_a_pair() -> None:
    assert speedups.mojibake_suspect("FranÃ§ais")
    assert speedups.mojibake_suspect("Ä und Ã©")  # the lead and the pair apart
    assert not speedups.mojibake_suspect("Äpfel und Öl")  # a lead, no pair
    assert not speedups.mojibake_suspect("ô©")  # a pair, no lead
    assert speedups.mojibake_suspect("â€™")


def _reference_scanner() -> HyperscanScanner:
    """What runs without the compiled engine: Hyperscan databases, matches mapped in Python."""
    scanner = CLEANER._selection(None, None).compiled.scanner
    return HyperscanScanner(scanner._literals_source, scanner._patterns_source)


REFERENCE_SCANNER = _reference_scanner()
SCANNED_TEXT = st.text() | st.sampled_from(CORPUS_LINES) | TRICKY | SCAN_TRAPS


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_same_candidate_lines(case) -> None:  # type: ignore[no-untyped-def]
    """The compiled literal search finds exactly the (rule, line) pairs Hyperscan finds."""
    scanner = CLEANER._selection(None, None).compiled.scanner
    count = Document(case.input).count
    assert scanner.lines(case.input, count) == REFERENCE_SCANNER.lines(case.input, count)


@given(st.lists(SCANNED_TEXT, max_size=6).map("\n".join))
def test_same_candidate_lines_on_generated_texts(text: str) -> None:
    scanner = CLEANER._selection(None, None).compiled.scanner
    count = Document(text).count
    assert scanner.lines(text, count) == REFERENCE_SCANNER.lines(text, count)


LEADS = st.integers(0, 3) | st.integers(4, 8)
LITERAL_ALPHABET = "ab \n\u00e9\u2022-\x00"


@given(
    st.lists(
        st.tuples(st.text(LITERAL_ALPHABET, min_size=1, max_size=20), st.integers(-2, 4), LEADS),
        max_size=25,
    ),
    st.text(LITERAL_ALPHABET + "AB\t\u00a0", max_size=300),
)
def test_literal_search_matches_the_reference_on_any_literals(
    literals: list[Literal], text: str
) -> None:
    """Any literal set (short, long, opening with a line break, holding one, repeated,
    owners shared or negative, with leads or none) finds exactly what the pure-Python
    search finds."""
    count = text.count("\n") + 1
    found = speedups.Prefilter(literals, []).lines(text, count)
    assert found == RegexScanner(literals, []).lines(text, count)


# Line-start literals with leads, and texts whose lines open with leads of every kind:
# multi-byte characters (2, 3 and 4 bytes in UTF-8), spaces folded or not, tabs, CRLF,
# leads as long as the line or longer, at the text's start and end.
LEAD_WORDS = ["by ", "b", "é", "—x", "ab", "by: a", "\u0130x", "σ"]
LED_LITERALS = st.lists(
    st.tuples(
        st.sampled_from(LEAD_WORDS).map(lambda w: "\n" + literal_form(w)), st.integers(0, 3), LEADS
    ),
    min_size=1,
    max_size=8,
)
LEAD_PIECES = [*" \t\u00a0-\u2014\u2022\u00e91\rx\u200b", "", "  ", "\U0001d400"]
LED_LINES = st.lists(
    st.tuples(
        st.lists(st.sampled_from(LEAD_PIECES), max_size=5),
        st.sampled_from(["", *LEAD_WORDS, "BY ", "ΣX", "İX"]),
    ).map(lambda lead_word: "".join(lead_word[0]) + lead_word[1]),
    max_size=6,
)


@given(LED_LITERALS, LED_LINES, st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_led_literals_are_found_alike_by_every_scanner(
    literals: list[Literal], lines: list[str], newline: str, final_newline: bool
) -> None:
    """A line-start literal with lead N fires where its text starts 0 to N characters into
    the line's scan form: the compiled search (stepping over UTF-8 continuation bytes), the
    pure-Python one, the Aho-Corasick and the Hyperscan scanners agree."""
    text = newline.join(lines) + (newline if final_newline else "")
    count = text.count("\n") + 1
    reference = RegexScanner(literals, []).lines(text, count)
    assert speedups.Prefilter(literals, []).lines(text, count) == reference
    assert HyperscanScanner(literals, []).lines(text, count) == reference
    assert AhoCorasickScanner(literals, []).lines(text, count) == reference


def test_led_literal_offsets() -> None:
    """Offsets count characters of the scan form (spaces folded), not bytes."""
    literals = [("\nby ", 0, 2), ("\nby ", 1, 0)]
    text = "by x\n- by x\n\u2014\u2022 by x\n \t -by x\nxx by x\n\u00e9\u00e9\u00e9by x"
    found = speedups.Prefilter(literals, []).lines(text, 6)
    assert found == RegexScanner(literals, []).lines(text, 6) == {0: [0, 1, 3], 1: [0]}


def test_literal_search_refuses_owners_it_cannot_pack() -> None:
    """Owners are packed beside line numbers in 64-bit keys: one outside the range would
    mix up rules silently, so it is refused when the pre-filter is built."""
    with pytest.raises(ValueError, match="out of the pre-filter's range"):
        speedups.Prefilter([("ab", 1 << 31, 0)], [])
    with pytest.raises(ValueError, match="out of the pre-filter's range"):
        speedups.Prefilter([], [-(1 << 21)])


def test_literal_search_finds_overlapping_and_edge_occurrences() -> None:
    """Literals of every length class (one byte, under 4 bytes, 4 to 10, 11 and more),
    overlapping, at the very start and end of the text and across a line break."""
    literals = [("ab", 0, 0), ("abcd", 1, 0), ("bcdabcda", 2, 0), ("\nxy", 3, 0), ("da", 4, 0)]
    literals += [("a", 5, 0), ("dabcda\nxy a", 6, 0), ("xy abcd\nbcdabcda", 7, 0)]
    prefilter = speedups.Prefilter(literals, [])
    text = "abcdabcda\nxy abcd\nbcdabcda"
    found = prefilter.lines(text, 3)
    reference = RegexScanner(literals, []).lines(text, 3)
    assert found == reference
    assert found == {
        **{0: [0, 1, 2], 1: [0, 1, 2], 2: [0, 2], 3: [1], 4: [0, 2], 5: [0, 1, 2]},
        **{6: [1], 7: [2]},
    }


def _same_as_reference(pairs: list[tuple[str, int]], texts: list[str]) -> None:
    literals = [(text, owner, 0) for text, owner in pairs]
    prefilter = speedups.Prefilter(literals, [])
    reference = RegexScanner(literals, [])
    for text in texts:
        count = text.count("\n") + 1
        assert prefilter.lines(text, count) == reference.lines(text, count), text


# One literal of each length from 1 to 12 bytes: every class of the shift-or filter (1;
# 2-3; 4-5; 6; 7; 8 and more, windows of 8 bytes for 9 and 10) and both sides of the
# 11-byte bound of the spaced eight-byte windows.
NESTED = "qzxwvkjyupmb"
EACH_LENGTH = [(NESTED[:length], length) for length in range(1, len(NESTED) + 1)]


def test_literal_search_at_every_filter_bucket_and_text_edge() -> None:
    """Each length at the very start and the very end of texts of every length up to a few
    blocks of the filter (the last block is read from a padded copy), alone, overlapping
    itself, and cut off by the end of the text."""
    texts = []
    for literal, _ in EACH_LENGTH:
        for gap in range(20):
            texts.append(literal + "e" * gap + literal)
            texts.append("e" * gap + literal)
            texts.append(literal + "e" * gap)
        texts += [literal, literal[:-1], literal * 3, f"{literal}\n{literal}"]
    _same_as_reference(EACH_LENGTH, texts)


def test_literal_search_one_byte_literals() -> None:
    """One-byte literals (a bucket of width one) at the text's first and last byte, in runs,
    next to line breaks, and beside a two-byte one that holds the same byte."""
    literals = [("@", 0), ("#", 1), ("\u00e9", 2), ("@#", 3)]
    texts = ["@", "#", "@@@", "a@", "@a", "\n@\n", "x\n#", "\u00e9", "caf\u00e9 @# #@"]
    _same_as_reference(literals, texts + ["lorem ipsum " * 5 + t for t in texts])


def test_literal_search_many_literals_sharing_a_suffix() -> None:
    """Literals that share their last bytes (one window for many, each compared in turn),
    and so many of one length class that the spare buckets split it."""
    literals = [(f"{word} newsletter", k) for k, word in enumerate(["our", "the", "a", "my"])]
    literals += [(f"x{k:03d}letter", 10 + k) for k in range(200)]  # 10 bytes each
    literals += [(f"k{k:02d}ter", 300 + k) for k in range(60)]  # 6 bytes each
    literals += [("ter", 400), ("letter", 401), ("sletter", 402)]
    texts = [
        "sign up for our newsletter today",
        "x007letter and x199letter, x200letter, k05ter k60ter",
        "newsletter letter sletter ter",
        "x012lette",
    ]
    _same_as_reference(literals, [*texts, "\n".join(texts)])


@given(st.lists(st.binary(min_size=1, max_size=10)))
def test_filter_buckets_hold_every_literal_once_within_its_width(literals: list[bytes]) -> None:
    """What the filter's exactness rests on: at most eight buckets, each literal in one,
    and no window wider than a literal of its bucket or than the filter's eight slots."""
    buckets = speedups._filter_buckets(list(enumerate(literals)))
    assert len(buckets) <= 8
    assert sorted(i for _, members in buckets for i, _ in members) == list(range(len(literals)))
    for width, members in buckets:
        assert 1 <= width <= min(8, *(len(data) for _, data in members))


def test_pure_python_engine_can_be_forced() -> None:
    """CLEANNEWS_PURE_PYTHON=1 runs engine.py (what runs where the extension is not built)."""
    seed = next(c for c in CASES if c.set == "seeds")
    code = (
        "import sys, cleannews; from cleannews.compiler import speedups;"
        "assert speedups is None;"
        "sys.stdout.write(cleannews.clean(sys.stdin.read()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        input=seed.input.encode("utf-8"),
        capture_output=True,
        env={**os.environ, "CLEANNEWS_PURE_PYTHON": "1"},
        cwd=CORPUS.parent,
        check=True,
    )
    assert result.stdout.decode("utf-8") == seed.expected


def test_engine_refuses_keys_of_another_rule_set() -> None:
    """Keys name rules by index: an index this engine has no rule for is an error, not a
    read past its table."""
    native = CLEANER._selection(None, None).compiled.native
    keys = speedups.Prefilter([("zzz", 100_000, 0)], []).keys("zzz\n", 2)
    with pytest.raises(ValueError, match="not a rule of this engine"):
        native.clean("zzz\n", keys)


def test_literals_drop_zero_width_characters_as_the_scan_form_does() -> None:
    label = "برچسب\u200cها:"
    assert literal_form(label) in scan_form("متن\n" + label + " اقتصاد")


def test_a_kicker_refused_for_the_lines_above_counts_only_when_its_rule_matches() -> None:
    """The compiled engine asks where a kicker stands before the rule's matcher: a line
    deep in the head that no kicker rule matches sets no rerun (as in engine._kicker_place,
    asked only about a matching line)."""
    _both(
        "\treturn $app['twig']->render('badge.twig', ['user' => $username]);\nKontor\n"
        "- Z usługi ma skorzystać nawet 100 tys. osób, a koszt w pierwszym roku szacowany"
        " jest na 3 mld zł\n- headset Vorlesen\n"
        "- dthayer has some fixes and polish for the skeleton UI\n"
        "Als je dit artikel leuk vond, schreef de minister in een reactie aan de krant, dan"
        " zul je het rapport ook waarderen."
    )
