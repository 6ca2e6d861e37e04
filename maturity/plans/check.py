"""`questionnaires check` for the plan files: problems (fail) and stale programmes (warn).

A programme whose `last_verified` is older than PROGRAMME_MAX_AGE_DAYS is a *warning*, not a
failure: programmes age with the calendar, and a check that starts failing on a date nobody
chose would break every build on that day. The warning names each entry; the plan itself shows
every entry's date, and a stale one with a warning.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from maturity.plans.content import DEFAULT_MAX_AGE_DAYS, GENERAL, PlanContent, PlanContentError, stale_programmes
from maturity.plans.loader import load_plan_content


def summary_lines(content: PlanContent) -> list[str]:
    """What the library and the registry hold, in two lines."""
    general = sum(s == GENERAL for s in content.scope.values())
    sectors: dict[str, int] = {}
    for scope in content.scope.values():
        if scope != GENERAL:
            sectors[scope] = sectors.get(scope, 0) + 1
    per_sector = ", ".join(f"{s} {n}" for s, n in sorted(sectors.items()))
    statuses = {s: sum(p.status == s for p in content.programmes) for s in ("active", "check", "closed")}
    return [f"plans: {general} general actions (every dimension, every step), sector actions: {per_sector}",
            f"plans: {len(content.programmes)} programmes ({statuses['active']} active, {statuses['check']} "
            f"to check, {statuses['closed']} closed)"]


def stale_warnings(content: PlanContent, today: date, max_age_days: int) -> list[str]:
    """One 'warning:' line per programme verified more than `max_age_days` before `today`."""
    return [f"warning: programmes.yaml: programme {p.id}: last verified {p.last_verified}, "
            f"{(today - p.verified_on).days} days ago (more than PROGRAMME_MAX_AGE_DAYS={max_age_days}); "
            "check it and update last_verified"
            for p in stale_programmes(content.programmes, today, max_age_days)]


def check_plans(directory: str | Path | None = None, questionnaires: Any = None, *, today: date | None = None,
                max_age_days: int = DEFAULT_MAX_AGE_DAYS) -> tuple[list[str], list[str]]:
    """(summary and warning lines, problems): problems fail the check, warnings do not."""
    today = today or date.today()
    try:
        content = load_plan_content(directory, questionnaires, today=today)
    except PlanContentError as exc:
        return [], [str(p) for p in exc.problems]
    return summary_lines(content) + stale_warnings(content, today, max_age_days), []
