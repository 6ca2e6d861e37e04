"""Pydantic models of the plan data files in questionnaires/plans/ (see its README).

Strict like the questionnaire schema (`maturity.questionnaires.schema`): every text, version,
cost id and date is a quoted string, unknown keys are refused, texts are `{es, en}` maps with
both languages non-empty. Checks that need more than one entry or file (unique ids, existing and
acyclic prerequisites, coverage of every dimension step, items of the questionnaires) live in
`maturity.plans.loader`.
"""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from maturity.questionnaires.conditions import Condition
from maturity.questionnaires.profile import ASSOCIATIONS, DEPARTMENTS, SECTORS
from maturity.questionnaires.schema import ITEM_ID_PATTERN, I18nText, SchemaVersion, Text, Version

ACTION_ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"

EFFORTS = ("low", "medium", "high")
COSTS = ("0", "lt500", "500-5000", "5000-20000", "gt20000")
HORIZONS = ("0-3", "3-12", "12-24")           # months, in order
STATUSES = ("active", "check", "closed")
KINDS = ("formalisation", "digital-skills", "technology-centre", "co-financing", "export", "finance")
GROUPS = tuple(a for a in ASSOCIATIONS if a != "none")
SECTOR_IDS = tuple(s for s in SECTORS if s != "general")

ActionId = Annotated[str, Field(strict=True, pattern=ACTION_ID_PATTERN)]
ItemId = Annotated[str, Field(strict=True, pattern=ITEM_ID_PATTERN)]
DimensionId = Literal["T1", "T2", "T3", "T4", "T5", "T6", "M1", "M2", "M3", "M4", "M5", "M6"]
Step = Annotated[int, Field(strict=True, ge=0, le=5)]
Count = Annotated[int, Field(strict=True, ge=0)]
Size = Literal["micro", "small", "medium", "large"]
Sector = Literal["textiles", "retail", "tourism", "footwear", "furniture", "fishery", "agrifood",
                 "handicrafts", "mining-suppliers", "manufacturing", "general"]
Group = Literal["association", "cooperative", "cluster"]

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --- actions ----------------------------------------------------------------------------------

class Action(_Strict):
    """One concrete change that moves one dimension one level up (from_level → from_level + 1)."""

    id: ActionId
    dimension: DimensionId
    from_level: Step
    to_level: Step
    effort: Literal["low", "medium", "high"]
    cost: Literal["0", "lt500", "500-5000", "5000-20000", "gt20000"]
    horizon: Literal["0-3", "3-12", "12-24"]
    prerequisites: list[ActionId] = Field(default_factory=list)
    items: list[ItemId] = Field(default_factory=list, description="the items this action improves")
    done_if: Condition | None = Field(
        default=None, description="the firm already did it (a condition on firm./answer. fields); "
                                  "when it cannot be decided, the dimension level decides")
    first_if: Condition | None = Field(
        default=None, description="put it first in the plan when this holds, whatever the scores "
                                  "(e.g. no RUC → get one first); only when it can be decided")
    title: I18nText
    description: I18nText
    indicator: I18nText

    @model_validator(mode="after")
    def _one_step(self) -> Action:
        if self.to_level != self.from_level + 1:
            raise ValueError(f"to_level must be from_level + 1 (one step of the ladder), got "
                             f"{self.from_level} → {self.to_level}")
        if self.id in self.prerequisites:
            raise ValueError("an action cannot be its own prerequisite")
        if len(set(self.prerequisites)) != len(self.prerequisites):
            raise ValueError("prerequisites lists an action twice")
        return self

    @property
    def step(self) -> tuple[int, int]:
        return self.from_level, self.to_level


class ActionsFile(_Strict):
    """`actions.yaml` (scope general) or `actions-<sector>.yaml` (scope: the sector id)."""

    schema_version: SchemaVersion
    version: Version
    scope: Annotated[str, Field(strict=True, min_length=1)]
    actions: list[dict[str, Any]] = Field(min_length=1, description="Action entries")


# --- programmes -------------------------------------------------------------------------------

class Centre(_Strict):
    """Where a technology centre has a seat (named in the reason; not an eligibility gate)."""

    department: Annotated[str, Field(strict=True)]
    place: Text

    @field_validator("department")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in DEPARTMENTS:
            raise ValueError(f"'{value}' is not an INEI department code (01 … 25)")
        return value


class Eligibility(_Strict):
    """Who can enter, as data. A field left out does not restrict."""

    sizes: list[Size] | None = Field(default=None, description="Ley 30056 sizes allowed")
    needs_ruc: Annotated[bool, Field(strict=True)] = False
    needs_e_invoicing: Annotated[bool, Field(strict=True)] = False
    sectors: list[Sector] | None = None
    export: Literal["exporter", "exporter_or_intent"] | None = None
    association: list[Group] | None = Field(default=None, description="the firm must belong to one")
    min_firms: Annotated[int, Field(strict=True, ge=2)] | None = Field(
        default=None, description="the group must gather at least this many firms (told, not checked)")
    min_years: Count | None = None
    max_years: Count | None = None
    any_min_level: dict[DimensionId, Step] | None = Field(
        default=None, description="at least one of these dimensions at this level or above")
    fallback: Annotated[bool, Field(strict=True)] = Field(
        default=False, description="recommended only when no other programme of its kind is")

    @model_validator(mode="after")
    def _consistent(self) -> Eligibility:
        if self.needs_e_invoicing and not self.needs_ruc:
            raise ValueError("needs_e_invoicing implies needs_ruc: set needs_ruc: true")
        if self.min_firms is not None and not self.association:
            raise ValueError("min_firms needs association (the groups that count)")
        for name in ("sizes", "sectors", "association"):
            values = getattr(self, name)
            if values is not None and (not values or len(set(values)) != len(values)):
                raise ValueError(f"{name} must list each value once, at least one")
        return self


class Programme(_Strict):
    """A support programme of programmes.md, with eligibility as data and its freshness."""

    id: ActionId
    kind: Literal["formalisation", "digital-skills", "technology-centre", "co-financing", "export",
                  "finance"]
    institution: Text
    name: I18nText
    description: I18nText
    offers: I18nText
    benefit: I18nText = Field(description="ends the reason: '…, so <benefit>'")
    benefit_informal: I18nText | None = Field(default=None, description="the benefit for a firm without a RUC")
    warning: I18nText | None = Field(default=None, description="always shown with the programme")
    eligibility: Eligibility = Field(default_factory=Eligibility)
    skip_if: Condition | None = Field(default=None, description="the firm already uses it")
    centres: list[Centre] = Field(default_factory=list)
    dimensions: list[DimensionId] = Field(min_length=1)
    url: Annotated[str, Field(strict=True, pattern=r"^https://[a-z0-9.-]+\.[a-z]{2,}(/\S*)?$")]
    status: Literal["active", "check", "closed"]
    last_verified: Annotated[str, Field(strict=True, pattern=DATE_PATTERN)]

    @field_validator("last_verified", mode="before")
    @classmethod
    def _quoted(cls, value: Any) -> Any:
        if isinstance(value, date):
            raise ValueError(f"write the date in quotes, e.g. \"{value.isoformat()}\" "
                             "(YAML reads an unquoted date as a date, not a text)")
        return value

    @field_validator("last_verified")
    @classmethod
    def _real_date(cls, value: str) -> str:
        date.fromisoformat(value)  # ValueError names the impossible date
        return value

    @property
    def verified_on(self) -> date:
        return date.fromisoformat(self.last_verified)


class ProgrammesFile(_Strict):
    """`programmes.yaml`: the registry."""

    schema_version: SchemaVersion
    version: Version
    programmes: list[dict[str, Any]] = Field(min_length=1, description="Programme entries")


# --- vocabulary -------------------------------------------------------------------------------

class Effort(_Strict):
    """An effort level: its label and its factor in the priority."""

    factor: Annotated[float, Field(strict=True, gt=0, allow_inf_nan=False)]
    label: I18nText


class Labelled(_Strict):
    """A cost band or a horizon: just its label."""

    label: I18nText


class Efforts(_Strict):
    """low, medium, high: every effort id of the actions has its entry."""

    low: Effort
    medium: Effort
    high: Effort


class Costs(_Strict):
    """The cost bands, keyed by the ids the actions use ("0", lt500, "500-5000" …)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)

    free: Labelled = Field(alias="0")
    lt500: Labelled
    b500_5000: Labelled = Field(alias="500-5000")
    b5000_20000: Labelled = Field(alias="5000-20000")
    gt20000: Labelled


class Horizons(_Strict):
    """The three horizons, keyed by their ids ("0-3", "3-12", "12-24" months)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)

    h0_3: Labelled = Field(alias="0-3")
    h3_12: Labelled = Field(alias="3-12")
    h12_24: Labelled = Field(alias="12-24")


class Phrases(_Strict):
    """Clauses of the sentence saying why a firm qualifies ('…, so <benefit>')."""

    open_to_all: I18nText
    has_ruc: I18nText
    no_ruc: I18nText
    no_ruc_needed: I18nText
    e_invoicing: I18nText
    exporter: I18nText
    export_intent: I18nText
    association: I18nText
    cooperative: I18nText
    cluster: I18nText
    sector: I18nText          # {sector}
    micro: I18nText
    small: I18nText
    medium: I18nText
    years: I18nText           # {years}
    young: I18nText           # {years}
    innovation: I18nText
    centre_here: I18nText     # {place}
    centres: I18nText         # {places}
    so: I18nText              # the joint before the benefit: ", so "
    and_: I18nText = Field(alias="and")


class Steps(_Strict):
    """The one step that would open a programme the firm cannot enter yet."""

    ruc: I18nText
    e_invoicing: I18nText
    group: I18nText
    group_min_firms: I18nText  # {min_firms}


class Warnings(_Strict):
    """Shown with a programme to check ({date}: its last_verified) or past its maximum age."""

    check: I18nText            # {date}
    stale: I18nText            # {date}


PLACEHOLDERS = {("phrases", "sector"): "{sector}", ("phrases", "years"): "{years}",
                ("phrases", "young"): "{years}", ("phrases", "centre_here"): "{place}",
                ("phrases", "centres"): "{places}", ("steps", "group_min_firms"): "{min_firms}",
                ("warnings", "check"): "{date}", ("warnings", "stale"): "{date}"}


class VocabularyFile(_Strict):
    """`vocabulary.yaml`: labels of efforts, cost bands and horizons; the words of reasons."""

    schema_version: SchemaVersion
    version: Version
    efforts: Efforts
    costs: Costs
    horizons: Horizons
    phrases: Phrases
    steps: Steps
    warnings: Warnings

    @model_validator(mode="after")
    def _placeholders(self) -> VocabularyFile:
        problems = []
        for (section, name), token in PLACEHOLDERS.items():
            text = getattr(getattr(self, section), name)
            problems += [f"{section}.{name}.{lang} must contain {token}"
                         for lang in ("es", "en") if token not in text.get(lang)]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def effort(self, effort_id: str) -> Effort:
        return getattr(self.efforts, effort_id)

    def cost_label(self, cost_id: str) -> I18nText:
        return {"0": self.costs.free, "lt500": self.costs.lt500, "500-5000": self.costs.b500_5000,
                "5000-20000": self.costs.b5000_20000, "gt20000": self.costs.gt20000}[cost_id].label

    def horizon_label(self, horizon_id: str) -> I18nText:
        return {"0-3": self.horizons.h0_3, "3-12": self.horizons.h3_12,
                "12-24": self.horizons.h12_24}[horizon_id].label
