"""The agency's pages: its cohorts, a dashboard of aggregates, impact, enrolment, exports, tokens.

Analysts see aggregates only, through `figures` (which publishes through `suppression`); no page
here shows a firm's answers or scores.
"""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from maturity.auth.forms import ButtonForm
from maturity.cohorts import bp, figures
from maturity.cohorts.access import cohort_for_staff, token_for_user
from maturity.cohorts.charts import box_plot
from maturity.cohorts.export import export_cohort
from maturity.cohorts.forms import CohortForm, ImportForm, TokenForm
from maturity.cohorts.labels import category_label, dimension_title, import_outcome, view_options
from maturity.cohorts.models import ApiToken, Cohort, CohortInvitation, CohortMember
from maturity.cohorts.operations import create_cohort, import_rucs, issue_token, revoke_token, update_cohort
from maturity.extensions import db, limiter
from maturity.firms.models import Firm
from maturity.i18n import _, current_language


def _cohort(cohort_id: int) -> Cohort:
    return cohort_for_staff(current_user, cohort_id) or abort(404)


@bp.get("/")
def index():
    cohorts = []
    if current_user.organization_id is not None:
        cohorts = db.session.scalars(select(Cohort).where(Cohort.organization_id == current_user.organization_id)
                                     .order_by(Cohort.period_start.desc(), Cohort.name)).all()
    rows = [(cohort, figures.funnel(cohort)) for cohort in cohorts]
    return render_template("cohorts/index.html", rows=rows)


@bp.route("/cohorts/new", methods=["GET", "POST"])
def new():
    if current_user.organization_id is None:
        flash(_("Your account belongs to no organisation: an administrator must add it to one first."), "info")
        return redirect(url_for(".index"))
    form = CohortForm()
    if form.validate_on_submit():
        cohort = create_cohort(current_user, form.name.data.strip(), (form.programme.data or "").strip(),
                               (form.description.data or "").strip(), form.period_start.data, form.period_end.data)
        flash(_("The cohort was created. Share its enrolment link or code with the businesses."), "info")
        return redirect(url_for(".members", cohort_id=cohort.id))
    return render_template("cohorts/new.html", form=form), 200 if not form.errors else 422


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
def edit(cohort_id: int):
    cohort = _cohort(cohort_id)
    form = CohortForm(obj=cohort)
    if form.validate_on_submit():
        update_cohort(current_user, cohort, form.name.data.strip(), (form.programme.data or "").strip(),
                      (form.description.data or "").strip(), form.period_start.data, form.period_end.data)
        flash(_("The cohort was saved."), "info")
        return redirect(url_for(".show", cohort_id=cohort.id))
    return render_template("cohorts/edit.html", form=form, cohort=cohort), 200 if not form.errors else 422


@bp.get("/cohorts/<int:cohort_id>")
def show(cohort_id: int):
    """The dashboard: funnel, indices, box plots of the dimensions, breakdowns; or one filtered view."""
    cohort = _cohort(cohort_id)
    view, problem = figures.parse_view(request.args)
    if problem:
        flash(_("Choose one filter at a time, from the lists.") if problem == "several"
              else _("That filter value does not exist."), "info")
        return redirect(url_for(".show", cohort_id=cohort.id))
    published = figures.benchmarks(cohort, view)
    lang = current_language()
    dimensions = [d | {"title": dimension_title(d["id"], lang)} for d in published["dimensions"]]
    return render_template("cohorts/show.html", cohort=cohort, funnel=figures.funnel(cohort), data=published,
                           dimensions=dimensions, chart=box_plot(published["dimensions"]), view=view,
                           options=view_options(), category_label=category_label, as_of=figures.figures_as_of())


@bp.get("/cohorts/<int:cohort_id>/impact")
def impact(cohort_id: int):
    cohort = _cohort(cohort_id)
    data = figures.impact(cohort)
    lang = current_language()
    for row in data["dimensions"]:
        row["title"] = dimension_title(row["id"], lang)
    return render_template("cohorts/impact.html", cohort=cohort, data=data, as_of=figures.figures_as_of())


@bp.get("/cohorts/<int:cohort_id>/members")
def members(cohort_id: int):
    """Enrolment: the link and code, the CSV import, invitations and enrolled businesses (names
    only: an enrolment says who takes part, never how they scored)."""
    cohort = _cohort(cohort_id)
    return _members_page(cohort, ImportForm(formdata=None))


def _members_page(cohort: Cohort, form: ImportForm, report=None, status: int = 200):
    enrolled = db.session.execute(select(CohortMember, Firm.name).join(Firm, Firm.id == CohortMember.firm_id)
                                  .where(CohortMember.cohort_id == cohort.id).order_by(Firm.name)).all()
    invitations = db.session.execute(
        select(CohortInvitation.state, CohortInvitation.source, func.count())
        .where(CohortInvitation.cohort_id == cohort.id)
        .group_by(CohortInvitation.state, CohortInvitation.source)).all()
    pending_rucs = db.session.scalars(select(CohortInvitation.ruc).where(
        CohortInvitation.cohort_id == cohort.id, CohortInvitation.state == "pending",
        CohortInvitation.ruc.is_not(None)).order_by(CohortInvitation.id).limit(500)).all()
    join_url = url_for(".join", code=cohort.join_code, _external=True)
    return render_template("cohorts/members.html", cohort=cohort, enrolled=enrolled, invitations=invitations,
                           pending_rucs=pending_rucs, join_url=join_url, form=form, report=report,
                           funnel=figures.funnel(cohort), import_outcome=import_outcome), status


@bp.post("/cohorts/<int:cohort_id>/invitations")
@limiter.limit(lambda: current_app.config["COHORT_IMPORT_LIMIT"])
def import_invitations(cohort_id: int):
    cohort = _cohort(cohort_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _members_page(cohort, form, status=422)
    raw = form.file.data.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # Excel on Windows saves CSV in a legacy code page
    report = import_rucs(current_user, cohort, text)
    return _members_page(cohort, ImportForm(formdata=None), report=report)


@bp.post("/cohorts/<int:cohort_id>/export")
@limiter.limit(lambda: current_app.config["COHORT_EXPORT_LIMIT"])
def export(cohort_id: int):
    """CSV or XLSX of the cohort: aggregates only, suppressed as on the pages, formula-safe
    (POST, with CSRF, rate-limited)."""
    cohort = _cohort(cohort_id)
    form = ButtonForm()
    fmt = request.form.get("format", "")
    if not form.validate_on_submit() or fmt not in ("csv", "xlsx"):
        abort(400)
    data, mimetype, filename = export_cohort(cohort, fmt, current_language())
    current_app.logger.info("user %s exported cohort %s as %s", current_user.id, cohort.id, fmt)
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- Agency API tokens (linked from the account page) ---------------------------------------

def _tokens_page(form: TokenForm | None = None, new_token: str | None = None, status: int = 200):
    listed = db.session.scalars(select(ApiToken).where(ApiToken.user_id == current_user.id)
                                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()
    return render_template("cohorts/tokens.html", tokens=listed, form=form or TokenForm(formdata=None),
                           button_form=ButtonForm(formdata=None), new_token=new_token), status


@bp.get("/tokens")
def tokens():
    return _tokens_page()


@bp.post("/tokens")
def issue():
    """Issue a token and show it in this response only: it is never stored or shown again."""
    if current_user.organization_id is None:
        flash(_("Your account belongs to no organisation: an administrator must add it to one first."), "info")
        return redirect(url_for(".tokens"))
    form = TokenForm()
    if not form.validate_on_submit():
        return _tokens_page(form, status=422)
    _token, raw = issue_token(current_user, form.name.data.strip())
    return _tokens_page(new_token=raw)


@bp.post("/tokens/<int:token_id>/revoke")
def revoke(token_id: int):
    token = token_for_user(current_user, token_id) or abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    revoke_token(current_user, token)
    flash(_("The token was revoked: it no longer works."), "info")
    return redirect(url_for(".tokens"))
