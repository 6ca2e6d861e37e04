"""An advisor runs a guided interview on a phone: guidance on screen, notes and evidence saved."""
import pytest
from sqlalchemy import select

from maturity.assessments.models import Answer
from maturity.extensions import db
from tests.browser.test_assessment_offline import wait_saved

pytestmark = pytest.mark.browser
PASSWORD = "clave-de-asesora-larga-2026"


def test_guided_interview_on_a_phone(app, live_server, phone, create_user, create_organization):
    from maturity.auth.passwords import hash_password

    org = create_organization(name="CDE Trujillo", kind="cde")
    create_user(email="asesor@cde.pe", role="advisor", organization_id=org.id, password_hash=hash_password(PASSWORD))
    phone.goto(live_server + "/auth/login?lang=es")
    phone.fill("input[name=email]", "asesor@cde.pe")
    phone.fill("input[name=password]", PASSWORD)
    phone.locator("main form button[type=submit]").last.click()
    phone.wait_for_url("**/advisor/")

    phone.get_by_role("link", name="Registrar una empresa cliente").click()
    phone.fill("input[name=name]", "Calzados Trujillo")
    phone.locator("input[name=sector][value=general]").check()
    phone.locator("input[name=annual_sales_band][value=le150uit]").check()
    phone.locator("input[name=has_ruc][value=no]").check()
    phone.locator("main form button[type=submit]").click()
    link = phone.locator("#invitation-link").input_value()
    assert "/firms/join/" in link
    phone.get_by_role("link", name="Ir a la empresa").click()
    phone.get_by_role("button", name="Empezar una entrevista guiada").click()
    phone.wait_for_url("**/d/T1")
    assert phone.locator(".guidance").count() >= 3  # what to ask, what evidence to look for

    first = phone.locator("fieldset[data-item]").first
    first.locator("input").nth(2).check()
    first.locator("textarea[data-note]").fill("Usa el celular personal para vender")
    first.locator("textarea[data-evidence]").fill("Vimos el WhatsApp Business")
    phone.locator("h1").click()  # leaving the field fires its change
    wait_saved(phone)
    phone.reload()
    assert phone.locator("fieldset[data-item]").first.locator("textarea[data-note]").input_value() == \
        "Usa el celular personal para vender"
    with app.app_context():
        answer = db.session.scalars(select(Answer)).one()
        assert answer.option and answer.evidence == "Vimos el WhatsApp Business"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
