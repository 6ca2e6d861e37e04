"""Firms (the assessed businesses), their profile, and who belongs to them."""
from flask import Blueprint

bp = Blueprint("firms", __name__, url_prefix="/firms", template_folder="templates")


def init_policy() -> None:
    """Object rules of the policy table for firm pages."""
    from maturity.firms.access import is_member
    from maturity.policy import OBJECT_RULES

    OBJECT_RULES["firm_member"] = lambda user, args: is_member(user, args.get("firm_id"))


from maturity.firms import views  # noqa: E402,F401
