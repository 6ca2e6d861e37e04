"""Outgoing e-mail, plain text, in the recipient's language.

- Tests (TESTING): every message is appended to `app.extensions["mail_outbox"]`, nothing is sent.
- MAIL_SERVER set: SMTP with STARTTLS (implicit TLS on port 465), in a background thread, so a slow
  mail server neither holds the request nor lets its timing tell which addresses have accounts.
- Otherwise (development): the message is written to the log.

Templates live in templates/mail/<name>.txt.html (the suffix the gettext extraction reads): the
first line is the subject, the rest the body. They are plain text, so they are rendered without
HTML escaping, by an overlay of the app's Jinja environment with its own cache.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import Flask, current_app

from maturity.i18n import use_language

log = logging.getLogger(__name__)

OUTBOX = "mail_outbox"
_JINJA = "maturity.mail_jinja"
DEFAULT_FROM = "Madurez 4.0 <no-reply@localhost>"


def init_app(app: Flask) -> None:
    if app.testing:
        app.extensions[OUTBOX] = []


def mask_address(address: str) -> str:
    """An address fit for logs: m***@g***.com (enough to tell cases apart, not to identify anyone)."""
    local, _, domain = address.partition("@")
    host, dot, tld = domain.rpartition(".")
    return f"{local[:1]}***@{host[:1]}***{dot}{tld}" if domain else "***"


def render_mail(template: str, language: str, **context) -> tuple[str, str]:
    """(subject, body) of templates/mail/<template>.txt.html rendered in `language`."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    env = app.extensions.get(_JINJA)
    if env is None:
        env = app.extensions[_JINJA] = app.jinja_env.overlay(autoescape=False, cache_size=50)
    with use_language(language):
        text = env.get_template(f"mail/{template}.txt.html").render(**context)
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def send_mail(to: str, template: str, language: str, **context) -> EmailMessage:
    """Render a mail in `language` and send it to `to` (see the module docstring for how)."""
    subject, body = render_mail(template, language, **context)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = app.config.get("MAIL_FROM") or DEFAULT_FROM
    message["To"] = to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="madurez.invalid")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    if app.testing:
        app.extensions[OUTBOX].append(message)
    elif app.config.get("MAIL_SERVER"):
        settings = {key: app.config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USERNAME", "MAIL_PASSWORD")}
        threading.Thread(target=deliver, args=(settings, message), daemon=True, name="mail").start()
    else:
        # Development without a mail server: the log is the outbox. Links carry tokens, which the log
        # filter (maturity.logredact) masks, so the whole message is also kept in instance/mail/.
        path = _keep_unsent(app, template, message)
        log.info("e-mail %r to %s (MAIL_SERVER is not set, so it is only logged; with its links in %s):\n%s",
                 template, mask_address(to), path, body)
    return message


def _keep_unsent(app, template: str, message: EmailMessage) -> str:
    """Write an unsent message to instance/mail/ (readable by its owner only); return the path."""
    import os
    import time

    folder = os.path.join(app.instance_path, "mail")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    path = os.path.join(folder, f"{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 10**9:09d}-{template}.eml")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(bytes(message))
    return path


def deliver(settings: dict, message: EmailMessage) -> bool:
    """Send one message over SMTP; failures are logged, never raised (the request has moved on)."""
    server, port = settings["MAIL_SERVER"], int(settings.get("MAIL_PORT") or 587)
    tls = ssl.create_default_context()
    try:
        if port == 465:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(server, port, timeout=30, context=tls)
        else:
            smtp = smtplib.SMTP(server, port, timeout=30)
        with smtp:
            if port != 465:
                smtp.starttls(context=tls)
            if settings.get("MAIL_USERNAME"):
                smtp.login(settings["MAIL_USERNAME"], settings.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("e-mail to %s could not be sent", mask_address(str(message["To"])))
        return False
    log.info("e-mail sent to %s", mask_address(str(message["To"])))
    return True
