"""Administration pages. The policy table lets only role admin in (403 for everyone else)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from maturity.admin import bp, operations
from maturity.admin.forms import OrganizationForm, RoleForm, StaffForm
from maturity.admin.labels import organization_kind_labels, role_labels
from maturity.auth.forms import ButtonForm
from maturity.auth.models import User
from maturity.auth.operations import AccountError
from maturity.auth.sessions import require_fresh_login
from maturity.extensions import db
from maturity.firms.models import Firm
from maturity.i18n import _
from maturity.organizations.models import Organization

PAGE_SIZE = 50


def _actor() -> User:
    return current_user._get_current_object()


@bp.get("/")
def index():
    counts = {
        "users": db.session.scalar(select(func.count()).select_from(User)),
        "organizations": db.session.scalar(select(func.count()).select_from(Organization)),
        "firms": db.session.scalar(select(func.count()).select_from(Firm)),
    }
    return render_template("admin/index.html", counts=counts)


@bp.route("/organizations", methods=["GET", "POST"])
def organizations():
    form = OrganizationForm()
    if form.validate_on_submit():
        operations.create_organization(_actor(), form.name.data, form.kind.data, form.advisors_see_all_firms.data)
        flash(_("The organisation has been created."), "info")
        return redirect(url_for("admin.organizations"))
    listed = db.session.scalars(select(Organization).order_by(Organization.name)).all()
    status = 400 if form.is_submitted() else 200
    return render_template("admin/organizations.html", form=form, organizations=listed,
                           kinds=organization_kind_labels()), status


@bp.get("/users")
def users():
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    page = min(page, 10**6)  # a 400-digit page number would overflow the database's OFFSET (a 500)
    total = db.session.scalar(select(func.count()).select_from(User)) or 0
    listed = db.session.scalars(select(User).order_by(User.email).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template("admin/users.html", users=listed, roles=role_labels(), button_form=ButtonForm(formdata=None),
                           page=page, has_next=page * PAGE_SIZE < total, role_form=RoleForm(formdata=None))


@bp.route("/users/new", methods=["GET", "POST"])
@require_fresh_login("admin.new_user")  # a new staff account is a role given
def new_user():
    form = StaffForm()
    if form.validate_on_submit():
        organization = db.session.get(Organization, form.organization_id.data) if form.organization_id.data else None
        try:
            operations.invite_staff(_actor(), form.email.data, form.role.data, organization, form.language.data)
        except AccountError:
            form.email.errors.append(_("An account with this e-mail address already exists."))
        else:
            flash(_("The account has been created and an invitation sent to its e-mail address."), "info")
            return redirect(url_for("admin.users"))
    status = 400 if form.is_submitted() else 200
    return render_template("admin/new_user.html", form=form), status


@bp.post("/users/<int:user_id>/disable")
def disable_user(user_id: int):
    return _set_active(user_id, False)


@bp.post("/users/<int:user_id>/enable")
def enable_user(user_id: int):
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if user.id == current_user.id:
        flash(_("You cannot disable or enable your own account."), "error")
    else:
        operations.set_active(_actor(), user, active)
        message = _("The account has been enabled.") if active else _("The account has been disabled and its sessions ended.")
        flash(message, "info")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/role")
@require_fresh_login("admin.users")
def change_role(user_id: int):
    """Change an account's role: needs a recent log-in (else nothing changes and the admin confirms first)."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the roles in the list."), "error")
    elif user.id == current_user.id:
        flash(_("You cannot change your own role."), "error")
    elif form.role.data in ("advisor", "analyst") and user.organization_id is None:
        flash(_("Advisors and analysts belong to an organisation, and this account has none. Nothing was changed."), "error")
    elif form.role.data != user.role:
        operations.change_role(_actor(), user, form.role.data)
        flash(_("The role has been changed and the account's sessions ended."), "info")
    return redirect(url_for("admin.users"))
