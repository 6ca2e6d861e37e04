"""Start gunicorn on a free loopback port for the duration of a benchmark."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# As `make serve` runs it: 4 processes × 2 threads (gthread). Sync workers would sit idle on a
# client that has connected but not yet sent its request — exactly what a phone on a weak signal
# does — unless a buffering proxy stands in front.
GUNICORN_SETTINGS = ["--workers", "4", "--threads", "2", "--worker-class", "gthread", "--log-level", "warning"]


class Server(str):
    """The base URL of a running gunicorn (a str), with its master's pid."""

    pid: int


def worker_rss_mb(master_pid: int) -> list[float]:
    """Resident memory of each worker process of the gunicorn master `master_pid` (Linux /proc)."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master_pid) and "VmRSS" in fields:
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sizes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str] | None = None, ready_path: str = "/",
             extra: tuple[str, ...] = ()) -> Iterator[Server]:
    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", *GUNICORN_SETTINGS, *extra, "--bind", f"127.0.0.1:{port}", app]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})})
    base = Server(f"http://127.0.0.1:{port}")
    base.pid = proc.pid
    try:
        _wait(base + ready_path, proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _wait(url: str, proc: subprocess.Popen) -> None:
    for _ in range(200):
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - loopback URL we built
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer on {url}")
