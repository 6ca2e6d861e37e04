"""The loaded plan data: the action library, the programme registry and the vocabulary.

Immutable once built by `maturity.plans.loader`; lookups are made at load time.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from maturity.plans.schema import Action, Programme, VocabularyFile

GENERAL = "general"
DEFAULT_MAX_AGE_DAYS = 400   # PROGRAMME_MAX_AGE_DAYS: older `last_verified` dates are stale


class PlanProblem(NamedTuple):
    """One thing wrong in one plan file (and one action or programme, when `entry` is set)."""

    file: str
    entry: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.entry}: {self.message}" if self.entry else f"{self.file}: {self.message}"


class PlanContentError(Exception):
    """The plan files are invalid; `problems` lists every problem found."""

    def __init__(self, problems: list[PlanProblem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the plan files:\n{lines}")


@dataclass(frozen=True)
class PlanContent:
    """Everything the plan engine reads; built once per app."""

    vocabulary: VocabularyFile
    actions: Mapping[str, Action]              # id → action, general first, then by sector file
    scope: Mapping[str, str]                   # action id → general | sector id
    files: Mapping[str, str]                   # action id → file name
    programmes: tuple[Programme, ...]          # registry order
    version: str                               # e.g. actions@1.0+programmes@1.0+vocabulary@1.0
    _by_step: Mapping[tuple[str, str, int], tuple[Action, ...]] = field(repr=False, default_factory=dict)

    def candidates(self, scope: str, dimension: str, from_level: int) -> tuple[Action, ...]:
        """The actions of `scope` (general or a sector) for one step of one dimension."""
        return self._by_step.get((scope, dimension, from_level), ())

    def sector_actions(self, sector: str) -> tuple[Action, ...]:
        return tuple(a for a in self.actions.values() if self.scope[a.id] == sector)

    def programme(self, programme_id: str) -> Programme:
        return next(p for p in self.programmes if p.id == programme_id)


def index_steps(actions: Mapping[str, Action], scope: Mapping[str, str]) -> dict[tuple[str, str, int], tuple[Action, ...]]:
    """(scope, dimension, from_level) → its actions, in file order."""
    by_step: dict[tuple[str, str, int], list[Action]] = {}
    for action in actions.values():
        by_step.setdefault((scope[action.id], action.dimension, action.from_level), []).append(action)
    return {key: tuple(value) for key, value in by_step.items()}


def stale_programmes(programmes: tuple[Programme, ...] | list[Programme], today: date,
                     max_age_days: int = DEFAULT_MAX_AGE_DAYS) -> list[Programme]:
    """Programmes whose `last_verified` is more than `max_age_days` before `today`."""
    return [p for p in programmes if (today - p.verified_on).days > max_age_days]
