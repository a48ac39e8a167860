"""The `cleannews` command: argument parsing, and the exit codes every command shares.

Exit codes follow ruff: 0 nothing to do (or done), 1 findings (or files fixed), 2 abnormal
end (bad option, bad config or pack, unreadable input). `cleannews` without a command is
`cleannews clean`: a stdin-to-stdout pipe.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from cleannews import PackError, __version__
from cleannews.compiler import ENGINE

COMMANDS = ("clean", "check", "explain", "rules", "rule", "test-packs")

_TOP_EPILOG = """\
commands:
  clean       clean text files or stdin (the default command)
  check       report what would be removed; --fix rewrites, --diff shows a diff
  explain     show the text with every removal marked and its rule beside it
  rules       list the rules
  rule        show one rule: summary, why and examples
  test-packs  run the examples of rule packs

examples:
  scrape | cleannews > clean.txt
  cleannews clean article.txt -o article.clean.txt
  cleannews check --fix articles/*.txt
  cleannews explain article.txt | less -R
  cleannews --input-format jsonl -j 4 < corpus.jsonl > clean.jsonl

Run `cleannews COMMAND --help` for a command's options.
"""

_EPILOGS = {
    "clean": """\
examples:
  echo "[ad_1]" | cleannews                       stdin to stdout
  cleannews clean article.txt -o out.txt          one file to another
  cleannews clean a.txt b.txt > both.txt          several files, concatenated
  cleannews clean *.txt -o cleaned/               several files into a folder
  cleannews clean page.html                       HTML: main text extracted, then cleaned
  cleannews --input-format jsonl -j 4 < in.jsonl > out.jsonl
  cleannews --source https://www.spiegel.de/a.html --lang de < article.txt

JSON Lines: each line's --text-key field is cleaned and every other field kept; the
--url-key field, when present, selects the source pack. A line that cannot be cleaned is
reported on stderr with its line number and written out unchanged.
""",
    "check": """\
examples:
  cleannews check articles/*.txt            list findings; exit 1 if a file would change
  cleannews check --fix articles/*.txt      rewrite changed files in place; exit 1 if any
  cleannews check --diff a.txt | patch -p1  preview as a diff, then apply it
  cleannews check --exit-zero a.txt         report, but exit 0 on findings

Output: one line a finding, `path:line:col: CODE name  "deleted text"`.
HTML files (.html, .htm) are skipped: HTML is input only, never rewritten.
""",
    "explain": """\
examples:
  cleannews explain article.txt
  cleannews explain --color always article.txt | less -R
  cleannews explain --format json < article.txt

Plain markers: [-deleted text-]{CODE name}; a repair shows [-old-]{+new+}{CODE name}.
JSON: {"text", "trace": [{"code","name","start","end","text"[,"replacement"]}],
"warnings", "sources"}; offsets are code-point indices into the input.
""",
    "rules": """\
examples:
  cleannews rules
  cleannews rules --category AD,CK
  cleannews rules --lang de --format json
  cleannews rules --source spiegel.de
""",
    "rule": """\
examples:
  cleannews rule AD001
""",
    "test-packs": """\
examples:
  cleannews test-packs my-packs/
  cleannews test-packs my-packs/example.com.toml
""",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (never raises for bad input)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or args_list[0] not in (*COMMANDS, "-h", "--help", "--version"):
        args_list.insert(0, "clean")
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # --help, --version, or a usage error (2)
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
    from cleannews import commands  # noqa: PLC0415
    from cleannews.config import ConfigError  # noqa: PLC0415
    from cleannews.fileio import InputError  # noqa: PLC0415

    try:
        return int(getattr(commands, args.handler)(args, parser))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except (PackError, ConfigError, InputError) as exc:
        print(f"cleannews: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # writing an output file: disk full, permissions, ...
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"cleannews: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cleannews",
        description="Strip boilerplate and ad-noise from scraped news text, and say why.",
        epilog=_TOP_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"cleannews {__version__} ({ENGINE} engine)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    shared = _shared_options()

    def command(name: str, help_text: str, handler: str) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=help_text, description=help_text, parents=[shared],
                             epilog=_EPILOGS[name],
                             formatter_class=argparse.RawDescriptionHelpFormatter)
        cmd.set_defaults(handler=handler)
        return cmd

    clean = command("clean", "Clean text files or stdin (the default command).", "clean")
    clean.add_argument("files", nargs="*", metavar="FILE", help="input files; - or none: stdin")
    clean.add_argument("-o", "--output", metavar="OUT",
                       help="output file (one input) or folder (several inputs)")
    _input_options(clean)
    clean.add_argument("--text-key", default="text", help="JSON Lines: the text field (text)")
    clean.add_argument("--url-key", default="url",
                       help="JSON Lines: the URL field, used as the source (url)")
    clean.add_argument("-j", "--jobs", type=_positive, default=1, metavar="N",
                       help="JSON Lines: worker processes (1); output keeps input order")
    clean.add_argument("-q", "--quiet", action="store_true",
                       help="JSON Lines: no progress line and no summary on stderr")

    check = command("check", "Report what would be removed; fix or diff on request.", "check")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--fix", action="store_true",
                       help="rewrite changed files in place (atomically); exit 1 if any changed")
    check.add_argument("--diff", action="store_true",
                       help="print a unified diff instead of findings; write nothing")
    check.add_argument("--exit-zero", action="store_true",
                       help="exit 0 even when there are findings (errors still exit 2)")

    explain = command("explain", "Show every removal in place, with its rule.", "explain")
    explain.add_argument("file", nargs="?", default="-", metavar="FILE",
                         help="input file; - or none: stdin")
    _input_options(explain, jsonl=False)
    explain.add_argument("--format", choices=("text", "json"), default="text")
    explain.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                         help="colour the marks (auto: when stdout is a terminal)")

    rules = command("rules", "List the rules.", "rules")
    rules.add_argument("--category", action="append", default=[], type=_codes, metavar="CAT",
                       help="only these categories, e.g. AD or AD,CK (repeatable)")
    rules.add_argument("--format", choices=("text", "json"), default="text")

    rule = command("rule", "Show one rule: summary, why, where it acts, examples.", "rule")
    rule.add_argument("code", metavar="CODE")

    test_packs = command("test-packs", "Run the examples of rule packs.", "test_packs")
    test_packs.add_argument("paths", nargs="+", metavar="PATH", help="pack files or folders")
    return parser


def _shared_options() -> argparse.ArgumentParser:
    shared = argparse.ArgumentParser(add_help=False)
    group = shared.add_argument_group("rule selection (every command)")
    group.add_argument("--level", choices=("safe", "default", "aggressive"),
                       help="how far rules may reach (default: from config, else default)")
    group.add_argument("--source", metavar="URL|DOMAIN",
                       help="where the text comes from: selects that site's pack")
    group.add_argument("--lang", metavar="LANG", help="language code: adds its own rules")
    group.add_argument("--select", action="append", type=_codes, metavar="CODES",
                       help="only these codes or prefixes, comma-separated (repeatable)")
    group.add_argument("--ignore", action="append", type=_codes, metavar="CODES",
                       help="skip these codes or prefixes, comma-separated (repeatable)")
    group.add_argument("--pack", action="append", default=[], metavar="DIR",
                       help="extra pack file or folder, highest precedence (repeatable)")
    group.add_argument("--config", metavar="FILE",
                       help="pyproject.toml to read [tool.cleannews] from "
                            "(default: the nearest one above the current folder)")
    group.add_argument("--no-config", action="store_true", help="read no config file")
    group.add_argument("--no-repair", action="store_true", help="do not repair mojibake")
    group.add_argument("--no-plugins", action="store_true",
                       help="do not load packs installed through entry points")
    return shared


def _input_options(parser: argparse.ArgumentParser, jsonl: bool = True) -> None:
    formats = ("auto", "text", "jsonl", "html") if jsonl else ("auto", "text", "html")
    parser.add_argument("--input-format", choices=formats, default="auto",
                        help="auto: by file extension (.html/.htm, .jsonl/.ndjson), else text")


def _codes(value: str) -> list[str]:
    return [code.strip().upper() for code in value.split(",") if code.strip()]


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _silence_stdout() -> None:
    """After `| head` closed the pipe: point stdout at devnull so the exit flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
