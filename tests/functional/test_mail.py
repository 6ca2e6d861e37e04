"""The mail module: an outbox in tests, SMTP with STARTTLS otherwise, texts in the recipient's language."""
import smtplib
from typing import ClassVar

import pytest

from maturity import mail


class FakeSMTP:
    instances: ClassVar[list["FakeSMTP"]] = []

    def __init__(self, host, port, timeout=None, context=None):
        self.host, self.port, self.calls = host, port, []
        FakeSMTP.instances.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.calls.append("quit")

    def starttls(self, context=None):
        self.calls.append("starttls")

    def login(self, user, password):
        self.calls.append(("login", user))

    def send_message(self, message):
        self.calls.append(("send", message["To"]))


@pytest.fixture
def fake_smtp(monkeypatch):
    FakeSMTP.instances = []
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setattr(smtplib, "SMTP_SSL", FakeSMTP)
    return FakeSMTP


def test_tests_capture_mail_in_an_outbox_as_plain_text(app):
    with app.test_request_context("/"):
        message = mail.send_mail("ana@example.pe", "invite", "en", invite_url="http://localhost/x",
                                 organization="Pérez & Hijos <SAC>")
    assert app.extensions["mail_outbox"] == [message]
    assert message["Subject"] == "Your Madurez 4.0 account is ready"
    assert message.get_content_type() == "text/plain"
    assert "Pérez & Hijos <SAC>" in message.get_content()  # plain text: nothing HTML-escaped


def test_mail_goes_out_in_the_recipients_language_whatever_the_page_language(app):
    with app.test_request_context("/?lang=en"):
        app.preprocess_request()
        subject_en, _ = mail.render_mail("reset", "en", reset_url="-")
        subject_es, _ = mail.render_mail("reset", "es", reset_url="-")
    assert subject_en == "Choose a new password for Madurez 4.0"
    assert subject_es == "Elija una nueva contraseña para Madurez 4.0"  # needs the Spanish catalog merged


def test_smtp_delivery_uses_starttls_and_logs_in(fake_smtp):
    from email.message import EmailMessage

    message = EmailMessage()
    message["To"] = "ana@example.pe"
    settings = {"MAIL_SERVER": "smtp.example.pe", "MAIL_PORT": 587, "MAIL_USERNAME": "app", "MAIL_PASSWORD": "pw"}
    assert mail.deliver(settings, message)
    [smtp] = fake_smtp.instances
    assert (smtp.host, smtp.port) == ("smtp.example.pe", 587)
    assert smtp.calls == ["starttls", ("login", "app"), ("send", "ana@example.pe"), "quit"]


def test_smtp_over_implicit_tls_on_port_465(fake_smtp):
    from email.message import EmailMessage

    message = EmailMessage()
    message["To"] = "ana@example.pe"
    assert mail.deliver({"MAIL_SERVER": "smtp.example.pe", "MAIL_PORT": 465}, message)
    assert fake_smtp.instances[0].calls == [("send", "ana@example.pe"), "quit"]


def test_a_failing_mail_server_is_logged_not_raised(monkeypatch, caplog):
    from email.message import EmailMessage

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no server")

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    message = EmailMessage()
    message["To"] = "maria.perez@example.pe"
    assert mail.deliver({"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": 2525}, message) is False
    assert "m***@e***.pe" in caplog.text and "maria.perez" not in caplog.text


def test_addresses_are_masked_for_logs():
    assert mail.mask_address("maria.perez@gmail.com") == "m***@g***.com"
    assert mail.mask_address("nonsense") == "***"
