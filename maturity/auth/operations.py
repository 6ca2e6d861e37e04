"""Account writes: sign-up, log-in checks, confirmation, passwords, log-out.

Each function commits its own transaction and logs one line naming the actor by id; addresses are
masked and passwords and tokens never appear in a log.
"""
from __future__ import annotations

import logging

from flask import url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from maturity.auth import events, passwords, throttling, tokens
from maturity.auth.addresses import normalize_email
from maturity.auth.models import User
from maturity.extensions import db
from maturity.mail import mask_address, render_mail, send_mail
from maturity.organizations.models import Organization
from maturity.timeutil import utcnow

log = logging.getLogger(__name__)

# The privacy notice's version (templates/auth/privacy_notice.html); change it with the text.
PRIVACY_VERSION = "2026-11"


class AccountError(ValueError):
    """A write that cannot be done; the message is for an operator (English)."""


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def register_owner(email: str, password: str, language: str) -> User | None:
    """Create an owner account with the privacy consent given now, and mail a confirmation link.

    When the address already has an account nothing is created: its owner gets a notice instead
    (throttled) and None is returned, so the caller can answer exactly as for a new account.
    """
    email = normalize_email(email)
    password_hash = passwords.hash_password(password)  # hashed on both paths: the same time either way
    existing = find_user(email)
    if existing is None:
        now = utcnow()
        user = User(email=email, password_hash=password_hash, role="owner", language=language,
                    privacy_consent_at=now, privacy_version=PRIVACY_VERSION, password_changed_at=now)
        db.session.add(user)
        try:
            db.session.commit()
        except IntegrityError:  # the same address signed up a moment ago
            db.session.rollback()
            existing = find_user(email)
        else:
            log.info("user %s signed up (owner, %s)", user.id, mask_address(email))
            send_confirmation(user)
            return user
    if existing is not None and throttling.allow_mail(email, "signup-existing"):
        send_mail(existing.email, "signup_existing", existing.language,
                  login_url=url_for("auth.login", _external=True), reset_url=url_for("auth.reset_request", _external=True))
    log.info("sign-up for an existing account %s: its owner was told", mask_address(email))
    return None


def send_confirmation(user: User) -> None:
    """Mail `user` a link that confirms the address."""
    link = url_for("auth.confirm", token=tokens.make_confirm_token(user), _external=True)
    send_mail(user.email, "confirm", user.language, confirm_url=link)


def resend_confirmation(user: User) -> bool:
    """Mail a new confirmation link unless the address is confirmed or has had enough mail."""
    if user.is_confirmed or not throttling.allow_mail(user.email, "confirm"):
        return False
    send_confirmation(user)
    log.info("user %s asked for a new confirmation link", user.id)
    return True


def confirm_email(user: User) -> None:
    """Mark the address as the owner's (a confirmation link was used)."""
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
        db.session.commit()
        log.info("user %s confirmed the e-mail address", user.id)


def authenticate(email: str, password: str) -> User | None:
    """The account for these credentials, or None. Unknown addresses cost one Argon2 check too,
    and a disabled account fails like a wrong password."""
    user = find_user(email)
    ok = passwords.verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        events.auth_failure("password" if user is None or user.active else "disabled account",
                            user.id if user is not None else None)
        return None
    if passwords.needs_rehash(user.password_hash or ""):
        user.password_hash = passwords.hash_password(password)
        db.session.commit()
        log.info("user %s: password hash upgraded to Argon2id", user.id)
    log.info("user %s: password accepted%s", user.id, " (second step next)" if user.has_mfa else "; logged in")
    return user


def log_out(user: User) -> None:
    """End every session of `user`: the session token changes, so copied cookies stop working."""
    user.rotate_session_token()
    db.session.commit()
    log.info("user %s logged out (all sessions ended)", user.id)


def set_password(user: User, password: str, reason: str) -> None:
    """Store a new password and end every session of `user` (the caller renews its own)."""
    user.password_hash = passwords.hash_password(password)
    user.password_changed_at = utcnow()
    user.rotate_session_token()
    db.session.commit()
    log.info("user %s: password set (%s); all sessions ended", user.id, reason)
    if reason != "invitation":
        send_mail(user.email, "password_changed", user.language, reset_url=url_for("auth.reset_request", _external=True))


def accept_invitation(user: User, password: str) -> None:
    """A staff member chose a password from their invitation: that also proves the address."""
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
    set_password(user, password, "invitation")


def request_password_reset(email: str) -> None:
    """Mail a reset link to a confirmed account; an unconfirmed one gets its confirmation link
    and an explanation. Unknown addresses get nothing. The caller answers the same in all cases."""
    email = normalize_email(email)
    user = find_user(email)
    if user is None or not user.active:
        render_mail("reset", "es", reset_url="-")  # as much work as the other paths, then dropped
        log.info("password reset asked for %s: no active account", mask_address(email))
        return
    if not throttling.allow_mail(email, "reset"):
        log.info("password reset for user %s: mail throttled", user.id)
        return
    if user.is_confirmed:
        link = url_for("auth.reset_password", token=tokens.make_password_token(user), _external=True)
        send_mail(user.email, "reset", user.language, reset_url=link)
    else:
        link = url_for("auth.confirm", token=tokens.make_confirm_token(user), _external=True)
        send_mail(user.email, "reset_unconfirmed", user.language, confirm_url=link)
    log.info("user %s asked for a password reset link", user.id)


def create_account(email: str, password: str | None, role: str, organization: Organization | None = None,
                   language: str = "es", confirmed: bool = False, actor: str = "system") -> User:
    """Create an account (the command line, the demo data, an admin); raise AccountError when the
    address is taken."""
    email = normalize_email(email)
    if find_user(email) is not None:
        raise AccountError(f"an account with the address {email} already exists")
    now = utcnow()
    user = User(email=email, role=role, language=language, organization=organization,
                password_hash=passwords.hash_password(password) if password else None,
                password_changed_at=now if password else None, confirmed_at=now if confirmed else None)
    db.session.add(user)
    db.session.commit()
    log.info("%s created user %s (%s)", actor, user.id, role)
    return user
