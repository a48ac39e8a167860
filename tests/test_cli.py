"""One table of command-line cases, each run in-process (`cli.main`) and as a subprocess.

A case names its arguments, stdin (None: a terminal with nothing piped in), the files to
create, the exit code, and the output. Files a case does not list under `after` must come
out byte for byte unchanged; no case may print a traceback.
"""

from __future__ import annotations

import json
import os
import pathlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.cli_support import (
    BROKEN_PACK,
    CLEAN,
    DIRTY,
    FAILING_PACK,
    LANG_PACK,
    PACK,
    PROSE,
    Run,
    run_in_process,
    run_subprocess,
    unreadable_prefix,
)

BOM = "\ufeff"
MOJIBAKE = "Caf\u00c3\u00a9 owners welcomed the decision on Monday evening after a long debate.\n"
REPAIRED = "Café owners welcomed the decision on Monday evening after a long debate.\n"
SIGNOFF = f"{PROSE}\nFiled by the desk team\n"
SPIEGEL = f"{PROSE}\nIcon: Der Spiegel\n"
BACK_TO_TOP = f"{PROSE}\nBack to top\n"
HTML = (
    "<html><head><title>Budget</title></head><body><nav>Home | News</nav><article>"
    "<h1>Council passes budget</h1><p>[ad_1]</p>"
    f"<p>{PROSE} The mayor said the plan would fund new schools and roads next year.</p>"
    "</article></body></html>"
)
HTML_TEXT = (f"Council passes budget\n{PROSE} The mayor said the plan would fund new schools"
             " and roads next year.\n")
UNREADABLE = "unreadable.txt"
PYPROJECT_IGNORE_AD = '[project]\nname = "x"\n\n[tool.cleannews]\nignore = ["AD"]\n'


def jsonl(*docs: object) -> str:
    return "".join((d if isinstance(d, str) else json.dumps(d)) + "\n" for d in docs)


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    code: int
    stdin: str | bytes | None = b""
    files: dict[str, str | bytes] = field(default_factory=dict)  # a name ending in / is a folder
    out: str | bytes | None = None  # exact stdout
    out_has: tuple[str, ...] = ()
    out_lacks: tuple[str, ...] = ()
    err: str | None = None  # exact stderr
    err_has: tuple[str, ...] = ()
    after: dict[str, str | bytes] = field(default_factory=dict)


def _b(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


CASES = [
    # -- the pipe: stdin to stdout, byte-faithful --
    Case("pipe", (), 0, DIRTY, out=CLEAN, err=""),
    Case("pipe-dash", ("-",), 0, DIRTY, out=CLEAN),
    Case("pipe-clean-command", ("clean",), 0, DIRTY, out=CLEAN),
    Case("pipe-unchanged", (), 0, CLEAN, out=CLEAN),
    Case("pipe-empty", (), 0, b"", out=b"", err=""),
    Case("pipe-crlf-no-final-newline", (), 0, f"[ad_1]\r\n\r\n{PROSE}", out=PROSE),
    Case("pipe-crlf-kept", (), 0, f"{PROSE}\r\nAnzeige\r\n{PROSE}\r\n",
         out=f"{PROSE}\r\n{PROSE}\r\n"),
    Case("pipe-bom-kept", (), 0, BOM + DIRTY, out=BOM + CLEAN),
    Case("pipe-huge-line", (), 0, "word " * 200_000 + "\n", out="word " * 200_000 + "\n"),
    Case("pipe-terminal-usage", (), 2, None, err_has=("usage: cleannews", "no input")),
    Case("pipe-invalid-utf8", (), 2, b"caf\xe9\n",
         out=b"", err="cleannews: <stdin>: not valid UTF-8 (byte 0xe9 at offset 3)\n"),
    Case("pipe-binary", (), 2, b"\x7fELF\x00\x01",
         out=b"", err="cleannews: <stdin>: binary file (NUL byte at offset 4)\n"),
    # -- shared options --
    Case("level-default", (), 0, BACK_TO_TOP, out=f"{PROSE}\n"),
    Case("level-safe", ("--level", "safe"), 0, BACK_TO_TOP, out=BACK_TO_TOP),
    Case("level-bad", ("--level", "extreme"), 2, DIRTY, out=b"", err_has=("invalid choice",)),
    Case("select-other", ("--select", "NV"), 0, DIRTY, out=DIRTY),
    Case("select-comma", ("--select", "NV,AD"), 0, DIRTY, out=CLEAN),
    Case("ignore", ("--ignore", "AD001"), 0, DIRTY, out=DIRTY),
    Case("ignore-repeatable", ("--ignore", "NV", "--ignore", "AD"), 0, DIRTY + "Back to top\n",
         out=DIRTY + "Back to top\n"),
    Case("repair-default", (), 0, MOJIBAKE, out=REPAIRED),
    Case("no-repair", ("--no-repair",), 0, MOJIBAKE, out=MOJIBAKE),
    Case("source-url", ("--source", "https://www.spiegel.de/politik/a.html"), 0, SPIEGEL,
         out=f"{PROSE}\n"),
    Case("source-none", (), 0, SPIEGEL, out=SPIEGEL),
    Case("pack", ("--pack", "mypack"), 0, SIGNOFF, files={"mypack/ot.toml": PACK},
         out=f"{PROSE}\n"),
    Case("pack-missing", ("--pack", "nowhere"), 2, SIGNOFF,
         err="cleannews: nowhere: no such pack file or directory\n"),
    Case("pack-broken", ("--pack", "bad.toml"), 2, DIRTY, files={"bad.toml": BROKEN_PACK},
         out=b"", err_has=("cleannews: bad.toml: field 'schema'",)),
    Case("lang", ("--lang", "de", "--pack", "lp"), 0, SIGNOFF,
         files={"lp/ot.toml": LANG_PACK}, out=f"{PROSE}\n"),
    Case("lang-other", ("--lang", "fr", "--pack", "lp"), 0, SIGNOFF,
         files={"lp/ot.toml": LANG_PACK}, out=SIGNOFF),
    Case("plugins-default", (), 0, f"{PROSE}\nFIXTURE PLUGIN MARKER\n", out=f"{PROSE}\n"),
    Case("no-plugins", ("--no-plugins",), 0, f"{PROSE}\nFIXTURE PLUGIN MARKER\n",
         out=f"{PROSE}\nFIXTURE PLUGIN MARKER\n"),
    Case("config-found", (), 0, DIRTY, files={"pyproject.toml": PYPROJECT_IGNORE_AD}, out=DIRTY),
    Case("config-file", ("--config", "conf/pyproject.toml"), 0, DIRTY,
         files={"conf/pyproject.toml": PYPROJECT_IGNORE_AD}, out=DIRTY),
    Case("config-overridden", ("--select", "AD"), 0, DIRTY,
         files={"pyproject.toml": PYPROJECT_IGNORE_AD}, out=CLEAN),
    Case("no-config", ("--no-config",), 0, DIRTY,
         files={"pyproject.toml": PYPROJECT_IGNORE_AD}, out=CLEAN),
    Case("config-packs-relative", ("clean", "-"), 0, SIGNOFF,
         files={"pyproject.toml": '[tool.cleannews]\npacks = ["mypack"]\n',
                "mypack/ot.toml": PACK}, out=f"{PROSE}\n"),
    Case("config-unknown-key", (), 2, DIRTY,
         files={"pyproject.toml": "[tool.cleannews]\nlevle = 'safe'\n"}, out=b"",
         err_has=("pyproject.toml: [tool.cleannews]: unknown key 'levle'",)),
    Case("config-bad-value", (), 2, DIRTY,
         files={"pyproject.toml": "[tool.cleannews]\nlevel = 'extreme'\n"},
         err_has=("'level' must be one of safe, default, aggressive",)),
    # -- clean FILE... --
    Case("clean-file", ("clean", "a.txt"), 0, files={"a.txt": DIRTY}, out=CLEAN),
    Case("clean-file-positional", ("a.txt",), 0, files={"a.txt": DIRTY}, out=CLEAN),
    Case("clean-files-concatenated", ("clean", "a.txt", "b.txt"), 0,
         files={"a.txt": DIRTY, "b.txt": SIGNOFF.replace("Filed by the desk team", "[ad_2]")},
         out=CLEAN + f"{PROSE}\n"),
    Case("clean-output-file", ("clean", "a.txt", "-o", "out.txt"), 0, files={"a.txt": DIRTY},
         out=b"", after={"out.txt": CLEAN}),
    Case("clean-output-folder", ("clean", "a.txt", "b.txt", "-o", "out"), 0,
         files={"a.txt": DIRTY, "b.txt": CLEAN}, out=b"",
         after={"out/a.txt": CLEAN, "out/b.txt": CLEAN}),
    Case("clean-missing", ("clean", "nope.txt"), 2, out=b"",
         err="cleannews: nope.txt: no such file\n"),
    Case("clean-directory", ("clean", "sub"), 2, files={"sub/": ""},
         err="cleannews: sub: is a directory\n"),
    Case("clean-unreadable", ("clean", UNREADABLE), 2, files={UNREADABLE: DIRTY},
         err=f"cleannews: {UNREADABLE}: permission denied\n"),
    Case("clean-one-bad-of-two", ("clean", "bad.txt", "a.txt"), 2,
         files={"bad.txt": b"\xff\xfe", "a.txt": DIRTY}, out=CLEAN,
         err="cleannews: bad.txt: not valid UTF-8 (byte 0xff at offset 0)\n"),
    # -- HTML input --
    Case("html-file", ("clean", "page.html"), 0, files={"page.html": HTML}, out=HTML_TEXT),
    Case("html-pipe-by-name", ("page.htm",), 0, files={"page.htm": HTML}, out=HTML_TEXT),
    Case("html-stdin", ("--input-format", "html"), 0, HTML, out=HTML_TEXT),
    Case("html-output-folder", ("clean", "page.html", "a.txt", "-o", "out"), 0,
         files={"page.html": HTML, "a.txt": DIRTY},
         after={"out/page.txt": HTML_TEXT, "out/a.txt": CLEAN}),
    Case("html-no-text", ("clean", "empty.html"), 2, files={"empty.html": "<html></html>"},
         out=b"", err="cleannews: empty.html: no main text found in the HTML\n"),
    Case("html-forced-on-text", ("--input-format", "text", "page.html"), 0,
         files={"page.html": "[ad_1]\n<p>x</p>\n"}, out="<p>x</p>\n"),
    # -- check --
    Case("check-dirty", ("check", "a.txt"), 1, files={"a.txt": DIRTY},
         out='a.txt:1:1: AD001 ad-slot-marker  "[ad_1]\\n\\n"\nFound 1 removal in 1 file.\n',
         err=""),
    Case("check-clean", ("check", "a.txt"), 0, files={"a.txt": CLEAN}, out=b"", err=""),
    Case("check-line-col", ("check", "a.txt"), 1, files={"a.txt": f"{PROSE}\nAnzeige\n"},
         out_has=('a.txt:2:1: AD002 ad-label-line  "Anzeige\\n"',)),
    Case("check-repair", ("check", "m.txt"), 1, files={"m.txt": MOJIBAKE},
         out_has=('m.txt:1:4: MJ001 mojibake-repair  "Ã©" -> "é"',)),
    Case("check-exit-zero", ("check", "--exit-zero", "a.txt"), 0, files={"a.txt": DIRTY},
         out_has=("AD001",)),
    Case("check-exit-zero-keeps-2", ("check", "--exit-zero", "a.txt", "nope.txt"), 2,
         files={"a.txt": DIRTY}, err="cleannews: nope.txt: no such file\n"),
    Case("check-fix", ("check", "--fix", "a.txt", "b.txt"), 1,
         files={"a.txt": DIRTY, "b.txt": CLEAN},
         out_has=("a.txt:1:1: AD001", "(1 fixed)"), after={"a.txt": CLEAN}),
    Case("check-fix-clean", ("check", "--fix", "b.txt"), 0, files={"b.txt": CLEAN}, out=b""),
    Case("check-fix-keeps-bom-crlf", ("check", "--fix", "w.txt"), 1,
         files={"w.txt": f"{BOM}[ad_1]\r\n{PROSE}\r\n"}, after={"w.txt": f"{BOM}{PROSE}\r\n"}),
    Case("check-diff", ("check", "--diff", "a.txt"), 1, files={"a.txt": DIRTY},
         out=f"--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1 @@\n-[ad_1]\n-\n {CLEAN}"),
    Case("check-diff-fix-writes-nothing", ("check", "--diff", "--fix", "a.txt"), 1,
         files={"a.txt": DIRTY}, out_has=("+++ b/a.txt",)),
    Case("check-diff-no-final-newline", ("check", "--diff", "n.txt"), 1,
         files={"n.txt": f"{PROSE}\nAnzeige"},
         out=f"--- a/n.txt\n+++ b/n.txt\n@@ -1,2 +1 @@\n-{PROSE}\n-Anzeige\n"
             f"\\ No newline at end of file\n+{PROSE}\n\\ No newline at end of file\n"),
    Case("check-html-skipped", ("check", "--fix", "page.html"), 0,
         files={"page.html": "[ad_1]\n" + HTML}, out=b"", err=""),
    Case("check-binary", ("check", "--fix", "bin.txt"), 2, files={"bin.txt": b"[ad_1]\n\x00"},
         out=b"", err="cleannews: bin.txt: binary file (NUL byte at offset 7)\n"),
    Case("check-invalid-utf8", ("check", "--fix", "bad.txt"), 2,
         files={"bad.txt": b"[ad_1]\n\xc3("}, out=b"",
         err="cleannews: bad.txt: not valid UTF-8 (byte 0xc3 at offset 7)\n"),
    Case("check-directory", ("check", "sub"), 2, files={"sub/": ""},
         err="cleannews: sub: is a directory\n"),
    Case("check-unreadable", ("check", "--fix", UNREADABLE), 2, files={UNREADABLE: DIRTY},
         err=f"cleannews: {UNREADABLE}: permission denied\n"),
    Case("check-needs-files", ("check",), 2, err_has=("the following arguments are required",)),
    Case("check-long-snippet", ("check", "c.txt"), 1,
         files={"c.txt": f"{PROSE}\n" + "We use cookies to improve your experience. " * 3 + "\n"},
         out_has=('c.txt:2:1: CK001 cookie-notice  "We use cookies to improve your experience.'
                  ' W…r experience. \\n"\n',)),
    # -- explain --
    Case("explain-plain", ("explain", "a.txt"), 0, files={"a.txt": DIRTY},
         out=f"[-[ad_1]-]{{AD001 ad-slot-marker}}\n\n{CLEAN}"),
    Case("explain-stdin", ("explain",), 0, DIRTY,
         out=f"[-[ad_1]-]{{AD001 ad-slot-marker}}\n\n{CLEAN}"),
    Case("explain-repair", ("explain", "--color", "never", "-"), 0, MOJIBAKE,
         out=MOJIBAKE.replace("Ã©", "[-Ã©-]{+é+}{MJ001 mojibake-repair}")),
    Case("explain-color", ("explain", "--color", "always", "a.txt"), 0, files={"a.txt": DIRTY},
         out=f"\x1b[9;31m[ad_1]\x1b[0m\x1b[2;33m{{AD001 ad-slot-marker}}\x1b[0m\n\n{CLEAN}"),
    Case("explain-json", ("explain", "--format", "json", "a.txt"), 0, files={"a.txt": DIRTY},
         out=json.dumps({"text": CLEAN, "trace": [
             {"code": "AD001", "name": "ad-slot-marker", "start": 0, "end": 8,
              "text": "[ad_1]\n\n"}], "warnings": [], "sources": []}, indent=2) + "\n"),
    Case("explain-json-source", ("explain", "--format", "json", "--source", "spiegel.de"), 0,
         SPIEGEL, out_has=('"code": "SL1201"', '"sources": [\n    "source pack spiegel.de')),
    Case("explain-html", ("explain", "page.html"), 0, files={"page.html": HTML},
         out=HTML_TEXT.replace("\n", "\n[-[ad_1]-]{AD001 ad-slot-marker}\n", 1)),
    Case("explain-terminal", ("explain",), 2, None, err_has=("usage:",)),
    Case("explain-missing", ("explain", "nope.txt"), 2, err="cleannews: nope.txt: no such file\n"),
    # -- rules, rule --
    Case("rules", ("rules",), 0, out_has=("AD001   safe       ad-slot-marker", "CK001", "SL1201")),
    Case("rules-category", ("rules", "--category", "ad"), 0, out_has=("AD001", "AD002"),
         out_lacks=("CK001", "SL1201")),
    Case("rules-categories", ("rules", "--category", "AD,CK"), 0, out_has=("AD001", "CK001"),
         out_lacks=("BY001",)),
    Case("rules-lang", ("rules", "--lang", "de"), 0, out_has=("AD002", "CM1202"),
         out_lacks=("AD001 ",)),
    Case("rules-source", ("rules", "--source", "https://www.spiegel.de/"), 0,
         out_has=("SL1201", "CM1202"), out_lacks=("AD001",)),
    Case("rules-select", ("rules", "--select", "AD", "--ignore", "AD002"), 0,
         out_has=("AD001",), out_lacks=("AD002", "CK001")),
    Case("rules-user-pack", ("rules", "--pack", "mypack", "--category", "OT"), 0,
         files={"mypack/ot.toml": PACK}, out_has=("OT901   default    desk-signoff",)),
    Case("rules-json", ("rules", "--format", "json", "--category", "AD"), 0,
         out_has=('"code": "AD001"', '"why": ', '"origin": "src/cleannews/packs/generic/ad.toml"')),
    Case("rule", ("rule", "AD001"), 0,
         out_has=("AD001 ad-slot-marker\n", "  Why: ", "scope: span   zone: anywhere   level: safe",
                  "  Removes:\n    | [ad_1]", "  Leaves alone:")),
    Case("rule-lowercase", ("rule", "ck001"), 0, out_has=("CK001 cookie-notice",)),
    Case("rule-unknown", ("rule", "ZZ999"), 2, out=b"",
         err="cleannews: no rule ZZ999 (list them with `cleannews rules`)\n"),
    # -- test-packs --
    Case("test-packs-pass", ("test-packs", "mypack"), 0, files={"mypack/ot.toml": PACK},
         out="2 examples passed, 0 failed\n"),
    Case("test-packs-fail", ("test-packs", "mypack"), 1, files={"mypack/ot.toml": FAILING_PACK},
         out_has=("OT901 [fail] example", "1 examples passed, 1 failed")),
    Case("test-packs-broken", ("test-packs", "bad.toml"), 2, files={"bad.toml": BROKEN_PACK},
         err_has=("cleannews: bad.toml: field 'schema'",)),
    Case("test-packs-missing", ("test-packs", "nowhere"), 2,
         err="cleannews: nowhere: no such pack file or directory\n"),
    # -- JSON Lines --
    Case("jsonl", ("--input-format", "jsonl", "-q"), 0,
         jsonl({"id": 1, "text": DIRTY, "url": "https://x.org/1"},
               '{"broken',
               {"text": 5, "id": 3},
               {"id": 4, "title": "t", "text": CLEAN}),
         out=jsonl({"id": 1, "text": CLEAN, "url": "https://x.org/1"}, '{"broken',
                   {"text": 5, "id": 3}, {"id": 4, "title": "t", "text": CLEAN}),
         err="cleannews: <stdin>:2: malformed JSON: Unterminated string starting at: line 1"
             " column 2 (char 1); line kept unchanged\n"
             "cleannews: <stdin>:3: field 'text' is a number, not a string; line kept unchanged\n"),
    Case("jsonl-summary", ("--input-format", "jsonl"), 0,
         jsonl({"text": DIRTY}, {"text": SIGNOFF.replace("Filed by the desk team", "Anzeige")}),
         err_has=("2 documents, ", "removals by category: AD 2")),
    Case("jsonl-keys-and-source", ("--input-format", "jsonl", "-q", "--text-key", "body",
                                   "--url-key", "link"), 0,
         jsonl({"link": "https://www.spiegel.de/a", "body": SPIEGEL, "text": DIRTY},
               {"link": 7, "body": SPIEGEL}),
         out=jsonl({"link": "https://www.spiegel.de/a", "body": f"{PROSE}\n", "text": DIRTY},
                   {"link": 7, "body": SPIEGEL})),
    Case("jsonl-by-extension", ("clean", "-q", "c.jsonl"), 0,
         files={"c.jsonl": jsonl({"text": DIRTY}) + "\n" + jsonl({"text": "x"})},
         out=jsonl({"text": CLEAN}) + "\n" + jsonl({"text": "x"})),
    Case("jsonl-output-file", ("clean", "-q", "c.jsonl", "-o", "o.jsonl"), 0,
         files={"c.jsonl": jsonl({"text": DIRTY})}, out=b"",
         after={"o.jsonl": jsonl({"text": CLEAN})}),
    Case("jsonl-missing", ("clean", "-q", "c.jsonl", "nope.jsonl"), 2,
         files={"c.jsonl": jsonl({"text": DIRTY})}, out=jsonl({"text": CLEAN}),
         err="cleannews: nope.jsonl: no such file\n"),
    Case("jsonl-mixed", ("clean", "c.jsonl", "a.txt"), 2,
         files={"c.jsonl": "", "a.txt": ""}, err_has=("cannot be mixed",)),
    Case("jsonl-non-utf8-line", ("--input-format", "jsonl", "-q"), 0,
         b'{"text": "caf\xe9"}\n', out=b'{"text": "caf\xe9"}\n',
         err_has=("<stdin>:1: malformed JSON",)),
    # -- help, version, usage errors --
    Case("version", ("--version",), 0, out_has=("cleannews ", " engine)")),
    Case("help", ("--help",), 0, out_has=("commands:", "examples:", "check")),
    *[Case(f"help-{cmd}", (cmd, "--help"), 0, out_has=("examples:", f"cleannews {cmd}"))
      for cmd in ("clean", "check", "explain", "rules", "rule", "test-packs")],
    Case("unknown-option", ("--frobnicate",), 2, DIRTY, out=b"",
         err_has=("unrecognized arguments: --frobnicate",)),
    Case("jobs-zero", ("-j", "0"), 2, DIRTY, err_has=("must be at least 1",)),
]


def _setup(tmp_path: Path, case: Case) -> dict[Path, bytes]:
    created: dict[Path, bytes] = {}
    for name, content in case.files.items():
        path = tmp_path / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_b(content))
        created[path] = _b(content)
        if name == UNREADABLE:
            path.chmod(0)
    return created


def _check(case: Case, run: Run, tmp_path: Path, created: dict[Path, bytes]) -> None:
    out, err = run.out.decode("utf-8", "replace"), run.err.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    assert run.code == case.code, (out, err)
    if case.out is not None:
        assert run.out == _b(case.out)
    for text in case.out_has:
        assert text in out
    for text in case.out_lacks:
        assert text not in out
    if case.err is not None:
        assert err == case.err
    for text in case.err_has:
        assert text in err
    for name, content in case.after.items():
        assert (tmp_path / name).read_bytes() == _b(content), name
    for path, content in created.items():
        if path.relative_to(tmp_path).as_posix() not in case.after:
            path.chmod(0o600)
            assert path.read_bytes() == content, f"{path.name} changed"
    leftovers = [p.name for p in tmp_path.rglob(".*.tmp")]
    assert not leftovers, "temp files left behind"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_in_process(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                    capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    created = _setup(tmp_path, case)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    if os.geteuid() == 0:  # root reads mode-000 files: make the OS refusal explicit
        real = pathlib.Path.read_bytes

        def refusing(self: Path) -> bytes:
            if self.exists() and self.stat().st_mode & 0o777 == 0:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(pathlib.Path, "read_bytes", refusing)
    stdin = None if case.stdin is None else _b(case.stdin)
    run = run_in_process(case.args, stdin, monkeypatch, capsysbinary)
    _check(case, run, tmp_path, created)


# The subprocess half of the table: every case again, through `python -m cleannews`. Each
# process compiles the packs (most of its run time), so the cases are started together up
# front, one per core, and each test then checks its own result.
@pytest.fixture(scope="module")
def subprocess_runs(tmp_path_factory: pytest.TempPathFactory
                    ) -> dict[str, tuple[Run, Path, dict[Path, bytes]]]:
    def start(case: Case) -> tuple[Run, Path, dict[Path, bytes]]:
        folder = tmp_path_factory.mktemp(case.id)
        created = _setup(folder, case)
        prefix = unreadable_prefix() if UNREADABLE in case.files else []
        stdin = None if case.stdin is None else _b(case.stdin)
        return run_subprocess(case.args, stdin, folder, prefix), folder, created

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(zip([c.id for c in CASES], pool.map(start, CASES), strict=True))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_subprocess(case: Case,
                    subprocess_runs: dict[str, tuple[Run, Path, dict[Path, bytes]]]) -> None:
    run, folder, created = subprocess_runs[case.id]
    _check(case, run, folder, created)
