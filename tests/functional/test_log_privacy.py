"""Logs and privacy (issue #13, reliability_security.md R3; ASVS 5.0 16.2.5, 16.3.1–16.3.3, 14.1.1).

Real flows run while every log record is captured at DEBUG; then the logs are searched for the
secrets those flows handled (password, reset link token, session cookie, bearer token, TOTP
secret) and for the natural-person RUC: none may appear. Authentication and authorization
failures must be there, at WARNING, with user id, method and route."""
from __future__ import annotations

import logging
import re

import pyotp
import pytest
from stdnum.pe import ruc as stdnum_ruc

from maturity.logredact import RedactingFilter, redact
from tests.functional.test_assessment_flow import PROFILE_FORM, csrf

PERSONAL_RUC = "10" + "45678901"  # 10 + an 8-digit DNI, then the check digit
PERSONAL_RUC += stdnum_ruc.calc_check_digit(PERSONAL_RUC)
COMPANY_RUC = "20100066603"


# --- the filter ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("ruc", "masked"), [("10456789012", "10*******12"), ("15123456789", "15*******89"),
                                             ("17123456789", "17*******89")])
def test_personal_rucs_are_masked_and_company_rucs_kept(ruc, masked):
    assert redact(f"firm {ruc} and {COMPANY_RUC}") == f"firm {masked} and {COMPANY_RUC}"
    assert redact(f"ruc={ruc};") == f"ruc={masked};"
    assert redact(f"x{ruc}0 and 1{ruc}") == f"x{ruc}0 and 1{ruc}"  # longer digit runs are not RUCs


@pytest.mark.parametrize(("text", "secret"), [
    ("POST /auth/login email=a@b.pe&password=hunter2hunter2&remember=y", "hunter2hunter2"),
    ('{"password": "a quiet evening by the river", "email": "a@b.pe"}', "quiet evening"),
    ("{'new_password': 'a quiet evening', 'current_password': 'old one here'}", "old one here"),
    ("Authorization: Bearer mz4_abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnop"),
    ("headers={'Authorization': 'Basic dXNlcjpwYXNzd29yZA=='}", "dXNlcjpwYXNzd29yZA"),
    ("Cookie: session=eyJfZnJlc2giOnRydWV9.Zz.abc; remember_token=xyz123456", "eyJfZnJlc2gi"),
    ("Set-Cookie: session=eyJfZnJlc2giOnRydWV9.Zz.abc; HttpOnly", "eyJfZnJlc2gi"),
    ("GET /auth/reset/eyJ1IjoxLCJwIjoiYWJjIn0.Zz1.sig-abcdefgh HTTP/1.1", "eyJ1IjoxLCJwIjoiYWJjIn0"),
    ("GET /auth/confirm/eyJ1IjoxLCJlIjoiYWJjIn0.Zz1.sig-abcdefgh", "eyJ1IjoxLCJlIjoiYWJjIn0"),
    ("token used: mz4_Q2hvY29sYXRlQ2hpcENvb2tpZXM", "Q2hvY29sYXRlQ2hpcENvb2tpZXM"),
    ("csrf_token=IjM0ZTZmOGQ5YjEyMyI.Zz.abc&x=1", "IjM0ZTZmOGQ5YjEyMyI"),
    ("secret=JBSWY3DPEHPK3PXP", "JBSWY3DPEHPK3PXP"),
])
def test_secrets_are_removed(text, secret):
    assert secret not in redact(text)
    assert "[redacted]" in redact(text)


def test_ordinary_text_is_left_alone():
    text = "user 12 logged in; exit code: 1; session ended after 30 minutes; 3 tokens revoked"
    assert redact(text) == text


def test_the_filter_merges_arguments_and_masks_tracebacks():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "firm %s password=%s", (PERSONAL_RUC, "hunter2hunter2"), None)
    try:
        raise ValueError(f"bad ruc {PERSONAL_RUC}")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert RedactingFilter().filter(record) is True
    line = logging.Formatter("%(message)s").format(record)
    assert PERSONAL_RUC not in line and "hunter2hunter2" not in line
    assert "10*******" in line and "ValueError" in line  # the traceback is kept, masked


def test_every_handler_gets_redacted_records_even_ones_added_later(app, caplog):
    # caplog's handler is added after the app was built; third-party loggers go through it too.
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("werkzeug").info('127.0.0.1 "GET /auth/reset/%s HTTP/1.1" 200', "eyJ1IjoxfQ.Zz1.abcdefghijkl")
        logging.getLogger("sqlalchemy.engine").debug("params %r", {"ruc": PERSONAL_RUC, "password": "hunter2hunter2"})
    assert "eyJ1IjoxfQ" not in caplog.text and PERSONAL_RUC not in caplog.text and "hunter2hunter2" not in caplog.text
    root_handlers = logging.getLogger().handlers
    assert all(any(isinstance(f, RedactingFilter) for f in h.filters) for h in root_handlers if h is not caplog.handler)


# --- real flows ------------------------------------------------------------------------------------

def test_real_flows_leave_no_secret_and_no_personal_ruc_in_the_logs(app, auth, create_organization, caplog):
    from flask import request

    from maturity.cohorts.operations import issue_token

    caplog.set_level(logging.DEBUG)

    @app.after_request
    def access_log(response):
        # What a server's access log and a debugging aid write: the request line with its query,
        # the headers (Cookie, Authorization) and the form. The filter must clean all of it.
        server = logging.getLogger("werkzeug")
        server.info('127.0.0.1 - - "%s %s HTTP/1.1" %s', request.method, request.full_path, response.status_code)
        server.debug("request headers: %s", dict(request.headers))
        server.debug("request form: %s; response headers: %s", request.form.to_dict(), dict(response.headers))
        return response

    secrets_seen: list[str] = []
    password = "una tarde tranquila junto al rio"
    secrets_seen.append(password)

    # Sign-up (the address confirmation link carries a token), then log out.
    client = app.test_client()
    token = csrf(client, "/auth/register")
    client.post("/auth/register", data={"email": "rosa@example.pe", "password": password, "language": "es",
                                        "consent": "y", "csrf_token": token})
    confirm = re.search(r"/auth/confirm/(\S+)", auth.outbox[-1].get_content()).group(1)
    secrets_seen.append(confirm)
    client.get(f"/auth/confirm/{confirm}")
    client.post(f"/auth/confirm/{confirm}", data={"csrf_token": csrf(client, f"/auth/confirm/{confirm}")})

    # A firm with a natural person's RUC.
    token = csrf(client, "/firms/new")
    created = client.post("/firms/new", data={**PROFILE_FORM, "has_ruc": "yes", "ruc": PERSONAL_RUC, "csrf_token": token})
    assert created.status_code == 302, created.get_data(as_text=True)[:500]
    session_cookie = client.get_cookie("session").value
    secrets_seen.append(session_cookie)
    auth.logout(client)

    # A wrong password, then the right one.
    stranger = app.test_client()
    wrong = "not my password at all, sorry"
    secrets_seen.append(wrong)
    auth.login(stranger, "rosa@example.pe", password=wrong)
    assert auth.login(stranger, "rosa@example.pe", password=password).status_code == 302
    secrets_seen.append(stranger.get_cookie("session").value)

    # A password reset through the link.
    other = app.test_client()
    token = csrf(other, "/auth/reset")
    other.post("/auth/reset", data={"email": "rosa@example.pe", "csrf_token": token})
    reset = re.search(r"/auth/reset/(\S+)", auth.outbox[-1].get_content()).group(1)
    secrets_seen.append(reset)
    new_password = "otra clave larga para la cuenta"
    secrets_seen.append(new_password)
    other.post(f"/auth/reset/{reset}", data={"password": new_password, "csrf_token": csrf(other, f"/auth/reset/{reset}")})

    # The Agency API with a bearer token, a good one and a wrong one.
    org = create_organization(name="Agencia")
    analyst = auth.account(email="analista@example.pe", role="analyst", organization_id=org.id)
    _, raw = issue_token(analyst, "tablero")
    secrets_seen.append(raw)
    api = app.test_client()
    assert api.get("/api/v1/agency/cohorts", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    forged = raw[:-6] + "AAAAAA"
    secrets_seen.append(forged[4:])
    api.get("/api/v1/agency/cohorts", headers={"Authorization": f"Bearer {forged}"})

    # A TOTP secret being set up.
    app.config["MFA_REQUIRED_ROLES"] = ("analyst",)
    staff = app.test_client()
    auth.login(staff, analyst.email)
    page = staff.get("/auth/mfa/setup").get_data(as_text=True)
    totp_secret = re.search(r"secret=([A-Z2-7]+)", page).group(1)
    secrets_seen.append(totp_secret)
    staff.post("/auth/mfa/setup", data={"code": pyotp.TOTP(totp_secret).now(), "csrf_token": csrf(staff, "/auth/mfa/setup")})

    # Anything the app logged, formatted as a handler would (message, arguments, tracebacks).
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    text = caplog.text + "\n".join(formatter.format(r) for r in caplog.records)
    assert caplog.records, "the flows logged nothing: is capture working?"
    for secret in secrets_seen:
        assert secret not in text, f"a secret reached the logs: {secret[:6]}…"
    assert PERSONAL_RUC not in text and PERSONAL_RUC[2:] not in text
    assert "10*******" in text  # the firm's registration was logged, masked


def test_authentication_and_authorization_failures_are_logged_with_user_method_and_route(
        app, auth, create_firm, create_organization, caplog):
    owner = auth.account(email="duena@example.pe")
    someone = auth.account(email="otra@example.pe")
    firm = create_firm(owner=someone)
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="maturity.security"):
        auth.login(client, owner.email, password="definitely not the password")
        auth.login(client, "nadie@example.pe", password="definitely not the password")
        auth.login(client, owner.email)
        assert client.get("/admin/").status_code == 403
        assert client.get(f"/firms/{firm.id}").status_code == 404
    lines = [r for r in caplog.records if r.name == "maturity.security"]
    assert all(r.levelno == logging.WARNING for r in lines)
    text = "\n".join(r.getMessage() for r in lines)
    assert f"authentication failed (password): user {owner.id}, POST /auth/login" in text
    assert "authentication failed (password): user unknown, POST /auth/login" in text
    assert f"access denied (403, role owner): user {owner.id}, GET /admin/" in text
    assert f"access denied (404, object rule firm_member): user {owner.id}, GET /firms/{firm.id}" in text
    assert "duena@example.pe" not in caplog.text and "nadie@example.pe" not in caplog.text
    assert all(r.created for r in lines)  # the time: every record carries it; the formatter prints it


def test_without_a_mail_server_the_log_masks_the_link_and_the_full_message_is_kept_privately(make_app, caplog, tmp_path):
    import os

    from maturity.mail import send_mail

    app = make_app(TESTING=False, INSTANCE_PATH=str(tmp_path / "inst"))
    link = "http://localhost/auth/reset/eyJ1IjoxLCJwIjoiYWJjIn0.Zz1.sig-abcdefgh"
    with app.test_request_context(), caplog.at_level(logging.INFO, logger="maturity.mail"):
        send_mail("rosa@example.pe", "reset", "es", reset_url=link)
    assert "eyJ1IjoxLCJwIjoiYWJjIn0" not in caplog.text and "/auth/reset/[redacted]" in caplog.text
    kept = list((tmp_path / "inst" / "mail").glob("*-reset.eml"))
    assert len(kept) == 1 and link in kept[0].read_text()
    assert os.stat(kept[0]).st_mode & 0o077 == 0
