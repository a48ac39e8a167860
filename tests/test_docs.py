"""Docs that are generated or promised stay true."""

from __future__ import annotations

from pathlib import Path

from cleannews.packtest import check_pack
from cleannews.ruledoc import builtin_packs, render

ROOT = Path(__file__).resolve().parent.parent


def test_rules_doc_is_current() -> None:
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == render(builtin_packs()), (
        "docs/rules.md is stale: run `python -m cleannews.ruledoc > docs/rules.md`"
    )


def test_every_rule_documents_what_and_why() -> None:
    for pack in builtin_packs():
        for rule in pack.rules:
            assert len(rule.summary) > 10 and len(rule.why) > 10, rule.code


def test_readme_commands_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "corpus/seeds/002_bff864149e2c4b31/input.txt" in readme
    assert (ROOT / "corpus/seeds/002_bff864149e2c4b31/input.txt").exists()
    assert 'pip install -e ".[test]" ./tests/plugin_fixture && .venv/bin/python -m pytest' in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install --quiet -e ".[test]" ./tests/plugin_fixture' in ci


def test_source_pack_template_works(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    template = doc.split("## Template for a new site pack")[1].split("```toml\n")[1].split("```")[0]
    path = tmp_path / "example.com.toml"
    path.write_text(template, encoding="utf-8")
    assert check_pack(path) == []
