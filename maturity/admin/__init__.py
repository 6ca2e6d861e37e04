"""Administration (role admin): organisations and accounts."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

from maturity.admin import views  # noqa: E402,F401  (routes register on import)
