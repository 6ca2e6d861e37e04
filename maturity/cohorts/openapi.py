"""The Agency API's part of /api/v1/openapi.json: paths, schemas and the bearer security scheme."""
from __future__ import annotations

from typing import Any

_FIGURE = {"type": ["number", "null"], "description": "null when withheld (fewer firms than min_firms, or it "
                                                      "would reveal a withheld figure) or when there is no data"}
_COUNT = {"type": ["integer", "null"], "minimum": 0, "description": "null when withheld"}
_ERRORS = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}}
_UNAUTHORIZED = _ERRORS | {"description": "No token, an unknown or revoked token, or its user can no longer use it "
                                          "(a session cookie never authenticates here)"}
_NOT_FOUND = _ERRORS | {"description": "No such cohort for the token's organisation (another organisation's "
                                       "cohort answers the same)"}
_TOO_MANY = {"description": "Too many requests (AGENCY_API_RATE_LIMIT per client address)"}
_COHORT_ID = {"name": "cohort_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_SECURITY = [{"agencyToken": []}]


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _ok(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def agency_paths() -> dict[str, Any]:
    common = {"401": _UNAUTHORIZED, "404": _NOT_FOUND, "429": _TOO_MANY}
    view_params = [{"name": name, "in": "query", "required": False, "schema": {"type": "string"},
                    "description": f"Only firms with this {name} (at most one of sector, department, size)"}
                   for name in ("sector", "department", "size")]
    return {
        "/api/v1/agency/cohorts": {"get": {
            "summary": "The cohorts of the token's organisation", "operationId": "agencyCohorts",
            "security": _SECURITY,
            "responses": {"200": _ok("Cohorts", {"type": "array", "items": _ref("AgencyCohort")}),
                          "401": _UNAUTHORIZED, "429": _TOO_MANY}}},
        "/api/v1/agency/cohorts/{cohort_id}/summary": {"get": {
            "summary": "Completion funnel, firms with results and the three indices",
            "operationId": "agencyCohortSummary", "security": _SECURITY, "parameters": [_COHORT_ID],
            "responses": {"200": _ok("Summary", _ref("AgencySummary")), **common}}},
        "/api/v1/agency/cohorts/{cohort_id}/benchmarks": {"get": {
            "summary": "Per-dimension distributions and breakdowns, with small-group suppression",
            "operationId": "agencyCohortBenchmarks", "security": _SECURITY,
            "description": "The same figures, withheld the same way, as the cohort dashboard: nothing from fewer "
                           "than min_firms firms, complementary cells withheld in breakdowns, and a filtered view "
                           "refused (`refused` set, every figure null) when it would describe fewer than min_firms "
                           "firms directly or by difference with the whole cohort.",
            "parameters": [_COHORT_ID, *view_params],
            "responses": {"200": _ok("Benchmarks", _ref("AgencyBenchmarks")),
                          "400": _ERRORS | {"description": "More than one filter, or an unknown value"}, **common}}},
        "/api/v1/agency/cohorts/{cohort_id}/impact": {"get": {
            "summary": "Mean change from baseline to follow-up with 95 % confidence intervals",
            "operationId": "agencyCohortImpact", "security": _SECURITY, "parameters": [_COHORT_ID],
            "responses": {"200": _ok("Impact", _ref("AgencyImpact")), **common}}},
    }


def _distribution() -> dict[str, Any]:
    return {"type": "object", "required": ["id", "shown", "n", "mean"],
            "properties": {"id": {"type": "string"}, "shown": {"type": "boolean"}, "n": _COUNT, "mean": _FIGURE,
                           "p10": _FIGURE, "p25": _FIGURE, "median": _FIGURE, "p75": _FIGURE, "p90": _FIGURE}}


def agency_schemas() -> dict[str, Any]:
    index = {"type": "object", "properties": {"shown": {"type": "boolean"}, "n": _COUNT, "mean": _FIGURE}}
    indices = {"type": "object", "properties": {name: index for name in ("overall", "technology", "management")}}
    change = {"type": "object", "properties": {
        "shown": {"type": "boolean"}, "n": _COUNT, "mean_change": _FIGURE, "ci_low": _FIGURE, "ci_high": _FIGURE,
        "share_up": {**_FIGURE, "description": "percentage of firms that moved up at least one band"}}}
    return {
        "AgencyCohort": {"type": "object", "required": ["id", "name", "period"], "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "programme": {"type": ["string", "null"]},
            "period": {"type": "object", "properties": {"start": {"type": "string", "format": "date"},
                                                        "end": {"type": "string", "format": "date"}}},
            "links": {"type": "object", "additionalProperties": {"type": "string"}}}},
        "AgencySummary": {"type": "object", "required": ["cohort", "funnel", "firms", "indices", "min_firms"],
                          "properties": {
                              "cohort": _ref("AgencyCohort"),
                              "funnel": {"type": "object", "description": "invited ≥ joined ≥ started ≥ submitted "
                                         "(participation counts, not results: not suppressed)",
                                         "properties": {k: {"type": "integer"} for k in
                                                        ("invited", "joined", "started", "submitted")}},
                              "firms": _COUNT, "indices": indices, "min_firms": {"type": "integer"}}},
        "AgencyBenchmarks": {"type": "object", "required": ["cohort", "min_firms", "view", "refused", "firms",
                                                            "indices", "dimensions", "breakdowns"],
                             "properties": {
                                 "cohort": {"type": "integer"}, "min_firms": {"type": "integer"},
                                 "view": {"type": ["object", "null"], "properties": {
                                     "variable": {"type": "string", "enum": ["sector", "department", "size"]},
                                     "value": {"type": "string"}}},
                                 "refused": {"type": ["string", "null"], "enum": ["too_few", "difference", None]},
                                 "firms": _COUNT, "indices": indices,
                                 "dimensions": {"type": "array", "items": _distribution()},
                                 "breakdowns": {"type": "object", "description": "whole cohort only: by sector, "
                                                "department and size", "additionalProperties": {
                                                    "type": "object", "properties": {
                                                        "variable": {"type": "string"},
                                                        "rows": {"type": "array", "items": {
                                                            "type": "object", "properties": {
                                                                "value": {"type": ["string", "null"]},
                                                                "firms": _COUNT, "overall": _FIGURE,
                                                                "technology": _FIGURE, "management": _FIGURE}}}}}}}},
        "AgencyImpact": {"type": "object", "properties": {
            "cohort": {"type": "integer"}, "min_firms": {"type": "integer"}, "overall": change,
            "dimensions": {"type": "array", "items": {"allOf": [change, {"type": "object", "properties": {
                "id": {"type": "string"}}}]}},
            "actions_completed": {"type": ["integer", "null"], "description": (
                "actions of the baseline plans marked done by the follow-up; null (withheld) below "
                "min_firms businesses with baseline and follow-up")}}},
    }


def agency_security_schemes() -> dict[str, Any]:
    return {"agencyToken": {"type": "http", "scheme": "bearer",
                            "description": "An Agency API token, issued and revoked by an analyst at /agency/tokens "
                                           "(linked from the account page); shown once, stored hashed."}}
