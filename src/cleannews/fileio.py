"""Bytes in, bytes out: strict UTF-8 decoding with one-line reasons, and atomic rewrites.

Every failure is an `InputError` whose message is `PATH: reason`, so the command line can
print it as is and never shows a traceback for a bad file.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

BOM = "\ufeff"
STDIN = "-"


class InputError(Exception):
    """A file that cannot be read or decoded; `str()` is `PATH: reason`."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


def read_bytes(path: str) -> bytes:
    """The file's bytes, or an InputError that says why not (missing, directory, denied)."""
    try:
        return Path(path).read_bytes()
    except IsADirectoryError:
        raise InputError(path, "is a directory") from None
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as exc:
        raise InputError(path, exc.strerror or str(exc)) from None


def decode(data: bytes, path: str) -> str:
    """Strict UTF-8; a NUL byte means a binary file, which is never text to clean."""
    nul = data.find(b"\0")
    if nul >= 0:
        raise InputError(path, f"binary file (NUL byte at offset {nul})")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise InputError(path, f"not valid UTF-8 (byte 0x{bad} at offset {exc.start})") from None


def split_bom(text: str) -> tuple[str, str]:
    """(`bom`, rest): the BOM is kept aside so no rule can delete it with the first line."""
    if text.startswith(BOM):
        return BOM, text[1:]
    return "", text


def write_atomic(path: str, data: bytes) -> None:
    """Replace `path` with `data` through a temp file in the same folder and `os.replace`.

    A reader never sees a half-written file, and the file keeps its permission bits.
    """
    target = Path(path)
    try:
        mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_if_changed(path: str, data: bytes) -> bool:
    """Write `data` unless the file already holds exactly it; True when it wrote."""
    try:
        if Path(path).read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(path, data)
    return True
