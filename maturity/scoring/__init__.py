"""Scoring: pure functions of (questionnaire, answers, firm profile); no Flask, no database.

    from maturity.scoring import score, validate, InvalidAnswers
    problems = validate(questionnaire, answers, firm)   # [] or [Problem(field, code, params)]
    result = score(questionnaire, answers, firm)        # raises InvalidAnswers if invalid
    result.to_api()                                     # the POST /api/v1/score body

The rules are in `maturity.scoring.engine`'s docstring; the problem codes in `CODES`.
"""
from maturity.scoring.bands import plan_level, round_score
from maturity.scoring.engine import score
from maturity.scoring.problems import CODES, MESSAGES, InvalidAnswers, Problem
from maturity.scoring.results import (
    INSUFFICIENT,
    NOT_APPLICABLE,
    SCORED,
    STATES,
    DimensionScore,
    ItemScore,
    Score,
    ScoreResult,
)
from maturity.scoring.validation import validate, validate_answers, validate_profile

__all__ = [
    "CODES", "INSUFFICIENT", "MESSAGES", "NOT_APPLICABLE", "SCORED", "STATES", "DimensionScore",
    "InvalidAnswers", "ItemScore", "Problem", "Score", "ScoreResult", "plan_level", "round_score",
    "score", "validate", "validate_answers", "validate_profile",
]
