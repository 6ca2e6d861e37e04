"""Fits off the request path: the web page asks, a job process (or the queue's worker) fits.

`submit_fit(scope)` hands the fit to the jobs interface under the name `fit:<scope>` (one live fit
per scope). On the queue's worker the job runs in that worker's app. In the local pool it builds
its own app from the web app's non-secret settings — environment, instance and storage folders,
and the database address when it carries no password — and reads the rest (secrets, a
password-bearing `DATABASE_URL`) from its own environment, so no secret travels in a job's
arguments (a Redis queue would keep them).
"""
from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy.engine import make_url

from maturity import jobs

FIT_JOB = "maturity.clustering.jobs:fit_in_worker"
PASSED_SETTINGS = ("MATURITY_ENV", "INSTANCE_PATH", "STORAGE_DIR")


def job_name(scope: str) -> str:
    return f"fit:{scope}"


def settings_for_job() -> dict[str, Any]:
    """The web app's settings a job may carry (none of them secret)."""
    settings = {key: current_app.config[key] for key in PASSED_SETTINGS if key in current_app.config}
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if make_url(url).password is None:
        settings["SQLALCHEMY_DATABASE_URI"] = url
    return settings


def submit_fit(scope: str, actor: str) -> str:
    return jobs.submit(job_name(scope), FIT_JOB, scope, actor, settings_for_job(),
                       timeout=current_app.config.get("FIT_TIMEOUT", 300))


def fit_in_worker(scope: str, actor: str, settings: dict[str, Any]) -> None:
    """The job: fit `scope` and store the fit, in an app of the job's own."""
    from flask import has_app_context

    from maturity import create_app
    from maturity.clustering.operations import fit_scope

    if has_app_context():   # the queue's worker (`flask worker`) already runs inside the app
        fit_scope(scope, actor=actor)
        return
    with create_app(settings).app_context():   # a process of the local pool starts bare
        fit_scope(scope, actor=actor)
