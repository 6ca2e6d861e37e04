"""`applies_if` conditions: the tree model, a small interpreter (never `eval`) and static checks.

A condition is a leaf `{field, op, value}` or `{all: [...]}`, `{any: [...]}`, `{not: ...}`.
Semantics (questionnaires/README.md):

- `field` is `firm.<profile field>` or `answer.<item id>`;
- a missing value (unanswered item, empty list, unknown or null profile field) makes every
  comparison false, so `not` of it is true;
- when the value is a list (checklist, multiple profile answer) `eq x` means "x is ticked",
  `ne x` "x is not ticked", `in [..]` "any of them is ticked";
- `>=` and `<=` compare numbers only; anything else is false;
- booleans never equal numbers (`True` is not `1` here, unlike in Python).
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from maturity.questionnaires.profile import PROFILE_FIELDS, describe_value_problem, value_problem
from maturity.questionnaires.reserved import RESERVED_OPTION_IDS

Op = Literal["eq", "ne", "in", ">=", "<="]
Scalar = (Annotated[str, Field(strict=True)] | Annotated[bool, Field(strict=True)]
          | Annotated[int, Field(strict=True)] | Annotated[float, Field(strict=True)])

# Tags of the condition union; they show up in validation error locations and the loader
# drops them when it names the place of a problem.
CONDITION_TAGS = frozenset({"leaf", "all-of", "any-of", "negation"})


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Leaf(_Node):
    """A comparison: `{field: firm.size, op: in, value: [micro, small]}`."""

    field: Annotated[str, Field(strict=True, min_length=1)]
    op: Op
    value: Scalar | list[Scalar]

    @model_validator(mode="after")
    def _value_fits_op(self) -> Leaf:
        if self.op == "in":
            if not isinstance(self.value, list) or not self.value:
                raise ValueError("op 'in' needs a non-empty list as value")
        elif isinstance(self.value, list):
            raise ValueError(f"op '{self.op}' compares one value, not a list (use 'in' for a list)")
        elif self.op in (">=", "<=") and not _is_number(self.value):
            raise ValueError(f"op '{self.op}' compares numbers only, got {self.value!r}")
        return self


class AllOf(_Node):
    """True when every sub-condition is true."""

    all_: list[Condition] = Field(alias="all", min_length=1)


class AnyOf(_Node):
    """True when at least one sub-condition is true."""

    any_: list[Condition] = Field(alias="any", min_length=1)


class Not(_Node):
    """True when the sub-condition is false."""

    not_: Condition = Field(alias="not")


def _kind(value: Any) -> str | None:
    """Pick the union member from the keys, so errors speak of one shape, not four."""
    if isinstance(value, dict):
        for key, tag in (("all", "all-of"), ("any", "any-of"), ("not", "negation")):
            if key in value:
                return tag
        return "leaf"
    return {Leaf: "leaf", AllOf: "all-of", AnyOf: "any-of", Not: "negation"}.get(type(value))


Condition = Annotated[
    Annotated[Leaf, Tag("leaf")] | Annotated[AllOf, Tag("all-of")]
    | Annotated[AnyOf, Tag("any-of")] | Annotated[Not, Tag("negation")],
    Discriminator(
        _kind,
        custom_error_type="condition_shape",
        custom_error_message="a condition is a mapping: {field, op, value}, {all: [...]}, "
                             "{any: [...]} or {not: ...}",
    ),
]

for _model in (AllOf, AnyOf, Not):
    _model.model_rebuild()


# --- interpreter -------------------------------------------------------------------------------

_MISSING = object()


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same(a: Any, b: Any) -> bool:
    # Python says True == 1; a questionnaire author comparing a boolean field does not.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def _lookup(field: str, firm: Mapping[str, Any], answers: Mapping[str, Any]) -> Any:
    source, _, name = field.partition(".")
    if source == "firm":
        value = firm.get(name, _MISSING)
    elif source == "answer":
        value = answers.get(name, _MISSING)
    else:
        return _MISSING
    if value is None or (isinstance(value, (list, tuple)) and not value):
        return _MISSING
    return value


def _compare(actual: Any, op: str, expected: Any) -> bool:
    if op in (">=", "<="):
        if not (_is_number(actual) and _is_number(expected)):
            return False
        return actual >= expected if op == ">=" else actual <= expected
    wanted = expected if op == "in" else (expected,)
    ticked = actual if isinstance(actual, (list, tuple)) else (actual,)
    hit = any(_same(a, w) for a in ticked for w in wanted)
    return not hit if op == "ne" else hit


def evaluate(condition: Leaf | AllOf | AnyOf | Not | None, firm: Mapping[str, Any] | None,
             answers: Mapping[str, Any]) -> bool:
    """Evaluate a condition against a firm profile and the answers given so far.

    `answers` maps item ids to an option id or a list of option ids. `None` (no condition)
    is true.
    """
    if condition is None:
        return True
    if isinstance(condition, Leaf):
        actual = _lookup(condition.field, firm or {}, answers)
        return actual is not _MISSING and _compare(actual, condition.op, condition.value)
    if isinstance(condition, AllOf):
        return all(evaluate(c, firm, answers) for c in condition.all_)
    if isinstance(condition, AnyOf):
        return any(evaluate(c, firm, answers) for c in condition.any_)
    return not evaluate(condition.not_, firm, answers)


def leaves(condition: Leaf | AllOf | AnyOf | Not | None) -> list[Leaf]:
    """Every comparison in a condition tree, depth first."""
    if condition is None:
        return []
    if isinstance(condition, Leaf):
        return [condition]
    if isinstance(condition, Not):
        return leaves(condition.not_)
    children = condition.all_ if isinstance(condition, AllOf) else condition.any_
    return [leaf for child in children for leaf in leaves(child)]


# --- static checks -----------------------------------------------------------------------------

def check(condition: Leaf | AllOf | AnyOf | Not | None, *, earlier: Mapping[str, Collection[str]],
          known_items: Collection[str]) -> list[str]:
    """Problems of a condition, in plain English (empty list: fine).

    `earlier` maps the ids of the items that come before this one in the composed questionnaire
    to the option ids they offer (reserved ones included); `known_items` holds every item id,
    so a reference to a later item is told apart from a typo.
    """
    problems: list[str] = []
    for leaf in leaves(condition):
        source, _, name = leaf.field.partition(".")
        if source == "firm":
            problems += _check_firm_leaf(leaf, name)
        elif source == "answer":
            problems += _check_answer_leaf(leaf, name, earlier, known_items)
        else:
            problems.append(f"applies_if field '{leaf.field}' must start with 'firm.' or 'answer.'")
    return problems


def _values(leaf: Leaf) -> list[Any]:
    return list(leaf.value) if isinstance(leaf.value, list) else [leaf.value]


def _check_firm_leaf(leaf: Leaf, name: str) -> list[str]:
    if name not in PROFILE_FIELDS:
        return [f"applies_if field 'firm.{name}' is not a firm profile field "
                f"(known: {', '.join(PROFILE_FIELDS)})"]
    if leaf.op in (">=", "<=") and PROFILE_FIELDS[name][0] != "int":
        return [f"applies_if op '{leaf.op}' compares numbers, but firm.{name} is not a number"]
    problems = []
    for value in _values(leaf):
        problem = value_problem(name, value)
        if problem:
            problems.append(f"applies_if on firm.{name}: {describe_value_problem(value, problem)}")
    return problems


def _check_answer_leaf(leaf: Leaf, item_id: str, earlier: Mapping[str, Collection[str]],
                       known_items: Collection[str]) -> list[str]:
    if item_id not in earlier:
        if item_id in known_items:
            return [f"applies_if refers to item '{item_id}', which does not come earlier in the "
                    "questionnaire (an item can depend only on items before it)"]
        return [f"applies_if refers to unknown item '{item_id}'"]
    if leaf.op in (">=", "<="):
        return [f"applies_if op '{leaf.op}' compares numbers, but answer.{item_id} is an option id"]
    options = earlier[item_id]
    return [f"applies_if compares answer.{item_id} with {value!r}, which is not an option of "
            f"that item (options: {', '.join(options)})"
            for value in _values(leaf)
            # README: "(or na / dk)", whether the item offers them or not
            if not isinstance(value, str) or (value not in options and value not in RESERVED_OPTION_IDS)]
