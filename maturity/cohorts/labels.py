"""Words for what cohort pages and exports show: categories of a breakdown, dimensions, outcomes."""
from __future__ import annotations

import unicodedata
from typing import Any

from maturity.content import questionnaires
from maturity.firms.labels import SECTOR_LABELS, SIZE_LABELS
from maturity.i18n import _, _l
from maturity.questionnaires.profile import DEPARTMENTS, SECTORS, SIZES

VARIABLE_LABELS = {"sector": _l("Sector"), "department": _l("Department"), "size": _l("Size")}
SHORT_SECTOR_LABELS = {
    "textiles": _l("Textiles and clothing"), "retail": _l("Trade"), "tourism": _l("Tourism"),
    "footwear": _l("Footwear and leather"), "furniture": _l("Furniture and wood"), "fishery": _l("Fishing and aquaculture"),
    "agrifood": _l("Farming and food"), "handicrafts": _l("Handicrafts and alpaca"), "mining-suppliers": _l("Mining suppliers"),
    "manufacturing": _l("Other manufacturing"), "general": _l("Other activity"),
}


def category_label(variable: str, value: Any) -> str:
    """A breakdown category in words (a department without a value: "not given")."""
    if value is None:
        return _("not given")
    if variable == "sector":
        return str(SHORT_SECTOR_LABELS.get(value) or SECTOR_LABELS.get(value, value))
    if variable == "department":
        return DEPARTMENTS.get(value, value)
    if variable == "size":
        return str(SIZE_LABELS.get(value, value))
    return str(value)


def dimension_title(dimension_id: str, lang: str) -> str:
    return questionnaires().model.dimension(dimension_id).title.get(lang)


def _plain(text: str) -> str:
    """For sorting: "Áncash" between "Amazonas" and "Apurímac", not after "Ucayali"."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def view_options() -> dict[str, list[tuple[str, str]]]:
    """The choices of the dashboard's filter lists."""
    return {
        "sector": [(s, category_label("sector", s)) for s in SECTORS],
        "department": sorted(DEPARTMENTS.items(), key=lambda pair: _plain(pair[1])),
        "size": [(s, category_label("size", s)) for s in SIZES],
    }


def import_outcome(outcome: str, problem: str | None) -> str:
    """One line of the CSV import report."""
    if outcome == "invalid":
        return {
            "length": _("not a RUC: a RUC has 11 digits"),
            "prefix": _("not a RUC: it must start with 10, 15, 16, 17 or 20"),
            "checksum": _("not a valid RUC: the check digit does not match"),
        }.get(problem or "", _("not a RUC: write only its 11 digits"))
    return {
        "invited": _("invitation created"),
        "already_invited": _("already invited"),
        "duplicate": _("repeated in the file"),
        "member": _("already in the cohort"),
        "skipped": _("skipped (empty line or heading)"),
    }.get(outcome, outcome)
