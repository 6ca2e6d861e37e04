"""Plan editor (advisors), sign-off, action status (members). Thin: parse, check, call, redirect.

The policy table already answered 404 to anyone who cannot reach the firm (and 403 to a role that
may not edit); a draft has no plan, so its plan routes answer 404 too. Every refusal re-renders the
page with the reason and the status code (409 stale, 422 invalid) and changes nothing.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from maturity.assessments.access import assessment_for_member
from maturity.assessments.models import Assessment
from maturity.assessments.results import plan_section
from maturity.assessments.views import render_results
from maturity.content import plan_content, questionnaires
from maturity.i18n import _, current_language
from maturity.planning import bp, operations
from maturity.planning.dates import today
from maturity.planning.forms import CustomActionForm, SignForm, StatusForm, SummaryForm
from maturity.planning.labels import ONLY_LANG_LABELS, STATUS_LABELS
from maturity.planning.section import library_choices, programme_choices
from maturity.plans.edits import NOTE_MAX, moved, order_of
from maturity.plans.schema import HORIZONS

STALE = 409
INVALID = 422


@bp.record_once
def _labels(state) -> None:
    # Globals rather than a context processor: macros rendered on their own (the results page's
    # plan, kept once rendered) see them too. The labels are lazy: they translate when printed.
    state.app.jinja_env.globals.update(plan_status_labels=STATUS_LABELS, only_lang_labels=ONLY_LANG_LABELS,
                                       today_date=today)


def _assessment(assessment_id: int) -> Assessment:
    assessment = assessment_for_member(current_user, assessment_id)
    if assessment is None or not assessment.submitted:
        abort(404)
    return assessment


def _plan(assessment: Assessment) -> dict:
    return plan_section(assessment, questionnaires(), current_language())


def _levels(assessment: Assessment) -> dict[str, int | None]:
    levels = (assessment.result_snapshot or {}).get("levels", {})
    return {d: (levels.get(d) or {}).get("level") for d in questionnaires().model.dimension_ids}


def _horizon_choices() -> list[SelectChoice]:
    vocabulary = plan_content().vocabulary
    return [SelectChoice(h, vocabulary.horizon_label(h).get(current_language())) for h in HORIZONS]


def _custom_form(formdata=None) -> CustomActionForm:
    form = CustomActionForm(formdata=formdata)
    model = questionnaires().model
    form.horizon.choices = _horizon_choices()
    form.dimension.choices = [SelectChoice("", _("No particular topic"))] + [
        SelectChoice(d, f"{d} {model.dimension(d).title.get(current_language())}") for d in model.dimension_ids]
    return form


MAX_VERSION = 2**31 - 1


def _version(form_version: str | None) -> int:
    try:
        value = int(form_version or "")
    except ValueError:
        abort(400)
    if not 0 <= value <= MAX_VERSION:   # a 400-digit number would overflow the database's integer
        abort(400)
    return value


def _render_editor(assessment: Assessment, status: int = 200, *, custom_form=None, sign_form=None, summary_form=None,
                   problem: str | None = None):
    if problem:
        flash(problem, "error")
    plan = _plan(assessment)
    lang = current_language()
    levels = _levels(assessment)
    model = questionnaires().model
    present = {a["id"] for h in plan["horizons"] for a in h["actions"]} | {a["id"] for a in plan["removed"]}
    targets = {r["dimension"]: r["target"] for r in _target_rows(assessment, plan, levels)}
    sign_form = sign_form or SignForm(formdata=None, version=plan["edit_version"], name="",
                                      organization=(current_user.organization.name
                                                    if getattr(current_user, "organization", None) else ""))
    summary_form = summary_form or SummaryForm(formdata=None, version=plan["edit_version"], summary=plan["summary"])
    custom_form = custom_form or _custom_form()
    custom_form.version.data = plan["edit_version"]
    sign_form.version.data = summary_form.version.data = plan["edit_version"]
    return render_template(
        "planning/edit.html", assessment=assessment, plan=plan, target_rows=_target_rows(assessment, plan, levels),
        library=library_choices(plan_content(), (assessment.profile_snapshot or {}).get("sector") or
                                assessment.questionnaire_id, levels, targets, present, model, lang),
        programme_choices=programme_choices(plan_content(), {p["id"] for p in plan["programmes"]} |
                                            {p["id"] for p in plan["programmes_removed"]}, lang),
        custom_form=custom_form, sign_form=sign_form, summary_form=summary_form, note_max=NOTE_MAX), status


def _target_rows(assessment: Assessment, plan: dict, levels: dict[str, int | None]) -> list[dict]:
    model = questionnaires().model
    rows = []
    for dimension, level in levels.items():
        if level is None or level >= 5:
            continue
        rows.append({"dimension": dimension, "title": model.dimension(dimension).title.get(current_language()),
                     "level": level, "target": plan["targets"].get(dimension, level + 1),
                     "choices": list(range(level + 1, 6))})
    return rows


def _done(assessment: Assessment, message: str | None = None, anchor: str | None = None):
    flash(message or _("Saved."), "info")
    return redirect(url_for(".edit", assessment_id=assessment.id, _anchor=anchor))


def _stale(assessment: Assessment):
    return _render_editor(assessment, STALE, problem=_(
        "Someone changed this plan since you opened it. Nothing was saved: check the plan below and try again."))


@bp.get("/<int:assessment_id>/plan/edit")
def edit(assessment_id: int):
    return _render_editor(_assessment(assessment_id))


@bp.post("/<int:assessment_id>/plan/targets")
def targets(assessment_id: int):
    assessment = _assessment(assessment_id)
    version = _version(request.form.get("version"))
    plan = _plan(assessment)
    wanted: dict[str, int] = {}
    for row in _target_rows(assessment, plan, _levels(assessment)):
        raw = request.form.get(f"target__{row['dimension']}", str(row["target"]))
        if not raw.isdigit() or int(raw) not in row["choices"]:
            return _render_editor(assessment, INVALID, problem=_(
                "Nothing was saved: the target of %(topic)s must be a level above today's, up to 5.",
                topic=row["title"]))
        if int(raw) != row["level"] + 1:
            wanted[row["dimension"]] = int(raw)
    try:
        operations.set_targets(assessment, current_user, version, wanted)
    except operations.StaleEdit:
        return _stale(assessment)
    return _done(assessment, _("Targets saved. The actions follow the new targets."), "targets")


@bp.post("/<int:assessment_id>/plan/actions/<action_id>")
def action(assessment_id: int, action_id: str):
    """Move an action up or down (across horizons at the edges), remove it, or put it back."""
    assessment = _assessment(assessment_id)
    version = _version(request.form.get("version"))
    plan = _plan(assessment)
    order = order_of(plan)
    removed = {a["id"] for a in plan["removed"]}
    do = request.form.get("do")
    if action_id not in {i for i, _h in order} | removed:
        abort(404)
    try:
        if do in ("up", "down") and action_id not in removed:
            new = moved(order, action_id, do)
            if new is None:
                return _done(assessment, _("That action cannot move further."), "actions")
            operations.reorder(assessment, current_user, version, new)
        elif do == "remove" and action_id not in removed:
            operations.set_removed(assessment, current_user, version, action_id, True)
        elif do == "restore" and action_id in removed:
            operations.set_removed(assessment, current_user, version, action_id, False)
        else:
            abort(400)
    except operations.StaleEdit:
        return _stale(assessment)
    return _done(assessment, anchor="actions")


@bp.post("/<int:assessment_id>/plan/actions/library")
def add_library(assessment_id: int):
    assessment = _assessment(assessment_id)
    version = _version(request.form.get("version"))
    wanted = request.form.get("action_id", "")
    plan = _plan(assessment)
    present = {a["id"] for h in plan["horizons"] for a in h["actions"]} | {a["id"] for a in plan["removed"]}
    levels = _levels(assessment)
    targets = {r["dimension"]: r["target"] for r in _target_rows(assessment, plan, levels)}
    offered = {a["id"] for g in library_choices(plan_content(), (assessment.profile_snapshot or {}).get("sector")
                                                or assessment.questionnaire_id, levels, targets, present,
                                                questionnaires().model, current_language()) for a in g["actions"]}
    if wanted not in offered:
        return _render_editor(assessment, INVALID, problem=_("Nothing was saved: choose an action from the list."))
    try:
        operations.add_library_action(assessment, current_user, version, wanted)
    except operations.StaleEdit:
        return _stale(assessment)
    return _done(assessment, anchor="actions")


@bp.post("/<int:assessment_id>/plan/actions/custom")
def add_custom(assessment_id: int):
    assessment = _assessment(assessment_id)
    form = _custom_form(request.form)
    if not form.validate():
        return _render_editor(assessment, INVALID, custom_form=form,
                              problem=_("Nothing was saved: correct what is marked."))
    language = form.language.data
    title = {lang: (getattr(form, f"title_{lang}").data or "") for lang in ("es", "en")
             if language in ("both", lang)}
    description = {lang: (getattr(form, f"description_{lang}").data or "") for lang in ("es", "en")
                   if language in ("both", lang)}
    try:
        operations.add_custom_action(assessment, current_user, form.version.data, horizon=form.horizon.data,
                                     dimension=form.dimension.data or None, title=title, description=description)
    except operations.StaleEdit:
        return _stale(assessment)
    return _done(assessment, anchor="actions")


@bp.post("/<int:assessment_id>/plan/programmes")
def add_programme(assessment_id: int):
    """Add a registry programme the plan did not match (the form's select names it)."""
    return programme(assessment_id, request.form.get("programme_id", ""), adding=True)


@bp.post("/<int:assessment_id>/plan/programmes/<programme_id>")
def programme(assessment_id: int, programme_id: str, adding: bool = False):
    """Remove a programme from the plan, put it back, or change its note (or add one: `adding`)."""
    assessment = _assessment(assessment_id)
    version = _version(request.form.get("version"))
    note = (request.form.get("note") or "").strip()
    if len(note) > NOTE_MAX:
        return _render_editor(assessment, INVALID, problem=_(
            "Nothing was saved: the note is longer than %(limit)s characters.", limit=NOTE_MAX))
    plan = _plan(assessment)
    shown = {p["id"]: p for p in plan["programmes"]}
    removed = {p["id"] for p in plan["programmes_removed"]}
    offered = {p["id"] for p in programme_choices(plan_content(), set(shown) | removed, current_language())}
    do = "add" if adding else request.form.get("do")
    if adding and programme_id not in offered:
        return _render_editor(assessment, INVALID, problem=_("Nothing was saved: choose a programme from the list."))
    if programme_id not in set(shown) | removed | offered:
        abort(404)
    if do == "add" and programme_id in offered:
        change = "add"
    elif do == "remove" and programme_id in shown:   # an added one taken out again is simply not added
        change = "keep" if shown[programme_id]["added"] else "remove"
    elif do == "restore" and programme_id in removed:
        change = "keep"
    elif do == "note" and programme_id in shown:
        change = "add" if shown[programme_id]["added"] else "keep"
    else:
        abort(400)
    try:
        operations.set_programme(assessment, current_user, version, programme_id, change, note)
    except operations.StaleEdit:
        return _stale(assessment)
    return _done(assessment, anchor="programmes")


@bp.post("/<int:assessment_id>/plan/summary")
def summary(assessment_id: int):
    assessment = _assessment(assessment_id)
    form = SummaryForm()
    if not form.validate():
        return _render_editor(assessment, INVALID, summary_form=form,
                              problem=_("Nothing was saved: correct what is marked."))
    try:
        operations.set_summary(assessment, current_user, form.version.data, form.summary.data or "")
    except operations.StaleEdit:
        return _stale(assessment)
    return _done(assessment, anchor="summary")


@bp.post("/<int:assessment_id>/plan/sign")
def sign(assessment_id: int):
    assessment = _assessment(assessment_id)
    form = SignForm()
    if not form.validate():
        return _render_editor(assessment, INVALID, sign_form=form,
                              problem=_("Nothing was signed: correct what is marked."))
    try:
        operations.sign_plan(assessment, current_user, form.version.data, form.name.data, form.organization.data,
                             form.on.data)
    except operations.StaleEdit:
        return _stale(assessment)
    flash(_("The plan is signed. Its PDF now names you."), "info")
    return redirect(url_for("assessments.results", assessment_id=assessment.id, _anchor="plan"))


@bp.post("/<int:assessment_id>/plan/actions/<action_id>/status")
def status(assessment_id: int, action_id: str):
    """Any member of the firm records how far it is with one action of the plan."""
    assessment = _assessment(assessment_id)
    plan = _plan(assessment)
    if action_id not in {i for i, _h in order_of(plan)}:
        abort(404)
    form = StatusForm()
    form.status.choices = [SelectChoice(k, str(v)) for k, v in STATUS_LABELS.items()]
    if not form.validate():
        messages = [m for errors in form.errors.values() for m in errors]
        return _render_results(assessment, INVALID, _("Nothing was saved: %(reason)s", reason=" ".join(messages)))
    try:
        operations.set_action_status(assessment, current_user, action_id, form.status.data, form.on.data,
                                     form.version.data)
    except operations.StaleEdit:
        return _render_results(assessment, STALE, _(
            "Someone updated this action since you opened the page. Nothing was saved: check it and try again."))
    flash(_("Status saved."), "info")
    return redirect(url_for("assessments.results", assessment_id=assessment.id, _anchor=f"action-{action_id}"))


def _render_results(assessment: Assessment, status_code: int, problem: str):
    flash(problem, "error")
    return render_results(assessment, status_code)

