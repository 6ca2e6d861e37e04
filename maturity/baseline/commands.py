"""`flask --app wsgi baseline import-ruta-digital PATH`: load PRODUCE's Ruta Digital open data."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

baseline = AppGroup("baseline", help="Import a national baseline (PRODUCE's Ruta Digital open data).")


@baseline.command("import-ruta-digital")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_ruta_digital_command(path: Path) -> None:
    """Import RUTADIGITAL2021al2024.csv as published on PNDA (the file is read, never changed).

    Reports rows imported, already present and rejected (with reasons and line numbers);
    importing the same file twice adds nothing.
    """
    from maturity.baseline.operations import import_ruta_digital
    from maturity.baseline.ruta_digital import CREDIT, FormatError

    try:
        report = import_ruta_digital(path)
    except FormatError as exc:
        raise click.ClickException(str(exc)) from None
    for line in report.lines():
        click.echo(line)
    click.echo(CREDIT["es"])
