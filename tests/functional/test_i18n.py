"""Language choice order, the switch, Peruvian number formats."""
import pytest
from flask import session

from maturity.i18n import format_money, format_number


def _lang(response) -> str:
    html = response.get_data(as_text=True)
    return "es" if '<html lang="es-PE">' in html else "en" if '<html lang="en">' in html else "?"


def test_spanish_is_the_default(client):
    assert _lang(client.get("/")) == "es"


def test_accept_language_is_honoured_when_nothing_else_says(client):
    assert _lang(client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})) == "en"
    assert _lang(client.get("/", headers={"Accept-Language": "fr, de"})) == "es"


def test_explicit_choice_beats_accept_language_and_is_remembered_in_the_session(client):
    assert _lang(client.get("/?lang=en", headers={"Accept-Language": "es"})) == "en"
    assert _lang(client.get("/", headers={"Accept-Language": "es"})) == "en"
    assert _lang(client.get("/?lang=es", headers={"Accept-Language": "en"})) == "es"
    assert _lang(client.get("/", headers={"Accept-Language": "en"})) == "es"


def test_account_preference_comes_after_the_session_choice(app, client, create_user):
    user = create_user(language="en")
    with client.session_transaction() as sess:
        sess["_user_id"] = user.session_token
        sess["_fresh"] = True
    assert _lang(client.get("/", headers={"Accept-Language": "es"})) == "en"
    client.get("/?lang=es")
    assert _lang(client.get("/")) == "es"


@pytest.mark.parametrize("garbage", ["zz", "EN'--", "<script>", "en" * 500, "es_PE.UTF-8/../../", "%00", "", "de"])
def test_garbage_lang_is_ignored_quietly(client, garbage):
    response = client.get("/", query_string={"lang": garbage}, headers={"Accept-Language": "es"})
    assert response.status_code == 200
    assert _lang(response) == "es"
    with client.session_transaction() as sess:
        assert "lang" not in sess


def test_a_repeated_lang_parameter_takes_the_first_valid_value_or_none(client):
    assert _lang(client.get("/?lang=xx&lang=en")) == "es"  # the first value counts; it is garbage


def test_language_choice_on_get_writes_no_database_row(client, count_flushes):
    client.get("/?lang=en")
    assert count_flushes == {"flushes": 0, "writes": 0}


def test_switch_links_keep_the_page_and_its_query(client):
    html = client.get("/healthz").get_data(as_text=True)  # JSON route: no switch
    assert "lang-switch" not in html
    html = client.get("/?x=1&lang=es").get_data(as_text=True)
    assert 'href="/?x=1&amp;lang=en"' in html
    html = client.get("/no-such-page").get_data(as_text=True)
    assert 'href="/no-such-page?lang=en"' in html


def test_language_post_saves_the_account_preference(app, client, create_user):
    from maturity.auth.models import User
    from maturity.extensions import db

    user = create_user(language="es")
    with client.session_transaction() as sess:
        sess["_user_id"] = user.session_token
        sess["_fresh"] = True
    token = _csrf_token(client)
    response = client.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert db.session.get(User, user.id).language == "en"


def test_language_post_refuses_an_offsite_next(client):
    token = _csrf_token(client)
    response = client.post("/language", data={"lang": "en", "next": "//evil.example/", "csrf_token": token})
    assert response.headers["Location"] == "/"
    with client.session_transaction() as sess:
        assert sess["lang"] == "en"


def _csrf_token(client) -> str:
    from flask_wtf.csrf import generate_csrf

    with client.application.test_request_context():
        token = generate_csrf()
        raw = session["csrf_token"]
    with client.session_transaction() as sess:
        sess["csrf_token"] = raw
    return token


def test_numbers_and_money_are_formatted_the_peruvian_way(app):
    with app.test_request_context("/?lang=es"):
        app.preprocess_request()
        assert format_number(34.5) == "34.5"
        assert format_number(1234.56, 2) == "1,234.56"
        assert format_money(1500) == "S/\u00a01,500.00"
    with app.test_request_context("/?lang=en"):
        app.preprocess_request()
        assert format_number(34.5) == "34.5"
        assert format_money(1500) == "S/\u00a01,500.00"
