"""What scoring returns: frozen dataclasses, with `to_api()` giving the `POST /api/v1/score` shape.

`to_api()` is exactly the contracts.md shape::

    {overall: {state, score|null, band|null, coverage},
     indices: {technology: {...}, management: {...}},
     dimensions: [{id, state, score|null, band|null, coverage}],
     confidence, weakest_links: [dimension ids]}

Scores are rounded to one decimal, coverage and confidence to three. The richer fields
(exact scores, plan level and target, `find_out`, per-item levels) are for pages, plans and
storage: each answer's level snapshot is in `items`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

SCORED, INSUFFICIENT, NOT_APPLICABLE = "scored", "insufficient", "not_applicable"
STATES = (SCORED, INSUFFICIENT, NOT_APPLICABLE)

# Item statuses (rule 2: four states never confused, plus plain answers).
ANSWERED, DONT_KNOW, NOT_APPLICABLE_ANSWER, HIDDEN, UNANSWERED = (
    "answered", "dk", "na", "hidden", "unanswered")


class ItemScore(NamedTuple):
    """One scored item: its status and level (0–5, a float for checklists; None unless answered).

    A NamedTuple rather than a frozen dataclass: one is made per item per scoring, and tuples
    are several times cheaper to build.
    """

    item: str
    dimension: str
    weight: float
    status: str                              # answered | dk | na | hidden | unanswered
    level: float | None
    answer: str | tuple[str, ...] | None     # the option id(s), normalised


@dataclass(frozen=True, slots=True)
class Score:
    """A dimension, an index or the overall score."""

    id: str
    state: str                 # scored | insufficient | not_applicable
    score: float | None        # rounded to one decimal; None unless scored
    exact: float | None        # unrounded
    band: str | None           # band id, from the rounded score
    coverage: float            # 0..1 (1.0 when not applicable: nothing left to answer)

    def to_api(self) -> dict[str, Any]:
        """`{state, score, band, coverage}`."""
        return {"state": self.state, "score": self.score, "band": self.band,
                "coverage": round(self.coverage, 3)}


@dataclass(frozen=True, slots=True)
class DimensionScore(Score):
    """A dimension's score plus what pages and plans need."""

    family: str
    weight: float              # the questionnaire's weight of this dimension in its index
    level: int | None          # rule 9: min(⌊score ÷ 20⌋, 4); None unless scored
    target: int | None         # level + 1
    applicable_weight: float
    answered_weight: float     # dk included
    dk_weight: float
    find_out: tuple[str, ...]  # items answered dk, in questionnaire order

    def to_api(self) -> dict[str, Any]:
        """`{id, state, score, band, coverage}`."""
        return {"id": self.id, **Score.to_api(self)}


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """The whole result of scoring one assessment."""

    questionnaire: str
    version: str
    overall: Score
    indices: tuple[Score, ...]          # technology, management
    dimensions: tuple[DimensionScore, ...]
    confidence: float | None            # None when nothing is answered
    weakest_links: tuple[str, ...]
    find_out: tuple[str, ...]
    items: tuple[ItemScore, ...]

    def index(self, family: str) -> Score:
        """The technology or management index."""
        return next(i for i in self.indices if i.id == family)

    def dimension(self, dimension_id: str) -> DimensionScore:
        """One dimension's score."""
        return next(d for d in self.dimensions if d.id == dimension_id)

    def to_api(self) -> dict[str, Any]:
        """The `POST /api/v1/score` response body."""
        return {
            "overall": self.overall.to_api(),
            "indices": {i.id: i.to_api() for i in self.indices},
            "dimensions": [d.to_api() for d in self.dimensions],
            "confidence": None if self.confidence is None else round(self.confidence, 3),
            "weakest_links": list(self.weakest_links),
        }
