"""Who may reach a firm and its assessments. Used by the policy table's object rules.

A firm is reached by its members (its owner, the advisors working with it) and, when their
organisation allows it (`advisors_see_all_firms`), by the advisors of the organisation the firm is
linked to. Authorization always walks from the object to its real parent (assessment → firm →
membership); an id taken from the URL is never trusted on its own. Anyone else gets 404.
"""
from __future__ import annotations

from flask import g
from sqlalchemy import or_, select

from maturity.extensions import db
from maturity.firms.models import Firm, FirmMember
from maturity.organizations.models import Organization


def is_member(user, firm_id: int | None) -> bool:
    """Whether `user` may reach the firm; asked once per request (the policy check and the view
    both ask), the answer kept on `g` for that request only."""
    if firm_id is None or not getattr(user, "is_authenticated", False):
        return False
    cache = g.setdefault("_firm_membership", {})
    key = (user.id, firm_id)
    if key not in cache:
        cache[key] = db.session.scalar(select(Firm.id).where(Firm.id == firm_id, reachable(user))) is not None
    return cache[key]


def reachable(user):
    """SQL condition on Firm: the firm is one `user` may reach (for queries that list firms)."""
    member = Firm.id.in_(select(FirmMember.firm_id).where(FirmMember.user_id == user.id))
    if user.role == "advisor" and user.organization_id is not None:
        org_wide = select(Organization.id).where(Organization.id == user.organization_id,
                                                 Organization.advisors_see_all_firms.is_(True))
        return or_(member, Firm.organization_id.in_(org_wide))
    return member


def firm_for_member(user, firm_id: int) -> Firm | None:
    """The firm when `user` may reach it, else None (the caller answers 404)."""
    return db.session.get(Firm, firm_id) if is_member(user, firm_id) else None


def member_firm_ids(user) -> list[int]:
    """Every firm `user` may reach."""
    return list(db.session.scalars(select(Firm.id).where(reachable(user))))


def role_in_firm(user, firm_id: int) -> str | None:
    """'owner', 'advisor' or None (reach through the organisation only)."""
    return db.session.scalar(select(FirmMember.role).where(FirmMember.firm_id == firm_id, FirmMember.user_id == user.id))
