"""Account forms. Each sensitive change asks for the current password (re-authentication)."""
from __future__ import annotations

from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import ValidationError

from maturity.auth.forms import check_email, current_password_field, email_field, new_password_field
from maturity.auth.passwords import password_problem, verify_password
from maturity.i18n import _, _l


def _check_current_password(field: Field) -> None:
    if not verify_password(current_user.password_hash, field.data or ""):
        raise ValidationError(_("The password is not correct."))


class PasswordChangeForm(FlaskForm):
    current_password = current_password_field(_l("Current password"))
    new_password = new_password_field(_l("New password"))

    def validate_current_password(self, field: Field) -> None:
        _check_current_password(field)

    def validate_new_password(self, field: Field) -> None:
        problem = password_problem(field.data or "", email=current_user.email)
        if problem:
            raise ValidationError(problem)


class EmailChangeForm(FlaskForm):
    new_email = email_field(_l("New e-mail address"))
    password = current_password_field(_l("Your password"))

    def validate_new_email(self, field: Field) -> None:
        check_email(field)
        if field.data == current_user.email:
            raise ValidationError(_("This is already your e-mail address."))

    def validate_password(self, field: Field) -> None:
        _check_current_password(field)


class DeleteAccountForm(FlaskForm):
    password = current_password_field(_l("Your password"))

    def validate_password(self, field: Field) -> None:
        _check_current_password(field)
