"""The owner's assessment: one page per dimension, autosave, submit, results, re-assessment."""
from flask import Blueprint

bp = Blueprint("assessments", __name__, url_prefix="/assessments", template_folder="templates")


def init_policy() -> None:
    """Object rules: an assessment is reached through its firm's membership."""
    from maturity.assessments.access import assessment_rule, compare_rule
    from maturity.policy import OBJECT_RULES

    OBJECT_RULES["assessment_member"] = assessment_rule
    OBJECT_RULES["compare_members"] = compare_rule


from maturity.assessments import views  # noqa: E402,F401
