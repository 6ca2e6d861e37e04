"""Second factor (TOTP) and fresh log-in (issue #13, reliability_security.md A6; ASVS 5.0 6.3.3, 6.5.1, 7.5.1).

Each test tries the attack: a password without the code, a replayed code, guessing codes, a
stale or remember-me session changing a password, address or role."""
from __future__ import annotations

import re
import time
import uuid

import pyotp
import pytest
from sqlalchemy import select

from maturity.auth import mfa, sessions
from maturity.auth.models import RecoveryCode, User
from maturity.extensions import db
from tests.functional.test_assessment_flow import csrf

STAFF = ("admin", "analyst", "advisor")


@pytest.fixture
def clock(monkeypatch):
    """The TOTP clock, moved by hand: each test gets codes for as many time-steps as it needs."""
    now = {"t": 1_900_000_000.0}
    monkeypatch.setattr(mfa, "_clock", lambda: now["t"])
    return now


def code(secret: str, clock: dict, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock["t"] + 30 * steps_ahead)


def enable_mfa(app, user: User) -> str:
    """Set a second factor up directly (as a confirmed enrolment leaves it); return the secret."""
    secret = pyotp.random_base32()
    with app.test_request_context():
        sealed = mfa.seal(secret)
    user = db.session.get(User, user.id)
    user.totp_secret = sealed
    user.totp_enabled_at = user.created_at
    db.session.commit()
    return secret


def second_step(client, value: str, recovery: bool = False, query: str = ""):
    path = "/auth/mfa" + ("?recovery=1" if recovery else "") + query
    token = csrf(client, path)
    return client.post(path, data={"code": value, "csrf_token": token})


def logged_in(client) -> bool:
    return client.get("/account").status_code == 200


@pytest.fixture
def mfa_app(app):
    """The test app with staff required to use a second factor (read at request time)."""
    app.config.update(MFA_REQUIRED_ROLES=STAFF, MFA_ACCOUNT_LIMIT="5 per 15 minutes")
    return app


@pytest.fixture
def staff_auth(mfa_app, auth):
    return auth


# --- configuration --------------------------------------------------------------------------------

def test_production_requires_the_second_factor_of_staff_and_tests_turn_it_on_themselves():
    from maturity.config import load_config

    production = load_config({"MATURITY_ENV": "production", "SECRET_KEY": "x" * 40}, environ={})
    assert set(production["MFA_REQUIRED_ROLES"]) == {"admin", "analyst", "advisor"}
    assert load_config({"MATURITY_ENV": "development"}, environ={})["MFA_REQUIRED_ROLES"] == ()
    assert load_config({"MATURITY_ENV": "testing"}, environ={})["MFA_REQUIRED_ROLES"] == ()
    env = load_config({"MATURITY_ENV": "testing"}, environ={"MFA_REQUIRED_ROLES": "admin, owner"})
    assert env["MFA_REQUIRED_ROLES"] == ("admin", "owner")


# --- enrolment -------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", STAFF)
def test_staff_without_a_second_factor_can_only_set_it_up_or_log_out(mfa_app, staff_auth, create_organization, role):
    org = create_organization()
    user = staff_auth.account(email=f"{role}@example.pe", role=role, organization_id=org.id)
    client = mfa_app.test_client()
    assert staff_auth.login(client, user.email).status_code == 302
    for path in ("/", "/account", "/admin/", "/agency/", "/advisor/", "/assessments/"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].endswith("/auth/mfa/setup"), path
    token = csrf(client, "/auth/mfa/setup")
    refused = client.post("/account/password", data={"csrf_token": token, "current_password": staff_auth.password,
                                                      "new_password": "another long passphrase here"})
    assert refused.status_code == 403
    autosave = client.post("/assessments/1/answers", json={"base_version": 0, "answers": {}},
                           headers={"X-CSRFToken": token, "Idempotency-Key": uuid.uuid4().hex})
    assert autosave.status_code == 403 and autosave.is_json
    assert client.get("/auth/mfa/setup").status_code == 200
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert not logged_in(client)


def test_an_owner_is_not_forced_but_may_set_it_up(mfa_app, staff_auth):
    owner = staff_auth.account(email="duena@example.pe")
    client = mfa_app.test_client()
    staff_auth.login(client, owner.email)
    page = client.get("/account").get_data(as_text=True)
    assert client.get("/account").status_code == 200 and "/auth/mfa/setup" in page


def test_enrolment_shows_the_secret_confirms_with_a_code_and_gives_single_use_recovery_codes(mfa_app, staff_auth, clock):
    admin = staff_auth.account(email="admin@example.pe", role="admin")
    client = mfa_app.test_client()
    staff_auth.login(client, admin.email)
    page = client.get("/auth/mfa/setup").get_data(as_text=True)
    uri = re.search(r'href="(otpauth://totp/[^"]+)"', page).group(1)
    secret = re.search(r"secret=([A-Z2-7]+)", uri).group(1)
    shown = re.search(r'<code class="secret"[^>]*>([A-Z2-7 ]+)</code>', page).group(1)
    assert shown.replace(" ", "") == secret and "issuer=Madurez" in uri
    assert "<svg" in page  # the QR code, drawn on the server

    token = csrf(client, "/auth/mfa/setup")
    wrong = client.post("/auth/mfa/setup", data={"code": "000000" if code(secret, clock) != "000000" else "111111",
                                                 "csrf_token": token})
    assert wrong.status_code == 400
    assert db.session.get(User, admin.id).totp_enabled_at is None
    assert client.get("/account").status_code == 302  # still only the set-up page

    done = client.post("/auth/mfa/setup", data={"code": code(secret, clock), "csrf_token": token})
    assert done.status_code == 200
    recovery = re.findall(r"<li><code>([a-z2-9-]+)</code></li>", done.get_data(as_text=True))
    assert len(recovery) == 10 and len(set(recovery)) == 10
    stored = db.session.get(User, admin.id)
    assert stored.has_mfa and secret not in stored.totp_secret  # encrypted at rest
    hashes = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == admin.id)).all()
    assert len(hashes) == 10 and not {c.replace("-", "") for c in recovery} & set(hashes)
    assert client.get("/account").status_code == 200  # this device stays logged in

    # The confirming code's time-step is spent: it cannot log anyone in.
    other = mfa_app.test_client()
    staff_auth.login(other, admin.email)
    assert second_step(other, code(secret, clock)).status_code == 400
    assert not logged_in(other)


# --- log-in step 2 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [*STAFF, "owner"])
def test_a_correct_password_without_the_code_gives_no_session(mfa_app, staff_auth, create_organization, clock, role):
    org = create_organization()
    user = staff_auth.account(email=f"{role}@example.pe", role=role, organization_id=org.id)
    secret = enable_mfa(mfa_app, user)
    client = mfa_app.test_client()
    first = staff_auth.login(client, user.email, query="?next=/account")
    assert first.status_code == 302 and first.headers["Location"].startswith("/auth/mfa")
    assert not logged_in(client)
    for path in ("/assessments/", "/admin/", "/agency/"):
        assert client.get(path).headers["Location"].startswith("/auth/login"), path
    done = second_step(client, code(secret, clock), query="?next=/account")
    assert done.status_code == 302 and done.headers["Location"] == "/account"
    assert logged_in(client)


def test_a_code_is_accepted_once(mfa_app, staff_auth, clock, caplog):
    user = staff_auth.account(email="asesor@example.pe", role="admin")
    secret = enable_mfa(mfa_app, user)
    stolen = code(secret, clock)
    first, second = mfa_app.test_client(), mfa_app.test_client()
    staff_auth.login(first, user.email)
    assert second_step(first, stolen).status_code == 302
    staff_auth.login(second, user.email)
    with caplog.at_level("WARNING", logger="maturity.security"):
        replay = second_step(second, stolen)
    assert replay.status_code == 400 and not logged_in(second)
    assert f"authentication failed (second factor): user {user.id}, POST /auth/mfa" in caplog.text
    # An older code is no good either once a later one was used; the next one is.
    assert second_step(second, code(secret, clock, -1)).status_code == 400
    assert second_step(second, code(secret, clock, 1)).status_code == 302


def test_wrong_codes_are_throttled_per_account_from_any_address(mfa_app, staff_auth, clock, caplog):
    user = staff_auth.account(email="analista@example.pe", role="admin")
    secret = enable_mfa(mfa_app, user)
    right = code(secret, clock)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for attempt in range(5):
        client = mfa_app.test_client()
        staff_auth.login(client, user.email, environ_base={"REMOTE_ADDR": f"10.0.0.{attempt}"})
        response = second_step_from(client, wrong, f"10.0.0.{attempt}")
        assert response.status_code == 400
    client = mfa_app.test_client()
    staff_auth.login(client, user.email, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    with caplog.at_level("WARNING", logger="maturity.security"):
        blocked = second_step_from(client, right, "10.9.9.9")
    assert blocked.status_code == 429 and not logged_in(client)
    assert f"authentication throttled (429): user {user.id}, POST /auth/mfa" in caplog.text


def second_step_from(client, value: str, address: str):
    token = csrf(client, "/auth/mfa")
    return client.post("/auth/mfa", data={"code": value, "csrf_token": token}, environ_base={"REMOTE_ADDR": address})


def test_a_recovery_code_logs_in_once(mfa_app, staff_auth, clock):
    user = staff_auth.account(email="admin@example.pe", role="admin")
    enable_mfa(mfa_app, user)
    codes = mfa.new_recovery_codes(db.session.get(User, user.id))
    client = mfa_app.test_client()
    staff_auth.login(client, user.email)
    assert second_step(client, codes[0].upper(), recovery=True).status_code == 302  # case and dashes do not matter
    again = mfa_app.test_client()
    staff_auth.login(again, user.email)
    assert second_step(again, codes[0], recovery=True).status_code == 400
    assert second_step(again, codes[1], recovery=True).status_code == 302


def test_the_second_step_expires_and_dies_with_a_password_change(mfa_app, staff_auth, clock, monkeypatch):
    from maturity.auth import mfa_views

    user = staff_auth.account(email="admin@example.pe", role="admin")
    secret = enable_mfa(mfa_app, user)
    client = mfa_app.test_client()
    staff_auth.login(client, user.email)
    token = csrf(client, "/auth/mfa")
    real = time.time
    monkeypatch.setattr(mfa_views.time, "time", lambda: real() + mfa_views.PENDING_SECONDS + 1)
    late = client.post("/auth/mfa", data={"code": code(secret, clock), "csrf_token": token})
    assert late.status_code == 302 and late.headers["Location"].startswith("/auth/login")
    assert not logged_in(client)
    monkeypatch.setattr(mfa_views.time, "time", real)
    staff_auth.login(client, user.email)
    token = csrf(client, "/auth/mfa")
    db.session.get(User, user.id).rotate_session_token()  # e.g. a password reset meanwhile
    db.session.commit()
    voided = client.post("/auth/mfa", data={"code": code(secret, clock), "csrf_token": token})
    assert voided.headers["Location"].startswith("/auth/login")
    assert not logged_in(client)


def test_turning_it_off_needs_a_current_code_and_staff_cannot(mfa_app, staff_auth, create_organization, clock):
    owner = staff_auth.account(email="duena@example.pe")
    secret = enable_mfa(mfa_app, owner)
    client = mfa_app.test_client()
    staff_auth.login(client, owner.email)
    second_step(client, code(secret, clock))
    token = csrf(client, "/account")
    client.post("/auth/mfa/disable", data={"csrf_token": token, "code": code(secret, clock)})  # already used
    assert db.session.get(User, owner.id).has_mfa
    client.post("/auth/mfa/disable", data={"csrf_token": token, "code": code(secret, clock, 1)})
    assert not db.session.get(User, owner.id).has_mfa
    assert db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == owner.id)).all() == []

    advisor = staff_auth.account(email="asesor@example.pe", role="advisor", organization_id=create_organization().id)
    secret = enable_mfa(mfa_app, advisor)
    staff_client = mfa_app.test_client()
    staff_auth.login(staff_client, advisor.email)
    assert second_step(staff_client, code(secret, clock)).status_code == 302
    token = csrf(staff_client, "/account")
    staff_client.post("/auth/mfa/disable", data={"csrf_token": token, "code": code(secret, clock, 1)})
    assert db.session.get(User, advisor.id).has_mfa


def test_new_recovery_codes_replace_the_old_ones(mfa_app, staff_auth, clock):
    user = staff_auth.account(email="admin@example.pe", role="admin")
    secret = enable_mfa(mfa_app, user)
    old = mfa.new_recovery_codes(db.session.get(User, user.id))
    client = mfa_app.test_client()
    staff_auth.login(client, user.email)
    second_step(client, code(secret, clock))
    token = csrf(client, "/account")
    page = client.post("/auth/mfa/recovery-codes", data={"csrf_token": token, "code": code(secret, clock, 1)})
    new = re.findall(r"<li><code>([a-z2-9-]+)</code></li>", page.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    other = mfa_app.test_client()
    staff_auth.login(other, user.email)
    assert second_step(other, old[0], recovery=True).status_code == 400
    assert second_step(other, new[0], recovery=True).status_code == 302


# --- fresh log-in ------------------------------------------------------------------------------------

def later(monkeypatch, minutes: int) -> None:
    real = sessions._now
    monkeypatch.setattr(sessions, "_now", lambda: real() + minutes * 60)


def test_a_password_change_after_the_fresh_window_asks_to_log_in_again_and_changes_nothing(app, auth, monkeypatch):
    user = auth.account(email="ana@example.pe")
    client = app.test_client()
    auth.login(client, user.email)
    before = db.session.get(User, user.id).password_hash
    later(monkeypatch, app.config["FRESH_LOGIN_MINUTES"] + 1)
    token = csrf(client, "/account")
    response = client.post("/account/password", data={"csrf_token": token, "current_password": auth.password,
                                                       "new_password": "a brand new long passphrase"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/reauth?next=/account")
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before
    # Confirming who they are (the password again) lets the same change through.
    token = csrf(client, "/auth/reauth")
    wrong = client.post("/auth/reauth?next=/account", data={"csrf_token": token, "password": "not the password at all"})
    assert wrong.status_code == 400
    back = client.post("/auth/reauth?next=/account", data={"csrf_token": token, "password": auth.password})
    assert back.status_code == 302 and back.headers["Location"] == "/account"
    done = client.post("/account/password", data={"csrf_token": token, "current_password": auth.password,
                                                   "new_password": "a brand new long passphrase"})
    assert done.status_code == 302 and done.headers["Location"] == "/account"
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash != before


def test_an_address_change_needs_a_fresh_log_in(app, auth, monkeypatch):
    user = auth.account(email="ana@example.pe")
    client = app.test_client()
    auth.login(client, user.email)
    later(monkeypatch, app.config["FRESH_LOGIN_MINUTES"] + 1)
    token = csrf(client, "/account")
    outbox = len(auth.outbox)
    response = client.post("/account/email", data={"csrf_token": token, "new_email": "nueva@example.pe",
                                                    "password": auth.password})
    assert response.headers["Location"].startswith("/auth/reauth")
    assert len(auth.outbox) == outbox  # no confirmation link went out


def test_a_session_restored_from_the_remember_cookie_is_not_fresh(app, auth):
    user = auth.account(email="ana@example.pe")
    laptop = app.test_client()
    auth.login(laptop, user.email, remember=True)
    remember = laptop.get_cookie("remember_token")
    browser_reopened = app.test_client()
    browser_reopened.set_cookie("remember_token", remember.value)
    assert logged_in(browser_reopened)
    token = csrf(browser_reopened, "/account")
    response = browser_reopened.post("/account/password", data={"csrf_token": token, "current_password": auth.password,
                                                                 "new_password": "a brand new long passphrase"})
    assert response.headers["Location"].startswith("/auth/reauth")


def test_reauthentication_needs_the_second_factor_when_it_is_set_up(mfa_app, staff_auth, clock, monkeypatch):
    user = staff_auth.account(email="admin@example.pe", role="admin")
    secret = enable_mfa(mfa_app, user)
    client = mfa_app.test_client()
    staff_auth.login(client, user.email)
    second_step(client, code(secret, clock))
    later(monkeypatch, 11)
    token = csrf(client, "/auth/reauth")
    no_code = client.post("/auth/reauth", data={"csrf_token": token, "password": staff_auth.password})
    reused = client.post("/auth/reauth", data={"csrf_token": token, "password": staff_auth.password,
                                               "code": code(secret, clock)})
    assert no_code.status_code == 400 and reused.status_code == 400
    ok = client.post("/auth/reauth", data={"csrf_token": token, "password": staff_auth.password,
                                           "code": code(secret, clock, 1)})
    assert ok.status_code == 302


def test_a_role_change_needs_a_fresh_log_in_and_ends_the_sessions_of_the_account(app, auth, monkeypatch):
    admin = auth.account(email="admin@example.pe", role="admin")
    owner = auth.account(email="duena@example.pe")
    owner_client = app.test_client()
    auth.login(owner_client, owner.email)
    client = app.test_client()
    auth.login(client, admin.email)
    token = csrf(client, "/admin/users")

    monkeypatch.setattr(sessions, "_now", lambda real=sessions._now: real() + 11 * 60)
    stale = client.post(f"/admin/users/{owner.id}/role", data={"csrf_token": token, "role": "admin"})
    assert stale.headers["Location"].startswith("/auth/reauth?next=/admin/users")
    db.session.expire_all()
    assert db.session.get(User, owner.id).role == "owner"

    client.post("/auth/reauth", data={"csrf_token": token, "password": auth.password})
    fresh = client.post(f"/admin/users/{owner.id}/role", data={"csrf_token": token, "role": "admin"})
    assert fresh.status_code == 302 and fresh.headers["Location"] == "/admin/users"
    db.session.expire_all()
    assert db.session.get(User, owner.id).role == "admin"
    assert not logged_in(owner_client)  # the promoted account logs in again


def test_an_admin_cannot_change_their_own_role_or_make_an_advisor_without_an_organisation(app, auth):
    admin = auth.account(email="admin@example.pe", role="admin")
    owner = auth.account(email="duena@example.pe")
    client = app.test_client()
    auth.login(client, admin.email)
    token = csrf(client, "/admin/users")
    client.post(f"/admin/users/{admin.id}/role", data={"csrf_token": token, "role": "owner"})
    client.post(f"/admin/users/{owner.id}/role", data={"csrf_token": token, "role": "advisor"})
    client.post(f"/admin/users/{owner.id}/role", data={"csrf_token": token, "role": "emperor"})
    db.session.expire_all()
    assert db.session.get(User, admin.id).role == "admin" and db.session.get(User, owner.id).role == "owner"


def test_an_operator_can_remove_a_lost_second_factor_from_the_command_line(app, auth, runner):
    user = auth.account(email="asesora@example.pe", role="advisor")
    enable_mfa(app, user)
    result = runner.invoke(args=["users", "reset-mfa", "Asesora@example.pe"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert not db.session.get(User, user.id).has_mfa
    assert runner.invoke(args=["users", "reset-mfa", "nadie@example.pe"]).exit_code != 0
