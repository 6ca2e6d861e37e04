"""A radar chart of the twelve dimensions as plain SVG geometry (rendered by a template)."""
from __future__ import annotations

import math
from dataclasses import dataclass

SIZE = 320
CENTER = SIZE / 2
RADIUS = 110


@dataclass(frozen=True)
class Axis:
    id: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str


def _point(index: int, count: int, fraction: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return (round(CENTER + RADIUS * fraction * math.cos(angle), 1),
            round(CENTER + RADIUS * fraction * math.sin(angle), 1))


def radar(scores: list[tuple[str, float | None]]) -> dict:
    """Axes, grid rings (20, 40 … 100) and the score polygon; a dimension without a score sits at 0."""
    count = len(scores)
    axes = []
    for i, (dim, _score) in enumerate(scores):
        x, y = _point(i, count, 1.0)
        lx, ly = _point(i, count, 1.18)
        anchor = "middle" if abs(lx - CENTER) < 8 else ("start" if lx > CENTER else "end")
        axes.append(Axis(dim, x, y, lx, ly + 4, anchor))
    rings = [" ".join(f"{x},{y}" for x, y in (_point(i, count, level / 100) for i in range(count)))
             for level in (20, 40, 60, 80, 100)]
    polygon = " ".join(f"{x},{y}" for x, y in (_point(i, count, (s or 0) / 100) for i, (_d, s) in enumerate(scores)))
    return {"size": SIZE, "center": CENTER, "axes": axes, "rings": rings, "polygon": polygon}
