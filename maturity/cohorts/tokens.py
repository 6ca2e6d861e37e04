"""Agency API bearer tokens: 32 random bytes shown once, only their SHA-256 kept."""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from maturity.cohorts.models import ApiToken
from maturity.extensions import db

# A prefix that marks tokens in logs and secret scanners; not a secret itself.
TOKEN_PREFIX = "mz4_"  # nosec B105
TOKEN_ROLES = ("analyst", "admin")


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def bearer_from(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, else None."""
    if not header:
        return None
    scheme, _sep, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value or len(value) > 200:
        return None
    return value


def token_for(raw: str | None) -> ApiToken | None:
    """The live token for a presented value: not revoked, its user active, still an analyst or
    admin of the organisation the token was issued for. Anything else: None (→ 401)."""
    if not raw:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(raw)))
    if token is None or token.revoked_at is not None:
        return None
    user = token.user
    if (user is None or not user.active or user.role not in TOKEN_ROLES
            or user.organization_id != token.organization_id):
        return None
    return token
