"""The PDF transformation plan: a full render through the app, and a cached download.

Figures (issue: the PDF transformation plan), all in one process on a throwaway SQLite database:
- the full plan PDF — the request that enqueues it (HTML built from the assessment), the job in a
  process of its own (forkserver, warm), the atomic write, and the request that downloads it —
  beside WeasyPrint alone drawing the same HTML with the same stylesheet, fonts and options
  in-process (goal ≤ 1.15×);
- a cached download through the app's test client (policy, assessment, document key, file read)
  beside a bare Flask `send_file` of the same bytes through its own test client, same settings.
"""
from __future__ import annotations

import io
import statistics
import tempfile
import time
from pathlib import Path

import pypdf
from flask import Flask, send_file

from benchmarks.report import Figure

RUNS = 7


def _seed(app):
    from maturity.assessments.operations import save_answers, start_assessment, submit_assessment
    from maturity.auth.models import User
    from maturity.content import questionnaires
    from maturity.extensions import db
    from maturity.firms.models import Firm, FirmMember

    with app.app_context():
        db.create_all()
        q = questionnaires()["textiles"]
        user = User(email="bench-pdf@example.pe", role="owner")
        firm = Firm(name="Confecciones Doña Ñusta", sector="textiles", department="08")
        db.session.add_all([user, firm])
        db.session.flush()
        db.session.add(FirmMember(firm_id=firm.id, user_id=user.id, role="owner"))
        db.session.commit()
        assessment = start_assessment(firm, user, q)
        answers = {i.id: {"option": [o.id for o in i.options if not o.reserved][:1] if i.multiple
                          else [o.id for o in i.options if not o.reserved][1]} for i in q.items}
        save_answers(assessment, user, q, "bench-pdf-key-1", 0, answers)
        submit_assessment(assessment, user, q)
        db.session.commit()
        return assessment.id, user.session_token


def _full_render(app, client, url: str, name: str) -> float:
    """Seconds from the request that enqueues the render to the response that carries the PDF,
    with no file stored beforehand. Between the two the job's state is polled every 10 ms (a
    browser's refresh would wait 3 s: that wait is not the system's cost)."""
    from maturity import jobs

    for old in (Path(app.config["STORAGE_DIR"]) / "plans").rglob("*.pdf"):
        old.unlink()
    started = time.perf_counter()
    _expect(client.get(url).status_code == 202, "the first request should enqueue a render")
    with app.app_context():
        while (job := jobs.find(name)) is None or job.live:
            time.sleep(0.01)
    response = client.get(url)
    elapsed = time.perf_counter() - started
    _expect(job.state == jobs.DONE and response.status_code == 200 and response.data.startswith(b"%PDF-"),
            f"the render should end with a PDF, got {job} / {response.status_code}")
    return elapsed


def _per_request_ms(client, url: str, n: int) -> float:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        _expect(response.status_code == 200, f"expected 200, got {response.status_code}")
    return statistics.median(samples)


def _bare_send_file(data: bytes) -> Flask:
    bare = Flask("bare_pdf")

    @bare.get("/plan.pdf")
    def plan():
        return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                         download_name="plan-bench-es.pdf", max_age=0)

    return bare


def run(_seconds: int) -> list[Figure]:
    from maturity import create_app
    from maturity.reports.document import build_document
    from maturity.reports.pdf import render_pdf

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"MATURITY_ENV": "development", "SECRET_KEY": "bench-" + "x" * 40, "INSTANCE_PATH": tmp,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db", "STORAGE_DIR": f"{tmp}/storage"})
        assessment_id, token = _seed(app)
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
        url = f"/assessments/{assessment_id}/plan.pdf?lang=es"
        with app.test_request_context(url):
            from maturity.assessments.models import Assessment
            from maturity.extensions import db

            document = build_document(db.session.get(Assessment, assessment_id), "es")
        render_pdf(document.html)  # warm-up: fonts, caches
        _full_render(app, client, url, document.key.job_name)  # warm-up: starts the forkserver
        alone, full = [], []
        for _ in range(RUNS):  # interleaved, so a busy moment of the machine hits both alike
            alone.append(_timed(render_pdf, document.html))
            full.append(_full_render(app, client, url, document.key.job_name))
        alone, full = statistics.median(alone), statistics.median(full)
        data = client.get(url).data
        cached = _per_request_ms(client, url, 200)
        bare = _per_request_ms(_bare_send_file(data).test_client(), "/plan.pdf", 200)
    pages = len(pypdf.PdfReader(io.BytesIO(data)).pages)
    return [
        Figure("full plan PDF (request → job process → download) vs WeasyPrint alone", full, alone, "s",
               goal="≤ 1.15× the floor",
               note=f"median of {RUNS}, interleaved; the same HTML, CSS, fonts and PDF/UA-1 options; "
                    f"{len(data):,} bytes, {pages} pages"),
        Figure("cached plan PDF download vs bare Flask send_file", cached, bare, "ms", goal="(no goal set)",
               note="in-process test clients, median of 200; ours re-derives the document key (assessment, plan, "
                    "HTML hash) on every request before reading the file"),
    ]


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise RuntimeError(message)


def _timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start
