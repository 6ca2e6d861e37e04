"""The questionnaires, loaded and validated once per app at start-up (fail fast).

Views call `questionnaires()`; the pure packages never see Flask.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from maturity.questionnaires import QuestionnaireError, QuestionnaireSet, load_questionnaires

EXTENSION_KEY = "maturity.questionnaires"


def init_app(app: Flask) -> None:
    """Load every questionnaire file; a broken file stops start-up naming the file, item and problem."""
    directory = app.config.get("QUESTIONNAIRES_DIR")
    try:
        app.extensions[EXTENSION_KEY] = load_questionnaires(Path(directory) if directory else None)
    except QuestionnaireError as exc:
        raise RuntimeError("The questionnaire files are not valid; fix them or run "
                           "`flask --app wsgi questionnaires check`:\n" + str(exc)) from None


def questionnaires() -> QuestionnaireSet:
    """The app's questionnaires."""
    return current_app.extensions[EXTENSION_KEY]


def questionnaire_for_sector(sector: str):
    """The sector's questionnaire, or the common core (`general`) while a sector has none."""
    found = questionnaires()
    return found.get(sector) or found["general"]
