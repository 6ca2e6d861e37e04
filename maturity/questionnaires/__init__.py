"""Questionnaires: the file format (schema), conditions, loading and composition.

Pure Python (no Flask, no database). The app loads once at start-up::

    from maturity.questionnaires import load_questionnaires, QuestionnaireError
    questionnaires = load_questionnaires()          # or load_questionnaires(path)
    textiles = questionnaires.get("textiles")       # a Questionnaire, or None
    textiles.to_dict(lang="es")                     # the API definition
"""
from maturity.questionnaires.conditions import evaluate
from maturity.questionnaires.loader import build, load_questionnaires
from maturity.questionnaires.model import DimensionModel, Item, Option, Questionnaire, QuestionnaireSet
from maturity.questionnaires.problems import FileProblem, QuestionnaireError
from maturity.questionnaires.schema import I18nText, json_schema

__all__ = [
    "DimensionModel", "FileProblem", "I18nText", "Item", "Option", "Questionnaire",
    "QuestionnaireError", "QuestionnaireSet", "build", "evaluate", "json_schema",
    "load_questionnaires",
]
