"""Signed, expiring links sent by e-mail (itsdangerous), one salt per purpose.

Each token carries a fingerprint of the state it may change, so it dies once that state moves on:
- confirm: the e-mail address (a later address change kills the old link);
- reset and invite: the password hash (setting any password kills every pending link: single use);
- change-email: the current address (once changed, the link is spent).
Tokens are signed, not encrypted: they hold ids and digests, never a secret.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from maturity.auth.models import User
from maturity.extensions import db


@dataclass(frozen=True)
class Purpose:
    salt: str
    max_age: timedelta


CONFIRM = Purpose("confirm-email", timedelta(days=7))
RESET = Purpose("reset-password", timedelta(hours=1))
INVITE = Purpose("invite", timedelta(days=7))
CHANGE_EMAIL = Purpose("change-email", timedelta(hours=24))


def _digest(value: str | None) -> str:
    return hashlib.sha256((value or "-").encode()).hexdigest()[:32]


def _serializer(purpose: Purpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose.salt)


def _load(purpose: Purpose, token: str) -> dict | None:
    if not isinstance(token, str) or len(token) > 1000:
        return None
    try:
        data = _serializer(purpose).loads(token, max_age=int(purpose.max_age.total_seconds()))
    except BadSignature:  # also SignatureExpired
        return None
    return data if isinstance(data, dict) and isinstance(data.get("u"), int) else None


def _user(data: dict | None) -> User | None:
    if data is None:
        return None
    user = db.session.get(User, data["u"])
    return user if user is not None and user.active else None


def make_confirm_token(user: User) -> str:
    return _serializer(CONFIRM).dumps({"u": user.id, "e": _digest(user.email)})


def read_confirm_token(token: str) -> User | None:
    """The account a confirmation link is for, or None (bad, expired, or the address changed)."""
    data = _load(CONFIRM, token)
    user = _user(data)
    return user if user is not None and data["e"] == _digest(user.email) else None


def make_password_token(user: User, purpose: Purpose = RESET) -> str:
    """A reset link (RESET) or a new staff member's set-your-password link (INVITE)."""
    return _serializer(purpose).dumps({"u": user.id, "p": _digest(user.password_hash), "e": _digest(user.email)})


def read_password_token(token: str, purpose: Purpose = RESET) -> User | None:
    """The account a reset or invite link is for, or None (bad, expired, or already used)."""
    data = _load(purpose, token)
    user = _user(data)
    if user is None or data.get("p") != _digest(user.password_hash) or data.get("e") != _digest(user.email):
        return None
    # Resetting by e-mail needs an address the owner proved is theirs; an invite proves it.
    if purpose is RESET and not user.is_confirmed:
        return None
    return user


def make_email_change_token(user: User, new_email: str) -> str:
    return _serializer(CHANGE_EMAIL).dumps({"u": user.id, "e": _digest(user.email), "n": new_email})


def read_email_change_token(token: str) -> tuple[User, str] | None:
    """(account, new address) for a change-of-address link, or None."""
    data = _load(CHANGE_EMAIL, token)
    user = _user(data)
    if user is None or data["e"] != _digest(user.email) or not isinstance(data.get("n"), str):
        return None
    return user, data["n"]
