"""Simulated owners saving answers with think time, as the questionnaire page does.

Each owner is one asyncio task with its own keep-alive HTTP/1.1 connection. It connects when it
has something to send, as a browser does, sends one autosave batch, waits a random 50–150 % of
the think time, and again. Owners arrive spread over the first think time, not all at once.

Why not wrk, as for the saturation figures: wrk opens every connection at start and, with a
`delay`, waits before its first byte. gunicorn's gthread worker gives such a silent new
connection a thread for up to five seconds, so the run measured that artefact (p95 ≈ 500 ms for a
bare Flask page at 50 connections, 2 ms with enough threads) rather than the application.

A request whose kept-alive connection the server had just closed is sent again on a new one,
with the same Idempotency-Key (as the page's queue does): never applied twice, counted in
`resent`. Latency is measured from the first attempt.
"""
from __future__ import annotations

import asyncio
import json
import random
import statistics
import time
import urllib.parse
from dataclasses import dataclass, field

TIMEOUT_S = 10.0


@dataclass
class Owner:
    path: str       # /assessments/<id>/answers
    cookie: str
    csrf: str


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    acknowledged: int = 0         # distinct batches answered 200
    replays: int = 0              # of which the server said it had applied them already
    refused: dict[int, int] = field(default_factory=dict)   # other statuses
    timeouts: int = 0
    socket_errors: int = 0
    resent: int = 0
    seconds: float = 0.0

    @property
    def errors(self) -> int:
        return sum(self.refused.values()) + self.timeouts + self.socket_errors

    def percentile(self, pct: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]

    def summary(self) -> str:
        return (f"{self.acknowledged:,} saves acknowledged ({self.acknowledged / self.seconds:.0f}/s), "
                f"p50 {statistics.median(self.latencies_ms) if self.latencies_ms else 0:.1f} ms, "
                f"p95 {self.percentile(95):.1f} ms, p99 {self.percentile(99):.1f} ms, max "
                f"{max(self.latencies_ms, default=0):.1f} ms; refused {self.refused or 0}, timeouts {self.timeouts}, "
                f"socket errors {self.socket_errors}, resent {self.resent}")


class _Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def exchange(self, request: bytes) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(request)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)}
        body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _owner(n: int, owner: Owner, items: list, host: str, port: int, think_s: float, deadline: float,
                 tally: Tally) -> None:
    rng = random.Random(n)
    conn = _Connection(host, port)
    await asyncio.sleep(rng.uniform(0, think_s))
    counter = 0
    try:
        while time.monotonic() < deadline:
            counter += 1
            item_id, options = rng.choice(items)
            body = json.dumps({"base_version": 10**9, "answers": {item_id: {"option": rng.choice(options)}}}).encode()
            key = f"o{n}-{counter}-{rng.getrandbits(40):x}"
            request = (f"POST {owner.path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {owner.cookie}\r\n"
                       f"X-CSRFToken: {owner.csrf}\r\nIdempotency-Key: {key}\r\nContent-Type: application/json\r\n"
                       f"Content-Length: {len(body)}\r\n\r\n").encode() + body
            started = time.perf_counter()
            status = await _send(conn, request, tally)
            if status is not None:
                tally.latencies_ms.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(min(rng.uniform(0.5 * think_s, 1.5 * think_s), max(0.0, deadline - time.monotonic())))
    finally:
        conn.close()


async def _send(conn: _Connection, request: bytes, tally: Tally) -> int | None:
    for attempt in (1, 2):
        try:
            status, _headers, body = await asyncio.wait_for(conn.exchange(request), TIMEOUT_S)
        except TimeoutError:
            conn.close()
            tally.timeouts += 1
            return None
        except (ConnectionError, asyncio.IncompleteReadError, OSError):
            conn.close()
            if attempt == 1:
                tally.resent += 1   # the server closed an idle kept-alive connection: send again
                continue
            tally.socket_errors += 1
            return None
        if status == 200:
            tally.acknowledged += 1
            tally.replays += bool(json.loads(body).get("replay"))
        else:
            tally.refused[status] = tally.refused.get(status, 0) + 1
        return status
    return None


def run(base: str, owners: list[Owner], items: list, think_ms: int, seconds: int) -> Tally:
    """Let `owners` save for `seconds`; items are [item id, [option ids]] pairs to pick from."""
    parts = urllib.parse.urlsplit(base)
    choices = [(item_id, options) for item_id, options in items if options]
    tally = Tally()

    async def main() -> None:
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(_owner(n, owner, choices, parts.hostname, parts.port, think_ms / 1000, deadline, tally)
                               for n, owner in enumerate(owners)))

    tally.seconds = seconds

    asyncio.run(main())
    return tally
