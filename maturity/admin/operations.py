"""Administration writes: organisations, staff accounts (invited by e-mail), enabling and disabling."""
from __future__ import annotations

import logging

from flask import url_for

from maturity.auth import tokens
from maturity.auth.models import User
from maturity.auth.operations import create_account
from maturity.extensions import db
from maturity.mail import send_mail
from maturity.organizations.models import Organization

log = logging.getLogger(__name__)


def create_organization(actor: User, name: str, kind: str, advisors_see_all_firms: bool) -> Organization:
    """Add an organisation (agency, CITE, business-development centre…)."""
    organization = Organization(name=name, kind=kind, advisors_see_all_firms=advisors_see_all_firms)
    db.session.add(organization)
    db.session.commit()
    log.info("admin %s created organisation %s (%s)", actor.id, organization.id, kind)
    return organization


def invite_staff(actor: User, email: str, role: str, organization: Organization | None, language: str) -> User:
    """Create a staff account without a password and mail it a link to choose one (7 days).
    Raises AccountError when the address is taken."""
    user = create_account(email, None, role, organization, language=language, actor=f"admin {actor.id}")
    link = url_for("auth.accept_invitation", token=tokens.make_password_token(user, tokens.INVITE), _external=True)
    send_mail(user.email, "invite", user.language, invite_url=link,
              organization=organization.name if organization else "Madurez 4.0")
    return user


def set_active(actor: User, user: User, active: bool) -> None:
    """Enable or disable an account; either way its sessions end at once (the token rotates)."""
    user.active = active
    user.rotate_session_token()
    db.session.commit()
    log.info("admin %s %s user %s", actor.id, "enabled" if active else "disabled", user.id)


def change_role(actor: User, user: User, role: str) -> None:
    """Give `user` another role; their sessions end at once, so the new rights apply on their next log-in."""
    old = user.role
    user.role = role
    user.rotate_session_token()
    db.session.commit()
    log.warning("admin %s changed the role of user %s from %s to %s; their sessions ended", actor.id, user.id, old, role)
