"""Public API: questionnaires and scoring. Reads no cookie, never `current_user`, changes nothing."""
from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request, url_for

from maturity.api import bp
from maturity.api.body import BodyError, read_json_object
from maturity.api.messages import problem_message
from maturity.api.openapi import openapi_document
from maturity.content import questionnaires
from maturity.extensions import limiter
from maturity.i18n import valid_language
from maturity.scoring import score, validate

SCORE_KEYS = {"questionnaire", "firm", "answers"}


# One limit for the whole public API, per client address (configurable: API_RATE_LIMIT).
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"])(bp)


def _lang() -> str | None:
    """?lang= shapes this response only; it is never stored."""
    return valid_language(request.args.get("lang"))


def _errors(problems: list[tuple[str, str, dict[str, Any]]], status: int = 400):
    body = {"errors": [{"field": field, "code": code, "message": problem_message(field, code, params)}
                       for field, code, params in problems]}
    return jsonify(body), status


@bp.get("/")
def index():
    return jsonify(name="Madurez 4.0 public API", version="v1",
                   links={"openapi": url_for("api.openapi"), "questionnaires": url_for("api.list_questionnaires")})


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/questionnaires")
def list_questionnaires():
    return jsonify([q.summary() for q in questionnaires()])


@bp.get("/questionnaires/<questionnaire_id>")
def get_questionnaire(questionnaire_id: str):
    questionnaire = questionnaires().get(questionnaire_id)
    if questionnaire is None:
        return _errors([("questionnaire", "unknown_questionnaire", {"id": questionnaire_id[:64]})], 404)
    return jsonify(questionnaire.to_dict(_lang()))


@bp.post("/score")
def score_answers():
    try:
        body = read_json_object()
    except BodyError as err:
        return _errors([("body", err.code, err.params)], 413 if err.code == "too_large" else 400)
    problems = [(key, "unknown_key", {}) for key in sorted(body.keys() - SCORE_KEYS)]
    questionnaire_id = body.get("questionnaire")
    questionnaire = questionnaires().get(questionnaire_id) if isinstance(questionnaire_id, str) else None
    if questionnaire_id is None:
        problems.append(("questionnaire", "required", {}))
    elif not isinstance(questionnaire_id, str):
        problems.append(("questionnaire", "wrong_type", {"expected": "string"}))
    elif questionnaire is None:
        problems.append(("questionnaire", "unknown_questionnaire", {"id": questionnaire_id[:64]}))
    firm, answers = body.get("firm", {}), body.get("answers", {})
    if questionnaire is not None:
        problems += [tuple(p.to_dict().values()) for p in validate(questionnaire, answers, firm)]
    if problems:
        return _errors(problems)
    return jsonify(score(questionnaire, answers, firm).to_api())
