"""The public JSON API under /api/v1/.

It is the one blueprint exempt from CSRF (exempted in `create_app`, in one place) because it
reads no cookie, never looks at `current_user`, and changes nothing.
"""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from maturity.api import views  # noqa: E402,F401
