"""Problems with a scoring request, as stable codes the API translates to es/en.

A problem is `(field, code, params)`: `field` is `answers.<item id>`, `answers`, `firm.<field>`
or `firm`; `code` is one of `CODES`; `params` fill the message. Codes never change meaning;
add a new one rather than reword an old one. `MESSAGES` holds the English wording (for logs and
as the msgid the API layer translates), with the params each code sets.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

# The profile-value codes are shared with the questionnaire checks, so they are defined there.
from maturity.questionnaires.profile import OUT_OF_RANGE, UNKNOWN_VALUE, WRONG_TYPE

UNKNOWN_ITEM = "unknown_item"
UNKNOWN_OPTION = "unknown_option"
NA_NOT_OFFERED = "na_not_offered"
NONE_WITH_OTHERS = "none_with_others"
RESERVED_WITH_OTHERS = "reserved_with_others"
DUPLICATE_OPTION = "duplicate_option"
PROFILE_SINGLE_VALUE = "profile_single_value"
UNKNOWN_FIELD = "unknown_field"

# code -> English message; {field} is the problem's field, other {placeholders} are the params
# the code always sets. WRONG_TYPE's `expected` is a token too: object, option_id,
# option_id_list, boolean, integer, string.
MESSAGES: Mapping[str, str] = {
    UNKNOWN_ITEM: "The questionnaire has no question {item}.",
    UNKNOWN_OPTION: "Question {item} has no option {option}.",
    WRONG_TYPE: "{field} has the wrong type (expected: {expected}).",
    NA_NOT_OFFERED: "Question {item} does not offer 'not applicable'.",
    NONE_WITH_OTHERS: "In question {item}, 'none of these' cannot be ticked with other options.",
    RESERVED_WITH_OTHERS: "In question {item}, {option} cannot be combined with other options.",
    DUPLICATE_OPTION: "In question {item}, option {option} is given twice.",
    PROFILE_SINGLE_VALUE: "Question {item} takes one option, not a list.",
    UNKNOWN_FIELD: "{field} is not a firm profile field.",
    UNKNOWN_VALUE: "{value} is not a valid value of {field} (allowed: {allowed}).",
    OUT_OF_RANGE: "{field} must be at least {minimum}.",
}
CODES = tuple(MESSAGES)


class Problem(NamedTuple):
    """One thing wrong with the answers or the firm profile of a scoring request."""

    field: str
    code: str
    params: Mapping[str, Any]

    def message(self) -> str:
        """The English message (the API translates the code instead)."""
        values = {"field": self.field, **{k: _show(v) for k, v in self.params.items()}}
        return MESSAGES[self.code].format_map(values)

    def to_dict(self) -> dict[str, Any]:
        """`{field, code, params}`, JSON-ready."""
        return {"field": self.field, "code": self.code, "params": dict(self.params)}


def _show(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return str(value)


class InvalidAnswers(ValueError):
    """`score()` was given answers or a profile that do not validate; see `problems`."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.message()}" for p in problems))
