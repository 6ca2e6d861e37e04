"""Small jobs for the queue tests (importable by the RQ work horse, which is forked from pytest)."""
from __future__ import annotations

from pathlib import Path


def count_and_fail(path: str) -> None:
    """Record one run, then fail the way a broken render would."""
    with Path(path).open("a") as f:
        f.write("run\n")
    raise RuntimeError("the renderer broke")


def count_runs(path: str) -> int:
    p = Path(path)
    return len(p.read_text().splitlines()) if p.exists() else 0
