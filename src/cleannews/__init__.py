"""cleannews: strip boilerplate and ad-noise from scraped news text, and say why.

>>> import cleannews
>>> cleannews.clean("[ad_1]\\nThe council approved the budget on Monday evening.\\n")
'The council approved the budget on Monday evening.\\n'
"""

from __future__ import annotations

import threading
from importlib.metadata import PackageNotFoundError, version

from cleannews.cleaner import Cleaner
from cleannews.loader import PackError
from cleannews.model import CleanResult, Level, Removal, Replacement, apply_trace

try:
    __version__ = version("cleannews")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = [
    "CleanResult",
    "Cleaner",
    "PackError",
    "Removal",
    "Replacement",
    "__version__",
    "apply_trace",
    "clean",
    "clean_and_explain",
]

_default_cleaners: dict[tuple[Level, bool], Cleaner] = {}
_lock = threading.Lock()


def _cleaner(level: Level, repair: bool) -> Cleaner:
    key = (level, repair)
    cleaner = _default_cleaners.get(key)
    if cleaner is None:
        with _lock:
            cleaner = _default_cleaners.get(key)
            if cleaner is None:
                cleaner = _default_cleaners[key] = Cleaner(level=level, repair=repair)
    return cleaner


def clean(
    text: str,
    *,
    level: Level = "default",
    lang: str | None = None,
    repair: bool = True,
    source: str | None = None,
) -> str:
    """Return `text` without its boilerplate and ad-noise, using the built-in packs.

    Never reads a config file. `source` (a URL or domain) selects a site pack; `lang` only
    adds language-specific rules, phrases of every language always apply.
    """
    return _cleaner(level, repair).clean(text, source=source, lang=lang)


def clean_and_explain(
    text: str,
    *,
    level: Level = "default",
    lang: str | None = None,
    repair: bool = True,
    source: str | None = None,
) -> CleanResult:
    """Like `clean`, with the trace: every removal (rule, offsets, text) and repair."""
    return _cleaner(level, repair).clean_and_explain(text, source=source, lang=lang)
