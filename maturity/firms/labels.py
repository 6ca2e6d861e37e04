"""Plain-word labels of the profile values, for forms and pages (the ids live in maturity/questionnaires/profile.py)."""
from __future__ import annotations

from maturity.i18n import _l

SECTOR_LABELS = {
    "textiles": _l("Textiles and clothing (garment workshops, knitting, fabric)"),
    "retail": _l("Shop or trade (bodega, market stall, wholesale, distribution)"),
    "tourism": _l("Tourism (lodging, restaurant, tour operator, transport)"),
    "footwear": _l("Footwear and leather goods"),
    "furniture": _l("Furniture and wood"),
    "fishery": _l("Fishing and aquaculture"),
    "agrifood": _l("Farming and food (coffee, cacao, fruit, dairy, bakery)"),
    "handicrafts": _l("Handicrafts and alpaca fibre"),
    "mining-suppliers": _l("Goods or services for mining"),
    "manufacturing": _l("Other manufacturing (metalwork, plastics, printing, chemicals)"),
    "general": _l("Other activity"),
}

TAX_REGIME_LABELS = {
    "nrus": _l("Nuevo RUS (NRUS)"),
    "rer": _l("Régimen Especial (RER)"),
    "rmt": _l("Régimen MYPE Tributario (RMT)"),
    "rg": _l("Régimen General (RG)"),
    "none": _l("None / I don't know"),
}

ASSOCIATION_LABELS = {
    "none": _l("No, I work alone"),
    "association": _l("Yes, a producers' or trade association"),
    "cooperative": _l("Yes, a cooperative"),
    "cluster": _l("Yes, a cluster or business network"),
}

SIZE_LABELS = {"micro": _l("micro"), "small": _l("small"), "medium": _l("medium"), "large": _l("large")}
