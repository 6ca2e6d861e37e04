"""Security defaults: CSRF on every state-changing route, no writes on GET, headers, escaping, limits."""
import re

import pytest
from werkzeug.routing import Rule

from maturity.config import PROJECT_ROOT

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
SAMPLE_ARGS = {"int": 1, "string": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def _url(rule: Rule) -> str:
    args = {name: SAMPLE_ARGS.get(type(conv).__name__.replace("Converter", "").lower(), "1")
            for name, conv in rule._converters.items()}
    return rule.build(args, append_unknown=False)[1]


def _routes(app, methods):
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & methods):
            yield rule, method


def test_every_state_changing_route_outside_the_api_requires_a_csrf_token(app, count_flushes):
    client = app.test_client()
    swept = 0
    for rule, method in _routes(app, STATE_CHANGING):
        if rule.endpoint.startswith("api."):
            continue
        response = client.open(_url(rule), method=method, data={"lang": "en", "name": "x"})
        assert response.status_code == 400, f"{method} {rule.rule} answered {response.status_code} without a CSRF token"
        swept += 1
    assert swept >= 1, "the sweep found no state-changing route"
    assert count_flushes == {"flushes": 0, "writes": 0}


def test_csrf_exemption_is_made_in_one_place_for_the_api_only():
    sources = {p: p.read_text() for p in (PROJECT_ROOT / "maturity").rglob("*.py")}
    exempting = [p.name for p, text in sources.items() if "csrf.exempt" in text]
    assert exempting == ["__init__.py"]
    assert "csrf.exempt(api_bp)" in sources[PROJECT_ROOT / "maturity" / "__init__.py"]


def test_no_get_route_writes_to_the_database(app, count_flushes):
    client = app.test_client()
    visited = 0
    for rule, method in _routes(app, {"GET"}):
        client.open(_url(rule), method=method, query_string={"lang": "en"})
        visited += 1
    assert visited >= 4
    assert count_flushes == {"flushes": 0, "writes": 0}


def test_pages_send_the_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    for directive in ("script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_templates_have_no_inline_script_or_style_and_load_nothing_from_outside():
    for path in (PROJECT_ROOT / "maturity").rglob("templates/**/*.html"):
        html = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), f"inline script in {path}"
        assert " style=" not in html and "<style" not in html, f"inline style in {path}"
        # Resources load from this site only (a plain link elsewhere, e.g. WhatsApp, is navigation, not a load).
        assert not re.search(r"src=\"(https?:)?//", html), f"external resource in {path}"
        assert not re.search(r"<link[^>]*href=\"(https?:)?//", html), f"external stylesheet or icon in {path}"


def test_every_template_is_autoescaped(app):
    templates = [p for p in (PROJECT_ROOT / "maturity").rglob("templates/**/*") if p.is_file()]
    assert templates
    for path in templates:
        assert path.suffix == ".html", f"{path}: only .html templates are autoescaped"
        assert app.jinja_env.autoescape(path.name) is True


def test_user_text_is_escaped_when_rendered(app):
    from flask import render_template_string

    with app.test_request_context("/"):
        html = render_template_string("{{ name }}", name='<script>alert(1)</script>')
    assert html == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_production_cookies_are_secure(make_app):
    app = make_app(MATURITY_ENV="production")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_a_request_larger_than_the_limit_is_refused_in_the_users_language(app):
    client = app.test_client()
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/language?lang=es", data=body, content_type="application/octet-stream")
    assert response.status_code == 413
    assert "demasiado grande" in response.get_data(as_text=True)


def test_home_page_is_small_enough_for_a_weak_connection(client):
    html = client.get("/").data
    with client.get("/static/css/app.css") as response:
        css = response.data
    assert len(html) + len(css) < 100 * 1024


@pytest.mark.parametrize(("path", "status"), [("/healthz", 200), ("/readyz", 200)])
def test_health_endpoints(client, path, status):
    response = client.get(path)
    assert response.status_code == status and response.json["status"] == "ok"


def test_readyz_says_unavailable_when_the_database_is_gone(tmp_path):
    from maturity import create_app

    not_a_file = tmp_path / "maturity.db"
    not_a_file.mkdir()  # SQLite cannot open a directory: the database is "gone"
    app = create_app({"MATURITY_ENV": "testing", "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k" * 40,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{not_a_file}"})
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json["checks"]["database"] == "unavailable"
