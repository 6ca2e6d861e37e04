"""Shared fixtures in the flaskr/Indico manner: app, client, runner, and factories.

The database is a fresh SQLite file per test, or the PostgreSQL server named by
TEST_DATABASE_URL (as `.ci/run` does for the tests marked `db`).
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from itertools import count

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from maturity import create_app
from maturity.extensions import db, limiter

_serial = count(1)


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
    with app.app_context():
        yield app


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


def pytest_collection_modifyitems(config, items):
    """Every test that builds the app touches the database: mark it `db` for the PostgreSQL pass."""
    for item in items:
        if {"app", "make_app"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)
