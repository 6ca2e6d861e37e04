"""Who may reach a firm and its assessments: its members. Used by the policy table's object rules.

Authorization always walks from the object to its real parent (assessment → firm → membership);
an id taken from the URL is never trusted on its own.
"""
from __future__ import annotations

from flask import g
from sqlalchemy import select

from maturity.extensions import db
from maturity.firms.models import Firm, FirmMember


def is_member(user, firm_id: int | None) -> bool:
    """Whether `user` belongs to the firm; asked once per request (the policy check and the view
    both ask), the answer kept on `g` for that request only."""
    if firm_id is None or not getattr(user, "is_authenticated", False):
        return False
    cache = g.setdefault("_firm_membership", {})
    key = (user.id, firm_id)
    if key not in cache:
        cache[key] = db.session.scalar(select(FirmMember.id).where(FirmMember.firm_id == firm_id,
                                                                   FirmMember.user_id == user.id)) is not None
    return cache[key]


def firm_for_member(user, firm_id: int) -> Firm | None:
    """The firm when `user` is one of its members, else None (the caller answers 404)."""
    return db.session.get(Firm, firm_id) if is_member(user, firm_id) else None


def member_firm_ids(user) -> list[int]:
    return list(db.session.scalars(select(FirmMember.firm_id).where(FirmMember.user_id == user.id)))
