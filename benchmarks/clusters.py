"""Firm typologies and the Ruta Digital import, beside the bare work they wrap.

Figures (issue: firm typologies and the national baseline):
- typologies of 10,000 and 100,000 synthetic firms on the twelve dimensions, k searched over
  2…8 (goal ≤ 5 s at 100,000), beside a plain scikit-learn loop doing the same k search on the
  same matrix and sample (StandardScaler, the same KMeans / MiniBatchKMeans settings,
  `silhouette_score` on the same rows; goal ≤ 1.2×). Both run under threadpool_limits(1), as the
  project does for bitwise reproducibility.
- importing the real Ruta Digital file into a fresh SQLite database (goal ≤ 10 s), beside a bare
  csv.reader pass over the same file; only when the file is present (RUTA_DIGITAL_CSV, or
  ../shared/data/ruta-digital/RUTADIGITAL2021al2024.csv).
"""
from __future__ import annotations

import csv
import os
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.report import Figure
from maturity.config import PROJECT_ROOT

DIMENSIONS = [f"T{i}" for i in range(1, 7)] + [f"M{i}" for i in range(1, 7)]
REAL = Path(os.environ.get("RUTA_DIGITAL_CSV")
            or PROJECT_ROOT.parent / "shared" / "data" / "ruta-digital" / "RUTADIGITAL2021al2024.csv")


def synthetic(n: int, seed: int = 11):
    """n firms from five typical profiles with noise, a few scores missing (as in real assessments)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    centres = rng.uniform(10, 80, size=(5, len(DIMENSIONS)))
    x = np.clip(centres[rng.integers(0, 5, n)] + rng.normal(0, 9, (n, len(DIMENSIONS))), 0, 100).round(1)
    x[rng.random(x.shape) < 0.02] = np.nan
    return x


def plain_loop(x, params) -> int:
    """What a data scientist would write: impute, scale, fit each k, silhouette on the sample."""
    import numpy as np
    from sklearn.cluster import KMeans, MiniBatchKMeans
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    x = np.where(np.isnan(x), np.nanmedian(x, axis=0), x)
    with threadpool_limits(1):
        z = StandardScaler().fit_transform(x)
        n = len(z)
        rng = np.random.default_rng(params.random_state)
        sample = np.sort(rng.choice(n, params.sample_size, replace=False)) if n > params.sample_size else np.arange(n)
        scores = {}
        for k in range(params.k_min, params.k_max + 1):
            if n > params.minibatch_above:
                model = MiniBatchKMeans(n_clusters=k, n_init=params.minibatch_n_init, random_state=params.random_state,
                                        batch_size=params.minibatch_batch_size)
            else:
                model = KMeans(n_clusters=k, n_init=params.n_init, random_state=params.random_state)
            labels = model.fit_predict(z)
            scores[k] = silhouette_score(z[sample], labels[sample])
    return max(scores, key=scores.get)


def _median_s(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _typologies(n: int, repeat: int) -> Figure:
    from maturity.clustering.engine import FitParams, fit_typologies

    x = synthetic(n)
    params = FitParams()
    fits = []
    ours = _median_s(lambda: fits.append(fit_typologies(x, DIMENSIONS, params)), repeat)
    floor = _median_s(lambda: plain_loop(x, params), repeat)
    result = fits[-1].result
    return Figure(f"typologies of {n:,} firms × 12 dimensions, k = 2…8", ours, floor, "s",
                  goal="≤ 5 s at 100,000; ≤ 1.2× the plain loop",
                  note=f"{result['method']}, chosen k = {result['k']}, silhouette sample {result['sample']:,}; "
                       "includes the 2-D map and the names")


def _import_figure() -> Figure | None:
    if not REAL.is_file():
        return None
    from maturity import create_app
    from maturity.baseline.operations import import_ruta_digital
    from maturity.extensions import db

    def bare() -> int:
        with REAL.open(encoding="utf-8", newline="") as f:
            return sum(1 for _ in csv.reader(f, delimiter="|"))

    times, reports = [], []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db", "INSTANCE_PATH": tmp,
                              "STORAGE_DIR": f"{tmp}/storage", "MATURITY_ENV": "testing",
                              "SECRET_KEY": secrets.token_urlsafe(48), "RATELIMIT_STORAGE_URI": "memory://"})
            with app.app_context():
                db.create_all()
                start = time.perf_counter()
                reports.append(import_ruta_digital(REAL, actor="bench"))
                times.append(time.perf_counter() - start)
                db.engine.dispose()
    floor = _median_s(bare, 5)
    report = reports[-1]
    return Figure(f"import the Ruta Digital file ({report.rows_read:,} rows) into SQLite", statistics.median(times),
                  floor, "s", goal="≤ 10 s",
                  note=f"imported {report.imported:,}, rejected {report.rejected_total}; floor: a bare csv.reader pass")


def run(_seconds: int) -> list[Figure]:
    figures = [_typologies(10_000, 3), _typologies(100_000, 3)]
    imported = _import_figure()
    if imported is not None:
        figures.append(imported)
    return figures
