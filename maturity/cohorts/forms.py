"""Cohort forms: a cohort, a CSV of RUCs, joining with consent, an advisor's invitation, a token."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from maturity.i18n import _, _l

MAX_CSV_BYTES = 512 * 1024


class CohortForm(FlaskForm):
    name = StringField(_l("Name of the cohort"), validators=[DataRequired(), Length(max=200)])
    programme = StringField(_l("Programme (optional)"), validators=[Optional(), Length(max=200)])
    period_start = DateField(_l("First day of the period"), validators=[InputRequired()])
    period_end = DateField(_l("Last day of the period"), validators=[InputRequired()])
    description = TextAreaField(_l("Description (optional)"), validators=[Optional(), Length(max=2000)])

    def validate_period_end(self, field: DateField) -> None:
        if self.period_start.data and field.data and field.data < self.period_start.data:
            raise ValidationError(_("The period cannot end before it starts."))


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file with one RUC per line (first column)"),
                     validators=[FileRequired(_l("Choose a CSV file.")), FileSize(MAX_CSV_BYTES)])


class ConsentForm(FlaskForm):
    consent = BooleanField(_l("I agree to share my business's results with this organisation as described above."),
                           validators=[DataRequired(_l("Tick the box to give your consent, or do not join."))])


class JoinForm(ConsentForm):
    firm = SelectField(_l("Which of your businesses joins?"), coerce=int, validators=[InputRequired()])


class AdvisorInviteForm(FlaskForm):
    cohort = SelectField(_l("Cohort"), coerce=int, validators=[InputRequired()])
    firm = SelectField(_l("Business you advise"), coerce=int, validators=[InputRequired()])


class TokenForm(FlaskForm):
    name = StringField(_l("What the token is for"), validators=[DataRequired(), Length(max=80)],
                       render_kw={"autocomplete": "off"})


class CodeForm(FlaskForm):
    """The enrolment code typed by hand (a GET form: looking a code up changes nothing)."""

    class Meta:
        csrf = False

    code = StringField(_l("Enrolment code"), validators=[DataRequired(), Length(max=32)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters"})
