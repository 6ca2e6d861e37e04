"""Properties of scoring (dimensions.md rule 8), checked with hypothesis on random answers.

The questionnaire has every item type in every dimension, item weights, checklist weights,
dimension weights, `na` on some items and conditions on a profile answer and on the firm
profile. No condition refers to a *scored* item, which is what makes monotonicity hold: raising
an answer that a condition reads could show or hide other items, and that may lower a score.
"""
from __future__ import annotations

import json
import random

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from maturity.questionnaires.reserved import DK, NA, NONE
from maturity.scoring import score

DIMENSIONS = ("t1", "t2", "t3", "t4", "t5", "t6", "m1", "m2", "m3", "m4", "m5", "m6")


@pytest.fixture(scope="module")
def q(make_q):
    items = [make_q.profile("retail.profile.makes", ["goods", "services"])]
    for n, d in enumerate(DIMENSIONS):
        items.append(make_q.single(f"retail.{d}.a", weight=(1, 2, 0.5)[n % 3], na=n % 2 == 0))
        items.append(make_q.checklist(f"retail.{d}.b", weights=(1, 2, 0.5), na=n % 3 == 0))
        items.append(make_q.single(f"retail.{d}.c", levels=(0, 0, 3, 5), weight=1.5))
    items.append(make_q.single("retail.t5.goods", na=True, applies_if={
        "field": "answer.retail.profile.makes", "op": "eq", "value": "goods"}))
    items.append(make_q.single("retail.m5.exporter", applies_if={
        "any": [{"field": "firm.exports", "op": "eq", "value": True},
                {"field": "firm.employees", "op": ">=", "value": 10}]}))
    return make_q(items, weights={"T5": 1.5, "M4": 2, "M5": 0.5}, critical=["T3", "T5", "M6"])


def _item_answers(item):
    """Every well-formed answer an item can take (None: unanswered)."""
    reserved = [DK] + ([NA] if item.na_offered else [])
    practices = [o.id for o in item.options if not o.reserved]
    if item.type == "profile":
        return st.sampled_from([None, *practices])
    if item.type == "single":
        return st.sampled_from([None, *reserved, *practices])
    return st.one_of(st.sampled_from([None, [NONE], *reserved, *([r] for r in reserved)]),
                     st.lists(st.sampled_from(practices), min_size=1, unique=True))


@pytest.fixture(scope="module")
def item_answers(q):
    """The strategy of each item's answers, made once (making strategies is slow)."""
    return {item.id: _item_answers(item) for item in q.items}


@pytest.fixture(scope="module")
def cases(item_answers):
    """(answers, firm): unanswered items left out, firm fields that conditions read."""
    answers = st.fixed_dictionaries(item_answers).map(
        lambda drawn: {k: v for k, v in drawn.items() if v is not None})
    firm = st.fixed_dictionaries({}, optional={"exports": st.booleans(),
                                               "employees": st.integers(0, 50)})
    return st.tuples(answers, firm)


def _scores(result):
    return [result.overall, *result.indices, *result.dimensions]


@given(data=st.data())
def test_scores_are_bounded_and_consistent(q, cases, data) -> None:
    answers, firm = data.draw(cases)
    result = score(q, answers, firm)
    for part in _scores(result):
        assert part.state in ("scored", "insufficient", "not_applicable")
        assert 0 <= part.coverage <= 1
        if part.state == "scored":
            assert 0 <= part.score <= 100
            assert -1e-9 <= part.exact <= 100 + 1e-9
            assert abs(part.score - part.exact) <= 0.05 + 1e-9
            assert part.band == q.model.band_for(part.score).id
        else:
            assert part.score is part.exact is part.band is None
    for dimension in result.dimensions:
        if dimension.state == "scored":
            assert 0 <= dimension.level <= 4 and dimension.target == dimension.level + 1
            assert dimension.coverage >= 0.6 - 1e-9
    assert result.confidence is None or 0 <= result.confidence <= 1
    assert set(result.weakest_links) <= set(q.critical)
    json.dumps(result.to_api())


@given(data=st.data())
def test_scoring_is_deterministic_and_ignores_answer_order(q, cases, data) -> None:
    answers, firm = data.draw(cases)
    first = score(q, answers, firm)
    keys = list(answers)
    random.Random(data.draw(st.integers())).shuffle(keys)
    assert score(q, {k: answers[k] for k in keys}, dict(firm)) == first
    assert score(q, answers, firm).to_api() == first.to_api()


def _raised(item, answer, data):
    """A higher-or-equal answer than `answer` (dk counts as level 0)."""
    practices = [o for o in item.options if not o.reserved]
    if item.type == "single":
        current = -1 if answer == DK else item.option(answer).level
        return data.draw(st.sampled_from([o.id for o in practices if o.level >= current]))
    ticked = [] if answer in (DK, NONE, [DK], [NONE]) else list(answer)
    extra = data.draw(st.sampled_from([o.id for o in practices]))
    return ticked if extra in ticked else [*ticked, extra]


@given(data=st.data())
def test_raising_one_answer_never_lowers_a_score(q, cases, data) -> None:
    answers, firm = data.draw(cases)
    before = score(q, answers, firm)
    candidates = [i for i in before.items if i.status in ("answered", "dk")]
    assume(candidates)
    target = data.draw(st.sampled_from(candidates))
    raised = {**answers, target.item: _raised(q.item(target.item), answers[target.item], data)}
    after = score(q, raised, firm)
    old, new = before.dimension(target.dimension), after.dimension(target.dimension)
    assert old.state == new.state   # the answered weight did not change
    if old.state == "scored":
        assert new.exact >= old.exact - 1e-9 and new.score >= old.score
    for was, now in zip(_scores(before), _scores(after), strict=True):
        if was.state == now.state == "scored":
            assert now.exact >= was.exact - 1e-9, was.id


@given(data=st.data())
def test_na_on_an_unanswered_item_raises_coverage_only(q, cases, data) -> None:
    """Answering `na` where an applicable item was unanswered and offers na: every scored
    dimension keeps its exact score, the item's dimension gains coverage (and may become
    scored or not applicable), every other dimension is unchanged, and confidence and
    find_out do not move."""
    answers, firm = data.draw(cases)
    before = score(q, answers, firm)
    candidates = [i for i in before.items
                  if i.status == "unanswered" and q.item(i.item).na_offered]
    assume(candidates)
    target = data.draw(st.sampled_from(candidates))
    after = score(q, {**answers, target.item: NA}, firm)
    for was, now in zip(before.dimensions, after.dimensions, strict=True):
        if was.id != target.dimension:
            assert now == was
            continue
        assert now.coverage >= was.coverage
        if was.state == "scored":
            assert (now.state, now.exact) == ("scored", was.exact)
    assert (after.confidence, after.find_out) == (before.confidence, before.find_out)


@given(data=st.data())
def test_answers_to_hidden_items_change_nothing(q, cases, item_answers, data) -> None:
    answers, firm = data.draw(cases)
    before = score(q, answers, firm)
    hidden = [i for i in before.items if i.status == "hidden"]
    assume(hidden)
    changed = dict(answers)
    for item in hidden:
        changed[item.item] = data.draw(item_answers[item.item])
    after = score(q, changed, firm)
    assert after.to_api() == before.to_api()
    assert after.find_out == before.find_out


@given(data=st.data())
def test_dk_scores_like_level_zero_but_lowers_confidence(q, cases, data) -> None:
    answers, firm = data.draw(cases)
    before = score(q, answers, firm)
    dk = [i for i in before.items if i.status == "dk" and q.item(i.item).type == "single"]
    assume(dk)
    target = data.draw(st.sampled_from(dk))
    after = score(q, {**answers, target.item: "l0"}, firm)
    for was, now in zip(_scores(before), _scores(after), strict=True):
        assert (now.state, now.exact, now.coverage) == (was.state, was.exact, was.coverage)
    assert after.confidence > before.confidence
    assert target.item in before.find_out and target.item not in after.find_out
