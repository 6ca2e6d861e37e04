"""What a plan is built from, gathered from a fresh score or from a submitted assessment's snapshot.

Both routes give the same `PlanInput`, so the API and the results page plan alike for the same
answers. Pure: no Flask, no database.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from maturity.questionnaires.schema import I18nText
from maturity.scoring.bands import plan_level

SCORED = "scored"


@dataclass(frozen=True, slots=True)
class DimensionState:
    """One dimension as the plan sees it: its state, score, plan level and target (rule 9)."""

    id: str
    state: str                  # scored | insufficient | not_applicable
    score: float | None
    level: int | None           # min(⌊score ÷ 20⌋, 4); None unless scored
    target: int | None          # level + 1 by default
    weight: float = 1.0         # the sector's weight of this dimension

    @property
    def scored(self) -> bool:
        return self.state == SCORED and self.level is not None


@dataclass(frozen=True)
class PlanInput:
    """A firm's scores, profile and answers: everything a plan depends on besides the data files."""

    sector: str
    dimensions: tuple[DimensionState, ...]
    firm: Mapping[str, Any] = field(default_factory=dict)
    answers: Mapping[str, Any] = field(default_factory=dict)       # item id → option id(s)
    item_levels: Mapping[str, float] = field(default_factory=dict)  # answered items (dk → 0)
    find_out: tuple[str, ...] = ()
    sector_title: I18nText | None = None

    def dimension(self, dimension_id: str) -> DimensionState | None:
        return next((d for d in self.dimensions if d.id == dimension_id), None)


def _freeze(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


def _sector(firm: Mapping[str, Any], questionnaire: Any) -> str:
    sector = firm.get("sector")
    if isinstance(sector, str) and sector:
        return sector
    return questionnaire.id if questionnaire is not None else "general"


def input_from_result(result: Any, questionnaire: Any, firm: Mapping[str, Any] | None,
                      answers: Mapping[str, Any] | None = None,
                      targets: Mapping[str, int] | None = None) -> PlanInput:
    """From a `ScoreResult` (the API: scored now). `targets` overrides the default targets."""
    firm = firm or {}
    dims = tuple(DimensionState(d.id, d.state, d.score, d.level,
                                _target(d.level, (targets or {}).get(d.id), d.target), d.weight)
                 for d in result.dimensions)
    levels = {i.item: i.level for i in result.items if i.level is not None}
    answers = {k: (list(v) if isinstance(v, tuple) else v) for k, v in (answers or {}).items()}
    return PlanInput(sector=_sector(firm, questionnaire), dimensions=dims, firm=_freeze(firm),
                     answers=_freeze(answers), item_levels=_freeze(levels), find_out=tuple(result.find_out),
                     sector_title=getattr(questionnaire, "title", None))


def input_from_snapshot(snapshot: Mapping[str, Any], profile: Mapping[str, Any] | None, questionnaire: Any,
                        answers: Mapping[str, Any] | None = None,
                        item_levels: Mapping[str, float] | None = None,
                        targets: Mapping[str, int] | None = None) -> PlanInput:
    """From a submitted assessment: its frozen result snapshot and profile snapshot.

    `questionnaire` (the current one of the assessment's sector, or None) gives the sector
    weights and title; `answers` and `item_levels` (optional) are the frozen answers.
    """
    profile = profile or {}
    weights = dict(getattr(questionnaire, "dimension_weights", {}) or {})
    levels = snapshot.get("levels") or {}
    dims = []
    for entry in snapshot.get("dimensions", []):
        score = entry.get("score")
        level = (levels.get(entry["id"]) or {}).get("level")
        if level is None and entry.get("state") == SCORED and score is not None:
            level = plan_level(score)   # older snapshots kept no levels: rule 9 from the score
        default = None if level is None else level + 1
        dims.append(DimensionState(entry["id"], entry.get("state", ""), score, level,
                                   _target(level, (targets or {}).get(entry["id"]), default),
                                   float(weights.get(entry["id"], 1.0))))
    return PlanInput(sector=_sector(profile, questionnaire), dimensions=tuple(dims), firm=_freeze(profile),
                     answers=_freeze(answers), item_levels=_freeze(item_levels),
                     find_out=tuple(snapshot.get("find_out", [])), sector_title=getattr(questionnaire, "title", None))


def _target(level: int | None, wanted: int | None, default: int | None) -> int | None:
    """A chosen target above the level (at most 5), else the default (level + 1)."""
    if level is None:
        return None
    if isinstance(wanted, int) and not isinstance(wanted, bool) and level < wanted <= 5:
        return wanted
    return default
