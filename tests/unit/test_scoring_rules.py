"""Every scoring rule of dimensions.md, pinned with hand-computed values.

Questionnaires are built per test (conftest `make_q`): single-choice options are named after
their level (`l3` is level 3), checklist practices `p0`, `p1` … Dimensions without items are
`not_applicable`, so each test only holds the items its rule needs.
"""
from __future__ import annotations

import json

import pytest

from maturity.scoring import InvalidAnswers, score

NA_DIMENSION = {"state": "not_applicable", "score": None, "band": None, "coverage": 1.0}


def dim(result, dimension_id: str):
    return result.dimension(dimension_id)


# --- items -------------------------------------------------------------------------------------

def test_single_item_level_is_the_option_level(make_q) -> None:
    q = make_q([make_q.single("retail.t1.a")])
    for option, expected in [("l0", 0.0), ("l1", 20.0), ("l3", 60.0), ("l5", 100.0)]:
        assert dim(score(q, {"retail.t1.a": option}), "T1").score == expected


def test_item_weights_weight_the_dimension_mean(make_q) -> None:
    q = make_q([make_q.single("retail.t1.a"), make_q.single("retail.t1.b", weight=3)])
    # (1×5 + 3×1) ÷ 4 = 2 → 40 (an unweighted mean would give 60)
    assert dim(score(q, {"retail.t1.a": "l5", "retail.t1.b": "l1"}), "T1").score == 40.0


@pytest.mark.parametrize(("answer", "expected"), [
    (["p0"], 25.0),               # 1 of 4 weight → 1.25 → 25
    (["p2"], 50.0),               # 2 of 4 → 2.5 → 50
    (["p0", "p1"], 50.0),
    (["p1", "p2"], 75.0),
    (["p2", "p0", "p1"], 100.0),  # order does not matter
    (["none"], 0.0),
    ("none", 0.0),                # a bare reserved id is accepted
])
def test_checklist_level_is_the_weighted_share_of_ticked_practices(make_q, answer, expected) -> None:
    q = make_q([make_q.checklist("retail.t4.c", weights=(1, 1, 2))])
    result = score(q, {"retail.t4.c": answer})
    assert dim(result, "T4").score == expected
    assert result.items[0].level == pytest.approx(expected / 20)


def test_checklist_with_decimal_weights(make_q) -> None:
    q = make_q([make_q.checklist("retail.t4.c", weights=(0.5, 1.5, 3))])
    # 1.5 ÷ 5 × 5 = 1.5 → 30
    assert dim(score(q, {"retail.t4.c": ["p1"]}), "T4").score == 30.0


# --- the four states of an item ----------------------------------------------------------------

def test_na_is_excluded_from_score_and_coverage(make_q) -> None:
    q = make_q([make_q.single("retail.t1.a"), make_q.single("retail.t1.b", na=True)])
    t1 = dim(score(q, {"retail.t1.a": "l5", "retail.t1.b": "na"}), "T1")
    assert (t1.state, t1.score, t1.coverage, t1.applicable_weight) == ("scored", 100.0, 1.0, 1.0)


def test_unanswered_lowers_coverage_but_not_the_score(make_q) -> None:
    q = make_q([make_q.single(f"retail.t1.i{n}") for n in range(4)])
    t1 = dim(score(q, {"retail.t1.i0": "l4", "retail.t1.i1": "l2", "retail.t1.i2": "l3"}), "T1")
    assert (t1.state, t1.score, t1.coverage) == ("scored", 60.0, 0.75)


def test_dk_scores_zero_lowers_confidence_and_is_listed_to_find_out(make_q) -> None:
    q = make_q([make_q.single("retail.t1.a"), make_q.single("retail.t1.b"),
                make_q.checklist("retail.m1.c"), make_q.single("retail.m1.d", weight=2)])
    answers = {"retail.t1.a": "l5", "retail.t1.b": "dk", "retail.m1.c": "dk", "retail.m1.d": "l5"}
    result = score(q, answers)
    assert dim(result, "T1").score == 50.0      # (5 + 0) ÷ 2
    assert dim(result, "T1").coverage == 1.0    # dk counts as answered
    assert dim(result, "M1").score == pytest.approx(66.7, abs=1e-9)   # 2×5 ÷ 3 = 3.33 → 66.7
    # answered weight 1 + 1 + 1 + 2 = 5, dk weight 2 → 1 − 2/5
    assert result.confidence == pytest.approx(0.6)
    assert dim(result, "T1").find_out == ("retail.t1.b",)
    assert result.find_out == ("retail.t1.b", "retail.m1.c")
    assert [i.status for i in result.items] == ["answered", "dk", "dk", "answered"]


def test_dk_as_one_element_list_on_a_checklist(make_q) -> None:
    q = make_q([make_q.checklist("retail.t4.c")])
    result = score(q, {"retail.t4.c": ["dk"]})
    assert (dim(result, "T4").score, result.confidence, result.find_out) == (0.0, 0.0, ("retail.t4.c",))


def test_hidden_items_are_excluded_like_na_and_their_answers_ignored(make_q) -> None:
    q = make_q([
        make_q.profile("retail.profile.makes", ["goods", "services"]),
        make_q.single("retail.t5.a"),
        make_q.single("retail.t5.b", applies_if={"field": "answer.retail.profile.makes",
                                                  "op": "eq", "value": "goods"}),
        make_q.single("retail.t5.c", applies_if={"field": "answer.retail.t5.b", "op": "eq",
                                                  "value": "l0"}),
    ])
    shown = score(q, {"retail.profile.makes": "goods", "retail.t5.a": "l5", "retail.t5.b": "l0",
                      "retail.t5.c": "l5"})
    assert (dim(shown, "T5").score, dim(shown, "T5").coverage) == (66.7, 1.0)   # (5 + 0 + 5) ÷ 3
    hidden = score(q, {"retail.profile.makes": "services", "retail.t5.a": "l5",
                       "retail.t5.b": "l0", "retail.t5.c": "l5"})
    # b is hidden, so its answer is ignored, so c (which depends on it) is hidden too
    assert (dim(hidden, "T5").score, dim(hidden, "T5").coverage) == (100.0, 1.0)
    assert [i.status for i in hidden.items] == ["answered", "hidden", "hidden"]
    assert hidden.confidence == 1.0


def test_unanswered_profile_question_hides_dependent_items(make_q) -> None:
    q = make_q([
        make_q.profile("retail.profile.makes", ["goods", "services"]),
        make_q.single("retail.t5.b", applies_if={"not": {"field": "answer.retail.profile.makes",
                                                         "op": "eq", "value": "services"}}),
        make_q.single("retail.t5.c", applies_if={"field": "answer.retail.profile.makes",
                                                  "op": "ne", "value": "services"}),
    ])
    result = score(q, {})
    # not(missing eq …) is true, so b shows; missing ne … is false, so c is hidden
    assert [i.status for i in result.items] == ["unanswered", "hidden"]


def test_firm_profile_conditions(make_q) -> None:
    q = make_q([make_q.single("retail.t1.a"),
                make_q.single("retail.t1.big", applies_if={"field": "firm.employees", "op": ">=",
                                                            "value": 10})])
    answers = {"retail.t1.a": "l5"}
    assert dim(score(q, answers, {"employees": 12}), "T1").state == "insufficient"   # 1 of 2
    assert dim(score(q, answers, {"employees": 3}), "T1").coverage == 1.0
    assert dim(score(q, answers, {}), "T1").coverage == 1.0       # unknown → hidden


# --- dimension states --------------------------------------------------------------------------

@pytest.mark.parametrize(("answered", "unanswered", "state"), [
    ([1, 1, 1], [1, 1], "scored"),                  # exactly 60 %
    ([0.6], [0.4], "scored"),                       # exactly 60 %
    ([0.1, 0.2], [0.2], "scored"),                  # 60 % with float noise (0.1 + 0.2)
    ([1.4, 0.7], [1.4], "scored"),                  # 60 %, though floats compute 2.1 < 0.6 × 3.5
    ([0.59999], [0.40001], "insufficient"),         # just below
    ([1, 1], [1, 1, 1], "insufficient"),            # 40 %
    ([], [1], "insufficient"),                      # nothing answered
])
def test_coverage_threshold_is_sixty_percent(make_q, answered, unanswered, state) -> None:
    items = [make_q.single(f"retail.m2.a{n}", weight=w) for n, w in enumerate(answered)]
    items += [make_q.single(f"retail.m2.u{n}", weight=w) for n, w in enumerate(unanswered)]
    q = make_q(items)
    m2 = dim(score(q, {f"retail.m2.a{n}": "l2" for n in range(len(answered))}), "M2")
    assert m2.state == state
    assert (m2.score, m2.band) == ((40.0, "intermedio") if state == "scored" else (None, None))
    assert m2.coverage == pytest.approx(sum(answered) / (sum(answered) + sum(unanswered)))


def test_all_na_or_hidden_is_not_applicable_and_drops_from_the_index(make_q) -> None:
    q = make_q([make_q.single("retail.t1.a"), make_q.single("retail.t2.a"),
                make_q.single("retail.t5.a", na=True),
                make_q.single("retail.t5.b", applies_if={"field": "firm.exports", "op": "eq",
                                                          "value": True})],
               weights={"T5": 4})
    result = score(q, {"retail.t1.a": "l5", "retail.t2.a": "l2", "retail.t5.a": "na"},
                   {"exports": False})
    assert dim(result, "T5").to_api() == {"id": "T5", **NA_DIMENSION}
    assert (dim(result, "T5").level, dim(result, "T5").target) == (None, None)
    # technology = mean of T1 and T2 only: (100 + 40) ÷ 2; T5's weight 4 plays no part
    technology = result.index("technology")
    assert (technology.state, technology.score, technology.coverage) == ("scored", 70.0, 1.0)


def test_dimension_without_items_is_not_applicable(make_q) -> None:
    result = score(make_q([make_q.single("retail.t1.a")]), {"retail.t1.a": "l1"})
    assert [d.id for d in result.dimensions if d.state == "not_applicable"] == [
        "T2", "T3", "T4", "T5", "T6", "M1", "M2", "M3", "M4", "M5", "M6"]
    assert result.index("management").state == "not_applicable"


# --- indices and overall -----------------------------------------------------------------------

@pytest.mark.parametrize(("weights", "answered", "state"), [
    (None, 4, "scored"),                        # 4 of 6 = ⅔ exactly
    (None, 3, "insufficient"),                  # 3 of 6
    ({"T6": 1.0001}, 4, "insufficient"),        # 4 ÷ 6.0001: just below ⅔
    ({"T5": 0.5, "T6": 1.5}, 4, "scored"),      # 4 ÷ 6 again
    ({"T1": 3, "T2": 2}, 2, "insufficient"),    # 5 ÷ 9
    ({"T1": 3, "T2": 3, "T3": 2}, 3, "scored"),  # 8 ÷ 11 > ⅔
])
def test_index_needs_two_thirds_of_its_family_weight(make_q, weights, answered, state) -> None:
    q = make_q([make_q.single(f"retail.t{n}.a") for n in range(1, 7)], weights=weights)
    technology = score(q, {f"retail.t{n}.a": "l5" for n in range(1, answered + 1)}).index("technology")
    assert technology.state == state
    assert technology.score == (100.0 if state == "scored" else None)


def test_index_two_thirds_despite_float_noise(make_q) -> None:
    q = make_q([make_q.single("retail.t1.a"), make_q.single("retail.t2.a"),
                make_q.single("retail.t3.a")], weights={"T1": 0.4, "T2": 1.4, "T3": 0.9})
    # 1.8 of 2.7 is exactly ⅔, though floats compute 0.4 + 1.4 = 1.7999999999999998 < 2.7 × ⅔
    technology = score(q, {"retail.t1.a": "l5", "retail.t2.a": "l5"}).index("technology")
    assert (technology.state, technology.score) == ("scored", 100.0)


def test_not_applicable_dimensions_leave_the_family_weight(make_q) -> None:
    q = make_q([make_q.single(f"retail.t{n}.a", na=True) for n in range(1, 7)],
               weights={"T1": 2, "T2": 2})
    answers = {"retail.t1.a": "l5", "retail.t2.a": "l1"}
    # T1 + T2 weigh 4 of 8: insufficient …
    assert score(q, answers).index("technology").state == "insufficient"
    # … but with T3–T6 not applicable they are the whole family: (2×100 + 2×20) ÷ 4
    technology = score(q, {**answers, **{f"retail.t{n}.a": "na" for n in range(3, 7)}}).index(
        "technology")
    assert (technology.state, technology.score, technology.coverage) == ("scored", 60.0, 1.0)


def test_index_is_the_weighted_mean_of_scored_dimensions(make_q) -> None:
    q = make_q([make_q.single("retail.t1.a"), make_q.single("retail.t2.a"),
                make_q.single("retail.m1.a"), make_q.single("retail.m2.a")],
               weights={"T2": 3})
    result = score(q, {"retail.t1.a": "l5", "retail.t2.a": "l0", "retail.m1.a": "l5",
                       "retail.m2.a": "l0"})
    assert result.index("technology").score == 25.0    # (1×100 + 3×0) ÷ 4
    assert result.index("management").score == 50.0    # equal weights by default
    assert result.overall.score == 37.5                 # mean of the two indices
    assert result.overall.band == "basico"


def test_index_uses_exact_dimension_scores_not_rounded_ones(make_q) -> None:
    q = make_q([make_q.single("retail.t1.a", weight=2), make_q.single("retail.t1.b"),
                make_q.single("retail.t2.a", weight=2), make_q.single("retail.t2.b")])
    result = score(q, {"retail.t1.a": "l1", "retail.t1.b": "l0",      # 2/3 level → 13.333…
                       "retail.t2.a": "l1", "retail.t2.b": "l0"})
    assert dim(result, "T1").score == 13.3
    assert result.index("technology").exact == pytest.approx(40 / 3)


def test_overall_is_insufficient_when_either_index_is(make_q) -> None:
    q = make_q([make_q.single("retail.t1.a"), make_q.single("retail.m1.a"),
                make_q.single("retail.m1.b"), make_q.single("retail.m1.c")])
    result = score(q, {"retail.t1.a": "l5", "retail.m1.a": "l5"})   # M1 coverage ⅓
    assert result.index("technology").state == "scored"
    assert result.index("management").state == "insufficient"
    assert result.overall.state == "insufficient"
    assert (result.overall.score, result.overall.band) == (None, None)
    # overall coverage = mean of the indices' coverage: (1 + 0) ÷ 2
    assert result.overall.coverage == 0.5
    assert result.weakest_links == ()


def test_overall_is_the_other_index_when_one_is_not_applicable(make_q) -> None:
    q = make_q([make_q.single("retail.t1.a"), make_q.single("retail.m1.a", na=True)])
    result = score(q, {"retail.t1.a": "l3", "retail.m1.a": "na"})
    assert result.index("management").state == "not_applicable"
    assert (result.overall.state, result.overall.score, result.overall.coverage) == ("scored", 60.0, 1.0)


def test_overall_coverage_ignores_a_not_applicable_index(make_q) -> None:
    q = make_q([make_q.single(f"retail.t{n}.a") for n in range(1, 4)]
               + [make_q.single("retail.m1.a", na=True)])
    result = score(q, {"retail.t1.a": "l5", "retail.t2.a": "l0", "retail.m1.a": "na"})
    # technology: T3 insufficient, 2 of 3 scored → coverage ⅔; management not applicable
    assert (result.overall.state, result.overall.score) == ("scored", 50.0)
    assert result.overall.coverage == pytest.approx(2 / 3)


def test_overall_not_applicable_when_both_indices_are(make_q) -> None:
    q = make_q([make_q.single("retail.t1.a", na=True)])
    result = score(q, {"retail.t1.a": "na"})
    assert result.to_api()["overall"] == {"state": "not_applicable", "score": None, "band": None,
                                          "coverage": 1.0}
    assert result.confidence is None


# --- rounding, bands and plan levels -----------------------------------------------------------

@pytest.mark.parametrize(("w1", "w0", "rounded", "band", "level"), [
    (399, 1, 20.0, "basico", 1),       # 19.95 is shown 20.0, so it is basico, not inicial
    (398, 2, 19.9, "inicial", 0),      # 19.9
    (1, 0, 20.0, "basico", 1),         # 20 exactly: bands are half-open [20, 40)
    (2999, 1, 20.0, "basico", 1),      # 19.9933… → 20.0
    (1999, 2001, 10.0, "inicial", 0),  # 9.995 → 10.0, half up
    (1, 15, 1.3, "inicial", 0),        # 1.25 → 1.3: half up, not half to even
])
def test_band_comes_from_the_rounded_score(make_q, w1, w0, rounded, band, level) -> None:
    items = [make_q.single("retail.t1.one", weight=w1)]
    answers = {"retail.t1.one": "l1"}
    if w0:
        items.append(make_q.single("retail.t1.zero", weight=w0))
        answers["retail.t1.zero"] = "l0"
    t1 = dim(score(make_q(items), answers), "T1")
    assert (t1.score, t1.band, t1.level, t1.target) == (rounded, band, level, level + 1)


@pytest.mark.parametrize(("w3", "w0", "rounded"), [
    (67, 333, 10.1),     # 10.05, computed as 10.049999999999999
    (19, 381, 2.9),      # 2.85, computed as 2.8499999999999996
])
def test_half_up_rounding_survives_float_noise(make_q, w3, w0, rounded) -> None:
    q = make_q([make_q.single("retail.t1.a", weight=w3), make_q.single("retail.t1.b", weight=w0)])
    assert dim(score(q, {"retail.t1.a": "l3", "retail.t1.b": "l0"}), "T1").score == rounded


@pytest.mark.parametrize(("option", "band", "level", "target"), [
    ("l0", "inicial", 0, 1),
    ("l1", "basico", 1, 2),
    ("l2", "intermedio", 2, 3),
    ("l3", "avanzado", 3, 4),
    ("l4", "lider", 4, 5),      # 80 opens the top band
    ("l5", "lider", 4, 5),      # 100: the top band is closed; plan level stays 4
])
def test_bands_and_plan_levels_on_the_ladder(make_q, option, band, level, target) -> None:
    t1 = dim(score(make_q([make_q.single("retail.t1.a")]), {"retail.t1.a": option}), "T1")
    assert (t1.band, t1.level, t1.target) == (band, level, target)


def test_just_below_a_band_edge(make_q) -> None:
    # weights 599 at level 3 and 1 at level 2: (1797 + 2) ÷ 600 × 20 = 59.966…
    q = make_q([make_q.single("retail.t1.a", weight=599), make_q.single("retail.t1.b")])
    t1 = dim(score(q, {"retail.t1.a": "l3", "retail.t1.b": "l2"}), "T1")
    assert (t1.score, t1.band, t1.level) == (60.0, "avanzado", 3)   # 59.9667 → 60.0
    q = make_q([make_q.single("retail.t1.a", weight=99), make_q.single("retail.t1.b")])
    t1 = dim(score(q, {"retail.t1.a": "l3", "retail.t1.b": "l0"}), "T1")
    assert (t1.score, t1.band, t1.level) == (59.4, "intermedio", 2)  # 297 ÷ 100 × 20


# --- weakest links -----------------------------------------------------------------------------

def _weakest(make_q, critical, t3: str, m1: str):
    q = make_q([make_q.single(f"retail.{d}.a") for d in ("t1", "t2", "t3", "t4", "m1", "m2", "m3")],
               critical=critical)
    answers = {"retail.t1.a": "l5", "retail.t2.a": "l5", "retail.t3.a": t3, "retail.t4.a": "l0",
               "retail.m1.a": m1, "retail.m2.a": "l5", "retail.m3.a": "l5"}
    return score(q, answers)


def test_weakest_links_are_critical_dimensions_two_bands_below_overall(make_q) -> None:
    result = _weakest(make_q, ["T3", "M1"], t3="l1", m1="l2")
    # technology (100 + 100 + 20 + 0) ÷ 4 = 55; management (40 + 100 + 100) ÷ 3 = 80
    assert (result.overall.score, result.overall.band) == (67.5, "avanzado")
    # T3 basico is two bands below avanzado: weakest; M1 intermedio is one band below: not;
    # T4 inicial is three bands below but not critical
    assert result.weakest_links == ("T3",)


def test_weakest_links_use_the_default_critical_list(make_q) -> None:
    result = _weakest(make_q, None, t3="l1", m1="l2")
    # default T3, T4, M1, M6: T3 (basico) and T4 (inicial) are ≥ 2 below avanzado
    assert result.weakest_links == ("T3", "T4")


def test_no_weakest_links_when_close_to_overall(make_q) -> None:
    assert _weakest(make_q, ["T3", "M1"], t3="l3", m1="l2").weakest_links == ()


# --- confidence and the API shape --------------------------------------------------------------

def test_confidence(make_q) -> None:
    q = make_q([make_q.single("retail.t1.a"), make_q.single("retail.t1.b", weight=3),
                make_q.single("retail.t1.c", na=True)])
    assert score(q, {}).confidence is None
    assert score(q, {"retail.t1.c": "na"}).confidence is None
    assert score(q, {"retail.t1.a": "l0"}).confidence == 1.0
    assert score(q, {"retail.t1.a": "dk", "retail.t1.b": "l2"}).confidence == 0.75
    # the dimension is insufficient (1 of 4), yet its answers count for confidence
    result = score(q, {"retail.t1.a": "dk"})
    assert (dim(result, "T1").state, result.confidence) == ("insufficient", 0.0)


def test_to_api_has_exactly_the_contract_shape(make_q) -> None:
    q = make_q([make_q.single("retail.t1.a"), make_q.single("retail.t1.b"),
                make_q.single("retail.t1.c"), make_q.single("retail.m1.a")])
    result = score(q, {"retail.t1.a": "l5", "retail.t1.b": "dk", "retail.m1.a": "l1"})
    api = result.to_api()
    assert api == {
        # both indices have all their (applicable) dimensions scored: coverage 1
        "overall": {"state": "scored", "score": 35.0, "band": "basico", "coverage": 1.0},
        "indices": {
            "technology": {"state": "scored", "score": 50.0, "band": "intermedio", "coverage": 1.0},
            "management": {"state": "scored", "score": 20.0, "band": "basico", "coverage": 1.0},
        },
        "dimensions": [
            {"id": "T1", "state": "scored", "score": 50.0, "band": "intermedio", "coverage": 0.667},
            *({"id": d, **NA_DIMENSION} for d in ("T2", "T3", "T4", "T5", "T6")),
            {"id": "M1", "state": "scored", "score": 20.0, "band": "basico", "coverage": 1.0},
            *({"id": d, **NA_DIMENSION} for d in ("M2", "M3", "M4", "M5", "M6")),
        ],
        "confidence": 0.667,
        "weakest_links": [],
    }
    json.dumps(api)


def test_overall_coverage_is_the_mean_of_index_coverages(make_q) -> None:
    q = make_q([make_q.single(f"retail.t{n}.a") for n in range(1, 4)]
               + [make_q.single("retail.m1.a")])
    result = score(q, {"retail.t1.a": "l5", "retail.t2.a": "l5", "retail.m1.a": "l5"})
    # T3 insufficient: technology scored weight 2 of 3 (exactly ⅔ → scored), coverage ⅔
    assert result.index("technology").coverage == pytest.approx(2 / 3)
    assert result.overall.coverage == pytest.approx((2 / 3 + 1) / 2)
    assert result.to_api()["overall"]["coverage"] == 0.833


def test_item_snapshots_and_version(make_q) -> None:
    q = make_q([make_q.checklist("retail.t4.c", weights=(1, 3)), make_q.single("retail.t4.s")])
    result = score(q, {"retail.t4.c": ["p1"], "retail.t4.s": "l2"})
    assert [(i.item, i.status, i.level, i.answer) for i in result.items] == [
        ("retail.t4.c", "answered", 3.75, ("p1",)), ("retail.t4.s", "answered", 2.0, "l2")]
    assert (result.questionnaire, result.version) == ("retail", "retail@1.0+common@9.9")


def test_score_refuses_invalid_answers(make_q) -> None:
    q = make_q([make_q.single("retail.t1.a")])
    with pytest.raises(InvalidAnswers) as info:
        score(q, {"retail.t1.a": "l9", "retail.t1.zz": "l1"}, {"size": "huge"})
    assert [(p.field, p.code) for p in info.value.problems] == [
        ("answers.retail.t1.a", "unknown_option"), ("answers.retail.t1.zz", "unknown_item"),
        ("firm.size", "unknown_value")]


def test_fixture_textiles_end_to_end(fixture_set) -> None:
    """A whole sector questionnaire, computed by hand from tests/data/questionnaires."""
    answers = {
        "common.profile.activities": ["produce"], "textiles.profile.activity": "garments",
        "common.t1.devices": "cloud", "common.t2.backups": "dk", "common.t3.invoices": "erp",
        "common.t4.channels": ["facebook", "online_store"], "textiles.t4.marketplace": "several",
        "common.t5.production": "paper", "textiles.t5.cutting": "cad", "common.t6.reports": "na",
        "common.m1.plan": "budget", "common.m2.pilots": "pilots", "common.m3.training": "plan",
        "common.m4.processes": "lean", "common.m6.finance": "none",
    }
    result = score(fixture_set["textiles"], answers, {"employees": 6, "size": "small"})
    scores = {d.id: (d.state, d.score) for d in result.dimensions}
    assert scores == {
        "T1": ("scored", 60.0), "T2": ("scored", 0.0), "T3": ("scored", 60.0),
        "T4": ("scored", 87.5),            # channels 3 of 4 → 3.75, marketplace 5 → 4.375
        "T5": ("scored", 73.3),            # (1×1 + 2×5) ÷ 3
        "T6": ("not_applicable", None),    # na
        "M1": ("scored", 60.0), "M2": ("scored", 40.0),
        "M3": ("scored", 100.0),           # training (weight 2) answered: coverage ⅔
        "M4": ("insufficient", None),      # quality (shown: not micro) unanswered: 50 %
        "M5": ("not_applicable", None),    # hidden: no exports, no association
        "M6": ("scored", 0.0),
    }
    # technology: (60 + 0 + 60 + 87.5 + 1.5 × 73.33) ÷ 5.5; management: M4 (weight 2) out,
    # scored weight 4 of 6 = ⅔ → scored, (60 + 40 + 100 + 0) ÷ 4
    assert result.index("technology").score == 57.7
    assert result.index("management").score == 50.0
    assert result.overall.score == 53.9
    assert result.confidence == pytest.approx(1 - 1 / 14)
    assert result.find_out == ("common.t2.backups",)
    assert result.weakest_links == ()
