"""Scoring: a pure function of (questionnaire, answers, firm profile). dimensions.md, "Scoring rules".

Item (rules 1–2)
    single → the option's level; checklist → (weight of ticked practices ÷ weight of all its
    practices, `none` excluded) × 5, `["none"]` → 0; `dk` → 0, counts as answered, lowers
    confidence and is listed in `find_out`; `na` → out of the score and of the coverage
    denominator; hidden by `applies_if` → like `na`; no answer → lowers coverage.
    Conditions are evaluated in questionnaire order against the firm profile and the answers of
    the *visible* items before (an answer to a hidden item is ignored everywhere).
Dimension (rule 3)
    score = Σ(w·level) ÷ Σw × 20 over answered applicable items (w = item weight);
    coverage = answered weight ÷ applicable weight; coverage < 0.6 → `insufficient`; no
    applicable item (all `na`/hidden, or none at all) → `not_applicable` with coverage 1.0.
    Plan level = min(⌊score ÷ 20⌋, 4), target = level + 1 (rule 9), on the rounded score.
Index (rule 4), technology and management
    weighted mean (the questionnaire's dimension weights) of the family's *scored* dimensions;
    family weight = Σ weights of its dimensions that are not `not_applicable`; scored weight
    < ⅔ of it → `insufficient`; all of them not applicable → `not_applicable`.
    coverage = scored weight ÷ family weight (1.0 when not applicable).
Overall
    mean of the two indices; `insufficient` if either is; if one is `not_applicable` it is the
    other; both → `not_applicable`. coverage = mean coverage of the indices that are not
    `not_applicable` (1.0 if both are).
Rounding and bands (rule 5)
    exact values are kept; reported scores are rounded half-up to one decimal and the band is
    that of the rounded score. Index and overall use the exact dimension scores.
Weakest links (rule 6)
    critical dimensions (the questionnaire's list) that are scored and whose band is at least two
    bands below the overall band; none unless the overall is scored. In dimension order.
Confidence (rule 7)
    1 − (weight answered `dk`) ÷ (answered applicable weight), over every scored item (item
    weights, all dimensions); None when nothing is answered.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from maturity.questionnaires.model import Item, Questionnaire
from maturity.questionnaires.reserved import DK, NA, NONE
from maturity.questionnaires.visibility import walk
from maturity.scoring.bands import LEVEL_STEP, band_id, below, plan_level, round_score
from maturity.scoring.problems import InvalidAnswers
from maturity.scoring.results import (
    ANSWERED,
    DONT_KNOW,
    HIDDEN,
    INSUFFICIENT,
    NOT_APPLICABLE,
    NOT_APPLICABLE_ANSWER,
    SCORED,
    UNANSWERED,
    DimensionScore,
    ItemScore,
    Score,
    ScoreResult,
)
from maturity.scoring.validation import validate

MIN_DIMENSION_COVERAGE = 0.6   # rule 3
MIN_INDEX_SHARE = 2 / 3        # rule 4
WEAKEST_LINK_GAP = 2           # rule 6: bands below the overall band
OVERALL = "overall"

Answer = str | tuple[str, ...]


def score(questionnaire: Questionnaire, answers: Mapping[str, Any],
          firm: Mapping[str, Any] | None = None) -> ScoreResult:
    """Score one assessment; raise InvalidAnswers (with `.problems`) if the input is invalid.

    `answers` maps item ids to an option id or a list of option ids (checklists, multiple
    profile items); `firm` is the firm profile of contracts.md. Pure: no I/O, no state.
    """
    problems = validate(questionnaire, answers, firm)
    if problems:
        raise InvalidAnswers(problems)
    return _score(questionnaire, answers, firm or {})


def _item_score(item: Item, answer: Answer | None, visible: bool) -> ItemScore:
    status, level = ANSWERED, None
    only = answer[0] if isinstance(answer, tuple) and len(answer) == 1 else answer
    if not visible:
        status = HIDDEN
    elif answer is None:
        status = UNANSWERED
    elif only == NA:
        status = NOT_APPLICABLE_ANSWER
    elif only == DK:
        status, level = DONT_KNOW, 0.0
    elif isinstance(answer, str):
        level = float(item.option_map[answer].level or 0)
    elif only == NONE:
        level = 0.0
    else:
        ticked = math.fsum(item.option_map[o].weight or 0.0 for o in answer)
        level = ticked / item.practice_weight * 5
    return ItemScore(item.id, item.dimension or "", item.weight, status, level, answer)


def _item_scores(questionnaire: Questionnaire, answers: Mapping[str, Any],
                 firm: Mapping[str, Any]) -> list[ItemScore]:
    return [_item_score(item, answer, shown)
            for item, shown, answer in walk(questionnaire, answers, firm) if item.scored]


def _dimension(questionnaire: Questionnaire, dimension_id: str,
               items: list[ItemScore]) -> DimensionScore:
    model = questionnaire.model
    applicable, answered, dk, points, find_out = [], [], [], [], []
    for i in items:
        if i.status in (HIDDEN, NOT_APPLICABLE_ANSWER):
            continue
        applicable.append(i.weight)
        if i.status == UNANSWERED:
            continue
        answered.append(i.weight)
        points.append(i.weight * (i.level or 0.0))
        if i.status == DONT_KNOW:
            dk.append(i.weight)
            find_out.append(i.item)
    applicable_w, answered_w = math.fsum(applicable), math.fsum(answered)
    state, exact = SCORED, None
    if not applicable:
        state = NOT_APPLICABLE
    elif below(answered_w, applicable_w, MIN_DIMENSION_COVERAGE):
        state = INSUFFICIENT
    else:
        exact = math.fsum(points) / answered_w * LEVEL_STEP
    rounded = None if exact is None else round_score(exact)
    level = None if rounded is None else plan_level(rounded)
    return DimensionScore(
        id=dimension_id, state=state, score=rounded, exact=exact,
        band=None if rounded is None else band_id(model, rounded),
        coverage=answered_w / applicable_w if applicable else 1.0,
        family=model.family_of(dimension_id),
        weight=questionnaire.dimension_weights[dimension_id],
        level=level, target=None if level is None else level + 1,
        applicable_weight=applicable_w, answered_weight=answered_w,
        dk_weight=math.fsum(dk), find_out=tuple(find_out),
    )


def _scored(questionnaire: Questionnaire, name: str, state: str, exact: float | None,
            coverage: float) -> Score:
    rounded = None if exact is None else round_score(exact)
    band = None if rounded is None else band_id(questionnaire.model, rounded)
    return Score(name, state, rounded, exact, band, coverage)


def _index(questionnaire: Questionnaire, family: str, dims: list[DimensionScore]) -> Score:
    considered = [d for d in dims if d.family == family and d.state != NOT_APPLICABLE]
    if not considered:
        return _scored(questionnaire, family, NOT_APPLICABLE, None, 1.0)
    scored = [d for d in considered if d.state == SCORED]
    family_w = math.fsum(d.weight for d in considered)
    scored_w = math.fsum(d.weight for d in scored)
    coverage = scored_w / family_w
    if not scored or below(scored_w, family_w, MIN_INDEX_SHARE):
        return _scored(questionnaire, family, INSUFFICIENT, None, coverage)
    exact = math.fsum(d.weight * (d.exact or 0.0) for d in scored) / scored_w
    return _scored(questionnaire, family, SCORED, exact, coverage)


def _overall(questionnaire: Questionnaire, indices: list[Score]) -> Score:
    considered = [i for i in indices if i.state != NOT_APPLICABLE]
    if not considered:
        return _scored(questionnaire, OVERALL, NOT_APPLICABLE, None, 1.0)
    coverage = math.fsum(i.coverage for i in considered) / len(considered)
    if any(i.state == INSUFFICIENT for i in considered):
        return _scored(questionnaire, OVERALL, INSUFFICIENT, None, coverage)
    exact = math.fsum(i.exact or 0.0 for i in considered) / len(considered)
    return _scored(questionnaire, OVERALL, SCORED, exact, coverage)


def _weakest_links(questionnaire: Questionnaire, overall: Score,
                   dims: list[DimensionScore]) -> tuple[str, ...]:
    if overall.state != SCORED or overall.band is None:
        return ()
    model = questionnaire.model
    limit = model.band_index(overall.band) - WEAKEST_LINK_GAP
    return tuple(d.id for d in dims if d.id in questionnaire.critical and d.state == SCORED
                 and d.band is not None and model.band_index(d.band) <= limit)


def _score(questionnaire: Questionnaire, answers: Mapping[str, Any],
           firm: Mapping[str, Any]) -> ScoreResult:
    items = _item_scores(questionnaire, answers, firm)
    by_dimension: dict[str, list[ItemScore]] = {d: [] for d in questionnaire.model.dimension_ids}
    for item in items:
        by_dimension[item.dimension].append(item)
    dims = [_dimension(questionnaire, d, group) for d, group in by_dimension.items()]
    indices = [_index(questionnaire, f.id, dims) for f in questionnaire.model.families]
    overall = _overall(questionnaire, indices)
    answered_w = math.fsum(d.answered_weight for d in dims)
    dk_w = math.fsum(d.dk_weight for d in dims)
    return ScoreResult(
        questionnaire=questionnaire.id,
        version=questionnaire.version,
        overall=overall,
        indices=tuple(indices),
        dimensions=tuple(dims),
        confidence=1 - dk_w / answered_w if answered_w else None,
        weakest_links=_weakest_links(questionnaire, overall, dims),
        find_out=tuple(i.item for i in items if i.status == DONT_KNOW),
        items=tuple(items),
    )
