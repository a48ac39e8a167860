"""Read pack files and validate them against the closed schema of docs/packs.md.

Every problem is a `PackError` that names the file, the rule code and the field, so a pack
author never has to read a traceback.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import regex

from cleannews.model import CATEGORIES, LEVELS, Example, Pack, Rule

SCHEMA_VERSION = 1

_PACK_KEYS = {
    "schema",
    "category",
    "title",
    "source",
    "domains",
    "fingerprints",
    "min_fingerprints",
    "disable",
    "define",
    "rule",
}
_RULE_KEYS = {
    "code",
    "name",
    "summary",
    "why",
    "scope",
    "zone",
    "level",
    "match",
    "phrases",
    "pattern",
    "unless",
    "triggers",
    "trigger_pattern",
    "trigger_lead",
    "langs",
    "max_words",
    "min_repeats",
    "max_items",
    "max_below",
    "all_below",
    "item_max_words",
    "allow_prose",
    "after_prose",
    "before_headline",
    "subheading_ends_block",
    "needs_text",
    "beside",
    "beside_both",
    "fail",
    "pass",
}
_CHOICES = {
    "scope": ("span", "line", "block", "head", "tail"),
    "zone": ("anywhere", "head", "tail"),
    "level": LEVELS,
    "match": ("line", "prefix", "inline"),
}
_INT_FIELDS = {
    "max_words": 1,
    "min_repeats": 1,
    "max_items": 1,
    "max_below": 1,
    "item_max_words": 1,
}
# Characters a `^` trigger may find before its literal: each is one more probe per line in
# the pre-filter, so only a few.
MAX_TRIGGER_LEAD = 8
_CODE = re.compile(r"[A-Z]{2}[0-9]{3,4}")
_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LANG = re.compile(r"[a-z]{2,3}")
# `%{name}` in a pattern: a shared fragment (packs/defines.toml, or the pack's own [define]).
_REFERENCE = re.compile(r"%\{([^{}]*)\}")
_PATTERN_FIELDS = ("pattern", "trigger_pattern", "unless")


class PackError(ValueError):
    """A pack that cannot be used; the message names file, rule and field."""

    def __init__(self, path: str, message: str, code: str | None = None, field: str | None = None):
        where = path
        if code:
            where += f": rule {code}"
        if field:
            where += f": field '{field}'"
        super().__init__(f"{where}: {message}")
        self.path, self.code, self.field = path, code, field


def builtin_pack_paths() -> list[Path]:
    """The packs shipped inside the package: generic first, then sources."""
    root = Path(str(resources.files("cleannews") / "packs"))
    return sorted((root / "generic").glob("*.toml")) + sorted((root / "sources").glob("*.toml"))


def pack_paths(location: str | Path) -> list[Path]:
    """A pack file, or every `*.toml` below a directory (sorted, so order is stable)."""
    path = Path(location)
    if path.is_dir():
        return sorted(p for p in path.rglob("*.toml") if p.is_file())
    if path.is_file():
        return [path]
    raise PackError(str(location), "no such pack file or directory")


def load_pack(path: str | Path, label: str | None = None, *, trusted: bool = False) -> Pack:
    """Load and validate one pack file.

    `trusted` skips compiling the regexes just to check them: for the shipped packs, whose
    every pattern the test suite compiles, that is start-up time saved on each run.
    """
    return parse_pack(_read_toml(path, label), label or str(path), trusted=trusted)


def _read_toml(path: str | Path, label: str | None = None) -> dict[str, Any]:
    name = label or str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise PackError(name, f"cannot read: {exc.strerror or exc}") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise PackError(name, "not UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise PackError(name, f"invalid TOML: {exc}") from None


@functools.cache
def shared_fragments() -> dict[str, str]:
    """The pattern fragments every pack may name as `%{name}` (packs/defines.toml)."""
    path = Path(str(resources.files("cleannews") / "packs" / "defines.toml"))
    data = _read_toml(path, "packs/defines.toml")
    _closed(data, {"schema", "define"}, "packs/defines.toml", None)
    _check_schema(data, "packs/defines.toml")
    return _defines(data, "packs/defines.toml", {})


def _check_schema(data: Mapping[str, Any], path: str) -> None:
    if data.get("schema") != SCHEMA_VERSION:
        raise PackError(path, f"must be {SCHEMA_VERSION} (the pack schema version)", field="schema")


def _defines(data: Mapping[str, Any], path: str, shared: Mapping[str, str]) -> dict[str, str]:
    """A file's [define] table: kebab-case names of non-empty pattern fragments that name no
    other fragment and reuse no shared name."""
    table = data.get("define", {})
    if not isinstance(table, Mapping):
        raise PackError(path, "must be a table of name -> pattern fragment", field="define")
    for name, fragment in table.items():
        field = f"define.{name}"
        if not _NAME.fullmatch(name):
            raise PackError(path, "a fragment's name must be kebab-case", field=field)
        if name in shared:
            raise PackError(path, "already defined in packs/defines.toml", field=field)
        if not isinstance(fragment, str) or not fragment.strip():
            raise PackError(path, "must be a non-empty string", field=field)
        if _REFERENCE.search(fragment):
            raise PackError(path, "a fragment cannot name another fragment", field=field)
    return dict(table)


def _expand(value: str, fragments: Mapping[str, str], path: str, code: str, key: str) -> str:
    """`value` with every `%{name}` replaced by its fragment, in a group of its own."""

    def fragment(found: re.Match[str]) -> str:
        name = found.group(1)
        if name not in fragments:
            known = ", ".join(sorted(fragments)) or "none"
            raise PackError(path, f"unknown fragment %{{{name}}} (known: {known})", code, key)
        return f"(?:{fragments[name]})"

    return _REFERENCE.sub(fragment, value)


def parse_pack(data: Mapping[str, Any], path: str, *, trusted: bool = False) -> Pack:
    """Validate the TOML data of one pack; `path` is used in error messages only."""
    _closed(data, _PACK_KEYS, path, None)
    _check_schema(data, path)
    category = _opt_str(data, "category", path, None)
    if category is not None and category not in CATEGORIES:
        raise PackError(path, f"unknown category {category!r}", field="category")
    source = _opt_str(data, "source", path, None)
    if category is None and source is None:
        raise PackError(path, "a pack needs 'category' (generic) or 'source' (site)")
    domains = _str_list(data, "domains", path, None)
    fingerprints = _str_list(data, "fingerprints", path, None)
    min_fp = data.get("min_fingerprints", 2)
    if not isinstance(min_fp, int) or isinstance(min_fp, bool) or min_fp < 2:
        raise PackError(path, "must be an integer >= 2", field="min_fingerprints")
    if source is None and (domains or fingerprints or "disable" in data):
        raise PackError(path, "only source packs have domains, fingerprints or disable")
    rules_data = data.get("rule", [])
    if not isinstance(rules_data, list):
        raise PackError(path, "must be an array of tables ([[rule]])", field="rule")
    shared = shared_fragments()
    fragments = {**shared, **_defines(data, path, shared)}
    rules = tuple(_parse_rule(r, path, category, trusted, fragments) for r in rules_data)
    _unique(rules, path)
    return Pack(
        path=path,
        rules=rules,
        title=_opt_str(data, "title", path, None) or "",
        category=category,
        source=source,
        domains=tuple(d.lower().lstrip(".") for d in domains),
        fingerprints=fingerprints,
        min_fingerprints=min_fp,
        disable=_str_list(data, "disable", path, None),
    )


def load_packs(locations: Iterable[str | Path]) -> list[Pack]:
    """Load every pack at the given files or directories, checking codes across them."""
    packs = [load_pack(p) for loc in locations for p in pack_paths(loc)]
    check_unique_codes(packs)
    return packs


def check_unique_codes(packs: Iterable[Pack]) -> None:
    """A rule code names one rule: a second definition anywhere is an error."""
    seen: dict[str, str] = {}
    for pack in packs:
        for rule in pack.rules:
            if rule.code in seen:
                raise PackError(
                    pack.path,
                    f"duplicate code, already defined in {seen[rule.code]}",
                    rule.code,
                    "code",
                )
            seen[rule.code] = pack.path


def _parse_rule(
    data: Any, path: str, category: str | None, trusted: bool, fragments: Mapping[str, str]
) -> Rule:
    if not isinstance(data, Mapping):
        raise PackError(path, "each [[rule]] must be a table", field="rule")
    code = data.get("code")
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise PackError(
            path,
            "must look like 'AD001' (category + 3 or 4 digits)",
            code if isinstance(code, str) else None,
            "code",
        )
    _closed(data, _RULE_KEYS, path, code)
    if code[:2] not in CATEGORIES:
        raise PackError(path, f"unknown category prefix {code[:2]!r}", code, "code")
    if category is not None and code[:2] != category:
        raise PackError(path, f"a {category} pack holds only {category} rules", code, "code")
    fields: dict[str, Any] = {"code": code, "origin": path}
    for key in ("name", "summary", "why", "scope"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise PackError(path, "required, a non-empty string", code, key)
        fields[key] = value.strip()
    if not _NAME.fullmatch(fields["name"]):
        raise PackError(path, "must be kebab-case", code, "name")
    for key, choices in _CHOICES.items():
        if key in data:
            if data[key] not in choices:
                raise PackError(path, f"must be one of {', '.join(choices)}", code, key)
            fields[key] = data[key]
    for key, minimum in _INT_FIELDS.items():
        if key in data:
            value = data[key]
            if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
                raise PackError(path, f"must be an integer >= {minimum}", code, key)
            fields[key] = value
    for key in (
        "allow_prose",
        "after_prose",
        "before_headline",
        "beside_both",
        "subheading_ends_block",
        "needs_text",
        "all_below",
    ):
        if key in data:
            if not isinstance(data[key], bool):
                raise PackError(path, "must be true or false", code, key)
            fields[key] = data[key]
    fields["phrases"] = _phrases(data.get("phrases", {}), path, code)
    fields["triggers"] = _str_list(data, "triggers", path, code)
    fields["langs"] = _str_list(data, "langs", path, code)
    fields["beside"] = _str_list(data, "beside", path, code)
    for key in _PATTERN_FIELDS:
        value = _opt_str(data, key, path, code)
        fields[key] = value and _expand(value, fragments, path, code, key)
    fields["trigger_lead"] = _trigger_lead(data, fields["triggers"], path, code)
    _check_patterns(fields, path, code, compile_them=not trusted)
    _check_shape(fields, path, code)
    fields["fail"] = _examples(data.get("fail"), path, code, "fail", with_expected=True)
    fields["passes"] = _examples(data.get("pass"), path, code, "pass", with_expected=False)
    return Rule(**fields)


def _check_patterns(fields: dict[str, Any], path: str, code: str, compile_them: bool) -> None:
    for key in _PATTERN_FIELDS if compile_them else ():
        if fields[key] is not None:
            try:
                regex.compile(fields[key], regex.V0)
            except regex.error as exc:
                raise PackError(path, f"bad regex: {exc}", code, key) from None
    if fields["pattern"] is None and not fields["phrases"]:
        raise PackError(path, "a rule needs 'phrases' or 'pattern'", code, "phrases")
    zone = fields.get("zone", "anywhere")
    if (
        fields["pattern"] is not None
        and not fields["triggers"]
        and fields["trigger_pattern"] is None
        and zone == "anywhere"
        and not fields["beside"]
    ):
        raise PackError(
            path,
            "a pattern rule needs 'triggers' (or 'trigger_pattern', or a head/tail zone)",
            code,
            "triggers",
        )
    if any(not t.strip() for t in fields["triggers"]):
        raise PackError(path, "a trigger must not be blank", code, "triggers")


def _trigger_lead(data: Mapping[str, Any], triggers: tuple[str, ...], path: str, code: str) -> int:
    """`trigger_lead`: how many characters of any kind a `^` trigger allows between the
    line start and its literal; meaningless without a `^` trigger."""
    value = data.get("trigger_lead", 0)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_TRIGGER_LEAD:
        raise PackError(
            path, f"must be an integer from 0 to {MAX_TRIGGER_LEAD}", code, "trigger_lead"
        )
    if value and not any(t.startswith("^") for t in triggers):
        raise PackError(path, "needs a '^' trigger to apply to", code, "trigger_lead")
    return value


def _check_shape(fields: dict[str, Any], path: str, code: str) -> None:
    scope, match = fields["scope"], fields.get("match", "line")
    if match == "inline" and scope != "span":
        raise PackError(path, "inline phrases need scope = 'span'", code, "match")
    if scope == "span" and fields["phrases"] and match == "line":
        raise PackError(
            path, "a span rule's phrases need match = 'inline' or 'prefix'", code, "match"
        )
    if scope == "head" and fields.get("zone", "anywhere") == "tail":
        raise PackError(path, "a head rule cannot live in the tail zone", code, "zone")
    if scope == "tail" and fields.get("zone", "anywhere") == "head":
        raise PackError(path, "a tail rule cannot live in the head zone", code, "zone")
    if fields.get("subheading_ends_block") and scope != "block":
        raise PackError(path, "only a block rule has items to end", code, "subheading_ends_block")
    if fields["unless"] is not None and (
        scope == "span" or (match == "line" and fields["phrases"])
    ):
        raise PackError(
            path,
            "a guard needs a rule that matches by pattern or prefix phrases, not a span rule",
            code,
            "unless",
        )
    if fields.get("max_below") and scope != "tail":
        raise PackError(path, "only a tail rule has lines below to count", code, "max_below")
    if fields.get("all_below") and scope != "tail":
        raise PackError(path, "only a tail rule has lines below to match", code, "all_below")
    if fields.get("needs_text") and (match != "prefix" or not fields["phrases"]):
        raise PackError(
            path, "only prefix phrases can need text after them", code, "needs_text"
        )


def _phrases(value: Any, path: str, code: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        raise PackError(path, "must be a table of language -> list of strings", code, "phrases")
    out: dict[str, tuple[str, ...]] = {}
    for lang, items in value.items():
        if not _LANG.fullmatch(lang):
            raise PackError(path, f"bad language code {lang!r}", code, f"phrases.{lang}")
        if (
            not isinstance(items, list)
            or not items
            or not all(isinstance(i, str) and i.strip() for i in items)
        ):
            raise PackError(
                path, "must be a non-empty list of non-empty strings", code, f"phrases.{lang}"
            )
        out[lang] = tuple(items)
    return out


def _examples(
    value: Any, path: str, code: str, key: str, with_expected: bool
) -> tuple[Example, ...]:
    if not isinstance(value, list) or not value:
        raise PackError(path, f"at least one [[rule.{key}]] example is required", code, key)
    out = []
    for item in value:
        wanted = {"input", "expected"} if with_expected else {"input"}
        if not isinstance(item, Mapping):
            raise PackError(path, "each example must be a table", code, key)
        _closed(item, wanted, path, code, prefix=f"{key}.")
        if not all(isinstance(item.get(k), str) for k in wanted):
            raise PackError(path, f"needs {' and '.join(sorted(wanted))} as strings", code, key)
        out.append(Example(item["input"], item["expected"] if with_expected else None))
    return tuple(out)


def _closed(
    data: Mapping[str, Any], allowed: set[str], path: str, code: str | None, prefix: str = ""
) -> None:
    for key in data:
        if key not in allowed:
            raise PackError(path, "unknown field", code, prefix + key)


def _opt_str(data: Mapping[str, Any], key: str, path: str, code: str | None) -> str | None:
    value = data.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise PackError(path, "must be a non-empty string", code, key)
    return value


def _str_list(data: Mapping[str, Any], key: str, path: str, code: str | None) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PackError(path, "must be a list of strings", code, key)
    return tuple(value)


def _unique(rules: tuple[Rule, ...], path: str) -> None:
    names: set[str] = set()
    codes: set[str] = set()
    for rule in rules:
        if rule.code in codes:
            raise PackError(path, "duplicate code in this pack", rule.code, "code")
        codes.add(rule.code)
        if rule.name in names:
            raise PackError(path, f"duplicate name {rule.name!r}", rule.code, "name")
        names.add(rule.name)
