"""The Agency API: bearer tokens issued and revoked on the analyst's page, shown once and stored
hashed; cookie-free; another organisation's cohort is 404; the same suppression as the pages."""
from __future__ import annotations

import re

import pytest
from cohort_support import csrf, enrolled_firms, login, make_cohort
from sqlalchemy import select

from maturity.cohorts.models import ApiToken
from maturity.cohorts.operations import issue_token
from maturity.cohorts.tokens import token_hash
from maturity.extensions import db


@pytest.fixture
def org(create_organization):
    return create_organization(kind="agency")


@pytest.fixture
def analyst(create_user, org):
    return create_user(role="analyst", organization_id=org.id)


@pytest.fixture
def cohort(org):
    return make_cohort(org)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_is_issued_on_the_page_shown_once_and_stored_hashed(app_ctx, client, analyst, cohort):
    login(client, analyst)
    token_csrf = csrf(client, "/agency/tokens")
    page = client.post("/agency/tokens?lang=en", data={"csrf_token": token_csrf, "name": "tablero regional"})
    assert page.status_code == 200 and "shown only this once" in page.get_data(as_text=True)
    raw = re.search(r'value="(mz4_[^"]+)"', page.get_data(as_text=True)).group(1)
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash == token_hash(raw) and raw not in (stored.token_hash, stored.prefix)
    assert raw not in client.get("/agency/tokens").get_data(as_text=True)       # never shown again
    api = client.application.test_client()                                     # no cookie at all
    response = api.get("/api/v1/agency/cohorts", headers=bearer(raw))
    assert response.status_code == 200
    assert [c["id"] for c in response.json] == [cohort.id]


def test_revoked_and_unknown_tokens_get_401_with_a_json_error(app_ctx, client, analyst, cohort):
    token, raw = issue_token(analyst, "script")
    api = client.application.test_client()
    assert api.get("/api/v1/agency/cohorts", headers=bearer(raw)).status_code == 200
    login(client, analyst)
    client.post(f"/agency/tokens/{token.id}/revoke", data={"csrf_token": csrf(client, "/agency/tokens")})
    for headers in (bearer(raw), bearer("mz4_not-a-token"), {"Authorization": "Basic abc"}, {}):
        response = api.get("/api/v1/agency/cohorts?lang=en", headers=headers)
        assert response.status_code == 401, headers
        assert response.json["errors"][0]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_session_cookie_never_authenticates_the_agency_api(app_ctx, client, analyst, cohort, count_flushes):
    login(client, analyst)
    assert client.get(f"/agency/cohorts/{cohort.id}").status_code == 200    # the cookie works on pages
    count_flushes.update(flushes=0, writes=0)
    for path in ("/api/v1/agency/cohorts", f"/api/v1/agency/cohorts/{cohort.id}/summary",
                 f"/api/v1/agency/cohorts/{cohort.id}/benchmarks", f"/api/v1/agency/cohorts/{cohort.id}/impact"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert "Set-Cookie" not in response.headers
    assert count_flushes == {"flushes": 0, "writes": 0}


def test_a_cohort_of_another_organisation_is_404_like_a_missing_one(app_ctx, client, analyst, cohort,
                                                                    create_organization):
    other = make_cohort(create_organization(kind="agency"), name="Otra cohorte")
    _token, raw = issue_token(analyst, "script")
    api = client.application.test_client()
    listed = api.get("/api/v1/agency/cohorts", headers=bearer(raw)).json
    assert [c["id"] for c in listed] == [cohort.id]
    for suffix in ("summary", "benchmarks", "impact"):
        theirs = api.get(f"/api/v1/agency/cohorts/{other.id}/{suffix}", headers=bearer(raw))
        missing = api.get(f"/api/v1/agency/cohorts/99999/{suffix}", headers=bearer(raw))
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json == missing.json


def test_a_token_stops_working_when_its_user_leaves_the_role_or_the_organisation(app_ctx, client, analyst, cohort,
                                                                                  create_organization):
    _token, raw = issue_token(analyst, "script")
    api = client.application.test_client()
    analyst.organization_id = create_organization(kind="agency").id
    db.session.commit()
    assert api.get("/api/v1/agency/cohorts", headers=bearer(raw)).status_code == 401
    analyst.organization_id, analyst.role = cohort.organization_id, "owner"
    db.session.commit()
    assert api.get("/api/v1/agency/cohorts", headers=bearer(raw)).status_code == 401
    analyst.role, analyst.active = "analyst", False
    db.session.commit()
    assert api.get("/api/v1/agency/cohorts", headers=bearer(raw)).status_code == 401


def test_summary_and_benchmarks_use_the_same_suppression(app_ctx, client, analyst, cohort):
    enrolled_firms(cohort, [80.0, 82.0, 84.0, 86.0], sector="tourism")
    enrolled_firms(cohort, [40.0] * 16, sector="retail")
    _token, raw = issue_token(analyst, "script")
    api = client.application.test_client()
    summary = api.get(f"/api/v1/agency/cohorts/{cohort.id}/summary", headers=bearer(raw)).json
    assert summary["funnel"] == {"invited": 20, "joined": 20, "started": 20, "submitted": 20}
    assert summary["firms"] == 20 and summary["indices"]["overall"]["mean"] == 48.6
    whole = api.get(f"/api/v1/agency/cohorts/{cohort.id}/benchmarks", headers=bearer(raw)).json
    rows = {r["value"]: r for r in whole["breakdowns"]["sector"]["rows"]}
    assert rows["tourism"]["overall"] is None and rows["retail"]["overall"] is None
    assert rows["tourism"]["firms"] is None and rows["retail"]["firms"] is None
    t1 = next(d for d in whole["dimensions"] if d["id"] == "T1")
    assert t1["n"] == 20 and t1["p10"] is not None and set(t1) >= {"p25", "median", "p75", "p90", "mean"}
    assert "min" not in t1 and "max" not in t1
    for sector in ("tourism", "retail"):
        view = api.get(f"/api/v1/agency/cohorts/{cohort.id}/benchmarks?sector={sector}", headers=bearer(raw)).json
        assert view["refused"] in ("too_few", "difference")
        assert view["indices"]["overall"]["mean"] is None
        assert all(d["mean"] is None and d["median"] is None for d in view["dimensions"])
    bad = api.get(f"/api/v1/agency/cohorts/{cohort.id}/benchmarks?sector=retail&size=micro", headers=bearer(raw))
    assert bad.status_code == 400


def test_the_agency_api_is_rate_limited(make_app, create_user, create_organization):
    app = make_app(AGENCY_API_RATE_LIMIT="3 per minute")
    with app.app_context():
        org = create_organization(kind="agency")
        analyst = create_user(role="analyst", organization_id=org.id)
        _token, raw = issue_token(analyst, "script")
    api = app.test_client()
    statuses = [api.get("/api/v1/agency/cohorts", headers=bearer(raw)).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_openapi_documents_the_agency_api_with_a_bearer_scheme(client):
    doc = client.get("/api/v1/openapi.json").json
    scheme = doc["components"]["securitySchemes"]["agencyToken"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    for path in ("/api/v1/agency/cohorts", "/api/v1/agency/cohorts/{cohort_id}/summary",
                 "/api/v1/agency/cohorts/{cohort_id}/benchmarks", "/api/v1/agency/cohorts/{cohort_id}/impact"):
        operation = doc["paths"][path]["get"]
        assert operation["security"] == [{"agencyToken": []}] and "401" in operation["responses"]
