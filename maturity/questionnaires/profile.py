"""The firm profile of contracts.md (fields and allowed values) and checks of its values.

The one place these are defined. Pure Python, so questionnaire conditions, scoring, the Flask
forms and models, the API and the exports all import it (the `firms` package imports Flask, which
is why this lives here).
"""
from __future__ import annotations

from typing import Any

SECTORS = ("textiles", "retail", "tourism", "footwear", "furniture", "fishery", "agrifood",
           "handicrafts", "mining-suppliers", "manufacturing", "general")
SIZES = ("micro", "small", "medium", "large")
SALES_BANDS = ("le150uit", "le1700uit", "le2300uit", "gt2300uit")
# Ley 30056: micro ≤ 150 UIT, small ≤ 1,700 UIT, medium ≤ 2,300 UIT of annual sales, large above.
SIZE_BY_SALES_BAND = {"le150uit": "micro", "le1700uit": "small", "le2300uit": "medium",
                      "gt2300uit": "large"}
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


# --- checks of values (stable codes, shared with the scoring API) ------------------------------

WRONG_TYPE = "wrong_type"          # params: expected (boolean, integer, string …)
UNKNOWN_VALUE = "unknown_value"    # params: value, allowed
OUT_OF_RANGE = "out_of_range"      # params: minimum

# field kind -> the stable `expected` param of WRONG_TYPE
_EXPECTED = {"bool": "boolean", "int": "integer", "enum": "string", "str": "string"}
_EXPECTED_WORDS = {"boolean": "true or false (unquoted)", "integer": "a whole number",
                   "string": "a quoted string"}


def value_problem(name: str, value: Any) -> tuple[str, dict[str, Any]] | None:
    """Why `value` cannot be the value of profile field `name`: (code, params), or None."""
    kind, allowed = PROFILE_FIELDS[name]
    wrong_type = (WRONG_TYPE, {"expected": _EXPECTED[kind]})
    if kind == "bool":
        return None if isinstance(value, bool) else wrong_type
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            return wrong_type
        return None if value >= 0 else (OUT_OF_RANGE, {"minimum": 0})
    if not isinstance(value, str):
        return wrong_type
    if kind == "enum" and value not in allowed:
        return UNKNOWN_VALUE, {"value": value, "allowed": list(allowed)}
    return None


def describe_value_problem(value: Any, problem: tuple[str, dict[str, Any]]) -> str:
    """The problem of `value_problem` in plain English, for questionnaire authors."""
    code, params = problem
    if code == WRONG_TYPE:
        return f"expected {_EXPECTED_WORDS[params['expected']]}, got {value!r}"
    if code == OUT_OF_RANGE:
        return f"expected a number ≥ {params['minimum']}, got {value!r}"
    return f"'{value}' is not one of: {', '.join(params['allowed'])}"
