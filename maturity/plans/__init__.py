"""Transformation plans: the action library, the programme registry, prioritisation and matching.

Pure Python (no Flask, no database), like `maturity.scoring`. The app loads the data once::

    from maturity.plans import load_plan_content, plan_for_result, plan_from_snapshot
    content = load_plan_content(questionnaires=questionnaire_set)    # questionnaires/plans/
    plan = plan_for_result(content, result, questionnaire, firm, answers)   # after score()
    plan.to_api(lang)                                                # the POST /api/v1/plan fields

Rules: `maturity.plans.engine` (actions) and `maturity.plans.matching` (programmes).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from maturity.plans.content import DEFAULT_MAX_AGE_DAYS, PlanContent, PlanContentError, PlanProblem, stale_programmes
from maturity.plans.engine import MAX_ACTIONS, Plan, PlannedAction, build_plan
from maturity.plans.inputs import DimensionState, PlanInput, input_from_result, input_from_snapshot
from maturity.plans.loader import PLANS_DIR, load_plan_content
from maturity.plans.matching import ProgrammeMatch, Unlockable

__all__ = [
    "DEFAULT_MAX_AGE_DAYS", "MAX_ACTIONS", "PLANS_DIR", "DimensionState", "Plan", "PlanContent", "PlanContentError",
    "PlanInput", "PlanProblem", "PlannedAction", "ProgrammeMatch", "Unlockable", "build_plan", "input_from_result",
    "input_from_snapshot", "load_plan_content", "plan_for_result", "plan_from_snapshot", "stale_programmes",
]


def plan_for_result(content: PlanContent, result: Any, questionnaire: Any, firm: Mapping[str, Any] | None,
                    answers: Mapping[str, Any] | None = None, *, today: date | None = None,
                    max_age_days: int = DEFAULT_MAX_AGE_DAYS) -> Plan:
    """The plan for a fresh `ScoreResult` (what `POST /api/v1/plan` answers)."""
    return build_plan(content, input_from_result(result, questionnaire, firm, answers),
                      today=today, max_age_days=max_age_days)


def plan_from_snapshot(content: PlanContent, snapshot: Mapping[str, Any], profile: Mapping[str, Any] | None,
                       questionnaire: Any, answers: Mapping[str, Any] | None = None,
                       item_levels: Mapping[str, float] | None = None, *, today: date | None = None,
                       max_age_days: int = DEFAULT_MAX_AGE_DAYS, targets: Mapping[str, int] | None = None) -> Plan:
    """The plan of a submitted assessment: its frozen scores and profile, today's actions and programmes.

    Programmes change every year, so a past assessment shows the programmes of today on purpose.
    `targets` ({dimension: level}) are an advisor's targets; the default is one level up.
    """
    plan_input = input_from_snapshot(snapshot, profile, questionnaire, answers, item_levels, targets)
    return build_plan(content, plan_input, today=today, max_age_days=max_age_days)
