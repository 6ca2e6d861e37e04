"""The owner's account page: language, password, e-mail, data export and account deletion."""
from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account", template_folder="templates")

from maturity.account import views  # noqa: E402,F401  (routes register on import)
