"""Which rules apply to a text: level, select/ignore, language, and the site it came from.

Precedence is generic < source < user: a source pack may switch generic rules off
(`disable`) and a rule in a higher layer replaces a rule with the same code in a lower one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from cleannews.model import LEVELS, Level, Pack, Rule


def host_of(source: str) -> str:
    """The lower-cased host of a URL or bare domain (`https://www.x.de/a` -> `www.x.de`)."""
    value = source.strip().lower()
    if "://" not in value:
        value = "//" + value
    try:
        host = urlsplit(value).hostname or ""
    except ValueError:
        return ""
    host = host.rstrip(".")
    return host if host and not any(char.isspace() for char in host) else ""


def pack_for_host(host: str, packs: Sequence[Pack]) -> Pack | None:
    """The source pack whose domain is the host or its nearest parent domain."""
    best: tuple[int, Pack] | None = None
    for pack in packs:
        for domain in pack.domains:
            matches = host == domain or host.endswith("." + domain)
            if matches and (best is None or len(domain) > best[0]):
                best = (len(domain), pack)
    return best[1] if best else None


def code_enabled(code: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    """ruff's rule: the longest matching prefix among select and ignore decides."""
    best_select = max((len(p) for p in select if code.startswith(p)), default=-1)
    best_ignore = max((len(p) for p in ignore if code.startswith(p)), default=-1)
    if best_select < 0 and best_ignore < 0:
        return not select
    return best_select >= best_ignore


def active_rules(
    layers: Iterable[Iterable[Rule]],
    *,
    level: Level,
    lang: str | None,
    select: Sequence[str],
    ignore: Sequence[str],
    disable: Sequence[str] = (),
) -> list[Rule]:
    """The rules to compile. A later layer replaces an earlier layer's rule with the same
    code; and the later layers come first in the result, because rules run in this order and
    a site's or user's rule knows the page better than a generic one (a generic rule must not
    delete the line a site's tail rule starts from)."""
    by_code: dict[str, tuple[int, Rule]] = {}
    for depth, layer in enumerate(layers):
        for rule in layer:
            by_code[rule.code] = (depth, rule)
    rank = LEVELS.index(level)
    ordered = sorted(by_code.values(), key=lambda item: -item[0])  # stable within a layer
    return [
        rule
        for _, rule in ordered
        if LEVELS.index(rule.level) <= rank
        and rule.code not in disable
        and (not rule.langs or lang in rule.langs)
        and code_enabled(rule.code, select, ignore)
    ]
