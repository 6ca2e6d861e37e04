"""Structured logs: one JSON object per line (LOG_FORMAT=json, the production default), a request id.

Every request gets an id: the `X-Request-ID` header a trusted proxy in front set (only when
PROXY_HOPS > 0, and only if it is 8–128 characters of letters, digits and `. _ : -`), otherwise a
new random one. It is echoed in the response's `X-Request-ID`, carried by every log line written
while the request runs, and closes with one access line: method, path, status, duration_ms and
the user id when someone is logged in. Path segments that are secrets (tokens in links) are
written as `[redacted]`; query strings are never logged.

In text mode (development) the same records go through the ordinary `logging` format.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_request_context, request
from flask_login import AnonymousUserMixin
from sqlalchemy import inspect as sa_inspect

access_log = logging.getLogger("maturity.access")
REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
_SECRET_ARGS = ("token", "code", "key", "secret")
# The attributes every LogRecord has; anything else on a record was passed with `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}
_FIELDS = ("request_id", "method", "path", "status", "duration_ms", "user_id")


class RequestContextFilter(logging.Filter):
    """Adds request_id (None outside a request) to every record passing through a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = g.get("request_id") if has_request_context() else None
        return True


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, request_id, the access fields, any `extra=`, and the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


_filter = RequestContextFilter()


def configure(app: Flask) -> None:
    """Install the JSON handler (json mode, when nothing else configured logging) and the request hooks."""
    root = logging.getLogger()
    if app.config.get("LOG_FORMAT") == "json" and not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    for handler in root.handlers:
        handler.addFilter(_filter)
    _register_hooks(app)


def _incoming_id(app: Flask) -> str | None:
    if not app.config.get("PROXY_HOPS"):
        return None  # a client talking to us directly could write anything into our logs
    value = request.headers.get(REQUEST_ID_HEADER, "")
    return value if _VALID_ID.fullmatch(value) else None


def _logged_path() -> str:
    path = request.path
    for name, value in (request.view_args or {}).items():
        if any(part in name.lower() for part in _SECRET_ARGS) and isinstance(value, str) and value:
            path = path.replace(value, "[redacted]")
    return path


def _user_id() -> int | None:
    # Only a user this request already loaded: logging must not cost a query.
    user = g.get("_login_user")
    if user is None or isinstance(user, AnonymousUserMixin):
        return None
    # From the identity map's key: after a commit the object is expired, and `user.id` would
    # read the row again.
    state = sa_inspect(user, raiseerr=False)
    if state is not None and state.identity:
        return state.identity[0]
    return getattr(user, "id", None)


def _register_hooks(app: Flask) -> None:
    @app.before_request
    def _start_request() -> None:
        g.request_id = _incoming_id(app) or uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _access_line(response):
        request_id = g.get("request_id")
        if request_id is None:
            return response
        response.headers[REQUEST_ID_HEADER] = request_id
        duration_ms = round((time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000, 1)
        path = _logged_path()
        fields = {"request_id": request_id, "method": request.method, "path": path, "status": response.status_code,
                  "duration_ms": duration_ms, "user_id": _user_id()}
        access_log.info("%s %s %s %.1f ms", request.method, path, response.status_code, duration_ms, extra=fields)
        return response
