"""Checks of firm profile values, shared by `applies_if` static checks and the scoring API.

The fields and their domains are defined once, in `maturity.firms.profile` (PROFILE_FIELDS);
this module only says whether a value fits a field, as a stable problem code with params.
"""
from __future__ import annotations

from typing import Any

from maturity.firms.profile import PROFILE_FIELDS

WRONG_TYPE = "wrong_type"          # params: expected (boolean, integer, string …)
UNKNOWN_VALUE = "unknown_value"    # params: value, allowed
OUT_OF_RANGE = "out_of_range"      # params: minimum

# field kind -> the stable `expected` param of WRONG_TYPE
_EXPECTED = {"bool": "boolean", "int": "integer", "enum": "string", "str": "string"}
_EXPECTED_WORDS = {"boolean": "true or false (unquoted)", "integer": "a whole number",
                   "string": "a quoted string"}


def value_problem(name: str, value: Any) -> tuple[str, dict[str, Any]] | None:
    """Why `value` cannot be the value of profile field `name`: (code, params), or None."""
    kind, allowed = PROFILE_FIELDS[name]
    wrong_type = (WRONG_TYPE, {"expected": _EXPECTED[kind]})
    if kind == "bool":
        return None if isinstance(value, bool) else wrong_type
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            return wrong_type
        return None if value >= 0 else (OUT_OF_RANGE, {"minimum": 0})
    if not isinstance(value, str):
        return wrong_type
    if kind == "enum" and value not in allowed:
        return UNKNOWN_VALUE, {"value": value, "allowed": list(allowed)}
    return None


def describe_value_problem(value: Any, problem: tuple[str, dict[str, Any]]) -> str:
    """The problem of `value_problem` in plain English, for questionnaire authors."""
    code, params = problem
    if code == WRONG_TYPE:
        return f"expected {_EXPECTED_WORDS[params['expected']]}, got {value!r}"
    if code == OUT_OF_RANGE:
        return f"expected a number ≥ {params['minimum']}, got {value!r}"
    return f"'{value}' is not one of: {', '.join(params['allowed'])}"
