"""The `[tool.cleannews]` table of a `pyproject.toml`: found, validated, turned into a Cleaner.

Read by the command line (and anyone who asks), never implicitly by `cleannews.clean()`, so
the library's output never depends on the directory it runs in.

    [tool.cleannews]
    level = "default"          # safe | default | aggressive
    packs = ["packs/"]         # relative to this pyproject.toml
    select = ["AD", "CK"]      # codes or prefixes; empty means all
    ignore = ["BY"]
    lang = "de"
    repair = true
    plugins = true             # load packs from the `cleannews.packs` entry points

    [tool.cleannews.sources."example.com"]
    ignore = ["BY"]            # per site (and its subdomains): more codes to skip
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleannews.model import LEVELS, Level

if TYPE_CHECKING:
    from cleannews.cleaner import Cleaner

_KEYS = ("level", "packs", "select", "ignore", "lang", "repair", "plugins", "sources")
_SOURCE_KEYS = ("ignore",)
_MARKER = b"[tool.cleannews"


class ConfigError(ValueError):
    """A config that cannot be used; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class Config:
    """Settings from `[tool.cleannews]`; the defaults are the command line's defaults."""

    path: Path | None = None
    level: Level = "default"
    packs: tuple[Path, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    lang: str | None = None
    repair: bool = True
    plugins: bool = True
    sources: tuple[tuple[str, tuple[str, ...]], ...] = ()


def find_config(start: Path) -> Path | None:
    """The nearest `pyproject.toml` at or above `start` that has a `[tool.cleannews]` table."""
    here = start.resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        try:
            raw = candidate.read_bytes()
        except OSError:
            continue
        # Parse only files that can hold the table: most pyproject.toml files do not.
        if _MARKER in raw and "cleannews" in _tool_tables(raw, candidate):
            return candidate
    return None


def load_config(path: str | Path) -> Config:
    """Read and validate `[tool.cleannews]` of one file (an empty Config if it has none)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    table = _tool_tables(raw, path).get("cleannews", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.cleannews] must be a table")
    for key in table:
        if key not in _KEYS:
            raise ConfigError(
                f"{path}: [tool.cleannews]: unknown key '{key}' (known: {', '.join(_KEYS)})"
            )
    values: dict[str, Any] = {}
    if "level" in table:
        if table["level"] not in LEVELS:
            raise _bad(path, "level", f"one of {', '.join(LEVELS)}")
        values["level"] = table["level"]
    for key in ("packs", "select", "ignore"):
        if key in table:
            items = table[key]
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                raise _bad(path, key, "a list of strings")
            values[key] = tuple(items)
    if "packs" in values:
        values["packs"] = tuple((path.parent / p).resolve() for p in values["packs"])
    if "lang" in table:
        if not isinstance(table["lang"], str):
            raise _bad(path, "lang", "a string")
        values["lang"] = table["lang"]
    for key in ("repair", "plugins"):
        if key in table:
            if not isinstance(table[key], bool):
                raise _bad(path, key, "true or false")
            values[key] = table[key]
    if "sources" in table:
        values["sources"] = _sources(path, table["sources"])
    return Config(path=path, **values)


def _sources(path: Path, table: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(table, dict):
        raise _bad(path, "sources", 'a table of sites ([tool.cleannews.sources."example.com"])')
    out = []
    for domain, settings in table.items():
        if not isinstance(settings, dict):
            raise _bad(path, f"sources.{domain}", "a table")
        for key in settings:
            if key not in _SOURCE_KEYS:
                raise ConfigError(
                    f"{path}: [tool.cleannews.sources.{domain}]: unknown key '{key}'"
                    f" (known: {', '.join(_SOURCE_KEYS)})"
                )
        codes = settings.get("ignore", [])
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise _bad(path, f"sources.{domain}.ignore", "a list of strings")
        out.append((domain, tuple(codes)))
    return tuple(out)


def cleaner_from(
    config: Config,
    *,
    level: Level | None = None,
    packs: Sequence[str | Path] = (),
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    repair: bool | None = None,
    plugins: bool | None = None,
) -> Cleaner:
    """A Cleaner from the config; a given override wins, `packs` are added after the config's.

    Packs given on the command line come last, so their rules take precedence.
    """
    from cleannews.cleaner import Cleaner  # noqa: PLC0415  (keep `import config` cheap)

    settings = {
        "level": level or config.level,
        "packs": [*config.packs, *packs],
        "select": config.select if select is None else tuple(select),
        "ignore": config.ignore if ignore is None else tuple(ignore),
        "repair": config.repair if repair is None else repair,
    }
    plugins = config.plugins if plugins is None else plugins
    return Cleaner(  # type: ignore[arg-type]
        **settings, plugins=plugins, source_ignore=dict(config.sources)
    )


def _tool_tables(raw: bytes, path: Path) -> dict[str, Any]:
    import tomllib  # noqa: PLC0415  (only when a config file is actually read)

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    tool = data.get("tool", {})
    return tool if isinstance(tool, dict) else {}


def _bad(path: Path, key: str, expected: str) -> ConfigError:
    return ConfigError(f"{path}: [tool.cleannews]: '{key}' must be {expected}")
