"""GET /assessments/<id>/plan.pdf?lang=es|en: the stored PDF, or "being prepared" while it renders.

The policy row (object rule assessment_member) already answered 404 to anyone outside the firm.
"""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Response, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user

from maturity import jobs
from maturity.assessments.access import assessment_for_member
from maturity.i18n import SESSION_KEY, _, current_language, valid_language
from maturity.reports import bp
from maturity.reports.document import PlanDocument, build_document, content_disposition
from maturity.reports.storage import RENDER_JOB, sweep_partial

log = logging.getLogger(__name__)
REFRESH_SECONDS = 3
_UNSET = object()


@bp.url_value_preprocessor
def _keep_language_choice(_endpoint, _values) -> None:
    # Runs before the app's language hook, which remembers an explicit ?lang= in the session:
    # on a PDF, ?lang= shapes this response only (contracts.md), so the choice is put back after.
    g.reports_saved_lang = session.get(SESSION_KEY, _UNSET)


@bp.after_request
def _restore_language_choice(response):
    saved = g.pop("reports_saved_lang", _UNSET)
    if saved is _UNSET:
        if SESSION_KEY in session:
            session.pop(SESSION_KEY)
    elif session.get(SESSION_KEY) != saved:
        session[SESSION_KEY] = saved
    return response


def _send(document: PlanDocument, path: Path) -> Response:
    # A plan PDF is tens of kilobytes: read it whole, so the response holds no open file and a
    # newer version replacing it meanwhile cannot change what this response sends.
    response = Response(path.read_bytes(), mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(document.download_name)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/<int:assessment_id>/plan.pdf")
def plan_pdf(assessment_id: int):
    assessment = assessment_for_member(current_user, assessment_id)
    if assessment is None or not assessment.submitted:
        abort(404)
    lang = valid_language(request.args.get("lang")) or current_language()
    document = build_document(assessment, lang)
    path = document.key.path(current_app.config["STORAGE_DIR"])
    if path.is_file():
        return _send(document, path)
    name = document.key.job_name
    job = jobs.find(name)
    if job is not None and job.state == jobs.FAILED:
        # Shown once: the next request tries again. The HTML plan stays where it always is.
        log.warning("plan PDF of assessment %s (%s) failed: %s", assessment.id, lang, job.error)
        jobs.forget(job.id)
        sweep_partial(path)
        flash(_("Your PDF could not be prepared. Your plan is on this page; try the download again in a few minutes."),
              "error")
        return redirect(url_for("assessments.results", assessment_id=assessment.id, _anchor="plan"))
    jobs.submit(name, RENDER_JOB, document.html, str(path), timeout=current_app.config["PDF_RENDER_TIMEOUT"])
    again = url_for(".plan_pdf", assessment_id=assessment.id, lang=lang)
    return render_template("reports/preparing.html", assessment=assessment, again=again,
                           refresh=REFRESH_SECONDS), 202
