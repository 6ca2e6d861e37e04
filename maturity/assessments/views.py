"""Thin views: parse, authorize (the policy table did the membership check), call, render."""
from __future__ import annotations

import re
import uuid

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from maturity.api.body import BodyError, read_json_object
from maturity.api.messages import problem_message
from maturity.assessments import bp, fragments
from maturity.assessments.access import assessment_for_member
from maturity.assessments.models import Assessment
from maturity.assessments.operations import answers_of, missing_items, page_answers, save_answers, submit_assessment
from maturity.assessments.pages import PROFILE_PAGE, items_on, neighbours, page_ids, progress
from maturity.assessments.results import comparison, live_view
from maturity.content import questionnaires
from maturity.database import reads_first
from maturity.extensions import db
from maturity.firms.access import member_firm_ids
from maturity.firms.models import Firm
from maturity.i18n import _, current_language
from maturity.questionnaires.visibility import walk

KEY_PATTERN = re.compile(r"^[A-Za-z0-9-]{8,64}$")
bp.add_app_template_global(fragments.choices, "choices")  # for assessments/_item.html


def _assessment(assessment_id: int) -> Assessment:
    return assessment_for_member(current_user, assessment_id) or abort(404)


def _questionnaire(assessment: Assessment):
    # A draft is answered on the current files; a submitted one is read from its snapshot.
    return questionnaires().get(assessment.questionnaire_id) or questionnaires()["general"]


@bp.get("/")
def index():
    firm_ids = member_firm_ids(current_user)
    rows = db.session.execute(select(Assessment, Firm).join(Firm, Firm.id == Assessment.firm_id)
                              .where(Assessment.firm_id.in_(firm_ids))
                              .order_by(Assessment.created_at.desc())).all()
    firms = db.session.scalars(select(Firm).where(Firm.id.in_(firm_ids)).order_by(Firm.name)).all()
    return render_template("assessments/index.html", rows=rows, firms=firms)


@bp.get("/<int:assessment_id>")
def resume(assessment_id: int):
    """Back where the owner left off: the last page, else the first page with questions left."""
    assessment = _assessment(assessment_id)
    if assessment.submitted:
        return redirect(url_for(".results", assessment_id=assessment.id))
    questionnaire = _questionnaire(assessment)
    pages = page_ids(questionnaire)
    if assessment.last_page in pages:
        return redirect(url_for(".page", assessment_id=assessment.id, page=assessment.last_page))
    todo = [p.page for p in progress(questionnaire, answers_of(assessment), assessment.firm.profile()) if not p.complete]
    if todo:
        return redirect(url_for(".page", assessment_id=assessment.id, page=todo[0]))
    return redirect(url_for(".review", assessment_id=assessment.id))


def _render_page(assessment: Assessment, page: str, errors: dict | None = None, conflicts: list | None = None,
                 status: int = 200):
    questionnaire = _questionnaire(assessment)
    profile = assessment.firm.profile()
    answers = page_answers(assessment.id)
    given = {item_id: row.option for item_id, row in answers.items() if row.option is not None}
    walked = list(walk(questionnaire, given, profile))
    shown = {item.id for item, is_shown, _a in walked if is_shown}
    items = [i for i in items_on(questionnaire, page) if i.id in shown]
    previous, following = neighbours(questionnaire, page)
    lang = current_language()
    profile_title = _("About your business")
    title = profile_title if page == PROFILE_PAGE else questionnaire.model.dimension(page).title.get(lang)
    steps = fragments.progress_steps(questionnaire, progress(questionnaire, given, profile, walked), page,
                                     assessment.id, lang, profile_title)
    conflicts_by_item: dict[str, list] = {}
    for conflict in conflicts or []:
        conflicts_by_item.setdefault(conflict["item"], []).append(conflict)
    return render_template(
        "assessments/page.html", assessment=assessment, page_title=title, page=page, items=items,
        answers=answers, previous=previous, following=following, lang=lang, steps=steps,
        position=[s.current for s in steps].index(True) + 1, model=questionnaire.model,
        idempotency_key=uuid.uuid4().hex, errors=errors or {}, conflicts=conflicts or [],
        conflicts_by_item=conflicts_by_item, guided=assessment.mode == "guided" or current_user.role == "advisor",
        profile_page=PROFILE_PAGE, item_fieldset=fragments.item_fieldset), status


@bp.get("/<int:assessment_id>/d/<page>")
def page(assessment_id: int, page: str):
    assessment = _assessment(assessment_id)
    if assessment.submitted:
        return redirect(url_for(".results", assessment_id=assessment.id))
    if page not in page_ids(_questionnaire(assessment)):
        abort(404)
    return _render_page(assessment, page)


@bp.post("/<int:assessment_id>/d/<page>")
def save_page(assessment_id: int, page: str):
    """Without JavaScript, "next" posts the page: save it, then move on."""
    assessment = _assessment(assessment_id)
    questionnaire = _questionnaire(assessment)
    if page not in page_ids(questionnaire):
        abort(404)
    if assessment.submitted:
        flash(_("This assessment was already submitted; its answers can no longer change."), "info")
        return redirect(url_for(".results", assessment_id=assessment.id))
    batch = {}
    for item in items_on(questionnaire, page):
        values = [v for v in request.form.getlist(item.id) if v]
        entry = {"option": values if item.multiple else values[0]} if values else {}
        for field_ in ("note", "evidence"):  # the guided interview's fields
            if f"{field_}__{item.id}" in request.form:
                entry[field_] = request.form[f"{field_}__{item.id}"]
        if entry:
            batch[item.id] = entry
    key = request.form.get("idempotency_key", "")
    try:
        base_version = int(request.form.get("base_version", ""))
    except ValueError:
        abort(400)
    if not KEY_PATTERN.match(key):
        abort(400)
    if batch:
        outcome = save_answers(assessment, current_user, questionnaire, key, base_version, batch, page=page)
        if outcome.problems:
            errors = {f.split(".", 1)[1].split(".")[0]: problem_message(f, code, params)
                      for f, code, params in outcome.problems if f.startswith("answers.")}
            return _render_page(assessment, page, errors=errors, status=422)
        if outcome.conflicts:
            return _render_page(assessment, page, conflicts=outcome.conflicts, status=409)
    previous, following = neighbours(questionnaire, page)
    target = {"back": previous, "next": following}.get(request.form.get("nav", "next"), page)
    if request.form.get("nav") == "next" and following is None:
        return redirect(url_for(".review", assessment_id=assessment.id))
    return redirect(url_for(".page", assessment_id=assessment.id, page=target or page))


@bp.post("/<int:assessment_id>/answers")
@reads_first
def autosave(assessment_id: int):
    """The autosave protocol of contracts.md (JSON; CSRF header checked by CSRFProtect)."""
    assessment = _assessment(assessment_id)
    key = request.headers.get("Idempotency-Key", "")
    if not KEY_PATTERN.match(key):
        return _json_errors([("Idempotency-Key", "required", {})])
    try:
        body = read_json_object()
    except BodyError as err:
        status = {"too_large": 413, "not_json": 415}.get(err.code, 400)
        return _json_errors([("body", err.code, err.params)], status)
    base_version = body.get("base_version")
    if isinstance(base_version, bool) or not isinstance(base_version, int) or base_version < 0:
        return _json_errors([("base_version", "wrong_type", {"expected": "integer"})])
    page_ = body.get("page")
    page_ = page_ if isinstance(page_, str) and page_ in page_ids(_questionnaire(assessment)) else None
    outcome = save_answers(assessment, current_user, _questionnaire(assessment), key, base_version,
                           body.get("answers"), page=page_)
    if outcome.problems:
        return _json_errors(outcome.problems)
    if outcome.frozen:
        return jsonify(conflicts=[], submitted=True, version=outcome.version,
                       message=_("This assessment was already submitted; its answers can no longer change.")), 409
    if outcome.conflicts:
        return jsonify(conflicts=outcome.conflicts, version=outcome.version), 409
    return jsonify(version=outcome.version, replay=outcome.replay)


def _json_errors(problems, status: int = 400):
    return jsonify(errors=[{"field": f, "code": c, "message": problem_message(f, c, p)} for f, c, p in problems]), status


@bp.get("/<int:assessment_id>/review")
def review(assessment_id: int, missing: list[str] | None = None, status: int = 200):
    assessment = _assessment(assessment_id)
    if assessment.submitted:
        return redirect(url_for(".results", assessment_id=assessment.id))
    questionnaire = _questionnaire(assessment)
    profile = assessment.firm.profile()
    missing_ids = missing if missing is not None else missing_items(assessment, questionnaire, profile)
    missing_list = [questionnaire.item(i) for i in missing_ids]
    return render_template("assessments/review.html", assessment=assessment, questionnaire=questionnaire,
                           pages=progress(questionnaire, answers_of(assessment), profile), missing=missing_list,
                           lang=current_language(), model=questionnaire.model,
                           to_confirm=[a for a in assessment.answers if a.needs_confirmation]), status


@bp.post("/<int:assessment_id>/submit")
def submit(assessment_id: int):
    assessment = _assessment(assessment_id)
    outcome = submit_assessment(assessment, current_user, _questionnaire(assessment))
    if outcome.missing:
        return review(assessment_id, missing=outcome.missing, status=422)
    return redirect(url_for(".results", assessment_id=assessment.id))


@bp.get("/<int:assessment_id>/results")
def results(assessment_id: int):
    assessment = _assessment(assessment_id)
    if not assessment.submitted:
        flash(_("Results appear once the assessment is submitted. Check what is left to answer."), "info")
        return redirect(url_for(".review", assessment_id=assessment.id))
    return render_results(assessment)


def render_results(assessment: Assessment, status: int = 200):
    """The results page: the frozen part kept once rendered, the plan and cohort positions built now."""
    lang = current_language()
    frozen = fragments.frozen_results(assessment, lang)
    plan = fragments.plan_part(assessment, lang)
    view = frozen.view | live_view(assessment) | {"plan": plan.plan}
    return render_template("assessments/results.html", assessment=assessment, view=view, frozen=frozen,
                           plan_part=plan), status


@bp.get("/<int:a>/compare/<int:b>")
def compare(a: int, b: int):
    first, second = _assessment(a), _assessment(b)
    if not (first.submitted and second.submitted):
        abort(404)
    view = comparison(first, second, questionnaires(), current_language())
    return render_template("assessments/compare.html", first=first, second=second, view=view)
