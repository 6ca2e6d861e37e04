"""Forms of the plan editor and of action status (CSRF from Flask-WTF; messages in the user's language)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from maturity.firms.forms import WholeNumberField
from maturity.i18n import _, _l
from maturity.planning.dates import today
from maturity.plans.edits import DESCRIPTION_MAX, NAME_MAX, ORGANIZATION_MAX, STATUSES, SUMMARY_MAX, TITLE_MAX
from maturity.plans.schema import HORIZONS


def _not_in_future(_form, field) -> None:
    if field.data is not None and field.data > today():
        raise ValidationError(_("The date cannot be later than today."))


class VersionedForm(FlaskForm):
    version = WholeNumberField(validators=[InputRequired(), NumberRange(min=0)], widget=HiddenInput())


class CustomActionForm(VersionedForm):
    language = RadioField(_l("Written in"), default="both", choices=[
        SelectChoice("both", _l("Spanish and English")), SelectChoice("es", _l("Spanish only")),
        SelectChoice("en", _l("English only"))])
    title_es = StringField(_l("Title in Spanish"), validators=[Length(max=TITLE_MAX)])
    title_en = StringField(_l("Title in English"), validators=[Length(max=TITLE_MAX)])
    description_es = TextAreaField(_l("What to do, in Spanish"), validators=[Length(max=DESCRIPTION_MAX)])
    description_en = TextAreaField(_l("What to do, in English"), validators=[Length(max=DESCRIPTION_MAX)])
    horizon = SelectField(_l("When"), choices=[SelectChoice(h, h) for h in HORIZONS], default=HORIZONS[0])
    dimension = SelectField(_l("Topic"), validators=[Optional()], default="")

    def validate_title_es(self, field) -> None:
        if self.language.data in ("both", "es") and not (field.data or "").strip():
            raise ValidationError(_("Write the title in Spanish."))
        if self.language.data == "en" and ((field.data or "").strip() or (self.description_es.data or "").strip()):
            raise ValidationError(_("You chose English only: leave the Spanish texts empty."))

    def validate_title_en(self, field) -> None:
        if self.language.data in ("both", "en") and not (field.data or "").strip():
            raise ValidationError(_("Write the title in English."))
        if self.language.data == "es" and ((field.data or "").strip() or (self.description_en.data or "").strip()):
            raise ValidationError(_("You chose Spanish only: leave the English texts empty."))


class SummaryForm(VersionedForm):
    summary = TextAreaField(_l("Summary of the plan"), validators=[Length(max=SUMMARY_MAX)])


class SignForm(VersionedForm):
    name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    organization = StringField(_l("Organisation"), validators=[DataRequired(), Length(max=ORGANIZATION_MAX)])
    on = DateField(_l("Date"), validators=[InputRequired(), _not_in_future], default=today)


class StatusForm(VersionedForm):
    status = SelectField(_l("Status"), choices=[SelectChoice(s, s) for s in STATUSES])
    on = DateField(_l("Since"), validators=[InputRequired(), _not_in_future], default=today)

