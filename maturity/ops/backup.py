"""Backup and restore of the app's database: SQLite through its backup API, PostgreSQL with pg_dump.

- SQLite: `Connection.backup` copies the database in one step, inside one read transaction, so the
  copy is the database as it was at one instant even while the app keeps writing (WAL readers do
  not block writers). Copying the live file with `cp` is never safe. The copy is written beside
  its destination, switched to a self-contained rollback journal, checked with
  `PRAGMA integrity_check`, and only then renamed into place.
- PostgreSQL: `pg_dump -Fc` (one consistent snapshot; the custom format pg_restore reads),
  with the connection details of DATABASE_URL passed in libpq's environment variables, so the
  password never appears on a command line (the tools run from an argument list, never a
  shell). PG_BIN names the directory of pg_dump/pg_restore when those on PATH are older than
  the server.

Restore refuses a database that holds any row (Alembic's version table aside) unless forced,
checks the file is a backup of the right kind first, and leaves the database migrated to the
backup's revision (run `flask --app wsgi db upgrade` after restoring an older backup).
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # nosec B404
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect, literal, select, table
from sqlalchemy.engine import URL, make_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
_LIBPQ_QUERY = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
                "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT", "host": "PGHOST", "port": "PGPORT"}


class BackupError(RuntimeError):
    """The backup or restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Outcome:
    kind: str        # "sqlite" | "postgresql"
    path: Path
    size: int
    seconds: float


def kind_of(url: str | URL) -> str:
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"only SQLite and PostgreSQL databases can be backed up, not {name!r}")
    return name


def file_kind(path: Path) -> str:
    """What a backup file holds, read from its first bytes."""
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror}") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is neither a SQLite backup nor a pg_dump custom-format file")


def has_rows(engine: Engine) -> bool:
    """Does any table (Alembic's version table aside) hold a row?"""
    with engine.connect() as conn:
        for name in inspect(conn).get_table_names():
            if name == "alembic_version":
                continue
            if conn.execute(select(literal(1)).select_from(table(name)).limit(1)).first() is not None:
                return True
    return False


# --- SQLite -----------------------------------------------------------------------------------------

def _sqlite_file(url: str | URL) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("the SQLite database is in memory: there is nothing on disk to back up")
    return Path(database)


def _integrity(conn: sqlite3.Connection) -> str:
    return conn.execute("PRAGMA integrity_check").fetchone()[0]


def backup_sqlite(url: str | URL, dest: Path) -> Outcome:
    source = _sqlite_file(url)
    if not source.is_file():
        raise BackupError(f"the SQLite database {source} does not exist")
    started = time.monotonic()
    partial = dest.with_name(f".{dest.name}.partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)  # pages=-1: the whole database in one step, one consistent snapshot
        dst.execute("PRAGMA journal_mode = DELETE")  # a self-contained file, no -wal beside it
        result = _integrity(dst)
        if result != "ok":
            raise BackupError(f"the copy failed its integrity check: {result}")
    finally:
        dst.close()
        src.close()
    os.replace(partial, dest)
    return Outcome("sqlite", dest, dest.stat().st_size, time.monotonic() - started)


def restore_sqlite(url: str | URL, backup: Path) -> Outcome:
    target = _sqlite_file(url)
    started = time.monotonic()
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        result = _integrity(src)
        if result != "ok":
            raise BackupError(f"{backup} failed its integrity check ({result}): nothing was restored")
        target.parent.mkdir(parents=True, exist_ok=True)
        dst = sqlite3.connect(target, timeout=30)
        try:
            src.backup(dst)  # replaces every page of the target, under its write lock
            dst.execute("PRAGMA journal_mode = WAL")
            result = _integrity(dst)
            if result != "ok":
                raise BackupError(f"the restored database failed its integrity check: {result}")
        finally:
            dst.close()
    finally:
        src.close()
    return Outcome("sqlite", target, target.stat().st_size, time.monotonic() - started)


# --- PostgreSQL -------------------------------------------------------------------------------------

def pg_tool(name: str) -> str:
    """pg_dump or pg_restore: from PG_BIN, else PATH, else the newest /usr/lib/postgresql/*/bin."""
    if os.environ.get("PG_BIN"):
        candidate = Path(os.environ["PG_BIN"]) / name
        if candidate.is_file():
            return str(candidate)
        raise BackupError(f"PG_BIN={os.environ['PG_BIN']} has no {name}")
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if versions:
        return str(versions[-1])
    raise BackupError(f"{name} was not found: install the PostgreSQL client (apt-get install postgresql-client) "
                      "or set PG_BIN to the directory that holds it")


def libpq_env(url: str | URL) -> dict[str, str]:
    """The connection in libpq's environment variables (the password stays off the command line)."""
    u = make_url(url)
    env = {"PGDATABASE": u.database or "", "PGUSER": u.username or "", "PGHOST": u.host or "",
           "PGPORT": str(u.port or "")}
    if u.password is not None:
        env["PGPASSWORD"] = str(u.password)
    for key, var in _LIBPQ_QUERY.items():
        value = u.query.get(key)
        if value:
            env[var] = value if isinstance(value, str) else value[0]
    return {k: v for k, v in env.items() if v}


def _run(args: list[str], url: str | URL, what: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")} | libpq_env(url)
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(f"{what} failed: " + (" / ".join(detail[-3:]) or f"exit code {result.returncode}"))


def backup_postgresql(url: str | URL, dest: Path) -> Outcome:
    started = time.monotonic()
    partial = dest.with_name(f".{dest.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        _run([pg_tool("pg_dump"), "--format=custom", "--file", str(partial)], url, "pg_dump")
        _run([pg_tool("pg_restore"), "--list", str(partial)], url, "checking the dump (pg_restore --list)")
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, dest)
    return Outcome("postgresql", dest, dest.stat().st_size, time.monotonic() - started)


def restore_postgresql(url: str | URL, backup: Path) -> Outcome:
    started = time.monotonic()
    _run([pg_tool("pg_restore"), "--list", str(backup)], url, f"reading {backup} (pg_restore --list)")
    # One transaction: either the whole backup is in, or nothing changed. --clean drops what the
    # backup recreates (an empty, migrated database has the tables already).
    _run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
          "--exit-on-error", "--dbname", make_url(url).database or "", str(backup)], url, "pg_restore")
    return Outcome("postgresql", backup, backup.stat().st_size, time.monotonic() - started)


# --- the commands' entry points ---------------------------------------------------------------------

def backup(url: str | URL, dest: Path) -> Outcome:
    dest = Path(dest)
    if dest.is_dir():
        raise BackupError(f"{dest} is a directory: give the backup file's name")
    if not dest.parent.is_dir():
        raise BackupError(f"the directory {dest.parent} does not exist")
    if kind_of(url) == "sqlite":
        return backup_sqlite(url, dest)
    return backup_postgresql(url, dest)


def restore(url: str | URL, engine: Engine, source: Path, force: bool = False) -> Outcome:
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    target_kind, backup_kind = kind_of(url), file_kind(source)
    if target_kind != backup_kind:
        raise BackupError(f"{source} is a {backup_kind} backup but DATABASE_URL is a {target_kind} database: "
                          "nothing was restored")
    if has_rows(engine) and not force:
        raise BackupError("the database is not empty: restoring would replace its data. Nothing was restored. "
                          "Back it up first, then run again with --force to replace it")
    engine.dispose()  # no pooled connection of ours holds on to the old data
    if target_kind == "sqlite":
        return restore_sqlite(url, source)
    return restore_postgresql(url, source)
