"""A 2-D map of the groups: the first two principal components of the scaled scores, as SVG.

`pca_map` (numpy and scikit-learn, imported lazily) returns plain data — at most
`params.map_points` firms chosen with a seeded RNG, their coordinates and group, and the
centroids — so a fit can store it and draw it later. `map_svg` is pure Python: data in, markup
out, every text escaped.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

# Colour-blind-safe (Okabe–Ito), one per group.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
WIDTH, HEIGHT, PAD, LEGEND_LINE = 640, 420, 24, 18


def pca_map(z, labels, centroids_z, params) -> dict[str, Any]:
    """Coordinates of a deterministic sample of firms and of the centroids on the first two components."""
    import numpy as np
    from sklearn.decomposition import PCA

    n_components = min(2, z.shape[1])
    pca = PCA(n_components=n_components, svd_solver="full").fit(z)
    rng = np.random.default_rng(params.random_state + 1)
    sample = (np.sort(rng.choice(len(z), params.map_points, replace=False))
              if len(z) > params.map_points else np.arange(len(z)))
    points = pca.transform(z[sample])
    centres = pca.transform(centroids_z)
    if n_components == 1:
        points = np.column_stack([points, np.zeros(len(points))])
        centres = np.column_stack([centres, np.zeros(len(centres))])
    return {
        "explained": [round(float(v), 4) for v in pca.explained_variance_ratio_],
        "points": [[round(float(x), 3), round(float(y), 3), int(g)]
                   for (x, y), g in zip(points, labels[sample], strict=True)],
        "centroids": [[round(float(x), 3), round(float(y), 3), cid]
                      for cid, (x, y) in enumerate(centres, start=1)],
    }


def map_svg(data: Mapping[str, Any], names: Sequence[str], title: str, sizes: Sequence[int] | None = None,
            numbers: Sequence[int] | None = None) -> str:
    """SVG markup of `data` (from `pca_map`): one colour per group, centroids as crosses, a legend.

    `numbers` are the groups the legend lists (default 1…len(names)): a page that withholds some
    groups passes the numbers of those it shows, which keep their colours."""
    numbers = list(numbers) if numbers is not None else list(range(1, len(names) + 1))
    points, centres = data["points"], data["centroids"]
    xs = [p[0] for p in points] + [c[0] for c in centres] or [0.0]
    ys = [p[1] for p in points] + [c[1] for c in centres] or [0.0]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    legend_top = HEIGHT - PAD - LEGEND_LINE * len(names)
    plot_h = legend_top - 2 * PAD

    def sx(v: float) -> float:
        return round(PAD + (v - x0) / ((x1 - x0) or 1) * (WIDTH - 2 * PAD), 1)

    def sy(v: float) -> float:
        return round(PAD + plot_h - (v - y0) / ((y1 - y0) or 1) * plot_h, 1)

    explained = " + ".join(f"{v * 100:.0f} %" for v in data.get("explained", []))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-labelledby="map-title"><title id="map-title">{escape(title)}</title>',
             f'<desc>{escape(explained)}</desc>',
             f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>']
    for x, y, g in points:
        parts.append(f'<circle cx="{sx(x)}" cy="{sy(y)}" r="2.2" fill="{COLOURS[(g - 1) % len(COLOURS)]}" '
                     f'fill-opacity="0.55" class="g{g}"/>')
    for x, y, g in centres:
        cx, cy = sx(x), sy(y)
        parts.append(f'<path d="M{cx - 6} {cy}h12M{cx} {cy - 6}v12" stroke="#222" stroke-width="3"/>'
                     f'<path d="M{cx - 5} {cy}h10M{cx} {cy - 5}v10" stroke="{COLOURS[(g - 1) % len(COLOURS)]}" '
                     f'stroke-width="2"/>')
    for i, (number, name) in enumerate(zip(numbers, names, strict=True)):
        y = legend_top + PAD / 2 + i * LEGEND_LINE
        size = f" ({sizes[i]:,})" if sizes is not None else ""
        parts.append(f'<rect x="{PAD}" y="{y - 9}" width="10" height="10" '
                     f'fill="{COLOURS[(number - 1) % len(COLOURS)]}"/>'
                     f'<text x="{PAD + 16}" y="{y}" font-family="sans-serif" font-size="12">'
                     f'{number}. {escape(name)}{escape(size)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
