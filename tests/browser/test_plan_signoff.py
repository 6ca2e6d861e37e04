"""An advisor on a phone edits and signs a client's plan: a custom action, a target, a summary, the
sign-off; the PDF names the signer and carries the custom action; the dashboard shows the plan as
signed. A firm of another organisation answers 404 in the browser too."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pypdf
import pytest

from maturity.assessments.operations import save_answers, start_assessment, submit_assessment
from maturity.content import questionnaires
from maturity.extensions import db
from maturity.firms.models import Firm, FirmMember
from maturity.planning.dates import today
from tests.functional.test_assessment_flow import full_answers

pytestmark = pytest.mark.browser
PASSWORD = "clave-de-asesora-larga-2026"
CUSTOM_ES = "Anotar las ventas del día en un cuaderno"


def _submitted_firm(name: str, user, organization_id: int) -> tuple[int, int]:
    """A client firm of `user` with a submitted guided assessment, built through the operations."""
    q = questionnaires()["general"]
    firm = Firm(name=name, sector="general", department="04", organization_id=organization_id)
    db.session.add(firm)
    db.session.flush()
    db.session.add(FirmMember(firm_id=firm.id, user_id=user.id, role="advisor"))
    db.session.commit()
    assessment = start_assessment(firm, user, q, mode="guided")
    save_answers(assessment, user, q, f"browser-sign-{firm.id}", 0,
                 {k: {"option": v} for k, v in full_answers(q).items()})
    submit_assessment(assessment, user, q)
    db.session.commit()
    return firm.id, assessment.id


@pytest.fixture
def world(app_ctx, create_user, create_organization):
    from maturity.auth.passwords import hash_password

    org = create_organization(name="CITE Agroindustrial Piura", kind="cite")
    advisor = create_user(email="asesora@cite-piura.pe", role="advisor", organization_id=org.id,
                          password_hash=hash_password(PASSWORD), language="es")
    firm_id, assessment_id = _submitted_firm("Panadería San Miguel", advisor, org.id)
    other_org = create_organization(name="Consultora Sur", kind="consultancy")
    stranger = create_user(email="otro@sur.pe", role="advisor", organization_id=other_org.id)
    other_firm, other_assessment = _submitted_firm("Textiles del Sur", stranger, other_org.id)
    return {"firm": firm_id, "assessment": assessment_id, "other_firm": other_firm,
            "other_assessment": other_assessment}


def _submit(page, action: str) -> None:
    page.locator(f'form[action$="{action}"] button[type=submit]').last.click()
    page.wait_for_load_state()


def _pdf_text(path) -> str:
    with open(path, "rb") as f:
        data = f.read()
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in reader.pages))


def test_an_advisor_edits_signs_and_downloads_the_plan_on_a_phone(app, live_server, phone, world):
    base = live_server
    phone.goto(base + "/auth/login?lang=es")
    phone.fill("input[name=email]", "asesora@cite-piura.pe")
    phone.fill("input[name=password]", PASSWORD)
    phone.locator("main form button[type=submit]").last.click()
    phone.wait_for_url("**/advisor/")
    card = phone.locator(f'[data-firm="{world["firm"]}"]')
    assert card.locator('[data-plan-state="none"]').count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # Dashboard → firm → results → plan editor, by the links a person would tap.
    card.get_by_role("link", name="Panadería San Miguel").click()
    phone.wait_for_url(f"**/firms/{world['firm']}")
    phone.locator(f'a[href$="/assessments/{world["assessment"]}/results"]').click()
    phone.wait_for_url(f"**/assessments/{world['assessment']}/results**")
    phone.get_by_role("link", name="Editar y firmar el plan").click()
    phone.wait_for_url(f"**/assessments/{world['assessment']}/plan/edit**")

    # A custom action in both languages.
    phone.fill("#title_es", CUSTOM_ES)
    phone.fill("#title_en", "Write down each day's sales in a notebook")
    _submit(phone, "/plan/actions/custom")
    assert phone.locator("#actions").get_by_text(CUSTOM_ES).count() >= 1

    # A target: the first dimension aims two levels up when it can.
    target = phone.locator('form[action$="/plan/targets"] select').first
    options = target.locator("option").evaluate_all("(els) => els.map((e) => e.value)")
    chosen = options[-1]
    target.select_option(chosen)
    _submit(phone, "/plan/targets")
    assert phone.locator('form[action$="/plan/targets"] select').first.input_value() == chosen

    phone.fill("textarea[name=summary]", "Primero ordenar la caja; luego vender por WhatsApp.")
    _submit(phone, "/plan/summary")

    signed_on = today() - timedelta(days=1)
    phone.fill("input[name=name]", "Ana Quispe Mamani")
    phone.fill("input[name=organization]", "CITE Agroindustrial Piura")
    phone.fill("input[name=on]", signed_on.isoformat())
    _submit(phone, "/plan/sign")
    phone.wait_for_url(f"**/assessments/{world['assessment']}/results**")
    signature = phone.locator(".plan-signature").inner_text()
    assert "Firmado por Ana Quispe Mamani, CITE Agroindustrial Piura" in signature
    assert phone.get_by_text(CUSTOM_ES).count() >= 1

    # The PDF: "being prepared" refreshes itself until the file comes as a download.
    with phone.expect_download(timeout=90_000) as info:
        phone.locator("a[data-plan-pdf]").click()
    text = _pdf_text(info.value.path())
    assert "Firmado por Ana Quispe Mamani" in text
    assert "Anotar las ventas del día" in text
    assert "Primero ordenar la caja" in text

    # The dashboard now shows the plan as signed, by whom.
    phone.goto(base + "/advisor/")
    card = phone.locator(f'[data-firm="{world["firm"]}"]')
    assert card.locator('[data-plan-state="signed"]').count() == 1
    assert "Ana Quispe Mamani" in card.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone.console_errors == []   # (checked before the 404s below, which Chromium logs)

    # Another organisation's firm and its assessment: 404, like a missing one; never on the dashboard.
    assert phone.locator(f'[data-firm="{world["other_firm"]}"]').count() == 0
    for path in (f"/firms/{world['other_firm']}", f"/assessments/{world['other_assessment']}/results",
                 f"/assessments/{world['other_assessment']}/plan/edit"):
        response = phone.goto(base + path)
        assert response.status == 404, path
        assert "Textiles del Sur" not in phone.content()
