"""Database engine set-up: SQLite pragmas and transaction mode, PostgreSQL lock timeouts.

SQLite (the embedded default) runs in WAL mode with `synchronous=FULL`, a busy timeout and
foreign keys on. A deferred `BEGIN` that reads and then writes fails at once with "database is
locked" when another writer committed in between (it cannot wait on the busy handler), so write
transactions start with `BEGIN IMMEDIATE`. Requests with a safe method (GET, HEAD, OPTIONS) write
nothing, so they open plain deferred transactions and never queue behind writers.
"""
from __future__ import annotations

import logging
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
_write_intent: ContextVar[bool] = ContextVar("write_intent", default=True)


def set_write_intent(writes: bool):
    """Declare whether the current request or job may write (False for GET/HEAD/OPTIONS).

    Returns a token for `reset_write_intent`, so a request leaves the thread as it found it.
    """
    return _write_intent.set(writes)


def reset_write_intent(token) -> None:
    _write_intent.reset(token)


def write_intent() -> bool:
    """Whether SQLite transactions begin IMMEDIATE (holding the write lock from their first read)."""
    return _write_intent.get()


def configure_engine(engine: Engine) -> None:
    """Attach the per-dialect listeners to an engine once."""
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)


def _configure_sqlite(engine: Engine) -> None:
    file_backed = engine.url.database not in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy's "begin" event emit BEGIN itself instead of pysqlite's implicit one.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA synchronous = FULL")
            if file_backed:
                # journal_mode is persistent: set it the first time only (setting it on every
                # connection can itself fail with "database is locked" under load).
                mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
                if mode.lower() != "wal":
                    cur.execute("PRAGMA journal_mode = WAL")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")
