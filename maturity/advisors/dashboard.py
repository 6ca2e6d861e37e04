"""The advisor dashboard's rows: each firm's latest assessment, and for its latest submitted one the
plan status, action progress and whether its follow-up is overdue (`maturity.advisors.followup`).

A fixed number of queries whatever the number of firms (an advisor may have hundreds): every
assessment of the firms, then the answers, plan edits (with their child rows) and action statuses
of the latest submitted ones, each in one `IN` query. The plan's actions are rebuilt from the
frozen snapshot (no query) and kept per process by (assessment, plan version): a plan only changes
with a saved edit, which raises its version, or with a new deploy of the content (a new app).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from maturity.advisors.followup import FollowUp, is_overdue, plan_state, progress
from maturity.advisors.followup import due_on as follow_up_due_on
from maturity.assessments.models import Answer, Assessment
from maturity.content import plan_content, programme_max_age_days, questionnaires
from maturity.extensions import db
from maturity.planning.dates import lima_date
from maturity.planning.models import ActionStatus, PlanEdit
from maturity.planning.section import edited_page
from maturity.planning.store import edits_from_row
from maturity.plans import plan_from_snapshot
from maturity.plans.edits import order_of
from maturity.plans.view import plan_page
from maturity.questionnaires.visibility import shown_items

CACHE_KEY = "advisor_plan_actions"
CACHE_SIZE = 2000
_lock = threading.Lock()


@dataclass(frozen=True)
class FirmRow:
    latest: Assessment | None            # the latest assessment, draft or submitted
    submitted: Assessment | None         # the latest submitted one
    follow_up: FollowUp | None           # None without a submitted assessment


def _plan_action_ids(assessment: Assessment, answers: list[Answer], row: PlanEdit | None) -> tuple[str, ...]:
    """The ids of the edited plan's actions (language-independent), cached by plan version."""
    cache: OrderedDict = current_app.extensions.setdefault(CACHE_KEY, OrderedDict())
    key = (assessment.id, assessment.submitted_at, row.version if row is not None else 0)
    with _lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    qs, content, max_age = questionnaires(), plan_content(), programme_max_age_days()
    questionnaire = qs.get(assessment.questionnaire_id)
    profile = assessment.profile_snapshot or {}
    given = {a.item_id: a.option for a in answers if a.option is not None}
    levels = {a.item_id: a.level for a in answers if a.level is not None}
    if questionnaire is not None:   # as `plan_section`: an answer to a hidden item never counts
        shown = shown_items(questionnaire, given, profile)
        levels = {item: level for item, level in levels.items() if item in shown}
    edits = edits_from_row(row)
    plan = plan_from_snapshot(content, assessment.result_snapshot or {}, profile, questionnaire, given, levels,
                              max_age_days=max_age, targets=edits.targets or None)
    page = edited_page(plan_page(plan, content, qs.model, "es"), edits, {}, content, qs.model, "es", max_age)
    ids = tuple(action_id for action_id, _h in order_of(page))
    with _lock:
        cache[key] = ids
        while len(cache) > CACHE_SIZE:
            cache.popitem(last=False)
    return ids


def firm_rows(firm_ids: list[int], today: date, days: int) -> dict[int, FirmRow]:
    """{firm id: FirmRow} for the given firms."""
    if not firm_ids:
        return {}
    assessments = db.session.scalars(select(Assessment).where(Assessment.firm_id.in_(firm_ids))
                                     .order_by(Assessment.created_at, Assessment.id)).all()
    latest: dict[int, Assessment] = {}
    submitted: dict[int, Assessment] = {}
    for assessment in assessments:
        latest[assessment.firm_id] = assessment
        if assessment.submitted and assessment.submitted_at is not None:
            submitted[assessment.firm_id] = assessment
    ids = [a.id for a in submitted.values()]
    answers: dict[int, list[Answer]] = {i: [] for i in ids}
    edits: dict[int, PlanEdit] = {}
    done: dict[int, set[str]] = {i: set() for i in ids}
    if ids:
        for answer in db.session.scalars(select(Answer).where(Answer.assessment_id.in_(ids))):
            answers[answer.assessment_id].append(answer)
        for row in db.session.scalars(select(PlanEdit).where(PlanEdit.assessment_id.in_(ids)).options(
                selectinload(PlanEdit.targets), selectinload(PlanEdit.actions), selectinload(PlanEdit.programmes))):
            edits[row.assessment_id] = row
        for assessment_id, action_id in db.session.execute(
                select(ActionStatus.assessment_id, ActionStatus.action_id)
                .where(ActionStatus.assessment_id.in_(ids), ActionStatus.status == "done")):
            done[assessment_id].add(action_id)

    rows = {}
    for firm_id in firm_ids:
        last, sub = latest.get(firm_id), submitted.get(firm_id)
        follow_up = None
        if sub is not None:
            row = edits.get(sub.id)
            finished, total = progress(_plan_action_ids(sub, answers[sub.id], row), done[sub.id])
            submitted_on = lima_date(sub.submitted_at)
            newer = last is not None and last.id != sub.id   # a draft or a later one was started
            has_edits = row is not None and not edits_from_row(row).empty
            follow_up = FollowUp(assessment_id=sub.id, plan=plan_state(has_edits, row.signed_on if row else None),
                                 signed_name=row.signed_name if row else None,
                                 signed_on=row.signed_on if row else None, done=finished, total=total,
                                 due_on=follow_up_due_on(submitted_on, days),
                                 overdue=is_overdue(submitted_on, newer, today, days))
        rows[firm_id] = FirmRow(latest=last, submitted=sub, follow_up=follow_up)
    return rows
