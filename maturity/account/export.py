"""The owner's data as JSON (Ley 29733 access right). Never a password hash or a token.

Later features add their sections here (assessments, answers, plans) so the export stays complete.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from maturity.auth.models import User
from maturity.extensions import db
from maturity.firms.models import FirmMember
from maturity.timeutil import utcnow

FORMAT = "madurez40-account-export"
VERSION = 1


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def build_export(user: User) -> dict[str, Any]:
    """Everything the account holds about its owner and their firms."""
    memberships = db.session.scalars(
        select(FirmMember).where(FirmMember.user_id == user.id).order_by(FirmMember.firm_id)
    ).all()
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": utcnow().isoformat(),
        "account": {
            "email": user.email,
            "role": user.role,
            "language": user.language,
            "organization": user.organization.name if user.organization else None,
            "created_at": _time(user.created_at),
            "confirmed_at": _time(user.confirmed_at),
            "password_changed_at": _time(user.password_changed_at),
            "privacy_consent_at": _time(user.privacy_consent_at),
            "privacy_version": user.privacy_version,
        },
        "firms": [
            {
                "id": m.firm.id,
                "name": m.firm.name,
                "ruc": m.firm.ruc,
                "membership": m.role,
                "member_since": _time(m.created_at),
                "created_at": _time(m.firm.created_at),
                "profile": m.firm.profile(),
            }
            for m in memberships
        ],
    }
