"""Pydantic models of the questionnaire files (questionnaires/README.md) and their JSON Schema.

Strict on purpose: every text and every version must be a string, so YAML 1.1 surprises
(`No` read as False, `1.10` read as 1.1) are rejected instead of silently stored. Unknown keys
are rejected too (`extra="forbid"`), so a typo never drops a field.

Checks that need more than one file (dimension references, unique item ids, conditions on
earlier items) live in the loader; everything a single file can tell is checked here.
"""
from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.json_schema import models_json_schema

from maturity.questionnaires.conditions import Condition
from maturity.questionnaires.reserved import CHECKLIST_RESERVED_OPTION_IDS, RESERVED_OPTION_IDS

DIMENSION_IDS = ("T1", "T2", "T3", "T4", "T5", "T6", "M1", "M2", "M3", "M4", "M5", "M6")
FAMILY_PREFIX = {"technology": "T", "management": "M"}
LEVELS = range(0, 6)

ITEM_ID_PATTERN = r"^[a-z0-9_-]+(\.[a-z0-9_-]+){2,}$"
OPTION_ID_PATTERN = r"^[a-z0-9_]+$"
MODULE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
VERSION_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z._-]*$"
# What each pattern means, for error messages a questionnaire author can act on.
PATTERN_HINTS = {
    ITEM_ID_PATTERN: "lower-case letters, digits, '_' and '-', in at least three segments joined "
                     "by '.' (module.dimension.slug or module.profile.slug)",
    OPTION_ID_PATTERN: "lower-case letters, digits and '_'",
    MODULE_ID_PATTERN: "lower-case letters, digits and '-'",
    VERSION_PATTERN: "letters, digits, '.', '_' and '-', e.g. \"1.0\"",
}

# The repository's questionnaires/ directory (the app may point elsewhere).
QUESTIONNAIRES_DIR = Path(__file__).resolve().parents[2] / "questionnaires"
SCHEMA_PATH = QUESTIONNAIRES_DIR / "schema.json"


def _is_one(value: int) -> int:
    if value != 1:
        raise ValueError("must be 1")
    return value


NOT_BLANK_PATTERN = r"\S"  # unanchored: at least one non-space character
Text = Annotated[str, Field(strict=True, pattern=NOT_BLANK_PATTERN)]
Version = Annotated[str, Field(strict=True, pattern=VERSION_PATTERN)]
ItemId = Annotated[str, Field(strict=True, pattern=ITEM_ID_PATTERN)]
OptionId = Annotated[str, Field(strict=True, pattern=OPTION_ID_PATTERN)]
ModuleId = Annotated[str, Field(strict=True, pattern=MODULE_ID_PATTERN)]
DimensionId = Annotated[str, Field(strict=True, min_length=1)]
Weight = Annotated[float, Field(strict=True, gt=0, allow_inf_nan=False)]
Level = Annotated[int, Field(strict=True, ge=0, le=5)]
SchemaVersion = Annotated[int, Field(strict=True, description="always 1"), AfterValidator(_is_one)]
FamilyId = Literal["technology", "management"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class I18nText(_Strict):
    """A human text in both languages; both are required and non-empty."""

    es: Text
    en: Text

    def get(self, lang: str) -> str:
        """The text in `lang` ('es' or 'en')."""
        return self.en if lang == "en" else self.es

    def as_dict(self) -> dict[str, str]:
        """`{es, en}`, as the API serves it."""
        return {"es": self.es, "en": self.en}


# --- module files ------------------------------------------------------------------------------

class LevelOption(_Strict):
    """An option of a single-choice item: one rung of the 0–5 ladder."""

    id: OptionId
    level: Level
    label: I18nText


class ChecklistOption(_Strict):
    """A practice a checklist can tick; its weight counts towards the item's share."""

    id: OptionId
    weight: Weight = 1.0
    label: I18nText


class ProfileOption(_Strict):
    """An option of an unscored profile question."""

    id: OptionId
    label: I18nText


def _option_problems(options: list[Any], reserved: tuple[str, ...]) -> list[str]:
    problems = []
    seen: set[str] = set()
    for option in options:
        if option.id in reserved:
            problems.append(f"option id '{option.id}' is reserved (added by the loader, "
                            "never written in a file)")
        elif option.id in seen:
            problems.append(f"option id '{option.id}' is used twice")
        seen.add(option.id)
    return problems


def _raise(problems: list[str]) -> None:
    if problems:
        raise ValueError("; ".join(problems))


class _Item(_Strict):
    id: ItemId
    text: I18nText
    help: I18nText | None = None
    guidance: I18nText | None = None
    applies_if: Condition | None = None
    na: Annotated[bool, Field(strict=True)] | I18nText = Field(
        default=False, description="offer 'not applicable': true, or its wording for this item")


class _ScoredItem(_Item):
    dimension: DimensionId
    weight: Weight = 1.0


class SingleItem(_ScoredItem):
    """One answer on the ladder: options in ladder order, levels 0–5, never decreasing."""

    type: Literal["single"]
    options: list[LevelOption] = Field(min_length=2)

    @field_validator("options")
    @classmethod
    def _ladder(cls, options: list[LevelOption]) -> list[LevelOption]:
        problems = _option_problems(options, RESERVED_OPTION_IDS)
        levels = [o.level for o in options]
        if any(b < a for a, b in pairwise(levels)):
            problems.append(f"option levels must never decrease (ladder order), got {levels}")
        problems += [f"a level-{n} option is required" for n in (0, 5) if n not in levels]
        _raise(problems)
        return options


class ChecklistItem(_ScoredItem):
    """Tick the practices in place; level = weighted share ticked × 5."""

    type: Literal["checklist"]
    options: list[ChecklistOption] = Field(min_length=1)

    @field_validator("options")
    @classmethod
    def _unique(cls, options: list[ChecklistOption]) -> list[ChecklistOption]:
        _raise(_option_problems(options, CHECKLIST_RESERVED_OPTION_IDS))
        return options


class ProfileItem(_Item):
    """An unscored question about the firm; its answers feed `applies_if` of later items."""

    type: Literal["profile"]
    multiple: Annotated[bool, Field(strict=True)] = False
    options: list[ProfileOption] = Field(min_length=1)

    @field_validator("options")
    @classmethod
    def _unique(cls, options: list[ProfileOption]) -> list[ProfileOption]:
        _raise(_option_problems(options, RESERVED_OPTION_IDS))
        return options


Item = Annotated[SingleItem | ChecklistItem | ProfileItem, Field(discriminator="type")]
ITEM_TYPES = ("single", "checklist", "profile")


class DimensionWeight(_Strict):
    """A sector's weight for one dimension in its index, and why."""

    weight: Weight
    why: I18nText


class CriticalDimension(_Strict):
    """A dimension reported as a weakest link when it lags the overall band, and why."""

    dimension: DimensionId
    why: I18nText


class ModuleFile(_Strict):
    """`common.yaml` (kind core) or a sector module (kind sector)."""

    schema_version: SchemaVersion
    id: ModuleId
    version: Version
    kind: Literal["core", "sector"]
    title: I18nText
    description: I18nText
    dimension_weights: dict[DimensionId, DimensionWeight] | None = None
    critical_dimensions: list[CriticalDimension] | None = None
    items: list[Item] = Field(min_length=1)


# --- dimensions.yaml ---------------------------------------------------------------------------

class LadderLevel(_Strict):
    """One rung of the 0–5 ladder every item uses."""

    level: Level
    label: I18nText
    description: I18nText


class Band(_Strict):
    """A named range of 0–100 scores, half-open [min, max); the top band includes its max."""

    id: OptionId
    min: Annotated[float, Field(strict=True, ge=0, le=100)]
    max: Annotated[float, Field(strict=True, ge=0, le=100)]
    label: I18nText
    description: I18nText


class Family(_Strict):
    """Technology or management: each has an index."""

    id: FamilyId
    title: I18nText
    description: I18nText | None = None


class Dimension(_Strict):
    """One of the twelve dimensions, with a descriptor per ladder level."""

    id: DimensionId
    family: FamilyId
    title: I18nText
    summary: I18nText
    levels: list[I18nText] = Field(min_length=6, max_length=6)


class ReservedOptions(_Strict):
    """Default labels of the options the loader adds."""

    na: I18nText
    dk: I18nText
    none: I18nText


class DimensionsFile(_Strict):
    """`dimensions.yaml`: the ladder, the bands, the families and the twelve dimensions."""

    schema_version: SchemaVersion
    version: Version
    ladder: list[LadderLevel] = Field(min_length=6, max_length=6)
    bands: list[Band] = Field(min_length=2)
    families: list[Family] = Field(min_length=2, max_length=2)
    dimensions: list[Dimension] = Field(min_length=len(DIMENSION_IDS), max_length=len(DIMENSION_IDS))
    default_critical: list[DimensionId]
    reserved_options: ReservedOptions

    @field_validator("ladder")
    @classmethod
    def _ladder_in_order(cls, ladder: list[LadderLevel]) -> list[LadderLevel]:
        levels = [rung.level for rung in ladder]
        if levels != list(LEVELS):
            raise ValueError(f"the ladder lists levels 0 to 5 in order, got {levels}")
        return ladder

    @field_validator("bands")
    @classmethod
    def _bands_tile(cls, bands: list[Band]) -> list[Band]:
        problems = [f"band '{b.id}': min must be below max" for b in bands if b.min >= b.max]
        problems += [f"band '{b.id}' must start where '{a.id}' ends ({a.max:g})"
                     for a, b in pairwise(bands) if b.min != a.max]
        if bands[0].min != 0 or bands[-1].max != 100:
            problems.append("bands must cover 0 to 100")
        if len({b.id for b in bands}) != len(bands):
            problems.append("band ids must be unique")
        _raise(problems)
        return bands

    @field_validator("families")
    @classmethod
    def _families(cls, families: list[Family]) -> list[Family]:
        if [f.id for f in families] != list(FAMILY_PREFIX):
            raise ValueError("families are technology then management")
        return families

    @field_validator("dimensions")
    @classmethod
    def _twelve(cls, dimensions: list[Dimension]) -> list[Dimension]:
        ids = [d.id for d in dimensions]
        problems = [] if ids == list(DIMENSION_IDS) else [
            f"dimensions are {', '.join(DIMENSION_IDS)} in this order, got {', '.join(ids)}"]
        problems += [f"dimension {d.id} belongs to family "
                     f"{'technology' if d.id.startswith('T') else 'management'}"
                     for d in dimensions if not d.id.startswith(FAMILY_PREFIX[d.family])]
        _raise(problems)
        return dimensions

    @model_validator(mode="after")
    def _critical_exist(self) -> DimensionsFile:
        unknown = [d for d in self.default_critical if d not in DIMENSION_IDS]
        if unknown:
            raise ValueError(f"default_critical names unknown dimensions: {', '.join(unknown)}")
        return self


# --- JSON Schema -------------------------------------------------------------------------------

def json_schema() -> dict[str, Any]:
    """The JSON Schema of both file kinds: `anyOf` DimensionsFile | ModuleFile, with `$defs`.

    Editors with the YAML language server use it (questionnaires/schema.json); the loader
    does not: it validates with the pydantic models, which check a little more (ladder order,
    unique option ids, reserved ids).
    """
    _, defs = models_json_schema([(DimensionsFile, "validation"), (ModuleFile, "validation")],
                                 ref_template="#/$defs/{model}")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Madurez 4.0 questionnaire file",
        "description": "dimensions.yaml is a DimensionsFile; common.yaml and the sector modules "
                       "are ModuleFiles. Generated from maturity/questionnaires/schema.py: "
                       "python -m maturity.questionnaires --write-schema",
        "anyOf": [{"$ref": "#/$defs/DimensionsFile"}, {"$ref": "#/$defs/ModuleFile"}],
        "$defs": defs["$defs"],
    }


def json_schema_text() -> str:
    """`json_schema()` as the exact text stored in questionnaires/schema.json."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_json_schema(path: Path = SCHEMA_PATH) -> Path:
    """Write the JSON Schema to `path` (default questionnaires/schema.json)."""
    path.write_text(json_schema_text(), encoding="utf-8")
    return path
