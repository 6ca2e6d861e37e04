"""Validation of a scoring request: stable problem codes for answers and the firm profile."""
from __future__ import annotations

import pytest

from maturity.scoring import CODES, MESSAGES, Problem, validate, validate_answers, validate_profile


@pytest.fixture(scope="module")
def q(make_q):
    return make_q([
        make_q.profile("retail.profile.shop", ["street", "market"]),
        make_q.profile("retail.profile.sells", ["food", "clothes"], multiple=True),
        make_q.single("retail.t1.a"),
        make_q.single("retail.t1.b", na=True),
        make_q.checklist("retail.t4.c", weights=(1, 2, 3)),
        make_q.checklist("retail.t4.d", na=True),
        make_q.single("retail.t5.hidden", applies_if={"field": "firm.exports", "op": "eq",
                                                       "value": True}),
    ])


@pytest.mark.parametrize("answers", [
    {},
    {"retail.t1.a": "l0", "retail.t1.b": "na", "retail.t4.c": ["p0", "p2"], "retail.t4.d": "na"},
    {"retail.t1.a": "dk", "retail.t4.c": "dk", "retail.t4.d": ["dk"]},
    {"retail.t4.c": "none", "retail.t4.d": ["none"]},
    {"retail.t4.c": [], "retail.t1.a": None},               # unanswered, not errors
    {"retail.profile.shop": "market", "retail.profile.sells": ["food", "clothes"]},
    {"retail.profile.sells": []},
    {"retail.t5.hidden": "l3"},                             # hidden: ignored, not an error
    {"common.profile.kind": "x"},                           # the core's items count too
])
def test_valid_answers(q, answers) -> None:
    assert validate_answers(q, answers) == []


@pytest.mark.parametrize(("answers", "expected"), [
    ({"retail.t9.x": "l1"}, [("answers.retail.t9.x", "unknown_item", {"item": "retail.t9.x"})]),
    ({"retail.t1.a": "l9"}, [("answers.retail.t1.a", "unknown_option",
                              {"item": "retail.t1.a", "option": "l9"})]),
    ({"retail.t1.a": "none"}, [("answers.retail.t1.a", "unknown_option",
                                {"item": "retail.t1.a", "option": "none"})]),
    ({"retail.t1.a": "na"}, [("answers.retail.t1.a", "na_not_offered", {"item": "retail.t1.a"})]),
    ({"retail.t4.c": ["na"]}, [("answers.retail.t4.c", "na_not_offered", {"item": "retail.t4.c"})]),
    ({"retail.t1.a": 3}, [("answers.retail.t1.a", "wrong_type",
                           {"item": "retail.t1.a", "expected": "option_id"})]),
    ({"retail.t1.a": ["l1"]}, [("answers.retail.t1.a", "wrong_type",
                                {"item": "retail.t1.a", "expected": "option_id"})]),
    ({"retail.t4.c": "p1"}, [("answers.retail.t4.c", "wrong_type",
                              {"item": "retail.t4.c", "expected": "option_id_list"})]),
    ({"retail.t4.c": ["p1", 2]}, [("answers.retail.t4.c", "wrong_type",
                                   {"item": "retail.t4.c", "expected": "option_id_list"})]),
    ({"retail.t4.c": {"p1": True}}, [("answers.retail.t4.c", "wrong_type",
                                      {"item": "retail.t4.c", "expected": "option_id_list"})]),
    ({"retail.t4.c": ["p1", "p9"]}, [("answers.retail.t4.c", "unknown_option",
                                      {"item": "retail.t4.c", "option": "p9"})]),
    ({"retail.t4.c": ["p1", "p1"]}, [("answers.retail.t4.c", "duplicate_option",
                                      {"item": "retail.t4.c", "option": "p1"})]),
    ({"retail.t4.c": ["none", "p1"]}, [("answers.retail.t4.c", "none_with_others",
                                        {"item": "retail.t4.c"})]),
    ({"retail.t4.d": ["na", "p1"]}, [("answers.retail.t4.d", "reserved_with_others",
                                      {"item": "retail.t4.d", "option": "na"})]),
    ({"retail.t4.c": ["p0", "dk"]}, [("answers.retail.t4.c", "reserved_with_others",
                                      {"item": "retail.t4.c", "option": "dk"})]),
    ({"retail.profile.shop": ["street"]}, [("answers.retail.profile.shop", "profile_single_value",
                                            {"item": "retail.profile.shop"})]),
    ({"retail.profile.shop": "dk"}, [("answers.retail.profile.shop", "unknown_option",
                                      {"item": "retail.profile.shop", "option": "dk"})]),
    ({"retail.profile.shop": "na"}, [("answers.retail.profile.shop", "na_not_offered",
                                      {"item": "retail.profile.shop"})]),
    ({"retail.profile.sells": "food"}, [("answers.retail.profile.sells", "wrong_type",
                                         {"item": "retail.profile.sells", "expected": "option_id_list"})]),
    ({"retail.profile.sells": ["food", "none"]}, [("answers.retail.profile.sells", "unknown_option",
                                                   {"item": "retail.profile.sells", "option": "none"})]),
    ({"retail.t5.hidden": "l7"}, [("answers.retail.t5.hidden", "unknown_option",
                                   {"item": "retail.t5.hidden", "option": "l7"})]),
])
def test_invalid_answers(q, answers, expected) -> None:
    assert [(p.field, p.code, dict(p.params)) for p in validate_answers(q, answers)] == expected


def test_every_problem_of_a_request_is_reported(q) -> None:
    problems = validate(q, {"retail.t1.a": "l9", "nope": "x", "retail.t4.c": ["none", "p0", "p0"]},
                        {"size": "xl", "exports": "yes"})
    assert [p.code for p in problems] == [
        "unknown_option", "unknown_item", "duplicate_option", "none_with_others",
        "unknown_value", "wrong_type"]


def test_answers_must_be_an_object(q) -> None:
    assert validate_answers(q, ["retail.t1.a"]) == [Problem("answers", "wrong_type", {"expected": "object"})]


@pytest.mark.parametrize(("firm", "expected"), [
    (None, []),
    ({}, []),
    ({"sector": "textiles", "ciiu": "1410", "size": "micro", "employees": 0,
      "annual_sales_band": "le150uit", "department": "08", "has_ruc": True, "tax_regime": "rmt",
      "issues_e_invoices": False, "exports": False, "export_intent": True,
      "association": "cluster", "years_operating": 12}, []),
    ({"size": None, "employees": None}, []),                        # null = unknown
    ({"turnover": 10}, [("firm.turnover", "unknown_field", {})]),
    ({"size": "xl"}, [("firm.size", "unknown_value",
                       {"value": "xl", "allowed": ["micro", "small", "medium", "large"]})]),
    ({"department": "26"}, [("firm.department", "unknown_value", None)]),
    ({"department": 15}, [("firm.department", "wrong_type", {"expected": "string"})]),
    ({"employees": "5"}, [("firm.employees", "wrong_type", {"expected": "integer"})]),
    ({"employees": True}, [("firm.employees", "wrong_type", {"expected": "integer"})]),
    ({"employees": 2.5}, [("firm.employees", "wrong_type", {"expected": "integer"})]),
    ({"years_operating": -1}, [("firm.years_operating", "out_of_range", {"minimum": 0})]),
    ({"exports": 1}, [("firm.exports", "wrong_type", {"expected": "boolean"})]),
    ({"ciiu": 1410}, [("firm.ciiu", "wrong_type", {"expected": "string"})]),
    ("textiles", [("firm", "wrong_type", {"expected": "object"})]),
])
def test_validate_profile(firm, expected) -> None:
    problems = [(p.field, p.code, dict(p.params)) for p in validate_profile(firm)]
    if expected and expected[0][2] is None:   # params too long to spell out
        problems = [(f, c, None) for f, c, _ in problems]
    assert problems == expected


def test_codes_are_listed_once_with_a_message_using_their_params() -> None:
    assert len(set(CODES)) == len(CODES) == 11
    samples = {
        "unknown_item": {"item": "x"}, "unknown_option": {"item": "x", "option": "o"},
        "wrong_type": {"expected": "object"}, "na_not_offered": {"item": "x"},
        "none_with_others": {"item": "x"}, "reserved_with_others": {"item": "x", "option": "dk"},
        "duplicate_option": {"item": "x", "option": "o"}, "profile_single_value": {"item": "x"},
        "unknown_field": {}, "unknown_value": {"value": "v", "allowed": ["a", "b"]},
        "out_of_range": {"minimum": 0},
    }
    assert set(samples) == set(MESSAGES)
    for code, params in samples.items():
        message = Problem("answers.x", code, params).message()
        assert "{" not in message and message.endswith(".")
    assert Problem("firm.size", "unknown_value", {"value": "xl", "allowed": ["micro", "small"]}
                   ).message() == "xl is not a valid value of firm.size (allowed: micro, small)."
    assert Problem("answers.q", "wrong_type", {"expected": "option_id"}).to_dict() == {
        "field": "answers.q", "code": "wrong_type", "params": {"expected": "option_id"}}
