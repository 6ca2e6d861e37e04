from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from maturity.assessments.models import Assessment
from maturity.assessments.operations import start_assessment
from maturity.content import questionnaire_for_sector
from maturity.extensions import db
from maturity.firms import bp
from maturity.firms.access import firm_for_member
from maturity.firms.forms import FirmForm, sales_band_choices
from maturity.firms.labels import SECTOR_LABELS, SIZE_LABELS
from maturity.firms.models import Firm
from maturity.firms.operations import register_firm
from maturity.i18n import _


def _form() -> FirmForm:
    form = FirmForm()
    form.annual_sales_band.choices = sales_band_choices(current_app.config["UIT_SOLES"])
    return form


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Step 1 of a self-assessment: the firm's profile, then its questionnaire."""
    form = _form()
    if form.validate_on_submit():
        profile = form.profile()
        if profile["ruc"] and db.session.scalar(select(Firm.id).where(Firm.ruc == profile["ruc"])):
            form.ruc.errors.append(_("A business with this RUC is already registered. Ask its owner or advisor "
                                     "to invite you, or leave the RUC empty."))
        else:
            firm = register_firm(current_user, profile)
            questionnaire = questionnaire_for_sector(firm.sector)
            assessment = start_assessment(firm, current_user, questionnaire)
            return redirect(url_for("assessments.resume", assessment_id=assessment.id))
    return render_template("firms/new.html", form=form, uit=current_app.config["UIT_SOLES"],
                           uit_year=current_app.config["UIT_YEAR"]), 200 if request.method == "GET" or not form.errors else 422


@bp.get("/<int:firm_id>")
def show(firm_id: int):
    firm = firm_for_member(current_user, firm_id) or abort(404)
    assessments = db.session.scalars(select(Assessment).where(Assessment.firm_id == firm.id)
                                     .order_by(Assessment.created_at.desc())).all()
    from maturity.advisors.models import AccessRequest
    from maturity.firms.access import role_in_firm
    from maturity.firms.models import FirmMember

    is_owner = role_in_firm(current_user, firm.id) == "owner"
    advisors = db.session.scalars(select(FirmMember).where(FirmMember.firm_id == firm.id,
                                                           FirmMember.role == "advisor")).all() if is_owner else []
    requests_ = db.session.scalars(select(AccessRequest).where(AccessRequest.firm_id == firm.id,
                                                               AccessRequest.status == "pending")).all() if is_owner else []
    return render_template("firms/show.html", firm=firm, assessments=assessments, is_owner=is_owner,
                           advisors=advisors, access_requests=requests_, is_advisor=current_user.role == "advisor",
                           sector_label=SECTOR_LABELS.get(firm.sector), size_label=SIZE_LABELS.get(firm.size))


@bp.post("/<int:firm_id>/assessments")
def start(firm_id: int):
    """A new assessment: empty, or from the last submitted answers (each marked to confirm)."""
    firm = firm_for_member(current_user, firm_id) or abort(404)
    draft = db.session.scalar(select(Assessment).where(Assessment.firm_id == firm.id, Assessment.status == "draft"))
    if draft is not None:
        flash(_("You already have an assessment in progress: continue it here."), "info")
        return redirect(url_for("assessments.resume", assessment_id=draft.id))
    previous = None
    if request.form.get("start") == "previous":
        previous = db.session.scalar(select(Assessment).where(Assessment.firm_id == firm.id,
                                                              Assessment.status == "submitted")
                                     .order_by(Assessment.submitted_at.desc()).limit(1))
    assessment = start_assessment(firm, current_user, questionnaire_for_sector(firm.sector), previous)
    return redirect(url_for("assessments.resume", assessment_id=assessment.id))


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):
    """An advisor's invitation: the page explains; only its button (a POST) makes you the owner."""
    from maturity.advisors.operations import accept_invitation, find_invitation

    invitation = find_invitation(token)
    if invitation is None:
        return render_template("firms/join_invalid.html"), 404
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.path))
        if current_user.role != "owner":
            flash(_("Only a business owner's account can accept this invitation."), "error")
            return render_template("firms/join.html", invitation=invitation), 403
        accept_invitation(invitation, current_user)
        flash(_("You now own %(firm)s in Madurez 4.0.", firm=invitation.firm.name), "info")
        return redirect(url_for("firms.show", firm_id=invitation.firm_id))
    return render_template("firms/join.html", invitation=invitation)


def _firm_as_owner(firm_id: int) -> Firm:
    """The firm when the current user is one of its owners; 404 otherwise (like a missing firm)."""
    from maturity.firms.access import role_in_firm

    firm = firm_for_member(current_user, firm_id)
    if firm is None or role_in_firm(current_user, firm.id) != "owner":
        abort(404)
    return firm


@bp.post("/<int:firm_id>/members/<int:member_id>/revoke")
def revoke(firm_id: int, member_id: int):
    """The owner ends an advisor's access."""
    from maturity.advisors.operations import revoke_member
    from maturity.firms.models import FirmMember

    firm = _firm_as_owner(firm_id)
    member = db.session.get(FirmMember, member_id)
    if member is None or member.firm_id != firm.id or member.role != "advisor":
        abort(404)
    revoke_member(current_user, member)
    flash(_("The advisor can no longer see this business."), "info")
    return redirect(url_for("firms.show", firm_id=firm.id))


@bp.post("/<int:firm_id>/requests/<int:request_id>")
def decide(firm_id: int, request_id: int):
    """The owner accepts or declines an advisor's access request."""
    from maturity.advisors.models import AccessRequest
    from maturity.advisors.operations import decide_access

    firm = _firm_as_owner(firm_id)
    access = db.session.get(AccessRequest, request_id)
    if access is None or access.firm_id != firm.id or access.status != "pending":
        abort(404)
    decide_access(access, current_user, accept=request.form.get("decision") == "accept")
    return redirect(url_for("firms.show", firm_id=firm.id))
