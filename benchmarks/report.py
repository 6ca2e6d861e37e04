"""Collect figures, print them as a table, write them as JSON to benchmarks/results/."""
from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Figure:
    name: str            # what was measured
    value: float         # the project's figure
    floor: float | None  # the same work done by the bare library, in the same run
    unit: str            # "req/s", "ms", "s", "MB" …
    goal: str = ""       # the absolute goal, as text ("≤ 1 ms")
    higher_is_better: bool = False
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """value ÷ floor: the share of the floor we keep (throughput) or the cost over it (time)."""
        if not self.floor:
            return None
        return self.value / self.floor


def print_table(figures: list[Figure]) -> None:
    header = f"{'figure':<58} {'value':>12} {'floor':>12} {'ratio':>7}  goal"
    print(header)
    print("-" * len(header))
    for f in figures:
        floor = f"{f.floor:,.3f}" if f.floor is not None else "-"
        ratio = f"{f.ratio:.2f}" if f.ratio is not None else "-"
        print(f"{f.name:<58} {f.value:>12,.3f} {floor:>12} {ratio:>7}  {f.goal} ({f.unit})")
        if f.note:
            print(f"    {f.note}")


def write_json(figures: list[Figure]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"bench-{stamp}.json"
    payload = {
        "when": stamp,
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "figures": [asdict(f) | {"ratio": f.ratio} for f in figures],
    }
    path.write_text(json.dumps(payload, indent=2))
    return path
