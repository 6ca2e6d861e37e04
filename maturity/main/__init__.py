"""Public pages (home), health checks and the language switch helper."""
from flask import Blueprint

bp = Blueprint("main", __name__, template_folder="templates")

from maturity.main import views  # noqa: E402,F401  (routes register on import)
