"""POST /api/v1/plan: the score fields plus the plan (contracts.md), and the plan on the results page."""
from __future__ import annotations

import pytest
from test_assessment_flow import autosave, csrf, full_answers, login, start

from maturity.content import questionnaires
from maturity.questionnaires import load_questionnaires

INFORMAL = {"sector": "retail", "size": "micro", "has_ruc": False, "tax_regime": "none", "issues_e_invoices": False,
            "exports": False, "export_intent": False, "association": "none", "department": "15"}
EXPORTER = {"sector": "agrifood", "size": "small", "has_ruc": True, "tax_regime": "rmt", "issues_e_invoices": True,
            "exports": True, "export_intent": False, "association": "none", "department": "11"}
SCORE_KEYS = {"overall", "indices", "dimensions", "confidence", "weakest_links"}


def _answers(questionnaire_id: str) -> dict:
    return full_answers(load_questionnaires()[questionnaire_id])   # the app's files: the repository's


def _plan(client, questionnaire_id: str, firm: dict, query: str = "", answers: dict | None = None):
    return client.post(f"/api/v1/plan{query}", json={"questionnaire": questionnaire_id, "firm": firm,
                                                       "answers": answers or _answers(questionnaire_id)})


def test_plan_is_the_score_plus_actions_programmes_and_find_out(app, client):
    answers = {**_answers("retail"), "common.t2.backups": "dk"}
    response = _plan(client, "retail", INFORMAL, answers=answers)
    assert response.status_code == 200
    body = response.json
    scored = client.post("/api/v1/score", json={"questionnaire": "retail", "firm": INFORMAL, "answers": answers}).json
    assert {k: body[k] for k in SCORE_KEYS} == scored
    assert set(body) == SCORE_KEYS | {"actions", "programmes", "unlockable", "find_out"}
    assert body["find_out"] == ["common.t2.backups"]
    assert 0 < len(body["actions"]) <= 8
    first = body["actions"][0]
    assert set(first) >= {"id", "dimension", "from_level", "to_level", "horizon", "effort", "title"}
    assert first["id"] == "m6-get-ruc" and first["horizon"] == "0-3"     # no RUC: formalise first
    assert first["title"] == {"es": "Saque su RUC en SUNAT", "en": "Get your RUC from SUNAT"}
    programme = body["programmes"][0]
    assert set(programme) >= {"id", "name", "reason", "gap", "status", "last_verified"}
    assert programme["id"] == "sunat-cpe" and programme["gap"] in ("T3", "M6")
    assert set(programme["name"]) == {"es", "en"} and set(programme["reason"]) == {"es", "en"}
    assert programme["last_verified"] == "2026-02-15"


@pytest.mark.parametrize(("lang", "title", "word"), [("es", "Saque su RUC en SUNAT", "RUC"),
                                                     ("en", "Get your RUC from SUNAT", "RUC")])
def test_with_lang_texts_are_plain_strings(client, lang, title, word):
    body = _plan(client, "retail", INFORMAL, f"?lang={lang}").json
    assert body["actions"][0]["title"] == title
    assert all(isinstance(a["title"], str) for a in body["actions"])
    assert all(isinstance(p["name"], str) and isinstance(p["reason"], str) for p in body["programmes"])
    assert all(isinstance(u["text"], str) for u in body["unlockable"])
    assert word in body["programmes"][0]["reason"]


def test_programmes_are_only_those_the_firm_can_enter(client):
    informal = _plan(client, "retail", INFORMAL).json
    shown = {p["id"] for p in informal["programmes"]}
    assert {"sunat-cpe", "tu-empresa"} <= shown
    assert not shown & {"factura-negociable", "impulso-myperu", "pac", "peru-marketplace", "drawback", "proinnovate"}
    assert {u["id"]: u["step"] for u in informal["unlockable"]}["impulso-myperu"] == "ruc"

    exporter = _plan(client, "agrifood", EXPORTER, "?lang=en").json
    by_id = {p["id"]: p for p in exporter["programmes"]}
    assert {"drawback", "ruta-exportadora", "peru-marketplace", "factura-negociable", "cite-agroindustrial"} <= set(by_id)
    assert "sunat-cpe" not in by_id   # already issues CPE
    assert by_id["drawback"]["status"] == "check" and "Check the current rate" in by_id["drawback"]["warning"]
    assert by_id["factura-negociable"]["reason"].startswith("You have a RUC and you issue electronic invoices")


@pytest.mark.parametrize(("payload", "field"), [
    ({"questionnaire": "banking", "answers": {}}, "questionnaire"),
    ({"answers": {}}, "questionnaire"),
    ({"questionnaire": "retail", "answers": {"common.t1.devices": 3}}, "answers.common.t1.devices"),
    ({"questionnaire": "retail", "answers": {"nope.t1.x": "a"}}, "answers.nope.t1.x"),
    ({"questionnaire": "retail", "firm": {"has_ruc": "yes"}}, "firm.has_ruc"),
    ({"questionnaire": "retail", "plan": True}, "plan"),
])
def test_bad_input_is_a_400_naming_the_field(client, payload, field):
    response = client.post("/api/v1/plan?lang=en", json=payload)
    assert response.status_code == 400
    errors = response.json["errors"]
    assert any(e["field"] == field and e["message"] for e in errors), errors


def test_a_malformed_body_is_a_400(client):
    response = client.post("/api/v1/plan", data="{", content_type="application/json")
    assert response.status_code == 400 and response.json["errors"][0]["field"] == "body"


def test_stale_programmes_carry_a_warning_when_the_configured_age_is_passed(make_app):
    app = make_app(PROGRAMME_MAX_AGE_DAYS=1)
    body = _plan(app.test_client(), "retail", INFORMAL, "?lang=en").json
    assert body["programmes"] and all("may be out of date" in p["warning"] for p in body["programmes"])


def test_the_plan_route_is_public_and_documented(client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["paths"]["/api/v1/plan"]["post"]["operationId"] == "plan"
    assert "PlanResult" in doc["components"]["schemas"]


# --- the results page ------------------------------------------------------------------------------

@pytest.fixture
def owner_client(client, create_user):
    login(client, create_user(email="plan-owner@example.pe"))
    return client


def _submitted(owner_client):
    assessment = start(owner_client)   # a micro textile workshop in Lima without a RUC, alone
    answers = full_answers(questionnaires()["textiles"], {"textiles.profile.activity": ["garments"]})
    autosave(owner_client, assessment.id, {k: {"option": v} for k, v in answers.items()}, 0)
    token = csrf(owner_client, f"/assessments/{assessment.id}/review")
    owner_client.post(f"/assessments/{assessment.id}/submit", data={"csrf_token": token})
    return assessment


def test_results_page_shows_the_plan_in_both_languages(app, owner_client):
    assessment = _submitted(owner_client)
    english = owner_client.get(f"/assessments/{assessment.id}/results?lang=en").get_data(as_text=True)
    assert "Your plan" in english and "Get your RUC from SUNAT" in english
    assert "How you will know it worked:" in english and "0 to 3 months: quick wins" in english
    assert 'data-programme="sunat-cpe"' in english and "You do not have a RUC yet" in english
    assert 'data-programme="cite-textil-camelidos"' in english and "Arequipa, Cusco and Puno" in english
    assert 'data-unlockable="impulso-myperu"' in english and "One step away: get a RUC" in english
    assert 'data-programme="factura-negociable"' not in english
    spanish = owner_client.get(f"/assessments/{assessment.id}/results?lang=es").get_data(as_text=True)
    assert "Saque su RUC en SUNAT" in spanish and "De 0 a 3 meses: acciones rápidas" in spanish
    assert "Todavía no tiene RUC" in spanish and "Le falta un paso: sacar su RUC" in spanish
    # The order on the page is the plan's: RUC before CPE.
    assert spanish.index('data-action="m6-get-ruc"') < spanish.index('data-action="t3-sunat-portal-cpe"')


def test_results_page_shows_the_warning_and_date_of_programmes_to_check(app, owner_client):
    assessment = start(owner_client, has_ruc="yes", tax_regime="rmt", issues_e_invoices="y")
    answers = full_answers(questionnaires()["textiles"], {"textiles.profile.activity": ["garments"]})
    autosave(owner_client, assessment.id, {k: {"option": v} for k, v in answers.items()}, 0)
    token = csrf(owner_client, f"/assessments/{assessment.id}/review")
    owner_client.post(f"/assessments/{assessment.id}/submit", data={"csrf_token": token})
    html = owner_client.get(f"/assessments/{assessment.id}/results?lang=en").get_data(as_text=True)
    start_at = html.index('data-programme="impulso-myperu"')
    entry = html[start_at:html.index("</li>", start_at)]
    assert "Check before you apply." in entry and "we last checked it on 15 Feb 2026" in entry
    assert "Last checked:" in entry


def test_the_plan_needs_no_csrf_sets_no_cookie_and_writes_nothing(app, client, create_user, count_flushes):
    login(client, create_user(email="cookie@example.pe"))
    count_flushes.update(flushes=0, writes=0)
    response = _plan(client, "retail", INFORMAL)
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert count_flushes == {"flushes": 0, "writes": 0}


def test_the_app_refuses_to_start_with_a_broken_plan_file(make_app, tmp_path):
    from maturity.plans import PLANS_DIR

    for path in PLANS_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    programmes = tmp_path / "programmes.yaml"
    programmes.write_text(programmes.read_text(encoding="utf-8").replace('last_verified: "2026-02-15"',
                                                                         "last_verified: 2026-02-15", 1),
                          encoding="utf-8")
    with pytest.raises(RuntimeError, match="plan files") as caught:
        make_app(PLANS_DIR=str(tmp_path))
    assert "programmes.yaml: programme sunat-cpe: last_verified: write the date in quotes" in str(caught.value)
