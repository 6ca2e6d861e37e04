"""Advisors (CITE staff, business-development centres, consultants): client firms, owner invitations,
guided interviews, field work without signal, and their dashboard."""
from flask import Blueprint

bp = Blueprint("advisors", __name__, url_prefix="/advisor", template_folder="templates")

from maturity.advisors import views  # noqa: E402,F401
