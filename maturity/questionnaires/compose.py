"""Compose validated files into questionnaires (questionnaires/README.md, "Composition").

`general` is the common core alone (version `common@<v>`); a sector questionnaire is the common
core plus the sector module (version `<sector>@<v>+common@<v>`). Order: profile items first
(core, then sector), then the dimensions T1…M6, each with the core items before the sector items.
The reserved options are added here: `dk` on every scored item, `na` where the item offers it
(with its own wording or the default label), `none` in checklists.
"""
from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType

from maturity.questionnaires.model import DimensionModel, Item, Option, Questionnaire
from maturity.questionnaires.reserved import DK, NA, NONE
from maturity.questionnaires.schema import (
    ChecklistItem,
    I18nText,
    ModuleFile,
    ProfileItem,
    ReservedOptions,
    SingleItem,
)

GENERAL = "general"


def _own_options(raw: SingleItem | ChecklistItem | ProfileItem) -> list[Option]:
    if isinstance(raw, SingleItem):
        return [Option(o.id, o.label, level=o.level) for o in raw.options]
    if isinstance(raw, ChecklistItem):
        return [Option(o.id, o.label, weight=o.weight) for o in raw.options]
    return [Option(o.id, o.label) for o in raw.options]


def _reserved_options(raw: SingleItem | ChecklistItem | ProfileItem,
                      labels: ReservedOptions) -> list[Option]:
    options = []
    if isinstance(raw, ChecklistItem):
        options.append(Option(NONE, labels.none, reserved=True))
    if raw.na is not False:
        label = raw.na if isinstance(raw.na, I18nText) else labels.na
        options.append(Option(NA, label, reserved=True))
    if not isinstance(raw, ProfileItem):
        options.append(Option(DK, labels.dk, reserved=True))
    return options


def build_item(raw: SingleItem | ChecklistItem | ProfileItem, module: str,
               labels: ReservedOptions) -> Item:
    """The runtime item of a validated file item, reserved options added."""
    options = tuple(_own_options(raw) + _reserved_options(raw, labels))
    scored = not isinstance(raw, ProfileItem)
    return Item(
        id=raw.id,
        type=raw.type,
        module=module,
        dimension=raw.dimension if scored else None,
        weight=raw.weight if scored else 0.0,
        text=raw.text,
        options=options,
        multiple=isinstance(raw, ChecklistItem) or (isinstance(raw, ProfileItem) and raw.multiple),
        na_offered=raw.na is not False,
        help=raw.help,
        guidance=raw.guidance,
        condition=raw.applies_if,
        option_map=MappingProxyType({o.id: o for o in options}),
        practice_weight=sum(o.weight for o in options if o.weight is not None),
    )


def version_of(modules: Sequence[ModuleFile]) -> str:
    """`common@1.0` or `textiles@1.0+common@1.0` (the sector first)."""
    return "+".join(f"{m.id}@{m.version}" for m in reversed(modules))


def build_items(module: ModuleFile, model: DimensionModel) -> tuple[Item, ...]:
    """The runtime items of one module, in file order."""
    return tuple(build_item(raw, module.id, model.reserved_labels) for raw in module.items)


def compose(modules: Sequence[ModuleFile], model: DimensionModel,
            built: Sequence[Sequence[Item]] | None = None) -> Questionnaire:
    """One questionnaire from the core module and, optionally, one sector module after it.

    `built` are the modules' items from `build_items`, when the caller shares them between
    compositions (items are immutable).
    """
    core, sector = modules[0], (modules[1] if len(modules) > 1 else None)
    if built is None:
        built = [build_items(m, model) for m in modules]
    items = [i for group in built for i in group if not i.scored]
    by_dimension: dict[str, tuple[Item, ...]] = {}
    for dimension_id in model.dimension_ids:
        by_dimension[dimension_id] = tuple(
            i for group in built for i in group if i.dimension == dimension_id)
        items += by_dimension[dimension_id]

    weights = {d: 1.0 for d in model.dimension_ids}
    reasons: dict[str, I18nText] = {}
    critical_reasons: dict[str, I18nText] = {}
    critical = set(model.default_critical)
    if sector is not None:
        for dimension_id, entry in (sector.dimension_weights or {}).items():
            weights[dimension_id] = entry.weight
            reasons[dimension_id] = entry.why
        if sector.critical_dimensions is not None:
            critical = {c.dimension for c in sector.critical_dimensions}
            critical_reasons = {c.dimension: c.why for c in sector.critical_dimensions}
    head = sector or core
    return Questionnaire(
        id=sector.id if sector else GENERAL,
        version=version_of(modules),
        title=head.title,
        description=head.description,
        items=tuple(items),
        dimension_weights=MappingProxyType(weights),
        weight_reasons=MappingProxyType(reasons),
        critical=tuple(d for d in model.dimension_ids if d in critical),
        critical_reasons=MappingProxyType(critical_reasons),
        model=model,
        items_by_id=MappingProxyType({i.id: i for i in items}),
        dimension_items=MappingProxyType(by_dimension),
    )
