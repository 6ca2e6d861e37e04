"""Who reaches a cohort, an enrolment, an invitation or a token (the policy table's object rules).

A cohort belongs to an organisation: its analysts and admins reach it, nobody else (404, like a
missing cohort). An enrolment or an invitation is reached by the owner of the firm it is about;
a token by the user it was issued to. Ids from the URL are always checked against the real parent.
"""
from __future__ import annotations

from maturity.cohorts.models import ApiToken, Cohort, CohortInvitation, CohortMember
from maturity.cohorts.operations import invitation_firm, owns
from maturity.extensions import db

STAFF_ROLES = ("analyst", "admin")


def cohort_for_staff(user, cohort_id: int | None) -> Cohort | None:
    if cohort_id is None or not getattr(user, "is_authenticated", False) or user.role not in STAFF_ROLES:
        return None
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or user.organization_id is None or cohort.organization_id != user.organization_id:
        return None
    return cohort


def member_for_owner(user, member_id: int | None) -> CohortMember | None:
    member = db.session.get(CohortMember, member_id) if member_id is not None else None
    return member if member is not None and owns(user, member.firm_id) else None


def invitation_for_owner(user, invitation_id: int | None) -> CohortInvitation | None:
    invitation = db.session.get(CohortInvitation, invitation_id) if invitation_id is not None else None
    return invitation if invitation is not None and invitation_firm(user, invitation) is not None else None


def token_for_user(user, token_id: int | None) -> ApiToken | None:
    token = db.session.get(ApiToken, token_id) if token_id is not None else None
    return token if token is not None and token.user_id == user.id else None


def init_policy() -> None:
    from maturity.policy import OBJECT_RULES

    OBJECT_RULES["cohort_staff"] = lambda user, args: cohort_for_staff(user, args.get("cohort_id")) is not None
    OBJECT_RULES["membership_owner"] = lambda user, args: member_for_owner(user, args.get("member_id")) is not None
    OBJECT_RULES["invitation_owner"] = lambda user, args: invitation_for_owner(user, args.get("invitation_id")) is not None
    OBJECT_RULES["token_holder"] = lambda user, args: token_for_user(user, args.get("token_id")) is not None
