"""The owner's pages and autosave under gunicorn, beside a bare Flask page under the same settings.

Figures (issue: owner self-assessment):
- questionnaire page and results page throughput vs the bare-Flask floor (goal ≥ 35 %), beside
  this app's own empty request (/healthz, anonymous and signed in): what every request costs here
  before any page work, and so the most any page can reach;
- autosave p50/p95 at 20 and 50 concurrent clients (goal p95 ≤ 50 ms), on SQLite, and on
  PostgreSQL when BENCH_DATABASE_URL (or TEST_DATABASE_URL) names a server.
Paced autosave runs use simulated owners (benchmarks.owners), who connect when they send as a
browser does; saturation uses wrk back to back. Autosave figures carry no floor: the goal is
absolute.
"""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

from benchmarks import owners as owners_load
from benchmarks.http_load import measure
from benchmarks.owners import Owner
from benchmarks.report import Figure
from benchmarks.server import ROOT, gunicorn, worker_rss_mb

PASSWORD = "bench-password-long-enough-2026"
USERS = 50

SEED = """
import json, sys
from maturity import create_app
from maturity.extensions import db
from maturity.auth.models import User
from maturity.auth.passwords import hash_password
from maturity.content import questionnaires
from maturity.firms.models import Firm, FirmMember
from maturity.assessments.models import Assessment
from maturity.assessments.operations import start_assessment, submit_assessment
app = create_app()
out = []
with app.app_context():
    db.drop_all()
    db.create_all()
    hashed = hash_password(sys.argv[1])
    q = questionnaires()["general"]
    for n in range(int(sys.argv[2])):
        user = User(email=f"bench{n}@example.pe", password_hash=hashed, role="owner")
        firm = Firm(name=f"Bench {n}", sector="general")
        db.session.add_all([user, firm]); db.session.flush()
        db.session.add(FirmMember(firm_id=firm.id, user_id=user.id, role="owner")); db.session.commit()
        a = start_assessment(firm, user, q)
        out.append({"email": user.email, "assessment": a.id})
    # one submitted assessment for the results page
    first = db.session.get(Assessment, out[0]["assessment"])
    second = start_assessment(first.firm, db.session.get(User, first.created_by_id), q)
    from maturity.assessments.operations import save_answers
    answers = {i.id: {"option": ([o.id for o in i.options if not o.reserved][:1] if i.multiple
               else [o.id for o in i.options if not o.reserved][1])} for i in q.items}
    save_answers(second, db.session.get(User, first.created_by_id), q, "seed-key-0001", 0, answers)
    submit_assessment(second, db.session.get(User, first.created_by_id), q)
    out[0]["submitted"] = second.id
    out[0]["items"] = [[i.id, [o.id for o in i.options if not o.reserved and not i.multiple]] for i in q.items if not i.multiple]
print(json.dumps(out))
"""

LUA = """
local users = %(users)s
local items = %(items)s
local counter = 0
local threads = {}
acked = 0
-- Each wrk thread is its own Lua state with the same default random seed: without the thread's
-- number in the key, two threads would send the same Idempotency-Key, and the second save would
-- be (correctly) a replay.
setup = function(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
init = function(args)
  math.randomseed(os.time() * 100 + (tid or 0))
end
request = function()
  counter = counter + 1
  local u = users[math.random(#users)]
  local item = items[math.random(#items)]
  local option = item[2][math.random(#item[2])]
  local key = string.format("t%%d-%%d-%%d-%%d", tid or 0, math.random(1e9), counter, os.time())
  local body = '{"base_version": 1000000000, "answers": {"' .. item[1] .. '": {"option": "' .. option .. '"}}}'
  return wrk.format("POST", u.url, {["Content-Type"] = "application/json", ["Cookie"] = u.cookie,
                    ["X-CSRFToken"] = u.csrf, ["Idempotency-Key"] = key}, body)
end
response = function(status, headers, body)
  if status == 200 then acked = acked + 1 end
end
done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + (thread:get("acked") or 0) end
  io.write(string.format("ACKED %%d\\n", total))
  io.write(string.format("LATENCY p50=%%.3f p95=%%.3f p99=%%.3f\\n", latency:percentile(50) / 1000,
           latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def _login(base: str, email: str) -> tuple[str, str]:
    """Log in through the real form; return (Cookie header, CSRF token for JSON writes)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(base + "/auth/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": PASSWORD}).encode()
    opener.open(base + "/auth/login", data)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    html = opener.open(base + "/assessments/").read().decode()
    return cookie, re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1) if "csrf_token" in html else token


def _seed(env: dict[str, str], owners: int = USERS) -> list[dict]:
    result = subprocess.run([sys.executable, "-c", SEED, PASSWORD, str(owners)], cwd=ROOT, env={**os.environ, **env},
                            capture_output=True, text=True, check=False)
    if result.returncode:
        raise RuntimeError("seeding the benchmark database failed:\n" + result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def _owners(base: str, users: list[dict], count: int) -> list[Owner]:
    """`count` owners logged in through the real form, each with their own assessment."""
    owners = []
    for u in users[:count]:
        cookie, csrf = _login(base, u["email"])
        owners.append(Owner(f"/assessments/{u['assessment']}/answers", cookie, csrf))
    return owners


def _autosave(base: str, users: list[dict], items: list, connections: int, seconds: int,
              tmp: Path, pace_ms: int = 0) -> tuple[float, float, float, float]:
    """pace_ms > 0: each owner sends a batch, then waits about that long (the page batches changes
    for ~1 s), as real owners do (benchmarks.owners); 0: wrk, back to back (saturation)."""
    owners = _owners(base, users, connections)
    if pace_ms:
        tally = owners_load.run(base, owners, items, pace_ms, seconds)
        if tally.errors:
            raise RuntimeError(f"autosave failed: {tally.summary()}")
        return tally.acknowledged / tally.seconds, tally.percentile(50), tally.percentile(95), tally.percentile(99)
    result = wrk_saves(base, owners, items, seconds, tmp)
    if result["non_2xx"]:
        raise RuntimeError(f"autosave answered {result['non_2xx']} non-2xx responses")
    return result["saves_per_s"], result["p50_ms"], result["p95_ms"], result["p99_ms"]


def wrk_saves(base: str, owners: list[Owner], items: list, seconds: int, tmp: Path,
              timeout: str | None = None) -> dict:
    """wrk with one owner per connection sending autosave batches back to back (saturation)."""
    entries = ["{url=%s, cookie=%s, csrf=%s}" % (json.dumps(o.path), json.dumps(o.cookie), json.dumps(o.csrf))
               for o in owners]
    lua_items = "{" + ",".join("{%s, {%s}}" % (json.dumps(i), ",".join(json.dumps(o) for o in opts))
                               for i, opts in items if opts) + "}"
    script = tmp / f"autosave-{len(owners)}.lua"
    script.write_text(LUA % {"users": "{" + ",".join(entries) + "}", "items": lua_items})
    out = subprocess.run(["wrk", "-t2", f"-c{len(owners)}", f"-d{seconds}s", *(["--timeout", timeout] if timeout else []),
                          "-s", str(script), base + "/"], capture_output=True, text=True, check=True).stdout
    p50, p95, p99 = (float(x) for x in re.search(r"LATENCY p50=([\d.]+) p95=([\d.]+) p99=([\d.]+)", out).groups())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "acknowledged": int(re.search(r"ACKED (\d+)", out).group(1)),   # counted by the script, 200s only
            "non_2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": {kind: int(n) for kind, n in re.findall(r"(connect|read|write|timeout) (\d+)", out)},
            "saves_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": p50, "p95_ms": p95, "p99_ms": p99}


def _best(url: str, seconds: int, headers: dict[str, str], runs: int = 2):
    """The better of `runs` measurements: this machine is shared, and a neighbour's burst halves a
    single run now and then (the floor is measured the same way, so ratios stay fair)."""
    return max((measure(url, seconds, headers=headers) for _ in range(runs)), key=lambda r: r.requests_per_s)


def _page_figures(base: str, user: dict, floor: float, seconds: int) -> list[Figure]:
    """The two owner pages, and this app's empty request (/healthz), each beside the bare-Flask floor.

    /healthz reads and renders nothing: anonymous, it costs what every request of this app costs
    (request id, log line, security headers, rate limiter, session); with the owner's cookie it also
    loads the user, as every signed-in request must. That is the most any signed-in page can reach.
    Each figure logs in afresh: a session cookie is re-signed once its last-seen time is 30 s old,
    which a browser takes in its stride but wrk, replaying one cookie, would pay on every request."""
    targets = [("questionnaire page (T3) vs bare Flask page", f"{base}/assessments/{user['assessment']}/d/T3", True,
                "≥ 35 % of the floor"),
               ("results page vs bare Flask page", f"{base}/assessments/{user['submitted']}/results", True,
                "≥ 35 % of the floor"),
               ("empty request of this app (/healthz, anonymous) vs bare Flask page", f"{base}/healthz", False,
                "(ceiling for pages; no goal)"),
               ("empty request of this app (/healthz, signed in) vs bare Flask page", f"{base}/healthz", True,
                "(ceiling for signed-in pages; no goal)")]
    figures = []
    for label, url, signed_in, goal in targets:
        headers = {"Cookie": _login(base, user["email"])[0]} if signed_in else {}
        measure(url, 2, headers=headers)
        got = _best(url, seconds, headers)
        figures.append(Figure(label, got.requests_per_s, floor, "req/s", goal=goal, higher_is_better=True,
                              note=f"p50 {got.p50_ms:.1f} ms, p99 {got.p99_ms:.1f} ms, errors {got.errors}"))
    return figures


def _database_urls(tmp: Path) -> list[tuple[str, str]]:
    """SQLite always; PostgreSQL when a throwaway server is named (its tables are dropped and remade)."""
    runs = [("SQLite", f"sqlite:///{tmp / 'bench.db'}")]
    pg = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if pg:
        runs.append(("PostgreSQL", pg))
    return runs


def run(seconds: int) -> list[Figure]:
    if not shutil.which("wrk"):
        print("wrk not found (apt-get install wrk): assessment benchmarks skipped")
        return []
    figures: list[Figure] = []
    with gunicorn("benchmarks.bare_app:app") as bare:
        measure(bare + "/", 2)
        floor = _best(bare + "/", seconds, {})
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for name, url in _database_urls(tmp):
            # Development settings: the same code, but cookies without Secure so plain http on
            # loopback can carry the session.
            env = {"MATURITY_ENV": "development", "SECRET_KEY": "bench-" + "x" * 40, "INSTANCE_PATH": str(tmp),
                   "STORAGE_DIR": str(tmp / "storage"), "DATABASE_URL": url,
                   "LOGIN_IP_LIMIT": "10000 per minute"}  # the benchmark logs in 50 owners from one address
            users = _seed(env)
            with gunicorn("wsgi:app", env=env, ready_path="/healthz") as base:
                if name == "SQLite":
                    figures += _page_figures(base, users[0], floor.requests_per_s, seconds)
                for connections in (20, 50):
                    rps, p50, p95, p99 = _autosave(base, users, users[0]["items"], connections, seconds, tmp,
                                                   pace_ms=1000)
                    figures.append(Figure(f"autosave p95, {connections} clients saving ~1/s, {name}", p95, None, "ms",
                                          goal="p95 ≤ 50 ms",
                                          note=f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, {rps:.0f} saves/s"))
                rps, p50, p95, p99 = _autosave(base, users, users[0]["items"], 20, seconds, tmp)
                figures.append(Figure(f"autosave saturation, 20 clients back to back, {name}", rps, None, "saves/s",
                                      goal="(capacity; no goal)", higher_is_better=True,
                                      note=f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms"))
                if name == "SQLite":
                    # After pages, results (plan, baseline, cohort position) and autosaves: warm workers.
                    sizes = worker_rss_mb(base.pid)
                    figures.append(Figure("web worker memory after warm-up (largest of the gunicorn workers)",
                                          max(sizes), None, "MB", goal="≤ 250 MB",
                                          note="resident set of each worker: " + ", ".join(f"{m:.0f} MB" for m in sizes)))
    return figures

