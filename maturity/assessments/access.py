"""Reaching an assessment: only members of the firm it belongs to (else 404, like a missing id)."""
from __future__ import annotations

from flask import g
from sqlalchemy import bindparam, select

from maturity.assessments.models import Assessment
from maturity.extensions import db
from maturity.firms.access import hold_member_firm, reach_parameters, reachable_by_parameters, sees_organisation
from maturity.firms.models import Firm

# The assessment with its firm, only if the user reaches that firm: one query for what the policy
# check and the view both need (built once; the user's role picks which of the two shapes).
_MEMBER_ASSESSMENT = {
    org_wide: select(Assessment, Firm).join(Firm, Firm.id == Assessment.firm_id)
    .where(Assessment.id == bindparam("assessment_id"), reachable_by_parameters(org_wide))
    for org_wide in (False, True)
}


def assessment_for_member(user, assessment_id: int | None) -> Assessment | None:
    """The assessment if `user` is a member of its firm, else None (the caller answers 404, as for a
    missing id). The policy check and then the view ask: the answer is held on `g` for the request,
    since the session's identity map keeps only weak references (it would otherwise be read twice)."""
    if assessment_id is None or not getattr(user, "is_authenticated", False):
        return None
    held = g.setdefault("_assessments", {})
    key = (user.id, assessment_id)
    if key not in held:
        row = db.session.execute(_MEMBER_ASSESSMENT[sees_organisation(user)],
                                 {"assessment_id": assessment_id, **reach_parameters(user)}).first()
        held[key] = row[0] if row else None
        if row:
            hold_member_firm(user, row[1])
    return held[key]


def assessment_rule(user, args: dict) -> bool:
    return assessment_for_member(user, args.get("assessment_id")) is not None


def compare_rule(user, args: dict) -> bool:
    a, b = assessment_for_member(user, args.get("a")), assessment_for_member(user, args.get("b"))
    return a is not None and b is not None and a.firm_id == b.firm_id
