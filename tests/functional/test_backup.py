"""`flask --app wsgi backup PATH` / `restore PATH [--force]` round-trip the data while it is being written."""
from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import create_engine, text

from maturity.extensions import db

PAYLOAD = "x" * 2000


def add_organization(app, name: str) -> None:
    """A row through the app's own models (the shared factories would use the fixture's app, not this one)."""
    from maturity.organizations.models import Organization

    with app.app_context():
        db.session.add(Organization(name=name, kind="cite"))
        db.session.commit()


class Writer(threading.Thread):
    """Commits one row after another into a table of its own; `committed` lists the ids whose commit returned."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.engine = create_engine(url)
        self.committed: list[int] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None
        with self.engine.begin() as conn:
            conn.execute(text("CREATE TABLE load_rows (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)"))

    def run(self) -> None:
        n = 0
        try:
            while not self.stop.is_set():
                n += 1
                with self.engine.begin() as conn:
                    conn.execute(text("INSERT INTO load_rows (id, payload) VALUES (:id, :p)"), {"id": n, "p": PAYLOAD})
                self.committed.append(n)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc

    def wait_for(self, rows: int) -> None:
        deadline = time.monotonic() + 60
        while len(self.committed) < rows:
            assert self.error is None and time.monotonic() < deadline, self.error
            time.sleep(0.01)

    def finish(self) -> None:
        self.stop.set()
        self.join(30)
        self.engine.dispose()
        assert self.error is None, self.error


def backup_under_load(app, url: str, dest) -> tuple[list[int], list[int]]:
    """Back up while the writer commits; return (ids committed before the backup, ids committed by its end)."""
    writer = Writer(url)
    writer.start()
    try:
        writer.wait_for(300)
        before = list(writer.committed)
        result = app.test_cli_runner().invoke(args=["backup", str(dest)])
        during = list(writer.committed)
        writer.wait_for(len(during) + 20)  # still writing after the backup
    finally:
        writer.finish()
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output
    return before, during


def test_sqlite_backup_under_write_load_restores_every_committed_row(make_app, tmp_path):
    live = tmp_path / "live.db"
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{live}")
    add_organization(app, "CITE textil camélidos")
    dest = tmp_path / "backup.sqlite"
    before, during = backup_under_load(app, f"sqlite:///{live}", dest)

    copy = sqlite3.connect(dest)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    ids = [row[0] for row in copy.execute("SELECT id FROM load_rows ORDER BY id")]
    copy.close()
    assert set(before) <= set(ids) <= set(during)  # every row committed before it, nothing that was not committed
    assert ids == list(range(1, len(ids) + 1))  # a snapshot: no gap

    # Restore into a fresh, empty (migrated) database.
    fresh = tmp_path / "fresh.db"
    other = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{fresh}")
    result = other.test_cli_runner().invoke(args=["restore", str(dest)])
    assert result.exit_code == 0, result.output
    restored = sqlite3.connect(fresh)
    assert restored.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert restored.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [row[0] for row in restored.execute("SELECT id FROM load_rows ORDER BY id")] == ids
    assert restored.execute("SELECT name FROM organization").fetchall() == [("CITE textil camélidos",)]
    restored.close()


def test_restore_refuses_a_database_with_data_unless_forced(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'a.db'}")
    add_organization(app, "Antes")
    dest = tmp_path / "a.sqlite"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", str(dest)]).exit_code == 0
    add_organization(app, "Después")
    refused = runner.invoke(args=["restore", str(dest)])
    assert refused.exit_code != 0 and "not empty" in refused.output and "--force" in refused.output
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM organization")).scalar() == 2  # nothing changed
    forced = runner.invoke(args=["restore", str(dest), "--force"])
    assert forced.exit_code == 0, forced.output
    with app.app_context():
        db.session.remove()
        assert db.session.execute(text("SELECT name FROM organization")).scalars().all() == ["Antes"]


def test_restore_refuses_a_file_that_is_not_a_backup(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'b.db'}")
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    result = app.test_cli_runner().invoke(args=["restore", str(junk)])
    assert result.exit_code != 0 and "neither a SQLite backup nor a pg_dump" in result.output


@pytest.mark.db
def test_postgresql_backup_under_write_load_and_restore(make_app, database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL (as .ci/run does)")
    app = make_app()
    with app.app_context():
        db.session.execute(text("DROP TABLE IF EXISTS load_rows"))
        db.session.commit()
    add_organization(app, "CITE madera")
    dest = tmp_path / "backup.pgdump"
    try:
        before, during = backup_under_load(app, database_url, dest)
        assert dest.read_bytes()[:5] == b"PGDMP"
        runner = app.test_cli_runner()
        refused = runner.invoke(args=["restore", str(dest)])
        assert refused.exit_code != 0 and "not empty" in refused.output
        with app.app_context():  # an empty database, as on a new server
            db.session.execute(text("DROP TABLE load_rows"))
            db.session.commit()
            db.drop_all()
        result = runner.invoke(args=["restore", str(dest)])
        assert result.exit_code == 0, result.output
        with app.app_context():
            db.session.remove()
            ids = db.session.execute(text("SELECT id FROM load_rows ORDER BY id")).scalars().all()
            assert set(before) <= set(ids) <= set(during) and ids == list(range(1, len(ids) + 1))
            assert db.session.execute(text("SELECT name FROM organization")).scalars().all() == ["CITE madera"]
        forced = runner.invoke(args=["restore", str(dest), "--force"])
        assert forced.exit_code == 0, forced.output
    finally:
        with app.app_context():
            db.session.remove()
            db.session.execute(text("DROP TABLE IF EXISTS load_rows"))
            db.session.commit()
