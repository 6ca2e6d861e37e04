"""Rounding, bands and plan levels of 0–100 scores.

Scores are computed exactly (floats, `math.fsum`) and *reported* rounded half-up to one decimal;
the band and the plan level come from the rounded score, so a displayed 20.0 is never `inicial`.
Float noise is tolerated: 19.95 computed as 19.949999999999999 still rounds to 20.0.
"""
from __future__ import annotations

import math

from maturity.questionnaires.model import DimensionModel

# Relative slack for float comparisons of sums of weights and of decimal rounding; far below
# any difference a real answer makes, far above float noise.
TOLERANCE = 1e-9
LEVEL_STEP = 100 / 5   # one ladder level in score points
TOP_PLAN_LEVEL = 4     # rule 9: a score of 100 plans from level 4 (to 5)


def round_score(score: float) -> float:
    """Half-up to one decimal, within 0–100."""
    return min(100.0, max(0.0, math.floor(score * 10 + 0.5 + TOLERANCE) / 10))


def band_id(model: DimensionModel, rounded: float) -> str:
    """The band of a rounded score (half-open bands, the top one closed)."""
    return model.band_for(rounded).id


def plan_level(rounded: float) -> int:
    """Rule 9: current level for plans = min(⌊score ÷ 20⌋, 4); the default target is one more."""
    return min(int(rounded // LEVEL_STEP), TOP_PLAN_LEVEL)


def below(part: float, whole: float, ratio: float) -> bool:
    """part < ratio × whole, with float noise tolerated (exactly at the ratio is not below)."""
    return part < whole * ratio - whole * TOLERANCE
