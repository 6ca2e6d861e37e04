"""Sign-up, log-in, log-out, e-mail confirmation, password reset and staff invitations.

Log-in and reset answer the same (status, page, message) whether the address has an account or
not; sign-up does too, up to the session (README, "Accounts and privacy").
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from maturity.auth import bp, operations, throttling, tokens
from maturity.auth.forms import ButtonForm, EmailForm, LoginForm, NewPasswordForm, RegisterForm
from maturity.auth.sessions import end_session, start_session
from maturity.extensions import limiter
from maturity.i18n import SESSION_KEY, _, current_language, use_language
from maturity.urls import safe_next

_POST = ["POST"]


def landing_url() -> str:
    """Where a logged-in person goes by default: an owner to their assessments (or, with no firm
    yet, straight to the firm profile that starts one); an admin to the admin pages."""
    if current_user.is_authenticated and current_user.role == "owner":
        from maturity.firms.access import member_firm_ids

        return url_for("assessments.index" if member_firm_ids(current_user) else "firms.new")
    if current_user.is_authenticated and current_user.role == "admin":
        return url_for("admin.index")
    if current_user.is_authenticated and current_user.role == "advisor":
        return url_for("advisors.dashboard")
    return url_for("main.index")


def _next_url() -> str:
    return safe_next(request.args.get("next"), landing_url())


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(throttling.auth_mail_ip_limit, methods=_POST, scope="auth-mail-ip")
def register():
    if current_user.is_authenticated:
        return redirect(_next_url())
    form = RegisterForm(language=current_language())
    if form.validate_on_submit():
        user = operations.register_owner(form.email.data, form.password.data, form.language.data)
        if user is not None:
            start_session(user)
        session[SESSION_KEY] = form.language.data  # an explicit choice, as the language switch makes
        # The same answer for a new and an existing address (the owner of the latter gets an e-mail).
        with use_language(form.language.data):
            flash(_("Check your e-mail: we have sent a message to the address you entered."), "info")
        # The same target whether or not an account was made (it must not depend on who is now
        # logged in): "Start" leads to the firm profile that opens the first assessment.
        return redirect(safe_next(request.args.get("next"), url_for("firms.new")))
    return render_template("auth/register.html", form=form), _status(form)


@bp.get("/privacy")
def privacy():
    return render_template("auth/privacy.html", version=operations.PRIVACY_VERSION)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(throttling.login_ip_limit, methods=_POST, scope="login-ip")
@limiter.limit(throttling.login_account_limit, key_func=throttling.account_key, methods=_POST,
               scope="login-account", deduct_when=throttling.failed_login)
def login():
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(_next_url())
    form = LoginForm()
    if form.validate_on_submit():
        user = operations.authenticate(form.email.data, form.password.data)
        if user is not None and user.has_mfa:
            # Not logged in yet: the second step (a code from the app) comes first.
            from maturity.auth.mfa_views import begin_second_step

            begin_second_step(user, remember=form.remember.data)
            return redirect(url_for("auth.mfa_verify", next=request.args.get("next")))
        if user is not None:
            start_session(user, remember=form.remember.data)
            return redirect(_next_url())
        form.form_errors.append(_("The e-mail address or the password is not correct."))
    return render_template("auth/login.html", form=form), _status(form)


@bp.post("/logout")
def logout():
    # CSRFProtect has checked the token before this runs (as for every POST).
    if current_user.is_authenticated:
        operations.log_out(current_user._get_current_object())
    end_session()
    flash(_("You have logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """The link from the e-mail opens a page; only its button (a POST) confirms."""
    user = tokens.read_confirm_token(token)
    if user is None:
        return _invalid_link()
    form = ButtonForm()
    if form.validate_on_submit():
        operations.confirm_email(user)
        flash(_("Thank you: your e-mail address is confirmed."), "info")
        return redirect(url_for("account.index") if current_user.is_authenticated else url_for("auth.login"))
    return render_template("auth/confirm.html", form=form, confirmed=user.is_confirmed)


@bp.post("/confirm/resend")
@limiter.limit(throttling.auth_mail_ip_limit, scope="auth-mail-ip")
def resend_confirmation():
    if operations.resend_confirmation(current_user._get_current_object()):
        flash(_("We have sent you a new confirmation link."), "info")
    elif current_user.is_confirmed:
        flash(_("Your e-mail address is already confirmed."), "info")
    else:
        flash(_("We sent you a link a short while ago. Please check your inbox and spam folder, or try again later."), "info")
    return redirect(url_for("account.index"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(throttling.auth_mail_ip_limit, methods=_POST, scope="auth-mail-ip")
def reset_request():
    form = EmailForm()
    if form.validate_on_submit():
        operations.request_password_reset(form.email.data)
        flash(_("If an account uses that address, we have sent it an e-mail with what to do next. "
                "The link works for one hour."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form), _status(form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """The link opens a form; the change is its POST, and it spends the link."""
    user = tokens.read_password_token(token, tokens.RESET)
    if user is None:
        return _invalid_link()
    form = NewPasswordForm()
    form.account_email = user.email
    if form.validate_on_submit():
        operations.set_password(user, form.password.data, "reset")
        end_session()
        flash(_("Your password has been changed. Log in with the new one."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/new_password.html", form=form, invitation=False), _status(form)


@bp.route("/welcome/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """A new staff member chooses a password from the invitation an administrator sent."""
    user = tokens.read_password_token(token, tokens.INVITE)
    if user is None:
        return _invalid_link()
    form = NewPasswordForm()
    form.account_email = user.email
    if form.validate_on_submit():
        operations.accept_invitation(user, form.password.data)
        start_session(user)
        flash(_("Welcome to Madurez 4.0: your password is set."), "info")
        return redirect(landing_url())
    return render_template("auth/new_password.html", form=form, invitation=True), _status(form)


def _status(form: FlaskForm) -> int:
    """400 when a sent form is shown again with its errors (the same for every failed log-in)."""
    return 400 if form.is_submitted() else 200


def _invalid_link():
    return render_template("auth/invalid_link.html"), 400
