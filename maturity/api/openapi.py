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
        },
        "components": {"schemas": {
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
            "Errors": {"type": "object", "required": ["errors"], "properties": {"errors": {"type": "array", "items": {
                "type": "object", "required": ["field", "message"],
                "properties": {"field": {"type": ["string", "null"]}, "code": {"type": "string"},
                               "message": {"type": "string"}}}}}},
        }},
    }
