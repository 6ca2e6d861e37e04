"""Password reset by e-mail: a neutral answer, a single-use link that expires, a form whose POST
changes the password, and every other session ended."""
import re
import time

import pytest
from sqlalchemy import select

from maturity.auth.models import User
from maturity.extensions import db
from maturity.timeutil import utcnow

NEW_PASSWORD = "siete lunas sobre el lago"


def _csrf(client, path="/auth/reset") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _ask(client, email, lang="en"):
    return client.post(f"/auth/reset?lang={lang}", data={"email": email, "csrf_token": _csrf(client)})


def _reset_link(message) -> str:
    return re.search(r"http://localhost(/auth/reset/\S+)", message.get_content()).group(1)


def _choose(client, link, password=NEW_PASSWORD):
    return client.post(link, data={"password": password, "csrf_token": _csrf(client)})


@pytest.fixture
def confirmed(auth):
    return auth.account(email="ana@example.pe", confirmed_at=utcnow())


@pytest.mark.parametrize("lang", ["es", "en"])
def test_asking_for_a_reset_answers_the_same_for_known_and_unknown_addresses(app, auth, confirmed, lang):
    answers = []
    for email in ("ana@example.pe", "nadie@example.pe"):
        client = app.test_client()
        response = _ask(client, email, lang)
        with client.session_transaction() as sess:
            answers.append((response.status_code, response.headers["Location"], response.data, sess["_flashes"]))
    assert answers[0] == answers[1]
    assert answers[0][0] == 302
    assert [m["To"] for m in auth.outbox] == ["ana@example.pe"]  # only the real account gets a mail


def test_the_reset_link_opens_a_form_and_its_post_changes_the_password(app, client, auth, confirmed, count_flushes):
    device = app.test_client()
    auth.login(device, "ana@example.pe")
    _ask(client, "ana@example.pe")
    link = _reset_link(auth.outbox[-1])
    count_flushes.update(flushes=0, writes=0)
    page = client.get(link + "?lang=en")
    assert page.status_code == 200 and 'autocomplete="new-password"' in page.get_data(as_text=True)
    assert count_flushes == {"flushes": 0, "writes": 0}
    response = _choose(client, link)
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert auth.login(app.test_client(), "ana@example.pe").status_code == 400  # the old password is gone
    assert auth.login(app.test_client(), "ana@example.pe", NEW_PASSWORD).status_code == 302
    assert device.get("/account").status_code == 302  # sessions from before the reset have ended
    # The mail goes out in the account holder's language (Spanish by default).
    assert auth.outbox[-1]["Subject"] and "contraseña" in auth.outbox[-1].get_content().lower()


def test_a_reset_link_works_once(app, client, auth, confirmed):
    _ask(client, "ana@example.pe")
    link = _reset_link(auth.outbox[-1])
    assert _choose(client, link).status_code == 302
    other = app.test_client()
    assert other.get(link).status_code == 400
    token = _csrf(other)
    assert other.post(link, data={"password": "otra clave muy distinta", "csrf_token": token}).status_code == 400
    assert auth.login(app.test_client(), "ana@example.pe", NEW_PASSWORD).status_code == 302


def test_a_reset_link_expires_after_an_hour(app, client, confirmed, monkeypatch):
    from itsdangerous.timed import TimestampSigner

    from maturity.auth import tokens

    with monkeypatch.context() as patch, app.test_request_context():
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 3601)
        old = tokens.make_password_token(confirmed)
    assert client.get(f"/auth/reset/{old}").status_code == 400
    assert _choose(client, f"/auth/reset/{old}").status_code == 400
    db.session.expire_all()
    assert db.session.get(User, confirmed.id).password_changed_at is None


def test_an_unconfirmed_address_gets_its_confirmation_link_instead_of_a_reset_link(app, client, auth):
    user = auth.account(email="nueva@example.pe")
    _ask(client, "nueva@example.pe")
    [message] = auth.outbox
    assert "/auth/confirm/" in message.get_content() and "/auth/reset/" not in message.get_content()
    from maturity.auth import tokens

    with app.test_request_context():
        token = tokens.make_password_token(user)
    assert client.get(f"/auth/reset/{token}").status_code == 400  # reset needs a confirmed address


def test_the_new_password_follows_the_policy(client, auth, confirmed):
    _ask(client, "ana@example.pe")
    link = _reset_link(auth.outbox[-1])
    response = client.post(link + "?lang=en", data={"password": "contraseña123", "csrf_token": _csrf(client, link)})
    assert response.status_code == 400 and "most common" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, confirmed.id).password_changed_at is None


def test_reset_mails_to_one_address_are_throttled(app, auth, confirmed):
    for _ in range(5):
        _ask(app.test_client(), "ana@example.pe")
    assert len(auth.outbox) == 3


def test_a_disabled_account_gets_no_reset_mail(app, client, auth):
    auth.account(email="inactiva@example.pe", active=False, confirmed_at=utcnow())
    assert _ask(client, "inactiva@example.pe").status_code == 302
    assert auth.outbox == []
    assert db.session.scalar(select(User.active).where(User.email == "inactiva@example.pe")) is False
