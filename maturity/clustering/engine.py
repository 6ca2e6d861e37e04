"""Firm typologies: StandardScaler → k-means, k chosen by silhouette. Pure: no Flask, no ORM.

Input: a matrix of firms × dimension scores (0–100; NaN = missing) and the dimension ids.
Output: a `Typologies` whose `result` is a JSON-serialisable dict (stored as data, never pickled)
and whose `labels` give each input row's group (1 … k, or None when no grouping was possible).

The recipe, and why (code_anchors.md §3.4):
- Missing scores are imputed with the column median of the data being fitted (a column with no
  value at all is dropped and listed in `dropped`); the count imputed per dimension is recorded.
- Rows are first put in a canonical order (sorted on their values), so the fit depends on the set
  of firms and not on the order they were read in: shuffled input gives the same groups.
- k-means with an explicit `n_init` and a fixed `random_state`, run under
  `threadpoolctl.threadpool_limits(1)` (thread parallelism changes the last bits of the result);
  MiniBatchKMeans above `minibatch_above` rows, where plain k-means would take too long.
- k is searched over 2…8 but kept below the number of distinct profiles. A k for which k-means
  finds fewer distinct clusters than asked (sklearn's ConvergenceWarning, promoted to an error
  here) is skipped. The silhouette of every k is computed on one deterministic sample of at most
  `sample_size` rows (seeded RNG on the canonical order); a k whose sample holds one label only
  has no silhouette. A k that leaves a group smaller than `min_group_size` is skipped too: a group
  of fewer than five firms would describe those firms (the suppression rule of the cohort pages),
  so such a grouping is never chosen, let alone shown. The best silhouette wins (ties: the smaller k).
- Groups are renumbered 1…k by ascending mean centroid score in original units (ties broken by
  the centroids' values in dimension order), so the same data always gives the same numbering.
  Centroids are the members' mean profile (original units, after imputation).
- Too few firms (< `min_firms`), or too few distinct profiles, give a result with a `status`
  saying so, never an exception.

scikit-learn and numpy are imported inside the functions: a web worker that never fits stays small.
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from maturity.clustering.names import cluster_names

OK = "ok"
TOO_FEW_FIRMS = "too_few_firms"
TOO_FEW_PROFILES = "too_few_profiles"
NO_DATA = "no_data"
NO_STRUCTURE = "no_structure"
STATUSES = (OK, TOO_FEW_FIRMS, TOO_FEW_PROFILES, NO_DATA, NO_STRUCTURE)

MESSAGES = {
    TOO_FEW_FIRMS: "too few firms: {n} (at least {min_firms} are needed)",
    TOO_FEW_PROFILES: "too few distinct profiles: {n_distinct} (groups need at least 3)",
    NO_DATA: "no scores to group: every dimension is empty",
    NO_STRUCTURE: "no grouping found: no k from {k_min} to {k_max} gave two or more groups of at least "
                  "{min_group_size} firms",
}


@dataclass(frozen=True)
class FitParams:
    """Everything that decides a fit; recorded with it."""

    k_min: int = 2
    k_max: int = 8
    n_init: int = 20
    random_state: int = 20240
    sample_size: int = 5000
    min_firms: int = 30
    minibatch_above: int = 50_000
    minibatch_n_init: int = 5
    minibatch_batch_size: int = 4096
    map_points: int = 2000
    min_group_size: int = 5


@dataclass
class Typologies:
    """A fit: `result` is the stored data; `labels[i]` is row i's group (1…k) or None."""

    result: dict[str, Any]
    labels: list[int] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.result["status"] == OK

    def message(self) -> str:
        """One line saying what happened, for a command or a log."""
        r = self.result
        if self.ok:
            return f"k={r['k']} (silhouette {r['silhouette'][str(r['k'])]:.3f}), {r['n']} firms"
        return MESSAGES[r["status"]].format(**r, **r["params"])


def versions() -> dict[str, str]:
    import numpy
    import sklearn

    return {"scikit-learn": sklearn.__version__, "numpy": numpy.__version__}


def _base(params: FitParams, dimensions: Sequence[str], n: int) -> dict[str, Any]:
    return {"status": OK, "params": asdict(params), "versions": versions(), "dimensions": list(dimensions),
            "n": n}


def _model(k: int, n: int, params: FitParams):
    from sklearn.cluster import KMeans, MiniBatchKMeans

    if n > params.minibatch_above:
        return "minibatch-kmeans", MiniBatchKMeans(
            n_clusters=k, n_init=params.minibatch_n_init, random_state=params.random_state,
            batch_size=params.minibatch_batch_size)
    return "kmeans", KMeans(n_clusters=k, n_init=params.n_init, random_state=params.random_state)


def _fit_labels(z, k: int, params: FitParams):
    """Labels for k groups, or None when k-means found fewer distinct clusters than k."""
    from sklearn.exceptions import ConvergenceWarning

    method, model = _model(k, len(z), params)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Number of distinct clusters", category=ConvergenceWarning)
        try:
            labels = model.fit_predict(z)
        except ConvergenceWarning:
            return method, None
    return method, labels


def silhouettes(z, labelings: dict[int, Any], chunk: int = 512) -> dict[int, float | None]:
    """Mean silhouette of each labeling of the rows of `z` (Euclidean), in one pass over the distances.

    Equal to `sklearn.metrics.silhouette_score` (tested), but the distance matrix is computed once
    in row chunks for every k instead of once per k, in bounded memory. A labeling with fewer than
    2 labels, or as many labels as rows, has no silhouette (None). A point alone in its group
    scores 0, as in scikit-learn.
    """
    import numpy as np
    from sklearn.metrics.pairwise import euclidean_distances

    n = len(z)
    out: dict[int, float | None] = {}
    onehots, sums = {}, {}
    for k, labels in labelings.items():
        used = np.unique(labels)
        if not 2 <= len(used) <= n - 1:
            out[k] = None
            continue
        dense = np.searchsorted(used, labels)
        onehot = np.zeros((n, len(used)))
        onehot[np.arange(n), dense] = 1.0
        onehots[k] = (dense, onehot)
        sums[k] = np.empty((n, len(used)))
    for start in range(0, n, chunk):
        block = euclidean_distances(z[start:start + chunk], z)
        for k, (_dense, onehot) in onehots.items():
            sums[k][start:start + chunk] = block @ onehot
    for k, (dense, onehot) in onehots.items():
        counts = onehot.sum(axis=0)
        rows = np.arange(n)
        own_count = counts[dense]
        a = sums[k][rows, dense] / np.maximum(own_count - 1, 1)
        means = sums[k] / counts
        means[rows, dense] = np.inf
        b = means.min(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            s = np.where(own_count > 1, (b - a) / np.maximum(a, b), 0.0)
        out[k] = float(np.nan_to_num(s).mean())
    return out


def fit_typologies(matrix, dimensions: Sequence[str], params: FitParams | None = None,
                   with_map: bool = True) -> Typologies:
    """Group the firms (rows of `matrix`) by their profile on `dimensions`; see the module docstring."""
    import numpy as np
    from threadpoolctl import threadpool_limits

    params = params or FitParams()
    x = np.asarray(matrix, dtype=float)
    if x.ndim != 2 or x.shape[1] != len(dimensions):
        raise ValueError(f"expected a firms × {len(dimensions)} matrix, got shape {x.shape}")
    if np.isinf(x).any():
        raise ValueError("scores must be finite numbers or NaN")
    n = len(x)
    result = _base(params, dimensions, n)
    if n < params.min_firms:
        return Typologies(result | {"status": TOO_FEW_FIRMS})

    present = ~np.isnan(x).all(axis=0)
    dims = [d for d, keep in zip(dimensions, present, strict=True) if keep]
    result["dropped"] = [d for d, keep in zip(dimensions, present, strict=True) if not keep]
    if not dims:
        return Typologies(result | {"status": NO_DATA})
    x = x[:, present]
    missing = np.isnan(x)
    medians = np.nanmedian(x, axis=0)
    x = np.where(missing, medians, x)
    result["imputed"] = {d: int(c) for d, c in zip(dims, missing.sum(axis=0), strict=True)}
    result["medians"] = _rounded(dict(zip(dims, medians, strict=True)))

    # Canonical row order: the fit depends on the set of rows, not on the order they came in.
    order = np.lexsort(x.T[::-1])
    xs = x[order]
    n_distinct = len(np.unique(xs, axis=0))
    result["n_distinct"] = n_distinct
    k_max = min(params.k_max, n_distinct - 1)
    if k_max < params.k_min:
        return Typologies(result | {"status": TOO_FEW_PROFILES})

    from sklearn.preprocessing import StandardScaler

    with threadpool_limits(1):
        scaler = StandardScaler().fit(xs)
        z = scaler.transform(xs)
        rng = np.random.default_rng(params.random_state)
        sample = (np.sort(rng.choice(n, params.sample_size, replace=False))
                  if n > params.sample_size else np.arange(n))
        labelings, skipped, method = {}, {}, None
        for k in range(params.k_min, k_max + 1):
            method, labels = _fit_labels(z, k, params)
            if labels is None:
                skipped[str(k)] = "fewer distinct clusters than k"
            elif np.bincount(labels).min() < params.min_group_size:
                skipped[str(k)] = f"a group of fewer than {params.min_group_size} firms"
            else:
                labelings[k] = labels
        scores = silhouettes(z[sample], {k: lab[sample] for k, lab in labelings.items()})
    for k, s in scores.items():
        if s is None:
            skipped[str(k)] = "one label in the sample"
    result |= {"method": method, "sample": len(sample), "skipped": skipped,
               "silhouette": {str(k): round(s, 6) for k, s in scores.items() if s is not None},
               "k_range": [params.k_min, k_max], "means": _rounded(dict(zip(dims, scaler.mean_, strict=True))),
               "stds": _rounded(dict(zip(dims, scaler.scale_, strict=True)))}
    valid = {k: s for k, s in scores.items() if s is not None}
    if not valid:
        return Typologies(result | {"status": NO_STRUCTURE})
    k = max(valid, key=lambda key: (round(valid[key], 9), -key))
    canonical = _canonical(xs, labelings[k])
    clusters = _clusters(xs, canonical, dims, scaler)
    result |= {"k": k, "clusters": clusters, "dimensions": dims}
    labels = np.empty(n, dtype=int)
    labels[order] = canonical
    extra = {}
    if with_map:
        from maturity.clustering.chart import pca_map

        extra["map"] = pca_map(z, canonical, scaler.transform(np.array([[c["centroid"][d] for d in dims]
                                                                         for c in clusters])), params)
    return Typologies(result, [int(v) for v in labels], extra)


def _canonical(xs, labels):
    """Labels renumbered 1…k by ascending mean centroid (original units), ties by the centroid values."""
    import numpy as np

    keys = []
    for old in np.unique(labels):
        centroid = xs[labels == old].mean(axis=0)
        keys.append((round(float(centroid.mean()), 9), tuple(round(float(v), 9) for v in centroid), int(old)))
    mapping = {old: new for new, (_m, _c, old) in enumerate(sorted(keys), start=1)}
    return np.array([mapping[int(v)] for v in labels])


def _clusters(xs, labels, dims: list[str], scaler) -> list[dict[str, Any]]:
    import numpy as np

    n = len(xs)
    out = []
    for cid in range(1, int(labels.max()) + 1):
        members = xs[labels == cid]
        centroid = members.mean(axis=0)
        z = (centroid - scaler.mean_) / scaler.scale_
        out.append({"id": cid, "size": len(members), "share": round(len(members) / n, 4),
                    "centroid": _rounded(dict(zip(dims, centroid, strict=True))),
                    "z": _rounded(dict(zip(dims, z, strict=True)), 4)})
    for cluster, name in zip(out, cluster_names([c["z"] for c in out], dims), strict=True):
        cluster |= name
    # Spread inside each group, for reading the result (mean distance to the centroid, scaled units).
    z_all = scaler.transform(xs)
    for cluster in out:
        members = z_all[labels == cluster["id"]]
        centre = members.mean(axis=0)
        cluster["spread"] = round(float(np.sqrt(((members - centre) ** 2).sum(axis=1)).mean()), 4)
    return out


def _rounded(values: dict[str, Any], places: int = 3) -> dict[str, float]:
    return {k: round(float(v), places) if not math.isnan(float(v)) else None for k, v in values.items()}


def nearest_cluster(profile: dict[str, float], centroids: dict[int, dict[str, float]],
                    scale: dict[str, float]) -> int | None:
    """The group whose centroid is nearest to `profile` (Euclidean, each axis divided by `scale`),
    over the axes `profile` has; None when it has none. Pure Python (used by web pages)."""
    axes = [a for a in profile if scale.get(a)]
    if not axes or not centroids:
        return None
    def distance(cid: int) -> tuple[float, int]:
        c = centroids[cid]
        return (sum(((profile[a] - c[a]) / scale[a]) ** 2 for a in axes), cid)
    return min(centroids, key=distance)
