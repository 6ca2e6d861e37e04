"""The plan as a page shows it: plain dicts in one language (pure; the template adds the chrome)."""
from __future__ import annotations

from datetime import date
from typing import Any

from maturity.plans.content import PlanContent
from maturity.plans.engine import Plan


def plan_page(plan: Plan, content: PlanContent, model: Any, lang: str) -> dict[str, Any]:
    """Actions grouped by horizon, programmes with reason and gap, one-step unlocks; texts in `lang`."""
    vocabulary = content.vocabulary

    def title_of(dimension_id: str) -> str:
        return model.dimension(dimension_id).title.get(lang)

    titles = {p.action.id: p.action.title.get(lang) for p in plan.actions}
    horizons = [{
        "id": horizon,
        "label": vocabulary.horizon_label(horizon).get(lang),
        "actions": [action_entry(p.action, content, model, lang, horizon=p.horizon, needed_by=p.needed_by,
                                 titles=titles) for p in actions],
    } for horizon, actions in plan.by_horizon()]
    programmes = [{
        "id": m.programme.id,
        "name": m.programme.name.get(lang),
        "description": m.programme.description.get(lang),
        "reason": m.reason.get(lang),
        "gap": m.gap,
        "gap_title": title_of(m.gap),
        "status": m.programme.status,
        "last_verified": m.programme.verified_on,
        "warning": m.warning.get(lang) if m.warning else None,
        "stale": m.stale,
        "url": m.programme.url,
    } for m in plan.programmes]
    unlockable = [{"id": u.programme.id, "name": u.programme.name.get(lang), "step": u.step,
                   "text": u.text.get(lang), "url": u.programme.url} for u in plan.unlockable]
    return {"horizons": horizons, "programmes": programmes, "unlockable": unlockable,
            "count": len(plan.actions), "version": plan.version}


def action_entry(action: Any, content: PlanContent, model: Any, lang: str, *, horizon: str | None = None,
                 needed_by: tuple[str, ...] = (), titles: dict[str, str] | None = None) -> dict[str, Any]:
    """One library action as the page shows it (texts in `lang`); `horizon` defaults to its own."""
    vocabulary = content.vocabulary
    return {
        "id": action.id,
        "title": action.title.get(lang),
        "description": action.description.get(lang),
        "indicator": action.indicator.get(lang),
        "effort": action.effort,
        "effort_label": vocabulary.effort(action.effort).label.get(lang),
        "cost_label": vocabulary.cost_label(action.cost).get(lang),
        "dimension": action.dimension,
        "dimension_title": model.dimension(action.dimension).title.get(lang),
        "from_level": action.from_level,
        "to_level": action.to_level,
        "needed_by": [(titles or {})[i] for i in needed_by if i in (titles or {})],
        "needed_by_ids": [i for i in needed_by if i in (titles or {})],
        "horizon": horizon or action.horizon,
    }


def programme_entry(programme: Any, model: Any, lang: str, today: date, max_age_days: int) -> dict[str, Any]:
    """A registry programme the plan did not match, as the page shows one (an advisor added it)."""
    return {
        "id": programme.id,
        "name": programme.name.get(lang),
        "description": programme.description.get(lang),
        "reason": None,
        "gap": programme.dimensions[0],
        "gap_title": model.dimension(programme.dimensions[0]).title.get(lang),
        "status": programme.status,
        "last_verified": programme.verified_on,
        "warning": programme.warning.get(lang) if programme.warning else None,
        "stale": (today - programme.verified_on).days > max_age_days,
        "url": programme.url,
    }
