"""Pack validation: every broken pack fails with a message naming file, rule and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleannews import Cleaner, PackError
from cleannews.loader import builtin_pack_paths, load_pack, load_packs, shared_fragments

GOOD_RULE = """
[[rule]]
code = "AD901"
name = "test-marker"
summary = "A test marker."
why = "Tests."
scope = "line"
phrases.en = ["TEST MARKER"]
{extra}
[[rule.fail]]
input = "The council met on Monday evening to vote.\\nTEST MARKER\\n"
expected = "The council met on Monday evening to vote.\\n"
[[rule.pass]]
input = "The test marker was never found, the police said.\\n"
"""


def write_pack(tmp_path: Path, body: str, header: str = 'schema = 1\ncategory = "AD"\n') -> Path:
    path = tmp_path / "pack.toml"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_builtin_packs_load() -> None:
    packs = load_packs(builtin_pack_paths())
    assert sum(len(p.rules) for p in packs) > 30


def test_good_pack_loads_and_runs(tmp_path: Path) -> None:
    path = write_pack(tmp_path, GOOD_RULE.format(extra=""))
    cleaner = Cleaner(packs=[path], builtin=False)
    assert cleaner.clean("Real sentence of the story here.\nTEST MARKER\n") == (
        "Real sentence of the story here.\n"
    )


def test_trigger_lead_lets_a_line_start_trigger_follow_a_few_characters(tmp_path: Path) -> None:
    rule = GOOD_RULE.replace('phrases.en = ["TEST MARKER"]', "").format(
        extra="pattern = '^\\W{0,3}TEST MARKER$'\ntriggers = [\"^test marker\"]\ntrigger_lead = 3"
    )
    cleaner = Cleaner(packs=[write_pack(tmp_path, rule)], builtin=False)
    story = "Real sentence of the story here.\n"
    assert cleaner.clean(story + "\u00bb\u00a0 TEST MARKER\n") == story
    assert cleaner.clean(story + "\u00bb\u00bb \u00bb TEST MARKER\n") != story  # 4 characters


def test_needs_text_leaves_a_bare_prefix_label(tmp_path: Path) -> None:
    rule = GOOD_RULE.replace('phrases.en = ["TEST MARKER"]', 'phrases.en = ["Marker:"]').format(
        extra='match = "prefix"\nneeds_text = true'
    ).replace("TEST MARKER", "Marker: dpa")
    cleaner = Cleaner(packs=[write_pack(tmp_path, rule)], builtin=False)
    story = "The council met on Monday evening to vote.\n"
    assert cleaner.clean(story + "Marker: dpa\n") == story
    assert cleaner.clean(story + "Marker:\nOne\nTwo\n") == story + "Marker:\nOne\nTwo\n"


def test_unless_guards_a_prefix_phrase(tmp_path: Path) -> None:
    rule = GOOD_RULE.format(extra='match = "prefix"\nunless = "[^,]*, the (?:fake )?page said"')
    cleaner = Cleaner(packs=[write_pack(tmp_path, rule)], builtin=False)
    story = "The council met on Monday evening to vote.\n"
    assert cleaner.clean(story + "TEST MARKER here\n") == story
    quoted = story + "TEST MARKER here, the fake page said.\n"
    assert cleaner.clean(quoted) == quoted


def test_a_pack_names_its_own_fragment_and_a_shared_one(tmp_path: Path) -> None:
    header = 'schema = 1\ncategory = "AD"\n[define]\npage-said = ", the (?:fake )?page said"\n'
    rule = GOOD_RULE.format(extra='match = "prefix"\nunless = "[^,]*%{page-said}"')
    cleaner = Cleaner(packs=[write_pack(tmp_path, rule, header)], builtin=False)
    story = "The council met on Monday evening to vote.\n"
    assert cleaner.clean(story + "TEST MARKER here\n") == story
    quoted = story + "TEST MARKER here, the fake page said.\n"
    assert cleaner.clean(quoted) == quoted
    rule = GOOD_RULE.format(extra='match = "prefix"\nunless = "%{attributed-speech}"')
    cleaner = Cleaner(packs=[write_pack(tmp_path, rule)], builtin=False)
    quoted = story + "TEST MARKER here, the banner on the page said.\n"
    assert cleaner.clean(quoted) == quoted
    assert cleaner.clean(story + "TEST MARKER here, see below\n") == story


@pytest.mark.parametrize(
    ("define", "use", "field", "message"),
    [
        ("", "%{nowhere}", "'unless'", "unknown fragment %{nowhere} (known: attributed-speech)"),
        ("Said_By = 'x'", "x", "'define.Said_By'", "must be kebab-case"),
        ("attributed-speech = 'x'", "x", "'define.attributed-speech'", "already defined"),
        ("said = '%{attributed-speech}'", "x", "'define.said'", "cannot name another"),
        ("said = 3", "x", "'define.said'", "non-empty string"),
        ("said = '(unclosed'", "%{said}", "'unless'", "bad regex"),
    ],
)
def test_bad_fragment_names_file_and_field(
    tmp_path: Path, define: str, use: str, field: str, message: str
) -> None:
    header = f'schema = 1\ncategory = "AD"\n[define]\n{define}\n'
    rule = GOOD_RULE.format(extra=f'match = "prefix"\nunless = "{use}"')
    with pytest.raises(PackError) as info:
        load_pack(write_pack(tmp_path, rule, header))
    text = str(info.value)
    assert str(tmp_path / "pack.toml") in text
    assert field in text
    assert message in text


def test_shipped_patterns_name_shared_fragments_instead_of_copying_them() -> None:
    fragments = shared_fragments().items()
    for path in builtin_pack_paths():
        raw = path.read_text(encoding="utf-8")
        copied = [name for name, fragment in fragments if fragment in raw]
        assert not copied, f"{path.name} copies %{{{copied[0]}}}: name it instead"


def test_max_below_keeps_a_tail_marker_over_a_list(tmp_path: Path) -> None:
    rule = GOOD_RULE.replace('scope = "line"', 'scope = "tail"').format(extra="max_below = 1")
    cleaner = Cleaner(packs=[write_pack(tmp_path, rule)], builtin=False)
    story = "The council met on Monday evening to vote.\n"
    assert cleaner.clean(story + "TEST MARKER\nOne\n") == story
    assert cleaner.clean(story + "TEST MARKER\nOne\nTwo\n") == story + "TEST MARKER\nOne\nTwo\n"


def test_all_below_takes_only_a_run_that_ends_the_text(tmp_path: Path) -> None:
    rule = GOOD_RULE.replace('scope = "line"', 'scope = "tail"').format(extra="all_below = true")
    cleaner = Cleaner(packs=[write_pack(tmp_path, rule)], builtin=False)
    story = "The council met on Monday evening to vote.\n"
    assert cleaner.clean(story + "TEST MARKER\nTEST MARKER\n") == story
    kept = story + "TEST MARKER\nOne\n"
    assert cleaner.clean(kept) == kept
    listed = story + "Markers:\nTEST MARKER\nTEST MARKER\n"
    assert cleaner.clean(listed) == listed


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ('colour = "red"', "colour", "unknown field"),
        ('pattern = "([unclosed"\ntriggers = ["x"]', "pattern", "bad regex"),
        ('pattern = "^TEST"\nphrases.de = ["X"]', "triggers", "needs 'triggers'"),
        ('zone = "everywhere"', "zone", "must be one of"),
        ("max_words = 0", "max_words", "integer >= 1"),
        ('level = "extreme"', "level", "must be one of"),
        ('triggers = ["^test"]\ntrigger_lead = -1', "trigger_lead", "from 0 to 8"),
        ('triggers = ["^test"]\ntrigger_lead = 9', "trigger_lead", "from 0 to 8"),
        ('triggers = ["^test"]\ntrigger_lead = true', "trigger_lead", "from 0 to 8"),
        ('triggers = ["test"]\ntrigger_lead = 2', "trigger_lead", "needs a '^' trigger"),
        ("subheading_ends_block = true", "subheading_ends_block", "only a block rule"),
        ("subheading_ends_block = 1", "subheading_ends_block", "must be true or false"),
        ("needs_text = true", "needs_text", "only prefix phrases"),
        ("max_below = 1", "max_below", "only a tail rule"),
        ("max_below = 0", "max_below", "integer >= 1"),
        ("all_below = true", "all_below", "only a tail rule"),
        ("all_below = 1", "all_below", "must be true or false"),
        ('unless = "x"', "unless", "a guard needs"),
        ('match = "prefix"\nunless = "([bad"', "unless", "bad regex"),
    ],
)
def test_bad_rule_names_file_rule_and_field(
    tmp_path: Path, extra: str, field: str | None, message: str | None
) -> None:
    path = write_pack(tmp_path, GOOD_RULE.format(extra=extra))
    with pytest.raises(PackError) as info:
        load_pack(path)
    text = str(info.value)
    assert str(path) in text
    assert "AD901" in text
    if field:
        assert f"'{field}'" in text
        assert message in text


def test_duplicate_code_in_one_pack(tmp_path: Path) -> None:
    body = GOOD_RULE.format(extra="") + GOOD_RULE.format(extra="").replace("test-marker", "other")
    with pytest.raises(PackError, match=r"AD901.*'code'.*duplicate"):
        load_pack(write_pack(tmp_path, body))


def test_duplicate_code_across_user_packs(tmp_path: Path) -> None:
    one, two = tmp_path / "a", tmp_path / "b"
    one.mkdir()
    two.mkdir()
    for folder in (one, two):
        write_pack(folder, GOOD_RULE.format(extra=""))
    with pytest.raises(PackError, match="duplicate code, already defined"):
        load_packs([one, two])


def test_user_rule_overrides_builtin_code(tmp_path: Path) -> None:
    body = GOOD_RULE.format(extra="").replace("AD901", "AD001")
    cleaner = Cleaner(packs=[write_pack(tmp_path, body)])
    assert [r for r in cleaner.rules if r.code == "AD001"][-1].name == "test-marker"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ('schema = 2\ncategory = "AD"\n', "'schema'"),
        ('category = "AD"\n', "'schema'"),
        ('schema = 1\ncategory = "ZZ"\n', "unknown category"),
        ("schema = 1\n", "needs 'category'"),
        ('schema = 1\ncategory = "CK"\n', "holds only CK rules"),
        ('schema = 1\ncategory = "AD"\nfingerprints = ["x"]\n', "only source packs"),
    ],
)
def test_bad_pack_header(tmp_path: Path, header: str, message: str) -> None:
    with pytest.raises(PackError, match=message):
        load_pack(write_pack(tmp_path, GOOD_RULE.format(extra=""), header=header))


def test_invalid_toml_and_missing_examples(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="invalid TOML"):
        load_pack(write_pack(tmp_path, "[[rule]\n"))
    body = GOOD_RULE.format(extra="").split("[[rule.fail]]")[0]
    with pytest.raises(PackError, match="'fail'"):
        load_pack(write_pack(tmp_path, body))


def test_missing_pack_location(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="no such pack"):
        Cleaner(packs=[tmp_path / "nowhere"])
