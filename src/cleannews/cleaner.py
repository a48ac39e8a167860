"""The `Cleaner`: packs loaded and compiled once, then applied to any number of texts."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from cleannews.compiler import CompiledRules, NativeScanner
from cleannews.engine import MAX_RUNS, Lines, find_removals, new_document, scan, split_owners
from cleannews.loader import builtin_pack_paths, check_unique_codes, load_pack, load_packs
from cleannews.model import (
    LEVELS,
    CleanResult,
    Edit,
    Level,
    Pack,
    Removal,
    Replacement,
    Rule,
    apply_trace,
    through_removals,
)
from cleannews.repair import find_mojibake, to_original
from cleannews.selection import active_rules, host_of, pack_for_host

_UNBUILT: Any = object()


@dataclass(slots=True)
class _Selection:
    compiled: CompiledRules
    source: Pack | None
    # Scan and engine in one compiled call (`speedups.Pipeline`), built on first use; None
    # without the compiled engine or where trigger patterns run on `regex`.
    pipeline: Any = _UNBUILT


class Cleaner:
    """Compiles the packs once; `clean` and `clean_and_explain` are safe to call from
    many threads at once.

    Args:
        level: `safe`, `default` or `aggressive`: how far the rules may reach.
        packs: extra pack files or directories (user packs, highest precedence).
        select: rule codes or prefixes to run (`["AD", "CK001"]`); empty means all.
        ignore: rule codes or prefixes to skip (`["BY"]`).
        repair: fix mojibake (ftfy, encoding fixes only) before cleaning.
        builtin: load the packs shipped with cleannews.
        plugins: also load packs installed through the `cleannews.packs` entry points.
        source_ignore: per site, more codes or prefixes to skip:
            `{"example.com": ["BY"]}` applies to example.com and its subdomains, whether
            the site is given as `source` or recognised by its pack's fingerprints.
    """

    def __init__(
        self,
        *,
        level: Level = "default",
        packs: Iterable[str | Path] = (),
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        repair: bool = True,
        builtin: bool = True,
        plugins: bool = False,
        source_ignore: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        if level not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
        self.level: Level = level
        self.select = tuple(select)
        self.ignore = tuple(ignore)
        self.source_ignore = {
            domain.lower().strip("."): tuple(codes)
            for domain, codes in (source_ignore or {}).items()
        }
        self.repair = repair
        shipped = (
            [load_pack(p, label=_builtin_label(p), trusted=True) for p in builtin_pack_paths()]
            if builtin
            else []
        )
        user = load_packs(packs)
        if plugins:
            from cleannews.plugins import installed_packs  # noqa: PLC0415

            user = installed_packs() + user
        check_unique_codes(shipped)
        self.packs: tuple[Pack, ...] = tuple(shipped + user)
        self._generic = [p for p in shipped if not p.is_source]
        self._user = [p for p in user if not p.is_source]
        self._sources = [p for p in self.packs if p.is_source]
        self._compiled: dict[tuple[str | None, str | None], _Selection] = {}
        self._unsourced: dict[str | None, _Selection] = {}  # by lang, for texts without source
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, path: str | Path | None = None) -> Cleaner:
        """A Cleaner set up by `[tool.cleannews]` in `path`, or in the nearest pyproject.toml
        above the current directory (none found: the defaults)."""
        from cleannews.config import Config, cleaner_from, find_config, load_config  # noqa: PLC0415

        found = Path(path) if path is not None else find_config(Path.cwd())
        return cleaner_from(load_config(found) if found is not None else Config())

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule loaded, in precedence order (generic, source, user)."""
        return tuple(rule for pack in self.packs for rule in pack.rules)

    def clean(self, text: str, *, source: str | None = None, lang: str | None = None) -> str:
        """The text without its artefacts."""
        if self.repair and find_mojibake(text):
            return self.clean_and_explain(text, source=source, lang=lang).text
        return self._clean_rules(text, source, lang, MAX_RUNS)

    def _clean_rules(self, text: str, source: str | None, lang: str | None, runs: int) -> str:
        """`clean` without the repair: the rules, run once more over their result where
        the run's own cuts changed what they would decide (Document.rerun_pending), at
        most `runs` times in all."""
        # An empty source picks no site pack and recognises none either: the general path.
        if source is None or source:
            chosen = self._selection(source, lang)
            pipeline = chosen.pipeline
            if pipeline is _UNBUILT:
                pipeline = self._pipeline(chosen, lang)
            if pipeline is not None:
                return pipeline.clean(text, runs)  # type: ignore[no-any-return]
        doc = new_document(text)
        chosen, candidates, _ = self._scan(doc, source, lang)
        native = chosen.compiled.native
        if native is not None:
            out: str = native.clean(doc, candidates)[0]
        else:
            out = apply_trace(text, find_removals(chosen.compiled, doc, candidates)[0])
        if runs > 1 and doc.rerun_pending():
            return self._clean_rules(out, source, lang, runs - 1)
        return out

    def clean_and_explain(
        self, text: str, *, source: str | None = None, lang: str | None = None
    ) -> CleanResult:
        """The cleaned text with the trace of every edit and any warnings.

        `source` is a URL or domain; without it a site pack applies when the text holds at
        least `min_fingerprints` of its fingerprint lines.
        """
        replacements = find_mojibake(text) if self.repair else []
        work = apply_trace(text, replacements) if replacements else text
        removals, warnings, notes = self._explain(work, source, lang, MAX_RUNS)
        trace = _trace(text, work, removals, replacements)
        out = apply_trace(text, trace)
        return CleanResult(out, trace, tuple(warnings), tuple(notes))

    def _explain(
        self, text: str, source: str | None, lang: str | None, runs: int
    ) -> tuple[list[Removal], list[str], list[str]]:
        """`_clean_rules` with its removals (offsets into `text`), warnings and notes."""
        doc = new_document(text)
        chosen, candidates, notes = self._scan(doc, source, lang)
        native = chosen.compiled.native
        removals, warnings = (
            native.find_removals(doc, candidates)
            if native is not None
            else find_removals(chosen.compiled, doc, candidates)
        )
        if runs > 1 and doc.rerun_pending():
            more, later, _ = self._explain(apply_trace(text, removals), source, lang, runs - 1)
            removals = through_removals(removals, more, text)
            warnings = [*warnings, *(w for w in later if w not in warnings)]
        return removals, warnings, notes

    def _pipeline(self, chosen: _Selection, lang: str | None) -> Any:
        """`chosen`'s compiled pipeline, built once; a text that names a site's fingerprint
        lines goes on through `_clean_scanned`."""
        compiled = chosen.compiled
        scanner = compiled.scanner
        pipeline = None
        if compiled.native is not None and isinstance(scanner, NativeScanner):
            # The fewest distinct fingerprint lines that pick a site by this name (as in
            # _by_fingerprints): below it everywhere, a text stays in the compiled call.
            fingerprints = [
                (lines, min(p.min_fingerprints for p in self._sources if (p.source or "") == name))
                for name, lines in compiled.fingerprints
            ]
            pipeline = scanner.pipeline(
                compiled.native, partial(self._clean_scanned, chosen, lang), fingerprints
            )
        chosen.pipeline = pipeline  # a race only builds it twice
        return pipeline

    def _clean_scanned(self, chosen: _Selection, lang: str | None, doc: Lines, keys: Any) -> str:
        """Cleaner.clean for a text whose scan (`keys`) found fingerprint lines or guest
        rules: the site they pick, if any, takes over the candidates."""
        scanned = split_owners(chosen.compiled, doc, keys.grouped())
        chosen, candidates, _ = self._recognise(chosen, None, lang, scanned)
        return chosen.compiled.native.clean(doc, candidates)[0]  # type: ignore[no-any-return]

    def _scan(
        self, doc: Lines, source: str | None, lang: str | None
    ) -> tuple[_Selection, Any, list[str]]:
        """The rules that apply (a site pack picked by `source` or by its fingerprints),
        their candidate lines, and a note on the site pack chosen."""
        chosen = self._selection(source, lang)
        scanned = scan(chosen.compiled, doc, native=chosen.compiled.native is not None)
        return self._recognise(chosen, source, lang, scanned)

    def _recognise(
        self,
        chosen: _Selection,
        source: str | None,
        lang: str | None,
        scanned: tuple[Any, dict[str, int], dict[int, list[int]]],
    ) -> tuple[_Selection, Any, list[str]]:
        """The selection and candidates after a scan (`engine.scan`'s candidates,
        fingerprints and guests): without a source, the site pack whose fingerprint lines
        the text holds takes over; with one, a note on the pack it picked."""
        candidates, fingerprints, guests = scanned
        notes: list[str] = []
        if chosen.source is not None:
            notes.append(f"source pack {chosen.source.source} (from source {source!r})")
        elif source is None and fingerprints:
            pack = self._by_fingerprints(fingerprints)
            if pack is not None:
                site = self._selection_for(pack, lang)
                # The site's rules were scanned along as guests: no second scan.
                candidates = chosen.compiled.handover(candidates, guests, site.compiled)
                chosen = site
                notes.append(
                    f"source pack {pack.source} ({fingerprints[pack.source or '']}"
                    f" fingerprint lines matched)"
                )
        return chosen, candidates, notes

    def _by_fingerprints(self, found: dict[str, int]) -> Pack | None:
        ranked = sorted(
            (count, pack.source)
            for pack in self._sources
            if (count := found.get(pack.source or "", 0)) >= pack.min_fingerprints
        )
        if not ranked:
            return None
        best = ranked[-1][1]
        return next(p for p in self._sources if p.source == best)

    def _selection(self, source: str | None, lang: str | None) -> _Selection:
        if not source:  # the usual call: one dict lookup per text
            chosen = self._unsourced.get(lang)
            if chosen is None:
                chosen = self._unsourced[lang] = self._selection_for(None, lang)
            return chosen
        host = host_of(source)
        return self._selection_for(pack_for_host(host, self._sources) if host else None, lang, host)

    def _selection_for(self, pack: Pack | None, lang: str | None, host: str = "") -> _Selection:
        extra = self._site_ignore(host, pack)
        # Sites are recognised by their fingerprints only when no source is given.
        recognise = pack is None and not host
        key = (pack.source if pack else None, lang, extra, recognise)
        chosen = self._compiled.get(key)
        if chosen is None:
            with self._lock:
                chosen = self._compiled.get(key)
                if chosen is None:
                    chosen = self._compiled[key] = self._compile(pack, lang, extra, recognise)
        return chosen

    def _site_ignore(self, host: str, pack: Pack | None) -> tuple[str, ...]:
        """The per-site ignore list that applies to this host or recognised site."""
        if not self.source_ignore:
            return ()
        hosts = {host, *(pack.domains if pack else ())} - {""}
        return tuple(
            code
            for domain, codes in sorted(self.source_ignore.items())
            if any(h == domain or h.endswith("." + domain) for h in hosts)
            for code in codes
        )

    def _compile(
        self, pack: Pack | None, lang: str | None, extra_ignore: tuple[str, ...], recognise: bool
    ) -> _Selection:
        rules = self._active(pack, lang, extra_ignore)
        fingerprinted = [p for p in self._sources if p.fingerprints] if recognise else []
        fingerprints = [(p.source or "", p.fingerprints) for p in fingerprinted]
        # The rules each recognisable site would add ride on this selection's scan.
        own = {id(rule) for rule in rules}
        guests: dict[int, Rule] = {}
        for site in fingerprinted:
            for rule in self._active(site, lang, self._site_ignore("", site)):
                if id(rule) not in own:
                    guests.setdefault(id(rule), rule)
        return _Selection(CompiledRules(rules, fingerprints, list(guests.values())), pack)

    def _active(
        self, pack: Pack | None, lang: str | None, extra_ignore: tuple[str, ...]
    ) -> list[Rule]:
        """The rules of the generic packs, `pack` and the user packs that this Cleaner's
        level, language and select/ignore lists let run, in the order they run."""
        layers = [
            [r for p in self._generic for r in p.rules],
            list(pack.rules) if pack else [],
            [r for p in self._user for r in p.rules],
        ]
        return active_rules(
            layers,
            level=self.level,
            lang=lang,
            select=self.select,
            ignore=self.ignore + extra_ignore,
            disable=pack.disable if pack else (),
        )


def _builtin_label(path: Path) -> str:
    """Built-in packs are named by their path in the repository, not on this machine."""
    return f"src/cleannews/packs/{path.parent.name}/{path.name}"


def _trace(
    original: str, work: str, removals: list[Removal], replacements: list[Replacement]
) -> tuple[Edit, ...]:
    """Removals mapped back onto the input, with the repairs they do not swallow."""
    if not replacements:
        return tuple(removals)
    mapped: list[Removal] = []
    for rem in removals:
        start = to_original(rem.start, replacements, is_end=False)
        end = to_original(rem.end, replacements, is_end=True)
        mapped.append(Removal(rem.code, rem.name, start, end, original[start:end]))
    kept = [
        rep
        for rep in replacements
        if not any(r.start <= rep.start and rep.end <= r.end for r in mapped)
    ]
    return tuple(sorted([*mapped, *kept], key=lambda e: e.start))
