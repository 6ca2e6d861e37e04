"""Prioritisation: targets, candidates, priority, prerequisites, horizons, the cap, determinism.

A small hand-made library pins the rule down with hand-computed numbers; the shipped library is
checked for the RUC → CPE → factoring chain and, by property tests, for the plan's invariants.
"""
from __future__ import annotations

from copy import deepcopy

import pytest
from hypothesis import given
from hypothesis import strategies as st
from plan_support import TODAY, answers_at, firm, shipped

from maturity.plans import MAX_ACTIONS, build_plan, input_from_snapshot, plan_for_result, plan_from_snapshot
from maturity.plans.engine import is_done, is_met
from maturity.plans.inputs import DimensionState, PlanInput
from maturity.plans.loader import PLANS_DIR, build
from maturity.plans.schema import HORIZONS
from maturity.questionnaires.profile import ASSOCIATIONS, SECTORS, SIZES
from maturity.questionnaires.reading import parse_yaml
from maturity.questionnaires.schema import DIMENSION_IDS
from maturity.scoring import plan_level, score

QUESTIONNAIRES, CONTENT = shipped()


def _text(words: str) -> dict[str, str]:
    return {"es": f"{words} (es)", "en": words}


def _action(action_id: str, dimension: str, step: int, effort: str, horizon: str, **extra) -> dict:
    return {"id": action_id, "dimension": dimension, "from_level": step, "to_level": step + 1, "effort": effort,
            "cost": "0", "horizon": horizon, "title": _text(action_id), "description": _text("do it"),
            "indicator": _text("it shows"), **extra}


def small_library(extra_general: list[dict] | None = None):
    """Fillers (high effort, 12–24 months) for every step, plus four actions to reason about."""
    fillers = [_action(f"fill-{d.lower()}-{s}", d, s, "high", "12-24") for d in DIMENSION_IDS for s in range(5)]
    special = [
        _action("a-m6-ruc", "M6", 0, "low", "0-3", done_if={"field": "firm.has_ruc", "op": "eq", "value": True}),
        _action("a-t3-cpe", "T3", 0, "low", "0-3", prerequisites=["a-m6-ruc"],
                done_if={"field": "firm.issues_e_invoices", "op": "eq", "value": True}),
        _action("a-t4-shop", "T4", 1, "medium", "3-12"),
        _action("a-m6-credit", "M6", 2, "medium", "3-12", prerequisites=["a-t3-cpe"]),
    ]
    docs = {
        "vocabulary.yaml": parse_yaml((PLANS_DIR / "vocabulary.yaml").read_text(encoding="utf-8")),
        "programmes.yaml": {"schema_version": 1, "version": "1.0", "programmes": [deepcopy(
            parse_yaml((PLANS_DIR / "programmes.yaml").read_text(encoding="utf-8"))["programmes"][0])]},
        "actions.yaml": {"schema_version": 1, "version": "1.0", "scope": "general",
                         "actions": fillers + special + (extra_general or [])},
    }
    return build(docs, today=TODAY)


def small_input(**profile) -> PlanInput:
    # T3 10 → level 0, gap 4.5; T4 30 → level 1, gap 3.5, weight 1.5; M6 50 → level 2, gap 2.5.
    dims = (DimensionState("T3", "scored", 10.0, 0, 1), DimensionState("T4", "scored", 30.0, 1, 2, 1.5),
            DimensionState("M6", "scored", 50.0, 2, 3))
    return PlanInput(sector="general", dimensions=dims,
                     firm={"has_ruc": False, "issues_e_invoices": False, **profile})


def ids(plan) -> list[str]:
    return [p.action.id for p in plan.actions]


def test_priority_prerequisites_and_horizons_by_hand():
    plan = build_plan(small_library(), small_input(), today=TODAY)
    # Round 1, by priority = gap × weight × effort factor (low 3, medium 2, high 1):
    #   a-t3-cpe 4.5×1×3 = 13.5 (brings a-m6-ruc: no RUC), a-t4-shop 3.5×1.5×2 = 10.5, a-m6-credit 2.5×1×2 = 5.
    # Round 2: fill-t4-1 3.5×1.5×1 = 5.25, fill-t3-0 4.5, fill-m6-2 2.5.
    # Order: horizon, then prerequisites first, then priority.
    assert ids(plan) == ["a-m6-ruc", "a-t3-cpe", "a-t4-shop", "a-m6-credit", "fill-t4-1", "fill-t3-0", "fill-m6-2"]
    assert [p.horizon for p in plan.actions] == ["0-3", "0-3", "3-12", "3-12", "12-24", "12-24", "12-24"]
    assert [p.priority for p in plan.actions] == [7.5, 13.5, 10.5, 5.0, 5.25, 4.5, 2.5]
    ruc = plan.actions[0]
    assert ruc.needed_by == ("a-t3-cpe",)   # pulled in although M6 is already at level 2


def test_the_cap_passes_over_a_pick_whose_prerequisites_do_not_fit():
    library = small_library()
    assert ids(build_plan(library, small_input(), max_actions=3, today=TODAY)) == ["a-m6-ruc", "a-t3-cpe", "a-t4-shop"]
    # One place: "CPE" needs "RUC" first (two places), so the shop comes in instead.
    assert ids(build_plan(library, small_input(), max_actions=1, today=TODAY)) == ["a-t4-shop"]


def test_met_prerequisites_and_done_actions_stay_out():
    library = small_library()
    with_ruc = ids(build_plan(library, small_input(has_ruc=True), today=TODAY))
    assert "a-m6-ruc" not in with_ruc and with_ruc[0] == "a-t3-cpe"
    issuing = ids(build_plan(library, small_input(has_ruc=True, issues_e_invoices=True), today=TODAY))
    assert "a-t3-cpe" not in issuing and "fill-t3-0" in issuing
    assert issuing.index("a-m6-credit") > issuing.index("a-t4-shop")
    # Unknown profile: done_if cannot decide, so levels do: T3 is at 0 → CPE planned; M6 is at 2 ≥ 1, so
    # the RUC counts as met and is not pulled in.
    unknown = PlanInput(sector="general", dimensions=small_input().dimensions)
    assert ids(build_plan(library, unknown, today=TODAY))[:1] == ["a-t3-cpe"]


def test_a_prerequisite_in_a_later_horizon_moves_its_dependant_later():
    library = small_library([_action("a-t4-slow", "T4", 0, "low", "12-24"),
                             _action("a-t4-quick", "T2", 1, "low", "0-3", prerequisites=["a-t4-slow"])])
    dims = (DimensionState("T2", "scored", 30.0, 1, 2), DimensionState("T4", "scored", 10.0, 0, 1))
    plan = build_plan(library, PlanInput(sector="general", dimensions=dims), today=TODAY)
    horizons = {p.action.id: p.horizon for p in plan.actions}
    assert horizons["a-t4-slow"] == "12-24" and horizons["a-t4-quick"] == "12-24"
    assert ids(plan).index("a-t4-slow") < ids(plan).index("a-t4-quick")


def test_targets_follow_rule_9_and_unscored_dimensions_get_no_action():
    snapshot = {"dimensions": [{"id": "T3", "state": "scored", "score": 100.0}, {"id": "T4", "state": "scored",
                                                                                   "score": 39.9},
                               {"id": "T5", "state": "not_applicable", "score": None},
                               {"id": "T6", "state": "insufficient", "score": None}],
                "find_out": ["common.t6.reports"]}
    plan_input = input_from_snapshot(snapshot, {}, None)
    levels = {d.id: (d.level, d.target) for d in plan_input.dimensions}
    assert levels == {"T3": (4, 5), "T4": (1, 2), "T5": (None, None), "T6": (None, None)}
    plan = build_plan(small_library(), plan_input, today=TODAY)
    assert {p.action.dimension for p in plan.actions} == {"T3", "T4"}
    assert {(p.action.from_level, p.action.to_level) for p in plan.actions if p.action.dimension == "T3"} == {(4, 5)}
    assert plan.find_out == ("common.t6.reports",)


def test_shipped_library_orders_ruc_before_cpe_before_factoring():
    # Finance at level 3 (step 3→4 offers factoring); no RUC and no CPE yet.
    dims = (DimensionState("M6", "scored", 65.0, 3, 4),)
    plan_input = PlanInput(sector="general", dimensions=dims, firm={"has_ruc": False, "issues_e_invoices": False})
    order = ids(build_plan(CONTENT, plan_input, today=TODAY))
    assert order.index("m6-get-ruc") < order.index("t3-sunat-portal-cpe") < order.index("m6-factoring")
    assert order[:2] == ["m6-get-ruc", "t3-sunat-portal-cpe"]   # formalise first
    # With a RUC, factoring still needs CPE first; the RUC action is not planned.
    plan_input = PlanInput(sector="general", dimensions=dims, firm={"has_ruc": True, "issues_e_invoices": False})
    order = ids(build_plan(CONTENT, plan_input, today=TODAY))
    assert "m6-get-ruc" not in order and order.index("t3-sunat-portal-cpe") < order.index("m6-factoring")


def test_sector_actions_come_first_for_their_dimension_and_for_lagging_items():
    questionnaire = QUESTIONNAIRES["textiles"]
    answers = answers_at(questionnaire, 1)
    result = score(questionnaire, answers, firm())
    plan = plan_for_result(CONTENT, result, questionnaire, firm(), answers, today=TODAY)
    t5 = [p for p in plan.actions if p.action.dimension == "T5"]
    assert t5 and t5[0].sector_specific and t5[0].action.id.startswith("textiles-")
    # The tech-pack item lags (level 1) while the other M4 answers are at 3: the sector action for
    # that item (1→2) is still a candidate for M4 although the dimension is at level 2 or more.
    lagging = dict(answers_at(questionnaire, 3), **{"textiles.m4.tech_pack": "sketches"})
    result = score(questionnaire, lagging, firm())
    m4 = result.dimension("M4")
    assert m4.level >= 2
    plan = plan_for_result(CONTENT, result, questionnaire, firm(), lagging, today=TODAY)
    assert "textiles-tech-pack" in ids(plan)


def test_plan_from_snapshot_equals_the_plan_from_a_fresh_score():
    questionnaire = QUESTIONNAIRES["footwear"]
    profile = firm(sector="footwear", department="13", has_ruc=False, issues_e_invoices=False)
    answers = answers_at(questionnaire, 2, {"common.t1.devices": "dk"})
    result = score(questionnaire, answers, profile)
    fresh = plan_for_result(CONTENT, result, questionnaire, profile, answers, today=TODAY)
    snapshot = {**result.to_api(), "find_out": list(result.find_out),
                "levels": {d.id: {"level": d.level, "target": d.target} for d in result.dimensions}}
    levels = {i.item: i.level for i in result.items if i.level is not None}
    frozen = plan_from_snapshot(CONTENT, snapshot, profile, questionnaire, answers, levels, today=TODAY)
    assert frozen.to_api() == fresh.to_api()
    assert fresh.find_out == ("common.t1.devices",)


def test_same_input_same_plan():
    questionnaire = QUESTIONNAIRES["agrifood"]
    profile = firm(sector="agrifood", association="cooperative", department="06")
    answers = answers_at(questionnaire, 1)
    first = plan_for_result(CONTENT, score(questionnaire, answers, profile), questionnaire, profile, answers,
                            today=TODAY)
    shuffled = dict(reversed(list(answers.items())))
    second = plan_for_result(CONTENT, score(questionnaire, shuffled, dict(reversed(list(profile.items())))),
                             questionnaire, profile, shuffled, today=TODAY)
    assert first.to_api() == second.to_api() and first.to_api("es") == second.to_api("es")


# --- properties of any plan ---------------------------------------------------------------------

dimension_scores = st.fixed_dictionaries({d: st.one_of(st.none(), st.floats(0, 100).map(lambda x: round(x, 1)))
                                          for d in DIMENSION_IDS})
profiles = st.fixed_dictionaries({
    "sector": st.sampled_from(SECTORS), "size": st.one_of(st.none(), st.sampled_from(SIZES)),
    "has_ruc": st.one_of(st.none(), st.booleans()), "issues_e_invoices": st.one_of(st.none(), st.booleans()),
    "exports": st.booleans(), "export_intent": st.booleans(), "association": st.sampled_from(ASSOCIATIONS),
    "department": st.sampled_from(["15", "13", "21", "08", "06", "11"]), "years_operating": st.integers(0, 30)})


def _input(scores, profile) -> PlanInput:
    dims = tuple(DimensionState(d, "insufficient", None, None, None) if s is None else
                 DimensionState(d, "scored", s, plan_level(s), plan_level(s) + 1) for d, s in scores.items())
    return PlanInput(sector=profile["sector"], dimensions=dims, firm=profile)


@given(dimension_scores, profiles)
def test_every_plan_keeps_its_promises(scores, profile):
    plan_input = _input(scores, profile)
    plan = build_plan(CONTENT, plan_input, today=TODAY)
    planned = ids(plan)
    assert len(planned) == len(set(planned)) <= MAX_ACTIONS
    assert all(p.horizon in HORIZONS for p in plan.actions)
    ranks = [HORIZONS.index(p.horizon) for p in plan.actions]
    assert ranks == sorted(ranks)                                   # grouped by horizon, in order
    for position, p in enumerate(plan.actions):
        assert HORIZONS.index(p.horizon) >= HORIZONS.index(p.action.horizon)
        assert is_done(p.action, plan_input) is not True             # nothing already done
        for prerequisite in p.action.prerequisites:                 # prerequisites come first, or are met
            if prerequisite in planned:
                assert planned.index(prerequisite) < position
            else:
                assert is_met(CONTENT.actions[prerequisite], plan_input)
        assert CONTENT.scope[p.action.id] in ("general", profile["sector"])
    # Programmes: never one the firm cannot enter.
    facts_ruc = profile["has_ruc"] is True
    for match in plan.programmes:
        rules = match.programme.eligibility
        assert match.programme.status != "closed"
        assert not rules.needs_ruc or facts_ruc
        assert not rules.needs_e_invoicing or (facts_ruc and profile["issues_e_invoices"] is True)
        assert rules.sizes is None or profile["size"] is None or profile["size"] in rules.sizes
        assert rules.export != "exporter" or profile["exports"]
        assert rules.export != "exporter_or_intent" or profile["exports"] or profile["export_intent"]
        assert not rules.association or profile["association"] in rules.association
        assert match.gap in match.programme.dimensions
        assert match.reason.es and match.reason.en
    assert not {u.programme.id for u in plan.unlockable} & {m.programme.id for m in plan.programmes}
    assert build_plan(CONTENT, _input(scores, profile), today=TODAY).to_api() == plan.to_api()


@pytest.mark.parametrize("lang", [None, "es", "en"])
def test_api_form_follows_the_language_rule(lang):
    plan = build_plan(CONTENT, _input({d: 30.0 for d in DIMENSION_IDS}, {"sector": "retail", "has_ruc": False}),
                      today=TODAY)
    body = plan.to_api(lang)
    action = body["actions"][0]
    assert set(action) >= {"id", "dimension", "from_level", "to_level", "horizon", "effort", "title"}
    programme = body["programmes"][0]
    assert set(programme) >= {"id", "name", "reason", "gap", "status", "last_verified"}
    for value in (action["title"], programme["name"], programme["reason"]):
        if lang is None:
            assert set(value) == {"es", "en"} and all(value.values())
        else:
            assert isinstance(value, str) and value
