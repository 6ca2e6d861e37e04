"""Error pages in the user's language, never a stack trace."""
import pytest


def test_404_is_a_bilingual_page(client):
    es = client.get("/no-existe")
    assert es.status_code == 404 and "Página no encontrada" in es.get_data(as_text=True)
    en = client.get("/no-existe?lang=en")
    assert en.status_code == 404 and "Page not found" in en.get_data(as_text=True)


def test_api_errors_are_json(client):
    response = client.get("/api/v1/nothing?lang=en")
    assert response.status_code == 404
    assert response.json["errors"][0]["message"].startswith("The page does not exist")


def _failing_client(make_app, monkeypatch):
    """A client of an app with a route `/boom` that raises an unexpected exception."""
    from maturity import policy

    app = make_app()

    def boom():
        raise RuntimeError("secret internals /etc/passwd")

    app.add_url_rule("/boom", "boom", boom)
    monkeypatch.setitem(policy.POLICY, "boom", policy.ANYONE)
    return app.test_client()


@pytest.mark.parametrize(("lang", "text"), [("es", "Algo falló de nuestro lado"), ("en", "Something went wrong on our side")])
def test_an_unexpected_error_shows_a_friendly_page_without_a_traceback(make_app, monkeypatch, lang, text):
    response = _failing_client(make_app, monkeypatch).get(f"/boom?lang={lang}")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert text in body
    assert "Traceback" not in body and "secret internals" not in body


def test_method_not_allowed_is_explained(client):
    response = client.put("/healthz?lang=en")
    assert response.status_code == 405
    assert "cannot be used that way" in response.get_data(as_text=True)


@pytest.mark.parametrize(("lang", "text"), [("es", "No se cambió nada"), ("en", "Nothing was changed")])
def test_a_value_the_database_refuses_is_a_400_that_keeps_nothing(make_app, monkeypatch, lang, text):
    """A value past validation that the database cannot store (here: an integer beyond its range,
    which both SQLite and PostgreSQL refuse) is the client's input: 400, rolled back, never a 500."""
    from sqlalchemy import func, select

    from maturity import policy
    from maturity.extensions import db
    from maturity.organizations.models import Organization

    app = make_app()

    def store_huge():
        db.session.add(Organization(name="Tanto", kind="agency"))
        db.session.flush()
        db.session.execute(select(Organization).where(Organization.id == 10**30))
        db.session.commit()
        return "stored"

    app.add_url_rule("/huge", "huge", store_huge, methods=["POST"])
    monkeypatch.setitem(policy.POLICY, "huge", policy.ANYONE)
    app.config["WTF_CSRF_ENABLED"] = False
    response = app.test_client().post(f"/huge?lang={lang}")
    assert response.status_code == 400
    assert text in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Organization)) == 0


@pytest.mark.parametrize(("lang", "text"), [("es", "indique esta referencia"), ("en", "mention this reference")])
def test_an_error_page_gives_the_reference_support_finds_in_the_logs(make_app, monkeypatch, lang, text):
    response = _failing_client(make_app, monkeypatch).get(f"/boom?lang={lang}")
    request_id = response.headers["X-Request-ID"]
    assert f"{text}: {request_id[:8]}" in response.get_data(as_text=True)


def test_a_json_error_carries_the_request_id(client):
    response = client.get("/api/v1/nothing")
    assert response.json["request_id"] == response.headers["X-Request-ID"]
