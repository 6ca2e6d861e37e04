"""Owner sign-up: the password policy, privacy consent, a neutral answer for taken addresses, and
the e-mail confirmation (a page whose button confirms; nothing changes on GET)."""
import re

import pytest
from sqlalchemy import func, select

from maturity.auth.models import User
from maturity.extensions import db

GOOD_PASSWORD = "tres perros verdes bailan"


def _form(client, **overrides) -> dict:
    data = {"email": "maria.perez@example.pe", "password": GOOD_PASSWORD, "language": "es", "consent": "y",
            "csrf_token": _csrf(client)}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _csrf(client, path="/auth/register") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def _link(message, path: str) -> str:
    return re.search(r"http://localhost(" + re.escape(path) + r"\S+)", message.get_content()).group(1)


def test_the_sign_up_page_labels_every_field_and_shows_the_privacy_notice(client):
    html = client.get("/auth/register?lang=en").get_data(as_text=True)
    for field in ("email", "password", "language", "consent"):
        assert f'<label for="{field}"' in html
    assert 'autocomplete="email"' in html and 'autocomplete="new-password"' in html
    consent = re.search(r'<input[^>]*id="consent"[^>]*>', html).group(0)
    assert "checked" not in consent  # consent is given by ticking, never pre-ticked
    assert "Ley 29733" in html and "delete your account" in html


def test_sign_up_creates_an_owner_who_can_start_at_once(app, client, auth):
    response = client.post("/auth/register", data=_form(client, email=" Maria.Perez@Example.PE ", language="en"))
    # "Start" takes a new owner straight to the firm profile that opens their first assessment.
    assert response.status_code == 302 and response.headers["Location"] == "/firms/new"
    user = db.session.scalar(select(User).where(User.email == "maria.perez@example.pe"))
    assert user.role == "owner" and user.language == "en" and not user.is_confirmed
    assert user.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert GOOD_PASSWORD not in user.password_hash
    assert user.privacy_consent_at is not None and user.privacy_version == "2026-11"
    assert client.get("/account").status_code == 200  # logged in right away
    [message] = auth.outbox
    assert message["To"] == "maria.perez@example.pe"
    assert "/auth/confirm/" in message.get_content()


def test_sign_up_keeps_a_safe_next_and_refuses_an_offsite_one(client):
    response = client.post("/auth/register?next=/account", data=_form(client))
    assert response.headers["Location"] == "/account"
    other = client.application.test_client()
    response = other.post("/auth/register?next=//evil.example", data=_form(other, email="otra@example.pe"))
    assert response.headers["Location"] == "/firms/new"


INVALID = [
    ({"email": "not-an-address"}, "Enter an e-mail address such as", "Ingrese un correo electrónico como"),
    ({"email": "maria@example"}, "Enter an e-mail address such as", "Ingrese un correo electrónico como"),
    ({"password": "x" * 11}, "too short: use at least 12 characters", "demasiado corta: use al menos 12 caracteres"),
    ({"password": "x" * 129}, "too long: use at most 128 characters", "demasiado larga: use como máximo 128 caracteres"),
    ({"password": "password1234"}, "one of the most common ones", "una de las más comunes"),
    ({"password": "contraseña123"}, "one of the most common ones", "una de las más comunes"),
    ({"password": "Contrasena123"}, "one of the most common ones", "una de las más comunes"),
    ({"password": "maria.perez en la playa"}, "must not contain your e-mail address", "no debe contener su correo"),
    ({"password": "mi madurez digital 2026"}, "must not contain your e-mail address", "no debe contener su correo"),
    ({"consent": None}, "accept the privacy notice", "aceptar el aviso de privacidad"),
]


@pytest.mark.parametrize(("overrides", "english", "spanish"), INVALID)
def test_a_refused_sign_up_says_why_next_to_the_field_and_creates_nothing(app, client, auth, overrides, english, spanish):
    response = client.post("/auth/register?lang=en", data=_form(client, **overrides))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert english in html
    assert 'class="field-error"' in html and 'aria-invalid="true"' in html
    assert _users() == 0 and auth.outbox == []
    with client.session_transaction() as sess:
        assert "_user_id" not in sess


@pytest.mark.parametrize(("overrides", "english", "spanish"), INVALID)
def test_a_refused_sign_up_says_why_in_spanish(client, overrides, english, spanish):
    # Needs the Spanish catalog merged (translations/es): the lead merges /tmp/es_auth.py.
    response = client.post("/auth/register?lang=es", data=_form(client, **overrides))
    assert response.status_code == 400
    assert spanish in response.get_data(as_text=True)


@pytest.mark.parametrize("length", [12, 64, 128])
def test_passwords_from_12_to_128_characters_are_accepted(app, length):
    from maturity.auth.passwords import password_problem

    candidate = ("río quieto bajo la luna " * 6)[:length]
    with app.test_request_context("/?lang=en"):
        app.preprocess_request()
        assert password_problem(candidate, email="maria@example.pe") is None


def test_signing_up_with_a_taken_address_answers_like_success_and_mails_its_owner(app, auth):
    owner = auth.account(email="duena@example.pe")
    before = owner.password_hash
    fresh, again = app.test_client(), app.test_client()
    new = fresh.post("/auth/register", data=_form(fresh, email="nueva@example.pe"))
    taken = again.post("/auth/register", data=_form(again, email="DUENA@Example.pe"))
    assert (new.status_code, new.headers["Location"], new.data) == (taken.status_code, taken.headers["Location"], taken.data)
    flashes = []
    for client in (fresh, again):
        with client.session_transaction() as sess:
            flashes.append(sess["_flashes"])
    assert flashes[0] == flashes[1]
    db.session.expire_all()
    assert db.session.get(User, owner.id).password_hash == before  # nothing about the account changed
    assert _users() == 2
    assert [m["To"] for m in auth.outbox] == ["nueva@example.pe", "duena@example.pe"]
    assert "ya tiene una cuenta" in auth.outbox[1].get_content()  # in the account holder's language


def test_mails_to_a_taken_address_are_throttled(app, auth):
    auth.account(email="dueno@example.pe")
    for _ in range(5):
        client = app.test_client()
        client.post("/auth/register", data=_form(client, email="dueno@example.pe"))
    assert len(auth.outbox) == 3  # MAIL_ADDRESS_LIMIT: 3 per hour


def _register(client, auth, email="maria@example.pe"):
    client.post("/auth/register", data=_form(client, email=email))
    user = db.session.scalar(select(User).where(User.email == email))
    return user, _link(auth.outbox[-1], "/auth/confirm/")


def test_the_confirmation_link_opens_a_page_and_only_its_button_confirms(app, client, auth, count_flushes):
    user, link = _register(client, auth)
    count_flushes.update(flushes=0, writes=0)
    other_device = app.test_client()  # the mail may be opened anywhere, logged in or not
    page = other_device.get(link + "?lang=en")
    assert page.status_code == 200 and "Confirm my e-mail address" in page.get_data(as_text=True)
    assert count_flushes == {"flushes": 0, "writes": 0}
    db.session.expire_all()
    assert not db.session.get(User, user.id).is_confirmed
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = other_device.post(link, data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).is_confirmed


def test_confirming_needs_a_csrf_token(app, client, auth):
    user, link = _register(client, auth)
    assert app.test_client().post(link).status_code == 400
    db.session.expire_all()
    assert not db.session.get(User, user.id).is_confirmed


def _tamper(link: str) -> str:
    """Change one character in the middle of the signature (the last one may be padding bits)."""
    position = len(link) - 10
    return link[:position] + ("A" if link[position] != "A" else "B") + link[position + 1:]


def test_a_tampered_confirmation_link_is_refused(app, client, auth):
    user, link = _register(client, auth)
    other = app.test_client()
    assert other.get(_tamper(link)).status_code == 400
    token = _csrf(other, "/auth/login")
    assert other.post(_tamper(link), data={"csrf_token": token}).status_code == 400
    db.session.expire_all()
    assert not db.session.get(User, user.id).is_confirmed


def test_an_expired_confirmation_link_is_refused(app, client, auth, monkeypatch):
    import time

    from itsdangerous.timed import TimestampSigner

    from maturity.auth import tokens

    user = auth.account(email="vieja@example.pe")
    eight_days_ago = int(time.time()) - 8 * 24 * 3600
    with monkeypatch.context() as patch, app.test_request_context():
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: eight_days_ago)
        old_token = tokens.make_confirm_token(user)
    with app.test_request_context():
        fresh_token = tokens.make_confirm_token(user)
    assert client.get(f"/auth/confirm/{old_token}").status_code == 400
    assert client.get(f"/auth/confirm/{fresh_token}").status_code == 200


def test_a_confirmation_link_dies_when_the_address_changes(app, client, auth):
    user, link = _register(client, auth)
    user.email = "otra.direccion@example.pe"
    db.session.commit()
    assert app.test_client().get(link).status_code == 400


def test_a_logged_in_owner_can_ask_for_a_new_link_a_few_times(app, client, auth):
    _register(client, auth)
    token = _csrf(client, "/account")
    for _ in range(4):
        client.post("/auth/confirm/resend", data={"csrf_token": token})
    assert len(auth.outbox) == 1 + 3  # the sign-up mail, then 3 resent links (MAIL_ADDRESS_LIMIT: 3 per hour)


def test_require_confirmed_sends_unconfirmed_owners_to_their_account_page(make_app, monkeypatch, create_user):
    from maturity import policy
    from maturity.auth.sessions import require_confirmed

    app = make_app()
    app.add_url_rule("/share", "share", require_confirmed(lambda: "shared"))
    monkeypatch.setitem(policy.POLICY, "share", policy.LOGGED_IN)
    with app.app_context():
        from maturity.timeutil import utcnow

        unconfirmed = create_user().session_token
        confirmed = create_user(confirmed_at=utcnow()).session_token
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = unconfirmed
    response = client.get("/share")
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    with client.session_transaction() as sess:
        sess["_user_id"] = confirmed
    assert client.get("/share").get_data(as_text=True) == "shared"


def test_the_privacy_notice_is_public_and_versioned(client):
    html = client.get("/auth/privacy?lang=en").get_data(as_text=True)
    assert "Version 2026-11" in html and "Ley 29733" in html
