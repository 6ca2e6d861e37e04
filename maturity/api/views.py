from __future__ import annotations

from flask import jsonify, url_for

from maturity.api import bp


@bp.get("/")
def index():
    """What the API offers (the OpenAPI description comes with the questionnaire endpoints)."""
    return jsonify(name="Madurez 4.0 public API", version="v1", links={"self": url_for("api.index")})
