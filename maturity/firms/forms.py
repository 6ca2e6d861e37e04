"""The firm profile form (contracts.md fields), in plain words."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from maturity.firms.labels import ASSOCIATION_LABELS, SECTOR_LABELS, TAX_REGIME_LABELS
from maturity.firms.ruc import RucError, normalise_ruc
from maturity.i18n import _, _l, format_money
from maturity.questionnaires.ciiu import sector_for_ciiu
from maturity.questionnaires.profile import DEPARTMENTS, SALES_BAND_UIT_LIMIT


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def sales_band_choices(uit_soles: int) -> list[SelectChoice]:
    """Ley 30056 bands in soles of this year's UIT, so an owner recognises their own figure."""
    limits = SALES_BAND_UIT_LIMIT
    return _choices([
        ("le150uit", _("Up to %(amount)s a year (micro)", amount=format_money(limits["le150uit"] * uit_soles))),
        ("le1700uit", _("Up to %(amount)s a year (small)", amount=format_money(limits["le1700uit"] * uit_soles))),
        ("le2300uit", _("Up to %(amount)s a year (medium)", amount=format_money(limits["le2300uit"] * uit_soles))),
        ("gt2300uit", _("More than %(amount)s a year (large)", amount=format_money(limits["le2300uit"] * uit_soles))),
    ])


class WholeNumberField(IntegerField):
    """An integer field that takes only plain digits (at most nine): WTForms' IntegerField accepts
    any int(), and NumberRange then fails on a 400-digit number with an OverflowError (a 500)."""

    def process_formdata(self, valuelist):
        if valuelist and not re.fullmatch(r"\s*[0-9]{1,9}\s*", valuelist[0] or ""):
            self.data = None
            raise ValueError(_("Enter a whole number, such as 3."))
        super().process_formdata(valuelist)


class FirmForm(FlaskForm):
    name = StringField(_l("Name of your business"), validators=[DataRequired(), Length(max=200)],
                       render_kw={"autocomplete": "organization"})
    ciiu = StringField(_l("Activity code (CIIU) from your RUC record, if you know it"),
                       validators=[Optional(), Length(max=12)], render_kw={"inputmode": "numeric"})
    sector = RadioField(_l("What does your business do?"), choices=_choices(SECTOR_LABELS.items()),
                        validators=[DataRequired(_l("Choose what your business does (or write its CIIU code)."))])
    department = SelectField(_l("Department where it operates"), validators=[InputRequired()],
                             choices=_choices(DEPARTMENTS.items()), default="15")
    employees = WholeNumberField(_l("How many people work in it, counting you?"), default=1,
                                 validators=[InputRequired(), NumberRange(min=1, max=100000)],
                                 render_kw={"inputmode": "numeric"})
    annual_sales_band = RadioField(_l("How much does it sell in a year?"), validators=[InputRequired()])
    years_operating = WholeNumberField(_l("For how many years has it been operating?"), default=0,
                                       validators=[InputRequired(), NumberRange(min=0, max=200)],
                                       render_kw={"inputmode": "numeric"})
    has_ruc = RadioField(_l("Does it have a RUC (tax ID)?"), choices=_choices([("yes", _l("Yes")), ("no", _l("No"))]),
                         validators=[InputRequired()])
    ruc = StringField(_l("RUC number (11 digits, optional)"), validators=[Optional(), Length(max=40)],
                      render_kw={"inputmode": "numeric", "autocomplete": "off"})
    tax_regime = SelectField(_l("Tax regime"), choices=_choices(TAX_REGIME_LABELS.items()), default="none")
    issues_e_invoices = BooleanField(_l("It issues electronic receipts or invoices (CPE)"))
    exports = BooleanField(_l("It already sells abroad"))
    export_intent = BooleanField(_l("It wants to sell abroad"))
    association = RadioField(_l("Does it belong to an association, cooperative or business network?"),
                             choices=_choices(ASSOCIATION_LABELS.items()), default="none", validators=[InputRequired()])

    def validate(self, extra_validators=None) -> bool:
        # The owner's choice wins; without one, a known CIIU code chooses the sector.
        code = (self.ciiu.data or "").strip()
        if not self.sector.data and code and sector_for_ciiu(code) != "general":
            self.sector.data = sector_for_ciiu(code)
        return super().validate(extra_validators)

    def validate_ruc(self, field: StringField) -> None:
        if not field.data:
            return
        if self.has_ruc.data != "yes":
            raise ValidationError(_("You said the business has no RUC: leave this empty or answer “Yes” above."))
        try:
            field.data = normalise_ruc(field.data)
        except RucError as err:
            raise ValidationError({
                "length": _("A RUC has 11 digits."),
                "prefix": _("A RUC starts with 10, 15, 16, 17 or 20."),
                "checksum": _("This RUC is not valid: check the digits (the last one is a check digit)."),
            }.get(err.code, _("Write only the 11 digits of the RUC."))) from None

    def profile(self) -> dict:
        """The validated fields as Firm columns."""
        has_ruc = self.has_ruc.data == "yes"
        return {
            "name": self.name.data.strip(), "ciiu": (self.ciiu.data or "").strip() or None,
            "sector": self.sector.data, "department": self.department.data, "employees": self.employees.data,
            "annual_sales_band": self.annual_sales_band.data, "years_operating": self.years_operating.data,
            "has_ruc": has_ruc, "ruc": self.ruc.data if has_ruc and self.ruc.data else None,
            "tax_regime": self.tax_regime.data if has_ruc else "none",
            "issues_e_invoices": bool(self.issues_e_invoices.data) and has_ruc,
            "exports": bool(self.exports.data), "export_intent": bool(self.export_intent.data),
            "association": self.association.data,
        }
