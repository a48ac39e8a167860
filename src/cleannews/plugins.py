"""Packs shipped as pip packages, found through the `cleannews.packs` entry-point group.

A distribution declares, in its pyproject.toml:

    [project.entry-points."cleannews.packs"]
    mysite = "mysite_cleannews:packs"      # a module attribute: a path, or a list of paths

or points at a module whose folder holds the packs (`"mysite_cleannews"`). Like pluggy's
`load_setuptools_entrypoints`, each entry point is loaded once, duplicates are skipped, and
each pack records the distribution that supplied it (in `Pack.path`).
"""

from __future__ import annotations

from dataclasses import replace
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import ModuleType

from cleannews.loader import PackError, load_pack, pack_paths
from cleannews.model import Pack

GROUP = "cleannews.packs"


def installed_packs() -> list[Pack]:
    """Every pack that installed distributions register under `cleannews.packs`."""
    packs: list[Pack] = []
    seen: set[tuple[str, str]] = set()
    for entry in entry_points(group=GROUP):
        key = (entry.name, entry.value)
        if key in seen:
            continue
        seen.add(key)
        for path in _entry_locations(entry):
            for pack_path in pack_paths(path):
                pack = load_pack(pack_path)
                packs.append(replace(pack, path=f"{_dist_name(entry)}:{pack_path.name}"))
    return packs


def _entry_locations(entry: EntryPoint) -> list[Path]:
    try:
        target = entry.load()
    except Exception as exc:
        raise PackError(
            f"entry point {entry.name} = {entry.value}", f"cannot load: {exc}"
        ) from None
    if isinstance(target, ModuleType):
        origin = getattr(target, "__file__", None)
        if origin is None:
            raise PackError(f"entry point {entry.name}", "module has no folder to read packs from")
        return [Path(origin).parent]
    items = target if isinstance(target, list | tuple) else [target]
    return [Path(str(item)) for item in items]


def _dist_name(entry: EntryPoint) -> str:
    dist = getattr(entry, "dist", None)
    return dist.name if dist is not None else entry.value
