"""Helpers shared by the plan tests (not a test module): the shipped content, answers at a level."""
from __future__ import annotations

from datetime import date
from typing import Any

from maturity.plans import PlanContent, load_plan_content, plan_for_result
from maturity.questionnaires import QuestionnaireSet, load_questionnaires
from maturity.scoring import score

TODAY = date(2026, 11, 23)   # a fixed "today" keeps the plan tests independent of the calendar


def shipped() -> tuple[QuestionnaireSet, PlanContent]:
    questionnaires = load_questionnaires()
    return questionnaires, load_plan_content(questionnaires=questionnaires)


def answers_at(questionnaire: Any, level: int, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """An answer to every item at about `level`: single items at the highest option ≤ level,
    checklists with level/5 of their practices ticked, profile items at every option (so every
    conditional item is shown)."""
    out: dict[str, Any] = {}
    for item in questionnaire.items:
        own = [o for o in item.options if not o.reserved]
        if item.type == "profile":
            out[item.id] = [o.id for o in own] if item.multiple else own[0].id
        elif item.type == "single":
            out[item.id] = max((o for o in own if o.level <= level), key=lambda o: o.level).id
        else:
            ticked = [o.id for o in own[:round(len(own) * level / 5)]]
            out[item.id] = ticked or ["none"]
    out.update(overrides or {})
    return out


def firm(**fields: Any) -> dict[str, Any]:
    """A complete firm profile: a formal micro textile workshop in Lima, alone, unless told."""
    base = {"sector": "textiles", "ciiu": None, "size": "micro", "employees": 3, "annual_sales_band": "le150uit",
            "department": "15", "has_ruc": True, "tax_regime": "rmt", "issues_e_invoices": True, "exports": False,
            "export_intent": False, "association": "none", "years_operating": 4}
    base.update(fields)
    return base


def plan_for(questionnaires: QuestionnaireSet, content: PlanContent, profile: dict[str, Any], level: int = 1,
             overrides: dict[str, Any] | None = None, **kwargs: Any):
    """Score answers at `level` for the profile's sector and build its plan."""
    questionnaire = questionnaires.get(profile.get("sector") or "general") or questionnaires["general"]
    answers = answers_at(questionnaire, level, overrides)
    result = score(questionnaire, answers, profile)
    return plan_for_result(content, result, questionnaire, profile, answers, today=kwargs.pop("today", TODAY),
                           **kwargs)
