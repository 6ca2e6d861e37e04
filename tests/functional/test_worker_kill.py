"""No acknowledged autosave is lost or applied twice when gunicorn workers are killed mid-stream.

gunicorn runs as `make serve` and the benchmarks run it (4 workers × 2 threads, gthread) on a
SQLite file (on PostgreSQL in .ci/run's second pass). Four owners stream autosave batches with
the real protocol: each batch has its own Idempotency-Key and the version it was built on, and a
batch whose response was lost (connection reset, worker gone) is sent again with the same key
until it is answered. Meanwhile the test SIGKILLs a gunicorn worker again and again. Afterwards:
every acknowledged batch has exactly one save receipt, the receipts' versions are exactly 1…N
(each applied batch bumped the version once), the assessment's version is N, and every answer
holds the last value sent for it.
"""
from __future__ import annotations

import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from maturity.assessments.models import Answer, Assessment, SaveReceipt
from maturity.auth.models import User
from maturity.config import PROJECT_ROOT
from maturity.content import questionnaires
from maturity.extensions import db
from maturity.firms.models import Firm, FirmMember

pytestmark = pytest.mark.slow
PASSWORD = "a quiet evening by the river"
KILLS = 6
OWNERS = 4  # concurrent clients, so the workers are busy and a kill lands on requests in flight
WORKERS = 4
GUNICORN = ["--workers", str(WORKERS), "--threads", "2", "--worker-class", "gthread", "--log-level", "warning",
            "--graceful-timeout", "5"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_pids(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except FileNotFoundError:
        return []
    return [int(pid) for pid in children]


class Client:
    """One owner's browser: a cookie, a CSRF token, one keep-alive connection, re-opened when it breaks."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}
        self.dropped = 0

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        headers = {"Connection": "close", **(headers or {})}  # each request may land on either worker
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        self.reset()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, data

    def reset(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def until_answered(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        """Send; on a lost connection send the very same request again (same key), as the page does."""
        delay = 0.05
        deadline = time.monotonic() + 60
        while True:
            try:
                return self.request(method, path, body, headers)
            except (OSError, http.client.HTTPException):
                self.dropped += 1
                self.reset()
                assert time.monotonic() < deadline, "the server did not come back within 60 s"
                time.sleep(delay)
                delay = min(delay * 2, 1.0)

    def csrf(self, path: str) -> str:
        _status, _headers, data = self.until_answered("GET", path)
        return re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', data).group(1).decode()


@pytest.fixture
def served(make_app, database_url, tmp_path):
    """A seeded SQLite database and gunicorn serving it; yields (port, master pid, [(email, assessment id)], app)."""
    from maturity.assessments.operations import start_assessment
    from maturity.auth.passwords import hash_password

    url = database_url  # a SQLite file; PostgreSQL in .ci/run's second pass
    app = make_app()
    with app.app_context():
        hashed = hash_password(PASSWORD)
        assessments = []
        for n in range(OWNERS):
            user = User(email=f"kill{n}@example.pe", password_hash=hashed, role="owner")
            firm = Firm(name=f"Taller Resistente {n}", sector="general")
            db.session.add_all([user, firm])
            db.session.flush()
            db.session.add(FirmMember(firm_id=firm.id, user_id=user.id, role="owner"))
            db.session.commit()
            assessments.append((user.email, start_assessment(firm, user, questionnaires()["general"]).id))
        db.session.remove()
        db.engine.dispose()
    port = free_port()
    env = {**os.environ, "MATURITY_ENV": "development", "DATABASE_URL": url, "SECRET_KEY": app.config["SECRET_KEY"],
           "INSTANCE_PATH": str(tmp_path / "instance"), "STORAGE_DIR": str(tmp_path / "storage"), "LOG_FORMAT": "text"}
    env.pop("REDIS_URL", None)
    log = (tmp_path / "gunicorn.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", *GUNICORN, "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.1)
        yield port, proc.pid, assessments, app, tmp_path / "gunicorn.log"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


class Stream(threading.Thread):
    """One owner saving batches back to back; `acknowledged` maps each answered key to its version."""

    def __init__(self, port: int, email: str, assessment_id: int, choices: list, seed: int, stop: threading.Event):
        super().__init__(daemon=True)
        self.client = Client(port)
        self.email, self.assessment_id, self.choices = email, assessment_id, choices
        self.rng = random.Random(seed)
        self.stop = stop
        self.acknowledged: dict[str, int] = {}
        self.last_sent: dict[str, str] = {}
        self.replays = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._run()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc

    def _run(self) -> None:
        client = self.client
        token = client.csrf("/auth/login")
        form = urllib.parse.urlencode({"email": self.email, "password": PASSWORD, "csrf_token": token}).encode()
        status, _h, _d = client.until_answered("POST", "/auth/login", form,
                                               {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 302, status
        token = client.csrf(f"/assessments/{self.assessment_id}/review")
        version = 0
        while not self.stop.is_set():
            batch = {item: {"option": self.rng.choice(options)} for item, options in self.rng.sample(self.choices, 3)}
            key = uuid.uuid4().hex
            body = json.dumps({"base_version": version, "answers": batch}).encode()
            status, _h, data = client.until_answered(
                "POST", f"/assessments/{self.assessment_id}/answers", body,
                {"Content-Type": "application/json", "Idempotency-Key": key, "X-CSRFToken": token})
            assert status == 200, (status, data[:500])
            reply = json.loads(data)
            self.replays += reply["replay"]
            assert key not in self.acknowledged
            self.acknowledged[key] = version = reply["version"]
            self.last_sent.update({item: answer["option"] for item, answer in batch.items()})


def test_every_acknowledged_save_survives_killed_workers_exactly_once(served):
    port, master, assessments, app, log = served
    with app.app_context():
        q = questionnaires()["general"]
        choices = [(i.id, [o.id for o in i.options if not o.reserved]) for i in q.items if not i.multiple]
    choices = [(item, options) for item, options in choices if len(options) >= 2]
    stop = threading.Event()
    streams = [Stream(port, email, aid, choices, n, stop) for n, (email, aid) in enumerate(assessments)]
    for stream in streams:
        stream.start()
    while sum(len(s.acknowledged) for s in streams) < OWNERS * 5:  # everyone logged in and saving
        assert all(s.error is None for s in streams), [s.error for s in streams]
        time.sleep(0.05)

    kills: list[int] = []
    rng = random.Random(7)
    deadline = time.monotonic() + 120
    while len(kills) < KILLS and time.monotonic() < deadline:
        time.sleep(rng.uniform(0.5, 1.0))
        pids = worker_pids(master)
        if len(pids) == WORKERS:  # all up (the master replaces a killed worker within a second or two)
            victim = rng.choice(pids)
            os.kill(victim, signal.SIGKILL)
            kills.append(victim)
    time.sleep(1.0)  # a few more saves after the last kill
    stop.set()
    for stream in streams:
        stream.join(90)
        assert stream.error is None, f"{stream.error}\n--- gunicorn's log:\n{log.read_text()[-6000:]}"
    assert len(kills) == KILLS, f"only {len(kills)} workers killed before the deadline"
    saved = sum(len(s.acknowledged) for s in streams)
    dropped = sum(s.client.dropped for s in streams)
    replays = sum(s.replays for s in streams)
    print(f"\n{saved} saves acknowledged, {KILLS} workers killed, {dropped} requests lost and sent again "
          f"with the same key, {replays} of them answered as replays (applied before the kill)")
    assert dropped >= 2  # the kills did land on requests in flight

    with app.app_context():
        db.session.remove()
        for stream in streams:
            receipts = db.session.execute(select(SaveReceipt.idempotency_key, SaveReceipt.result_version)
                                          .where(SaveReceipt.assessment_id == stream.assessment_id)).all()
            acknowledged = stream.acknowledged
            assert sorted(k for k, _v in receipts) == sorted(acknowledged)  # every acknowledged save, once, nothing else
            assert dict(receipts) == acknowledged  # each with the version its client was told
            assert sorted(v for _k, v in receipts) == list(range(1, len(acknowledged) + 1))  # one bump per batch
            assert db.session.get(Assessment, stream.assessment_id).version == len(acknowledged)
            stored = dict(db.session.execute(select(Answer.item_id, Answer.option).where(
                Answer.assessment_id == stream.assessment_id)).all())
            assert {item: stored[item] for item in stream.last_sent} == stream.last_sent
        assert db.session.scalar(select(func.count()).select_from(SaveReceipt)) == saved
