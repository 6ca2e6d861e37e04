"""The firm profile of contracts.md: field names and their allowed values, in one place.

Pure Python (no Flask): forms, the API, questionnaire conditions and exports all read it.
"""
from __future__ import annotations

SECTORS = ("textiles", "retail", "tourism", "footwear", "furniture", "fishery", "agrifood",
           "handicrafts", "mining-suppliers", "manufacturing", "general")
SIZES = ("micro", "small", "medium", "large")
SALES_BANDS = ("le150uit", "le1700uit", "le2300uit", "gt2300uit")
# Ley 30056: micro ≤ 150 UIT, small ≤ 1,700 UIT, medium ≤ 2,300 UIT of annual sales, large above.
SIZE_BY_SALES_BAND = {"le150uit": "micro", "le1700uit": "small", "le2300uit": "medium", "gt2300uit": "large"}
SALES_BAND_UIT_LIMIT = {"le150uit": 150, "le1700uit": 1700, "le2300uit": 2300, "gt2300uit": None}
TAX_REGIMES = ("nrus", "rer", "rmt", "rg", "none")
ASSOCIATIONS = ("none", "association", "cooperative", "cluster")

# INEI ubigeo department codes.
DEPARTMENTS = {
    "01": "Amazonas", "02": "Áncash", "03": "Apurímac", "04": "Arequipa", "05": "Ayacucho",
    "06": "Cajamarca", "07": "Callao", "08": "Cusco", "09": "Huancavelica", "10": "Huánuco",
    "11": "Ica", "12": "Junín", "13": "La Libertad", "14": "Lambayeque", "15": "Lima",
    "16": "Loreto", "17": "Madre de Dios", "18": "Moquegua", "19": "Pasco", "20": "Piura",
    "21": "Puno", "22": "San Martín", "23": "Tacna", "24": "Tumbes", "25": "Ucayali",
}

# field -> kind: "enum" (with its values), "bool", "int" (≥ 0), "str".
PROFILE_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "sector": ("enum", SECTORS),
    "ciiu": ("str", ()),
    "size": ("enum", SIZES),
    "employees": ("int", ()),
    "annual_sales_band": ("enum", SALES_BANDS),
    "department": ("enum", tuple(DEPARTMENTS)),
    "has_ruc": ("bool", ()),
    "tax_regime": ("enum", TAX_REGIMES),
    "issues_e_invoices": ("bool", ()),
    "exports": ("bool", ()),
    "export_intent": ("bool", ()),
    "association": ("enum", ASSOCIATIONS),
    "years_operating": ("int", ()),
}


def size_for_sales_band(band: str) -> str:
    """Ley 30056 size from the annual-sales band."""
    return SIZE_BY_SALES_BAND[band]
