"""Engine behaviour at the level users meet it: whitespace, zones, guards, repair, scanners."""

from __future__ import annotations

import json
import re
import sys
import threading
from pathlib import Path

import pytest

import cleannews
from cleannews import Cleaner, Removal, Replacement, apply_trace
from cleannews.compiler import (
    AhoCorasickScanner,
    CompiledRules,
    HyperscanScanner,
    NativeScanner,
    RegexScanner,
    _bounded,
    scan_form,
    speedups,
)
from cleannews.engine import MAX_RUNS, Document, find_removals, scan
from cleannews.linetext import has_inner_sentence_end, is_date_stamp, is_list_item, is_prose
from cleannews.model import through_removals
from tests.corpus_cases import all_cases
from tests.pack_support import pack_toml, rule_toml

P1 = "The council approved the new budget on Monday evening."
P2 = "The mayor said the vote was a turning point for the city."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a deleted line takes its line break; blank runs keep their longest run
        (f"{P1}\n\nADVERTISEMENT\n\n{P2}\n", f"{P1}\n\n{P2}\n"),
        (f"{P1}\nADVERTISEMENT\n{P2}\n", f"{P1}\n{P2}\n"),
        (f"{P1}\n\n\nADVERTISEMENT\n\n{P2}\n", f"{P1}\n\n\n{P2}\n"),
        # none at the start or end of the text
        (f"[ad_1]\n\n{P1}\n", f"{P1}\n"),
        (f"{P1}\n\nQuelle\n", f"{P1}\n"),
        # no final newline stays absent
        (f"{P1}\n\nQuelle", P1),
        # CRLF kept
        (f"{P1}\r\n\r\nADVERTISEMENT\r\n\r\n{P2}\r\n", f"{P1}\r\n\r\n{P2}\r\n"),
        (f"{P1}\r\n\r\nKommentare", P1),
        # inline deletions take one adjacent space
        (f"Er plant eine eigene KI (mehr dazu hier). {P2}\n", f"Er plant eine eigene KI. {P2}\n"),
        (f"[ad_1] {P1}\n", f"{P1}\n"),
        # trailing spaces and NBSP inside kept lines stay
        (f"{P1}  \nADVERTISEMENT\n{P2}\u00a0x.\n", f"{P1}  \n{P2}\u00a0x.\n"),
        # everything deleted
        ("ADVERTISEMENT\n", ""),
        ("", ""),
    ],
)
def test_whitespace(text: str, expected: str) -> None:
    result = cleannews.clean_and_explain(text)
    assert result.text == expected
    assert apply_trace(text, result.trace) == expected


def test_clean_text_is_returned_unchanged() -> None:
    text = f"{P1}\n\n{P2}\n"
    result = cleannews.clean_and_explain(text)
    assert result.text is text or result.text == text
    assert result.trace == ()


def test_trace_names_rule_and_offsets() -> None:
    text = f"{P1}\n\nADVERTISEMENT\n\n{P2}\n"
    (removal,) = cleannews.clean_and_explain(text).trace
    assert isinstance(removal, Removal)
    assert removal.code == "AD002"
    assert removal.name == "ad-label-line"
    assert text[removal.start : removal.end] == removal.text == "ADVERTISEMENT\n\n"


def test_tail_rules_need_prose_before_them() -> None:
    assert cleannews.clean("Quelle\n") == "Quelle\n"  # no prose: no zones, keep
    assert cleannews.clean(f"Quelle\n\n{P1}\n") == f"Quelle\n\n{P1}\n"  # head, not tail


def test_document_guard_keeps_prose_and_warns(tmp_path: Path) -> None:
    pack = tmp_path / "greedy.toml"
    greedy = 'pattern = "council"\ntriggers = ["council"]\nallow_prose = true\nmax_words = 200'
    pack.write_text(pack_toml(rule_toml("OT901", "greedy", greedy)), encoding="utf-8")
    cleaner = Cleaner(packs=[pack])
    long_para = " ".join([P1] * 6)
    text = f"{long_para}\n\n{P2}\n"
    result = cleaner.clean_and_explain(text)
    assert result.text == text
    assert result.warnings and "OT901" in result.warnings[0]


def test_levels_and_select_ignore() -> None:
    text = f"ADVERTISEMENT\n{P1}\nShare this:\n{P2}\n"
    assert Cleaner(ignore=["AD"]).clean(text) == f"ADVERTISEMENT\n{P1}\n{P2}\n"
    assert Cleaner(select=["AD"]).clean(text) == f"{P1}\nShare this:\n{P2}\n"
    assert (
        Cleaner(select=["AD", "SH"], ignore=["SH001"]).clean(text) == f"{P1}\nShare this:\n{P2}\n"
    )
    safe = Cleaner(level="safe")
    assert all(
        r.level == "safe"
        for r in safe._selection(None, None).compiled.rules
        and [c.rule for c in safe._selection(None, None).compiled.rules]
    )
    with pytest.raises(ValueError, match="level"):
        Cleaner(level="extreme")  # type: ignore[arg-type]


def test_mojibake_is_repaired_and_traced() -> None:
    text = "Der Bürgermeister sagte, die Abstimmung sei ein Wendepunkt. FÃ¼r die Stadt.\n"
    result = cleannews.clean_and_explain(text)
    assert "Für die Stadt" in result.text
    assert any(isinstance(e, Replacement) for e in result.trace)
    assert apply_trace(text, result.trace) == result.text
    assert cleannews.clean(text, repair=False) == text


def test_mojibake_inside_a_removed_line() -> None:
    text = f"{P1}\nQuelle: Ã¼ber dpa\n{P2}\n"
    result = cleannews.clean_and_explain(text)
    assert result.text == f"{P1}\n{P2}\n"
    assert apply_trace(text, result.trace) == result.text


@pytest.mark.parametrize("fallback_type", [RegexScanner, AhoCorasickScanner])
def test_fallback_scanner_gives_the_same_results(fallback_type: type[RegexScanner]) -> None:
    """Where Hyperscan has no wheels, the fallbacks must find what it finds (and the two
    fallbacks exactly the same lines)."""
    cleaner = Cleaner()
    compiled = cleaner._selection(None, None).compiled
    primary = NativeScanner if speedups is not None else HyperscanScanner
    assert isinstance(compiled.scanner, primary), "hyperscan should be installed in CI"
    literals_and_patterns = (compiled.scanner._literals_source, compiled.scanner._patterns_source)
    fallback = fallback_type(*literals_and_patterns)
    reference = RegexScanner(*literals_and_patterns)
    for case in all_cases():
        if case.set == "sources":
            continue
        text = case.input
        count = Document(text).count
        fast = compiled.scanner.lines(text, count)
        slow = fallback.lines(text, count)
        assert slow == reference.lines(text, count), case.id
        assert all(set(lines) <= set(slow.get(owner, ())) for owner, lines in fast.items()), case.id
        doc_fast, doc_slow = Document(text), Document(text)
        cand_fast, _, _ = scan(compiled, doc_fast)
        slow_compiled = _with_scanner(compiled, fallback)
        cand_slow, _, _ = scan(slow_compiled, doc_slow)
        assert (
            find_removals(compiled, doc_fast, cand_fast)[0]
            == find_removals(slow_compiled, doc_slow, cand_slow)[0]
        ), case.id


@pytest.mark.skipif(speedups is None, reason="the compiled engine is not built (CI builds it)")
def test_compiled_prefilter_without_hyperscan_gives_the_reference_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where the extension is built but Hyperscan has no wheels, the trigger patterns run on
    `regex`: the compiled pre-filter then finds exactly what the pure-Python one finds."""
    compiled = Cleaner()._selection(None, None).compiled
    sources = (compiled.scanner._literals_source, compiled.scanner._patterns_source)
    monkeypatch.setitem(sys.modules, "hyperscan", None)  # import hyperscan now fails
    scanner = NativeScanner(*sources)
    assert scanner._pattern_db is None and scanner._regexes
    reference = RegexScanner(*sources)
    for case in all_cases():
        count = Document(case.input).count
        assert scanner.lines(case.input, count) == reference.lines(case.input, count), case.id


def _with_scanner(compiled: CompiledRules, scanner: RegexScanner) -> CompiledRules:
    clone = object.__new__(CompiledRules)
    clone.__dict__.update(compiled.__dict__)
    clone.scanner = scanner
    return clone


def test_scan_form_folds_every_letter_case_insensitive_patterns_take_for_another() -> None:
    """A literal trigger stands for a case-insensitive pattern: wherever `re` matches one
    letter for another under (?i) ("ſ" for "s", "ı" for "i", "ᲀ" for "в"), the scan form
    makes them one letter."""
    from re._casefix import _EXTRA_CASES  # noqa: PLC0415 - CPython's own table

    for code, others in _EXTRA_CASES.items():
        for other in others:
            assert scan_form(chr(code)) == scan_form(chr(other)), (chr(code), chr(other))


def test_cleaner_is_thread_safe() -> None:
    cleaner = Cleaner()
    cases = [c for c in all_cases() if c.set in ("seeds", "negative")]
    expected = {c.id: cleaner.clean(c.input) for c in cases}
    errors: list[str] = []

    def work() -> None:
        for _ in range(5):
            for case in cases:
                if cleaner.clean(case.input) != expected[case.id]:
                    errors.append(case.id)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors


def test_huge_single_line_and_binaryish_input() -> None:
    line = "word " * 200_000
    assert cleannews.clean(line) == line
    weird = "\x00\x01\ufffd\ud800 text\n"
    assert isinstance(cleannews.clean(weird), str)


def test_compiled_database_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEANNEWS_CACHE_DIR", str(tmp_path))
    text = f"[ad_1]\n{P1}\nShare this:\n{P2}\n"
    first = Cleaner().clean(text)
    files = sorted(tmp_path.glob("hs-*.db"))
    assert files, "compiled databases are cached"
    assert Cleaner().clean(text) == first  # loaded from the cache
    for path in files:
        path.write_bytes(b"not a database")
    assert Cleaner().clean(text) == first  # a broken cache file is compiled afresh
    monkeypatch.setenv("CLEANNEWS_CACHE_DIR", "")
    assert Cleaner().clean(text) == first  # caching switched off


def test_many_matches_on_one_long_line_map_to_that_line() -> None:
    """Matches are mapped to lines by bisecting the line breaks (or counting them once, in
    the compiled pre-filter): on a 1 MB single line with tens of thousands of pre-filter
    matches, the Python mapping (what runs without the compiled engine) and the compiled
    one agree, and neither counts line breaks per match."""
    words = ["share", "this", "photo:", "by", "reuters", "more", "stories", "the", "council"]
    line = " ".join(words[(i * 7) % len(words)] for i in range(120_000))
    text = f"{P1}\n{line}\n{P2}"
    scanner = Cleaner()._selection(None, None).compiled.scanner
    fast = scanner.lines(text, 3)
    slow = HyperscanScanner(scanner._literals_source, scanner._patterns_source).lines(text, 3)
    assert fast == slow
    assert {line_no for lines in fast.values() for line_no in lines} <= {0, 1, 2}


def test_many_blocks_without_prose_stay_linear() -> None:
    """Each block heading asks where the last prose line is; that search resumes where the
    previous one ended, so thirty thousand headings cost one pass, not thirty thousand."""
    text = "More Stories\nCouncil votes on the new budget plan\n" * 30_000
    compiled = Cleaner()._selection(None, None).compiled
    doc = Document(text)
    candidates, _, _ = scan(compiled, doc)
    removals, _ = find_removals(compiled, doc, candidates)
    assert removals
    assert apply_trace(text, removals) == cleannews.clean(text)


def test_many_tail_markers_over_a_short_closing_sentence_stay_linear() -> None:
    """Each tail marker asks whether a line below it ends in a full stop; the search resumes
    where the last one ended, so a hundred thousand markers cost one pass."""
    prose = "The council approved the new budget plan after a long debate on Tuesday.\n"
    text = prose + "Kommentare\n" * 100_000 + "Kurzer Satz.\n"
    assert cleannews.clean(text) == text


def test_beside_rules_over_many_removals_stay_linear() -> None:
    """A line next to a removal is checked against a beside rule's candidate lines in a set:
    as a list lookup, fifty thousand removed headings took seconds, a quarter million half a
    minute."""
    text = "".join(f"More Stories\nThe headline number {i} of the day\n" for i in range(50_000))
    result = cleannews.clean_and_explain(text)
    assert len(result.text) < len(text) // 2
    assert apply_trace(text, result.trace) == cleannews.clean(text)


def test_a_long_chain_of_beside_removals_stays_linear() -> None:
    """Each share button goes only because the one next to it went: one more per round.
    Finding the lines next to a removal afresh each round made the chain quadratic (a
    hundred thousand lines took half a minute); they are carried from round to round now,
    in both engines."""
    share = "Facebook\n" * 40_000 + "Share this:\n" + "Twitter\n" * 40_000
    text = f"{P1}\n{share}{P2}\n"
    result = cleannews.clean_and_explain(text)
    assert result.text == f"{P1}\n{P2}\n"
    assert {r.code for r in result.removals} == {"SH001", "SH006"}
    compiled = Cleaner()._selection(None, None).compiled
    doc = Document(text)
    candidates, _, _ = scan(compiled, doc)
    assert apply_trace(text, find_removals(compiled, doc, candidates)[0]) == result.text


def test_many_spans_of_several_rules_on_one_line_stay_linear() -> None:
    """A match is checked against the spans other rules took on its line by bisection: as
    a walk over them, a single line holding forty thousand ad markers and credits took a
    minute (and a 35 MB one hours), in both engines."""
    text = "Word [ad_1] and (mehr dazu hier) more [vc_row] text " * 40_000 + "\n"
    result = cleannews.clean_and_explain(text)
    assert {r.code for r in result.removals} == {"AD001", "AD004", "RL003"}
    assert len(result.text) < len(text) // 2
    assert apply_trace(text, result.trace) == cleannews.clean(text)
    compiled = Cleaner()._selection(None, None).compiled
    doc = Document(text)
    candidates, _, _ = scan(compiled, doc)
    assert apply_trace(text, find_removals(compiled, doc, candidates)[0]) == result.text


def test_a_rule_with_min_repeats_over_many_candidates_stays_linear() -> None:
    """Repeats are counted in one pass: counting each candidate's text among all of them
    took half a minute for sixty thousand tag-like lines, in both engines."""
    text = f"{P1}\n" + "".join(f"tag one{i % 7} two\n" for i in range(60_000))
    result = cleannews.clean_and_explain(text)
    assert "TG003" in {r.code for r in result.removals}  # the rule with min_repeats
    assert apply_trace(text, result.trace) == result.text == cleannews.clean(text)
    compiled = Cleaner()._selection(None, None).compiled
    doc = Document(text)
    candidates, _, _ = scan(compiled, doc)
    assert apply_trace(text, find_removals(compiled, doc, candidates)[0]) == result.text


def test_long_blank_runs_around_a_removal_stay_linear() -> None:
    """The blank lines a removal takes with it are blamed in one pass over the stretch."""
    text = f"{P1}\n" + "\n" * 60_000 + "Share this:\n" + "\n" * 50_000 + f"{P2}\n"
    compiled = Cleaner()._selection(None, None).compiled
    doc = Document(text)
    candidates, _, _ = scan(compiled, doc)
    removals, _ = find_removals(compiled, doc, candidates)
    assert apply_trace(text, removals) == f"{P1}\n" + "\n" * 60_000 + f"{P2}\n"


def test_adjacent_spans_of_two_rules_that_hold_their_own_spaces(tmp_path: Path) -> None:
    """Two span rules cutting side by side, each match ending in a space: no extra space is
    taken, so the cuts neither overlap (which once made apply_trace raise) nor glue words."""
    pack = tmp_path / "labels.toml"
    label = "pattern = 'Label, '\ntriggers = [\"label,\"]"
    watch = "pattern = 'Watch: '\ntriggers = [\"watch:\"]"
    pack.write_text(
        pack_toml(
            rule_toml("OT901", "label", label, scope="span"),
            rule_toml("OT902", "watch", watch, scope="span"),
        ),
        encoding="utf-8",
    )
    cleaner = Cleaner(packs=[pack], builtin=False)
    text = f"{P1}\nIntro Label, Watch: the mayor opens the bridge\n{P2}\n"
    result = cleaner.clean_and_explain(text)
    assert result.text == f"{P1}\nIntro the mayor opens the bridge\n{P2}\n"
    assert [r.code for r in result.removals] == ["OT901", "OT902"]
    compiled = cleaner._selection(None, None).compiled
    doc = Document(text)
    candidates, _, _ = scan(compiled, doc)
    assert apply_trace(text, find_removals(compiled, doc, candidates)[0]) == result.text


def test_a_span_match_of_more_than_max_words_is_not_taken(tmp_path: Path) -> None:
    """In text flattened to one line, an insert's pattern can run on through the article;
    max_words caps the words one match of a span rule may take, in both engines."""
    pack = tmp_path / "inserts.toml"
    insert = "pattern = 'Read also: .*'\ntriggers = [\"read also:\"]\nmax_words = 8"
    pack.write_text(pack_toml(rule_toml("OT901", "insert", insert, scope="span")), "utf-8")
    cleaner = Cleaner(packs=[pack], builtin=False)
    short = f"{P1} Read also: Mayor opens the bridge"
    flat = f"{P1} Read also: Mayor opens the bridge {P2}"
    assert cleaner.clean(f"{short}\n") == f"{P1}\n"
    assert cleaner.clean(f"{flat}\n") == f"{flat}\n"
    compiled = cleaner._selection(None, None).compiled
    for text in (f"{short}\n", f"{flat}\n"):
        doc = Document(text)
        candidates, _, _ = scan(compiled, doc)
        assert apply_trace(text, find_removals(compiled, doc, candidates)[0]) == cleaner.clean(text)
    assert cleannews.clean(
        "Ia menjelaskan rencana itu kepada wartawan di Jakarta, Senin. Baca juga: Menteri"
        " Resmikan Jembatan Baru di Kalimantan Timur Pembangunan jembatan itu menelan biaya"
        " besar dan melibatkan ratusan pekerja dari berbagai daerah. Warga berharap jembatan"
        " itu mempersingkat waktu tempuh ke ibu kota provinsi. Pemerintah daerah menyiapkan"
        " jalan akses di kedua ujungnya. Proyek itu ditargetkan rampung tahun depan.\n"
    ).count("Pembangunan jembatan itu menelan biaya besar") == 1


def test_prefix_phrases_grouped_by_first_letter_match_as_listed(tmp_path: Path) -> None:
    """The prefix verifier groups its phrases by the case class of their first letter (ſ, s
    and S fold together under (?i), as do K, k and the Kelvin sign): it must find the
    phrase, and so the span, that the phrases in their listed order find."""
    # Where two phrases of one class stand apart in the list, the first listed must win.
    phrases = ["sx", "ſa-", "Sa-b", "kx", "\u212aa-", "Ka-b", "ix", "ıa-", "ia-b", "(c) x", "a"]
    match = f'match = "prefix"\nphrases.en = {json.dumps(phrases, ensure_ascii=False)}'
    pack = tmp_path / "first.toml"
    pack.write_text(pack_toml(rule_toml("OT901", "first", match, scope="span")), encoding="utf-8")
    (rule,) = Cleaner(packs=[pack], builtin=False)._selection(None, None).compiled.rules
    alts = "|".join(_bounded(p) for p in phrases)
    listed = re.compile(rf"(?i:^[^\w]*?(?:{alts}))")
    leads = ["", " ", "- ", "(", "x", "é", "_"]
    tails = ["", "b", ":", " y", "x"]
    heads = [c + "a-b" for c in "sSſkK\u212aiIıİ"] + [*phrases, "AB", "(C) X"]
    for text in (lead + head + tail for lead in leads for head in heads for tail in tails):
        assert [m.span() for m in rule.verifier.finditer(text)] == [
            m.span() for m in listed.finditer(text)
        ], text


def test_a_line_with_a_sentence_end_inside_is_not_a_block_item() -> None:
    cut = "Tapi nasib apes memang menimpa SBJ (33) yang tertangkap warga. Saa"
    assert has_inner_sentence_end(cut)
    assert has_inner_sentence_end("Polisi menyebut pelaku sudah lama diincar oleh warga.\u00a0Saat")
    assert not has_inner_sentence_end("A City Made Its Buses Free. Now It Has to Pay for Them.")
    assert not has_inner_sentence_end("Ceny masła biją rekordy. Co dalej?")
    assert not has_inner_sentence_end("Foot Locker pindah ke St. Petersburg, Florida")
    assert not has_inner_sentence_end("Mr. Musk vs. Microsoft")
    assert not has_inner_sentence_end("Ends here. then lower")
    assert not has_inner_sentence_end("no space.Here")
    text = "Warga mengamankan pelaku di lokasi kejadian pada malam hari.\nBaca Juga\n"
    head = "Maling Motor Bersenjata Api Ditangkap di Bekasi\n"
    assert cleannews.clean(text + head + cut) == text.replace("Baca Juga\n", "") + cut


def test_bulleted_teasers_end_at_the_first_line_without_a_bullet() -> None:
    body = "Die Regierung legte am Montag einen neuen Entwurf vor, der viele Fragen offen lässt.\n"
    box = "Lesen Sie auch:\n- Rente: Was sich im Juli ändert\n- Steuer: Die wichtigsten Fristen\n"
    sub = "Julia Klöckner weist Vorwürfe zurück\n"
    after = "Die Bundestagspräsidentin sagte am Dienstag, sie habe sich an alle Regeln gehalten.\n"
    assert cleannews.clean(body + box + sub + after) == body + sub + after
    # Unbulleted teasers still go as before, and so do bulleted ones at the tail.
    plain = "Lesen Sie auch:\nRente: Was sich im Juli ändert\nSteuer: Die wichtigsten Fristen\n"
    assert cleannews.clean(body + plain + after) == body + after
    assert cleannews.clean(body + after + box) == body + after


def test_a_heading_repeated_over_single_teasers_takes_one_after_its_last_copy() -> None:
    body = "Der Trainer sprach nach dem Spiel lange mit der Mannschaft über die Taktik.\n"
    pairs = "Lesen Sie auch\nKapitän fordert mehr Konstanz\n" * 3
    sub = "Was der Ex-Profi dem neuen Stürmer zutraut\n"
    answer = "Er hat in zehn Spielen bereits 15 Tore erzielt und wirkt sehr sicher.\n"
    assert cleannews.clean(body + pairs + sub + answer) == body + sub + answer
    # A heading printed twice sets no count: the teasers under it still go.
    twice = "Lesen Sie auch\n" * 2 + "Kapitän fordert mehr Konstanz\nTorjäger trifft erneut\n"
    assert cleannews.clean(body + twice + answer) == body + answer


def test_date_stamps_and_list_items() -> None:
    assert is_date_stamp("sexta-feira, 22 de outubro de 2010 às 20:13")
    assert is_date_stamp("Mittwoch, 4. Mai 2022, 9h30")
    assert not is_date_stamp("Fed cuts rates by 0.25 points in 2024")
    assert not is_date_stamp("Kickoff at 20:13 in the final")
    assert not is_date_stamp("In 20100 at 120:130")
    assert is_list_item("5. Beware the wall-mounted hairdryer")
    assert is_list_item(" 12) Keep the receipt")
    assert not is_list_item("2024. The year in review")
    assert not is_list_item("5.Beware")


def test_chinese_and_japanese_sentences_are_prose_by_their_characters() -> None:
    # No spaces between words: a sentence is one "word", so its Han and kana count instead.
    assert is_prose("交通局负责人表示，新车的续航里程超过三百公里。")
    assert is_prose("委員長は「来年はさらに規模を広げたい」と話した。")
    assert not is_prose("发表评论。")  # too few characters for a sentence of the story
    assert not is_prose("城市公交明年起全面改用电动车")  # a headline: no sentence end
    assert not is_prose("Er kam.")



@pytest.mark.parametrize(
    ("first", "codes"),
    [
        ("[ad_1] Deel dit artikel", ["AD001", "SH001"]),  # the rest is a share label
        ("access_time 2 Min. Lesezeit", ["NV007", "OT003"]),  # an icon name, then a read time
        ("[ad_1] We use cookies to improve your experience on our site.", ["AD001", "CK001"]),
        ("Foto: dpa [ad_1]", ["PC022", "AD001", "PC022"]),  # the line goes around the marker
    ],
)
def test_a_line_left_by_span_cuts_meets_the_line_rules(first: str, codes: list[str]) -> None:
    """What span cuts leave of a line is read again as the line it now is: a second clean
    would take it, so one clean does (idempotence). The trace keeps both runs' removals as
    offsets into the input."""
    text = f"{first}\n\n{P1}\n"
    result = cleannews.clean_and_explain(text)
    assert result.text == f"{P1}\n" == cleannews.clean(text)
    assert [r.code for r in result.removals] == codes
    assert apply_trace(text, result.trace) == result.text
    for removal in result.removals:
        assert text[removal.start : removal.end] == removal.text


@pytest.mark.parametrize(
    "text",
    [
        # a cut that makes a line prose moves the zones: the comment tail goes in one clean
        "Police closed the road for several hours on Sunday after the crash. (Foto: Reuters)"
        "\n\nKommentare\nSchreiben Sie den ersten Kommentar\n",
        # a kicker refused for the lines above it, which go later in the same run
        "Business Law\nAlternative dispute resolution for antitrust damages\n\nTélécharger\n\n"
        "Business Law\nAlternative dispute resolution for antitrust damages\n"
        "Litigation is in most cases very costly, long and time-consuming and damaging.\n",
    ],
)
def test_a_run_whose_own_cuts_change_a_decision_runs_again(text: str) -> None:
    once = cleannews.clean(text)
    assert cleannews.clean(once) == once == cleannews.clean_and_explain(text).text


def test_a_caption_left_by_a_label_cut_stays() -> None:
    text = f"Foto: Agenten houden een man aan in Utrecht\n\n{P1}\n"
    assert cleannews.clean(text) == f"Agenten houden een man aan in Utrecht\n\n{P1}\n"


def test_many_lines_left_by_span_cuts_stay_linear() -> None:
    """The second run's removals are mapped through the first run's by bisection: fifty
    thousand glued share lines must not cost fifty thousand squared steps."""
    text = f"{P1}\n" + "[ad_1] Deel dit artikel\n" * 50_000 + f"{P2}\n"
    result = cleannews.clean_and_explain(text)
    assert result.text == f"{P1}\n{P2}\n" == cleannews.clean(text)
    assert apply_trace(text, result.trace) == result.text


def test_removals_of_a_second_run_map_onto_the_input() -> None:
    text = "ab[x]cd\nef\n"
    first = [Removal("AD001", "a", 2, 5, "[x]")]
    # the second run, on "abcd\nef\n", removes the line "abcd\n" and the "f"
    more = [Removal("SH001", "s", 0, 5, "abcd\n"), Removal("OT001", "o", 6, 7, "f")]
    mapped = through_removals(first, more, text)
    assert [(r.code, r.text) for r in mapped] == [
        ("SH001", "ab"),
        ("AD001", "[x]"),
        ("SH001", "cd\n"),
        ("OT001", "f"),
    ]
    assert apply_trace(text, mapped) == "e\n"


def test_runs_over_stacked_labels_are_capped() -> None:
    """A label that only goes once it starts the line ('Foto: Foto: …') would cost a run
    per copy: one clean runs the rules at most MAX_RUNS times (hostile input stays within a
    fixed multiple of one run)."""
    text = "Foto: " * 10 + f"Agenten houden een man aan\n\n{P1}\n"
    result = cleannews.clean_and_explain(text)
    assert [r.code for r in result.removals] == ["PC022"] * MAX_RUNS
    rest = text[len("Foto: ") * 10 :]
    assert result.text == cleannews.clean(text) == "Foto: " * (10 - MAX_RUNS) + rest


def test_labels_under_a_long_blank_run_stay_linear() -> None:
    """Kicker labels over headlines under a long blank run: the blank lines are blamed on
    the first removal below them once (the compiled engine looked for it once per blank
    line), the lines above a label are counted upwards, and the first headline is searched
    once per run: each took the run's length squared (a 1.3 MB text: minutes)."""
    text = "\n" * 300_000 + "Politik\nMinister resigns over leaked budget plans\n" * 30_000 + P1
    result = cleannews.clean_and_explain(text)
    assert result.text == cleannews.clean(text)
    assert apply_trace(text, result.trace) == result.text
    labels = "Politik Inland\nFoto: Reuters\n\n" * 30_000 + P1
    assert cleannews.clean(labels) == cleannews.clean_and_explain(labels).text


@pytest.mark.parametrize(
    "text",
    [
        # a short title over a recipe's line or over a dek is the headline, not a kicker
        "Banana bread\nPrep time: 15 minutes\nBake: 1 hour\n\nMash the bananas with a fork.\n",
        "Stille Wasser\nWarum der neue Hafen auch im zweiten Jahr nicht öffnet\n\n"
        "Die Stadt hat die Eröffnung am Montag erneut verschoben.\n",
        # a heading over a list of works and their makers heads the story's own list
        "Onze recensent las alle nieuwe zeeromans.\n\nAanbevolen\n"
        "De zee van Tromsø – Lisa van Dam (Querido)\n"
        "Het laatste licht – Pieter Smit (Prometheus)\n",
        "De jury las meer dan tweehonderd debuten.\n\nAanbevolen\n"
        "De zee van Tromsø, Lisa van Dam\nHet laatste licht, Pieter Smit\n",
        # a label over a paragraph that opens with its word is the paragraph's sub-heading
        "Die Behörde prüfte 40 Seiten.\n\nWerbung\n"
        "Auch personalisierte Werbung wird oft ohne Einwilligung ausgespielt.\n",
        "Die Behörde prüfte 40 Seiten.\n\nNewsletter\n\n"
        "Bei den Newslettern fanden die Prüfer dagegen kaum Verstöße.\n",
    ],
)
def test_titles_lists_and_subheadings_stay(text: str) -> None:
    assert cleannews.clean(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a kicker over a headline that asks directly, or states, still goes
        ("Politik\nWarum die Koalition zerbrach\n\nDer Streit begann im Mai.\n",
         "Warum die Koalition zerbrach\n\nDer Streit begann im Mai.\n"),
        # a teaser under 'Aanbevolen' names no maker
        ("De raad stemde in met de begroting.\n\nAanbevolen\n"
         "Kabinet wil extra geld voor defensie\nBrand in loods in Tilburg\n",
         "De raad stemde in met de begroting.\n"),
        # Indonesian headlines in title case put 'di' before a place: no maker
        ("Warga diminta waspada, kata BPBD.\n\nBaca Juga\n"
         "Jembatan Kayu di Lebak Ambruk Diterjang Banjir\n"
         "Banjir Bandang di Garut Rendam Ratusan Rumah\n\nHujan deras masih turun, kata BMKG.\n",
         "Warga diminta waspada, kata BPBD.\n\nHujan deras masih turun, kata BMKG.\n"),
        # an ad label over a paragraph that mentions ads further on is a label
        ("Der Umsatz stieg.\n\nAnzeige\n\n"
         "Der Konzern will im Herbst eine neue Anzeige in allen Zeitungen schalten.\n",
         "Der Umsatz stieg.\n\n"
         "Der Konzern will im Herbst eine neue Anzeige in allen Zeitungen schalten.\n"),
        # a newsletter label over its sign-up pitch goes with it
        ("Der Umsatz stieg um zehn Prozent.\n\nNewsletter\n"
         "Melden Sie sich jetzt für unseren kostenlosen Newsletter an!\n\nDie Aktie legte zu.\n",
         "Der Umsatz stieg um zehn Prozent.\n\nDie Aktie legte zu.\n"),
    ],
)
def test_labels_beside_titles_lists_and_subheadings_still_go(text: str, expected: str) -> None:
    assert cleannews.clean(text) == expected
