"""The account page and its actions. Each form posts to its own route; a form with errors is shown
again on the account page, next to its fields."""
from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user

from maturity.account import bp, operations
from maturity.account.export import build_export
from maturity.account.forms import DeleteAccountForm, EmailChangeForm, PasswordChangeForm
from maturity.auth import tokens
from maturity.auth.forms import LANGUAGE_CHOICES, ButtonForm
from maturity.auth.sessions import end_session, renew_session, require_fresh_login
from maturity.i18n import _
from maturity.timeutil import utcnow


def _user():
    return current_user._get_current_object()


def _page(password_form: PasswordChangeForm | None = None, email_form: EmailChangeForm | None = None, status: int = 200):
    return render_template(
        "account/index.html",
        password_form=password_form or PasswordChangeForm(formdata=None),
        email_form=email_form or EmailChangeForm(formdata=None),
        button_form=ButtonForm(formdata=None),
        languages=LANGUAGE_CHOICES,
    ), status


@bp.get("")
def index():
    return _page()


@bp.post("/password")
@require_fresh_login("account.index")
def change_password():
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return _page(password_form=form, status=400)
    user = _user()
    operations.change_password(user, form.new_password.data)
    renew_session(user)  # this device stays logged in; every other one is out
    flash(_("Your password has been changed. Other devices have been logged out."), "info")
    return redirect(url_for("account.index"))


@bp.post("/email")
@require_fresh_login("account.index")
def change_email():
    form = EmailChangeForm()
    if not form.validate_on_submit():
        return _page(email_form=form, status=400)
    operations.request_email_change(_user(), form.new_email.data)
    flash(_("We have sent a link to the new address. The change is made when you open it."), "info")
    return redirect(url_for("account.index"))


@bp.route("/email/<token>", methods=["GET", "POST"])
def confirm_email_change(token: str):
    """The link from the e-mail opens a page; only its button (a POST) changes the address."""
    found = tokens.read_email_change_token(token)
    if found is None:
        return render_template("auth/invalid_link.html"), 400
    user, new_email = found
    form = ButtonForm()
    if form.validate_on_submit():
        if operations.change_email(user, new_email):
            flash(_("Your e-mail address has been changed."), "info")
        else:
            flash(_("Another account uses that address now, so your address was not changed."), "error")
        return redirect(url_for("account.index") if current_user.is_authenticated else url_for("auth.login"))
    return render_template("account/confirm_email.html", form=form, new_email=new_email)


@bp.post("/export")
def export():
    """Download everything the account holds, as a JSON file."""
    body = json.dumps(build_export(_user()), ensure_ascii=False, indent=2)
    filename = f"madurez40-my-data-{utcnow():%Y-%m-%d}.json"
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/delete", methods=["GET", "POST"])
def delete():
    """A confirmation page; the POST with the password deletes the account."""
    form = DeleteAccountForm()
    user = _user()
    if form.validate_on_submit():
        operations.delete_account(user)
        end_session()
        flash(_("Your account and its data have been deleted."), "info")
        return redirect(url_for("main.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("account/delete.html", form=form, firms=operations.firms_deleted_with(user)), status
