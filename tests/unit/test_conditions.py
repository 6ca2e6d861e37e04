"""`applies_if`: the interpreter's semantics (README, "Conditions") and the static checks."""
from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from maturity.questionnaires.conditions import Condition, check, evaluate

parse = TypeAdapter(Condition).validate_python

FIRM = {"sector": "textiles", "size": "micro", "employees": 4, "exports": False,
        "department": "15", "years_operating": None}
ANSWERS = {"p.single": "garments", "p.multi": ["dyeing", "knitwear"], "c.list": ("web",)}


def leaf(field: str, op: str, value: object) -> dict:
    return {"field": field, "op": op, "value": value}


@pytest.mark.parametrize(("condition", "expected"), [
    # eq / ne / in on scalars
    (leaf("firm.size", "eq", "micro"), True),
    (leaf("firm.size", "eq", "small"), False),
    (leaf("firm.size", "ne", "small"), True),
    (leaf("firm.size", "ne", "micro"), False),
    (leaf("firm.size", "in", ["small", "micro"]), True),
    (leaf("firm.size", "in", ["small", "medium"]), False),
    (leaf("answer.p.single", "eq", "garments"), True),
    (leaf("answer.p.single", "in", ["trade"]), False),
    # booleans are not numbers: False is not 0
    (leaf("firm.exports", "eq", False), True),
    (leaf("firm.exports", "eq", True), False),
    (leaf("firm.employees", "eq", 4), True),
    (leaf("firm.exports", "in", [0]), False),
    # strings are not numbers: the department code "15" is not 15
    (leaf("firm.department", "eq", 15), False),
    (leaf("firm.department", "eq", "15"), True),
    # >= and <= on numbers, boundaries included
    (leaf("firm.employees", ">=", 4), True),
    (leaf("firm.employees", ">=", 5), False),
    (leaf("firm.employees", "<=", 4), True),
    (leaf("firm.employees", "<=", 3.5), False),
    # ... and false on anything that is not a number
    (leaf("firm.size", ">=", 1), False),
    (leaf("firm.exports", "<=", 1), False),
    # list values: eq = ticked, ne = not ticked, in = any ticked
    (leaf("answer.p.multi", "eq", "dyeing"), True),
    (leaf("answer.p.multi", "eq", "garments"), False),
    (leaf("answer.p.multi", "ne", "garments"), True),
    (leaf("answer.p.multi", "ne", "knitwear"), False),
    (leaf("answer.p.multi", "in", ["garments", "knitwear"]), True),
    (leaf("answer.p.multi", "in", ["garments", "trade"]), False),
    (leaf("answer.c.list", "eq", "web"), True),   # tuples are lists too
    # a missing value makes every comparison false, ne included
    (leaf("answer.unanswered", "eq", "x"), False),
    (leaf("answer.unanswered", "ne", "x"), False),
    (leaf("answer.unanswered", "in", ["x"]), False),
    (leaf("firm.ciiu", "ne", "1410"), False),          # absent profile field
    (leaf("firm.years_operating", ">=", 0), False),    # null profile field
    (leaf("firm.years_operating", "<=", 100), False),
    # ... so `not` of it is true
    ({"not": leaf("answer.unanswered", "eq", "x")}, True),
    ({"not": leaf("answer.unanswered", "ne", "x")}, True),
    ({"not": leaf("firm.size", "eq", "micro")}, False),
    ({"not": {"not": leaf("firm.size", "eq", "micro")}}, True),
    # all / any, nested
    ({"all": [leaf("firm.size", "eq", "micro"), leaf("firm.employees", ">=", 2)]}, True),
    ({"all": [leaf("firm.size", "eq", "micro"), leaf("firm.employees", ">=", 5)]}, False),
    ({"any": [leaf("firm.size", "eq", "small"), leaf("firm.employees", ">=", 5)]}, False),
    ({"any": [leaf("firm.size", "eq", "small"), leaf("answer.p.multi", "eq", "dyeing")]}, True),
    ({"all": [{"any": [leaf("firm.exports", "eq", True), leaf("firm.sector", "eq", "textiles")]},
              {"not": leaf("answer.p.single", "in", ["trade"])}]}, True),
    ({"any": [{"all": [leaf("firm.exports", "eq", True), leaf("firm.size", "eq", "micro")]},
              {"not": {"any": [leaf("firm.employees", "<=", 10)]}}]}, False),
])
def test_evaluate(condition: dict, expected: bool) -> None:
    assert evaluate(parse(condition), FIRM, ANSWERS) is expected


@pytest.mark.parametrize("answers", [{}, {"p.multi": []}, {"p.multi": None}, {"p.multi": ()}])
def test_empty_or_missing_answers_are_unanswered(answers: dict) -> None:
    assert evaluate(parse(leaf("answer.p.multi", "ne", "dyeing")), {}, answers) is False
    assert evaluate(parse({"not": leaf("answer.p.multi", "eq", "dyeing")}), {}, answers) is True


def test_no_condition_is_true_and_no_firm_is_empty() -> None:
    assert evaluate(None, None, {}) is True
    assert evaluate(parse(leaf("firm.size", "eq", "micro")), None, {}) is False


@pytest.mark.parametrize(("condition", "fragment"), [
    (leaf("firm.size", "gt", 1), "'eq', 'ne', 'in', '>=' or '<='"),
    (leaf("firm.size", "in", "micro"), "needs a non-empty list"),
    (leaf("firm.size", "in", []), "needs a non-empty list"),
    (leaf("firm.size", "eq", ["micro"]), "not a list"),
    (leaf("firm.employees", ">=", "5"), "numbers only"),
    (leaf("firm.employees", ">=", True), "numbers only"),
    ({"field": "firm.size", "op": "eq"}, "value"),
    ({"all": []}, "at least 1"),
    ({"not": "firm.size"}, "a condition is a mapping"),
    ({"all": [leaf("firm.size", "eq", "micro")], "extra": 1}, "extra"),
])
def test_malformed_conditions_are_rejected(condition: dict, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse(condition)
    assert fragment in str(info.value)


EARLIER = {"common.profile.activities": ("produce", "sell"),
           "common.t4.channels": ("facebook", "none", "dk")}
KNOWN = [*EARLIER, "common.t5.later"]


@pytest.mark.parametrize(("condition", "fragment"), [
    (leaf("firm.turnover", "eq", 1), "not a firm profile field"),
    (leaf("firms.size", "eq", "micro"), "must start with 'firm.' or 'answer.'"),
    (leaf("firm.size", "eq", "huge"), "'huge' is not one of"),
    (leaf("firm.sector", "in", ["textiles", "general", "bakery"]), "'bakery' is not one of"),
    (leaf("firm.tax_regime", "eq", "rus"), "'rus' is not one of"),
    (leaf("firm.association", "eq", "guild"), "'guild' is not one of"),
    (leaf("firm.annual_sales_band", "eq", "le100uit"), "'le100uit' is not one of"),
    (leaf("firm.department", "eq", "99"), "'99' is not one of"),
    (leaf("firm.department", "eq", 15), "expected a quoted string"),
    (leaf("firm.exports", "eq", "yes"), "expected true or false"),
    (leaf("firm.employees", "eq", "5"), "expected a whole number"),
    (leaf("firm.employees", ">=", 2.5), "expected a whole number"),
    (leaf("firm.years_operating", ">=", -1), "expected a number ≥ 0"),
    (leaf("firm.size", "<=", 2), "compares numbers, but firm.size is not a number"),
    (leaf("answer.common.t5.later", "eq", "x"), "does not come earlier"),
    (leaf("answer.common.t9.ghost", "eq", "x"), "unknown item"),
    (leaf("answer.common.profile.activities", "eq", "services"), "'services', which is not an option"),
    (leaf("answer.common.profile.activities", "in", ["sell", "rent"]), "'rent', which is not an option"),
    (leaf("answer.common.profile.activities", "eq", 1), "1, which is not an option"),
    (leaf("answer.common.profile.activities", ">=", 1), "is an option id"),
    ({"not": {"any": [leaf("firm.size", "eq", "micro"), leaf("firm.ghost", "eq", 1)]}},
     "'firm.ghost' is not a firm profile field"),
])
def test_static_check_finds(condition: dict, fragment: str) -> None:
    problems = check(parse(condition), earlier=EARLIER, known_items=KNOWN)
    assert len(problems) == 1
    assert fragment in problems[0]


@pytest.mark.parametrize("condition", [
    leaf("firm.size", "in", ["micro", "small"]),
    leaf("firm.sector", "eq", "mining-suppliers"),
    leaf("firm.department", "eq", "07"),
    leaf("firm.exports", "eq", True),
    leaf("firm.employees", ">=", 5),
    leaf("firm.ciiu", "in", ["1410", "18100"]),
    leaf("answer.common.profile.activities", "eq", "produce"),
    leaf("answer.common.t4.channels", "in", ["none", "dk"]),
    leaf("answer.common.profile.activities", "ne", "na"),      # README: "(or na / dk)"
    {"all": [leaf("firm.has_ruc", "eq", True), {"not": leaf("firm.tax_regime", "eq", "nrus")}]},
])
def test_static_check_accepts(condition: dict) -> None:
    assert check(parse(condition), earlier=EARLIER, known_items=KNOWN) == []
