"""Source packs: selection by URL, domain, subdomain or fingerprints; user and plugin packs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import cleannews
from cleannews import Cleaner, PackError
from cleannews.engine import Document, scan
from cleannews.loader import builtin_pack_paths, load_pack
from cleannews.selection import host_of, pack_for_host
from tests.corpus_cases import all_cases
from tests.pack_support import pack_toml, rule_toml

PROSE = "The central bank raised its key rate by half a point on Thursday, citing inflation."
REUTERS_TAIL = "Our Standards: The Thomson Reuters Trust Principles."
SOURCE_PACKS = [load_pack(p) for p in builtin_pack_paths() if p.parent.name == "sources"]


def test_at_least_twenty_source_packs_in_eight_languages_each_with_a_case() -> None:
    assert len(SOURCE_PACKS) >= 20
    cases = [c for c in all_cases() if c.set == "sources"]
    assert {p.source for p in SOURCE_PACKS} <= {c.source for c in cases}
    assert len({c.lang for c in cases}) >= 8


@pytest.mark.parametrize(
    ("source", "host"),
    [
        ("https://www.reuters.com/world/europe/story-2023-05-01/", "www.reuters.com"),
        ("reuters.com", "reuters.com"),
        ("WWW.Reuters.COM.", "www.reuters.com"),
        ("http://uk.reuters.com:8080/x?y=1", "uk.reuters.com"),
        ("not a url at all", ""),
    ],
)
def test_host_of(source: str, host: str) -> None:
    assert host_of(source) == host


@pytest.mark.parametrize(
    "source",
    ["https://www.reuters.com/world/x", "reuters.com", "www.reuters.com", "uk.reuters.com"],
)
def test_source_selects_pack(source: str) -> None:
    pack = pack_for_host(host_of(source), SOURCE_PACKS)
    assert pack is not None and pack.source == "reuters.com"
    result = cleannews.clean_and_explain(f"{PROSE}\n\n{REUTERS_TAIL}\n", source=source)
    assert result.text == f"{PROSE}\n"
    assert any("reuters.com" in note for note in result.sources)


def test_lookalike_domain_does_not_select() -> None:
    assert pack_for_host("notreuters.com", SOURCE_PACKS) is None
    assert pack_for_host("reuters.com.evil.example", SOURCE_PACKS) is None


def test_unknown_source_falls_back_to_generic_packs() -> None:
    text = f"{PROSE}\n\n{REUTERS_TAIL}\n"
    result = cleannews.clean_and_explain(text, source="https://example.org/news/1")
    assert result.sources == ()
    assert cleannews.clean(f"[ad_1]\n{PROSE}\n", source="example.org") == f"{PROSE}\n"


def test_fingerprints_select_a_pack_without_source() -> None:
    pack = next(p for p in SOURCE_PACKS if p.source == "reuters.com")
    lines = [*[f for f in pack.fingerprints if f != REUTERS_TAIL][:1], REUTERS_TAIL]
    text = PROSE + "\n\n" + "\n".join(lines) + "\n"
    result = cleannews.clean_and_explain(text)
    assert any("reuters.com" in note and "fingerprint" in note for note in result.sources)


def test_site_found_by_fingerprints_gets_the_candidates_of_its_own_scan() -> None:
    """The default selection scans the site packs' rules along (as guests), so a site
    recognised by its fingerprints is not scanned twice: what it is handed must be exactly
    what its own pre-filter finds."""
    cleaner = Cleaner()
    default = cleaner._selection(None, None).compiled
    handed = 0
    for case in all_cases():
        doc = Document(case.input)
        candidates, fingerprints, guests = scan(default, doc)
        pack = cleaner._by_fingerprints(fingerprints)
        if pack is None:
            continue
        site = cleaner._selection_for(pack, None).compiled
        assert default.handover(candidates, guests, site) == scan(site, doc)[0], case.id
        handed += 1
    assert handed >= 10


def test_one_common_line_never_pulls_in_a_site_pack() -> None:
    for pack in SOURCE_PACKS:
        for line in pack.fingerprints:
            result = cleannews.clean_and_explain(f"{PROSE}\n\n{line}\n")
            assert result.sources == (), (pack.source, line)


def test_every_fingerprint_set_is_distinctive() -> None:
    for pack in SOURCE_PACKS:
        assert len(set(pack.fingerprints)) >= pack.min_fingerprints >= 2, pack.source


USER_PACK = pack_toml(
    rule_toml(
        "OT9801",
        "user-marker",
        'phrases.en = ["USER PACK MARKER"]',
        summary="A user's own marker.",
        fail=(
            "The council met on Monday evening to vote.\nUSER PACK MARKER\n",
            "The council met on Monday evening to vote.\n",
        ),
        passes="Nothing to see here, the council said on Monday.\n",
    )
)


def test_user_pack_directory_takes_effect(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(USER_PACK, encoding="utf-8")
    text = f"{PROSE}\nUSER PACK MARKER\n"
    assert Cleaner(packs=[tmp_path]).clean(text) == f"{PROSE}\n"
    assert cleannews.clean(text) == text  # clean() never reads user packs


def test_source_pack_disables_generic_rule(tmp_path: Path) -> None:
    (tmp_path / "site.toml").write_text(
        'schema = 1\nsource = "example.net"\ndomains = ["example.net"]\n'
        'fingerprints = ["Example Net footer one", "Example Net footer two"]\n'
        'disable = ["AD002"]\n',
        encoding="utf-8",
    )
    text = f"{PROSE}\nAnzeige\n{PROSE}\n"
    cleaner = Cleaner(packs=[tmp_path])
    assert cleaner.clean(text, source="https://www.example.net/a") == text
    assert cleaner.clean(text) == f"{PROSE}\n{PROSE}\n"


def test_broken_user_pack_names_file_and_field(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text(
        USER_PACK.replace('scope = "line"', 'scope = "page"'), encoding="utf-8"
    )
    with pytest.raises(PackError, match=r"bad\.toml: rule OT9801: field 'scope'"):
        Cleaner(packs=[tmp_path])


def test_entry_point_pack_takes_effect() -> None:
    """tests/plugin_fixture is installed into the test environment by .ci/run."""
    probe = subprocess.run(
        [sys.executable, "-c", "import cleannews_fixture_pack"], capture_output=True, check=False
    )
    assert probe.returncode == 0, (
        "install tests/plugin_fixture (pip install ./tests/plugin_fixture)"
    )
    text = f"{PROSE}\nFIXTURE PLUGIN MARKER\n"
    assert Cleaner(plugins=True).clean(text) == f"{PROSE}\n"
    assert Cleaner().clean(text) == text


def test_pyproject_table_takes_effect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    packs = tmp_path / "packs"
    packs.mkdir()
    (packs / "mine.toml").write_text(USER_PACK, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.cleannews]\npacks = ["packs"]\nignore = ["AD"]\n',
        encoding="utf-8",
    )
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)
    cleaner = Cleaner.from_config()
    text = f"ADVERTISEMENT\n{PROSE}\nUSER PACK MARKER\n"
    assert cleaner.clean(text) == f"ADVERTISEMENT\n{PROSE}\n"
    assert cleannews.clean(text) == f"{PROSE}\nUSER PACK MARKER\n"  # clean() reads no config


def test_per_source_settings_from_pyproject(tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.cleannews.sources."example.org"]\nignore = ["AD"]\n', encoding="utf-8")
    cleaner = Cleaner.from_config(config)
    text = f"ADVERTISEMENT\n{PROSE}\n"
    assert cleaner.clean(text, source="https://news.example.org/a") == text
    assert cleaner.clean(text, source="example.net") == f"{PROSE}\n"
    assert cleaner.clean(text) == f"{PROSE}\n"


def test_per_source_settings_reject_unknown_keys(tmp_path: Path) -> None:
    from cleannews.config import ConfigError  # noqa: PLC0415

    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.cleannews.sources."example.org"]\nlevel = "safe"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"sources\.example\.org.*unknown key 'level'"):
        Cleaner.from_config(config)
