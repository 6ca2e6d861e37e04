"""Shared fixtures in the flaskr/Indico manner: app, client, runner, and factories.

The database is a fresh SQLite file per test, or the PostgreSQL server named by
TEST_DATABASE_URL (as `.ci/run` does for the tests marked `db`).
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from itertools import count

import pytest
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import event

from maturity import create_app
from maturity.extensions import db, limiter

_serial = count(1)


class IsolatedClient(FlaskClient):
    """A test client whose requests never reuse the test's own app context.

    Flask reuses an app context that is already pushed for the same app, so with a fixture's
    context active every request would share the test's `g` (Flask-Login's cached user, the
    locale) and its database session: a request as user B could run as user A. Hiding the test's
    context during each request gives every request a fresh one, as in production. The test's
    own transaction is committed first, so the request sees what the test wrote and the test's
    next read sees what the request wrote.
    """

    def open(self, *args, **kwargs):
        outer = _cv_app.get(None)
        if outer is not None and outer.app is self.application:
            db.session.commit()
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)


@pytest.fixture
def database_url(tmp_path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def make_app(tmp_path, database_url) -> Iterator[Callable[..., Flask]]:
    """Build an app with extra config; the schema is created fresh and dropped afterwards."""
    apps: list[Flask] = []

    def _make(**overrides) -> Flask:
        config = {
            "MATURITY_ENV": "testing",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "STORAGE_DIR": str(tmp_path / "storage"),
            "RATELIMIT_STORAGE_URI": "memory://",
        }
        config.update(overrides)
        app = create_app(config)
        app.test_client_class = IsolatedClient
        with app.app_context():
            db.drop_all()
            db.create_all()
        apps.append(app)
        return app

    yield _make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


@pytest.fixture
def app(make_app) -> Flask:
    app = make_app()
    limiter.reset()
    return app


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def app_ctx(app):
    """An app context for the test's own reads and factory writes. Its transactions open with a
    deferred BEGIN, so a test reading between requests never holds SQLite's write lock."""
    from maturity.database import reset_write_intent, set_write_intent

    token = set_write_intent(False)
    with app.app_context():
        yield app
    reset_write_intent(token)


@pytest.fixture
def create_organization(app_ctx):
    from maturity.organizations.models import Organization

    def _create(name: str | None = None, kind: str = "cite", **fields) -> Organization:
        org = Organization(name=name or f"Org {next(_serial)}", kind=kind, **fields)
        db.session.add(org)
        db.session.commit()
        return org

    return _create


@pytest.fixture
def create_user(app_ctx):
    from maturity.auth.models import User

    def _create(email: str | None = None, role: str = "owner", **fields) -> User:
        user = User(email=email or f"user{next(_serial)}@example.pe", role=role, **fields)
        db.session.add(user)
        db.session.commit()
        return user

    return _create


@pytest.fixture
def create_firm(app_ctx):
    from maturity.firms.models import Firm, FirmMember

    def _create(name: str | None = None, owner=None, **fields) -> Firm:
        firm = Firm(name=name or f"Firma {next(_serial)}", **fields)
        db.session.add(firm)
        if owner is not None:
            db.session.add(FirmMember(firm=firm, user_id=owner.id, role="owner"))
        db.session.commit()
        return firm

    return _create


@pytest.fixture
def count_flushes(app):
    """Counts ORM flushes and INSERT/UPDATE/DELETE statements: a GET must write nothing."""
    counter = {"flushes": 0, "writes": 0}

    def _on_flush(session, flush_context, instances):
        counter["flushes"] += 1

    def _on_execute(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE", "REPLACE"}:
            counter["writes"] += 1

    with app.app_context():
        engine = db.engine
    event.listen(db.session, "before_flush", _on_flush)
    event.listen(engine, "before_cursor_execute", _on_execute)
    yield counter
    event.remove(db.session, "before_flush", _on_flush)
    event.remove(engine, "before_cursor_execute", _on_execute)


class AuthActions:
    """Accounts with real passwords, and log-in / log-out through the real forms (flaskr's `auth`).
    Every method takes the client, so one test can play several devices."""

    password = "a quiet evening by the river"

    def __init__(self, app, create_user):
        self.app = app
        self._create_user = create_user

    @property
    def outbox(self) -> list:
        return self.app.extensions["mail_outbox"]

    def account(self, email: str | None = None, password: str | None = None, **fields):
        from maturity.auth.passwords import hash_password

        return self._create_user(email=email, password_hash=hash_password(password or self.password), **fields)

    @staticmethod
    def csrf(client, path: str = "/auth/login") -> str:
        html = client.get(path).get_data(as_text=True)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)

    def login(self, client, email: str, password: str | None = None, remember: bool = False,
              query: str = "", **request_kwargs):
        data = {"email": email, "password": password or self.password, "csrf_token": self.csrf(client)}
        if remember:
            data["remember"] = "y"
        return client.post("/auth/login" + query, data=data, **request_kwargs)

    def logout(self, client):
        return client.post("/auth/logout", data={"csrf_token": self.csrf(client, "/account")})


@pytest.fixture
def auth(app, create_user) -> AuthActions:
    return AuthActions(app, create_user)


def pytest_collection_modifyitems(config, items):
    """Every test that builds the app touches the database: mark it `db` for the PostgreSQL pass."""
    for item in items:
        if {"app", "make_app"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory) -> Iterator[str]:
    """A throwaway redis-server on a free loopback port (Debian's redis-server; `.ci/run` installs it).
    Without it the Redis tests are skipped with the reason, except under CI=true, where they fail."""
    import shutil
    import socket
    import subprocess
    import time

    exe = shutil.which("redis-server")
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is required under CI=true (apt-get install redis-server)")
        pytest.skip("redis-server not found (apt-get install redis-server): Redis queue tests skipped")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen([exe, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
                             "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    from redis import Redis

    url = f"redis://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            Redis.from_url(url, socket_connect_timeout=0.5).ping()
            break
        except Exception:  # noqa: BLE001 - not up yet
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"redis-server did not start on port {port}")
            time.sleep(0.05)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def redis_url(redis_server) -> str:
    """The test's Redis, emptied: database 0 of the session's redis-server."""
    from redis import Redis

    client = Redis.from_url(redis_server)
    client.flushall()
    client.close()
    return redis_server + "/0"
