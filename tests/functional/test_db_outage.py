"""The database going away (issue #13, reliability_security.md F6; ASVS 5.0 16.5.2, 16.5.3; A10:2025).

While the database refuses writes (SQLite made read-only) or is stopped (a throwaway PostgreSQL
cluster), the app answers 503 with Retry-After, as JSON for the autosave client (which keeps its
queue and sends the same batch again) and as a page in the user's language; nothing is written
and no stack trace is shown. After recovery the same batch, with the same Idempotency-Key, is
applied exactly once."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from maturity.assessments.models import Answer, Assessment, SaveReceipt
from maturity.content import questionnaires
from maturity.extensions import db
from tests.functional.test_assessment_flow import PROFILE_FORM, autosave, csrf, login, start

PGBIN = Path("/usr/lib/postgresql/15/bin")


def _state(app, assessment_id: int) -> tuple:
    with app.app_context():
        return (db.session.get(Assessment, assessment_id).version,
                db.session.scalar(select(func.count()).select_from(Answer)),
                db.session.scalar(select(func.count()).select_from(SaveReceipt)))


def _assert_unavailable(response, json: bool) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "sqlite" not in body.lower() and "psycopg" not in body.lower()
    if json:
        assert response.is_json and response.json["errors"][0]["message"]
    else:
        assert response.mimetype == "text/html"


def _outage_then_recovery(app, client, owner, go_down, come_back) -> None:
    login(client, owner)
    with app.app_context():
        assessment = start(client)
        assessment_id = assessment.id
        item = questionnaires()["textiles"].dimension_items["T1"][0]
    token = csrf(client, f"/assessments/{assessment_id}/review")
    assert autosave(client, assessment_id, {item.id: {"option": "dk"}}, 0, token=token).json["version"] == 1
    before = _state(app, assessment_id)

    key = uuid.uuid4().hex  # the client's batch: kept, with its key, until the server acknowledges it
    batch = {item.id: {"option": "dk", "note": "anotado sin conexión"}}
    go_down()
    try:
        for _ in range(2):  # the client retries while the database is away: each time 503
            _assert_unavailable(autosave(client, assessment_id, batch, 1, key=key, token=token), json=True)
        page = client.post("/firms/new?lang=es", data={**PROFILE_FORM, "csrf_token": token})
        _assert_unavailable(page, json=False)
        assert "El servicio está ocupado o en mantenimiento" in page.get_data(as_text=True)
        english = client.post("/firms/new?lang=en", data={**PROFILE_FORM, "csrf_token": token})
        assert "The service is busy or under maintenance" in english.get_data(as_text=True)
    finally:
        come_back()
    assert _state(app, assessment_id) == before  # nothing was written during the outage

    drained = autosave(client, assessment_id, batch, 1, key=key, token=token)
    assert drained.status_code == 200 and drained.json == {"version": 2, "replay": False}
    again = autosave(client, assessment_id, batch, 1, key=key, token=token)
    assert again.json == {"version": 2, "replay": True}
    version, answers, receipts = _state(app, assessment_id)
    assert (version, receipts) == (before[0] + 1, before[2] + 1) and answers == before[1]
    with app.app_context():
        note = db.session.scalar(select(Answer.note).where(Answer.assessment_id == assessment_id, Answer.item_id == item.id))
    assert note == "anotado sin conexión"


def _owner(app):
    from maturity.auth.models import User

    with app.app_context():
        owner = User(email="owner@example.pe")
        db.session.add(owner)
        db.session.commit()
        db.session.refresh(owner)
        db.session.expunge(owner)
    return owner


def test_sqlite_made_read_only_gives_503_writes_nothing_and_the_batch_drains_once(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'outage.db'}")
    owner = _owner(app)
    with app.app_context():
        engine = db.engine

    # Read-only as SQLite itself enforces it (query_only refuses every write with SQLITE_READONLY);
    # a chmod would not stop a test running as root.
    def read_only(dbapi_conn, _record):
        dbapi_conn.execute("PRAGMA query_only = ON")

    def go_down():
        event.listen(engine, "connect", read_only)
        engine.dispose()

    def come_back():
        event.remove(engine, "connect", read_only)
        engine.dispose()

    _outage_then_recovery(app, app.test_client(), owner, go_down, come_back)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayCluster:
    """A PostgreSQL 15 cluster of its own in a temporary directory (as .ci/run makes one)."""

    def __init__(self, root: Path) -> None:
        self.data, self.port = root / "data", _free_port()
        self.root = root
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(root, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_postgres, *args], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._run(str(PGBIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8")
        self.start()
        self._run(str(PGBIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "outage")

    def start(self) -> None:
        self._run(str(PGBIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"), "-w",
                  "-o", f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off -c full_page_writes=off", "start")

    def stop(self) -> None:
        subprocess.run([*self.as_postgres, str(PGBIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=120, check=False)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/outage"


@pytest.mark.db
@pytest.mark.slow
@pytest.mark.skipif(not (PGBIN / "initdb").exists(), reason="PostgreSQL 15 server binaries are not installed")
def test_postgresql_stopped_mid_session_gives_503_and_the_batch_drains_once_after_restart(tmp_path):
    from maturity import create_app
    from maturity.extensions import limiter
    from tests.conftest import IsolatedClient

    root = Path(tmp_path_factory_dir(tmp_path))
    cluster = ThrowawayCluster(root)
    cluster.init()
    try:
        # Not the make_app fixture: its teardown would need the database this test throws away.
        app = create_app({"MATURITY_ENV": "testing", "INSTANCE_PATH": str(tmp_path / "instance"),
                          "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
                          "SQLALCHEMY_DATABASE_URI": cluster.url, "STORAGE_DIR": str(tmp_path / "storage"),
                          "RATELIMIT_STORAGE_URI": "memory://"})
        app.test_client_class = IsolatedClient
        limiter.reset()
        with app.app_context():
            db.create_all()
        owner = _owner(app)
        _outage_then_recovery(app, app.test_client(), owner, cluster.stop, cluster.start)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


def tmp_path_factory_dir(tmp_path: Path) -> str:
    """A directory the postgres user can enter (pytest's tmp_path is root's, mode 0700)."""
    import tempfile

    path = tempfile.mkdtemp(prefix="maturity-outage-")
    os.chmod(path, 0o755)  # noqa: S103 - the postgres user must enter it; it holds nothing secret
    return path
