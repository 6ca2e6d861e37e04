"""Command-line verbs: `flask --app wsgi translate|questionnaires|demo …` (Flask-Migrate adds `db`)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from maturity.config import PROJECT_ROOT

translate = AppGroup("translate", help="Extract, update and compile the UI catalogs (translations/).")
questionnaires = AppGroup("questionnaires", help="Check and export the questionnaire files.")

TRANSLATIONS = PROJECT_ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"


def _pybabel(*args: str) -> None:
    """Run one pybabel command in this process (Babel's own command-line front end, no subprocess)."""
    from babel.messages.frontend import CommandLineInterface

    previous = os.getcwd()
    os.chdir(PROJECT_ROOT)  # babel.cfg's paths are relative to the project
    try:
        CommandLineInterface().run(["pybabel", "-q", *args])
    except (SystemExit, Exception) as exc:  # noqa: BLE001 - reported as a command failure
        raise click.ClickException(f"pybabel {args[0]} failed: {exc}") from None
    finally:
        os.chdir(previous)


def extract_messages(output: Path) -> None:
    """Write the message template of every UI string in the code and templates."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output",
             "--omit-header", "-o", str(output), "maturity")


@translate.command("extract")
def translate_extract() -> None:
    """Regenerate translations/messages.pot from the code and templates."""
    extract_messages(POT)


@translate.command("update")
def translate_update() -> None:
    """Extract, then merge new messages into the es and en catalogs (English msgstr = msgid)."""
    extract_messages(POT)
    _pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "--no-fuzzy-matching", "--ignore-obsolete")
    fill_english_catalog(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po")


def fill_english_catalog(po_path: Path) -> int:
    """The source strings are English: copy each untranslated msgid into the English catalog."""
    from babel.messages.pofile import read_po, write_po

    with po_path.open("rb") as f:
        catalog = read_po(f, locale="en")
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):  # a plural: (singular, plural)
            if not all(message.string):
                message.string = message.id
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
    with po_path.open("wb") as f:
        write_po(f, catalog, width=100, omit_header=False, no_location=True, sort_output=True)
    return filled


@translate.command("compile")
def translate_compile() -> None:
    """Compile the .po catalogs into .mo files."""
    from maturity.i18n import compile_catalogs

    for mo in compile_catalogs(TRANSLATIONS, force=True):
        click.echo(f"compiled {mo.relative_to(PROJECT_ROOT)}")


@questionnaires.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def questionnaires_check(directory: Path | None) -> None:
    """Validate every questionnaire file; exit 1 naming the file, item and problem."""
    from maturity.questionnaires.cli import main

    max_age = ["--programme-max-age-days", str(current_app.config["PROGRAMME_MAX_AGE_DAYS"])]
    code = main(([str(directory)] if directory else []) + max_age)
    if code:
        sys.exit(code)


@questionnaires.command("export")
@click.argument("sector")
@click.option("--format", "fmt", type=click.Choice(["md", "csv", "xlsx"]), default="md", show_default=True,
              help="md: a printable questionnaire; csv, xlsx: the field-work answer template.")
@click.option("--lang", type=click.Choice(["es", "en"]), default="es", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write to this file instead of standard output.")
def questionnaires_export(sector: str, fmt: str, lang: str, output: Path | None) -> None:
    """Export SECTOR's questionnaire (a questionnaire id, e.g. textiles or general) for field work.

    md and csv go to standard output unless --output is given; xlsx needs --output, or standard
    output redirected to a file or pipe (it is binary and is never written to a terminal).
    """
    from maturity.content import questionnaires as loaded
    from maturity.questionnaires.export import export

    available = loaded()
    questionnaire = available.get(sector)
    if questionnaire is None:
        raise click.BadParameter(f"unknown questionnaire '{sector}'; known: {', '.join(available.ids())}",
                                 param_hint="SECTOR")
    if fmt == "xlsx" and output is None and sys.stdout.isatty():
        raise click.UsageError("xlsx is binary: give --output PATH or redirect standard output to a file")
    data = export(questionnaire, fmt, lang)
    if output is not None:
        if isinstance(data, bytes):
            output.write_bytes(data)
        else:
            output.write_text(data, encoding="utf-8", newline="")
        click.echo(f"wrote {output} ({questionnaire.version}, {len(questionnaire.items)} items, {lang})", err=True)
    elif isinstance(data, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        click.echo(data, nl=False)


@click.command("demo")
@with_appcontext
def demo() -> None:
    """Load demonstration data (idempotent: running it twice adds nothing)."""
    from maturity.demo import seed_demo

    summary = seed_demo()
    for line in summary:
        click.echo(line)
    current_app.logger.info("demo data ready")


def register(app: Flask) -> None:
    from maturity.auth.commands import users
    from maturity.baseline.commands import baseline
    from maturity.clustering.commands import clusters

    app.cli.add_command(translate)
    app.cli.add_command(questionnaires)
    app.cli.add_command(demo)
    app.cli.add_command(users)
    app.cli.add_command(baseline)
    app.cli.add_command(clusters)
    from maturity.ops import commands as ops

    app.cli.add_command(ops.worker)
    app.cli.add_command(ops.backup)
    app.cli.add_command(ops.restore)
