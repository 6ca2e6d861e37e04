from __future__ import annotations

from flask import current_app, jsonify, render_template, url_for
from sqlalchemy import text

from maturity.extensions import db
from maturity.main import bp


@bp.get("/")
def index():
    return render_template("main/index.html", start_url=_first_url("auth.register"), login_url=_first_url("auth.login"))


def _first_url(endpoint: str) -> str:
    # Sign-up and log-in arrive with the accounts feature; until then the buttons explain the steps.
    if endpoint in current_app.view_functions:
        return url_for(endpoint)
    return url_for("main.index") + "#how"


@bp.get("/healthz")
def healthz():
    """The process is alive; touches nothing."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Ready to serve: the database answers (and, later, the job queue)."""
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means "not ready"; details go to the log
        db.session.rollback()
        checks["database"] = "unavailable"
    ready = all(v == "ok" for v in checks.values())
    response = jsonify(status="ok" if ready else "unavailable", checks=checks)
    response.status_code = 200 if ready else 503
    if not ready:
        response.headers["Retry-After"] = "5"
    return response
