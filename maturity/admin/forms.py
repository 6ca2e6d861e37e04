"""Administration forms; choices are filled per request (translated labels, current organisations)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, Field, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from maturity.admin.labels import organization_kind_labels, role_labels
from maturity.auth.forms import check_email, email_field, language_choices
from maturity.extensions import db
from maturity.i18n import _, _l
from maturity.organizations.models import ORGANIZATION_KINDS, Organization

STAFF_ROLES = ("advisor", "analyst", "admin")


class OrganizationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)], filters=[lambda v: (v or "").strip()])
    kind = SelectField(_l("Kind"))
    advisors_see_all_firms = BooleanField(_l("Its advisors may see every business linked to it"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        labels = organization_kind_labels()
        self.kind.choices = [SelectChoice(kind, labels[kind]) for kind in ORGANIZATION_KINDS]

    def validate_name(self, field: Field) -> None:
        if db.session.scalar(select(Organization.id).where(Organization.name == field.data)) is not None:
            raise ValidationError(_("An organisation with this name already exists."))


class StaffForm(FlaskForm):
    email = email_field()
    role = SelectField(_l("Role"))
    organization_id = SelectField(_l("Organisation"), coerce=int)
    language = SelectField(_l("Language for the site and our e-mails"), choices=language_choices(), default="es")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        labels = role_labels()
        self.role.choices = [SelectChoice(role, labels[role]) for role in STAFF_ROLES]
        organizations = db.session.execute(select(Organization.id, Organization.name).order_by(Organization.name)).all()
        self.organization_id.choices = [SelectChoice(0, _("None (administrators only)")),
                                        *(SelectChoice(o.id, o.name) for o in organizations)]

    def validate_email(self, field: Field) -> None:
        check_email(field)

    def validate_organization_id(self, field: Field) -> None:
        if self.role.data in ("advisor", "analyst") and not field.data:
            raise ValidationError(_("Advisors and analysts belong to an organisation: choose one."))


class RoleForm(FlaskForm):
    """Change one account's role (any role; advisors and analysts need the organisation they have)."""

    role = SelectField(_l("Role"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        from maturity.auth.models import ROLES

        labels = role_labels()
        self.role.choices = [SelectChoice(role, labels[role]) for role in ROLES]
