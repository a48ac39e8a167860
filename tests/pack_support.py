"""User packs as TOML text, for the tests that load one: one rule at a time, with the one
fail and one pass example every rule must carry."""

from __future__ import annotations

import json


def rule_toml(
    code: str,
    name: str,
    match: str,
    *,
    scope: str = "line",
    summary: str = "A test rule.",
    why: str = "Tests user packs.",
    fail: tuple[str, str] = ("x", ""),
    passes: str = "y",
) -> str:
    """A `[[rule]]` table; `match` holds its phrases, pattern, triggers and guards."""
    fail_input, fail_expected = fail
    return (
        f'[[rule]]\ncode = "{code}"\nname = "{name}"\nsummary = {_text(summary)}\n'
        f'why = {_text(why)}\nscope = "{scope}"\n{match}\n\n'
        f"[[rule.fail]]\ninput = {_text(fail_input)}\nexpected = {_text(fail_expected)}\n\n"
        f"[[rule.pass]]\ninput = {_text(passes)}\n"
    )


def pack_toml(*rules: str, category: str = "OT", title: str = "") -> str:
    head = f'schema = 1\ncategory = "{category}"\n' + (f"title = {_text(title)}\n" if title else "")
    return "\n".join([head, *rules])


def _text(value: str) -> str:
    """A TOML basic string (a JSON string is one)."""
    return json.dumps(value, ensure_ascii=False)
