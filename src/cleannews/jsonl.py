"""JSON Lines corpora: one document a line in, the same line with its text cleaned out.

Streams in constant memory, in input order, optionally over worker processes. A line that
cannot be cleaned (bad JSON, no string text, an error while cleaning) is reported with its
line number and written out unchanged: a corpus never loses a document here.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from cleannews.cleaner import Cleaner

Line = tuple[str, int, bytes]  # (input name, line number, raw line with its line break)

_JSON_TYPES = {type(None): "null", bool: "a boolean", int: "a number", float: "a number",
               list: "an array", dict: "an object"}

CHUNK = 32  # lines a worker takes at a time: amortises pickling without hurting latency


@dataclass(frozen=True, slots=True)
class JsonlOptions:
    """Where the text and URL are, and the fallbacks for documents that have no URL."""

    text_key: str = "text"
    url_key: str = "url"
    source: str | None = None
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """One input line's result: the bytes to write, and what happened to it."""

    name: str  # the input's name, for messages
    lineno: int
    line: bytes
    size: int  # bytes of the input line
    codes: tuple[str, ...] = ()
    error: str | None = None


@dataclass(slots=True)
class Summary:
    """Totals for the end-of-run line on stderr."""

    documents: int = 0
    errors: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    removals: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: Outcome) -> None:
        self.bytes_in += outcome.size
        self.bytes_out += len(outcome.line)
        if not outcome.line.strip():
            return  # blank lines are kept but are not documents
        self.documents += 1
        self.errors += outcome.error is not None
        self.removals.update(code[:2] for code in outcome.codes)

    def describe(self) -> str:
        cats = ", ".join(f"{cat} {n}" for cat, n in sorted(self.removals.items())) or "none"
        errors = f" ({self.errors} passed through unchanged after an error)" if self.errors else ""
        return (f"{self.documents} documents{errors}, {_mb(self.bytes_in)} in, "
                f"{_mb(self.bytes_out)} out; removals by category: {cats}")


def clean_line(cleaner: Cleaner, opts: JsonlOptions, item: Line) -> Outcome:
    """Clean the text field of one JSON line; other fields and their order are kept."""
    name, lineno, raw = item
    body = raw.rstrip(b"\r\n")
    ending = raw[len(body):]
    if not body.strip():
        return Outcome(name, lineno, raw, len(raw))  # a blank line is not a document
    try:
        doc = json.loads(body)
    except ValueError as exc:
        return Outcome(name, lineno, raw, len(raw), error=f"malformed JSON: {_first_line(exc)}")
    if not isinstance(doc, dict):
        return Outcome(name, lineno, raw, len(raw), error="not a JSON object")
    text = doc.get(opts.text_key)
    if not isinstance(text, str):
        what = "missing" if opts.text_key not in doc else _JSON_TYPES.get(type(text), "?")
        return Outcome(name, lineno, raw, len(raw),
                       error=f"field '{opts.text_key}' is {what}, not a string")
    url = doc.get(opts.url_key)
    source = url if isinstance(url, str) and url else opts.source
    try:
        result = cleaner.clean_and_explain(text, source=source, lang=opts.lang)
    except Exception as exc:  # one document must not stop a corpus run
        failure = f"cleaning failed: {type(exc).__name__}: {exc}"
        return Outcome(name, lineno, raw, len(raw), error=failure)
    codes = tuple(edit.code for edit in result.trace)
    if result.text == text:
        return Outcome(name, lineno, raw, len(raw), codes)
    doc[opts.text_key] = result.text
    try:
        out = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from \ud800-style escapes: keep them escaped
        out = json.dumps(doc).encode("ascii")
    return Outcome(name, lineno, out + (ending or b""), len(raw), codes)


def numbered(name: str, lines: Iterable[bytes]) -> Iterator[Line]:
    """`(name, line number, raw line)` for every line of one input."""
    for lineno, raw in enumerate(lines, 1):
        yield name, lineno, raw


def clean_lines(
    lines: Iterable[Line],
    make_cleaner: Callable[[], Cleaner],
    opts: JsonlOptions,
    jobs: int = 1,
) -> Iterator[Outcome]:
    """Outcomes in input order. With `jobs > 1`, worker processes each build one Cleaner
    (`make_cleaner` must pickle) and at most a few chunks per worker are in flight, so
    memory stays flat however long the input is.
    """
    if jobs <= 1:
        cleaner = make_cleaner()
        for item in lines:
            yield clean_line(cleaner, opts, item)
        return
    import multiprocessing  # noqa: PLC0415  (only for -j N)

    window = threading.BoundedSemaphore(CHUNK * jobs * 4)
    stop = threading.Event()

    def throttled() -> Iterator[Line]:
        # Runs in the pool's feeder thread: Pool.imap would otherwise read all input at once.
        for item in lines:
            while not window.acquire(timeout=0.1):
                if stop.is_set():
                    return
            yield item

    with multiprocessing.get_context("spawn").Pool(
        jobs, initializer=_init_worker, initargs=(make_cleaner, opts)
    ) as pool:
        try:
            for outcome in pool.imap(_work, throttled(), chunksize=CHUNK):
                window.release()
                yield outcome
        finally:
            stop.set()


_worker: tuple[Cleaner, JsonlOptions] | None = None


def _init_worker(make_cleaner: Callable[[], Cleaner], opts: JsonlOptions) -> None:
    global _worker  # noqa: PLW0603  (one Cleaner per worker process, built once)
    _worker = (make_cleaner(), opts)


def _work(item: Line) -> Outcome:
    assert _worker is not None
    return clean_line(_worker[0], _worker[1], item)


class Progress:
    """A `\\r`-rewritten status line, at most a few times a second; silent when off."""

    def __init__(self, stream: IO[str], enabled: bool) -> None:
        self.stream, self.enabled, self.last = stream, enabled, 0.0

    def update(self, summary: Summary) -> None:
        now = time.monotonic()
        if self.enabled and now - self.last >= 0.2:
            self.last = now
            self.stream.write(f"\r{summary.documents} documents, {_mb(summary.bytes_in)}")
            self.stream.flush()

    def done(self) -> None:
        if self.enabled and self.last:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB"


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
