"""Writes for plan editing, sign-off and action status. Each checks the version the form was built on.

Every write locks the assessment row first (PostgreSQL: SELECT … FOR UPDATE; SQLite: the request's
BEGIN IMMEDIATE already holds the lock), then compares versions, so two saves based on the same
version cannot both pass: the second is refused with `StaleEdit` and changes nothing.
A saved plan edit clears the sign-off (see `maturity.planning` for why); a status never does.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date

from sqlalchemy import select

from maturity.assessments.models import Assessment
from maturity.extensions import db
from maturity.planning.models import ActionStatus, PlanAction, PlanEdit, PlanProgramme, PlanTarget
from maturity.plans.edits import CUSTOM_PREFIX
from maturity.timeutil import utcnow

log = logging.getLogger(__name__)


class StaleEdit(Exception):
    """The plan (or the status) changed since the form was built: nothing was saved."""


def _lock(assessment: Assessment) -> None:
    stmt = select(Assessment.id).where(Assessment.id == assessment.id)
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    db.session.execute(stmt)


def _open(assessment: Assessment, version: int) -> PlanEdit:
    """The assessment's PlanEdit (created at version 0), locked, when its version is `version`."""
    _lock(assessment)
    row = db.session.scalar(select(PlanEdit).where(PlanEdit.assessment_id == assessment.id))
    if row is not None:
        db.session.refresh(row)
    if (row.version if row is not None else 0) != version:
        db.session.rollback()
        raise StaleEdit
    if row is None:
        row = PlanEdit(assessment_id=assessment.id, version=0)
        db.session.add(row)
    return row


def _save(row: PlanEdit, user, what: str, *, unsign: bool = True) -> int:
    if unsign and row.signed:
        row.signed_name = row.signed_organization = row.signed_on = row.signed_at = row.signed_by_id = None
        what += " (sign-off cleared)"
    row.version = (row.version or 0) + 1
    row.updated_at = utcnow()
    row.updated_by_id = user.id
    db.session.commit()
    log.info("user %s edited the plan of assessment %s: %s (v%s)", user.id, row.assessment_id, what, row.version)
    return row.version


def _action(row: PlanEdit, action_id: str) -> PlanAction:
    found = next((a for a in row.actions if a.action_id == action_id), None)
    if found is None:
        found = PlanAction(action_id=action_id, kind="custom" if action_id.startswith(CUSTOM_PREFIX) else "library")
        row.actions.append(found)
    return found


def set_targets(assessment: Assessment, user, version: int, targets: Mapping[str, int]) -> int:
    """Replace the targets (only those that differ from one level up are kept by the caller)."""
    row = _open(assessment, version)
    row.targets = [PlanTarget(dimension=d, level=level) for d, level in sorted(targets.items())]
    return _save(row, user, "targets")


def reorder(assessment: Assessment, user, version: int, order: list[tuple[str, str]]) -> int:
    """Store the whole order: every action's position and horizon."""
    row = _open(assessment, version)
    for position, (action_id, horizon) in enumerate(order):
        action = _action(row, action_id)
        action.position, action.horizon = position, horizon
    return _save(row, user, "order")


def set_removed(assessment: Assessment, user, version: int, action_id: str, removed: bool) -> int:
    row = _open(assessment, version)
    _action(row, action_id).removed = removed
    return _save(row, user, f"{'removed' if removed else 'restored'} {action_id}")


def add_library_action(assessment: Assessment, user, version: int, action_id: str) -> int:
    row = _open(assessment, version)
    action = _action(row, action_id)
    action.added, action.removed = True, False
    return _save(row, user, f"added {action_id}")


def add_custom_action(assessment: Assessment, user, version: int, *, horizon: str, dimension: str | None,
                      title: Mapping[str, str], description: Mapping[str, str]) -> int:
    """A custom action `custom_<n>` (n one more than the highest so far: ids are never reused)."""
    row = _open(assessment, version)
    numbers = [int(a.action_id.removeprefix(CUSTOM_PREFIX)) for a in row.actions
               if a.kind == "custom" and a.action_id.removeprefix(CUSTOM_PREFIX).isdigit()]
    action_id = f"{CUSTOM_PREFIX}{max(numbers, default=0) + 1}"

    def text(value: str | None) -> str | None:
        return (value or "").strip() or None

    row.actions.append(PlanAction(action_id=action_id, kind="custom", added=True, horizon=horizon, dimension=dimension,
                                  title_es=text(title.get("es")), title_en=text(title.get("en")),
                                  description_es=text(description.get("es")),
                                  description_en=text(description.get("en"))))
    return _save(row, user, f"added {action_id}")


def set_programme(assessment: Assessment, user, version: int, programme_id: str, change: str, note: str) -> int:
    """`change`: add (a registry programme), remove, keep (restore, or only the note)."""
    row = _open(assessment, version)
    entry = next((p for p in row.programmes if p.programme_id == programme_id), None)
    if entry is None:
        entry = PlanProgramme(programme_id=programme_id)
        row.programmes.append(entry)
    entry.change, entry.note = change, note.strip() or None
    return _save(row, user, f"programme {programme_id}: {change}")


def set_summary(assessment: Assessment, user, version: int, summary: str) -> int:
    row = _open(assessment, version)
    row.summary = summary.strip() or None
    return _save(row, user, "summary")


def sign_plan(assessment: Assessment, user, version: int, name: str, organization: str, on: date) -> int:
    """The advisor signs the plan exactly as it was when the form was built (else StaleEdit)."""
    row = _open(assessment, version)
    row.signed_name, row.signed_organization, row.signed_on = name.strip(), organization.strip(), on
    row.signed_by_id, row.signed_at = user.id, utcnow()
    return _save(row, user, "signed", unsign=False)


def set_action_status(assessment: Assessment, user, action_id: str, status: str, on: date, version: int) -> int:
    """Record how far the firm is with one action. `version`: the status version the form showed
    (0 when none was recorded yet)."""
    _lock(assessment)
    row = db.session.scalar(select(ActionStatus).where(ActionStatus.assessment_id == assessment.id,
                                                       ActionStatus.action_id == action_id))
    if row is not None:
        db.session.refresh(row)
    if (row.version if row is not None else 0) != version:
        db.session.rollback()
        raise StaleEdit
    if row is None:
        row = ActionStatus(assessment_id=assessment.id, action_id=action_id, version=0)
        db.session.add(row)
    row.status, row.status_on = status, on
    row.version = (row.version or 0) + 1
    row.updated_by_id, row.updated_at = user.id, utcnow()
    db.session.commit()
    log.info("user %s set action %s of assessment %s to %s (%s)", user.id, action_id, assessment.id, status, on)
    return row.version
