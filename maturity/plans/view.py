"""The plan as a page shows it: plain dicts in one language (pure; the template adds the chrome)."""
from __future__ import annotations

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
        "actions": [{
            "id": p.action.id,
            "title": p.action.title.get(lang),
            "description": p.action.description.get(lang),
            "indicator": p.action.indicator.get(lang),
            "effort": p.action.effort,
            "effort_label": vocabulary.effort(p.action.effort).label.get(lang),
            "cost_label": vocabulary.cost_label(p.action.cost).get(lang),
            "dimension": p.action.dimension,
            "dimension_title": title_of(p.action.dimension),
            "from_level": p.action.from_level,
            "to_level": p.action.to_level,
            "needed_by": [titles[i] for i in p.needed_by if i in titles],
        } for p in actions],
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
