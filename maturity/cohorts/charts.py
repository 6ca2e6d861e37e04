"""Box plots of the dimensions as server-rendered SVG geometry (the template draws it; no script).

Whiskers at P10 and P90, box from P25 to P75, a line at the median: never a single firm's minimum
or maximum. A withheld dimension gets a row with no marks (the template writes "—").
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

WIDTH = 640
LEFT = 44          # room for the dimension id
RIGHT = 16
ROW = 30
TOP = 8
AXIS = 26          # room for the 0–100 labels under the plot


def _x(score: float) -> float:
    return round(LEFT + (WIDTH - LEFT - RIGHT) * max(0.0, min(100.0, score)) / 100.0, 1)


def box_plot(dimensions: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Geometry for one chart: a row per dimension with its marks (None when withheld)."""
    rows = []
    for i, dim in enumerate(dimensions):
        y = TOP + i * ROW
        marks = None
        if dim.get("shown") and dim.get("median") is not None:
            marks = {name: _x(dim[name]) for name in ("p10", "p25", "median", "p75", "p90")}
            marks["box_width"] = round(marks["p75"] - marks["p25"], 1)
            marks["mean"] = _x(dim["mean"]) if dim.get("mean") is not None else None
        rows.append({"id": dim["id"], "y": y, "mid": y + ROW / 2, "top": y + 6, "height": ROW - 12,
                     "label_y": y + ROW / 2 + 4, "marks": marks})
    height = TOP + len(rows) * ROW + AXIS
    ticks = [{"x": _x(v), "label": str(v)} for v in (0, 20, 40, 60, 80, 100)]
    return {"width": WIDTH, "height": height, "rows": rows, "ticks": ticks, "plot_top": TOP,
            "plot_bottom": TOP + len(rows) * ROW, "label_x": 4, "tick_label_y": TOP + len(rows) * ROW + 16}
