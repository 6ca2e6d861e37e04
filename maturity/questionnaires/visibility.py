"""Which items a firm is shown, given its profile and its answers so far (rule 2: "not shown").

An item is shown when its `applies_if` holds over the firm profile and the answers to the
*shown* items before it (an answer to a hidden item counts for nothing, anywhere).
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from maturity.questionnaires.conditions import evaluate
from maturity.questionnaires.model import Item, Questionnaire


def normalise_answer(item: Item, value: Any) -> str | tuple[str, ...] | None:
    """An answer as scoring reads it: None when unanswered, a tuple for multi-option items."""
    if value is None or value == [] or value == ():
        return None
    if item.multiple:
        return (value,) if isinstance(value, str) else tuple(value)
    return value


def walk(questionnaire: Questionnaire, answers: Mapping[str, Any],
         firm: Mapping[str, Any] | None) -> Iterator[tuple[Item, bool, str | tuple[str, ...] | None]]:
    """Yield (item, shown, normalised answer) in questionnaire order."""
    seen: dict[str, Any] = {}
    for item in questionnaire.items:
        answer = normalise_answer(item, answers.get(item.id))
        shown = item.condition is None or evaluate(item.condition, firm or {}, seen)
        if shown and answer is not None:
            seen[item.id] = answer
        yield item, shown, answer


def shown_items(questionnaire: Questionnaire, answers: Mapping[str, Any],
                firm: Mapping[str, Any] | None) -> set[str]:
    """The ids of the items the firm is shown."""
    return {item.id for item, shown, _ in walk(questionnaire, answers, firm) if shown}
