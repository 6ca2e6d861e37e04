"""Agencies: cohorts of firms that joined with consent, benchmarks with small-group suppression,
impact, exports, and the Agency API (bearer tokens, cookie-free) under /api/v1/agency/."""
from flask import Blueprint

bp = Blueprint("cohorts", __name__, url_prefix="/agency", template_folder="templates")
api_bp = Blueprint("agency_api", __name__, url_prefix="/api/v1/agency")


def init_policy() -> None:
    """Object rules: cohorts by organisation, enrolments and invitations by firm owner, tokens by holder."""
    from maturity.cohorts.access import init_policy as _init

    _init()


from maturity.cohorts import api, enrolment, report, typologies, views  # noqa: E402,F401
