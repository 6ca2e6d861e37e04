"""The public API: shapes of contracts.md, validation in both languages, cookie-free, read-only."""
import pytest
from sqlalchemy import func, select

from maturity.content import questionnaires
from maturity.extensions import db
from maturity.scoring import score


def _answers_at_level(questionnaire, level: int) -> dict:
    """Every scored single-choice item at its lowest option with `level` (or the closest below)."""
    answers = {}
    for item in questionnaire.items:
        if item.type == "single":
            options = [o for o in item.options if not o.reserved and o.level <= level]
            answers[item.id] = options[-1].id
        elif item.type == "checklist":
            practices = [o.id for o in item.options if not o.reserved]
            answers[item.id] = practices if level == 5 else ["none"] if level == 0 else practices[:1]
    return answers


def test_list_names_every_questionnaire_with_bilingual_titles(client):
    body = client.get("/api/v1/questionnaires").json
    ids = [q["id"] for q in body]
    assert "general" in ids
    for entry in body:
        assert set(entry) == {"id", "version", "sector", "title"}
        assert set(entry["title"]) == {"es", "en"} and all(entry["title"].values())
    general = next(q for q in body if q["id"] == "general")
    assert general["version"].startswith("common@")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_definition_with_lang_has_plain_strings(client, lang):
    body = client.get(f"/api/v1/questionnaires/general?lang={lang}").json
    assert isinstance(body["title"], str)
    item = body["items"][0]
    assert isinstance(item["text"], str)
    assert all(isinstance(o["label"], str) for o in item["options"])
    assert {o["id"] for o in item["options"]} >= {"dk"}


def test_definition_without_lang_has_both_languages(client):
    body = client.get("/api/v1/questionnaires/general").json
    assert set(body["title"]) == {"es", "en"}
    assert {d["id"] for d in body["dimensions"]} == {f"T{i}" for i in range(1, 7)} | {f"M{i}" for i in range(1, 7)}
    for item in body["items"]:
        assert set(item["text"]) == {"es", "en"}


def test_unknown_questionnaire_is_404_with_a_message(client):
    response = client.get("/api/v1/questionnaires/nope?lang=en")
    assert response.status_code == 404
    assert response.json["errors"][0]["field"] == "questionnaire"


def test_score_returns_the_contract_shape(client):
    response = client.post("/api/v1/score", json={"questionnaire": "general", "firm": {}, "answers": {}})
    assert response.status_code == 200
    body = response.json
    assert set(body) == {"overall", "indices", "dimensions", "confidence", "weakest_links"}
    assert set(body["indices"]) == {"technology", "management"}
    for part in [body["overall"], *body["indices"].values(), *body["dimensions"]]:
        assert {"state", "score", "band", "coverage"} <= set(part)
    assert len(body["dimensions"]) == 12
    # Nothing answered: every figure is insufficient, nothing is invented.
    assert body["overall"] == {"state": "insufficient", "score": None, "band": None, "coverage": 0.0}
    assert body["confidence"] is None


@pytest.mark.parametrize(("level", "score_", "band"), [(0, 0.0, "inicial"), (5, 100.0, "lider")])
def test_score_of_all_lowest_and_all_highest_answers(app, client, level, score_, band):
    with app.app_context():
        answers = _answers_at_level(questionnaires()["general"], level)
    body = client.post("/api/v1/score", json={"questionnaire": "general", "answers": answers}).json
    assert body["overall"] == {"state": "scored", "score": score_, "band": band, "coverage": 1.0}
    assert all(d["score"] == score_ for d in body["dimensions"])
    assert body["confidence"] == 1.0


def test_api_numbers_equal_the_scoring_engine(app, client):
    with app.app_context():
        general = questionnaires()["general"]
        answers = _answers_at_level(general, 3)
        first = general.items[0].id
        answers[first] = "dk"
        expected = score(general, answers, {}).to_api()
    body = client.post("/api/v1/score", json={"questionnaire": "general", "answers": answers}).json
    assert body == expected
    assert body["confidence"] < 1.0


@pytest.mark.parametrize(("payload", "field", "code"), [
    ({"answers": {}}, "questionnaire", "required"),
    ({"questionnaire": 3}, "questionnaire", "wrong_type"),
    ({"questionnaire": "nope"}, "questionnaire", "unknown_questionnaire"),
    ({"questionnaire": "general", "answers": {"nope.item": "x"}}, "answers.nope.item", "unknown_item"),
    ({"questionnaire": "general", "answers": []}, "answers", "wrong_type"),
    ({"questionnaire": "general", "firm": {"size": "huge"}}, "firm.size", "unknown_value"),
    ({"questionnaire": "general", "firm": {"role": "admin"}}, "firm.role", "unknown_field"),
    ({"questionnaire": "general", "score": 100}, "score", "unknown_key"),
])
def test_bad_requests_list_every_problem_with_its_field(client, payload, field, code):
    response = client.post("/api/v1/score?lang=en", json=payload)
    assert response.status_code == 400
    errors = response.json["errors"]
    assert any(e["field"] == field and e["code"] == code and e["message"] for e in errors), errors


def test_a_wrong_option_is_named(app, client):
    with app.app_context():
        item = questionnaires()["general"].items[0].id
    response = client.post("/api/v1/score", json={"questionnaire": "general", "answers": {item: "bogus"}})
    assert response.status_code == 400
    assert response.json["errors"][0] == {"field": f"answers.{item}", "code": "unknown_option",
                                          "message": response.json["errors"][0]["message"]}
    assert "bogus" in response.json["errors"][0]["message"]


@pytest.mark.parametrize(("lang", "text"), [("es", "no tiene la pregunta"), ("en", "has no question")])
def test_error_messages_follow_the_language(client, lang, text):
    response = client.post(f"/api/v1/score?lang={lang}", json={"questionnaire": "general", "answers": {"x": "y"}})
    assert text in response.json["errors"][0]["message"]


@pytest.mark.parametrize(("data", "content_type", "status"), [
    ("{not json", "application/json", 400),
    ('{"questionnaire": NaN}', "application/json", 400),
    ("[" * 200000 + "]" * 200000, "application/json", 413),
    ("[" * 50000 + "]" * 50000, "application/json", 400),   # deep nesting under the size limit
    ('"just a string"', "application/json", 400),
    ("questionnaire=general", "application/x-www-form-urlencoded", 400),
    ("\x00\x00", "application/json", 400),
])
def test_malformed_bodies_get_a_clear_4xx_never_a_500(client, data, content_type, status):
    response = client.post("/api/v1/score?lang=en", data=data, content_type=content_type)
    assert response.status_code == status
    assert response.json["errors"][0]["message"]


def test_the_api_reads_no_cookie_sets_none_and_writes_nothing(app, client, create_user, count_flushes):
    user = create_user(language="en")
    with client.session_transaction() as sess:
        sess["_user_id"] = user.session_token
        sess["lang"] = "en"
    before = db.session.scalar(select(func.count()).select_from(type(user)))
    count_flushes.update(flushes=0, writes=0)
    response = client.post("/api/v1/score", json={"questionnaire": "general", "answers": {"x": "y"}},
                           headers={"Accept-Language": "es"})
    # The session said English; the API ignores the cookie and answers in Accept-Language's Spanish.
    assert "no tiene la pregunta" in response.json["errors"][0]["message"]
    assert "Set-Cookie" not in response.headers
    assert client.get("/api/v1/questionnaires?lang=en").headers.get("Set-Cookie") is None
    assert count_flushes == {"flushes": 0, "writes": 0}
    assert db.session.scalar(select(func.count()).select_from(type(user))) == before


def test_the_api_needs_no_csrf_token_but_pages_do(client):
    assert client.post("/api/v1/score", json={"questionnaire": "general"}).status_code == 200
    assert client.post("/language", data={"lang": "en"}).status_code == 400


def test_the_api_is_rate_limited(make_app):
    app = make_app(API_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [client.get("/api/v1/questionnaires").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert client.get("/api/v1/questionnaires?lang=en").json["errors"][0]["message"]


def test_openapi_documents_every_api_route(app, client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.1")
    documented = set(doc["paths"])
    routes = {r.rule.replace("<questionnaire_id>", "{id}") for r in app.url_map.iter_rules()
              if r.endpoint.startswith("api.") and r.endpoint not in {"api.index", "api.openapi"}}
    routes |= {r.rule.replace("<int:cohort_id>", "{cohort_id}") for r in app.url_map.iter_rules()
               if r.endpoint.startswith("agency_api.")}
    assert routes == documented
