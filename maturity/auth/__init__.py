"""Accounts: users, roles, sessions; sign-up, log-in, log-out, confirmation and password reset."""
from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth", template_folder="templates")

from maturity.auth import mfa_views, views  # noqa: E402,F401  (routes register on import)
