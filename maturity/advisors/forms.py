from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField
from wtforms.validators import Optional, ValidationError

from maturity.auth.addresses import is_valid_email, normalize_email
from maturity.firms.forms import FirmForm
from maturity.i18n import _, _l


class ClientFirmForm(FirmForm):
    """The firm profile as the advisor fills it with the owner, plus the owner's e-mail (optional)."""

    owner_email = EmailField(_l("Owner's e-mail (optional: we send them the invitation)"),
                             validators=[Optional()], filters=[normalize_email],
                             render_kw={"autocomplete": "off", "inputmode": "email", "maxlength": 254})

    def validate_owner_email(self, field: EmailField) -> None:
        if field.data and not is_valid_email(field.data):
            raise ValidationError(_("Enter an e-mail address such as nombre@empresa.pe."))


class ImportForm(FlaskForm):
    sheet = FileField(_l("Filled answer sheet (CSV or XLSX)"), validators=[FileRequired()])
