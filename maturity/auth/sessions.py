"""Sessions: start on log-in (rotated), end on log-out, and idle and absolute timeouts.

The session cookie and the remember cookie carry the user's `session_token` (Flask-Login's
alternative tokens), so rotating the token ends every copy of them at once. Timeouts are kept in
the (signed) session: `_auth_at` (log-in time) and `_seen_at` (last request), in Unix seconds.
"""
from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from maturity.auth.models import User
from maturity.i18n import SESSION_KEY, _

AUTH_AT = "_auth_at"
SEEN_AT = "_seen_at"
KEEP = "_keep"  # "remember me" was chosen on this device
FRESH_AT = "_fresh_at"  # last time the person proved who they are (log-in or re-authentication)
# Writing the cookie on every request is wasteful; the idle clock is precise to this many seconds.
_SEEN_RESOLUTION = 30


def _now() -> int:
    return int(time.time())


def _clear_keeping_language() -> None:
    lang = session.get(SESSION_KEY)
    session.clear()
    if lang:
        session[SESSION_KEY] = lang


def _remember_cookie_name() -> str:
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")


def start_session(user: User, remember: bool = False) -> None:
    """Log `user` in on a fresh session: nothing from before the log-in survives but the language."""
    _clear_keeping_language()
    login_user(user, remember=remember, fresh=True)
    if not remember and _remember_cookie_name() in request.cookies:
        session["_remember"] = "clear"  # an older remember cookie on this device must not outlive this log-in
    now = _now()
    session[AUTH_AT] = session[SEEN_AT] = session[FRESH_AT] = now
    session[KEEP] = bool(remember)


def renew_session(user: User) -> None:
    """After rotating the current user's token: keep this device logged in under the new token
    (other devices are out). Flask-Login needs `login_user` again (flask-login #836)."""
    remember = bool(session.get(KEEP))
    login_user(user, remember=remember, fresh=True)


def end_session() -> None:
    """Log out of this device (the remember cookie goes too) and forget everything but the language."""
    _clear_keeping_language()
    logout_user()  # after the clear: it leaves the instruction to delete the remember cookie


def _check_timeouts() -> Any:
    if request.endpoint == "static" or request.path.startswith("/api/"):
        return None
    if not current_user.is_authenticated:
        return None
    now = _now()
    auth_at, seen_at = session.get(AUTH_AT), session.get(SEEN_AT)
    if not isinstance(auth_at, int) or not isinstance(seen_at, int):
        # Restored from the remember cookie (the browser was closed): a new session starts here.
        session[AUTH_AT] = session[SEEN_AT] = now
        session[KEEP] = _remember_cookie_name() in request.cookies
        return None
    keep = bool(session.get(KEEP))
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    absolute = (current_app.config["REMEMBER_COOKIE_DURATION"].total_seconds() if keep
                else current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600)
    if now - auth_at > absolute or (not keep and now - seen_at > idle):
        end_session()
        flash(_("Your session ended because it was open for too long or unused for a while. Please log in again."), "info")
        return None  # the policy table now sees an anonymous visitor and asks for a log-in
    if now - seen_at >= _SEEN_RESOLUTION:
        session[SEEN_AT] = now
    return None


def mark_fresh() -> None:
    """The person just proved who they are again (password, and second factor when set up)."""
    session[FRESH_AT] = _now()


def is_fresh() -> bool:
    """Whether this session proved who it is within FRESH_LOGIN_MINUTES.

    A log-in on this device counts (Flask-Login's `_fresh`, which a session restored from the
    remember cookie never has, dated by `_auth_at`), and so does a re-authentication.
    """
    window = current_app.config["FRESH_LOGIN_MINUTES"] * 60
    times = [session.get(FRESH_AT)]
    if session.get("_fresh") is True:
        times.append(session.get(AUTH_AT))
    latest = max((t for t in times if isinstance(t, int)), default=None)
    return latest is not None and 0 <= _now() - latest <= window


def require_fresh_login(back: str) -> Callable[[Callable], Callable]:
    """Decorator for changes of e-mail, password or role: without a recent log-in nothing is done,
    and the person is asked to confirm who they are and then sent back to the page `back`."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if current_user.is_authenticated and not is_fresh():
                flash(_("For your security, please confirm it is you before making this change. Nothing was changed."), "info")
                return redirect(url_for("auth.reauth", next=url_for(back)))
            return view(*args, **kwargs)

        return wrapper

    return decorate


def require_confirmed(view: Callable) -> Callable:
    """Decorator for actions that need a confirmed e-mail address (sharing results with an advisor
    or an agency): unconfirmed owners are sent to their account page to confirm it first."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user.is_authenticated and not current_user.is_confirmed:
            flash(_("Please confirm your e-mail address first: use the link we sent you, or ask for a new one below."), "info")
            return redirect(url_for("account.index"))
        return view(*args, **kwargs)

    return wrapper


def init_app(app: Flask) -> None:
    """Register the timeout check; call it before the policy hook so an ended session counts as anonymous."""
    from maturity.auth import passwords

    passwords.warm_up()
    app.before_request(_check_timeouts)
