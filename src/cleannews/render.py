"""A trace made readable: finding lines, the marked-up text of `explain`, JSON, diffs.

Everything here is a pure function of (input, result), so tests need no files.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from cleannews.model import CleanResult, Edit, Replacement

SNIPPET_WIDTH = 60

_RED, _GREEN, _DIM, _RESET = "\x1b[9;31m", "\x1b[32m", "\x1b[2;33m", "\x1b[0m"
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape(text: str) -> str:
    """One line, quotes and control characters escaped: safe to print after a path."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch < " " or ch == "\x7f" or "\u2028" <= ch <= "\u2029":
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def snippet(text: str, width: int = SNIPPET_WIDTH) -> str:
    """`text` escaped, its middle elided when longer than `width` (start and end both tell)."""
    if len(text) > width:
        tail = width // 4
        text = text[: width - tail - 1] + "\u2026" + text[-tail:]
    return escape(text)


def line_col(starts: list[int], offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset, given the offsets where lines start."""
    line = bisect.bisect_right(starts, offset) - 1
    return line + 1, offset - starts[line] + 1


def line_starts(text: str) -> list[int]:
    starts = [0]
    pos = text.find("\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


def finding_lines(path: str, original: str, result: CleanResult) -> Iterator[str]:
    """`path:line:col: CODE name  "deleted text"`, one per edit, in text order."""
    starts = line_starts(original)
    for edit in result.trace:
        line, col = line_col(starts, edit.start)
        what = f'"{snippet(edit.text)}"'
        if isinstance(edit, Replacement):
            what += f' -> "{snippet(edit.replacement)}"'
        yield f"{path}:{line}:{col}: {edit.code} {edit.name}  {what}"


def marked_text(original: str, result: CleanResult, color: bool) -> str:
    """The input with every edit marked in place and its rule beside it.

    Plain: `[-deleted-]{CODE name}` and `[-old-+new+]{CODE name}`; with colour, deletions are
    red and struck through. A deletion's trailing line breaks are put after the tag, so
    every line of the input stays a line of the view.
    """
    parts: list[str] = []
    pos = 0
    for edit in result.trace:
        parts.append(original[pos : edit.start])
        body, brk = _split_break(edit.text)
        parts.append(_mark(edit, body, color))
        parts.append(brk)
        pos = edit.end
    parts.append(original[pos:])
    return "".join(parts)


def _mark(edit: Edit, body: str, color: bool) -> str:
    tag = f"{edit.code} {edit.name}"
    new = edit.replacement if isinstance(edit, Replacement) else None
    if color:
        shown = f"{_RED}{body}{_RESET}" + (f"{_GREEN}{new}{_RESET}" if new is not None else "")
        return f"{shown}{_DIM}{{{tag}}}{_RESET}"
    return f"[-{body}-]" + (f"{{+{new}+}}" if new is not None else "") + f"{{{tag}}}"


def _split_break(text: str) -> tuple[str, str]:
    body = text.rstrip("\r\n")
    return body, text[len(body) :]


def trace_json(result: CleanResult) -> dict[str, object]:
    """The result as plain JSON data; offsets are code-point indices into the input."""
    trace = []
    for edit in result.trace:
        item: dict[str, object] = {"code": edit.code, "name": edit.name, "start": edit.start,
                                   "end": edit.end, "text": edit.text}
        if isinstance(edit, Replacement):
            item["replacement"] = edit.replacement
        trace.append(item)
    return {"text": result.text, "trace": trace, "warnings": list(result.warnings),
            "sources": list(result.sources)}


def unified_diff(path: str, before: str, after: str) -> str:
    """A diff with `a/` and `b/` paths, so `patch -p1` applies it from the repository root.

    A last line without a line break gets git's `\\ No newline at end of file` marker.
    """
    import difflib  # noqa: PLC0415  (only `check --diff` needs it)

    out = []
    lines = difflib.unified_diff(before.splitlines(keepends=True),
                                 after.splitlines(keepends=True), f"a/{path}", f"b/{path}")
    for line in lines:
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)
