"""Hostile input on every form and JSON endpoint (issue #13, item 3): only 4xx with a clear message
in the user's language, never a 500, and nothing written when refused.

- Forms: every POST route outside the public API, sent by a persona the route lets in (from the
  authorization matrix), so the input reaches the view: NUL, invalid UTF-8, right-to-left marks,
  astral and full-width characters, numbers that overflow, 1 MB values, duplicated fields; then
  Hypothesis with random Unicode text.
- JSON: autosave, /api/v1/score, /api/v1/plan, the questionnaire reader and the Agency API, with a
  fixed corpus of raw bodies (NaN, Infinity, lone surrogates, 100-deep and 100,000-deep nesting,
  duplicated keys, 1e400, 10**32, wrong types, 1 MB strings) and Hypothesis-generated JSON.
- Schemathesis against /api/v1/openapi.json, in-process (WSGI): positive and negative cases of
  every documented operation, checked for server errors and for responses that break the schema.

Hypothesis example counts are modest (HYPOTHESIS_PROFILE=ci lowers them further) so the file
stays near half a minute.
"""
from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from werkzeug.datastructures import MultiDict

from maturity.content import questionnaires
from tests.functional.security_world import (
    World,
    WriteLog,
    listening,
    make_security_app,
    prepare_session,
    world_in,
)
from tests.functional.test_authz_matrix import CASES, OK, PERSONAS, expected, route_methods

CI = os.environ.get("HYPOTHESIS_PROFILE") == "ci"
EXAMPLES = {"forms": 25 if CI else 40, "json": 25 if CI else 40, "schemathesis": 8 if CI else 12}
FUZZ = settings(deadline=None, database=None, derandomize=CI,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large, HealthCheck.filter_too_much])
MEGABYTE = "x" * 1_000_000

# Field names the app's forms use (and a few they do not): hostile values go into all of them,
# plus whatever names the route's own page shows.
FIELD_NAMES = ("name", "email", "password", "new_password", "current_password", "new_email", "lang", "next",
               "decision", "format", "code", "consent", "firm", "cohort", "base_version", "idempotency_key",
               "nav", "description", "programme", "period_start", "period_end", "ruc", "ciiu", "employees",
               "sector", "department", "annual_sales_band", "years_operating", "has_ruc", "tax_regime",
               "association", "owner_email", "kind", "role", "organization_id", "language", "start",
               "advisors_see_all_firms", "remember", "file", "sheet", "recovery")
TEXT_CORPUS = ("\x00", "a\x00b", "\u202eevil\u202c", "𝕏𝕐ℤ" * 5, "٣٤٥", "２０１３１３１２９５５", "-1", "1e309", "NaN",
               "Infinity", "9" * 400, "", " ", "\r\nX-Injected: 1", "<script>alert(1)</script>", "{{7*7}}",
               "' OR '1'='1", "../../etc/passwd", "%00", "x" * 10_000, "2026-02-30", "0000-00-00",
               "\ufeff\u200b", "😀" * 300)
# Routes that change who may do what: swept last, so they do not take access away from the others.
LAST = ("firms.join", "firms.revoke", "firms.decide", "cohorts.withdraw_membership", "cohorts.revoke", "cohorts.decline",
        "cohorts.accept_invitation", "admin.disable_user", "admin.enable_user", "account.delete", "auth.logout")
NOT_SWEPT = {"auth.logout"}  # takes no input


@pytest.fixture
def security_app(make_app, monkeypatch):
    return make_security_app(make_app, monkeypatch)


@pytest.fixture
def world(security_app):
    yield from world_in(security_app)


@pytest.fixture
def writes(world) -> Iterator[WriteLog]:
    yield from listening(WriteLog())


# --- checks ------------------------------------------------------------------------------------

def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def refusal_problems(response, lang: str) -> list[str]:
    """What is wrong with a refusal: a 5xx, or no message (in the request's language)."""
    status = response.status_code
    if status >= 500:
        return [f"server error {status}"]
    if status < 400:
        return []
    if response.is_json:
        errors = (response.get_json(silent=True) or {}).get("errors") or []
        if not errors or not all(isinstance(e.get("message"), str) and e["message"].strip() for e in errors):
            return [f"{status} without a message: {response.get_data(as_text=True)[:200]}"]
        return []
    html = response.get_data(as_text=True)
    want = 'lang="es-PE"' if lang == "es" else 'lang="en"'
    if want not in html[:300]:
        return [f"{status} page not in {lang}: {html[:200]!r}"]
    if len(visible_text(html)) < 40:
        return [f"{status} page without an explanation"]
    return []


def messages_of(response) -> str:
    if response.is_json:
        return " ".join(e.get("message", "") for e in (response.get_json(silent=True) or {}).get("errors") or [])
    match = re.search(r"<main[^>]*>(.*)</main>", response.get_data(as_text=True), flags=re.S)
    return visible_text(match.group(1) if match else response.get_data(as_text=True))


# --- forms -------------------------------------------------------------------------------------

def form_routes(app, world: World) -> list[tuple[str, str, str]]:
    """(endpoint, url, persona) for every POST route outside the public API: the URL of tenant A's
    object, and a persona the matrix expects to be let in."""
    found = []
    for rule, method in route_methods(app):
        if method != "POST" or rule.endpoint.startswith(("api.", "agency_api.")) or rule.endpoint in NOT_SWEPT:
            continue
        if (rule.endpoint, method) not in CASES:
            continue  # test_authz_matrix.py fails naming it; once it has a case, it is swept here too
        case = CASES[(rule.endpoint, method)][0]
        target = "A" if case.args is not None and "A" in case.targets else case.targets_or_none()[0]
        # A persona the route lets in; for links whose token is the credential, anyone (the forged
        # token is refused by the view, which is what the sweep then exercises).
        persona = next((p for p in PERSONAS if expected(rule.endpoint, case, p, target) == OK), "anonymous")
        args = case.args(world, target) if case.args is not None else {}
        found.append((rule.endpoint, rule.build(args, append_unknown=False)[1], persona))
    return sorted(found, key=lambda r: (r[0] in LAST, LAST.index(r[0]) if r[0] in LAST else 0, r[0]))


def page_fields(client, url: str) -> set[str]:
    """Names of the inputs of the page at `url` (its GET), if it has one."""
    response = client.get(url)
    if response.status_code != 200 or "text/html" not in response.content_type:
        return set()
    return set(re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', response.get_data(as_text=True)))


def post_form(client, world, persona, url, fields, lang="en"):
    token = prepare_session(client, world.users[persona].id if persona != "anonymous" else None)
    data = MultiDict(fields)
    data.setlist("csrf_token", [token])
    return client.post(url, query_string={"lang": lang}, data=data)


def test_every_form_refuses_hostile_input_clearly_and_writes_nothing(security_app, world, writes):
    client = security_app.test_client()
    routes = form_routes(security_app, world)
    assert len(routes) >= 30
    failures = []
    for endpoint, url, persona in routes:
        prepare_session(client, world.users[persona].id if persona != "anonymous" else None)
        names = sorted(page_fields(client, url) - {"csrf_token"} | set(FIELD_NAMES))
        # Four rounds rotate the corpus through the fields; then a 1 MB value, duplicated fields,
        # and a body that is not UTF-8.
        rounds = [[(n, TEXT_CORPUS[(i * 7 + j) % len(TEXT_CORPUS)]) for j, n in enumerate(names)] for i in range(4)]
        rounds.append([(n, MEGABYTE if j == 0 else "x") for j, n in enumerate(names)])
        rounds.append([(n, v) for n in names for v in ("1", "2", "<b>3</b>")])
        for i, fields in enumerate(rounds):
            lang = "es" if i % 2 else "en"
            writes.take()
            response = post_form(client, world, persona, url, fields, lang)
            written = writes.take()
            where = f"POST {url} [{endpoint}] as {persona}, round {i}"
            failures += [f"{where}: {p}" for p in refusal_problems(response, lang)]
            if response.status_code >= 400 and written:
                failures.append(f"{where}: refused with {response.status_code} but wrote {written}")
        token = prepare_session(client, world.users[persona].id if persona != "anonymous" else None)
        raw = f"name=%ff%fe%ed%a0%80&email=%c0%af&csrf_token={token}".encode()
        response = client.post(url, data=raw, content_type="application/x-www-form-urlencoded")
        failures += [f"POST {url} [{endpoint}] with invalid UTF-8: {p}" for p in refusal_problems(response, "es")]
    assert not failures, f"{len(failures)} problems:\n  " + "\n  ".join(failures)


def test_a_refused_form_explains_itself_in_both_languages(security_app, world):
    """The same bad input in es and in en: both refused the same way, each in its own words."""
    client = security_app.test_client()
    checked = 0
    for endpoint, url, persona in form_routes(security_app, world):
        if endpoint in LAST:
            continue
        fields = [(n, "\x00" + "9" * 400) for n in FIELD_NAMES]
        es, en = (post_form(client, world, persona, url, fields, lang) for lang in ("es", "en"))
        assert es.status_code == en.status_code, endpoint
        if es.status_code >= 400 and not es.is_json:
            assert messages_of(es) != messages_of(en), f"{endpoint}: the same text in es and en: {messages_of(es)[:200]}"
            checked += 1
    assert checked >= 10


form_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=300)


@settings(FUZZ, max_examples=EXAMPLES["forms"])
@given(data=st.data())
def test_random_unicode_in_every_form(security_app, world, writes, data):
    client = security_app.test_client()
    routes = [r for r in form_routes(security_app, world) if r[0] not in LAST]
    endpoint, url, persona = data.draw(st.sampled_from(routes), label="route")
    fields = data.draw(st.lists(st.tuples(st.sampled_from(FIELD_NAMES), form_text), max_size=12), label="fields")
    lang = data.draw(st.sampled_from(("es", "en")), label="lang")
    writes.take()
    response = post_form(client, world, persona, url, fields, lang)
    written = writes.take()
    assert not refusal_problems(response, lang), (endpoint, refusal_problems(response, lang))
    assert response.status_code < 400 or not written, (endpoint, written)


# --- JSON --------------------------------------------------------------------------------------

def _score_body(**changes) -> dict:
    body = {"questionnaire": "textiles", "firm": {"sector": "textiles", "size": "micro", "department": "15"},
            "answers": {}}
    return body | changes


def raw_corpus(item_id: str) -> list[bytes]:
    deep_list = b"[" * 100 + b"]" * 100
    deep_object = b'{"a":' * 100 + b"1" + b"}" * 100
    return [
        b"", b"\x00", b"NaN", b"null", b"12", b'"text"', b"[]", deep_list, deep_object, b"[" * 100_000,
        b'{"base_version": NaN, "answers": {}}', b'{"base_version": Infinity, "answers": {}}',
        b'{"base_version": -Infinity, "answers": {}}', b'{"base_version": 1e400, "answers": {}}',
        b'{"base_version": 100000000000000000000000000000000, "answers": {}}',
        b'{"base_version": -1, "answers": {}}', b'{"base_version": 0, "base_version": 1, "answers": {}}',
        b'{"base_version": "0", "answers": {}}', b'{"base_version": 0, "answers": []}',
        b'{"base_version": 0, "answers": "x"}', b'{"base_version": 0, "answers": {"\\ud800": {"option": "dk"}}}',
        f'{{"base_version": 0, "answers": {{"{item_id}": {{"option": "\\udfff"}}}}}}'.encode(),
        f'{{"base_version": 0, "answers": {{"{item_id}": {{"option": "dk", "note": "\\u0000"}}}}}}'.encode(),
        f'{{"base_version": 0, "answers": {{"{item_id}": {{"option": ["dk", "dk"]}}}}}}'.encode(),
        f'{{"base_version": 0, "answers": {{"{item_id}": {{"option": {{"$ne": 1}}}}}}}}'.encode(),
        f'{{"base_version": 0, "answers": {{"{item_id}": {{"option": "dk", "note": "{MEGABYTE}"}}}}}}'.encode(),
        b'{"base_version": 0, "answers": {}, "page": {"$gt": ""}}', b'{"base_version": true, "answers": {}}',
        b'{"questionnaire": "\\ud800", "firm": {}, "answers": {}}', b'{"questionnaire": "\xff\xfe"}',
        b'{"questionnaire": "textiles", "firm": {"employees": 1e400}, "answers": {}}',
        b'{"questionnaire": "textiles", "firm": {"employees": -5, "ruc": "\\u0000"}, "answers": {}}',
        b'{"questionnaire": "textiles", "firm": [], "answers": {}}',
        b'{"questionnaire": ["textiles"], "firm": {}, "answers": {}}',
        b'{"questionnaire": "textiles", "questionnaire": "retail", "firm": {}, "answers": {}}',
        json.dumps(_score_body(answers={item_id: [[[[]]]]})).encode(),
        json.dumps(_score_body(firm={"sector": "x" * 1_000_000})).encode(),
    ]


def json_targets(world: World) -> dict[str, tuple[str, str | None]]:
    """name -> (url, persona) of the JSON endpoints taking a body."""
    return {"autosave": (f"/assessments/{world.id('draft_a')}/answers", "owner_a"),
            "score": ("/api/v1/score", None), "plan": ("/api/v1/plan", None)}


def post_json(client, world, url, persona, body: bytes, lang: str, content_type="application/json"):
    token = prepare_session(client, world.users[persona].id if persona else None)
    headers = {"X-CSRFToken": token, "Idempotency-Key": uuid.uuid4().hex} if persona else {}
    return client.post(url, query_string={"lang": lang}, data=body, content_type=content_type, headers=headers)


def test_json_endpoints_refuse_hostile_bodies_in_both_languages(security_app, world, writes):
    client = security_app.test_client()
    item_id = questionnaires()["textiles"].dimension_items["T1"][0].id
    failures = []
    refused = 0
    for name, (url, persona) in json_targets(world).items():
        for body in [*raw_corpus(item_id), b"a=b"]:
            answers = {}
            for lang in ("es", "en"):
                writes.take()
                content_type = "application/x-www-form-urlencoded" if body == b"a=b" else "application/json"
                response = post_json(client, world, url, persona, body, lang, content_type)
                written = writes.take()
                where = f"{name} {body[:60]!r}… ({lang})"
                failures += [f"{where}: {p}" for p in refusal_problems(response, lang)]
                if response.status_code >= 400 and written:
                    failures.append(f"{where}: refused but wrote {written}")
                answers[lang] = response
            es, en = answers["es"], answers["en"]
            if es.status_code >= 400:
                refused += 1
                if es.status_code != en.status_code:
                    failures.append(f"{name} {body[:60]!r}: {es.status_code} in es, {en.status_code} in en")
                elif messages_of(es) == messages_of(en):
                    failures.append(f"{name} {body[:60]!r}: the same message in es and en: {messages_of(es)[:150]}")
    assert refused >= 90
    assert not failures, f"{len(failures)} problems:\n  " + "\n  ".join(failures)


json_scalars = (st.none() | st.booleans() | st.integers(min_value=-(10**40), max_value=10**40)
                | st.floats(allow_nan=True, allow_infinity=True)
                | st.text(alphabet=st.characters(codec=None), max_size=40))
json_values = st.recursive(json_scalars, lambda children: st.lists(children, max_size=4)
                           | st.dictionaries(st.text(max_size=12), children, max_size=4), max_leaves=20)


def hostile_body(item_id: str):
    """A body shaped like the real one with one part replaced, or anything at all."""
    answer = st.fixed_dictionaries({}, optional={"option": json_values, "note": json_values,
                                                 "evidence": json_values, "extra": json_values})
    autosave_like = st.fixed_dictionaries({}, optional={
        "base_version": json_values, "page": json_values,
        "answers": st.dictionaries(st.sampled_from([item_id, "textiles.nope", ""]), answer | json_values,
                                   max_size=3) | json_values})
    score_like = st.fixed_dictionaries({}, optional={
        "questionnaire": st.sampled_from(["textiles", "general", "nope"]) | json_values,
        "firm": st.dictionaries(st.sampled_from(["sector", "size", "employees", "ruc", "department", "x"]),
                                json_values, max_size=4) | json_values,
        "answers": st.dictionaries(st.sampled_from([item_id, "x"]), json_values, max_size=3) | json_values})
    return autosave_like | score_like | json_values


@settings(FUZZ, max_examples=EXAMPLES["json"])
@given(data=st.data())
def test_random_json_never_breaks_a_json_endpoint(security_app, world, writes, data):
    client = security_app.test_client()
    item_id = questionnaires()["textiles"].dimension_items["T1"][0].id
    name = data.draw(st.sampled_from(sorted(json_targets(world))), label="endpoint")
    url, persona = json_targets(world)[name]
    body = json.dumps(data.draw(hostile_body(item_id), label="body"), allow_nan=True).encode()
    lang = data.draw(st.sampled_from(("es", "en")), label="lang")
    writes.take()
    response = post_json(client, world, url, persona, body, lang)
    written = writes.take()
    assert not refusal_problems(response, lang), (name, refusal_problems(response, lang))
    assert response.status_code < 400 or not written, (name, written)


def test_query_and_path_parameters_are_refused_cleanly(security_app, world, writes):
    """Duplicated and hostile query parameters on the GET routes of the API and of the pages."""
    client = security_app.test_client()
    bearer = {"Authorization": f"Bearer {world.secrets['bearer_a']}"}
    cohort = world.id("cohort_a")
    nasty = ["\x00", "%00", "../../etc/passwd", "9" * 400, "<script>", "😀" * 100, "NaN", "-1", MEGABYTE[:5000]]
    failures = []
    requests_ = [(f"/api/v1/agency/cohorts/{cohort}/benchmarks", bearer, key) for key in ("sector", "department", "size")]
    requests_ += [("/api/v1/questionnaires/textiles", {}, "lang"), ("/advisor/", None, "q"),
                  (f"/agency/cohorts/{cohort}", "analyst_x", "sector"), ("/admin/users", "admin", "page")]
    for path, auth, key in requests_:
        for value in nasty:
            for query in ([(key, value)], [(key, value), (key, "textiles"), ("lang", "es"), ("lang", "zz")]):
                headers = auth if isinstance(auth, dict) else {}
                persona = auth if isinstance(auth, str) else ("advisor_a" if auth is None else None)
                prepare_session(client, world.users[persona].id if persona else None)
                writes.take()
                response = client.get(path, query_string=query, headers=headers)
                if response.status_code >= 500 or (response.status_code >= 400 and writes.take()):
                    failures.append(f"GET {path} {query!r}: {response.status_code}")
                lang = "es"
                failures += [f"GET {path} {query!r}: {p}" for p in refusal_problems(response, lang)
                             if "not in" not in p]
    for path in ("/api/v1/questionnaires/%00", "/api/v1/questionnaires/" + "x" * 5000,
                 "/api/v1/questionnaires/%F0%9F%98%80", "/api/v1/agency/cohorts/99999999999999999999/summary",
                 "/api/v1/agency/cohorts/" + "9" * 5000 + "/impact", "/firms/2147483648", "/firms/" + "9" * 400,
                 "/assessments/99999999999999999999/results", "/agency/cohorts/-1"):
        response = client.get(path, headers=bearer)
        failures += [f"GET {path[:80]}: {p}" for p in refusal_problems(response, "es")]
    assert not failures, "\n  ".join(failures)


# --- Schemathesis against the documented API ----------------------------------------------------

def test_the_documented_api_survives_schemathesis(security_app, world, writes):
    import schemathesis
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", security_app)
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    bearer = {"Authorization": f"Bearer {world.secrets['bearer_a']}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    seen: dict[str, set[int]] = {}

    def fuzz(operation, mode):
        path_parameters = None
        if "{cohort_id}" in operation.path and mode is GenerationMode.POSITIVE:
            path_parameters = {"cohort_id": world.id("cohort_a")}  # a cohort the token may read
        headers = bearer if "/agency/" in operation.path else None

        @settings(FUZZ, max_examples=EXAMPLES["schemathesis"])
        @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
        def run(case):
            writes.take()
            response = case.call(headers=headers)
            case.validate_response(response, checks=checks)
            seen.setdefault(operation.label, set()).add(response.status_code)
            assert not writes.take(), f"{operation.label} wrote to the database"

        try:
            run()
        except Unsatisfiable:
            # Nothing to make invalid (an operation without parameters or body): nothing to send.
            assert mode is GenerationMode.NEGATIVE, operation.label

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz(operation, mode)
    assert all(codes for codes in seen.values())
    assert any(code == 200 for codes in seen.values() for code in codes), seen
