from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from maturity.extensions import db
from maturity.i18n import SESSION_KEY, valid_language
from maturity.main import bp
from maturity.urls import safe_next


@bp.get("/")
def index():
    return render_template("main/index.html", start_url=_first_url("auth.register"), login_url=_first_url("auth.login"))


def _first_url(endpoint: str) -> str:
    # Sign-up and log-in arrive with the accounts feature; until then the buttons explain the steps.
    if endpoint in current_app.view_functions:
        return url_for(endpoint)
    return url_for("main.index") + "#how"


@bp.post("/language")
def set_language():
    """Remember a language: in the session always, and on the account when logged in (a POST)."""
    lang = valid_language(request.form.get("lang"))
    target = safe_next(request.form.get("next"), url_for("main.index"))
    if lang is None:
        return redirect(target)
    session[SESSION_KEY] = lang
    if current_user.is_authenticated and current_user.language != lang:
        current_user.language = lang
        db.session.commit()
    return redirect(target)


@bp.get("/healthz")
def healthz():
    """The process is alive; touches nothing."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Ready to serve: the database answers, and the job queue's Redis when REDIS_URL is set."""
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:
        current_app.logger.exception("readiness check: database")
        db.session.rollback()
        checks["database"] = "unavailable"
    if current_app.config.get("REDIS_URL"):
        checks["queue"] = _queue_check()
    ready = all(v == "ok" for v in checks.values())
    response = jsonify(status="ok" if ready else "unavailable", checks=checks)
    response.status_code = 200 if ready else 503
    if not ready:
        response.headers["Retry-After"] = "5"
    return response


def _queue_check() -> str:
    from maturity import jobs

    try:
        return "ok" if jobs.backend().ping() else "unavailable"
    except Exception as exc:  # noqa: BLE001 - any failure to reach Redis means "not ready"
        current_app.logger.error("readiness check: queue: %s", exc)
        return "unavailable"
