"""`flask --app wsgi users create EMAIL --role ROLE [--org NAME]`: the password comes from standard
input (a hidden prompt on a terminal), never from the command line where `ps` and shell history see it."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from maturity.auth.addresses import is_valid_email, normalize_email
from maturity.auth.models import ROLES
from maturity.auth.operations import AccountError, create_account
from maturity.auth.passwords import password_problem
from maturity.extensions import db
from maturity.i18n import use_language
from maturity.organizations.models import Organization

users = AppGroup("users", help="Manage accounts.")


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@users.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES), help="The account's role.")
@click.option("--org", "org_name", default=None, help="The organisation's exact name (advisors and analysts need one).")
@click.option("--language", default="es", type=click.Choice(("es", "en")), show_default=True)
def create_user(email: str, role: str, org_name: str | None, language: str) -> None:
    """Create a confirmed account; the password is read from standard input."""
    email = normalize_email(email)
    if not is_valid_email(email):
        raise click.ClickException(f"not a valid e-mail address: {email!r}")
    organization = None
    if org_name:
        organization = db.session.scalar(select(Organization).where(Organization.name == org_name))
        if organization is None:
            known = db.session.scalars(select(Organization.name).order_by(Organization.name)).all()
            hint = ("known organisations: " + "; ".join(known)) if known else "there are no organisations yet"
            raise click.ClickException(f"unknown organisation {org_name!r} ({hint})")
    elif role in ("advisor", "analyst"):
        raise click.ClickException(f"an {role} belongs to an organisation: add --org NAME")
    password = _read_password()
    with use_language("en"):
        problem = password_problem(password, email=email)
    if problem:
        raise click.ClickException(f"password refused: {problem}")
    try:
        user = create_account(email, password, role, organization, language=language, confirmed=True,
                              actor="the command line")
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created {role} account {user.id} for {user.email}" + (f" in {organization.name}" if organization else ""))


@users.command("reset-mfa")
@click.argument("email")
def reset_mfa(email: str) -> None:
    """Remove an account's second factor (a lost phone and lost recovery codes); its sessions end.
    Staff in MFA_REQUIRED_ROLES set it up again at their next log-in."""
    from maturity.auth import mfa
    from maturity.auth.operations import find_user

    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no account uses {normalize_email(email)!r}")
    mfa.disable(user, actor="the command line")
    click.echo(f"second factor removed from account {user.id}; its sessions have ended")
