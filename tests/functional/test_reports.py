"""The PDF transformation plan: what it says (es, en), how it is delivered, who may have it, and
that hostile input reaches nothing and embeds nothing.

The HTML snapshot (tests/data/plan_snapshot_en.html) is the document before WeasyPrint. After an
intended change to the template, the plan data or the results view, refresh it with:

    UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/functional/test_reports.py -k snapshot

and review the diff like code.
"""
from __future__ import annotations

import io
import os
import re
import threading
import time
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import pypdf
import pytest
from test_assessment_flow import autosave, csrf, full_answers, login, start

from maturity import jobs
from maturity.assessments.models import Assessment
from maturity.assessments.results import results_view
from maturity.content import questionnaires
from maturity.extensions import db
from maturity.firms.models import Firm
from maturity.reports.document import build_document, content_disposition, download_name
from maturity.reports.pdf import render_pdf

SNAPSHOT = Path(__file__).resolve().parents[1] / "data" / "plan_snapshot_en.html"
pytestmark = pytest.mark.slow


# --- helpers -------------------------------------------------------------------------------------

class Canary(ThreadingHTTPServer):
    """Loopback HTTP server counting every request it gets."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        canary = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                canary.hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.end_headers()
                self.wfile.write(b"body { color: red }")

            def log_message(self, *args) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture
def canary():
    server = Canary()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def hostile(port: int) -> str:
    return (f'ACME "Ñandú" <link rel=attachment href=file:///etc/passwd>'
            f"<img src=http://127.0.0.1:{port}/x>"
            f"<style>@import url(http://127.0.0.1:{port}/y)</style>"
            f"<svg><image href=http://127.0.0.1:{port}/z /></svg>"
            f"url(file:///etc/passwd)\r\n; filename=evil.exe")


@pytest.fixture
def owner(create_user):
    return create_user(email="owner@example.pe")


@pytest.fixture
def owner_client(client, owner):
    login(client, owner)
    return client


def submitted(client, firm_name: str | None = None, note: str | None = None) -> Assessment:
    """A textiles firm's submitted assessment, one item answered "I don't know"."""
    assessment = start(client, department="08")
    if firm_name is not None:  # past the form, as an import or an admin edit could
        db.session.get(Firm, assessment.firm_id).name = firm_name
        db.session.commit()
    q = questionnaires()["textiles"]
    answers = full_answers(q, {"textiles.profile.activity": ["garments"]})
    answers[q.dimension_items["T2"][0].id] = "dk"
    body = {k: {"option": v} for k, v in answers.items()}
    if note is not None:
        body[q.dimension_items["T1"][0].id]["note"] = note
    assert autosave(client, assessment.id, body, 0).status_code == 200
    token = csrf(client, f"/assessments/{assessment.id}/review")
    assert client.post(f"/assessments/{assessment.id}/submit", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    return db.session.get(Assessment, assessment.id)


def download(client, url: str, seconds: float = 60):
    """Ask until the file is there, as the "being prepared" page does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        response = client.get(url)
        if response.status_code != 202:
            return response
        time.sleep(0.2)
    raise AssertionError(f"{url} still being prepared after {seconds} s")


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def plan_of(assessment: Assessment, lang: str) -> dict:
    return results_view(assessment, questionnaires(), lang)


def expected_texts(assessment: Assessment, lang: str) -> list[str]:
    view = plan_of(assessment, lang)
    texts = [view["overall"]["band_label"] or "", *(r.title for r in view["rows"])]
    plan = view.get("plan")
    if plan and plan.get("horizons"):
        texts += [a["title"] for h in plan["horizons"] for a in h["actions"]]
        texts += [p["name"] for p in plan["programmes"]]
    else:
        texts += [r.title for r in view["gaps"]]
    return [t for t in texts if t]


def no_embedded_files(data: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert "/EmbeddedFiles" not in root.get("/Names", {})
    assert not reader.attachments
    for page in reader.pages:
        for annot in page.get("/Annots", []) or []:
            assert annot.get_object().get("/Subtype") != "/FileAttachment"
    assert b"/EmbeddedFile" not in data and b"/FileAttachment" not in data and b"root:x:0:0" not in data


# --- the document ----------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_pdf_says_the_firm_band_actions_and_programmes(app, owner_client, lang):
    assessment = submitted(owner_client, firm_name="Confecciones Doña Ñusta")
    response = owner_client.get(f"/assessments/{assessment.id}/plan.pdf?lang={lang}")
    assert response.status_code == 202
    response = download(owner_client, f"/assessments/{assessment.id}/plan.pdf?lang={lang}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    text = pdf_text(response.data)
    assert "Confecciones Doña Ñusta" in text
    for expected in expected_texts(assessment, lang):
        assert " ".join(expected.split()) in text, expected
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    assert reader.trailer["/Root"]["/Lang"] == ("es-PE" if lang == "es" else "en")
    assert reader.metadata.author == "Madurez 4.0" and "Confecciones Doña Ñusta" in reader.metadata.title
    # tagged (WeasyPrint's PDF/UA-1 variant): a structure tree and MarkInfo
    assert "/StructTreeRoot" in reader.trailer["/Root"] and reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    assert len(reader.pages) >= 5


def test_the_english_pdf_speaks_english_and_has_every_part(app, owner_client):
    assessment = submitted(owner_client)
    text = pdf_text(download(owner_client, f"/assessments/{assessment.id}/plan.pdf?lang=en").data)
    for part in ("Digital transformation plan", "Self-assessment by the business", "Summary", "Your three priorities",
                 "Your twelve topics", "Your roadmap", "To find out", "Glossary", "RUC (tax ID)", "SUNAT",
                 "Questionnaire version", "Cusco"):
        assert part in text, part


def test_the_spanish_pdf_speaks_spanish(app, owner_client):
    """Needs the catalog merge of /tmp/es_pdf.py (the report's own msgids) to pass."""
    assessment = submitted(owner_client)
    text = pdf_text(download(owner_client, f"/assessments/{assessment.id}/plan.pdf?lang=es").data)
    for part in ("Plan de transformación digital", "Autodiagnóstico", "Resumen", "Glosario", "Por averiguar",
                 "Registro Único de Contribuyentes"):
        assert part in text, part


def test_the_fonts_are_bundled_and_embedded(app, owner_client):
    assessment = submitted(owner_client)
    reader = pypdf.PdfReader(io.BytesIO(download(owner_client, f"/assessments/{assessment.id}/plan.pdf?lang=es").data))
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptors = [d.get_object()["/FontDescriptor"] for d in font.get("/DescendantFonts", [])] or \
                [font.get("/FontDescriptor")]
            fonts[str(font["/BaseFont"])] = all(d is not None and "/FontFile2" in d for d in descriptors)
    assert fonts and all(fonts.values()), fonts
    # ours, both faces, not whatever the system had (names are "<subset tag>+<family>-<face>")
    assert {name.split("+", 1)[1] for name in fonts} == {"Report-Sans", "Report-Sans-Bold"}, fonts


def test_html_snapshot(app_ctx, owner_client, monkeypatch):
    """The plan's HTML before WeasyPrint (refresh: see the module docstring)."""
    from maturity.plans import engine

    class Day(date):
        @classmethod
        def today(cls):
            return cls(2026, 6, 1)

    monkeypatch.setattr(engine, "date", Day, raising=False)  # programme staleness depends on today
    assessment = submitted(owner_client, firm_name="Taller Snapshot")
    assessment.submitted_at = datetime(2026, 5, 20, 15, 0, tzinfo=UTC)
    db.session.commit()
    html = build_document(assessment, "en").html
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(html, encoding="utf-8")
    assert html == SNAPSHOT.read_text(encoding="utf-8"), "the plan HTML changed: refresh the snapshot if intended"


# --- delivery ----------------------------------------------------------------------------------------

def test_delivery_headers_and_a_single_render(app, owner_client, monkeypatch):
    assessment = submitted(owner_client)
    url = f"/assessments/{assessment.id}/plan.pdf?lang=es"
    backend = app.extensions[jobs.EXTENSION_KEY]
    starts = []
    real_start = backend._start
    monkeypatch.setattr(backend, "_start", lambda *args: starts.append(args))
    first = owner_client.get(url)
    second = owner_client.get(url)
    assert first.status_code == second.status_code == 202 and len(starts) == 1  # enqueued once
    page = second.get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="3;url=/assessments/' in page and "<script" not in page.split("</head>")[0]
    real_start(*starts[0])
    response = download(owner_client, url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert "filename*=UTF-8''plan-" in response.headers["Content-Disposition"]
    stored = list((Path(app.config["STORAGE_DIR"]) / "plans" / str(assessment.id)).iterdir())
    assert [p.suffix for p in stored] == [".pdf"] and "static" not in str(stored[0])
    assert owner_client.get(url).status_code == 200 and len(starts) == 1  # cached: no new render


def test_the_preparing_page_speaks_the_language_asked_and_the_choice_is_not_kept(app, owner_client):
    assessment = submitted(owner_client)
    with owner_client.session_transaction() as session:
        session["lang"] = "es"
    page = owner_client.get(f"/assessments/{assessment.id}/plan.pdf?lang=en")
    assert page.status_code == 202 and "Your PDF is being prepared" in page.get_data(as_text=True)
    with owner_client.session_transaction() as session:
        assert session["lang"] == "es"
    download(owner_client, f"/assessments/{assessment.id}/plan.pdf?lang=en")
    with owner_client.session_transaction() as session:
        assert session["lang"] == "es"


def test_a_changed_plan_gets_a_new_file(app, owner_client):
    assessment = submitted(owner_client, firm_name="Primera")
    url = f"/assessments/{assessment.id}/plan.pdf?lang=en"
    assert "Primera" in pdf_text(download(owner_client, url).data)
    db.session.get(Firm, assessment.firm_id).name = "Segunda"
    db.session.commit()
    assert owner_client.get(url).status_code == 202  # not the old file
    assert "Segunda" in pdf_text(download(owner_client, url).data)
    stored = list((Path(app.config["STORAGE_DIR"]) / "plans" / str(assessment.id)).glob("en-*.pdf"))
    assert len(stored) == 1  # the older version was dropped


def test_a_render_past_the_timeout_is_killed_and_the_html_plan_stays(app, owner_client):
    app.config["PDF_RENDER_TIMEOUT"] = 0.05  # any real render takes longer
    assessment = submitted(owner_client)
    url = f"/assessments/{assessment.id}/plan.pdf?lang=en"
    assert owner_client.get(url).status_code == 202
    with app.app_context():
        name = build_document(assessment, "en").key.job_name
        deadline = time.monotonic() + 30
        while (job := jobs.find(name)) is None or job.live:
            assert time.monotonic() < deadline, job
            time.sleep(0.05)
        assert job.state == jobs.FAILED and job.error.startswith("timed out")
    failed = owner_client.get(url)
    assert failed.status_code == 302 and failed.headers["Location"].endswith(f"/assessments/{assessment.id}/results#plan")
    page = owner_client.get(failed.headers["Location"]).get_data(as_text=True)
    assert "Your PDF could not be prepared" in page or "no se pudo preparar" in page
    plans = Path(app.config["STORAGE_DIR"]) / "plans"
    assert not plans.exists() or not any(plans.rglob("*"))  # no file, not even a partial one
    app.config["PDF_RENDER_TIMEOUT"] = 60
    assert owner_client.get(url).status_code == 202  # a later request tries again
    assert download(owner_client, url).status_code == 200


# --- who may have it ---------------------------------------------------------------------------------

def test_only_members_get_the_pdf_and_drafts_have_none(app, owner_client, create_user, client):
    assessment = submitted(owner_client)
    url = f"/assessments/{assessment.id}/plan.pdf?lang=es"
    stranger = app.test_client()
    login(stranger, create_user(email="stranger@example.pe"))
    assert stranger.get(url).status_code == 404
    assert stranger.get("/assessments/999999/plan.pdf").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(url).status_code == 302 and "/auth/login" in anonymous.get(url).headers["Location"]
    draft = start(owner_client)
    assert owner_client.get(f"/assessments/{draft.id}/plan.pdf").status_code == 404
    plans = Path(app.config["STORAGE_DIR"]) / "plans"
    assert not plans.exists()  # nobody but a member started a render


def test_the_results_page_links_the_pdf(app, owner_client):
    assessment = submitted(owner_client)
    html = owner_client.get(f"/assessments/{assessment.id}/results?lang=en").get_data(as_text=True)
    assert f'href="/assessments/{assessment.id}/plan.pdf?lang=en"' in html and "Download the plan (PDF)" in html


# --- hostile input -------------------------------------------------------------------------------------

def test_hostile_firm_names_and_notes_reach_nothing_and_embed_nothing(app, owner_client, canary):
    payload = hostile(canary.server_address[1])
    # A firm name holds 200 characters (the form's limit; PostgreSQL enforces it); notes take all of it.
    assessment = submitted(owner_client, firm_name=payload[:200], note=payload)
    response = download(owner_client, f"/assessments/{assessment.id}/plan.pdf?lang=en")
    assert response.status_code == 200
    assert canary.hits == []
    no_embedded_files(response.data)
    text = pdf_text(response.data)
    assert "<link rel=attachment href=file:///etc/passwd>" in text  # shown literally, as text
    assert f"@import url(http://127.0.0.1:{canary.server_address[1]}/y)" in text
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(r'attachment; filename="[A-Za-z0-9._-]+"; filename\*=UTF-8\'\'[A-Za-z0-9%._-]+', disposition)


def test_the_fetcher_is_the_backstop_when_markup_gets_through(app, canary):
    """Even unescaped payloads (as if autoescaping had failed) fetch nothing and attach nothing."""
    port = canary.server_address[1]
    html = ("<!doctype html><html lang=en><head><title>x</title>"
            "<link rel=attachment href=file:///etc/passwd>"
            f"<link rel=stylesheet href=http://127.0.0.1:{port}/sheet>"
            f"<style>@import url(http://127.0.0.1:{port}/y); p {{ background: url(file:///etc/passwd) }}</style>"
            f"</head><body><p style='background-image:url(http://127.0.0.1:{port}/style)'>ACME</p>"
            f"<img src=http://127.0.0.1:{port}/x><img src=file:///etc/passwd>"
            f"<svg width=10 height=10><image href=http://127.0.0.1:{port}/z width=10 height=10 /></svg>"
            f"<object data=http://127.0.0.1:{port}/o></object>"
            "<a rel=attachment href=file:///etc/hostname>a</a></body></html>")
    data = render_pdf(html)
    assert data.startswith(b"%PDF-")
    assert canary.hits == []
    no_embedded_files(data)


@pytest.mark.parametrize("firm", ['Taller "Ñandú"; filename=x.exe', "Línea\r\nSet-Cookie: a=b", "../../etc/passwd",
                                  "   ", "Café & Cía. <b>", "東京 Textiles"])
def test_download_names_are_safe_for_any_firm_name(firm):
    name = download_name(firm, "es", 7)
    header = content_disposition(name)
    assert re.fullmatch(r'attachment; filename="[A-Za-z0-9._-]+"; filename\*=UTF-8\'\'[A-Za-z0-9%._-]+', header), header
    assert unquote(header.split("''", 1)[1]) == name
    assert name.startswith("plan-") and name.endswith("-es.pdf") and "/" not in name and ".." not in name


def test_deleting_the_account_removes_its_stored_pdfs(app, tmp_path):
    """Nothing of a deleted account stays in storage: its firms' PDFs go with it."""
    from pathlib import Path

    from maturity.account.operations import delete_account
    from maturity.auth.models import User
    from maturity.extensions import db
    from maturity.firms.models import Firm, FirmMember

    with app.app_context():
        owner = User(email="borrar@example.pe", role="owner")
        firm = Firm(name="Por borrar")
        db.session.add_all([owner, firm])
        db.session.flush()
        db.session.add(FirmMember(firm_id=firm.id, user_id=owner.id, role="owner"))
        from maturity.assessments.models import Assessment

        assessment = Assessment(firm_id=firm.id, questionnaire_id="general", questionnaire_version="common@1.0")
        db.session.add(assessment)
        db.session.commit()
        folder = Path(app.config["STORAGE_DIR"]) / "plans" / str(assessment.id)
        folder.mkdir(parents=True)
        (folder / "es-v-h.pdf").write_bytes(b"%PDF-1.7")
        delete_account(owner)
        assert not folder.exists()
