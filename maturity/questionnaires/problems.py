"""Problems found in questionnaire files, worded for the people who write them.

Each problem names the file, the item id when there is one, and what is wrong, in plain English.
Pydantic's validation errors are reworded here (the YAML 1.1 traps get an explicit hint).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from pydantic import ValidationError

from maturity.questionnaires.conditions import CONDITION_TAGS
from maturity.questionnaires.schema import ITEM_TYPES, NOT_BLANK_PATTERN, PATTERN_HINTS


class FileProblem(NamedTuple):
    """One thing wrong in one file (and one item, when `item` is set)."""

    file: str
    item: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: item {self.item}" if self.item else self.file
        return f"{where}: {self.message}"


class QuestionnaireError(Exception):
    """The questionnaire files are invalid; `problems` lists every problem found."""

    def __init__(self, problems: Iterable[FileProblem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the questionnaire files:\n{lines}")


# Fields whose value is a union: pydantic reports one error per member; say it once instead.
_UNION_FIELDS = {
    "na": "must be true, false or a map {es: …, en: …} wording 'not applicable' for this item",
    "value": "must be a string, a number, true/false, or a list of them",
}
# Unknown fields that are a known mistake, with the fix.
_EXTRA_HINTS = {
    ("checklist", "level"): "checklist options have no level; they may have a weight",
    ("profile", "dimension"): "profile items are unscored",
    ("profile", "weight"): "profile items are unscored",
    ("profile", "level"): "profile options have no level",
}


def _quote_hint(value: Any) -> str:
    if isinstance(value, bool):
        return (f"must be a quoted string: YAML read the unquoted value as the boolean "
                f"{str(value).lower()} (No, Yes, On, Off … are booleans in YAML 1.1); "
                "write it in quotes, e.g. \"No\"")
    return (f"must be a quoted string: YAML read the unquoted value as the number {value!r}; "
            "write it in quotes, e.g. \"1.10\"")


def _message(error: dict[str, Any], item_type: str | None, field: str | None) -> str:
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    if kind == "missing":
        return f"required field '{field}' is missing"
    if kind == "extra_forbidden":
        hint = _EXTRA_HINTS.get((item_type, field))
        return f"unknown field '{field}'" + (f" ({hint})" if hint else "")
    if kind == "string_type" and isinstance(value, (bool, int, float)):
        return _quote_hint(value)
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == NOT_BLANK_PATTERN:
        return "must not be empty"
    if kind == "string_pattern_mismatch":
        return f"'{value}' is not valid here: use {PATTERN_HINTS.get(ctx.get('pattern'), ctx.get('pattern'))}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "union_tag_not_found":
        return f"required field 'type' is missing ({', '.join(ITEM_TYPES)})"
    if kind == "union_tag_invalid":
        return f"type '{ctx.get('tag')}' is not one of {', '.join(ITEM_TYPES)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be a mapping, got {value!r}"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length')} entries"
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} entries"
    # Pydantic says "Input should be …"; authors read "must be …, got …" more easily.
    message = str(error["msg"]).replace("Input should be", "must be", 1)
    if isinstance(value, (str, int, float, bool)) or value is None:
        message += f", got {value!r}"
    return message


def _path(loc: list[Any], raw: Any) -> str:
    """`options[cad].label.en`: list entries named by their id when they have one."""
    out = ""
    for part in loc:
        entry = raw[part] if isinstance(raw, (dict, list)) and _has(raw, part) else None
        if isinstance(part, int):
            name = entry.get("id") if isinstance(entry, dict) else None
            out += f"[{name}]" if isinstance(name, str) else f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
        raw = entry
    return out


def _has(raw: dict | list, part: Any) -> bool:
    if isinstance(raw, list):
        return isinstance(part, int) and 0 <= part < len(raw)
    return part in raw


def _clean_loc(loc: list[Any]) -> tuple[list[Any], str | None]:
    """Drop union tags from a location; collapse union members to their field."""
    loc = [p for p in loc if p not in CONDITION_TAGS]
    for i, part in enumerate(loc[:-1]):
        if part in _UNION_FIELDS and isinstance(loc[i + 1], str):
            return loc[: i + 1], _UNION_FIELDS[part]
    return loc, None


def describe(error: ValidationError, raw: Any, file: str) -> list[FileProblem]:
    """Reword a pydantic error on file data `raw` as problems naming the file and the item."""
    problems: list[FileProblem] = []
    for err in error.errors(include_url=False):
        loc = list(err["loc"])
        item, item_type, base, prefix = None, None, raw, ""
        if loc[:1] == ["items"] and len(loc) > 1 and isinstance(loc[1], int):
            # Name the item by its id; locate within the item from there on.
            entry = _item_entry(raw, loc[1])
            item = entry.get("id") if isinstance(entry.get("id"), str) else None
            item_type = entry.get("type") if isinstance(entry.get("type"), str) else None
            base, prefix = entry, ("" if item else f"items[{loc[1]}]")
            loc = loc[3:] if loc[2:3] and loc[2] in ITEM_TYPES else loc[2:]
        loc, union_message = _clean_loc(loc)
        field = str(loc[-1]) if loc else None
        message = union_message or _message(err, item_type, field)
        # "options[cad]: unknown field 'level'" reads better than "options[cad].level: …".
        path = _path(loc[:-1] if err["type"] in ("missing", "extra_forbidden") else loc, base)
        where = ".".join(p for p in (prefix, path) if p)
        problem = FileProblem(file, item, f"{where}: {message}" if where else message)
        if problem not in problems:
            problems.append(problem)
    return problems


def _item_entry(raw: Any, index: int) -> dict[str, Any]:
    items = raw.get("items") if isinstance(raw, dict) else None
    if isinstance(items, list) and 0 <= index < len(items) and isinstance(items[index], dict):
        return items[index]
    return {}
