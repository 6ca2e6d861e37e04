"""Load figures on demand (not in CI, not in `make bench`): many owners answering at once.

    .venv/bin/python -m benchmarks.load [--owners 300] [--seconds 600] [--think-ms 12000]

Part 1 — owners with think time: each of `--owners` simulated owners (logged in through the real
form; benchmarks.owners: one keep-alive connection each, arriving spread over the first think
time) sends one autosave batch, then waits a random 50–150 % of `--think-ms`, for `--seconds`,
against gunicorn (as `make serve` runs it) on SQLite. Part 2 — saturation: 64 owners back to back
(wrk) for a minute. After each part the database is read: every
acknowledged save must have its receipt, and the assessments' versions must have grown by exactly
the number of receipts (nothing lost, nothing applied twice).
Goals (security and reliability issue): 0 errors, 0 lost answers, autosave p95 ≤ 150 ms and
p99 ≤ 500 ms with think time; saturation ≥ 250 saves/s with p99 ≤ 1 s.
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from benchmarks import owners as owners_load
from benchmarks.assessment import _owners, _seed, wrk_saves
from benchmarks.server import gunicorn


def _counts(db: Path) -> tuple[int, int]:
    """(save receipts, sum of assessment versions) — the protocol's two ledgers, read in one
    transaction (one snapshot), after the requests still in flight when wrk stopped have ended."""
    time.sleep(3)
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("BEGIN")
        receipts = conn.execute("SELECT count(*) FROM save_receipt").fetchone()[0]
        versions = conn.execute("SELECT coalesce(sum(version), 0) FROM assessment").fetchone()[0]
        conn.execute("COMMIT")
    finally:
        conn.close()
    return receipts, versions


def _think_time(base: str, users: list[dict], owners: int, seconds: int, think_ms: int) -> dict:
    tally = owners_load.run(base, _owners(base, users, owners), users[0]["items"], think_ms, seconds)
    return {"requests": len(tally.latencies_ms), "acknowledged": tally.acknowledged,
            "non_2xx": sum(tally.refused.values()),
            "socket_errors": {"timeout": tally.timeouts, "socket": tally.socket_errors, "resent": tally.resent},
            "saves_per_s": tally.acknowledged / tally.seconds, "p50_ms": tally.percentile(50),
            "p95_ms": tally.percentile(95), "p99_ms": tally.percentile(99)}


def _saturation(base: str, users: list[dict], connections: int, seconds: int, tmp: Path) -> dict:
    return wrk_saves(base, _owners(base, users, connections), users[0]["items"], seconds, tmp, timeout="10s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--owners", type=int, default=300)
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--think-ms", type=int, default=12000)   # one answer about every 12 s
    parser.add_argument("--saturation-seconds", type=int, default=60)
    parser.add_argument("--keep-alive", type=int, default=75, help="gunicorn's keep-alive, seconds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        db = tmp / "load.db"
        env = {"MATURITY_ENV": "development", "SECRET_KEY": "load-" + "x" * 40, "INSTANCE_PATH": str(tmp),
               "STORAGE_DIR": str(tmp / "storage"), "DATABASE_URL": f"sqlite:///{db}",
               "LOGIN_IP_LIMIT": "100000 per minute"}
        users = _seed(env, args.owners)
        # Owners think for seconds between saves: with gunicorn's default 2 s keep-alive every save
        # would open a new connection (a proxy in front keeps them open; so does this).
        with gunicorn("wsgi:app", env=env, ready_path="/healthz", extra=("--keep-alive", str(args.keep_alive))) as base:
            before = _counts(db)
            think = _think_time(base, users, args.owners, args.seconds, args.think_ms)
            middle = _counts(db)
            saturation = _saturation(base, users, min(64, args.owners), args.saturation_seconds, tmp)
            after = _counts(db)
    for name, result, (r0, v0), (r1, v1) in (("think time", think, before, middle),
                                             ("saturation", saturation, middle, after)):
        receipts, versions = r1 - r0, v1 - v0
        lost = max(0, result["acknowledged"] - receipts)
        print(f"{name}: {result['requests']:,} saves, {result['saves_per_s']:.0f}/s, p50 {result['p50_ms']:.1f} ms, "
              f"p95 {result['p95_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, non-2xx {result['non_2xx']}, "
              f"socket errors {result['socket_errors'] or 0}; receipts {receipts:,}, version increments {versions:,}, "
              f"acknowledged but missing {lost}")
        if lost or receipts != versions:
            raise SystemExit(f"{name}: the ledgers disagree — an acknowledged save is missing or was applied twice")
    print(f"goals: think time p95 ≤ 150 ms, p99 ≤ 500 ms, 0 errors; saturation ≥ 250 saves/s with p99 ≤ 1000 ms "
          f"({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
