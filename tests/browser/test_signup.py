"""An owner on a phone: sign up in Spanish, confirm the address from the e-mail, log out, log in."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from maturity.auth.models import User
from maturity.extensions import db

pytestmark = pytest.mark.browser
EMAIL = "rosa.quispe@example.pe"
PASSWORD = "cuatro llamas en el altiplano"


def _fits_the_screen(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_sign_up_confirm_log_out_and_log_in_on_a_phone(app, live_server, phone):
    phone.goto(live_server + "/")
    phone.locator(".hero a.button-primary").click()  # "start my self-assessment"
    phone.wait_for_load_state()
    assert phone.url.startswith(live_server + "/auth/register")
    assert phone.locator("html").get_attribute("lang") == "es-PE"
    assert phone.locator("#language").input_value() == "es"
    _fits_the_screen(phone)

    phone.fill("#email", EMAIL)
    phone.fill("#password", PASSWORD)
    phone.locator("#consent").check()
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_load_state()
    assert phone.url == live_server + "/firms/new"  # straight on to the first step of the assessment
    assert phone.locator(".flash").count() == 1
    assert phone.locator(".account-nav form[action='/auth/logout']").count() == 1  # logged in at once

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == EMAIL))
        assert user.language == "es" and user.privacy_version and not user.is_confirmed
    [message] = app.extensions["mail_outbox"]
    assert message["To"] == EMAIL
    link = re.search(r"http://[^/\s]+(/auth/confirm/\S+)", message.get_content()).group(1)

    phone.goto(live_server + link)
    _fits_the_screen(phone)
    with app.app_context():
        assert not db.session.scalar(select(User).where(User.email == EMAIL)).is_confirmed  # opening changes nothing
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_load_state()
    assert phone.url == live_server + "/account"
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == EMAIL)).is_confirmed
    _fits_the_screen(phone)

    phone.locator(".account-nav form[action='/auth/logout'] button").click()
    phone.wait_for_load_state()
    assert phone.locator(".account-nav form[action='/auth/logout']").count() == 0
    phone.goto(live_server + "/account")
    assert phone.url.startswith(live_server + "/auth/login")

    phone.fill("#email", EMAIL)
    phone.fill("#password", PASSWORD)
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_load_state()
    assert phone.url == live_server + "/account"  # back where the log-in was asked for
    assert EMAIL in phone.locator("main").inner_text()
    assert phone.console_errors == []
