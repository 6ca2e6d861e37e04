"""Reaching an assessment: only members of the firm it belongs to (else 404, like a missing id)."""
from __future__ import annotations

from flask import g

from maturity.assessments.models import Assessment
from maturity.extensions import db
from maturity.firms.access import is_member


def assessment_for_member(user, assessment_id: int | None) -> Assessment | None:
    """The policy check and then the view ask: the object is held on `g` for the request, since the
    session's identity map keeps only weak references (it would otherwise be read twice)."""
    if assessment_id is None:
        return None
    held = g.setdefault("_assessments", {})
    assessment = held.get(assessment_id) or db.session.get(Assessment, assessment_id)
    held[assessment_id] = assessment
    if assessment is None or not is_member(user, assessment.firm_id):
        return None
    return assessment


def assessment_rule(user, args: dict) -> bool:
    return assessment_for_member(user, args.get("assessment_id")) is not None


def compare_rule(user, args: dict) -> bool:
    a, b = assessment_for_member(user, args.get("a")), assessment_for_member(user, args.get("b"))
    return a is not None and b is not None and a.firm_id == b.firm_id
