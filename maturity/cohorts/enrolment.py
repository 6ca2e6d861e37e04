"""The owner's side of cohorts (join with consent, see and withdraw it, answer invitations) and the
advisor's (suggest a firm they advise: an invitation its owner answers). GET pages change nothing."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from maturity.auth.forms import ButtonForm
from maturity.cohorts import bp
from maturity.cohorts.access import invitation_for_owner, member_for_owner
from maturity.cohorts.forms import AdvisorInviteForm, CodeForm, ConsentForm, JoinForm
from maturity.cohorts.models import Cohort, CohortMember
from maturity.cohorts.operations import (
    CONSENT_VERSION,
    decline_invitation,
    invitation_firm,
    invite_firm,
    join_cohort,
    owned_firms,
    pending_invitations,
    withdraw,
)
from maturity.extensions import db
from maturity.firms.models import Firm, FirmMember
from maturity.i18n import _


def _cohort_by_code(code: str) -> Cohort:
    code = (code or "").strip().upper()
    cohort = db.session.scalar(select(Cohort).where(Cohort.join_code == code)) if 0 < len(code) <= 32 else None
    return cohort or abort(404)


@bp.get("/join")
def join_code():
    """Type an enrolment code (given on paper or by phone); a code found opens its join page."""
    form = CodeForm(request.args)
    if request.args.get("code") and form.validate():
        cohort = _cohort_by_code(form.code.data)
        return redirect(url_for(".join", code=cohort.join_code))
    return render_template("cohorts/join_code.html", form=form)


def _join_page(cohort: Cohort, form: JoinForm, status: int = 200):
    firms = owned_firms(current_user)
    joined = set(db.session.scalars(select(CohortMember.firm_id).where(CohortMember.cohort_id == cohort.id,
                                                                        CohortMember.withdrawn_at.is_(None))))
    form.firm.choices = [(f.id, f.name) for f in firms if f.id not in joined]
    return render_template("cohorts/join.html", cohort=cohort, form=form, firms=firms, joined=joined,
                           consent_version=CONSENT_VERSION), status


@bp.get("/join/<code>")
def join(code: str):
    """What joining means, which business joins, and the consent box; the button POSTs."""
    return _join_page(_cohort_by_code(code), JoinForm(formdata=None))


@bp.post("/join/<code>")
def join_post(code: str):
    cohort = _cohort_by_code(code)
    form = JoinForm()
    firms = {f.id: f for f in owned_firms(current_user)}
    form.firm.choices = [(f.id, f.name) for f in firms.values()]
    if not current_user.is_confirmed:
        flash(_("Confirm your e-mail address first (see your account page): it is needed before you share "
                "results with an agency."), "info")
        return _join_page(cohort, form, status=403)
    if not form.validate_on_submit() or form.firm.data not in firms:
        return _join_page(cohort, form, status=422)
    join_cohort(current_user, cohort, firms[form.firm.data])
    flash(_("%(firm)s joined the cohort %(cohort)s.", firm=firms[form.firm.data].name, cohort=cohort.name), "info")
    return redirect(url_for(".memberships"))


@bp.get("/memberships")
def memberships():
    """The owner's cohorts: what each firm shares with whom since when, with a withdraw button,
    and the invitations waiting for an answer."""
    firm_ids = [f.id for f in owned_firms(current_user)]
    rows = db.session.execute(select(CohortMember, Cohort, Firm).join(Cohort, Cohort.id == CohortMember.cohort_id)
                              .join(Firm, Firm.id == CohortMember.firm_id)
                              .where(CohortMember.firm_id.in_(firm_ids))
                              .order_by(CohortMember.withdrawn_at.is_not(None), Cohort.name)).all()
    return render_template("cohorts/memberships.html", rows=rows, invitations=pending_invitations(current_user),
                           form=ButtonForm(formdata=None), consent_form=ConsentForm(formdata=None),
                           consent_version=CONSENT_VERSION)


@bp.post("/memberships/<int:member_id>/withdraw")
def withdraw_membership(member_id: int):
    member = member_for_owner(current_user, member_id) or abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    withdraw(current_user, member)
    flash(_("Consent withdrawn: the agency no longer receives any data of this business."), "info")
    return redirect(url_for(".memberships"))


@bp.post("/invitations/<int:invitation_id>/accept")
def accept_invitation(invitation_id: int):
    invitation = invitation_for_owner(current_user, invitation_id) or abort(404)
    form = ConsentForm()
    if not form.validate_on_submit():
        flash(_("Tick the box to give your consent, or do not join."), "info")
        return redirect(url_for(".memberships"))
    if not current_user.is_confirmed:
        flash(_("Confirm your e-mail address first (see your account page): it is needed before you share "
                "results with an agency."), "info")
        return redirect(url_for(".memberships"))
    firm = invitation_firm(current_user, invitation)
    join_cohort(current_user, invitation.cohort, firm)
    flash(_("%(firm)s joined the cohort %(cohort)s.", firm=firm.name, cohort=invitation.cohort.name), "info")
    return redirect(url_for(".memberships"))


@bp.post("/invitations/<int:invitation_id>/decline")
def decline(invitation_id: int):
    invitation = invitation_for_owner(current_user, invitation_id) or abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    decline_invitation(current_user, invitation)
    flash(_("Invitation declined."), "info")
    return redirect(url_for(".memberships"))


# --- advisors -------------------------------------------------------------------------------

def _advised_firms() -> list[Firm]:
    return list(db.session.scalars(select(Firm).join(FirmMember, FirmMember.firm_id == Firm.id)
                                   .where(FirmMember.user_id == current_user.id, FirmMember.role == "advisor")
                                   .order_by(Firm.name)))


def _org_cohorts() -> list[Cohort]:
    if current_user.organization_id is None:
        return []
    return list(db.session.scalars(select(Cohort).where(Cohort.organization_id == current_user.organization_id)
                                   .order_by(Cohort.name)))


@bp.route("/invite", methods=["GET", "POST"])
def advisor_invite():
    """An advisor suggests one of the firms they advise for a cohort of their organisation; the
    firm joins only if its owner accepts the invitation."""
    cohorts, firms = _org_cohorts(), _advised_firms()
    form = AdvisorInviteForm()
    form.cohort.choices = [(c.id, c.name) for c in cohorts]
    form.firm.choices = [(f.id, f.name) for f in firms]
    if request.method == "POST":
        if not form.validate_on_submit():
            return render_template("cohorts/invite.html", form=form, cohorts=cohorts, firms=firms), 422
        cohort = next((c for c in cohorts if c.id == form.cohort.data), None)
        firm = next((f for f in firms if f.id == form.firm.data), None)
        if cohort is None or firm is None:
            abort(404)
        invite_firm(current_user, cohort, firm)
        flash(_("Invitation sent: %(firm)s joins %(cohort)s when its owner accepts.", firm=firm.name,
                cohort=cohort.name), "info")
        return redirect(url_for(".advisor_invite"))
    return render_template("cohorts/invite.html", form=form, cohorts=cohorts, firms=firms)
