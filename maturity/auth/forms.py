"""Forms for signing up, logging in and setting a password. Labels are lazy (`_l`); messages are
built when a field is validated (`_`), in the request's language."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, Field, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from maturity.auth.addresses import is_valid_email, normalize_email
from maturity.auth.passwords import MAX_LENGTH, password_problem
from maturity.i18n import _, _l

LANGUAGE_CHOICES = (("es", "Español"), ("en", "English"))  # each name in its own language


def language_choices() -> list[SelectChoice]:
    return [SelectChoice(code, name, render_kw={"lang": code}) for code, name in LANGUAGE_CHOICES]

# A little over the policy's maximum, so a long password is refused with the policy's own message.
_PASSWORD_INPUT_MAX = MAX_LENGTH + 1


def email_field(label: object = None) -> EmailField:
    return EmailField(_l("E-mail address") if label is None else label, validators=[InputRequired()], filters=[normalize_email],
                      render_kw={"autocomplete": "email", "inputmode": "email", "spellcheck": "false", "maxlength": 254})


def new_password_field(label: object = None) -> PasswordField:
    return PasswordField(_l("Password") if label is None else label, validators=[InputRequired()],
                         render_kw={"autocomplete": "new-password", "maxlength": _PASSWORD_INPUT_MAX})


def current_password_field(label: object = None) -> PasswordField:
    return PasswordField(_l("Password") if label is None else label, validators=[InputRequired()],
                         render_kw={"autocomplete": "current-password", "maxlength": _PASSWORD_INPUT_MAX})


def check_email(field: Field) -> None:
    if not is_valid_email(field.data or ""):
        raise ValidationError(_("Enter an e-mail address such as nombre@empresa.pe."))


class RegisterForm(FlaskForm):
    email = email_field()
    password = new_password_field()
    language = SelectField(_l("Language for the site and our e-mails"), choices=language_choices(), default="es")
    consent = BooleanField(_l("I have read the privacy notice and agree that my data is used as it explains."))

    def validate_email(self, field: Field) -> None:
        check_email(field)

    def validate_password(self, field: Field) -> None:
        problem = password_problem(field.data or "", email=self.email.data)
        if problem:
            raise ValidationError(problem)

    def validate_consent(self, field: Field) -> None:
        if not field.data:
            raise ValidationError(_("To create an account you need to accept the privacy notice."))


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[InputRequired()], filters=[normalize_email],
                       render_kw={"autocomplete": "username", "inputmode": "email", "spellcheck": "false"})
    password = current_password_field()
    remember = BooleanField(_l("Keep me logged in on this device for 30 days"))


class EmailForm(FlaskForm):
    """Ask for a reset link."""

    email = email_field()


class NewPasswordForm(FlaskForm):
    """Choose a password from a reset or invitation link; `account_email` feeds the policy."""

    password = new_password_field(_l("New password"))
    account_email: str | None = None

    def validate_password(self, field: Field) -> None:
        problem = password_problem(field.data or "", email=self.account_email)
        if problem:
            raise ValidationError(problem)


class ButtonForm(FlaskForm):
    """A form that is only a button (confirm, log out, resend): its CSRF token is the point."""


def code_field(label: object = None, recovery: bool = False) -> StringField:
    """A one-time code: six digits from the app, or (recovery=True) a recovery code."""
    render_kw = {"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off", "maxlength": 40}
    if not recovery:
        render_kw.update(inputmode="numeric", pattern="[0-9 ]*")
    return StringField(label if label is not None else (_l("Recovery code") if recovery else _l("Six-digit code")),
                       validators=[InputRequired()], render_kw=render_kw)


class CodeForm(FlaskForm):
    """One code from the authenticator app (log-in step 2, set-up, recovery codes, turning it off)."""

    code = code_field()


class RecoveryCodeForm(FlaskForm):
    code = code_field(recovery=True)


class ReauthForm(FlaskForm):
    """Confirm who you are before a sensitive change; `code` is ignored without a second factor."""

    password = current_password_field(_l("Your password"))
    code = StringField(_l("Six-digit code or recovery code"),
                       render_kw={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off",
                                  "maxlength": 40})
