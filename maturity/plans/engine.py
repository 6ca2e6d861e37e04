"""The transformation plan: which actions, in what order, in which horizon; pure and deterministic.

Targets (dimensions.md rule 9)
    level = min(⌊score ÷ 20⌋, 4) and target = level + 1, for every *scored* dimension (an
    `insufficient` or `not_applicable` dimension gets no action of its own).
Candidates of a dimension
    the actions for its steps level → target: the firm's sector actions first — those for the
    step, or naming an item the firm answered at that action's own level (a practice that lags
    its dimension) as long as the action stays within the target — then the general ones. An
    action the firm has already done (`done_if`, when it can be decided) is left out.
    Within each group: earlier step first, then lower effort, then shorter horizon, then id.
Priority
    gap × weight × effort factor, where gap = (100 − score) ÷ 20 (how many ladder levels below
    the top), weight = the sector's weight of the dimension (1 by default) and the effort factor
    comes from vocabulary.yaml (low 3, medium 2, high 1: quick wins first).
Formalise first
    an action whose `first_if` holds for the firm (decided from its profile and answers: a firm
    without a RUC gets "get a RUC" and "issue CPE on SUNAT's portal") opens the plan, whatever the
    scores say, unless it is already done.
Selection (at most MAX_ACTIONS = 8)
    then round 1 takes the best candidate of every dimension, round 2 the second best, and so on;
    inside a round, by priority (ties: dimension order). Each pick brings its prerequisites that
    are not met yet, first (a prerequisite is met when its `done_if` says so, or else when its
    dimension already is at its `to_level`, or does not apply) — so a firm without a RUC gets
    "get a RUC" before e-invoicing even if its finance dimension looks fine. A pick whose unmet
    prerequisites do not fit in the remaining places is passed over.
Order and horizons
    each action keeps its own horizon (0–3, 3–12, 12–24 months) unless a prerequisite sits in a
    later one, then it moves there; the plan is sorted by horizon, then in topological order of
    prerequisites (ties: "first" actions, higher priority, dimension order, id). Same input →
    same plan.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from maturity.plans.content import DEFAULT_MAX_AGE_DAYS, GENERAL, PlanContent
from maturity.plans.facts import firm_facts
from maturity.plans.inputs import DimensionState, PlanInput
from maturity.plans.matching import ProgrammeMatch, Unlockable, gap_value, match_programmes
from maturity.plans.schema import HORIZONS, Action
from maturity.questionnaires.conditions import Leaf, evaluate, leaves
from maturity.questionnaires.reserved import DK, NA
from maturity.questionnaires.schema import DIMENSION_IDS

MAX_ACTIONS = 8
HORIZON_RANK = {h: i for i, h in enumerate(HORIZONS)}
NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True, slots=True)
class PlannedAction:
    """One action of the plan."""

    action: Action
    horizon: str                 # its own horizon, or a later one when a prerequisite is later
    priority: float
    sector_specific: bool
    needed_by: tuple[str, ...]   # ids of the planned actions that required it (pulled-in prerequisites)


@dataclass(frozen=True)
class Plan:
    """Actions in order, programmes the firm can use, those one step away, and what to find out."""

    actions: tuple[PlannedAction, ...]
    programmes: tuple[ProgrammeMatch, ...]
    unlockable: tuple[Unlockable, ...]
    find_out: tuple[str, ...]
    version: str

    def by_horizon(self) -> list[tuple[str, list[PlannedAction]]]:
        """[(horizon id, its actions)] for the horizons that have any, in order."""
        return [(h, [a for a in self.actions if a.horizon == h]) for h in HORIZONS
                if any(a.horizon == h for a in self.actions)]

    def to_api(self, lang: str | None = None) -> dict[str, Any]:
        """The plan fields of `POST /api/v1/plan`: texts `{es, en}` without lang, strings with it."""
        def text(value):
            return None if value is None else (value.get(lang) if lang else value.as_dict())

        return {
            "actions": [{"id": p.action.id, "dimension": p.action.dimension, "from_level": p.action.from_level,
                         "to_level": p.action.to_level, "horizon": p.horizon, "effort": p.action.effort,
                         "cost": p.action.cost, "title": text(p.action.title),
                         "description": text(p.action.description), "indicator": text(p.action.indicator),
                         "prerequisites": list(p.action.prerequisites)} for p in self.actions],
            "programmes": [{"id": m.programme.id, "name": text(m.programme.name), "reason": text(m.reason),
                            "gap": m.gap, "status": m.programme.status, "last_verified": m.programme.last_verified,
                            "warning": text(m.warning), "url": m.programme.url} for m in self.programmes],
            "unlockable": [{"id": u.programme.id, "name": text(u.programme.name), "step": u.step,
                            "text": text(u.text)} for u in self.unlockable],
            "find_out": list(self.find_out),
        }


# --- done and met --------------------------------------------------------------------------------

def _known(leaf: Leaf, plan_input: PlanInput) -> bool:
    source, _, name = leaf.field.partition(".")
    if source == "firm":
        return plan_input.firm.get(name) is not None
    value = plan_input.answers.get(name)
    return value is not None and value not in (DK, NA, [DK], [NA])


def _decide(condition, plan_input: PlanInput) -> bool | None:
    """A condition's value when every field it reads is known, else None."""
    if condition is None or not all(_known(leaf, plan_input) for leaf in leaves(condition)):
        return None
    return evaluate(condition, plan_input.firm, plan_input.answers)


def is_done(action: Action, plan_input: PlanInput) -> bool | None:
    """True/False when `done_if` can be decided from the profile and answers, else None."""
    return _decide(action.done_if, plan_input)


def firsts(content: PlanContent, plan_input: PlanInput) -> list[Action]:
    """Actions whose `first_if` holds (formalise first), general or of the firm's sector, by id."""
    return sorted((a for a in content.actions.values()
                   if a.first_if is not None and content.scope[a.id] in (GENERAL, plan_input.sector)
                   and _decide(a.first_if, plan_input) is True and is_done(a, plan_input) is not True),
                  key=lambda a: a.id)


def is_met(action: Action, plan_input: PlanInput) -> bool:
    """Is this prerequisite already in place at the firm?"""
    done = is_done(action, plan_input)
    if done is not None:
        return done
    dimension = plan_input.dimension(action.dimension)
    if dimension is None or dimension.state == NOT_APPLICABLE:
        return True
    return dimension.scored and dimension.level >= action.to_level


# --- candidates and priority -------------------------------------------------------------------

def effort_factor(content: PlanContent, action: Action) -> float:
    """The vocabulary's factor for the action's effort (low 3, medium 2, high 1)."""
    return content.vocabulary.effort(action.effort).factor


def priority(content: PlanContent, action: Action, dimension: DimensionState | None) -> float:
    """gap × weight × effort factor (0 when the dimension has no score)."""
    if dimension is None or dimension.score is None:
        return 0.0
    return gap_value(dimension) * dimension.weight * effort_factor(content, action)


def _item_lags(action: Action, plan_input: PlanInput) -> bool:
    return any(action.from_level <= plan_input.item_levels[i] < action.to_level
               for i in action.items if i in plan_input.item_levels)


def candidates(content: PlanContent, plan_input: PlanInput, dimension: DimensionState) -> list[tuple[Action, bool]]:
    """(action, sector-specific) for one scored dimension, best first."""
    steps = range(dimension.level, dimension.target)
    sector = [a for a in content.sector_actions(plan_input.sector)
              if a.dimension == dimension.id and a.to_level <= dimension.target
              and (a.from_level in steps or _item_lags(a, plan_input))] if plan_input.sector != GENERAL else []
    general = [a for s in steps for a in content.candidates(GENERAL, dimension.id, s)]

    def key(a: Action) -> tuple:
        return a.from_level, -effort_factor(content, a), HORIZON_RANK[a.horizon], a.id

    ranked = [(a, True) for a in sorted(sector, key=key)] + [(a, False) for a in sorted(general, key=key)]
    return [(a, specific) for a, specific in ranked if is_done(a, plan_input) is not True]


# --- selection and order -------------------------------------------------------------------------

def _with_prerequisites(content: PlanContent, plan_input: PlanInput, action: Action,
                        chosen: Mapping[str, Any]) -> list[Action]:
    """`action` preceded by its prerequisites not met yet and not chosen yet, deepest first."""
    out: list[Action] = []

    def visit(a: Action) -> None:
        for prerequisite_id in a.prerequisites:
            prerequisite = content.actions[prerequisite_id]
            if prerequisite_id in chosen or prerequisite in out or is_met(prerequisite, plan_input):
                continue
            visit(prerequisite)
            out.append(prerequisite)

    visit(action)
    return [*out, action]


def select(content: PlanContent, plan_input: PlanInput, max_actions: int = MAX_ACTIONS) -> list[PlannedAction]:
    """The planned actions, in plan order (see the module docstring)."""
    ranked = {d.id: candidates(content, plan_input, d) for d in plan_input.dimensions
              if d.scored and d.target is not None and d.target > d.level}
    chosen: dict[str, dict[str, Any]] = {}
    for action in firsts(content, plan_input):
        for a in _with_prerequisites(content, plan_input, action, chosen):
            if len(chosen) < max_actions:
                chosen[a.id] = {"action": a, "specific": content.scope[a.id] != GENERAL, "first": True,
                                "needed_by": () if a is action else (action.id,)}
    rounds = max((len(c) for c in ranked.values()), default=0)
    for round_ in range(rounds):
        picks = [(priority(content, c[round_][0], plan_input.dimension(d)), d, c[round_])
                 for d, c in ranked.items() if len(c) > round_]
        picks.sort(key=lambda p: (-p[0], DIMENSION_IDS.index(p[1]) if p[1] in DIMENSION_IDS else 99, p[2][0].id))
        for _priority, _dimension, (action, specific) in picks:
            if len(chosen) >= max_actions:
                break
            if action.id in chosen:
                continue
            bundle = _with_prerequisites(content, plan_input, action, chosen)
            if len(chosen) + len(bundle) > max_actions:
                continue
            for a in bundle:
                chosen[a.id] = {"action": a, "specific": specific if a is action else content.scope[a.id] != GENERAL,
                                "first": False, "needed_by": () if a is action else (action.id,)}
    return _order(content, plan_input, chosen)


def _order(content: PlanContent, plan_input: PlanInput, chosen: Mapping[str, Mapping[str, Any]]) -> list[PlannedAction]:
    horizon: dict[str, int] = {}

    def effective(action_id: str) -> int:
        if action_id not in horizon:
            action = chosen[action_id]["action"]
            horizon[action_id] = max([HORIZON_RANK[action.horizon],
                                      *(effective(p) for p in action.prerequisites if p in chosen)])
        return horizon[action_id]

    prio = {i: priority(content, c["action"], plan_input.dimension(c["action"].dimension)) for i, c in chosen.items()}

    def tie(action_id: str) -> tuple:
        dim = chosen[action_id]["action"].dimension
        return effective(action_id), not chosen[action_id]["first"], -prio[action_id], DIMENSION_IDS.index(dim), action_id

    placed: list[str] = []
    waiting = set(chosen)
    while waiting:   # Kahn's algorithm; the loader guarantees no cycles
        ready = [i for i in waiting if all(p not in waiting for p in chosen[i]["action"].prerequisites)]
        first = min(ready, key=tie)
        placed.append(first)
        waiting.remove(first)
    topo = {action_id: n for n, action_id in enumerate(placed)}
    ordered = sorted(placed, key=lambda i: (effective(i), topo[i]))
    return [PlannedAction(action=chosen[i]["action"], horizon=HORIZONS[effective(i)], priority=round(prio[i], 6),
                          sector_specific=chosen[i]["specific"], needed_by=tuple(chosen[i]["needed_by"]))
            for i in ordered]


def build_plan(content: PlanContent, plan_input: PlanInput, *, today: date | None = None,
               max_age_days: int = DEFAULT_MAX_AGE_DAYS, max_actions: int = MAX_ACTIONS) -> Plan:
    """The whole plan for one firm: actions, programmes, one-step unlocks, find-out items."""
    actions = tuple(select(content, plan_input, max_actions))
    facts = firm_facts(plan_input.firm, plan_input.answers, plan_input.sector)
    planned = {p.action.dimension for p in actions}
    programmes, unlockable = match_programmes(content, plan_input, facts, planned=planned,
                                              today=today or date.today(), max_age_days=max_age_days)
    return Plan(actions=actions, programmes=programmes, unlockable=unlockable,
                find_out=plan_input.find_out, version=content.version)
