"""Validate a scoring request before scoring: answers and firm profile.

Answers are `{item_id: option_id | [option_ids]}`:

- a single-choice item and a single profile item take one option id (a string); a list for a
  single profile item is `profile_single_value`, for a single-choice item `wrong_type`;
- a checklist and a multiple profile item take a list of option ids; a checklist also takes a
  bare `"na"`, `"dk"` or `"none"`; `none`, `na` and `dk` are exclusive (`none_with_others`,
  `reserved_with_others`); an option twice is `duplicate_option`;
- `na` is valid only where the item offers it (`na_not_offered`); `dk` on every scored item;
- a missing answer, `null` or an empty list is *unanswered*, never an error;
- answering an item that its `applies_if` hides is not an error (scoring ignores the answer),
  but the answer must still be well formed.

The firm profile is `{field: value}` with the fields of `maturity.questionnaires.profile`; `null` means
unknown; any other field is `unknown_field`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from maturity.questionnaires.model import Item, Questionnaire
from maturity.questionnaires.profile import PROFILE_FIELDS, value_problem
from maturity.questionnaires.reserved import DK, NA, NONE
from maturity.scoring.problems import (
    DUPLICATE_OPTION,
    NA_NOT_OFFERED,
    NONE_WITH_OTHERS,
    PROFILE_SINGLE_VALUE,
    RESERVED_WITH_OTHERS,
    UNKNOWN_FIELD,
    UNKNOWN_ITEM,
    UNKNOWN_OPTION,
    WRONG_TYPE,
    Problem,
)

# A checklist may be answered with one of these alone, as a bare string or a one-element list.
EXCLUSIVE_OPTIONS = (NONE, NA, DK)


def validate(questionnaire: Questionnaire, answers: Any, firm: Any = None) -> list[Problem]:
    """Every problem of the answers and of the firm profile (empty list: valid)."""
    return validate_answers(questionnaire, answers) + validate_profile(firm)


def validate_answers(questionnaire: Questionnaire, answers: Any) -> list[Problem]:
    """Problems of `answers` against `questionnaire`, in the order of the answers."""
    if not isinstance(answers, Mapping):
        return [Problem("answers", WRONG_TYPE, {"expected": "object"})]
    problems: list[Problem] = []
    for item_id, value in answers.items():
        field = f"answers.{item_id}"
        item = questionnaire.items_by_id.get(item_id) if isinstance(item_id, str) else None
        if item is None:
            problems.append(Problem(field, UNKNOWN_ITEM, {"item": item_id}))
        elif value is not None:
            problems += _answer_problems(item, value, field)
    return problems


def _answer_problems(item: Item, value: Any, field: str) -> list[Problem]:
    if isinstance(value, str) and not item.multiple and value in item.option_map:
        return []   # the common case; `na` is in option_map only where the item offers it
    if not item.multiple:
        if isinstance(value, (list, tuple)) and item.type == "profile":
            return [Problem(field, PROFILE_SINGLE_VALUE, {"item": item.id})]
        if not isinstance(value, str):
            return [Problem(field, WRONG_TYPE, {"item": item.id, "expected": "option_id"})]
        return _option_problems(item, [value], field)
    if isinstance(value, str) and item.type == "checklist" and value in EXCLUSIVE_OPTIONS:
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        return [Problem(field, WRONG_TYPE, {"item": item.id, "expected": "option_id_list"})]
    problems = _option_problems(item, value, field)
    seen: set[str] = set()
    for option in value:
        if option in seen:
            problems.append(Problem(field, DUPLICATE_OPTION, {"item": item.id, "option": option}))
        seen.add(option)
    if len(seen) > 1:
        if NONE in seen and item.type == "checklist":
            problems.append(Problem(field, NONE_WITH_OTHERS, {"item": item.id}))
        problems += [Problem(field, RESERVED_WITH_OTHERS, {"item": item.id, "option": option})
                     for option in (NA, DK) if option in seen and item.option(option)]
    return problems


def _option_problems(item: Item, options: Sequence[str], field: str) -> list[Problem]:
    problems = []
    for option in options:
        if option == NA and not item.na_offered:
            problems.append(Problem(field, NA_NOT_OFFERED, {"item": item.id}))
        elif item.option(option) is None:
            problems.append(Problem(field, UNKNOWN_OPTION, {"item": item.id, "option": option}))
    return problems


def validate_profile(firm: Any) -> list[Problem]:
    """Problems of a firm profile: unknown fields, wrong types, values outside their domain."""
    if firm is None:
        return []
    if not isinstance(firm, Mapping):
        return [Problem("firm", WRONG_TYPE, {"expected": "object"})]
    problems = []
    for name, value in firm.items():
        field = f"firm.{name}"
        if name not in PROFILE_FIELDS:
            problems.append(Problem(field, UNKNOWN_FIELD, {}))
        elif value is not None and (problem := value_problem(name, value)):
            problems.append(Problem(field, *problem))
    return problems
