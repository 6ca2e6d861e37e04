"""An owner on a phone downloads the plan PDF from the results page: the "being prepared" page
refreshes itself (no script) until the file is ready, then the browser saves it."""
from __future__ import annotations

import pytest

from maturity.assessments.operations import save_answers, start_assessment, submit_assessment
from maturity.content import questionnaires
from maturity.extensions import db
from maturity.firms.models import Firm, FirmMember

pytestmark = pytest.mark.browser
PASSWORD = "una-clave-larga-de-prueba-2026"


@pytest.fixture
def owner(create_user):
    from maturity.auth.passwords import hash_password

    return create_user(email="dueña@example.pe", password_hash=hash_password(PASSWORD), language="es")


@pytest.fixture
def submitted(app_ctx, owner):
    """A submitted assessment of the owner's firm, built through the operations (as the app does)."""
    q = questionnaires()["general"]
    firm = Firm(name="Bodega Doña Rosa", sector="general", department="04")
    db.session.add(firm)
    db.session.flush()
    db.session.add(FirmMember(firm_id=firm.id, user_id=owner.id, role="owner"))
    db.session.commit()
    assessment = start_assessment(firm, owner, q)
    answers = {i.id: {"option": [o.id for o in i.options if not o.reserved][:1] if i.multiple
                      else [o.id for o in i.options if not o.reserved][1]} for i in q.items}
    save_answers(assessment, owner, q, "browser-pdf-0001", 0, answers)
    submit_assessment(assessment, owner, q)
    db.session.commit()
    return assessment.id


def log_in(page, base: str) -> None:
    page.goto(base + "/auth/login?lang=es")
    page.fill("input[name=email]", "dueña@example.pe")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def test_the_plan_pdf_downloads_from_the_results_page(app, live_server, phone, submitted):
    log_in(phone, live_server)
    phone.goto(f"{live_server}/assessments/{submitted}/results")
    link = phone.locator("a[data-plan-pdf]")
    assert link.get_attribute("href") == f"/assessments/{submitted}/plan.pdf?lang=es"
    # The click shows "being prepared"; its refresh asks again until the file comes as a download.
    with phone.expect_download(timeout=60_000) as info:
        link.click()
    download = info.value
    with open(download.path(), "rb") as f:
        data = f.read()
    assert data.startswith(b"%PDF-") and len(data) > 10_000
    assert download.suggested_filename == "plan-bodega-doña-rosa-es.pdf"
    assert phone.console_errors == []
