"""Plain-word names for groups of firms, in Spanish and English, from their centroids.

A group is named after its strongest and weakest dimensions relative to the mean of all firms
fitted (`z`: the centroid minus the overall mean, in standard deviations):
- some dimensions above and some below: "Ventas digitales adelante, gestión rezagada" /
  "Digital sales ahead, management lagging";
- every dimension at or above the mean: "Adelante en todo, sobre todo en datos" /
  "Ahead on every front, most of all in data";
- every dimension at or below the mean: "Por detrás en todo, sobre todo en finanzas" /
  "Behind on every front, most of all in finance";
- every dimension within 0.25 standard deviations of the mean: "Cerca del promedio" /
  "Close to the average".
Two groups never share a name: a later group takes the next-best pair of dimensions, and as a
last resort its number. These names are data (stored with the fit), not UI strings: they are
built here in both languages and never pass through gettext.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import product

# id → (Spanish noun phrase, its gender and number: f, m, fp, mp), English noun phrase.
PHRASES: dict[str, tuple[str, str, str]] = {
    # this product's dimensions (dimensions.md)
    "T1": ("infraestructura", "f", "infrastructure"),
    "T2": ("ciberseguridad", "f", "cybersecurity"),
    "T3": ("sistemas de gestión", "mp", "business systems"),
    "T4": ("ventas digitales", "fp", "digital sales"),
    "T5": ("operaciones", "fp", "operations"),
    "T6": ("datos", "mp", "data"),
    "M1": ("estrategia", "f", "strategy"),
    "M2": ("liderazgo", "m", "leadership"),
    "M3": ("competencias digitales", "fp", "digital skills"),
    "M4": ("procesos", "mp", "processes"),
    "M5": ("cadena de valor", "f", "value chain"),
    "M6": ("finanzas", "fp", "finance"),
    # Ruta Digital's six domains (PRODUCE's column names)
    "GESTION_EMPRESARIAL": ("gestión", "f", "management"),
    "COMERCIO_ELECTRONICO": ("comercio electrónico", "m", "e-commerce"),
    "ANALISIS_DE_DATOS": ("análisis de datos", "m", "data analysis"),
    "MARKETING_DIGITAL": ("marketing digital", "m", "digital marketing"),
    "MEDIOS_DE_PAGO": ("medios de pago", "mp", "payments"),
    "FINANZAS": ("finanzas", "fp", "finance"),
}
_LAGGING_ES = {"f": "rezagada", "m": "rezagado", "fp": "rezagadas", "mp": "rezagados"}
NEAR = 0.25  # standard deviations: closer than this on every dimension is "close to the average"


def _es(dim: str) -> tuple[str, str]:
    phrase, gender, _en = PHRASES.get(dim, (dim, "m", dim))
    return phrase, gender


def _en(dim: str) -> str:
    return PHRASES.get(dim, (dim, "m", dim))[2]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def mixed(strong: str, weak: str) -> dict[str, str]:
    """"<strong> ahead, <weak> lagging", with the Spanish adjective agreeing with <weak>."""
    weak_es, gender = _es(weak)
    return {"es": f"{_cap(_es(strong)[0])} adelante, {weak_es} {_LAGGING_ES[gender]}",
            "en": f"{_cap(_en(strong))} ahead, {_en(weak)} lagging"}


def ahead(strong: str) -> dict[str, str]:
    return {"es": f"Adelante en todo, sobre todo en {_es(strong)[0]}",
            "en": f"Ahead on every front, most of all in {_en(strong)}"}


def behind(weak: str) -> dict[str, str]:
    return {"es": f"Por detrás en todo, sobre todo en {_es(weak)[0]}",
            "en": f"Behind on every front, most of all in {_en(weak)}"}


AVERAGE = {"es": "Cerca del promedio", "en": "Close to the average"}


def _candidates(z: dict[str, float], dims: Sequence[str]) -> Iterator[tuple[dict[str, str], str | None, str | None]]:
    """Names for one centroid, best first, with the (strongest, weakest) dimensions they cite."""
    order = {d: i for i, d in enumerate(dims)}
    # Highest first / lowest first; ties keep the dimension order.
    high = sorted(dims, key=lambda d: (-z[d], order[d]))
    low = sorted(dims, key=lambda d: (z[d], order[d]))
    if all(abs(z[d]) < NEAR for d in dims):
        yield AVERAGE, None, None
    if all(z[d] >= 0 for d in dims):
        for d in high:
            yield ahead(d), d, None
    elif all(z[d] <= 0 for d in dims):
        for d in low:
            yield behind(d), None, d
    else:
        ups = [d for d in high if z[d] > 0]
        downs = [d for d in low if z[d] < 0]
        pairs = sorted(product(range(len(ups)), range(len(downs))), key=lambda p: (p[0] + p[1], p))
        for i, j in pairs:
            yield mixed(ups[i], downs[j]), ups[i], downs[j]


def cluster_names(zs: Sequence[dict[str, float]], dims: Sequence[str]) -> list[dict[str, object]]:
    """A distinct bilingual name for each centroid (given in the groups' canonical order).

    Returns, per group, `{"name": {"es", "en"}, "strongest": id | None, "weakest": id | None}`.
    """
    used: set[str] = set()
    out = []
    for number, z in enumerate(zs, start=1):
        chosen = None
        for name, strong, weak in _candidates(z, dims):
            if name["en"] not in used:
                chosen = (name, strong, weak)
                break
        if chosen is None:  # every candidate taken: fall back on the group's number
            name, strong, weak = next(_candidates(z, dims))
            chosen = ({"es": f"{name['es']} ({number})", "en": f"{name['en']} ({number})"}, strong, weak)
        used.add(chosen[0]["en"])
        out.append({"name": chosen[0], "strongest": chosen[1], "weakest": chosen[2]})
    return out
