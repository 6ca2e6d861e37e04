"""What pages, exports, the PDF seam and the Agency API show of a cohort: SQL aggregates
(`aggregates`) passed through the publication rules (`suppression`). Nothing else publishes.

The SQL aggregates of a large cohort take seconds on SQLite (100,000 assessments: about 3 s), so
they are kept per app process with the cohort's data version: how many members it has and the
latest consent and withdrawal times, and how many submitted assessments exist and the latest id.
Any enrolment, withdrawal, submission or deletion changes it; a change of a firm's profile (its
sector…) shows within COHORT_CACHE_SECONDS. A large cohort's figures are refreshed in the
background while the previous ones are served (see `_cached`), except after a withdrawal, a
deletion or a period change: a withdrawn firm leaves every figure at once. Publication
(suppression) always runs on one whole cached aggregate, so a cached and a fresh figure never mix
within one table.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
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
from maturity.timeutil import utcnow

log = logging.getLogger(__name__)

VIEW_VALUES = {"sector": SECTORS, "department": tuple(DEPARTMENTS), "size": SIZES}
CACHE_KEY = "maturity.cohorts.cache"
CACHE_ENTRIES = 64
_lock = threading.Lock()
_refreshing: set[tuple[str, int]] = set()


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

@dataclass(frozen=True)
class DataVersion:
    """What the cohort's figures depend on. `full` changes with any enrolment, consent, withdrawal,
    invitation, period change or assessment; `strict` is the part a stale figure must still match:
    the period and the withdrawals (a withdrawn firm leaves every figure at once)."""

    full: tuple
    strict: tuple
    max_member_id: int


@dataclass
class _Entry:
    version: DataVersion
    members_upto: int      # members with id ≤ version.max_member_id when computed (a deletion lowers it)
    at: float              # time.monotonic() when computed
    computed_at: datetime  # the same moment, for the page ("figures as of …")
    took: float            # seconds the computation took
    value: Any


def data_version(cohort: Cohort) -> DataVersion:
    """Asked once per request and cohort."""
    if not has_request_context():   # a command or a job: data may change between calls
        return _data_version(cohort)
    asked = g.setdefault("_cohort_versions", {})
    if cohort.id not in asked:
        asked[cohort.id] = _data_version(cohort)
    return asked[cohort.id]


def _data_version(cohort: Cohort) -> DataVersion:
    count, last_consent, last_withdrawal, withdrawn, max_member = db.session.execute(
        select(func.count(), func.max(CohortMember.consent_at), func.max(CohortMember.withdrawn_at),
               func.count(CohortMember.withdrawn_at), func.max(CohortMember.id))
        .where(CohortMember.cohort_id == cohort.id)).one()
    submitted = db.session.execute(select(func.count(), func.max(Assessment.id))
                                   .where(Assessment.status == "submitted")).one()
    # Drafts count for the funnel ("started"): the newest assessment id moves with each new one.
    newest = db.session.scalar(select(func.max(Assessment.id)))
    invitations = db.session.execute(select(func.count(), func.max(CohortInvitation.id),
                                            func.max(CohortInvitation.answered_at))
                                     .where(CohortInvitation.cohort_id == cohort.id)).one()
    strict = (cohort.id, cohort.period_start, cohort.period_end, withdrawn, last_withdrawal)
    full = (*strict, count, last_consent, max_member, *submitted, newest, *invitations)
    return DataVersion(full=full, strict=strict, max_member_id=max_member or 0)


def _members_upto(cohort_id: int, member_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(CohortMember).where(
        CohortMember.cohort_id == cohort_id, CohortMember.id <= member_id)) or 0


def _cached(cohort: Cohort, name: str, compute: Callable[[Cohort], Any]) -> Any:
    """`compute(cohort)`, kept per process under the cohort's data version.

    A fresh entry is served as is. When the data changed and the last computation took less than
    COHORT_STALE_AFTER_MS, it is computed again now, so small cohorts are always current. When it
    took longer (a large cohort: seconds), the previous figures are served at once — provided no
    firm withdrew or was deleted and the period is unchanged since — while a background thread
    computes the new ones (stale-while-revalidate); the page says the figures are being updated.
    """
    seconds = current_app.config.get("COHORT_CACHE_SECONDS", 300)
    if not seconds:
        return compute(cohort)
    app = current_app._get_current_object()
    cache: OrderedDict = app.extensions.setdefault(CACHE_KEY, OrderedDict())
    key = (name, cohort.id)
    version = data_version(cohort)
    with _lock:
        entry = cache.get(key)
        if entry is not None:
            cache.move_to_end(key)
    if entry is not None and entry.version == version and time.monotonic() - entry.at < seconds:
        return entry.value
    slow = current_app.config.get("COHORT_STALE_AFTER_MS", 250) / 1000
    if (entry is not None and entry.took >= slow and entry.version.strict == version.strict
            and _members_upto(cohort.id, entry.version.max_member_id) == entry.members_upto):
        _refresh_in_background(app, key, cohort.id, compute)
        if has_request_context():
            g.cohort_figures_as_of = min(entry.computed_at, g.get("cohort_figures_as_of") or entry.computed_at)
        return entry.value
    return _compute_and_keep(app, key, cohort, version, compute)


def _compute_and_keep(app, key, cohort: Cohort, version: DataVersion, compute: Callable[[Cohort], Any]) -> Any:
    started = time.perf_counter()
    value = compute(cohort)
    entry = _Entry(version=version, members_upto=_members_upto(cohort.id, version.max_member_id),
                   at=time.monotonic(), computed_at=utcnow(), took=time.perf_counter() - started, value=value)
    cache: OrderedDict = app.extensions.setdefault(CACHE_KEY, OrderedDict())
    with _lock:
        cache[key] = entry
        cache.move_to_end(key)
        while len(cache) > CACHE_ENTRIES:
            cache.popitem(last=False)
    return value


def _refresh_in_background(app, key, cohort_id: int, compute: Callable[[Cohort], Any]) -> None:
    with _lock:
        if key in _refreshing:
            return
        _refreshing.add(key)
    threading.Thread(target=_refresh, args=(app, key, cohort_id, compute), daemon=True,
                     name=f"cohort-figures-{cohort_id}").start()


def _refresh(app, key, cohort_id: int, compute: Callable[[Cohort], Any]) -> None:
    from maturity.database import reset_write_intent, set_write_intent

    try:
        with app.app_context():
            token = set_write_intent(False)   # reads only: no write lock on SQLite
            try:
                cohort = db.session.get(Cohort, cohort_id)
                if cohort is not None:
                    _compute_and_keep(app, key, cohort, _data_version(cohort), compute)
            finally:
                db.session.remove()
                reset_write_intent(token)
    except Exception:   # the next request computes it again; the page keeps working
        log.exception("refreshing the figures %s of cohort %s failed", key[0], cohort_id)
    finally:
        with _lock:
            _refreshing.discard(key)


def figures_as_of() -> datetime | None:
    """When this request served figures computed earlier (being updated), the oldest such moment."""
    return g.get("cohort_figures_as_of") if has_request_context() else None


def _raw(cohort: Cohort, view: tuple[str, str] | None):
    return _cached(cohort, f"benchmarks:{view}",
                   lambda c: aggregates.raw_benchmarks(c, dimension_ids(), view))


# --- what is published ------------------------------------------------------------------------

def benchmarks(cohort: Cohort, view: tuple[str, str] | None = None) -> dict[str, Any]:
    """The cohort's publishable benchmarks (whole cohort, or one filtered view)."""
    return suppression.publish(_raw(cohort, view), view, min_firms())


def funnel(cohort: Cohort) -> aggregates.Funnel:
    return _cached(cohort, "funnel", aggregates.funnel)


def impact(cohort: Cohort) -> dict[str, Any]:
    """Publishable impact: mean change with its 95 % interval and share up a band, per figure."""
    sums = _cached(cohort, "impact", lambda c: aggregates.impact_sums(c, dimension_ids(), band_ids()))
    published = suppression.publish_impact(impact_figures(sums), min_firms())
    return {"min_firms": min_firms(), "overall": published.pop("overall"),
            "dimensions": [{"id": d} | published[d] for d in dimension_ids()],
            "actions_completed": actions_completed(cohort, min_n=min_firms())}


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
        tables = _cached(cohort, "overall", aggregates.overall_tables)
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
