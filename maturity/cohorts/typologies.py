"""Typologies of a cohort: GET shows the latest stored fit, POST asks for a new one (a job).

The groups are found among the assessments the cohort's figures count (`aggregates.eligible`),
and a fit never keeps a grouping with a group under the publication threshold
(`FitParams.min_group_size`). The page still withholds any group under `figures.min_firms()` —
an older fit, or a threshold raised since — with its centroid and its points on the map.
"""
from __future__ import annotations

import logging
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from maturity import jobs
from maturity.auth.forms import ButtonForm
from maturity.clustering.chart import map_svg
from maturity.clustering.engine import FitParams
from maturity.clustering.jobs import job_name, submit_fit
from maturity.clustering.models import ClusterFit
from maturity.clustering.operations import latest_fit
from maturity.cohorts import aggregates, bp, figures
from maturity.cohorts.access import cohort_for_staff
from maturity.cohorts.labels import dimension_title
from maturity.extensions import db
from maturity.i18n import _, current_language

log = logging.getLogger(__name__)
REFRESH_SECONDS = 5


def scope(cohort_id: int) -> str:
    return f"cohort:{int(cohort_id)}"


def publish(fit: ClusterFit, min_firms: int, lang: str) -> dict[str, Any]:
    """What the page may show of `fit`: the groups of at least `min_firms` firms, in `lang`."""
    result = fit.result
    shown = [c for c in result["clusters"] if c["size"] >= min_firms]
    ids = {c["id"] for c in shown}
    groups = [{"id": c["id"], "name": c["name"][lang], "size": c["size"], "share": c["share"] * 100,
               "strongest": c.get("strongest"), "weakest": c.get("weakest"),
               "centroid": c["centroid"]} for c in shown]
    chart = None
    if fit.chart and groups:
        data = {"explained": fit.chart.get("explained", []),
                "points": [p for p in fit.chart["points"] if p[2] in ids],
                "centroids": [c for c in fit.chart["centroids"] if c[2] in ids]}
        # The map numbers groups by position; keep the published ones' own numbers and colours.
        chart = map_svg(data, [g["name"] for g in groups], _("Map of the groups"), [g["size"] for g in groups],
                        numbers=[g["id"] for g in groups])
    return {"k": result["k"], "n": result["n"], "silhouette": result["silhouette"][str(result["k"])],
            "dimensions": result["dimensions"], "groups": groups, "withheld": len(result["clusters"]) - len(shown),
            "created_at": fit.created_at, "chart": chart}


def counted_now(cohort) -> int:
    chosen = aggregates.eligible(cohort)
    return db.session.scalar(select(func.count()).select_from(chosen)) or 0


@bp.get("/cohorts/<int:cohort_id>/typologies")
def typologies(cohort_id: int):
    cohort = cohort_for_staff(current_user, cohort_id) or abort(404)
    lang = current_language()
    job = jobs.find(job_name(scope(cohort.id)))
    if job is not None and job.state == jobs.FAILED:
        log.warning("typologies of cohort %s failed: %s", cohort.id, job.error)
        flash(_("The groups could not be computed. Try again in a few minutes."), "error")
    fit = latest_fit(scope(cohort.id))
    published = publish(fit, figures.min_firms(), lang) if fit is not None else None
    titles = {d: dimension_title(d, lang) for d in (published["dimensions"] if published else [])}
    running = job is not None and job.live
    return render_template("cohorts/typologies.html", cohort=cohort, data=published, titles=titles,
                           counted=counted_now(cohort), running=running, refresh=REFRESH_SECONDS,
                           form=ButtonForm(), min_firms=figures.min_firms(), min_fit=FitParams.min_firms)


@bp.post("/cohorts/<int:cohort_id>/typologies")
def fit_typologies(cohort_id: int):
    cohort = cohort_for_staff(current_user, cohort_id) or abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    name = job_name(scope(cohort.id))
    job = jobs.find(name)
    if job is not None and not job.live:
        jobs.forget(job.id)
    submit_fit(scope(cohort.id), actor=f"user {current_user.id}")
    log.info("user %s asked for the typologies of cohort %s", current_user.id, cohort.id)
    flash(_("The groups are being computed. This page shows them when they are ready."), "info")
    return redirect(url_for(".typologies", cohort_id=cohort.id), 303)
