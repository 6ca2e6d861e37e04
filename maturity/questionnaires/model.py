"""The composed, read-only questionnaires the app serves and scores.

Built once by the loader from validated files; immutable and cheap to query afterwards
(lookups are dicts made at load time). Texts are `I18nText` ({es, en}); `to_dict(lang)` gives
the API definition: `{es, en}` maps without a language, plain strings with one.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from maturity.questionnaires.conditions import AllOf, AnyOf, Leaf, Not

# Re-exported for callers that import the reserved ids from the model.
from maturity.questionnaires.reserved import DK as DK
from maturity.questionnaires.reserved import NA as NA
from maturity.questionnaires.reserved import NONE as NONE
from maturity.questionnaires.schema import Band, Dimension, DimensionsFile, I18nText


def _text(text: I18nText | None, lang: str | None) -> str | dict[str, str] | None:
    if text is None:
        return None
    return text.get(lang) if lang else text.as_dict()


@dataclass(frozen=True, slots=True)
class Option:
    """An answer option; `reserved` for the na/dk/none options the loader adds."""

    id: str
    label: I18nText
    level: int | None = None      # single-choice options only
    weight: float | None = None   # checklist practices only
    reserved: bool = False

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """API form of the option."""
        out: dict[str, Any] = {"id": self.id, "label": _text(self.label, lang)}
        if self.level is not None:
            out["level"] = self.level
        if self.weight is not None:
            out["weight"] = self.weight
        if self.reserved:
            out["reserved"] = True
        return out


@dataclass(frozen=True, slots=True)
class Item:
    """One question of a composed questionnaire, with its reserved options added."""

    id: str
    type: str                     # single | checklist | profile
    module: str                   # the file it comes from: common or a sector id
    dimension: str | None         # None for profile items
    weight: float                 # 0 for profile items (unscored)
    text: I18nText
    options: tuple[Option, ...]
    multiple: bool = False        # checklists and multiple-choice profile items take a list
    na_offered: bool = False
    help: I18nText | None = None
    guidance: I18nText | None = None
    condition: Leaf | AllOf | AnyOf | Not | None = None
    option_map: Mapping[str, Option] = field(default_factory=dict, compare=False, repr=False)
    practice_weight: float = 0.0  # checklists: sum of the practices' weights (`none` excluded)

    @property
    def scored(self) -> bool:
        """Profile items are unscored."""
        return self.type != "profile"

    def option(self, option_id: str) -> Option | None:
        """The option with this id, or None."""
        return self.option_map.get(option_id)

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """API form of the item (condition included, so a client can show and hide items)."""
        out: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.scored:
            out.update(dimension=self.dimension, weight=self.weight)
        else:
            out["multiple"] = self.multiple
        out["text"] = _text(self.text, lang)
        for name in ("help", "guidance"):
            if getattr(self, name) is not None:
                out[name] = _text(getattr(self, name), lang)
        if self.condition is not None:
            out["applies_if"] = self.condition.model_dump(mode="json", by_alias=True)
        out["options"] = [o.to_dict(lang) for o in self.options]
        return out


class DimensionModel:
    """dimensions.yaml with lookups: the ladder, the bands, the families, the twelve dimensions."""

    def __init__(self, data: DimensionsFile) -> None:
        self.data = data
        self.version = data.version
        self.ladder = tuple(data.ladder)
        self.bands = tuple(data.bands)
        self.families = tuple(data.families)
        self.dimensions = tuple(data.dimensions)
        self.dimension_ids = tuple(d.id for d in data.dimensions)
        self.default_critical = tuple(data.default_critical)
        self.reserved_labels = data.reserved_options
        self._dims = {d.id: d for d in data.dimensions}
        self._band_index = {b.id: i for i, b in enumerate(data.bands)}

    def dimension(self, dimension_id: str) -> Dimension:
        """The dimension with this id (KeyError if unknown)."""
        return self._dims[dimension_id]

    def family_of(self, dimension_id: str) -> str:
        """'technology' or 'management'."""
        return self._dims[dimension_id].family

    def band_for(self, score: float) -> Band:
        """The band of a 0–100 score: half-open [min, max), the top band closed."""
        for band in self.bands:
            if band.min <= score < band.max:
                return band
        if score == self.bands[-1].max:
            return self.bands[-1]
        raise ValueError(f"score {score!r} is outside 0–100")

    def band_index(self, band_id: str) -> int:
        """Position of a band, 0 for the lowest."""
        return self._band_index[band_id]


@dataclass(frozen=True, slots=True)
class Questionnaire:
    """A composed questionnaire: `general` (common core alone) or a sector (common + module)."""

    id: str                                   # general | a sector id; also the firm sector
    version: str                              # e.g. textiles@1.0+common@1.0
    title: I18nText
    description: I18nText
    items: tuple[Item, ...]                   # profile items first, then T1…M6
    dimension_weights: Mapping[str, float]    # every dimension, default 1.0
    weight_reasons: Mapping[str, I18nText]
    critical: tuple[str, ...]                 # critical dimensions, in dimension order
    critical_reasons: Mapping[str, I18nText]
    model: DimensionModel = field(repr=False, compare=False)
    items_by_id: Mapping[str, Item] = field(repr=False, compare=False)
    dimension_items: Mapping[str, tuple[Item, ...]] = field(repr=False, compare=False)

    @property
    def sector(self) -> str:
        """The firm sector this questionnaire is for (`general` for the common core)."""
        return self.id

    def item(self, item_id: str) -> Item:
        """The item with this id (KeyError if the questionnaire has none)."""
        return self.items_by_id[item_id]

    def __contains__(self, item_id: object) -> bool:
        return item_id in self.items_by_id

    def summary(self, lang: str | None = None) -> dict[str, Any]:
        """The list entry of `GET /api/v1/questionnaires`."""
        return {"id": self.id, "version": self.version, "sector": self.sector,
                "title": _text(self.title, lang)}

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """The definition served by `GET /api/v1/questionnaires/<id>[?lang=]`."""
        return {
            **self.summary(lang),
            "description": _text(self.description, lang),
            "dimensions": [
                {"id": d.id, "family": d.family, "title": _text(d.title, lang),
                 "summary": _text(d.summary, lang),
                 "weight": self.dimension_weights[d.id], "critical": d.id in self.critical}
                for d in self.model.dimensions
            ],
            "bands": [{"id": b.id, "min": b.min, "max": b.max, "label": _text(b.label, lang)}
                      for b in self.model.bands],
            "items": [item.to_dict(lang) for item in self.items],
        }


class QuestionnaireSet:
    """Every composed questionnaire plus the dimension model; what the app keeps in memory."""

    def __init__(self, model: DimensionModel, questionnaires: Mapping[str, Questionnaire]) -> None:
        self.model = model
        self._by_id = MappingProxyType(dict(questionnaires))

    def ids(self) -> tuple[str, ...]:
        """Questionnaire ids: `general` first, then the sectors as loaded (alphabetical)."""
        return tuple(self._by_id)

    def get(self, questionnaire_id: str) -> Questionnaire | None:
        """The questionnaire with this id, or None."""
        return self._by_id.get(questionnaire_id)

    def __getitem__(self, questionnaire_id: str) -> Questionnaire:
        return self._by_id[questionnaire_id]

    def __contains__(self, questionnaire_id: object) -> bool:
        return questionnaire_id in self._by_id

    def __iter__(self) -> Iterator[Questionnaire]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)
