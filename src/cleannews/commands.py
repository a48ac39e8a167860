"""What each `cleannews` command does, over the public API; cli.py parses and maps errors.

Each handler takes the parsed arguments and returns the exit code. Bad input raises
`InputError` (or `PackError`, `ConfigError`), which cli.main turns into one line and exit 2;
in a multi-file run the error is reported and the other files still run.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from cleannews.config import Config, cleaner_from, find_config, load_config
from cleannews.fileio import STDIN, InputError, decode, read_bytes, split_bom, write_if_changed
from cleannews.htmltext import extract_text, is_html_path
from cleannews.render import finding_lines, marked_text, unified_diff

if TYPE_CHECKING:
    from cleannews.cleaner import Cleaner
    from cleannews.model import CleanResult

_JSONL_SUFFIXES = (".jsonl", ".ndjson")


# -- shared ----------------------------------------------------------------------------


def config_of(args: argparse.Namespace) -> Config:
    if args.no_config:
        return Config()
    path = Path(args.config) if args.config else find_config(Path.cwd())
    return load_config(path) if path else Config()


def cleaner_factory(args: argparse.Namespace, config: Config) -> Callable[[], Cleaner]:
    """A picklable recipe for the Cleaner, so `-j N` workers can each build their own."""
    overrides = {
        "level": args.level,
        "packs": tuple(args.pack),
        "select": _flat(args.select),
        "ignore": _flat(args.ignore),
        "repair": False if args.no_repair else None,
        "plugins": False if args.no_plugins else None,
    }
    return functools.partial(cleaner_from, config, **overrides)


def setup(args: argparse.Namespace) -> tuple[Cleaner, str | None]:
    """The Cleaner and the language, from the config with the command line on top."""
    config = config_of(args)
    return cleaner_factory(args, config)(), args.lang or config.lang


def input_format(path: str, chosen: str) -> str:
    if chosen != "auto":
        return chosen
    lower = path.lower()
    if is_html_path(lower):
        return "html"
    return "jsonl" if lower.endswith(_JSONL_SUFFIXES) else "text"


def read_text(path: str, fmt: str) -> str:
    """A file (or stdin) as text to clean: decoded strictly, or extracted from HTML."""
    data = sys.stdin.buffer.read() if path == STDIN else read_bytes(path)
    name = "<stdin>" if path == STDIN else path
    if fmt == "html":
        if b"\0" in data:
            decode(data, name)  # raises: a binary file is no HTML page
        return extract_text(data, name)
    return decode(data, name)


def clean_text(cleaner: Cleaner, args: argparse.Namespace, lang: str | None,
               text: str) -> tuple[str, CleanResult]:
    """(BOM, result): the BOM stays outside the cleaning, and is written back as it was."""
    bom, body = split_bom(text)
    return bom, cleaner.clean_and_explain(body, source=args.source, lang=lang)


def _stdin_is_terminal() -> bool:
    return sys.stdin is None or sys.stdin.isatty()


def _err(message: str) -> None:
    print(f"cleannews: {message}", file=sys.stderr)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _flat(groups: list[list[str]] | None) -> tuple[str, ...] | None:
    return None if groups is None else tuple(code for group in groups for code in group)


# -- clean -----------------------------------------------------------------------------


def clean(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    files = args.files or [STDIN]
    if files == [STDIN] and _stdin_is_terminal():
        parser.print_usage(sys.stderr)
        _err("no input: pipe text in, or give files (see cleannews --help)")
        return 2
    config = config_of(args)
    factory = cleaner_factory(args, config)
    cleaner = factory()  # broken packs and config fail here, before any output
    formats = [input_format(path, args.input_format) for path in files]
    if "jsonl" in formats:
        if set(formats) != {"jsonl"}:
            _err("JSON Lines inputs cannot be mixed with text or HTML inputs")
            return 2
        return _clean_jsonl(args, files, factory, args.lang or config.lang)
    lang = args.lang or config.lang
    out_dir = _output_dir(args.output, files)
    status = 0
    for path, fmt in zip(files, formats, strict=True):
        try:
            bom, result = clean_text(cleaner, args, lang, read_text(path, fmt))
        except InputError as exc:
            _err(str(exc))
            status = 2
            continue
        data = (bom + result.text).encode("utf-8")
        if args.output is None:
            sys.stdout.buffer.write(data)
        elif out_dir is None:
            write_if_changed(args.output, data)
        else:
            name = Path(path).stem + ".txt" if fmt == "html" else Path(path).name
            write_if_changed(str(out_dir / name), data)
    sys.stdout.buffer.flush()
    return status


def _output_dir(output: str | None, files: list[str]) -> Path | None:
    """`-o` names a folder when it is one, or when several inputs must go somewhere."""
    if output is None:
        return None
    folder = Path(output)
    if folder.is_dir() or len(files) > 1:
        if STDIN in files:
            raise InputError(output, "stdin cannot be written into a folder; give -o FILE")
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return None


def _clean_jsonl(args: argparse.Namespace, files: list[str],
                 factory: Callable[[], Cleaner], lang: str | None) -> int:
    from cleannews.jsonl import JsonlOptions, Progress, Summary, clean_lines, numbered  # noqa: PLC0415

    opts = JsonlOptions(args.text_key, args.url_key, args.source, lang)
    summary = Summary()
    progress = Progress(sys.stderr, not args.quiet and sys.stderr.isatty())
    status = 0

    def lines() -> Iterator[tuple[str, int, bytes]]:
        nonlocal status
        for path in files:
            if path == STDIN:
                yield from numbered("<stdin>", sys.stdin.buffer)
                continue
            try:
                handle = open(path, "rb")  # noqa: SIM115  (closed below, streamed meanwhile)
            except OSError as exc:
                _err(str(InputError(path, _reason(exc))))
                status = 2
                continue
            with handle:
                yield from numbered(path, handle)

    with _JsonlOutput(args.output) as out:
        for outcome in clean_lines(lines(), factory, opts, args.jobs):
            out.write(outcome.line)
            summary.add(outcome)
            if outcome.error:
                _err(f"{outcome.name}:{outcome.lineno}: {outcome.error}; line kept unchanged")
            progress.update(summary)
    progress.done()
    if not args.quiet:
        _err(summary.describe())
    return status


def _reason(exc: OSError) -> str:
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or str(exc)


class _JsonlOutput:
    """stdout, or a temp file next to OUT that replaces OUT only when the run completes."""

    def __init__(self, output: str | None) -> None:
        self.output, self.tmp = output, ""

    def __enter__(self) -> IO[bytes]:
        if self.output is None:
            self.handle = sys.stdout.buffer
            return self.handle
        import tempfile  # noqa: PLC0415

        target = Path(self.output)
        fd, self.tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        self.handle = os.fdopen(fd, "wb")
        return self.handle

    def __exit__(self, kind: object, *_: object) -> None:
        self.handle.flush()
        if self.output is None:
            return
        self.handle.close()
        if kind is None:
            os.replace(self.tmp, self.output)
        else:
            Path(self.tmp).unlink(missing_ok=True)


# -- check -----------------------------------------------------------------------------


def check(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    cleaner, lang = setup(args)
    errors = changed = findings = 0
    out = sys.stdout
    for path in args.files:
        if is_html_path(path):
            continue  # HTML is input only: nothing to check in place
        try:
            original = read_text(path, "text")
        except InputError as exc:
            _err(str(exc))
            errors += 1
            continue
        bom, result = clean_text(cleaner, args, lang, original)
        if bom + result.text == original:
            continue
        changed += 1
        findings += len(result.trace)
        if args.diff:
            out.write(unified_diff(Path(path).as_posix(), original, bom + result.text))
            continue
        for line in finding_lines(path, original[len(bom):], result):
            print(line, file=out)
        if args.fix:
            write_if_changed(path, (bom + result.text).encode("utf-8"))
    if changed and not args.diff:
        fixed = f" ({changed} fixed)" if args.fix else ""
        print(f"Found {_count(findings, 'removal')} in {_count(changed, 'file')}{fixed}.",
              file=out)
    out.flush()
    if errors:
        return 2
    return 1 if changed and not args.exit_zero else 0


# -- explain, rules, rule, test-packs ----------------------------------------------------


def explain(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.file == STDIN and _stdin_is_terminal():
        parser.print_usage(sys.stderr)
        _err("no input: pipe text in, or give a file")
        return 2
    cleaner, lang = setup(args)
    text = read_text(args.file, input_format(args.file, args.input_format))
    bom, result = clean_text(cleaner, args, lang, text)
    if args.format == "json":
        import json  # noqa: PLC0415

        from cleannews.render import trace_json  # noqa: PLC0415

        sys.stdout.write(json.dumps(trace_json(result), ensure_ascii=False, indent=2) + "\n")
        return 0
    color = args.color == "always" or (
        args.color == "auto" and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    sys.stdout.write(bom + marked_text(text[len(bom):], result, color))
    for note in (*result.sources, *result.warnings):
        _err(note)
    return 0


def rules(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from cleannews.ruleinfo import filter_rules, rule_record, rule_table  # noqa: PLC0415
    from cleannews.selection import code_enabled  # noqa: PLC0415

    cleaner, _ = setup(args)
    chosen = [
        rule for rule in filter_rules(cleaner.packs, categories=_flat(args.category) or (),
                                      lang=args.lang, source=args.source)
        if code_enabled(rule.code, cleaner.select, cleaner.ignore)
    ]
    if args.format == "json":
        import json  # noqa: PLC0415

        sys.stdout.write(json.dumps([rule_record(r) for r in chosen], ensure_ascii=False,
                                    indent=2) + "\n")
    else:
        sys.stdout.write(rule_table(chosen))
    return 0


def rule(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from cleannews.ruleinfo import rule_detail  # noqa: PLC0415

    code = args.code.upper()
    found = [r for r in setup(args)[0].rules if r.code == code]
    if not found:
        _err(f"no rule {code} (list them with `cleannews rules`)")
        return 2
    sys.stdout.write(rule_detail(found[-1]))  # the last loaded wins, as when cleaning
    return 0


def test_packs(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from cleannews.packtest import run_examples  # noqa: PLC0415

    passed, failed = run_examples(args.paths)
    print(f"{passed} examples passed, {failed} failed")
    return 1 if failed else 0
