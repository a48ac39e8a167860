"""Command-line behaviour that needs more than one run or a real tool around it: fix then
re-check, files left alone, `patch -p1`, the real pre-commit hook, `-j 2` corpora, start-up
imports, closed pipes and interrupts.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cleannews import cli, commands
from cleannews.config import Config, ConfigError, cleaner_from, find_config, load_config
from tests.cli_support import CLEAN, DIRTY, PROSE, run_subprocess

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _stamp(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return st.st_ino, st.st_mtime_ns, st.st_mode


def test_check_leaves_dirty_file_then_fix_cleans_and_rerun_passes(tmp_path: Path) -> None:
    dirty = tmp_path / "dirty.txt"
    dirty.write_text(DIRTY)
    dirty.chmod(0o640)
    before = _stamp(dirty)

    first = run_subprocess(["check", "dirty.txt"], b"", tmp_path)
    assert first.code == 1
    assert dirty.read_text() == DIRTY and _stamp(dirty) == before

    fixed = run_subprocess(["check", "--fix", "dirty.txt"], b"", tmp_path)
    assert fixed.code == 1, fixed.err
    assert dirty.read_text() == CLEAN
    assert dirty.stat().st_mode & 0o777 == 0o640, "permissions not kept"
    after_fix = _stamp(dirty)

    again = run_subprocess(["check", "--fix", "dirty.txt"], b"", tmp_path)
    assert (again.code, again.out) == (0, b"")
    assert _stamp(dirty) == after_fix, "a clean file was rewritten"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dirty.txt"]


def test_clean_output_is_not_rewritten_when_unchanged(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(DIRTY)
    assert run_subprocess(["clean", "a.txt", "-o", "out.txt"], b"", tmp_path).code == 0
    stamp = _stamp(tmp_path / "out.txt")
    assert run_subprocess(["clean", "a.txt", "-o", "out.txt"], b"", tmp_path).code == 0
    assert _stamp(tmp_path / "out.txt") == stamp


def test_diff_applies_with_patch(tmp_path: Path) -> None:
    patch = shutil.which("patch")
    if patch is None:
        pytest.fail("`patch` is not installed: this test needs it to prove --diff applies "
                    "(apt-get install patch)")
    files = {
        "a.txt": DIRTY,
        "sub/crlf.txt": f"{PROSE}\r\nAnzeige\r\n{PROSE}\r\n",
        "sub/nofinal.txt": f"{PROSE}\nAnzeige",
        "clean.txt": CLEAN,
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(text.encode())
    run = run_subprocess(["check", "--diff", *files], b"", tmp_path)
    assert run.code == 1, run.err
    assert all((tmp_path / n).read_bytes() == t.encode() for n, t in files.items())
    applied = subprocess.run([patch, "-p1", "--batch"], input=run.out, cwd=tmp_path,
                             capture_output=True, check=False)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    expected = run_subprocess(["clean", *files], b"", tmp_path).out
    assert b"".join((tmp_path / n).read_bytes() for n in files) == expected
    assert run_subprocess(["check", *files], b"", tmp_path).code == 0


def test_pre_commit_manifest_is_valid() -> None:
    run = subprocess.run([str(BIN / "pre-commit"), "validate-manifest",
                          str(ROOT / ".pre-commit-hooks.yaml")],
                         capture_output=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def test_real_pre_commit_blocks_dirty_commit_then_passes(tmp_path: Path) -> None:
    script = BIN / "cleannews"
    assert script.exists(), f"no cleannews console script next to {sys.executable}"
    hook = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())[0]
    repo, home = tmp_path / "repo", tmp_path / "home"
    repo.mkdir()
    home.mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": str(home),
           "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_CONFIG_NOSYSTEM": "1",
           "LANG": "C.UTF-8"}

    def git(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True,
                              check=False)

    local = {"repos": [{"repo": "local", "hooks": [{
        "id": hook["id"], "name": hook["name"], "language": "system", "files": hook["files"],
        "entry": hook["entry"].replace("cleannews", str(script), 1),
    }]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(local))
    (repo / "article.txt").write_text(DIRTY)
    for args in (("init", "-q"), ("config", "user.email", "t@example.org"),
                 ("config", "user.name", "T"), ("config", "commit.gpgsign", "false")):
        assert git(*args).returncode == 0
    install = subprocess.run([str(BIN / "pre-commit"), "install"], cwd=repo, env=env,
                             capture_output=True, check=False)
    assert install.returncode == 0, install.stdout + install.stderr
    git("add", ".")

    blocked = git("commit", "-q", "-m", "dirty")
    assert blocked.returncode != 0, blocked.stdout + blocked.stderr
    assert b"AD001" in blocked.stdout + blocked.stderr
    assert (repo / "article.txt").read_text() == CLEAN  # the hook fixed it
    assert git("rev-parse", "HEAD").returncode != 0  # and nothing was committed

    git("add", "article.txt")
    passed = git("commit", "-q", "-m", "clean")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert git("show", "HEAD:article.txt").stdout == CLEAN.encode()


def test_jsonl_parallel_keeps_order_and_malformed_line(tmp_path: Path) -> None:
    lines = []
    for i in range(3000):
        text = DIRTY if i % 3 == 0 else CLEAN
        lines.append(json.dumps({"id": i, "text": text, "meta": {"n": i}}))
    lines[1499] = '{"id": 1499, "text": '  # malformed: line 1500
    data = ("\n".join(lines) + "\n").encode()
    run = run_subprocess(["--input-format", "jsonl", "-j", "2"], data, tmp_path)
    assert run.code == 0, run.err
    out = run.out.decode().splitlines()
    assert len(out) == 3000
    assert out[1499] == lines[1499]
    for i, line in enumerate(out):
        if i != 1499:
            doc = json.loads(line)
            assert list(doc) == ["id", "text", "meta"] and doc["id"] == i
            assert doc["text"] == CLEAN
    err = run.err.decode()
    assert "cleannews: <stdin>:1500: malformed JSON" in err
    assert "3000 documents (1 passed through unchanged after an error)" in err
    assert "AD 1000" in err
    assert "\r" not in err, "progress line printed although stderr is not a terminal"


def test_cli_import_is_lazy() -> None:
    code = ("import sys, cleannews.cli\n"
            "heavy = {'trafilatura', 'multiprocessing', 'json', 'difflib', 'lxml'}\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert run.stdout.strip() == b"[]"


def test_closed_stdout_pipe_is_quiet(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(CLEAN * 200_000)
    proc = subprocess.Popen([sys.executable, "-m", "cleannews", "clean", str(big)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(100)
    proc.stdout.close()  # like `| head -c 100`
    err = proc.stderr.read()
    assert (proc.wait(timeout=60), err) == (0, b"")


def test_keyboard_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(*_: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(commands, "rules", interrupted)
    assert cli.main(["rules"]) == 130
    assert capsys.readouterr().err == ""


def test_find_and_load_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.cleannews]\nlevel = "safe"\npacks = ["p"]\nselect = ["AD"]\nlang = "de"\n')
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    (tmp_path / "a" / "pyproject.toml").write_text('[project]\nname = "no-table"\n')
    found = find_config(deep)
    assert found == tmp_path / "pyproject.toml"
    config = load_config(found)
    assert config.level == "safe" and config.lang == "de" and config.select == ("AD",)
    assert config.packs == ((tmp_path / "p").resolve(),)
    assert config.repair and config.plugins
    assert find_config(Path("/")) is None or find_config(Path("/")) != found


@pytest.mark.parametrize(("body", "message"), [
    ("[tool.cleannews]\nselct = []\n", "unknown key 'selct'"),
    ("[tool.cleannews]\nrepair = 'yes'\n", "'repair' must be true or false"),
    ("[tool.cleannews]\npacks = 'p'\n", "'packs' must be a list of strings"),
    ("[tool.cleannews\n", "not valid TOML"),
])
def test_config_errors_name_file_and_key(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(body)
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(path)
    assert str(path) in str(caught.value)


def test_cleaner_from_overrides_config() -> None:
    config = Config(level="safe", select=("AD",), repair=False)
    assert cleaner_from(config, plugins=False).level == "safe"
    overridden = cleaner_from(config, level="aggressive", select=("CK",), repair=True,
                              plugins=False)
    assert (overridden.level, overridden.select, overridden.repair) == (
        "aggressive", ("CK",), True)
