"""The golden corpus as test data: one `Case` per folder under corpus/."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@dataclass(frozen=True)
class Case:
    path: Path
    set: str
    lang: str
    categories: tuple[str, ...]
    source: str | None

    @property
    def id(self) -> str:
        return str(self.path.relative_to(CORPUS))

    @property
    def input(self) -> str:
        return read(self.path / "input.txt")

    @property
    def expected(self) -> str:
        expected = self.path / "expected.txt"
        return read(expected) if expected.exists() else self.input

    @property
    def known_failure(self) -> bool:
        return self.set == "known-failures"


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def all_cases() -> list[Case]:
    cases = []
    for input_file in sorted(CORPUS.rglob("input.txt")):
        folder = input_file.parent
        meta = tomllib.loads(read(folder / "case.toml"))
        rel = folder.relative_to(CORPUS).parts
        domain = rel[1] if rel[0] == "sources" else None
        cases.append(
            Case(
                folder,
                rel[0],
                meta["lang"],
                tuple(meta.get("categories", [])),
                meta.get("source_domain", domain),
            )
        )
    return cases
