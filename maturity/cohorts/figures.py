"""What pages, exports, the PDF seam and the Agency API show of a cohort: SQL aggregates
(`aggregates`) passed through the publication rules (`suppression`). Nothing else publishes.

The SQL aggregates of a large cohort take seconds on SQLite (100,000 assessments: about 3 s), so
they are kept per app process, keyed by the cohort's data version: how many members it has and
the latest consent and withdrawal times, and how many submitted assessments exist and the latest
id. Any enrolment, withdrawal, submission or deletion changes the key, so a withdrawn firm leaves
every figure at once; a change of a firm's profile (its sector…) shows within
COHORT_CACHE_SECONDS. Publication (suppression) always runs on the whole cached aggregate, so a
cached and a fresh figure never mix.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import current_app, g, has_request_context
from sqlalchemy import func, select

from maturity.assessments.models import Assessment
from maturity.cohorts import aggregates, suppression
from maturity.cohorts.impact import actions_completed, impact_figures
from maturity.cohorts.models import Cohort, CohortInvitation, CohortMember
from maturity.content import questionnaires
from maturity.extensions import db
from maturity.questionnaires.profile import DEPARTMENTS, SECTORS, SIZES

VIEW_VALUES = {"sector": SECTORS, "department": tuple(DEPARTMENTS), "size": SIZES}
CACHE_KEY = "maturity.cohorts.cache"
CACHE_ENTRIES = 64
_lock = threading.Lock()


def min_firms() -> int:
    return int(current_app.config.get("BENCHMARK_MIN_FIRMS", suppression.MIN_CELL))


def dimension_ids() -> tuple[str, ...]:
    return questionnaires().model.dimension_ids


def band_ids() -> tuple[str, ...]:
    return tuple(b.id for b in questionnaires().model.bands)


def parse_view(args) -> tuple[tuple[str, str] | None, str | None]:
    """(view, problem) from query arguments: at most one of sector, department, size, with a known
    value. Problems: 'several' (more than one filter), 'unknown' (a value that does not exist)."""
    given = [(name, args.get(name)) for name in suppression.VARIABLES if args.get(name)]
    if not given:
        return None, None
    if len(given) > 1:
        return None, "several"
    name, value = given[0]
    if value not in VIEW_VALUES[name]:
        return None, "unknown"
    return (name, value), None


# --- the cache of SQL aggregates --------------------------------------------------------------

def data_version(cohort: Cohort) -> tuple:
    """Changes whenever an enrolment, a consent, a withdrawal, an invitation or a submitted
    assessment does. Asked once per request and cohort."""
    if not has_request_context():   # a command or a job: data may change between calls
        return _data_version(cohort)
    asked = g.setdefault("_cohort_versions", {})
    if cohort.id not in asked:
        asked[cohort.id] = _data_version(cohort)
    return asked[cohort.id]


def _data_version(cohort: Cohort) -> tuple:
    members = db.session.execute(
        select(func.count(), func.max(CohortMember.consent_at), func.max(CohortMember.withdrawn_at),
               func.count(CohortMember.withdrawn_at)).where(CohortMember.cohort_id == cohort.id)).one()
    submitted = db.session.execute(select(func.count(), func.max(Assessment.id))
                                   .where(Assessment.status == "submitted")).one()
    # Drafts count for the funnel ("started"): the newest assessment id moves with each new one.
    newest = db.session.scalar(select(func.max(Assessment.id)))
    invitations = db.session.execute(select(func.count(), func.max(CohortInvitation.id),
                                            func.max(CohortInvitation.answered_at))
                                     .where(CohortInvitation.cohort_id == cohort.id)).one()
    return (cohort.id, cohort.period_start, cohort.period_end, *members, *submitted, newest, *invitations)


def _cached(cohort: Cohort, name: str, compute: Callable[[], Any]) -> Any:
    seconds = current_app.config.get("COHORT_CACHE_SECONDS", 300)
    if not seconds:
        return compute()
    app = current_app._get_current_object()
    cache: OrderedDict = app.extensions.setdefault(CACHE_KEY, OrderedDict())
    key = (name, data_version(cohort))
    now = time.monotonic()
    with _lock:
        hit = cache.get(key)
        if hit is not None and now - hit[0] < seconds:
            cache.move_to_end(key)
            return hit[1]
    value = compute()
    with _lock:
        cache[key] = (now, value)
        while len(cache) > CACHE_ENTRIES:
            cache.popitem(last=False)
    return value


def _raw(cohort: Cohort, view: tuple[str, str] | None):
    return _cached(cohort, f"benchmarks:{view}",
                   lambda: aggregates.raw_benchmarks(cohort, dimension_ids(), view))


# --- what is published ------------------------------------------------------------------------

def benchmarks(cohort: Cohort, view: tuple[str, str] | None = None) -> dict[str, Any]:
    """The cohort's publishable benchmarks (whole cohort, or one filtered view)."""
    return suppression.publish(_raw(cohort, view), view, min_firms())


def funnel(cohort: Cohort) -> aggregates.Funnel:
    return _cached(cohort, "funnel", lambda: aggregates.funnel(cohort))


def impact(cohort: Cohort) -> dict[str, Any]:
    """Publishable impact: mean change with its 95 % interval and share up a band, per figure."""
    sums = _cached(cohort, "impact", lambda: aggregates.impact_sums(cohort, dimension_ids(), band_ids()))
    published = suppression.publish_impact(impact_figures(sums), min_firms())
    return {"min_firms": min_firms(), "overall": published.pop("overall"),
            "dimensions": [{"id": d} | published[d] for d in dimension_ids()],
            "actions_completed": actions_completed(cohort)}


def summary(cohort: Cohort) -> dict[str, Any]:
    """Funnel, number of firms with results and the three indices (the API's summary)."""
    published = benchmarks(cohort)
    return {"funnel": funnel(cohort).as_dict(), "firms": published["firms"],
            "indices": published["indices"], "min_firms": published["min_firms"]}


def firm_positions(assessment) -> list[dict[str, Any]]:
    """For the results page: where this assessment's overall score stands in each cohort the firm
    belongs to with active consent, and among that cohort's firms of its sector; a group is shown
    only with enough firms (and, for the sector, only when that figure could be published at all)."""
    if assessment.overall_score is None:
        return []
    cohorts = db.session.scalars(select(Cohort).join(CohortMember, CohortMember.cohort_id == Cohort.id)
                                 .where(CohortMember.firm_id == assessment.firm_id,
                                        CohortMember.withdrawn_at.is_(None)).order_by(Cohort.name)).all()
    sector = assessment.firm.sector
    out = []
    for cohort in cohorts:
        tables = _cached(cohort, "overall", lambda cohort=cohort: aggregates.overall_tables(cohort))
        whole = aggregates.position_in(aggregates.merged(tables), assessment.overall_score)
        entry: dict[str, Any] = {"cohort": cohort.name, "groups": []}
        if suppression.position_shown(whole.n, min_firms()):
            entry["groups"].append(_group("cohort", whole))
            in_sector = aggregates.position_in(tables.get(sector, []), assessment.overall_score)
            raw = _raw(cohort, None)
            if (suppression.position_shown(in_sector.n, min_firms())
                    and suppression.figure_shown(raw, "overall", ("sector", sector), min_firms())):
                entry["groups"].append(_group("sector", in_sector))
        if entry["groups"]:
            out.append(entry)
    return out


def _group(kind: str, position: aggregates.Position) -> dict[str, Any]:
    return {"kind": kind, "n": position.n, "percentile": round(position.percentile),
            "median": round(position.median, 1) if position.median is not None else None}
