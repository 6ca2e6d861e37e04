"""`flask --app wsgi worker | backup PATH | restore PATH [--force]` (administrators' commands, in English)."""
from __future__ import annotations

import importlib
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs waiting now, then exit (tests, cron).")
@with_appcontext
def worker(burst: bool) -> None:
    """Run a job-queue worker (needs REDIS_URL): whatever the app submits to the jobs interface (PDFs)."""
    from maturity import jobs
    from maturity.extensions import db
    from maturity.jobs_rq import RedisJobs

    backend = jobs.backend()
    if not isinstance(backend, RedisJobs):
        raise click.ClickException("REDIS_URL is not set: jobs run inside the app's own processes and need no "
                                   "worker. Set REDIS_URL to the Redis the app servers use, then start workers.")
    try:
        backend.ping()
    except Exception as exc:  # noqa: BLE001 - reported as a clear command failure
        raise click.ClickException(f"Redis at REDIS_URL does not answer: {exc}") from None
    for module in jobs.preloaded():
        importlib.import_module(module)  # each job's work horse is forked from this warmed process
    db.engine.dispose()  # and must not inherit our connections
    click.echo(f"worker on queue {backend.queue.name!r}" + (" (burst)" if burst else ""), err=True)
    backend.work(burst=burst)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(path: Path) -> None:
    """Back up the database to PATH while the app runs (SQLite backup API, or pg_dump -Fc)."""
    from maturity.ops.backup import BackupError
    from maturity.ops.backup import backup as run_backup

    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        outcome = run_backup(url, path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up the {outcome.kind} database to {outcome.path} "
               f"({outcome.size / 1e6:.1f} MB, {outcome.seconds:.1f} s).")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@with_appcontext
def restore(path: Path, force: bool) -> None:
    """Restore the database from a backup made with `backup` (stop app servers and workers first)."""
    from maturity.extensions import db
    from maturity.ops.backup import BackupError
    from maturity.ops.backup import restore as run_restore

    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.remove()
    try:
        outcome = run_restore(url, db.engine, path, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored the {outcome.kind} database from {path} ({outcome.seconds:.1f} s). "
               "Run `flask --app wsgi db upgrade` if the backup is older than this version of the app.")
