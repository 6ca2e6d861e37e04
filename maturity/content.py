"""The questionnaires, loaded and validated once per app at start-up (fail fast).

Views call `questionnaires()`; the pure packages never see Flask.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from maturity.plans import PLANS_DIR, PlanContent, PlanContentError, load_plan_content
from maturity.questionnaires import QuestionnaireError, QuestionnaireSet, load_questionnaires
from maturity.questionnaires.schema import QUESTIONNAIRES_DIR

EXTENSION_KEY = "maturity.questionnaires"
PLANS_KEY = "maturity.plans"


def init_app(app: Flask) -> None:
    """Load every questionnaire file; a broken file stops start-up naming the file, item and problem."""
    directory = app.config.get("QUESTIONNAIRES_DIR")
    try:
        app.extensions[EXTENSION_KEY] = load_questionnaires(Path(directory) if directory else None)
    except QuestionnaireError as exc:
        raise RuntimeError("The questionnaire files are not valid; fix them or run "
                           "`flask --app wsgi questionnaires check`:\n" + str(exc)) from None
    init_plans(app)


def questionnaires() -> QuestionnaireSet:
    """The app's questionnaires."""
    return current_app.extensions[EXTENSION_KEY]


def questionnaire_for_sector(sector: str):
    """The sector's questionnaire, or the common core (`general`) while a sector has none."""
    found = questionnaires()
    return found.get(sector) or found["general"]


def init_plans(app: Flask) -> None:
    """Load the action library and the programme registry once; a broken file stops start-up.

    PLANS_DIR (config) or `<QUESTIONNAIRES_DIR>/plans` when it exists, else the repository's
    questionnaires/plans. The items the actions name are checked against the loaded
    questionnaires when both come from the same folder.
    """
    questionnaires_dir = Path(app.config.get("QUESTIONNAIRES_DIR") or QUESTIONNAIRES_DIR)
    directory = app.config.get("PLANS_DIR")
    if directory:
        path = Path(directory)
    elif (questionnaires_dir / "plans").is_dir():
        path = questionnaires_dir / "plans"
    else:
        path = PLANS_DIR
    same_source = path.resolve().parent == questionnaires_dir.resolve()
    try:
        app.extensions[PLANS_KEY] = load_plan_content(path, app.extensions[EXTENSION_KEY] if same_source else None)
    except PlanContentError as exc:
        raise RuntimeError("The plan files (actions, programmes) are not valid; fix them or run "
                           "`flask --app wsgi questionnaires check`:\n" + str(exc)) from None


def plan_content() -> PlanContent:
    """The app's action library, programme registry and plan vocabulary."""
    return current_app.extensions[PLANS_KEY]


def programme_max_age_days() -> int:
    """PROGRAMME_MAX_AGE_DAYS: a programme verified longer ago is shown as possibly out of date."""
    return int(current_app.config["PROGRAMME_MAX_AGE_DAYS"])
