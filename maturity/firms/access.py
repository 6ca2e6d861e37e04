"""Who may reach a firm and its assessments. Used by the policy table's object rules.

A firm is reached by its members (its owner, the advisors working with it) and, when their
organisation allows it (`advisors_see_all_firms`), by the advisors of the organisation the firm is
linked to. Authorization always walks from the object to its real parent (assessment → firm →
membership); an id taken from the URL is never trusted on its own. Anyone else gets 404.
"""
from __future__ import annotations

from flask import g
from sqlalchemy import bindparam, or_, select

from maturity.extensions import db
from maturity.firms.models import Firm, FirmMember
from maturity.organizations.models import Organization


def is_member(user, firm_id: int | None) -> bool:
    """Whether `user` may reach the firm."""
    return firm_for_member(user, firm_id) is not None


def firm_for_member(user, firm_id: int | None) -> Firm | None:
    """The firm when `user` may reach it, else None (the caller answers 404).

    Asked once per request (the policy check and then the view ask): the firm is held on `g` for
    that request only, so `assessment.firm` afterwards is found in the session without a query (the
    identity map alone keeps only weak references)."""
    if firm_id is None or not getattr(user, "is_authenticated", False):
        return None
    held = g.setdefault("_member_firms", {})
    key = (user.id, firm_id)
    if key not in held:
        held[key] = db.session.scalar(_FIRM[sees_organisation(user)], {"firm_id": firm_id, **reach_parameters(user)})
    return held[key]


def hold_member_firm(user, firm: Firm) -> None:
    """Record that `user` reaches `firm`, found by a query that already checked `reachable` (the
    assessment's), so the rest of the request does not ask again."""
    g.setdefault("_member_firms", {})[(user.id, firm.id)] = firm


def reachable(user):
    """SQL condition on Firm: the firm is one `user` may reach (for queries that list firms)."""
    member = Firm.id.in_(select(FirmMember.firm_id).where(FirmMember.user_id == user.id))
    if sees_organisation(user):
        org_wide = select(Organization.id).where(Organization.id == user.organization_id,
                                                 Organization.advisors_see_all_firms.is_(True))
        return or_(member, Firm.organization_id.in_(org_wide))
    return member


def reachable_by_parameters(org_wide: bool):
    """`reachable` with the user as bound parameters (`user_id`, `organization_id`): statements asked
    on every request are built once (`reach_parameters(user)` gives the values)."""
    member = Firm.id.in_(select(FirmMember.firm_id).where(FirmMember.user_id == bindparam("user_id")))
    if not org_wide:
        return member
    org = select(Organization.id).where(Organization.id == bindparam("organization_id"),
                                        Organization.advisors_see_all_firms.is_(True))
    return or_(member, Firm.organization_id.in_(org))


def sees_organisation(user) -> bool:
    """Whether `user` reaches every firm of their organisation (when it allows it), not only their own."""
    return user.role == "advisor" and user.organization_id is not None


def reach_parameters(user) -> dict[str, int | None]:
    """The bound parameters of `reachable_by_parameters` for `user`."""
    return {"user_id": user.id, "organization_id": user.organization_id}


_FIRM = {org_wide: select(Firm).where(Firm.id == bindparam("firm_id"), reachable_by_parameters(org_wide))
         for org_wide in (False, True)}


def member_firm_ids(user) -> list[int]:
    """Every firm `user` may reach."""
    return list(db.session.scalars(select(Firm.id).where(reachable(user))))


def role_in_firm(user, firm_id: int) -> str | None:
    """'owner', 'advisor' or None (reach through the organisation only)."""
    return db.session.scalar(select(FirmMember.role).where(FirmMember.firm_id == firm_id, FirmMember.user_id == user.id))
