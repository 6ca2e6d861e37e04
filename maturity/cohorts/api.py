"""The Agency API under /api/v1/agency/: a cohort's funnel, benchmarks and impact for scripts.

The one authenticated part of /api/v1/, and still cookie-free: the caller is the bearer token
(`Authorization: Bearer …`) and nothing else. Sessions under /api/ are NullSessions (see
security.CookieFreeApiSessions) and these views never look at `current_user`, so a logged-in
browser's cookie authenticates nothing here. Every route is GET (nothing changes, so no CSRF
token is involved). The token is checked for every route of the blueprint before the view runs
(deny by default): unknown or revoked → 401 with a JSON error; a cohort of another organisation
→ 404, exactly like a cohort that does not exist. Figures go through the same publication rules
as the pages (`figures` → `suppression`).
"""
from __future__ import annotations

import logging

from flask import current_app, g, jsonify, request, url_for
from sqlalchemy import select

from maturity.cohorts import api_bp, figures
from maturity.cohorts.models import Cohort
from maturity.cohorts.tokens import bearer_from, token_for
from maturity.extensions import db, limiter
from maturity.i18n import _

log = logging.getLogger(__name__)

# One limit for the Agency API, per client address (AGENCY_API_RATE_LIMIT).
limiter.limit(lambda: current_app.config["AGENCY_API_RATE_LIMIT"])(api_bp)


def _error(status: int, field: str, code: str, message: str):
    response = jsonify({"errors": [{"field": field, "code": code, "message": message}]})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="agency"'
    return response


@api_bp.before_request
def _authenticate():
    token = token_for(bearer_from(request.headers.get("Authorization")))
    if token is None:
        log.info("agency API: refused a request without a valid token (%s)", request.path)
        return _error(401, "Authorization", "unauthorized",
                      _("Send a valid Agency API token: Authorization: Bearer <token>. Tokens are issued "
                        "and revoked by an analyst on their account page."))
    g.agency_token = token
    return None


def _cohort(cohort_id: int) -> Cohort | None:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or cohort.organization_id != g.agency_token.organization_id:
        return None
    return cohort


def _not_found():
    return _error(404, "cohort", "not_found", _("There is no such cohort for this token's organisation."))


def _describe(cohort: Cohort) -> dict:
    return {"id": cohort.id, "name": cohort.name, "programme": cohort.programme,
            "period": {"start": cohort.period_start.isoformat(), "end": cohort.period_end.isoformat()},
            "links": {"summary": url_for("agency_api.summary", cohort_id=cohort.id),
                      "benchmarks": url_for("agency_api.benchmarks", cohort_id=cohort.id),
                      "impact": url_for("agency_api.impact", cohort_id=cohort.id)}}


@api_bp.get("/cohorts")
def cohorts():
    found = db.session.scalars(select(Cohort).where(Cohort.organization_id == g.agency_token.organization_id)
                               .order_by(Cohort.period_start.desc(), Cohort.id)).all()
    return jsonify([_describe(c) for c in found])


@api_bp.get("/cohorts/<int:cohort_id>/summary")
def summary(cohort_id: int):
    cohort = _cohort(cohort_id)
    if cohort is None:
        return _not_found()
    return jsonify({"cohort": _describe(cohort)} | figures.summary(cohort))


@api_bp.get("/cohorts/<int:cohort_id>/benchmarks")
def benchmarks(cohort_id: int):
    cohort = _cohort(cohort_id)
    if cohort is None:
        return _not_found()
    view, problem = figures.parse_view(request.args)
    if problem == "several":
        return _error(400, "filter", "several_filters", _("Give at most one of sector, department and size."))
    if problem == "unknown":
        return _error(400, "filter", "unknown_value", _("That filter value does not exist."))
    return jsonify({"cohort": cohort.id} | figures.benchmarks(cohort, view))


@api_bp.get("/cohorts/<int:cohort_id>/impact")
def impact(cohort_id: int):
    cohort = _cohort(cohort_id)
    if cohort is None:
        return _not_found()
    return jsonify({"cohort": cohort.id} | figures.impact(cohort))
