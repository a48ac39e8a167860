"""HTML in: the main text of a page, extracted by trafilatura before cleaning.

trafilatura is imported here, on first use, so the text pipe never pays for it.
"""

from __future__ import annotations

from cleannews.fileio import InputError

HTML_SUFFIXES = (".html", ".htm")


def is_html_path(path: str) -> bool:
    return path.lower().endswith(HTML_SUFFIXES)


def extract_text(html: bytes, path: str) -> str:
    """The page's main text (comments left out, tables kept), ending in a newline.

    Bytes go to trafilatura as they are, so it can honour the page's own charset.
    """
    try:
        import trafilatura  # noqa: PLC0415
    except ImportError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(path, f"HTML input needs trafilatura, which failed to import: {reason}")\
            from None

    text = trafilatura.extract(html, include_comments=False, include_tables=True,
                               favor_precision=False)
    if text is None:
        raise InputError(path, "no main text found in the HTML")
    return text if text.endswith("\n") else text + "\n"
