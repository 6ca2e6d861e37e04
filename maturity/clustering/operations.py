"""Reading the scores to group from the database, fitting, and storing the fit as data.

Scopes:
- `baseline:ruta-digital`: each firm's latest Ruta Digital test, on the six domains of that
  instrument (the grouping works on its own instrument). The fit also stores the centroids
  crosswalked to this product's dimensions (`result["crosswalk"]`), for comparisons.
- `sector:<id>`: the latest submitted assessment of each firm whose profile, frozen at submit,
  names that sector, on the twelve dimensions (a dimension not scored — insufficient or not
  applicable — is missing and imputed with the column median).
- `all`: the same for every firm.
- `cohort:<id>`: the assessments a cohort's figures count (`cohorts.aggregates.eligible`: the
  latest submitted one in the period of each firm with active consent), on the twelve dimensions.
"""
from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from maturity.assessments.models import Assessment, DimensionScore
from maturity.baseline import ruta_digital
from maturity.baseline.models import BaselineRecord, BaselineSource
from maturity.clustering.engine import FitParams, Typologies, fit_typologies
from maturity.clustering.models import ClusterFit
from maturity.extensions import db

log = logging.getLogger(__name__)
DIMENSIONS = ("T1", "T2", "T3", "T4", "T5", "T6", "M1", "M2", "M3", "M4", "M5", "M6")
BASELINE_SCOPE = "baseline:" + ruta_digital.NAME


@dataclass
class Fitted:
    """A fit and where it was stored (`stored` is None when no grouping was possible)."""

    scope: str
    typologies: Typologies
    stored: ClusterFit | None


def baseline_matrix(source: BaselineSource) -> tuple[list[list[float]], list[str]]:
    """Each firm's latest test on Ruta Digital's six domains (rows in a stable order)."""
    columns = [getattr(BaselineRecord, name) for name in ruta_digital.DOMAINS.values()]
    rows = db.session.execute(select(*columns).where(BaselineRecord.source_id == source.id,
                                                     BaselineRecord.latest.is_(True))
                              .order_by(BaselineRecord.id)).all()
    return [list(r) for r in rows], list(ruta_digital.DOMAINS)


def assessment_matrix(sector: str | None = None) -> tuple[list[list[float]], list[str]]:
    """The latest submitted assessment of each firm (of `sector`, if given): firms × 12 dimensions."""
    rows = db.session.execute(
        select(Assessment.id, Assessment.firm_id, Assessment.profile_snapshot)
        .where(Assessment.status == "submitted")
        .order_by(Assessment.firm_id, Assessment.submitted_at, Assessment.id)).all()
    latest: dict[int, int] = {}
    for assessment_id, firm_id, profile in rows:
        if sector is None or (profile or {}).get("sector") == sector:
            latest[firm_id] = assessment_id
        elif firm_id in latest:  # a later assessment in another sector replaces the earlier one
            del latest[firm_id]
    return score_matrix(sorted(latest.values())), list(DIMENSIONS)


def cohort_matrix(cohort_id: int) -> tuple[list[list[float]], list[str]]:
    """The assessments cohort `cohort_id` counts (withdrawn consent: out): firms × 12 dimensions."""
    from maturity.cohorts.aggregates import eligible
    from maturity.cohorts.models import Cohort

    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise LookupError(f"there is no cohort {cohort_id}")
    chosen = eligible(cohort)
    ids = sorted(db.session.scalars(select(chosen.c.assessment_id)))
    return score_matrix(ids), list(DIMENSIONS)


def score_matrix(ids: Sequence[int]) -> list[list[float]]:
    """The scored dimensions of assessments `ids`, one row each (NaN where not scored)."""
    scores: dict[int, dict[str, float]] = {i: {} for i in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for assessment_id, dim, score in db.session.execute(
                select(DimensionScore.assessment_id, DimensionScore.dimension, DimensionScore.score)
                .where(DimensionScore.assessment_id.in_(chunk), DimensionScore.state == "scored")):
            scores[assessment_id][dim] = score
    return [[scores[i].get(d, math.nan) for d in DIMENSIONS] for i in ids]


def baseline_crosswalk(result: dict, matrix: Sequence[Sequence[float]]) -> dict:
    """The fit's centroids on this product's dimensions, and each dimension's spread in the baseline.

    The spread (standard deviation over the firms) scales distances when an assessed firm is
    matched to its nearest group.
    """
    domains = result["dimensions"]
    crossed = [ruta_digital.crosswalk(dict(zip(domains, row, strict=True))) for row in matrix]
    spread = {}
    for dim in ruta_digital.COMPARED:
        values = [c[dim] for c in crossed]
        mean = sum(values) / len(values)
        spread[dim] = round(math.sqrt(sum((v - mean) ** 2 for v in values) / len(values)), 4)
    return {
        "weights": ruta_digital.CROSSWALK,
        "dimensions": list(ruta_digital.COMPARED),
        "spread": spread,
        "centroids": {str(c["id"]): {d: round(v, 3) for d, v in ruta_digital.crosswalk(c["centroid"]).items()}
                      for c in result["clusters"]},
    }


def fit_scope(scope: str, params: FitParams | None = None, actor: str = "command line") -> Fitted:
    """Fit the typologies of `scope` and store the fit (when there is one to store)."""
    source = None
    if scope == BASELINE_SCOPE:
        source = db.session.scalar(select(BaselineSource).where(BaselineSource.name == ruta_digital.NAME))
        if source is None:
            raise LookupError("the Ruta Digital baseline is not imported: run "
                              "`flask --app wsgi baseline import-ruta-digital PATH` first")
        matrix, dims = baseline_matrix(source)
    elif scope == "all":
        matrix, dims = assessment_matrix()
    elif scope.startswith("sector:"):
        matrix, dims = assessment_matrix(scope.removeprefix("sector:"))
    elif scope.startswith("cohort:") and scope.removeprefix("cohort:").isdigit():
        matrix, dims = cohort_matrix(int(scope.removeprefix("cohort:")))
    else:
        raise ValueError(f"unknown scope {scope!r}")
    if params is None:  # no group smaller than what the cohort pages may publish
        params = FitParams(min_group_size=max(FitParams.min_group_size,
                                              int(current_app.config.get("BENCHMARK_MIN_FIRMS", 0))))
    typologies = fit_typologies(matrix, dims, params)
    if not typologies.ok:
        log.info("%s fitted %s: %s (nothing stored)", actor, scope, typologies.message())
        return Fitted(scope, typologies, None)
    result = dict(typologies.result)
    if source is not None:
        result["crosswalk"] = baseline_crosswalk(result, matrix)
        result["source"] = {"name": source.name, "label": source.label, "file_sha256": source.file_sha256}
    fit = ClusterFit(scope=scope, created_by=actor, baseline_source_id=source.id if source else None,
                     params=result["params"], result=result, chart=typologies.extra.get("map"))
    db.session.add(fit)
    db.session.commit()
    log.info("%s fitted %s: %s (fit %s)", actor, scope, typologies.message(), fit.id)
    return Fitted(scope, typologies, fit)


def latest_fit(scope: str) -> ClusterFit | None:
    return db.session.scalar(select(ClusterFit).where(ClusterFit.scope == scope)
                             .order_by(ClusterFit.created_at.desc(), ClusterFit.id.desc()).limit(1))
