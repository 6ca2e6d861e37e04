"""HTTP load on loopback: wrk when installed, else a small threaded Python client (slower)."""
from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass


@dataclass
class LoadResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    tool: str


def measure(url: str, seconds: int = 8, connections: int = 16, headers: dict[str, str] | None = None) -> LoadResult:
    if shutil.which("wrk"):
        return _wrk(url, seconds, connections, headers or {})
    return _python(url, seconds, connections, headers or {})


def _wrk(url: str, seconds: int, connections: int, headers: dict[str, str]) -> LoadResult:
    extra = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *extra, url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return LoadResult(rps, _wrk_latency(out, "50%"), _wrk_latency(out, "99%"),
                      errors + (int(non2xx.group(1)) if non2xx else 0), "wrk")


def _wrk_latency(out: str, pct: str) -> float:
    value, unit = re.search(rf"{re.escape(pct)}\s+([\d.]+)(us|ms|s)", out).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _python(url: str, seconds: int, connections: int, headers: dict[str, str]) -> LoadResult:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback URL we built
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                    response.read()
                ok = True
            except OSError:
                ok = False
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors += 1

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else 0.0
    return LoadResult(len(latencies) / seconds, statistics.median(latencies) if latencies else 0.0, p99, errors, "python")
