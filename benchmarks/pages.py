"""Page throughput under gunicorn: the app's pages vs a bare Flask page, same settings."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.http_load import measure
from benchmarks.report import Figure
from benchmarks.server import ROOT, gunicorn


def app_environment(tmp: Path) -> dict[str, str]:
    """A production-like configuration on a throwaway, migrated SQLite database."""
    env = {
        "MATURITY_ENV": "production",
        "SECRET_KEY": "bench-" + "x" * 40,
        "INSTANCE_PATH": str(tmp),
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "STORAGE_DIR": str(tmp / "storage"),
    }
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT,
                   env={**os.environ, **env}, check=True, capture_output=True)
    return env


def run(seconds: int) -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        env = app_environment(Path(tmp))
        with gunicorn("benchmarks.bare_app:app") as base:
            measure(base + "/", 2)  # warm-up
            floor = measure(base + "/", seconds)
        with gunicorn("wsgi:app", env=env, ready_path="/healthz") as base:
            measure(base + "/", 2)
            home = measure(base + "/", seconds)
    note = (f"{home.tool}: p50 {home.p50_ms:.1f} ms vs {floor.p50_ms:.1f} ms, "
            f"p99 {home.p99_ms:.1f} ms vs {floor.p99_ms:.1f} ms, errors {home.errors}/{floor.errors}")
    return [Figure("home page under gunicorn (4 workers × 2 threads) vs bare Flask", home.requests_per_s,
                   floor.requests_per_s, "req/s", goal="(no goal set)", higher_is_better=True, note=note)]
