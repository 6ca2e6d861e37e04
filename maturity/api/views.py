"""Public API: questionnaires and scoring. Reads no cookie, never `current_user`, changes nothing."""
from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request, url_for

from maturity.api import bp
from maturity.api.body import BodyError, read_json_object
from maturity.api.messages import problem_message
from maturity.api.openapi import openapi_document
from maturity.content import plan_content, programme_max_age_days, questionnaires
from maturity.extensions import limiter
from maturity.i18n import valid_language
from maturity.plans import plan_for_result
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


def _read_body():
    """(questionnaire, firm, answers, error response or None) of a /score- or /plan-shaped body."""
    try:
        body = read_json_object()
    except BodyError as err:
        return None, None, None, _errors([("body", err.code, err.params)], 413 if err.code == "too_large" else 400)
    questionnaire, firm, answers, problems = _scoring_body(body)
    return questionnaire, firm, answers, (_errors(problems) if problems else None)


@bp.post("/score")
def score_answers():
    questionnaire, firm, answers, error = _read_body()
    if error:
        return error
    return jsonify(score(questionnaire, answers, firm).to_api())


def _scoring_body(body: dict[str, Any]):
    """(questionnaire, firm, answers, problems) of a /score-shaped body, checked like /score."""
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
    return questionnaire, firm, answers, problems


@bp.post("/plan")
def plan_answers():
    """The score fields plus the transformation plan: actions, programmes, unlockable, find_out."""
    questionnaire, firm, answers, error = _read_body()
    if error:
        return error
    result = score(questionnaire, answers, firm)
    plan = plan_for_result(plan_content(), result, questionnaire, firm, answers,
                           max_age_days=programme_max_age_days())
    return jsonify(result.to_api() | plan.to_api(_lang()))
