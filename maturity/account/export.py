"""The owner's data as JSON (Ley 29733 access right). Never a password hash or a token.

Every feature that stores something about the owner adds its section here, so the export stays
complete: the account, the firms, their assessments with answers and notes, and cohort consents.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from maturity.assessments.models import Assessment
from maturity.auth.models import User
from maturity.cohorts.models import CohortMember
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
        # Which agencies see (aggregated) results of these firms, and the consent behind it.
        "cohorts": [
            {
                "firm_id": c.firm_id,
                "cohort": c.cohort.name,
                "organization": c.cohort.organization.name if c.cohort.organization else None,
                "consent_at": _time(c.consent_at),
                "consent_version": c.consent_version,
                "withdrawn_at": _time(c.withdrawn_at),
            }
            for c in db.session.scalars(select(CohortMember).where(
                CohortMember.firm_id.in_([m.firm_id for m in memberships])).order_by(CohortMember.id))
        ],
        "assessments": [
            {
                "firm_id": a.firm_id,
                "questionnaire": a.questionnaire_version,
                "status": a.status,
                "mode": a.mode,
                "created_at": _time(a.created_at),
                "submitted_at": _time(a.submitted_at),
                "scores": a.result_snapshot,
                "answers": {answer.item_id: {"option": answer.option, "note": answer.note, "evidence": answer.evidence}
                            for answer in a.answers},
            }
            for a in db.session.scalars(select(Assessment).where(
                Assessment.firm_id.in_([m.firm_id for m in memberships])).order_by(Assessment.id))
        ],
    }
