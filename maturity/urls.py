"""Safe redirects: only this site's own relative paths."""
from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import current_app
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, RequestRedirect


def safe_next(target: str | None, fallback: str) -> str:
    """Return `target` when it is a relative path to a route of this app, else `fallback`.

    Refused: absolute and scheme URLs, protocol-relative `//host` and `/\\host` (browsers treat a
    backslash as a slash), their percent-encoded forms, control characters, and paths no route
    answers.
    """
    if not target or not isinstance(target, str) or len(target) > 2000:
        return fallback
    decoded = target
    for _ in range(3):  # %252F → %2F → /
        decoded = unquote(decoded)
    for candidate in (target, decoded):
        if not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
            return fallback
        if "\\" in candidate or any(ord(ch) < 32 or ord(ch) == 127 for ch in candidate):
            return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    adapter = current_app.url_map.bind("localhost")
    try:
        adapter.match(parts.path, method="GET")
    except RequestRedirect:
        pass  # e.g. a missing trailing slash: still one of ours
    except HTTPException:
        return fallback
    return target


class IdConverter(IntegerConverter):
    """`<int:…>` within the database's integer range: a larger id matches no route, so it answers
    404 like any missing object instead of overflowing the database driver (a 500)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = 2**31 - 1, signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)
