"""Second-factor pages: log-in step 2, set-up, recovery codes, turning it off, and re-authentication.

Throttles: each POST counts against the client address (LOGIN_IP_LIMIT, shared with the log-in
form), and each wrong code or password against the account (MFA_ACCOUNT_LIMIT, one counter for
step 2, re-authentication and turning the factor off), from any address: a moving window, never
a permanent lock.
"""
from __future__ import annotations

import hashlib
import logging
import time

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask.wrappers import Response
from flask_limiter.util import get_remote_address
from flask_login import current_user
from markupsafe import Markup

from maturity.auth import bp, events, mfa, throttling
from maturity.auth.forms import CodeForm, ReauthForm, RecoveryCodeForm
from maturity.auth.models import User
from maturity.auth.passwords import verify_password
from maturity.auth.sessions import _clear_keeping_language, mark_fresh, renew_session, require_fresh_login, start_session
from maturity.extensions import db, limiter
from maturity.i18n import _
from maturity.urls import safe_next

log = logging.getLogger(__name__)

_POST = ["POST"]
PENDING = "_mfa_pending"  # {"u": user id, "s": digest of the session token, "t": time, "r": remember}
SETUP = "_mfa_setup"  # the secret being set up, encrypted (the session cookie is signed, not secret)
PENDING_SECONDS = 300


def mfa_account_limit() -> str:
    return current_app.config["MFA_ACCOUNT_LIMIT"]


def second_factor_key() -> str:
    """The account a code or re-authentication is aimed at (the pending log-in's, or the current user's)."""
    pending = session.get(PENDING)
    if isinstance(pending, dict) and isinstance(pending.get("u"), int):
        return f"user:{pending['u']}"
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return "address:" + get_remote_address()


def failed_attempt(_response: Response) -> bool:
    """Count only requests that tried a wrong code or password."""
    return bool(g.get("auth_failed"))


def _fail(kind: str, user_id: int | None) -> None:
    g.auth_failed = True
    events.auth_failure(kind, user_id)


def _token_digest(user: User) -> str:
    return hashlib.sha256(user.session_token.encode()).hexdigest()[:32]


def begin_second_step(user: User, remember: bool) -> None:
    """The password was right: remember who is half logged in (not logged in yet)."""
    _clear_keeping_language()
    session[PENDING] = {"u": user.id, "s": _token_digest(user), "t": int(time.time()), "r": bool(remember)}


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("u"), int) or not isinstance(pending.get("t"), int):
        return None
    if not 0 <= time.time() - pending["t"] <= PENDING_SECONDS:
        return None
    user = db.session.get(User, pending["u"])
    # A password change or log-out everywhere since step 1 (the token rotated) voids the step.
    if user is None or not user.active or not user.has_mfa or pending.get("s") != _token_digest(user):
        return None
    return user


def _next(fallback: str) -> str:
    return safe_next(request.args.get("next"), fallback)


@bp.route("/mfa", methods=["GET", "POST"])
@limiter.limit(throttling.login_ip_limit, methods=_POST, scope="login-ip")
@limiter.shared_limit(mfa_account_limit, scope="mfa-account", key_func=second_factor_key, methods=_POST,
                      deduct_when=failed_attempt)
def mfa_verify():
    """Log-in step 2: a code from the app, or a recovery code."""
    user = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash(_("Please log in again: the second step expired or was not started."), "info")
        return redirect(url_for("auth.login", next=request.args.get("next")))
    recovery = request.args.get("recovery") == "1"
    form = RecoveryCodeForm() if recovery else CodeForm()
    if form.validate_on_submit():
        ok = mfa.use_recovery_code(user, form.code.data) if recovery else mfa.verify_totp(user, form.code.data)
        if ok:
            remember = bool(session[PENDING].get("r"))
            start_session(user, remember=remember)
            log.info("user %s passed the second step", user.id)
            if recovery and mfa.recovery_codes_left(user) <= 2:
                flash(_("You have few recovery codes left. Make new ones on your account page."), "info")
            from maturity.auth.views import landing_url

            return redirect(_next(landing_url()))
        _fail("second factor", user.id)
        form.form_errors.append(_("The code is not correct or was already used. Wait for the next code and try again."))
    return render_template("auth/mfa_verify.html", form=form, recovery=recovery), 400 if form.is_submitted() else 200


@bp.route("/mfa/setup", methods=["GET", "POST"])
@limiter.limit(throttling.login_ip_limit, methods=_POST, scope="login-ip")
@require_fresh_login("auth.mfa_setup")
def mfa_setup():
    """Set up the app: scan (or type) the secret, confirm with a code, keep the recovery codes."""
    user: User = current_user._get_current_object()
    if user.has_mfa:
        flash(_("The second step is already set up for your account."), "info")
        return redirect(url_for("account.index"))
    secret = mfa.unseal(session.get(SETUP))
    if secret is None:
        secret = mfa.new_secret()
        session[SETUP] = mfa.seal(secret)
    form = CodeForm()
    if form.validate_on_submit():
        step = mfa.matching_step(secret, form.code.data)
        if step is not None:
            codes = mfa.enable(user, secret, step)
            session.pop(SETUP, None)
            renew_session(user)  # the token rotated: this device stays in, every other one is out
            return render_template("auth/mfa_codes.html", codes=codes, first=True)
        _fail("second factor set-up", user.id)
        form.code.errors.append(_("The code is not correct. Check the time on your phone and enter the code the app shows now."))
    uri = mfa.provisioning_uri(user, secret)
    # segno's SVG holds path data only (the URI is encoded as modules, never written as text).
    qr = Markup(mfa.qr_svg(uri))  # noqa: S704  # nosec B704
    return render_template("auth/mfa_setup.html", form=form, uri=uri, qr=qr,
                           secret=mfa.grouped(secret), required=mfa.required_for(user)), 400 if form.is_submitted() else 200


@bp.post("/mfa/recovery-codes")
@limiter.limit(throttling.login_ip_limit, scope="login-ip")
@limiter.shared_limit(mfa_account_limit, scope="mfa-account", key_func=second_factor_key, deduct_when=failed_attempt)
@require_fresh_login("account.index")
def mfa_recovery_codes():
    """New recovery codes (the old ones stop working), after a code from the app."""
    user: User = current_user._get_current_object()
    form = CodeForm()
    if user.has_mfa and form.validate_on_submit() and mfa.verify_totp(user, form.code.data):
        log.info("user %s made new recovery codes", user.id)
        return render_template("auth/mfa_codes.html", codes=mfa.new_recovery_codes(user), first=False)
    _fail("second factor (recovery codes)", user.id)
    flash(_("The code is not correct or was already used. Nothing was changed."), "error")
    return redirect(url_for("account.index"))


@bp.post("/mfa/disable")
@limiter.limit(throttling.login_ip_limit, scope="login-ip")
@limiter.shared_limit(mfa_account_limit, scope="mfa-account", key_func=second_factor_key, deduct_when=failed_attempt)
def mfa_disable():
    """Turn the second step off: needs a current code (or a recovery code); not for required roles."""
    user: User = current_user._get_current_object()
    form = CodeForm()
    if not user.has_mfa:
        return redirect(url_for("account.index"))
    if mfa.required_for(user):
        flash(_("Your role needs the second step, so it cannot be turned off."), "error")
        return redirect(url_for("account.index"))
    if form.validate_on_submit() and mfa.verify_second_factor(user, form.code.data):
        mfa.disable(user)
        renew_session(user)
        flash(_("The second step is turned off. Other devices have been logged out."), "info")
        return redirect(url_for("account.index"))
    _fail("second factor (turning it off)", user.id)
    flash(_("The code is not correct or was already used. Nothing was changed."), "error")
    return redirect(url_for("account.index"))


@bp.route("/reauth", methods=["GET", "POST"])
@limiter.limit(throttling.login_ip_limit, methods=_POST, scope="login-ip")
@limiter.shared_limit(mfa_account_limit, scope="mfa-account", key_func=second_factor_key, methods=_POST,
                      deduct_when=failed_attempt)
def reauth():
    """Confirm who you are (password, and a code when the second step is set up), then go back."""
    user: User = current_user._get_current_object()
    form = ReauthForm()
    if form.validate_on_submit():
        ok = verify_password(user.password_hash, form.password.data or "")
        if ok and user.has_mfa:
            ok = mfa.verify_second_factor(user, form.code.data or "")
        if ok:
            mark_fresh()
            log.info("user %s confirmed who they are", user.id)
            return redirect(_next(url_for("account.index")))
        _fail("re-authentication", user.id)
        form.form_errors.append(_("The password or the code is not correct."))
    return render_template("auth/reauth.html", form=form, has_mfa=user.has_mfa), 400 if form.is_submitted() else 200
