"""Reading an assessment's plan edits and action statuses into the pure types of `maturity.plans.edits`."""
from __future__ import annotations

from sqlalchemy import bindparam, select

from maturity.extensions import db
from maturity.planning.models import ActionStatus, PlanEdit
from maturity.plans.edits import ActionEdit, CustomAction, PlanEdits, ProgrammeEdit, Signature, Status


def edit_row(assessment_id: int) -> PlanEdit | None:
    return db.session.scalar(select(PlanEdit).where(PlanEdit.assessment_id == assessment_id))


def edits_from_row(row: PlanEdit | None) -> PlanEdits:
    """The pure edits of one PlanEdit row (no row: no edits)."""
    if row is None:
        return PlanEdits()
    actions, custom = [], []
    for a in row.actions:
        actions.append(ActionEdit(a.action_id, added=a.added, removed=a.removed, position=a.position,
                                  horizon=a.horizon))
        if a.kind == "custom":
            custom.append(CustomAction(a.action_id, a.horizon or "0-3", {"es": a.title_es or "", "en": a.title_en or ""},
                                       {"es": a.description_es or "", "en": a.description_en or ""}, a.dimension))
    signature = (Signature(row.signed_name or "", row.signed_organization or "", row.signed_on)
                 if row.signed_on is not None else None)
    return PlanEdits(targets={t.dimension: t.level for t in row.targets}, actions=tuple(actions), custom=tuple(custom),
                     programmes=tuple(ProgrammeEdit(p.programme_id, p.change, p.note or "") for p in row.programmes),
                     summary=row.summary or "", signature=signature, version=row.version)


def edits_of(assessment_id: int) -> PlanEdits:
    return edits_from_row(edit_row(assessment_id))


def status_rows(assessment_id: int) -> dict[str, ActionStatus]:
    rows = db.session.scalars(select(ActionStatus).where(ActionStatus.assessment_id == assessment_id))
    return {r.action_id: r for r in rows}


def statuses_of(assessment_id: int) -> dict[str, Status]:
    return {k: Status(r.status, r.status_on, r.version) for k, r in status_rows(assessment_id).items()}


# What a plan shown on the results page depends on besides the frozen assessment: the edits' version
# (every edit and the sign-off raise it) and each action's status; read with two small prebuilt
# queries so that a plan kept once rendered can be checked cheaply on every view.
_EDIT_VERSION = select(PlanEdit.version).where(PlanEdit.assessment_id == bindparam("assessment_id"))
_STATUS_STATE = (select(ActionStatus.action_id, ActionStatus.status, ActionStatus.status_on, ActionStatus.version)
                 .where(ActionStatus.assessment_id == bindparam("assessment_id")).order_by(ActionStatus.action_id))


def plan_state(assessment_id: int) -> tuple:
    """A value that changes whenever the plan's edits, sign-off or any action status change."""
    params = {"assessment_id": assessment_id}
    return (db.session.scalar(_EDIT_VERSION, params), tuple(tuple(r) for r in db.session.execute(_STATUS_STATE, params)))
