"""An owner on a phone with a flaky connection: answer, lose signal, answer more, come back, finish.

Chromium's network emulation takes the page offline; the answers wait in the page's queue (and in
localStorage), go out when the signal returns, and the results equal the public API's for the
same answers.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from maturity.assessments.models import Answer, Assessment
from maturity.extensions import db

pytestmark = pytest.mark.browser
PASSWORD = "una-clave-larga-de-prueba-2026"


@pytest.fixture
def owner(create_user):
    from maturity.auth.passwords import hash_password

    return create_user(email="dueña@example.pe", password_hash=hash_password(PASSWORD), language="es")


def log_in(page, base: str) -> None:
    page.goto(base + "/auth/login?lang=es")
    page.fill("input[name=email]", "dueña@example.pe")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def answer_every_question(page) -> None:
    """Pick the second choice of each question (the first for tick-all questions)."""
    for fieldset in page.locator("fieldset[data-item]").all():
        multiple = fieldset.get_attribute("data-multiple") == "true"
        fieldset.locator("input").nth(0 if multiple else 1).check()  # check(): idempotent, unlike a click


def wait_until(page, expression: str, timeout_s: float = 15) -> None:
    """Poll from Python: Playwright's wait_for_function needs eval, which our CSP forbids."""
    for _ in range(int(timeout_s * 10)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still false after {timeout_s}s: {expression}")


def wait_saved(page) -> None:
    wait_until(page, "window.madurezAutosave && window.madurezAutosave.pending() === 0")


def test_answers_survive_losing_the_signal_and_results_match_the_api(app, live_server, phone, owner):
    base = live_server
    log_in(phone, base)
    phone.goto(base + "/firms/new")
    phone.fill("input[name=name]", "Bodega Doña Rosa")
    phone.locator("input[name=sector][value=general]").check()
    phone.locator("input[name=annual_sales_band][value=le150uit]").check()
    phone.locator("input[name=has_ruc][value=no]").check()
    phone.get_by_role("button", name="Continuar con las preguntas").click()
    phone.wait_for_url("**/d/T1")
    assert phone.locator("html").get_attribute("lang") == "es-PE"

    # Online: answers go out by themselves.
    answer_every_question(phone)
    wait_saved(phone)
    assert "Todo guardado" in phone.locator("[data-save-status]").inner_text()
    phone.get_by_role("button", name="Guardar y continuar").click()
    phone.wait_for_url("**/d/T2")

    # Offline: the page says so and keeps every answer.
    phone.context.set_offline(True)
    answer_every_question(phone)
    wait_until(phone, "document.querySelector('[data-save-status]').dataset.state === 'offline'")
    assert "Sin conexión" in phone.locator("[data-save-status]").inner_text()
    pending = phone.evaluate("window.madurezAutosave.pending()")
    assert pending >= 3
    assert phone.evaluate("Object.keys(localStorage).some(k => k.startsWith('m40:pending:'))")

    # Back online: the queue drains; a reload shows the answers from the server.
    phone.context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    wait_saved(phone)
    assert not phone.evaluate("Object.keys(localStorage).some(k => k.startsWith('m40:pending:'))")
    phone.reload()
    checked = phone.locator("fieldset[data-item] input:checked").count()
    assert checked >= pending

    # Finish every other page, then submit.
    while True:
        answer_every_question(phone)
        wait_saved(phone)
        button = phone.locator("button[name=nav][value=next]")
        last = "revisar" in button.inner_text().lower()
        button.click()
        if last:
            phone.wait_for_url("**/review")
            break
        phone.wait_for_load_state()
    phone.get_by_role("button", name="Enviar y ver mis resultados").click()
    phone.wait_for_url("**/results")
    shown = phone.locator(".big-score .score").inner_text()

    with app.app_context():
        assessment = db.session.scalars(select(Assessment)).one()
        answers = {a.item_id: a.option for a in db.session.scalars(select(Answer)) if a.option is not None}
        profile = assessment.profile_snapshot
    api = app.test_client().post("/api/v1/score", json={"questionnaire": "general", "firm": profile,
                                                        "answers": answers}).json
    assert assessment.status == "submitted"
    assert shown == f'{api["overall"]["score"]:.1f}'
    # The only console errors are the requests that failed while the phone had no signal.
    assert [e for e in phone.console_errors if "ERR_INTERNET_DISCONNECTED" not in e] == []
