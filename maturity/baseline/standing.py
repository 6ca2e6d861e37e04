""""Where you stand among Peruvian MYPEs": an assessed firm against the Ruta Digital baseline.

`standing()` is pure: the firm's stored dimension scores, the baseline's distribution and the
latest baseline fit in, the figures a results page shows out. `baseline_section()` is the glue
a page calls: one small query for the source row and the latest fit's id per request; the
distribution (each firm's latest test, crosswalked) and the fit are read once and kept in the
app, until the source is imported again or a new fit is stored.

How it compares (the approximation, in plain words):
- Only the five dimensions Ruta Digital also measures (ruta_digital.COMPARED) are compared,
  each through the crosswalk documented in `maturity.baseline.ruta_digital`.
- Percentile: the share of the baseline's firms whose crosswalked score is strictly below the
  firm's score ("ahead of 62 % of them"), over all firms, and within the firm's sector when the
  baseline holds at least MIN_SECTOR_FIRMS firms of that sector (by CIIU → sector).
- Group: the baseline's groups are fitted on Ruta Digital's own six domains. An assessed firm
  has no Ruta Digital answers, so it is matched to the group whose centroid, crosswalked, is
  nearest on four axes — T4, T6, M6 and management (GESTION_EMPRESARIAL against the mean of the
  firm's M1 and T3, so that one Ruta Digital module is not counted twice) — each axis divided by
  its spread in the baseline. Two different questionnaires, scored differently, are being set
  side by side: the group says whom the firm resembles, never what it "is".
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from maturity.baseline import ruta_digital
from maturity.clustering.engine import nearest_cluster

MIN_SECTOR_FIRMS = 30
EXTENSION_KEY = "maturity.baseline"


@dataclass(frozen=True)
class Distribution:
    """Sorted crosswalked scores of each firm's latest test, over all firms and per sector."""

    firms: int
    overall: dict[str, list[float]]
    sectors: dict[str, dict[str, list[float]]]

    def sector_firms(self, sector: str | None) -> int:
        values = self.sectors.get(sector or "", {})
        return len(next(iter(values.values()), []))


def build_distribution(rows: Iterable[Sequence[Any]]) -> Distribution:
    """From rows of (sector, management, e_commerce, data_analysis, digital_marketing, payments, finance)."""
    overall: dict[str, list[float]] = {d: [] for d in ruta_digital.COMPARED}
    sectors: dict[str, dict[str, list[float]]] = {}
    firms = 0
    # ruta_digital.crosswalk() as (position, weight) terms: the same sums, without a dict per firm.
    position = {domain: i for i, domain in enumerate(ruta_digital.DOMAINS)}
    terms = [(dim, [(position[d], w) for d, w in ruta_digital.CROSSWALK[dim].items()]) for dim in ruta_digital.COMPARED]
    for sector, *scores in rows:
        firms += 1
        bucket = sectors.get(sector)
        if bucket is None:
            bucket = sectors[sector] = {d: [] for d in ruta_digital.COMPARED}
        for dim, weights in terms:
            value = sum(scores[i] * w for i, w in weights)
            overall[dim].append(value)
            bucket[dim].append(value)
    for values in [overall, *sectors.values()]:
        for dim in values:
            values[dim].sort()
    return Distribution(firms, overall, sectors)


def share_below(sorted_values: Sequence[float], score: float) -> float:
    """Percentage of values strictly below `score` (0–100)."""
    if not sorted_values:
        return 0.0
    return 100.0 * bisect_left(sorted_values, score) / len(sorted_values)


def _group(scores: Mapping[str, float], fit: Mapping[str, Any] | None, lang: str) -> dict[str, Any] | None:
    if not fit or "crosswalk" not in fit:
        return None
    management = [scores[d] for d in ("M1", "T3") if d in scores]
    if not management or any(d not in scores for d in ("T4", "T6", "M6")):
        return None
    profile = {"T4": scores["T4"], "T6": scores["T6"], "M6": scores["M6"],
               "M1": sum(management) / len(management)}
    crosswalk = fit["crosswalk"]
    centroids = {int(cid): c for cid, c in crosswalk["centroids"].items()}
    cid = nearest_cluster(profile, centroids, crosswalk["spread"])
    cluster = next(c for c in fit["clusters"] if c["id"] == cid)
    return {"number": cid, "k": fit["k"], "size": cluster["size"], "name": cluster["name"][lang]}


def standing(scores: Mapping[str, float | None], titles: Mapping[str, str], sector: str | None,
             distribution: Distribution, fit: Mapping[str, Any] | None, lang: str) -> dict[str, Any]:
    """The comparison a results page shows; `scores` are the firm's scored dimensions (id → 0–100)."""
    scored = {d: s for d, s in scores.items() if s is not None and d in ruta_digital.COMPARED}
    sector_firms = distribution.sector_firms(sector)
    by_sector = sector_firms >= MIN_SECTOR_FIRMS
    rows = []
    for dim in ruta_digital.COMPARED:
        if dim not in scored:
            continue
        rows.append({
            "id": dim, "title": titles.get(dim, dim), "score": scored[dim],
            "ahead_of": round(share_below(distribution.overall[dim], scored[dim])),
            "ahead_of_in_sector": (round(share_below(distribution.sectors[sector][dim], scored[dim]))
                                   if by_sector else None),
        })
    return {"firms": distribution.firms, "rows": rows, "sector": sector, "sector_firms": sector_firms,
            "by_sector": by_sector, "min_sector_firms": MIN_SECTOR_FIRMS, "group": _group(scored, fit, lang)}


def _cache() -> dict[str, Any]:
    from flask import current_app

    return current_app.extensions.setdefault(EXTENSION_KEY, {})


def _source():
    from sqlalchemy import select

    from maturity.baseline.models import BaselineSource
    from maturity.extensions import db

    return db.session.execute(select(BaselineSource.id, BaselineSource.label, BaselineSource.credit,
                                     BaselineSource.imported_at)
                              .where(BaselineSource.name == ruta_digital.NAME)).first()


def _latest_fit_id() -> int | None:
    from sqlalchemy import select

    from maturity.clustering.models import ClusterFit
    from maturity.extensions import db

    return db.session.scalar(select(ClusterFit.id).where(ClusterFit.scope == "baseline:" + ruta_digital.NAME)
                             .order_by(ClusterFit.created_at.desc(), ClusterFit.id.desc()).limit(1))


def baseline_version() -> tuple[Any, ...] | None:
    """What the baseline section depends on besides the assessment: the imported source and the
    latest fit of its groups (None: no baseline imported). Pages kept once rendered key on it."""
    source = _source()
    return None if source is None else (source.id, source.imported_at, _latest_fit_id())


def current_baseline() -> tuple[Any, Distribution, dict[str, Any] | None] | None:
    """(source row, distribution, latest fit result) of the Ruta Digital baseline, or None if not imported."""
    from sqlalchemy import select

    from maturity.baseline.models import BaselineRecord
    from maturity.clustering.models import ClusterFit
    from maturity.extensions import db

    source = _source()
    if source is None:
        return None
    cache = _cache()
    key = (source.id, source.imported_at)
    if cache.get("key") != key:
        columns = [getattr(BaselineRecord, c) for c in ruta_digital.DOMAINS.values()]
        rows = db.session.execute(select(BaselineRecord.sector, *columns)
                                  .where(BaselineRecord.source_id == source.id, BaselineRecord.latest.is_(True)))
        cache.update(key=key, distribution=build_distribution(rows), fit_id=None, fit=None)
    fit_id = _latest_fit_id()
    if fit_id != cache.get("fit_id"):
        result = db.session.scalar(select(ClusterFit.result).where(ClusterFit.id == fit_id)) if fit_id else None
        cache.update(fit_id=fit_id, fit=result)
    if cache["distribution"].firms == 0:
        return None
    return source, cache["distribution"], cache["fit"]


def baseline_section(snapshot: Mapping[str, Any], profile: Mapping[str, Any] | None, titles: Mapping[str, str],
                     lang: str) -> dict[str, Any] | None:
    """The results page's baseline section for a submitted assessment, or None (no baseline imported)."""
    found = current_baseline()
    if found is None:
        return None
    source, distribution, fit = found
    scores = {d["id"]: d["score"] for d in snapshot.get("dimensions", []) if d.get("state") == "scored"}
    section = standing(scores, titles, (profile or {}).get("sector"), distribution, fit, lang)
    credit = source.credit or ruta_digital.CREDIT
    return section | {"label": source.label, "credit": credit.get(lang) or credit.get("es")}
