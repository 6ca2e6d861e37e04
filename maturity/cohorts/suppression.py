"""Small-group suppression: which cohort figures may be published. Pure Python (and numpy), no
Flask, no SQL.

Every output that shows cohort figures (pages, the owner's position on the results page, CSV and
XLSX exports, the cohort PDF, the Agency API) publishes through `publish()` / `publish_impact()`
/ `figure_shown()` / `position_shown()` here, so the rules are written once:

1. Threshold. A figure computed from fewer than `min_n` firms (MIN_CELL = 5, config
   BENCHMARK_MIN_FIRMS) is withheld: "—" with a note on pages, `null` in the API and exports.
   Counts of firms are figures too.
2. Complementary suppression. A breakdown (by sector, department or size) is published beside its
   total, so a withheld category could be recovered as "total minus the others". When categories
   are withheld, the next-smallest published categories are withheld too, until the withheld
   categories together hold at least `min_n` firms. This runs separately for every figure (the
   firm count, each index, each dimension), because each has its own firms (a dimension can be
   "not applicable" to some).
3. Differencing across breakdowns. The three breakdowns of one figure, and its total, are checked
   together as a linear system: no group of fewer than `min_n` firms that the analyst can name (a
   sector, a department, a size, or any combination of them) may have a sum that can be computed
   from the published cells. While one can, the smallest published category whose withholding
   helps is withheld too.
4. Filtered views are breakdown cells. The only filters are one of sector, department or size.
   A filtered view is refused when its firm-count cell is withheld by rules 1–3 (this is how a view
   that differs from the whole cohort by 1–4 firms is refused: the 1–4 firms form a category too
   small to show, so the view becomes its complementary cell). Inside an allowed view, each figure
   is shown only when that figure's own cell is published. Views have no breakdowns of their own.
5. Distributions (box plots) use P10/P25/median/P75/P90, never the minimum or maximum, and follow
   the figure they belong to.
6. Impact (baseline → follow-up) figures need `min_n` firms with both assessments.
7. Funnel counts (invited, joined, started, submitted) describe participation the analyst manages,
   not results, and are shown as they are.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from maturity.questionnaires.profile import SIZES

MIN_CELL = 5
VARIABLES = ("sector", "department", "size")
INDICES = ("overall", "technology", "management")
QUANTILES = (("p10", 0.10), ("p25", 0.25), ("median", 0.50), ("p75", 0.75), ("p90", 0.90))
# A group of firms in the finest breakdown: (sector, department, size); department may be None.
Key = tuple[Any, Any, Any]
Withheld = dict[str, frozenset]


@dataclass(frozen=True)
class Sums:
    """What SQL returns for one figure over one group of firms: how many firms, and their sum."""

    n: int
    total: float = 0.0

    def __add__(self, other: Sums) -> Sums:
        return Sums(self.n + other.n, self.total + other.total)

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None


@dataclass
class RawBenchmarks:
    """A cohort's aggregates as computed in SQL, before anything is published.

    `firms` and `metrics` are per finest group (sector, department, size), so every breakdown and
    view can be derived and checked; `quantiles` hold the distribution of each dimension over the
    requested view only.
    """

    firms: dict[Key, int] = field(default_factory=dict)
    metrics: dict[str, dict[Key, Sums]] = field(default_factory=dict)
    quantiles: dict[str, dict[str, float]] = field(default_factory=dict)
    dimensions: tuple[str, ...] = ()


# --- rules 1 and 2 ----------------------------------------------------------------------------

def enough(n: int, min_n: int = MIN_CELL) -> bool:
    """Rule 1: a figure from at least `min_n` firms."""
    return n >= min_n


def safe_difference(n: int, containing: Iterable[int], min_n: int = MIN_CELL) -> bool:
    """Whether a figure over `n` firms may stand beside figures over groups that contain it:
    each difference must be no firm at all (the same figure) or at least `min_n` firms."""
    return all(c - n == 0 or c - n >= min_n for c in containing)


def suppress_breakdown(counts: Mapping[Hashable, int], min_n: int = MIN_CELL,
                       total_shown: bool = True) -> frozenset:
    """Rules 1 and 2 for one breakdown: the categories to withhold, complementary ones included."""
    present = {key: n for key, n in counts.items() if n > 0}
    withheld = {key for key, n in present.items() if n < min_n}
    if total_shown and withheld:
        while sum(present[key] for key in withheld) < min_n:
            rest = sorted((key for key in present if key not in withheld), key=lambda k: (present[k], str(k)))
            if not rest:
                break
            withheld.add(rest[0])
    return frozenset(withheld)


def _margin(cells: Mapping[Key, Any], variable: str) -> dict[Any, Any]:
    index = VARIABLES.index(variable)
    out: dict[Any, Any] = {}
    for key, value in cells.items():
        category = key[index]
        out[category] = out[category] + value if category in out else value
    return out


# --- rule 3: the published cells of one figure as a linear system ------------------------------

def _small_groups(counts: Mapping[Key, int], min_n: int) -> list[frozenset[Key]]:
    """Every group an analyst can name by up to three categories (a sector; a sector in a
    department; …) that holds between 1 and min_n − 1 firms, as the set of finest keys in it."""
    if all(n >= min_n for n in counts.values()):
        return []   # every group is a union of finest groups: none can be small
    groups: dict[tuple, set[Key]] = {}
    for key in counts:
        for size in (1, 2, 3):
            for positions in combinations(range(3), size):
                label = tuple((p, key[p]) for p in positions)
                groups.setdefault(label, set()).add(key)
    small = []
    for members in groups.values():
        n = sum(counts[k] for k in members)
        if 0 < n < min_n:
            small.append(frozenset(members))
    return list(set(small))


def _published_sets(counts: Mapping[Key, int], withheld: Mapping[str, Iterable], total_shown: bool) -> list[set[Key]]:
    sets = []
    if total_shown:
        sets.append(set(counts))
    for variable in VARIABLES:
        index = VARIABLES.index(variable)
        hidden = set(withheld[variable])
        for category in {key[index] for key in counts} - hidden:
            sets.append({key for key in counts if key[index] == category})
    return sets


def recoverable(counts: Mapping[Key, int], published: list[set[Key]], groups: list[frozenset[Key]]) -> list[frozenset[Key]]:
    """The groups whose sum is a linear combination of the published sums (numerically: the
    group's indicator lies in the row space of the published sets' indicators)."""
    keys = [k for k in counts if counts[k] > 0]
    if not published or not groups or not keys:
        return []
    column = {k: i for i, k in enumerate(keys)}
    rows = np.zeros((len(published), len(keys)))
    for r, members in enumerate(published):
        for k in members:
            if k in column:
                rows[r, column[k]] = 1.0
    _u, singular, vt = np.linalg.svd(rows, full_matrices=False)
    rank = int((singular > 1e-9 * max(singular[0], 1.0)).sum()) if singular.size else 0
    basis = vt[:rank]
    leaks = []
    for group in groups:
        vector = np.zeros(len(keys))
        for k in group:
            if k in column:
                vector[column[k]] = 1.0
        residual = vector - basis.T @ (basis @ vector)
        if np.linalg.norm(residual) < 1e-7:
            leaks.append(group)
    return leaks


def withheld_categories(counts: Mapping[Key, int], min_n: int = MIN_CELL) -> Withheld:
    """Rules 1–3 for one figure: {variable: categories withheld}, from the figure's firm counts
    per finest group."""
    counts = {k: n for k, n in counts.items() if n > 0}
    total_shown = enough(sum(counts.values()), min_n)
    withheld = {v: set(suppress_breakdown(_margin(counts, v), min_n, total_shown)) for v in VARIABLES}
    groups = _small_groups(counts, min_n)
    leaks = recoverable(counts, _published_sets(counts, withheld, total_shown), groups)
    while leaks:
        shown = sorted(((n, str(c), v, c) for v in VARIABLES for c, n in _margin(counts, v).items()
                        if c not in withheld[v]), key=lambda t: (t[0], t[1], t[2]))
        if not shown:
            break
        chosen = None
        for _n, _label, variable, category in shown:
            trial = {v: set(s) for v, s in withheld.items()}
            trial[variable].add(category)
            remaining = recoverable(counts, _published_sets(counts, trial, total_shown), groups)
            if len(remaining) < len(leaks):
                chosen, leaks = (variable, category), remaining
                break
        if chosen is None:  # no single step helps: withhold the smallest and look again
            _n, _label, variable, category = shown[0]
            chosen = (variable, category)
            withheld[variable].add(category)
            leaks = recoverable(counts, _published_sets(counts, withheld, total_shown), groups)
        else:
            withheld[chosen[0]].add(chosen[1])
    return {v: frozenset(s) for v, s in withheld.items()}


# --- publishing ------------------------------------------------------------------------------

def _counts(cells: Mapping[Key, Sums]) -> dict[Key, int]:
    return {key: s.n for key, s in cells.items()}


def _total(cells: Mapping[Key, Sums]) -> Sums:
    total = Sums(0)
    for value in cells.values():
        total = total + value
    return total


def view_refusal(raw: RawBenchmarks, variable: str, value: Any, min_n: int = MIN_CELL,
                 withheld: Withheld | None = None) -> str | None:
    """Rule 4: why the view `variable = value` may not be shown ('too_few', 'difference'), or None."""
    if variable not in VARIABLES:
        return "unknown"
    n = _margin(raw.firms, variable).get(value, 0)
    total = sum(raw.firms.values())
    if not enough(n, min_n):
        return "too_few"
    withheld = withheld if withheld is not None else withheld_categories(raw.firms, min_n)
    if not safe_difference(n, [total], min_n) or value in withheld[variable]:
        return "difference"
    return None


def _cell(cells: Mapping[Key, Sums], view: tuple[str, Any] | None, withheld: Withheld, min_n: int) -> tuple[bool, Sums]:
    """Whether one figure is shown over the view, and its sums there."""
    total = _total(cells)
    if view is None:
        return enough(total.n, min_n), total
    variable, value = view
    sums = _margin(cells, variable).get(value, Sums(0))
    shown = enough(sums.n, min_n) and safe_difference(sums.n, [total.n], min_n) and value not in withheld[variable]
    return shown, sums


def figure_shown(raw: RawBenchmarks, metric: str, view: tuple[str, Any] | None, min_n: int = MIN_CELL) -> bool:
    """Whether one figure (an index or a dimension) may be shown over the view (rules 1–4)."""
    if view is not None and view_refusal(raw, view[0], view[1], min_n) is not None:
        return False
    cells = raw.metrics.get(metric, {})
    return _cell(cells, view, withheld_categories(_counts(cells), min_n), min_n)[0]


def _published(shown: bool, sums: Sums, quantiles: Mapping[str, float] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"shown": shown, "n": sums.n if shown else None,
                            "mean": round(sums.mean, 1) if shown and sums.mean is not None else None}
    if quantiles is not None:
        body |= {name: (round(quantiles[name], 1) if shown and quantiles.get(name) is not None else None)
                 for name, _p in QUANTILES}
    return body


def _breakdown(raw: RawBenchmarks, variable: str, withheld: Mapping[str, Withheld]) -> dict[str, Any]:
    firms = _margin(raw.firms, variable)
    margins = {metric: _margin(raw.metrics.get(metric, {}), variable) for metric in INDICES}
    rows = []
    order = (lambda c: (c is None, SIZES.index(c) if c in SIZES else 9, str(c))) if variable == "size" else \
        (lambda c: (c is None, str(c)))
    for category in sorted(firms, key=order):
        row: dict[str, Any] = {"value": category,
                               "firms": firms[category] if category not in withheld["firms"][variable] else None}
        for metric in INDICES:
            sums = margins[metric].get(category, Sums(0))
            ok = sums.n > 0 and category not in withheld[metric][variable]
            row[metric] = round(sums.mean, 1) if ok and sums.mean is not None else None
        rows.append(row)
    return {"variable": variable, "rows": rows}


def publish(raw: RawBenchmarks, view: tuple[str, Any] | None = None, min_n: int = MIN_CELL) -> dict[str, Any]:
    """The publishable benchmarks of a cohort, for the whole cohort (`view=None`) or one filter.

    Withheld figures are None; `refused` says why a filtered view shows nothing at all.
    """
    withheld = {"firms": withheld_categories(raw.firms, min_n)}
    for metric in (*INDICES, *raw.dimensions):
        withheld[metric] = withheld_categories(_counts(raw.metrics.get(metric, {})), min_n)
    result: dict[str, Any] = {"min_firms": min_n, "view": None, "refused": None}
    total_firms = sum(raw.firms.values())
    if view is None:
        result["firms"] = total_firms if enough(total_firms, min_n) else None
    else:
        result["view"] = {"variable": view[0], "value": view[1]}
        result["refused"] = view_refusal(raw, view[0], view[1], min_n, withheld["firms"])
        result["firms"] = _margin(raw.firms, view[0]).get(view[1], 0) if result["refused"] is None else None
    if result["refused"] is not None:
        return result | {"indices": {m: _published(False, Sums(0)) for m in INDICES},
                         "dimensions": [{"id": d} | _published(False, Sums(0), {}) for d in raw.dimensions],
                         "breakdowns": {}}
    result["indices"] = {}
    for metric in INDICES:
        shown, sums = _cell(raw.metrics.get(metric, {}), view, withheld[metric], min_n)
        result["indices"][metric] = _published(shown, sums)
    result["dimensions"] = []
    for dim in raw.dimensions:
        shown, sums = _cell(raw.metrics.get(dim, {}), view, withheld[dim], min_n)
        result["dimensions"].append({"id": dim} | _published(shown, sums, raw.quantiles.get(dim, {})))
    result["breakdowns"] = {} if view is not None else {v: _breakdown(raw, v, withheld) for v in VARIABLES}
    return result


# --- impact and the owner's position --------------------------------------------------------

def publish_impact(figures: Mapping[str, Mapping[str, Any]], min_n: int = MIN_CELL) -> dict[str, dict[str, Any]]:
    """Rule 6: keep an impact figure (mean change, interval, share up a band) only when it comes
    from at least `min_n` firms assessed twice; otherwise every number in it is withheld."""
    out = {}
    for name, figure in figures.items():
        n = figure.get("n") or 0
        if enough(n, min_n):
            out[name] = dict(figure) | {"shown": True}
        else:
            out[name] = {key: None for key in figure} | {"shown": False}
    return out


def position_shown(group_n: int, min_n: int = MIN_CELL) -> bool:
    """The owner's position within a group (its cohort, or its sector in the cohort) is shown only
    when the group holds at least `min_n` firms (the firm itself included)."""
    return enough(group_n, min_n)
