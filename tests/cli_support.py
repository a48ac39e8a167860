"""Running the `cleannews` command two ways, in-process (`cli.main`) and as a subprocess,
so one table of cases checks both.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cleannews import cli, commands, config
from tests.pack_support import pack_toml, rule_toml

DIRTY = "[ad_1]\n\nThe council approved the budget on Monday evening after a long debate.\n"
CLEAN = "The council approved the budget on Monday evening after a long debate.\n"
PROSE = "The council approved the budget on Monday evening after a long debate."

PACK = pack_toml(
    rule_toml(
        "OT901",
        "desk-signoff",
        'phrases.en = ["Filed by the desk team"]',
        summary="The wire desk's sign-off line.",
        why="Added by the desk when filing, not part of the story.",
        fail=(f"{PROSE}\nFiled by the desk team\n", f"{PROSE}\n"),
        passes=f"{PROSE}\n",
    ),
    title="Desk sign-offs",
)
LANG_PACK = PACK.replace("OT901", "OT902").replace('phrases.en', 'langs = ["de"]\nphrases.de')
FAILING_PACK = PACK.replace('expected = "', 'expected = "WRONG ')
BROKEN_PACK = PACK.replace("schema = 1", "schema = 7")


@dataclass(frozen=True)
class Run:
    code: int
    out: bytes
    err: bytes


class _Terminal(io.TextIOWrapper):
    """stdin as a terminal with nothing piped in: reading it would wait forever."""

    def isatty(self) -> bool:
        return True

    def read(self, *_: Any) -> str:
        raise AssertionError("read a terminal stdin instead of printing usage")


def run_in_process(args: Sequence[str], stdin: bytes | None,
                   monkeypatch: pytest.MonkeyPatch,
                   capsys: pytest.CaptureFixture[bytes]) -> Run:
    stream = _Terminal(io.BytesIO()) if stdin is None else io.TextIOWrapper(io.BytesIO(stdin))
    monkeypatch.setattr(sys, "stdin", stream)
    monkeypatch.setattr(commands, "cleaner_from", cached_cleaner_from)
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return Run(code, out, err)


def run_subprocess(args: Sequence[str], stdin: bytes | None, cwd: Path,
                   prefix: Sequence[str] = ()) -> Run:
    command = [*prefix, sys.executable, "-m", "cleannews", *args]
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    if stdin is None:  # a real terminal on stdin, with nothing typed
        import pty  # noqa: PLC0415

        leader, follower = pty.openpty()
        try:
            proc = subprocess.run(command, stdin=follower, capture_output=True, cwd=cwd,
                                  env=env, timeout=60, check=False)
        finally:
            os.close(leader)
            os.close(follower)
    else:
        proc = subprocess.run(command, input=stdin, capture_output=True, cwd=cwd, env=env,
                              timeout=60, check=False)
    return Run(proc.returncode, proc.stdout, proc.stderr)


_cache: dict[Any, Any] = {}


def cached_cleaner_from(cfg: config.Config, **overrides: Any) -> Any:
    """In-process runs share compiled Cleaners: compiling once per case would dominate."""
    key = (cfg, tuple(sorted(overrides.items())))
    if key not in _cache:
        _cache[key] = config.cleaner_from(cfg, **overrides)
    return _cache[key]


def unreadable_prefix() -> list[str]:
    """As root a mode-000 file is still readable; drop the capabilities that allow it."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("running as root: the unreadable-file case needs setpriv to drop "
                    "CAP_DAC_OVERRIDE (util-linux)")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}"]
