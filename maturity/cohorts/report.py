"""The cohort PDF: GET /agency/cohorts/<id>/report.pdf?lang=es|en, drawn through the jobs interface.

The document is built in the web process from the very figures the dashboard publishes
(`figures` → `suppression`: the same withheld cells), rendered by Jinja with autoescaping, and
handed as a finished string to the PDF module's render job (`maturity.reports.storage`, in a
process of its own, with the fetcher that reads only our own assets). The file is stored under
STORAGE_DIR/cohorts/<id>/<lang>-<hash>.pdf, the hash covering the HTML and the print assets, so
changed figures give a new file and an old one is never served for new figures. Like the plan
PDF, ?lang= shapes this response only and is never stored.
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from flask import Response, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user

from maturity import jobs
from maturity.cohorts import bp, figures
from maturity.cohorts.access import cohort_for_staff
from maturity.cohorts.labels import category_label, dimension_title
from maturity.i18n import SESSION_KEY, _, current_language, use_language, valid_language
from maturity.timeutil import utcnow

log = logging.getLogger(__name__)
COHORTS_DIR = "cohorts"
REFRESH_SECONDS = 3
_UNSET = object()


def cohort_html(cohort, lang: str) -> str:
    """The report's HTML in `lang` (figures published exactly as on the dashboard)."""
    with use_language(lang):
        data = figures.benchmarks(cohort)
        impact = figures.impact(cohort)
        for row in data["dimensions"]:
            row["title"] = dimension_title(row["id"], lang)
        for row in impact["dimensions"]:
            row["title"] = dimension_title(row["id"], lang)
        return render_template("cohorts/report_pdf.html", cohort=cohort, data=data, impact=impact,
                               funnel=figures.funnel(cohort), category_label=category_label, lang=lang,
                               html_lang="es-PE" if lang == "es" else "en", today=utcnow().date())


def report_path(cohort_id: int, lang: str, html: str) -> Path:
    from maturity.reports import assets

    digest = hashlib.sha256(html.encode() + b"\0" + assets.fingerprint().encode()).hexdigest()[:16]
    return Path(current_app.config["STORAGE_DIR"]) / COHORTS_DIR / str(int(cohort_id)) / f"{lang}-{digest}.pdf"


@bp.url_value_preprocessor
def _keep_language_choice(endpoint, _values) -> None:
    # Before the app's language hook remembers an explicit ?lang=: on a PDF it is for this response only.
    if endpoint == "cohorts.report":
        g.cohort_report_saved_lang = session.get(SESSION_KEY, _UNSET)


@bp.after_request
def _restore_language_choice(response):
    if request.endpoint != "cohorts.report":
        return response
    saved = g.pop("cohort_report_saved_lang", _UNSET)
    if saved is _UNSET:
        session.pop(SESSION_KEY, None)
    elif session.get(SESSION_KEY) != saved:
        session[SESSION_KEY] = saved
    return response


@bp.get("/cohorts/<int:cohort_id>/report.pdf")
def report(cohort_id: int):
    from maturity.reports.document import content_disposition
    from maturity.reports.storage import RENDER_JOB, sweep_partial

    cohort = cohort_for_staff(current_user, cohort_id) or abort(404)
    lang = valid_language(request.args.get("lang")) or current_language()
    html = cohort_html(cohort, lang)
    path = report_path(cohort.id, lang, html)
    if path.is_file():
        response = Response(path.read_bytes(), mimetype="application/pdf")
        response.headers["Content-Disposition"] = content_disposition(f"cohort-{cohort.id}-{lang}.pdf")
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
    name = f"cohort-pdf:{cohort.id}:{path.stem}"
    job = jobs.find(name)
    if job is not None and job.state == jobs.FAILED:
        log.warning("cohort PDF %s (%s) failed: %s", cohort.id, lang, job.error)
        jobs.forget(job.id)
        sweep_partial(path)
        flash(_("The PDF could not be prepared. Try again in a few minutes."), "error")
        return redirect(url_for(".show", cohort_id=cohort.id))
    jobs.submit(name, RENDER_JOB, html, str(path), timeout=current_app.config.get("PDF_RENDER_TIMEOUT", 60))
    log.info("user %s asked for the PDF of cohort %s (%s)", current_user.id, cohort.id, lang)
    again = url_for(".report", cohort_id=cohort.id, lang=lang)
    return render_template("cohorts/report_preparing.html", cohort=cohort, again=again, refresh=REFRESH_SECONDS), 202
