"""The advisor dashboard's follow-up columns, decided from plain values (pure: no Flask, no database).

Per firm, for its latest submitted assessment:
- plan status: "none" (no plan edits yet), "edited" (edited, not signed) or "signed" (with the
  signer's name and date as stored on the sign-off);
- action progress: actions of the edited plan marked done, out of all its actions;
- follow-up overdue: the latest submitted assessment is older than FOLLOW_UP_DAYS days (by the
  Lima date it was submitted on) and no newer assessment (draft or submitted) was started since.
  Action dates are deliberately not part of it: one simple, explainable rule.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

PLAN_NONE, PLAN_EDITED, PLAN_SIGNED = "none", "edited", "signed"
SORTS = ("name", "overdue")


@dataclass(frozen=True)
class FollowUp:
    """What the dashboard shows about one firm's latest submitted assessment."""

    assessment_id: int
    plan: str                       # PLAN_NONE | PLAN_EDITED | PLAN_SIGNED
    signed_name: str | None
    signed_on: date | None
    done: int
    total: int
    due_on: date                    # the day the follow-up falls due
    overdue: bool


def plan_state(has_edits: bool, signed_on: date | None) -> str:
    if signed_on is not None:
        return PLAN_SIGNED
    return PLAN_EDITED if has_edits else PLAN_NONE


def due_on(submitted_on: date, days: int) -> date:
    return submitted_on + timedelta(days=days)


def is_overdue(submitted_on: date, newer_started: bool, today: date, days: int) -> bool:
    """Older than `days` days today, and nothing newer started since."""
    return not newer_started and today > due_on(submitted_on, days)


def progress(action_ids: Iterable[str], done_ids: set[str]) -> tuple[int, int]:
    """(done, total) over the plan's actions; a status of an action no longer in the plan is ignored."""
    ids = set(action_ids)
    return len(ids & done_ids), len(ids)


def sort_key(sort: str, name: str, follow_up: FollowUp | None) -> tuple:
    """"overdue": overdue firms first (the longest overdue first), then by name; else by name."""
    if sort == "overdue" and follow_up is not None and follow_up.overdue:
        return (0, follow_up.due_on, name.casefold())
    return (1 if sort == "overdue" else 0, date.min, name.casefold())
