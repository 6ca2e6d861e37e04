"""Advisor pages: client firms, owner invitations, guided assessments, field-work import, dashboard."""
from __future__ import annotations

import hmac
import io

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from maturity.advisors import bp
from maturity.advisors.dashboard import firm_rows
from maturity.advisors.fieldwork import FieldworkRejected, answers_from_rows, read_table
from maturity.advisors.followup import SORTS, sort_key
from maturity.advisors.forms import ClientFirmForm, ImportForm
from maturity.advisors.messages import fieldwork_message
from maturity.advisors.operations import invite_owner, register_client_firm, request_access
from maturity.assessments.models import Assessment
from maturity.assessments.operations import save_answers, start_assessment
from maturity.auth.addresses import is_valid_email, normalize_email
from maturity.content import questionnaire_for_sector, questionnaires
from maturity.extensions import db
from maturity.firms.access import firm_for_member, reachable
from maturity.firms.forms import sales_band_choices
from maturity.firms.models import Firm
from maturity.firms.ruc import RucError, normalise_ruc
from maturity.i18n import _, current_language
from maturity.mail import send_mail
from maturity.planning.dates import today
from maturity.questionnaires.export import to_csv, to_xlsx


def _firm(firm_id: int) -> Firm:
    return firm_for_member(current_user, firm_id) or abort(404)


@bp.get("/")
def dashboard():
    """The advisor's firms with their last assessment, band, plan status, action progress and
    overdue follow-ups (`maturity.advisors.followup`); search by name or RUC; overdue first on request."""
    # NUL is no character of a name or RUC, and PostgreSQL refuses it in a query (a 500).
    query = (request.args.get("q") or "").replace("\x00", "").strip()[:100]
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "name"
    stmt = select(Firm).where(reachable(current_user)).order_by(Firm.name)
    if query:
        like = f"%{query.lower()}%"
        stmt = stmt.where(or_(func.lower(Firm.name).like(like), Firm.ruc.like(f"%{query}%")))
    firms = db.session.scalars(stmt.limit(500)).all()
    rows = firm_rows([f.id for f in firms], today(), int(current_app.config["FOLLOW_UP_DAYS"]))
    firms = sorted(firms, key=lambda f: sort_key(sort, f.name, rows[f.id].follow_up))
    model = questionnaires().model
    bands = {b.id: b.label.get(current_language()) for b in model.bands}
    return render_template("advisors/dashboard.html", firms=firms, rows=rows, query=query, sort=sort, bands=bands,
                           overdue=sum(1 for r in rows.values() if r.follow_up and r.follow_up.overdue),
                           follow_up_days=current_app.config["FOLLOW_UP_DAYS"])


@bp.route("/firms/new", methods=["GET", "POST"])
def new_firm():
    form = ClientFirmForm()
    form.annual_sales_band.choices = sales_band_choices(current_app.config["UIT_SOLES"])
    if form.validate_on_submit():
        profile = form.profile()
        existing = db.session.scalar(select(Firm).where(Firm.ruc == profile["ruc"])) if profile["ruc"] else None
        if existing is not None:
            # Never a duplicate: the advisor may ask the registered firm's owner for access.
            return render_template("advisors/existing_firm.html", firm=existing), 409
        firm = register_client_firm(current_user, profile)
        return _invite(firm, form.owner_email.data or None)
    status = 422 if form.errors else 200
    return render_template("advisors/new_firm.html", form=form, uit=current_app.config["UIT_SOLES"],
                           uit_year=current_app.config["UIT_YEAR"]), status


@bp.post("/firms/<int:existing_id>/request-access")
def request_firm_access(existing_id: int):
    """Ask the owner of a registered firm for access. The form carries the RUC the advisor typed:
    a firm is only found by its RUC, so walking ids finds nothing (404 like a missing firm)."""
    firm = db.session.get(Firm, existing_id)
    try:
        ruc = normalise_ruc(request.form.get("ruc", ""))
    except RucError:
        ruc = None
    if firm is None or not firm.ruc or not ruc or not hmac.compare_digest(firm.ruc, ruc):
        abort(404)
    request_access(current_user, firm)
    flash(_("We asked the owner of %(firm)s to let you work with the business. You will see it here once they accept.",
            firm=firm.name), "info")
    return redirect(url_for(".dashboard"))


@bp.post("/firms/<int:firm_id>/invite")
def invite(firm_id: int):
    email = normalize_email(request.form.get("email"))[:254]
    if email and not is_valid_email(email):
        flash(_("Enter an e-mail address such as nombre@empresa.pe."), "error")
        return redirect(url_for("firms.show", firm_id=firm_id))
    return _invite(_firm(firm_id), email or None)


def _invite(firm: Firm, email: str | None):
    token = invite_owner(current_user, firm, email)
    link = url_for("firms.join", token=token, _external=True)
    if email:
        send_mail(email, "owner_invitation", language=current_language(), firm=firm.name, link=link,
                  advisor=current_user.email)
    return render_template("advisors/invitation.html", firm=firm, link=link, email=email)


@bp.post("/firms/<int:firm_id>/assessments")
def start_guided(firm_id: int):
    """A guided interview: the firm's questionnaire with the advisor's guidance, notes and evidence."""
    firm = _firm(firm_id)
    draft = db.session.scalar(select(Assessment).where(Assessment.firm_id == firm.id, Assessment.status == "draft"))
    if draft is not None:
        return redirect(url_for("assessments.resume", assessment_id=draft.id))
    previous = None
    if request.form.get("start") == "previous":
        previous = db.session.scalar(select(Assessment).where(Assessment.firm_id == firm.id, Assessment.status == "submitted")
                                     .order_by(Assessment.submitted_at.desc()).limit(1))
    assessment = start_assessment(firm, current_user, questionnaire_for_sector(firm.sector), previous, mode="guided")
    return redirect(url_for("assessments.resume", assessment_id=assessment.id))


@bp.get("/firms/<int:firm_id>/sheet.<fmt>")
def field_sheet(firm_id: int, fmt: str):
    """The blank field-work sheet of this firm's questionnaire, its RUC (or id) on every row."""
    firm = _firm(firm_id)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    lang = current_language()
    questionnaire = questionnaire_for_sector(firm.sector)
    key = firm.ruc or str(firm.id)
    if fmt == "csv":
        data, mimetype = to_csv(questionnaire, lang, firm=key).encode("utf-8-sig"), "text/csv"
    else:
        data, mimetype = to_xlsx(questionnaire, lang, firm=key), \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                         download_name=f"madurez-{questionnaire.id}-{key}-{lang}.{fmt}")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/firms/<int:firm_id>/import", methods=["GET", "POST"])
def import_sheet(firm_id: int):
    """A filled sheet: every row checked first; all answers written, or none."""
    firm = _firm(firm_id)
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.sheet.data
        data = upload.read(current_app.config["MAX_CONTENT_LENGTH"])
        questionnaire = questionnaire_for_sector(firm.sector)
        try:
            rows = read_table(data, upload.filename or "")
            batch = answers_from_rows(rows, questionnaire, {firm.ruc or "", str(firm.id)} - {""}, firm.profile())
        except FieldworkRejected as rejected:
            problems = [fieldwork_message(p) for p in rejected.problems[:50]]
            extra = len(rejected.problems) - len(problems)
            if extra > 0:
                problems.append(_("… and %(n)s more problems.", n=extra))
        else:
            assessment = db.session.scalar(select(Assessment).where(Assessment.firm_id == firm.id,
                                                                   Assessment.status == "draft"))
            if assessment is None:
                assessment = start_assessment(firm, current_user, questionnaire, mode="guided")
            outcome = save_answers(assessment, current_user, questionnaire, f"import-{upload.filename or ''}"[:40] +
                                   f"-{assessment.id}-{assessment.version}", assessment.version, batch)
            if outcome.conflicts or outcome.problems or outcome.frozen:
                problems = [_("Someone changed this assessment while the file was being checked. Nothing was "
                              "imported: send the file again.")]
            else:
                flash(_("%(n)s answers imported. Check them, then submit the assessment.", n=len(batch)), "info")
                return redirect(url_for("assessments.review", assessment_id=assessment.id))
    status = 422 if (problems or form.errors) else 200
    return render_template("advisors/import.html", firm=firm, form=form, problems=problems), status
