"""Security events in the log (ASVS 16.3.1–16.3.3): failed authentication and refused access, at
WARNING, with the user id (never an address), the method and the route; the formatter adds the time.
Nothing secret is passed here, and maturity.logredact masks what slips through elsewhere."""
from __future__ import annotations

import logging

from flask import has_request_context, request

log = logging.getLogger("maturity.security")


def _where() -> tuple[str, str]:
    if not has_request_context():
        return "-", "-"
    return request.method, request.path


def auth_failure(kind: str, user_id: int | None = None) -> None:
    """A failed log-in step: `kind` is e.g. "password", "second factor", "re-authentication", "throttled"."""
    method, path = _where()
    log.warning("authentication failed (%s): user %s, %s %s", kind, user_id if user_id is not None else "unknown",
                method, path)


def access_denied(status: int, user_id: int | None, reason: str) -> None:
    """A logged-in user was refused (403, or 404 for an object they cannot reach)."""
    method, path = _where()
    log.warning("access denied (%s, %s): user %s, %s %s", status, reason, user_id, method, path)


def throttled(user_id: int | None) -> None:
    """A request refused with 429 (on the log-in pages: an account or an address cooling down)."""
    method, path = _where()
    if user_id is None and has_request_context():
        from flask import session

        pending = session.get("_mfa_pending")  # half logged in: the password was right
        user_id = pending.get("u") if isinstance(pending, dict) else None
    what = "authentication throttled" if request.endpoint and request.endpoint.startswith("auth.") else "request throttled"
    log.warning("%s (429): user %s, %s %s", what, user_id if user_id is not None else "unknown", method, path)
