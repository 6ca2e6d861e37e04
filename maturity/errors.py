"""Error responses in the user's language, as a page or as JSON; never a stack trace."""
from __future__ import annotations

import logging

from flask import Flask, g, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from maturity.extensions import db
from maturity.i18n import _

log = logging.getLogger(__name__)


def _messages() -> dict[int, tuple[str, str]]:
    # Built per request so each text is in the request's language.
    return {
        400: (_("The request could not be understood"), _("Something in what was sent is not valid. Nothing was changed. Please go back and try again.")),
        403: (_("You do not have access to this page"), _("Your account cannot open this page. If you think it should, ask whoever manages your organisation's accounts.")),
        404: (_("Page not found"), _("The page does not exist or you do not have access to it. Check the address or go back to the start.")),
        405: (_("That action is not allowed here"), _("This page cannot be used that way. Nothing was changed.")),
        413: (_("What you sent is too large"), _("The request is larger than the limit. Nothing was changed.")),
        429: (_("Too many attempts"), _("Please wait a moment before trying again.")),
        500: (_("Something went wrong on our side"), _("The error was recorded. Your saved answers are safe. Please try again in a few minutes.")),
        503: (_("The service is busy or under maintenance"), _("Your saved answers are safe. Please try again in a minute.")),
    }


def _wants_json() -> bool:
    if request.path.startswith("/api/") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def render_error(status: int, detail: str | None = None, retry_after: int | None = None):
    """A response for `status`, in the request's language; `detail` is a translated text."""
    messages = _messages()
    title, text = messages.get(status, messages[500] if status >= 500 else messages[400])
    if detail:
        text = detail
    # The request id's first characters: enough for support to find the request in the logs, short
    # enough to read out over the phone.
    request_id = g.get("request_id")
    if _wants_json():
        body = jsonify({"errors": [{"field": None, "message": text}], "title": title, "request_id": request_id})
    else:
        body = render_template("errors/error.html", status=status, title=title, text=text,
                               reference=request_id[:8] if request_id else None)
    response = make_response(body, status)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


DB_RETRY_AFTER = 5  # seconds: what a client (the autosave queue) waits before sending again


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection may be gone as well: then there is nothing to roll back
        log.debug("rollback after a database failure failed too", exc_info=True)


def _unavailable():
    """503 + Retry-After, in the user's language, rendered without touching the database."""
    from flask_login import AnonymousUserMixin

    _rollback_quietly()
    if "_login_user" not in g:
        # The page's header asks who is logged in; with the database away nobody can be looked up.
        g._login_user = AnonymousUserMixin()
    return render_error(ServiceUnavailable.code, retry_after=DB_RETRY_AFTER)


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.code == 429:
            from flask_login import current_user

            from maturity.auth.events import throttled
            throttled(current_user.id if current_user.is_authenticated else None)
        if isinstance(error, CSRFError):
            return render_error(400, _("The form expired or was sent from another page. Nothing was changed: reload the page and try again."))
        return render_error(error.code or 500)

    @app.errorhandler(OperationalError)
    def _database_unavailable(error: OperationalError):
        # A database that is down or locked is a temporary condition: say so, and let the client retry.
        log.error("database unavailable: %s", error.orig)
        return _unavailable()

    @app.errorhandler(DBAPIError)
    def _database_error(error: DBAPIError):
        # A dropped connection (server restarted, network cut) is as temporary as a stopped server;
        # any other driver error is a bug, answered like one.
        if error.connection_invalidated or isinstance(error, InterfaceError):
            log.error("database connection lost: %s", error.orig)
            return _unavailable()
        return _unexpected(error)

    @app.errorhandler(OverflowError)
    def _overflow(error: OverflowError):
        # SQLite's driver refuses an integer beyond 64 bits with a bare OverflowError (PostgreSQL's
        # raises DataError): the same refused value. Any other overflow is a bug.
        if "SQLite INTEGER" in str(error):
            return _unstorable_value(error)
        return _unexpected(error)

    @app.errorhandler(DataError)
    def _unstorable_value(error: DataError | OverflowError):
        # A value the database refuses (a NUL byte in PostgreSQL text, an integer out of range)
        # that slipped past validation: the client's input, not a server fault. Nothing is kept.
        log.warning("database refused a value on %s %s: %s", request.method, request.path,
                    type(getattr(error, "orig", error)).__name__)
        _rollback_quietly()
        return render_error(400, _("Part of what was sent cannot be stored (an invalid character or a number "
                                   "out of range). Nothing was changed."))

    @app.errorhandler(PoolTimeout)
    def _pool_exhausted(error: PoolTimeout):
        log.error("database pool exhausted: %s", error)
        return _unavailable()

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(InternalServerError.code)
