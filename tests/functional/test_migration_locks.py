"""On PostgreSQL a migration gives up when a lock it needs is held (MIGRATION_LOCK_TIMEOUT), changing nothing."""
from __future__ import annotations

import logging
import threading
import time

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from maturity.extensions import db


def revision(app) -> str:
    with app.app_context(), db.engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


@pytest.mark.db
def test_a_migration_waiting_for_a_lock_gives_up_and_changes_nothing(make_app, database_url, caplog):
    if not database_url.startswith("postgresql"):
        pytest.skip("lock_timeout is a PostgreSQL setting: set TEST_DATABASE_URL (as .ci/run does)")
    app = make_app(MIGRATION_LOCK_TIMEOUT="500ms")
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        head = revision(app)
        downgrade(revision="-1")
    previous = revision(app)
    assert previous != head

    # A long transaction holds the table every migration writes to, as a busy app could.
    blocker_engine = create_engine(database_url)
    blocker = blocker_engine.connect()
    blocker.execute(text("LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE"))
    outcome: dict[str, object] = {}

    def migrate() -> None:
        started = time.monotonic()
        try:
            with app.app_context():
                upgrade()
        except BaseException as exc:  # noqa: BLE001 - Flask-Migrate exits on failure
            outcome["error"] = exc
        outcome["seconds"] = time.monotonic() - started

    try:
        with caplog.at_level(logging.ERROR):
            thread = threading.Thread(target=migrate, daemon=True)
            thread.start()
            thread.join(30)
            assert not thread.is_alive(), "the migration kept waiting for the lock"
    finally:
        blocker.rollback()
        blocker.close()
        blocker_engine.dispose()
    thread.join(30)
    assert "error" in outcome and outcome["seconds"] < 15
    assert "lock timeout" in f"{outcome['error']} {caplog.text}"
    assert revision(app) == previous  # the whole migration rolled back
    with app.app_context():
        upgrade()  # and runs once the lock is free
    assert revision(app) == head
