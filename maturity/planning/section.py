"""The edited plan as the results page, the PDF and the edit page show it (no writes)."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from maturity.plans.content import GENERAL, PlanContent
from maturity.plans.edits import PlanEdits, Status, merge, with_status
from maturity.plans.schema import HORIZONS
from maturity.plans.view import action_entry, programme_entry


def edited_page(page: dict[str, Any], edits: PlanEdits, statuses: Mapping[str, Status], content: PlanContent,
                model: Any, lang: str, max_age_days: int, today: date | None = None) -> dict[str, Any]:
    """The generated plan page with the advisor's edits merged and each action's status."""
    def library(action_id: str) -> dict[str, Any] | None:
        action = content.actions.get(action_id)
        return action_entry(action, content, model, lang) if action is not None else None

    def programme(programme_id: str) -> dict[str, Any] | None:
        found = next((p for p in content.programmes if p.id == programme_id), None)
        if found is None:
            return None
        return programme_entry(found, model, lang, today or date.today(), max_age_days)

    merged = merge(page, edits, lang, library=library, programme=programme,
                   horizon_labels={h: content.vocabulary.horizon_label(h).get(lang) for h in HORIZONS},
                   dimension_titles={d: model.dimension(d).title.get(lang) for d in model.dimension_ids})
    return with_status(merged, statuses)


def library_choices(content: PlanContent, sector: str, levels: Mapping[str, int | None],
                    targets: Mapping[str, int], present: set[str], model: Any, lang: str) -> list[dict[str, Any]]:
    """Library actions an advisor may add: of the firm's sector or general, for a scored dimension's
    steps from its level up to its target, not in the plan already; grouped by dimension."""
    groups = []
    for dimension in model.dimension_ids:
        level = levels.get(dimension)
        if level is None:
            continue
        target = targets.get(dimension, min(level + 1, 5))
        actions = [a for a in content.actions.values()
                   if a.dimension == dimension and level <= a.from_level < max(target, level + 1)
                   and content.scope[a.id] in (GENERAL, sector) and a.id not in present]
        if actions:
            groups.append({"dimension": dimension, "title": model.dimension(dimension).title.get(lang),
                           "actions": [{"id": a.id, "title": a.title.get(lang),
                                        "step": f"{a.from_level}→{a.to_level}"} for a in actions]})
    return groups


def programme_choices(content: PlanContent, present: set[str], lang: str) -> list[dict[str, str]]:
    """Registry programmes not in the plan (open ones; a closed programme is never offered)."""
    return [{"id": p.id, "name": p.name.get(lang)} for p in content.programmes
            if p.id not in present and p.status != "closed"]
