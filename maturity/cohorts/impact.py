"""Impact of a cohort: mean change from baseline to follow-up with a 95 % confidence interval.

Pure Python over the paired sums of `aggregates.impact_sums` (n, Σd, Σd², firms up a band):
mean d̄ = Σd / n; sample standard deviation s = √((Σd² − n·d̄²) / (n − 1)); interval
d̄ ± t(0.975, n − 1) · s / √n, with Student's t quantile from scipy (installed with scikit-learn).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

CONFIDENCE = 0.95


def t_quantile(probability: float, df: int) -> float:
    """Student's t quantile (scipy is imported here only: it is slow to import)."""
    from scipy.stats import t

    return float(t.ppf(probability, df))


def change_figure(n: int, total: float, squares: float, up: int) -> dict[str, Any]:
    """Mean change, its 95 % interval (None below two firms) and the share that moved up a band."""
    if n == 0:
        return {"n": 0, "mean_change": None, "ci_low": None, "ci_high": None, "share_up": None}
    mean = total / n
    low = high = None
    if n >= 2:
        variance = max(squares - n * mean * mean, 0.0) / (n - 1)
        half = t_quantile(1 - (1 - CONFIDENCE) / 2, n - 1) * math.sqrt(variance / n)
        low, high = round(mean - half, 1), round(mean + half, 1)
    return {"n": n, "mean_change": round(mean, 1), "ci_low": low, "ci_high": high,
            "share_up": round(100.0 * up / n, 1)}


def impact_figures(sums: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """{figure: change_figure(...)} for the overall score and every dimension (raw: suppress next)."""
    return {name: change_figure(s.n, s.total, s.squares, s.up) for name, s in sums.items()}


def actions_completed(cohort, firm_ids=None, min_n: int | None = None) -> int | None:
    """How many plan actions the cohort's firms completed between baseline and follow-up.

    Counted over the firms of the impact figures (active consent, two submitted assessments in the
    period): the actions of the baseline plan marked done by the day of the follow-up. Rule 6 of
    `suppression`: None (withheld) unless at least `min_n` firms were assessed twice.
    `firm_ids` is kept for the seam's callers and not used: the cohort decides whose data counts.
    """
    from maturity.cohorts.aggregates import actions_done
    from maturity.cohorts.suppression import MIN_CELL, enough

    firms, done = actions_done(cohort)
    return done if enough(firms, MIN_CELL if min_n is None else min_n) else None
