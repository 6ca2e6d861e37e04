"""The OpenAPI 3.1 description of the public API, served at /api/v1/openapi.json."""
from __future__ import annotations

from functools import cache
from typing import Any

from maturity.questionnaires.profile import PROFILE_FIELDS

_TEXT = {"oneOf": [{"type": "string"}, {"type": "object", "required": ["es", "en"],
                                        "properties": {"es": {"type": "string"}, "en": {"type": "string"}}}],
         "description": "A plain string with ?lang=es|en; an {es, en} map without it."}
_STATE = {"type": "string", "enum": ["scored", "insufficient", "not_applicable"]}
_BAND = {"type": ["string", "null"], "enum": ["inicial", "basico", "intermedio", "avanzado", "lider", None]}
_SCORED = {
    "type": "object", "required": ["state", "score", "band", "coverage"],
    "properties": {"state": _STATE, "score": {"type": ["number", "null"], "minimum": 0, "maximum": 100},
                   "band": _BAND, "coverage": {"type": "number", "minimum": 0, "maximum": 1}},
}
_LANG = {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": ["es", "en"]},
         "description": "Language of the texts in this response only (never stored)."}
_ERRORS = {"description": "Bad request: every problem, each with the field it concerns.",
           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}}


def _profile_schema() -> dict[str, Any]:
    kinds = {"bool": {"type": ["boolean", "null"]}, "int": {"type": ["integer", "null"], "minimum": 0},
             "str": {"type": ["string", "null"]}}
    props = {name: ({"type": ["string", "null"], "enum": [*values, None]} if kind == "enum" else kinds[kind])
             for name, (kind, values) in PROFILE_FIELDS.items()}
    return {"type": "object", "additionalProperties": False, "properties": props,
            "description": "The firm profile (contracts.md); missing or null fields are unknown."}


@cache
def openapi_document() -> dict[str, Any]:
    from maturity.cohorts.openapi import agency_paths, agency_schemas, agency_security_schemes

    score_request = {"$ref": "#/components/schemas/ScoreRequest"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Madurez 4.0 public API", "version": "1",
                 "description": "Questionnaires and scoring. Cookie-free and read-only: nothing is stored. "
                                "Rate-limited per client address."},
        "paths": {
            "/api/v1/questionnaires": {"get": {
                "summary": "List the questionnaires", "operationId": "listQuestionnaires",
                "responses": {"200": {"description": "Every questionnaire",
                                      "content": {"application/json": {"schema": {"type": "array", "items": {
                                          "$ref": "#/components/schemas/QuestionnaireSummary"}}}}},
                              "429": {"description": "Too many requests"}}}},
            "/api/v1/questionnaires/{id}": {"get": {
                "summary": "One questionnaire's definition", "operationId": "getQuestionnaire",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}, _LANG],
                "responses": {"200": {"description": "The composed questionnaire: dimensions, bands, items, options",
                                      "content": {"application/json": {"schema": {"type": "object"}}}},
                              "404": _ERRORS | {"description": "No questionnaire with that id"},
                              "429": {"description": "Too many requests"}}}},
            "/api/v1/score": {"post": {
                "summary": "Score answers (nothing is stored)", "operationId": "score",
                "parameters": [_LANG],
                "requestBody": {"required": True, "content": {"application/json": {"schema": score_request}}},
                "responses": {"200": {"description": "Scores", "content": {"application/json": {
                                  "schema": {"$ref": "#/components/schemas/ScoreResult"}}}},
                              "400": _ERRORS, "413": _ERRORS, "429": {"description": "Too many requests"}}}},
            "/api/v1/plan": {"post": {
                "summary": "Score answers and build the transformation plan (nothing is stored)",
                "operationId": "plan", "parameters": [_LANG],
                "description": "The same body and checks as /api/v1/score. The answer holds the score fields plus "
                               "the plan: at most about eight actions in three horizons, the programmes the firm "
                               "can use now (with why and the gap they address), the programmes one step away, "
                               "and the items answered “don't know”. Programme data change every year: each "
                               "carries its status and last_verified date.",
                "requestBody": {"required": True, "content": {"application/json": {"schema": score_request}}},
                "responses": {"200": {"description": "Scores and plan", "content": {"application/json": {
                                  "schema": {"$ref": "#/components/schemas/PlanResult"}}}},
                              "400": _ERRORS, "413": _ERRORS, "429": {"description": "Too many requests"}}}},
            **agency_paths(),
        },
        "components": {"schemas": {
            **agency_schemas(),
            "Text": _TEXT,
            "QuestionnaireSummary": {"type": "object", "required": ["id", "version", "sector", "title"],
                                     "properties": {"id": {"type": "string"}, "version": {"type": "string"},
                                                    "sector": {"type": "string"}, "title": _TEXT}},
            "FirmProfile": _profile_schema(),
            "ScoreRequest": {
                "type": "object", "required": ["questionnaire"], "additionalProperties": False,
                "properties": {
                    "questionnaire": {"type": "string", "examples": ["general", "textiles"]},
                    "firm": {"$ref": "#/components/schemas/FirmProfile"},
                    "answers": {"type": "object", "description": "item id → option id, or a list of option ids "
                                "for checklists; `na` and `dk` are reserved options; missing answers lower coverage.",
                                "additionalProperties": {"oneOf": [{"type": "string"},
                                                                   {"type": "array", "items": {"type": "string"}},
                                                                   {"type": "null"}]}}}},
            "Scored": _SCORED,
            "ScoreResult": {
                "type": "object", "required": ["overall", "indices", "dimensions", "confidence", "weakest_links"],
                "properties": {
                    "overall": _SCORED,
                    "indices": {"type": "object", "required": ["technology", "management"],
                                "properties": {"technology": _SCORED, "management": _SCORED}},
                    "dimensions": {"type": "array", "items": {"allOf": [_SCORED, {"type": "object", "required": ["id"],
                                   "properties": {"id": {"type": "string"}}}]}},
                    "confidence": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
                    "weakest_links": {"type": "array", "items": {"type": "string"}}}},
            "PlanAction": {
                "type": "object",
                "required": ["id", "dimension", "from_level", "to_level", "horizon", "effort", "title"],
                "properties": {
                    "id": {"type": "string"}, "dimension": {"type": "string"},
                    "from_level": {"type": "integer", "minimum": 0, "maximum": 4},
                    "to_level": {"type": "integer", "minimum": 1, "maximum": 5},
                    "horizon": {"type": "string", "enum": ["0-3", "3-12", "12-24"], "description": "months"},
                    "effort": {"type": "string", "enum": ["low", "medium", "high"]},
                    "cost": {"type": "string", "enum": ["0", "lt500", "500-5000", "5000-20000", "gt20000"],
                             "description": "indicative cost band in soles"},
                    "title": _TEXT, "description": _TEXT, "indicator": _TEXT,
                    "prerequisites": {"type": "array", "items": {"type": "string"}}}},
            "PlanProgramme": {
                "type": "object", "required": ["id", "name", "reason", "gap", "status", "last_verified"],
                "properties": {
                    "id": {"type": "string"}, "name": _TEXT, "reason": _TEXT,
                    "gap": {"type": "string", "description": "the dimension id it addresses"},
                    "status": {"type": "string", "enum": ["active", "check"]},
                    "last_verified": {"type": "string", "format": "date"},
                    "warning": {"oneOf": [_TEXT, {"type": "null"}]}, "url": {"type": "string"}}},
            "PlanResult": {"allOf": [{"$ref": "#/components/schemas/ScoreResult"}, {
                "type": "object", "required": ["actions", "programmes", "unlockable", "find_out"],
                "properties": {
                    "actions": {"type": "array", "items": {"$ref": "#/components/schemas/PlanAction"}},
                    "programmes": {"type": "array", "items": {"$ref": "#/components/schemas/PlanProgramme"}},
                    "unlockable": {"type": "array", "description": "programmes one step away, and that step",
                                   "items": {"type": "object", "required": ["id", "name", "step", "text"],
                                             "properties": {"id": {"type": "string"}, "name": _TEXT,
                                                            "step": {"type": "string",
                                                                     "enum": ["ruc", "e_invoicing", "group"]},
                                                            "text": _TEXT}}},
                    "find_out": {"type": "array", "items": {"type": "string"},
                                 "description": "item ids answered “don't know”"}}}]},
            "Errors": {"type": "object", "required": ["errors"], "properties": {"errors": {"type": "array", "items": {
                "type": "object", "required": ["field", "message"],
                "properties": {"field": {"type": ["string", "null"]}, "code": {"type": "string"},
                               "message": {"type": "string"}}}},
                "request_id": {"type": ["string", "null"],
                               "description": "on errors the server answers itself (404, 405, 429, 5xx): the "
                                              "X-Request-ID to quote to support"}}},
        },
        "securitySchemes": agency_security_schemes(),
        },
    }
