"""Cohort aggregates in SQL. Nothing here is published as is: `suppression.publish()` decides.

Whose data counts (`eligible`): the latest submitted assessment, within the cohort's period, of
each firm enrolled with active consent (a withdrawn firm is out of every query from the moment it
withdraws). Counts and sums are grouped in SQL over the finest breakdown (sector × department ×
size) and combined per breakdown in Python; distributions come from one window query per view
that returns only the rows at the quantile positions (both SQLite and PostgreSQL run it, so the
score column is never fetched whole).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Subquery

from maturity.assessments.models import Assessment, DimensionScore
from maturity.cohorts.models import Cohort, CohortInvitation, CohortMember
from maturity.cohorts.suppression import QUANTILES, RawBenchmarks, Sums
from maturity.extensions import db
from maturity.firms.models import Firm
from maturity.questionnaires.profile import SIZE_BY_SALES_BAND

LIMA = ZoneInfo("America/Lima")
INDEX_COLUMNS = {"overall": Assessment.overall_score, "technology": Assessment.technology_score,
                 "management": Assessment.management_score}
# The views a dashboard can filter on, and the firm column behind each.
VIEW_COLUMNS = {"sector": Firm.sector, "department": Firm.department, "size": Firm.annual_sales_band}
_BAND_OF_SIZE = {size: band for band, size in SIZE_BY_SALES_BAND.items()}


def period_bounds(cohort: Cohort) -> tuple[datetime, datetime]:
    """The cohort's period as [start, end) instants: from the first day's midnight in Lima to the
    midnight after the last day."""
    return (_lima_midnight(cohort.period_start), _lima_midnight(cohort.period_end + timedelta(days=1)))


def _lima_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LIMA)


def _active_member(cohort_id: int):
    return and_(CohortMember.firm_id == Assessment.firm_id, CohortMember.cohort_id == cohort_id,
                CohortMember.withdrawn_at.is_(None))


def eligible(cohort: Cohort) -> Subquery:
    """(firm_id, assessment_id) of the latest submitted assessment in the period of every firm with
    active consent: an assessment for which no later one exists (an anti-join, which both SQLite
    and PostgreSQL answer from the (firm_id, status) index; faster than a window here)."""
    start, end = period_bounds(cohort)
    later = aliased(Assessment)
    in_period = and_(Assessment.status == "submitted", Assessment.submitted_at >= start, Assessment.submitted_at < end)
    newer = exists().where(later.firm_id == Assessment.firm_id, later.status == "submitted",
                           later.submitted_at >= start, later.submitted_at < end,
                           or_(later.submitted_at > Assessment.submitted_at,
                               and_(later.submitted_at == Assessment.submitted_at, later.id > Assessment.id)))
    return (select(Assessment.id.label("assessment_id"), Assessment.firm_id.label("firm_id"))
            .join(CohortMember, _active_member(cohort.id)).where(in_period, ~newer).subquery("eligible"))


def _key(sector: str, department: str | None, band: str) -> tuple[str, str | None, str]:
    return sector, department, SIZE_BY_SALES_BAND.get(band, band)


def raw_benchmarks(cohort: Cohort, dimensions: tuple[str, ...], view: tuple[str, Any] | None = None,
                   quantiles: bool = True) -> RawBenchmarks:
    """Every count and sum the publication rules need, and (unless `quantiles` is False) the
    distributions of the dimensions over `view`."""
    chosen = eligible(cohort)
    raw = RawBenchmarks(dimensions=dimensions)
    raw.metrics = {name: {} for name in (*INDEX_COLUMNS, *dimensions)}
    group = (Firm.sector, Firm.department, Firm.annual_sales_band)
    index_columns = []
    for column in INDEX_COLUMNS.values():
        index_columns += [func.count(column), func.sum(column)]
    rows = db.session.execute(
        select(*group, func.count(), *index_columns)
        .select_from(chosen).join(Assessment, Assessment.id == chosen.c.assessment_id)
        .join(Firm, Firm.id == chosen.c.firm_id).group_by(*group))
    for sector, department, band, firms, *sums in rows:
        key = _key(sector, department, band)
        raw.firms[key] = raw.firms.get(key, 0) + firms
        for i, name in enumerate(INDEX_COLUMNS):
            n, total = sums[2 * i], sums[2 * i + 1]
            if n:
                raw.metrics[name][key] = raw.metrics[name].get(key, Sums(0)) + Sums(n, float(total))
    if not dimensions:
        return raw
    rows = db.session.execute(
        select(*group, DimensionScore.dimension, func.count(DimensionScore.score), func.sum(DimensionScore.score))
        .select_from(chosen).join(DimensionScore, DimensionScore.assessment_id == chosen.c.assessment_id)
        .join(Firm, Firm.id == chosen.c.firm_id)
        .where(DimensionScore.state == "scored").group_by(*group, DimensionScore.dimension))
    for sector, department, band, dimension, n, total in rows:
        if dimension in raw.metrics and n:
            key = _key(sector, department, band)
            raw.metrics[dimension][key] = raw.metrics[dimension].get(key, Sums(0)) + Sums(n, float(total))
    if quantiles and dimensions:
        raw.quantiles = dimension_quantiles(chosen, view)
    return raw


def _view_filter(view: tuple[str, Any] | None):
    if view is None:
        return None
    variable, value = view
    column = VIEW_COLUMNS[variable]
    if variable == "size":
        value = _BAND_OF_SIZE.get(value, value)
    return column.is_(None) if value is None else column == value


def dimension_quantiles(chosen: Subquery, view: tuple[str, Any] | None = None) -> dict[str, dict[str, float]]:
    """P10, P25, median, P75 and P90 of each dimension's scores over the view, with linear
    interpolation between the two nearest ranks (as PostgreSQL's percentile_cont). SQL counts the
    firms at each distinct score (scores have one decimal: at most 1,001 values per dimension);
    the ranks are found in that frequency table, so the score column is never fetched whole."""
    query = (select(DimensionScore.dimension, DimensionScore.score, func.count())
             .select_from(chosen).join(DimensionScore, DimensionScore.assessment_id == chosen.c.assessment_id)
             .where(DimensionScore.state == "scored", DimensionScore.score.is_not(None))
             .group_by(DimensionScore.dimension, DimensionScore.score))
    condition = _view_filter(view)
    if condition is not None:
        query = query.join(Firm, Firm.id == chosen.c.firm_id).where(condition)
    tables: dict[str, list[tuple[float, int]]] = {}
    for dimension, score, n in db.session.execute(query):
        tables.setdefault(dimension, []).append((float(score), n))
    return {dimension: quantiles_of(sorted(table)) for dimension, table in tables.items()}


def quantiles_of(table: list[tuple[float, int]]) -> dict[str, float]:
    """The quantiles of a sorted frequency table [(value, how many)], interpolated linearly
    between the order statistics at ⌊(n − 1)·p⌋ and the next one."""
    n = sum(count for _value, count in table)

    def at(rank: int) -> float:            # the rank-th smallest value, from 0
        seen = 0
        for value, count in table:
            seen += count
            if rank < seen:
                return value
        return table[-1][0]

    out = {}
    for name, p in QUANTILES:
        position = (n - 1) * p
        low = int(position)
        out[name] = at(low) + (position - low) * (at(min(low + 1, n - 1)) - at(low))
    return out


# --- the funnel -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Funnel:
    invited: int
    joined: int
    started: int
    submitted: int

    def as_dict(self) -> dict[str, int]:
        return {"invited": self.invited, "joined": self.joined, "started": self.started, "submitted": self.submitted}


def funnel(cohort: Cohort) -> Funnel:
    """invited ≥ joined ≥ started ≥ submitted. Invited: every invitation, plus firms that joined
    with the code without one; joined: enrolled with active consent; started: of those, with an
    assessment begun or submitted in the period; submitted: with one submitted in the period."""
    start, end = period_bounds(cohort)
    invitations = db.session.scalar(select(func.count()).select_from(CohortInvitation)
                                    .where(CohortInvitation.cohort_id == cohort.id)) or 0
    invited_firms = select(CohortInvitation.firm_id).where(CohortInvitation.cohort_id == cohort.id,
                                                           CohortInvitation.firm_id.is_not(None))
    uninvited_members = db.session.scalar(
        select(func.count()).select_from(CohortMember)
        .where(CohortMember.cohort_id == cohort.id, CohortMember.firm_id.not_in(invited_firms))) or 0
    active = and_(CohortMember.cohort_id == cohort.id, CohortMember.withdrawn_at.is_(None))
    joined = db.session.scalar(select(func.count()).select_from(CohortMember).where(active)) or 0
    in_period = or_(and_(Assessment.created_at >= start, Assessment.created_at < end),
                    and_(Assessment.submitted_at >= start, Assessment.submitted_at < end))
    started = db.session.scalar(select(func.count()).select_from(CohortMember).where(
        active, exists().where(Assessment.firm_id == CohortMember.firm_id, in_period))) or 0
    submitted = db.session.scalar(select(func.count()).select_from(CohortMember).where(
        active, exists().where(Assessment.firm_id == CohortMember.firm_id, Assessment.status == "submitted",
                               Assessment.submitted_at >= start, Assessment.submitted_at < end))) or 0
    return Funnel(invited=invitations + uninvited_members, joined=joined, started=started, submitted=submitted)


# --- impact ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChangeSums:
    """Paired changes of one figure: n firms, Σd, Σd², how many moved up at least one band."""

    n: int
    total: float
    squares: float
    up: int


def _band_rank(column, bands: tuple[str, ...]):
    return case({band: i for i, band in enumerate(bands)}, value=column, else_=None)


def impact_pairs(cohort: Cohort) -> Subquery:
    """(firm_id, base_id, follow_id) of the firms with active consent and two or more submitted
    assessments in the period: the first (baseline) and the latest (follow-up)."""
    start, end = period_bounds(cohort)
    ranked = (select(Assessment.id.label("assessment_id"), Assessment.firm_id.label("firm_id"),
                     func.row_number().over(partition_by=Assessment.firm_id,
                                            order_by=(Assessment.submitted_at, Assessment.id)).label("first"),
                     func.row_number().over(partition_by=Assessment.firm_id,
                                            order_by=(Assessment.submitted_at.desc(), Assessment.id.desc()))
                     .label("last"),
                     func.count().over(partition_by=Assessment.firm_id).label("times"))
              .join(CohortMember, _active_member(cohort.id))
              .where(Assessment.status == "submitted", Assessment.submitted_at >= start, Assessment.submitted_at < end)
              .subquery("ranked"))
    # One pass, no self-join: each firm's first and last assessment side by side.
    return (select(ranked.c.firm_id,
                   func.max(case((ranked.c.first == 1, ranked.c.assessment_id))).label("base_id"),
                   func.max(case((ranked.c.last == 1, ranked.c.assessment_id))).label("follow_id"))
            .where(ranked.c.times >= 2, or_(ranked.c.first == 1, ranked.c.last == 1))
            .group_by(ranked.c.firm_id).subquery("pairs"))


def impact_sums(cohort: Cohort, dimensions: tuple[str, ...], bands: tuple[str, ...]) -> dict[str, ChangeSums]:
    """For firms with two or more submitted assessments in the period: baseline = the first,
    follow-up = the latest. Sums of the change of the overall score and of each dimension."""
    pairs = impact_pairs(cohort)
    out: dict[str, ChangeSums] = {}

    before, after = Assessment.__table__.alias("before"), Assessment.__table__.alias("after")
    change = after.c.overall_score - before.c.overall_score
    up = case((_band_rank(after.c.overall_band, bands) > _band_rank(before.c.overall_band, bands), 1), else_=0)
    row = db.session.execute(
        select(func.count(change), func.sum(change), func.sum(change * change), func.sum(up))
        .select_from(pairs)
        .join(before, before.c.id == pairs.c.base_id).join(after, after.c.id == pairs.c.follow_id)
        .where(before.c.overall_score.is_not(None), after.c.overall_score.is_not(None))).one()
    out["overall"] = ChangeSums(row[0] or 0, float(row[1] or 0), float(row[2] or 0), int(row[3] or 0))

    ds_before, ds_after = DimensionScore.__table__.alias("ds_before"), DimensionScore.__table__.alias("ds_after")
    change = ds_after.c.score - ds_before.c.score
    up = case((_band_rank(ds_after.c.band, bands) > _band_rank(ds_before.c.band, bands), 1), else_=0)
    rows = db.session.execute(
        select(ds_before.c.dimension, func.count(change), func.sum(change), func.sum(change * change), func.sum(up))
        .select_from(pairs)
        .join(ds_before, ds_before.c.assessment_id == pairs.c.base_id)
        .join(ds_after, and_(ds_after.c.assessment_id == pairs.c.follow_id,
                             ds_after.c.dimension == ds_before.c.dimension))
        .where(ds_before.c.state == "scored", ds_after.c.state == "scored")
        .group_by(ds_before.c.dimension))
    for dimension, n, total, squares, ups in rows:
        out[dimension] = ChangeSums(n or 0, float(total or 0), float(squares or 0), int(ups or 0))
    for dimension in dimensions:
        out.setdefault(dimension, ChangeSums(0, 0.0, 0.0, 0))
    return out


def actions_done(cohort: Cohort) -> tuple[int, int]:
    """(firms assessed twice, plan actions done): the actions of each such firm's baseline plan
    marked done on or before the day (in Lima) of its follow-up."""
    from maturity.planning.models import ActionStatus

    pairs = impact_pairs(cohort)
    firms = db.session.scalar(select(func.count()).select_from(pairs)) or 0
    rows = db.session.execute(
        select(ActionStatus.status_on, Assessment.submitted_at).select_from(pairs)
        .join(ActionStatus, and_(ActionStatus.assessment_id == pairs.c.base_id, ActionStatus.status == "done"))
        .join(Assessment, Assessment.id == pairs.c.follow_id))
    done = 0
    for status_on, follow_up in rows:
        instant = follow_up if follow_up.tzinfo else follow_up.replace(tzinfo=ZoneInfo("UTC"))
        done += status_on <= instant.astimezone(LIMA).date()
    return firms, done


# --- the owner's position -------------------------------------------------------------------

@dataclass(frozen=True)
class Position:
    n: int              # firms in the group with an overall score
    below: int          # … scoring lower than this assessment
    equal: int          # … scoring the same
    median: float | None

    @property
    def percentile(self) -> float:
        """The share of the group below this score, ties counted half (0–100)."""
        return 100.0 * (self.below + 0.5 * self.equal) / self.n if self.n else 0.0


def overall_tables(cohort: Cohort) -> dict[str, list[tuple[float, int]]]:
    """Frequency tables of the overall score of the cohort's firms, per sector (sorted)."""
    chosen = eligible(cohort)
    tables: dict[str, list[tuple[float, int]]] = {}
    rows = db.session.execute(
        select(Firm.sector, Assessment.overall_score, func.count())
        .select_from(chosen).join(Assessment, Assessment.id == chosen.c.assessment_id)
        .join(Firm, Firm.id == chosen.c.firm_id).where(Assessment.overall_score.is_not(None))
        .group_by(Firm.sector, Assessment.overall_score))
    for sector, score, n in rows:
        tables.setdefault(sector, []).append((float(score), n))
    return {sector: sorted(table) for sector, table in tables.items()}


def position_in(table: list[tuple[float, int]], score: float) -> Position:
    """Where `score` stands in a frequency table of overall scores."""
    n = sum(count for _value, count in table)
    below = sum(count for value, count in table if value < score)
    equal = sum(count for value, count in table if value == score)
    return Position(n=n, below=below, equal=equal, median=quantiles_of(table)["median"] if n else None)


def merged(tables: dict[str, list[tuple[float, int]]]) -> list[tuple[float, int]]:
    counts: dict[float, int] = {}
    for table in tables.values():
        for value, n in table:
            counts[value] = counts.get(value, 0) + n
    return sorted(counts.items())
