"""The authorization matrix: every route × method × persona × target object, expected from
maturity/policy.py (issue #13, item 1).

Personas: anonymous, owner_a, owner_b, advisor_a (works with firm A), advisor_b (organisation B),
analyst_x (organisation A, cohort X holds firm A), analyst_y (organisation B), admin (no
organisation). Targets: `A` (tenant A's object), `B` (tenant B's), `mixed` (a child of B under a
parent of A in the URL, for routes with two ids), `missing` (an id no table holds); `-` for routes
without an object.

The expected answer is derived, not copied: the route's POLICY row decides log-in (anonymous →
log-in page), role (403) and object rule; REACH below says, independently of the code, which
personas may reach each object of the world. A case may narrow REACH (`reach=`) when the view
checks more than the policy row, or give its own `expect=` for routes whose view decides (tokens,
public pages, the bearer-token API).

Every refusal is checked to write nothing (no INSERT/UPDATE/DELETE reaches the database), and a
refused object of another tenant must answer exactly like the missing one: same status, same
content type, same body once the per-request bits (CSRF token, URL) are blanked.

A route added to the app without a row in CASES fails `test_every_route_and_method_has_a_case`
and the persona tests, naming the endpoint, method and URL rule.
"""
from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event, select
from werkzeug.routing import Rule as UrlRule

from maturity.extensions import db
from maturity.policy import OBJECT_RULES, POLICY
from tests.functional.security_world import (
    MISSING,
    PERSONAS,
    ROLE,
    RUC,
    World,
    WriteLog,
    make_security_app,
    prepare_session,
    world_in,
)

OK, LOGIN, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, BAD_LINK = "ok", "login", 401, 403, 404, 400
DENIALS = {LOGIN, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, BAD_LINK}
IGNORED_METHODS = {"HEAD", "OPTIONS"}

# Who reaches each object of the world, per object rule of maturity/policy.py (written from the
# product rules, not from the code): a firm and its assessments by its owner and the advisor who
# works with it; a cohort by its organisation's analysts; an enrolment or an invitation by the
# owner of the firm it is about; an API token by the analyst it was issued to.
FIRM_PEOPLE = {"A": {"owner_a", "advisor_a"}, "B": {"owner_b", "advisor_b"}, "mixed": set()}
REACH: dict[str, dict[str, set[str]]] = {
    "firm_member": FIRM_PEOPLE,
    "assessment_member": FIRM_PEOPLE,
    "compare_members": FIRM_PEOPLE,
    "cohort_staff": {"A": {"analyst_x"}, "B": {"analyst_y"}},
    "membership_owner": {"A": {"owner_a"}, "B": {"owner_b"}},
    "invitation_owner": {"A": {"owner_a"}, "B": {"owner_b"}},
    "token_holder": {"A": {"analyst_x"}, "B": {"analyst_y"}},
}
OWNERS_ONLY = {"A": {"owner_a"}, "B": {"owner_b"}, "mixed": set()}


@dataclass(frozen=True)
class Case:
    """How to call one route with one method: URL arguments per target, body, expectations."""

    args: Callable[[World, str], dict[str, Any]] | None = None  # None: the route has no object
    targets: tuple[str, ...] = ("A", "B", "missing")
    data: dict[str, Any] | None = None             # form fields (a valid CSRF token is always added)
    data_for: Callable[[World, str], dict[str, Any]] | None = None  # form fields that depend on the target
    json: Any = None                               # a JSON body (CSRF token in X-CSRFToken)
    query: dict[str, str] | None = None
    reach: dict[str, set[str]] | None = None       # narrows REACH for this view
    expect: Callable[[str, str], object] | None = None  # the whole expectation (view-level routes)
    label: str = ""                                # a variant: the output format, the language

    def targets_or_none(self) -> tuple[str, ...]:
        return self.targets if self.args is not None else ("-",)


def ids(**names: str | tuple[str, ...]) -> Callable[[World, str], dict[str, Any]]:
    """URL arguments from world ids: ids(firm_id="firm") → firm_a / firm_b / MISSING per target.
    A tuple gives (A, B, mixed) names explicitly."""

    def build(world: World, target: str) -> dict[str, Any]:
        out = {}
        for arg, name in names.items():
            if target == "missing":
                out[arg] = MISSING
            elif isinstance(name, tuple):
                out[arg] = world.id(name[("A", "B", "mixed").index(target)])
            else:
                out[arg] = world.id(f"{name}_{target.lower()}")
        return out

    return build


def const(**values: Any) -> Callable[[World, str], dict[str, Any]]:
    """URL arguments that are not objects of a tenant (a file name, a page id, a format)."""
    return lambda world, target: dict(values)


def secret(arg: str, name: str, **extra: Any) -> Callable[[World, str], dict[str, Any]]:
    """A token or code from the URL: the world's valid one (target A) or a forged one."""
    return lambda world, target: {arg: world.secrets[name] if target == "A" else "forged-" + "x" * 20, **extra}


def everyone(outcome: object = OK) -> Callable[[str, str], object]:
    return lambda persona, target: outcome


def bad_link_for_forged(persona: str, target: str) -> object:
    return BAD_LINK if target == "missing" else OK


def not_found_for_forged(persona: str, target: str) -> object:
    return NOT_FOUND if target == "missing" else OK


def owner_join(persona: str, target: str) -> object:
    """POST an owner invitation: the token is the credential; a log-in is needed, and an owner's account."""
    if target == "missing":
        return NOT_FOUND
    if persona == "anonymous":
        return LOGIN
    return OK if ROLE[persona] == "owner" else FORBIDDEN


def admin_after_reauth(persona: str, target: str) -> object:
    if persona == "anonymous":
        return LOGIN
    return OK if persona == "admin" else FORBIDDEN


def bearer(persona: str, target: str) -> object:
    """Agency API: only the bearer token counts (cookies authenticate nothing): 401 without one,
    404 for another organisation's cohort exactly like a missing one."""
    side = {"analyst_x": "A", "analyst_y": "B"}.get(persona)
    if side is None:
        return UNAUTHORIZED
    return OK if target in (side, "-") else NOT_FOUND


DRAFT = ids(assessment_id="draft")
SUBMITTED = ids(assessment_id="submitted")
FIRM = ids(firm_id="firm")
COHORT = ids(cohort_id="cohort")
PDF_ROUTES = ("reports.plan_pdf", "cohorts.report")


def PLAN_ACTION(world: World, target: str) -> dict[str, Any]:
    """A submitted assessment and the first action of its plan."""
    return SUBMITTED(world, target) | {"action_id": world.secrets["plan_action_a"]}

# (endpoint, method) -> the cases (several for several formats or languages)
CASES: dict[tuple[str, str], list[Case]] = {
    ("static", "GET"): [Case(const(filename="css/app.css"), targets=("-",))],
    ("main.index", "GET"): [Case()],
    ("main.healthz", "GET"): [Case()],
    ("main.readyz", "GET"): [Case()],
    ("main.set_language", "POST"): [Case(data={"lang": "es"})],
    # accounts
    ("auth.register", "GET"): [Case()],
    ("auth.register", "POST"): [Case(data={})],
    ("auth.privacy", "GET"): [Case()],
    ("auth.login", "GET"): [Case()],
    ("auth.login", "POST"): [Case(data={})],
    ("auth.logout", "POST"): [Case(data={})],
    ("auth.confirm", "GET"): [Case(secret("token", "none"), targets=("missing",), expect=bad_link_for_forged)],
    ("auth.confirm", "POST"): [Case(secret("token", "none"), targets=("missing",), expect=bad_link_for_forged)],
    ("auth.resend_confirmation", "POST"): [Case(data={})],
    # second factor: without a pending log-in in the session, step 2 sends back to the log-in page
    ("auth.mfa_verify", "GET"): [Case(expect=everyone(LOGIN))],
    ("auth.mfa_verify", "POST"): [Case(data={"code": "000000"}, expect=everyone(LOGIN))],
    ("auth.mfa_setup", "GET"): [Case()],
    ("auth.mfa_setup", "POST"): [Case(data={"code": "000000"})],
    ("auth.mfa_recovery_codes", "POST"): [Case(data={})],
    ("auth.mfa_disable", "POST"): [Case(data={})],
    ("auth.reauth", "GET"): [Case()],
    ("auth.reauth", "POST"): [Case(data={"password": "wrong"})],
    ("auth.reset_request", "GET"): [Case()],
    ("auth.reset_request", "POST"): [Case(data={})],
    ("auth.reset_password", "GET"): [Case(secret("token", "none"), targets=("missing",), expect=bad_link_for_forged)],
    ("auth.reset_password", "POST"): [Case(secret("token", "none"), targets=("missing",), expect=bad_link_for_forged)],
    ("auth.accept_invitation", "GET"): [Case(secret("token", "none"), targets=("missing",), expect=bad_link_for_forged)],
    ("auth.accept_invitation", "POST"): [Case(secret("token", "none"), targets=("missing",),
                                              expect=bad_link_for_forged)],
    ("account.index", "GET"): [Case()],
    ("account.change_password", "POST"): [Case(data={"new_password": "x"})],
    ("account.change_email", "POST"): [Case(data={"new_email": "x"})],
    ("account.confirm_email_change", "GET"): [Case(secret("token", "none"), targets=("missing",),
                                                   expect=bad_link_for_forged)],
    ("account.confirm_email_change", "POST"): [Case(secret("token", "none"), targets=("missing",),
                                                    expect=bad_link_for_forged)],
    ("account.export", "POST"): [Case(data={}, label="json")],
    ("account.delete", "GET"): [Case()],
    ("account.delete", "POST"): [Case(data={"password": "wrong"})],
    # administration: the admin reaches any account; a missing one is 404 for the admin too
    ("admin.index", "GET"): [Case()],
    ("admin.organizations", "GET"): [Case()],
    ("admin.organizations", "POST"): [Case(data={})],
    ("admin.users", "GET"): [Case()],
    ("admin.new_user", "GET"): [Case()],
    ("admin.new_user", "POST"): [Case(data={})],
    ("admin.disable_user", "POST"): [Case(ids(user_id="user_owner"), data={}, reach={"A": {"admin"}, "B": {"admin"}})],
    ("admin.enable_user", "POST"): [Case(ids(user_id="user_owner"), data={}, reach={"A": {"admin"}, "B": {"admin"}})],
    # A role change asks the admin to confirm the password first (even for a missing account).
    ("admin.change_role", "POST"): [Case(ids(user_id="user_owner"), data={}, expect=admin_after_reauth)],
    # firms
    ("firms.new", "GET"): [Case()],
    ("firms.new", "POST"): [Case(data={})],
    ("firms.show", "GET"): [Case(FIRM)],
    ("firms.start", "POST"): [Case(FIRM, data={})],
    ("firms.revoke", "POST"): [Case(ids(firm_id=("firm_a", "firm_b", "firm_a"),
                                        member_id=("advisor_member_a", "advisor_member_b", "advisor_member_b")),
                                    targets=("A", "B", "mixed", "missing"), data={}, reach=OWNERS_ONLY)],
    ("firms.decide", "POST"): [Case(ids(firm_id=("firm_a", "firm_b", "firm_a"),
                                        request_id=("access_a", "access_b", "access_b")),
                                    targets=("A", "B", "mixed", "missing"), data={"decision": "decline"},
                                    reach=OWNERS_ONLY)],
    ("firms.join", "GET"): [Case(secret("token", "owner_invitation_a"), targets=("A", "missing"),
                                 expect=not_found_for_forged)],
    ("firms.join", "POST"): [Case(secret("token", "owner_invitation_a"), targets=("A", "missing"), data={},
                                  expect=owner_join)],
    # assessments: the draft for the answering pages, the submitted one for results and plans
    ("assessments.index", "GET"): [Case()],
    ("assessments.resume", "GET"): [Case(DRAFT)],
    ("assessments.page", "GET"): [Case(lambda w, t: DRAFT(w, t) | {"page": "T1"})],
    ("assessments.save_page", "POST"): [Case(lambda w, t: DRAFT(w, t) | {"page": "T1"},
                                             data={"base_version": "0", "idempotency_key": "k" * 16, "nav": "next"})],
    ("assessments.autosave", "POST"): [Case(DRAFT, json={"base_version": 0, "answers": {}}, label="json")],
    ("assessments.review", "GET"): [Case(DRAFT)],
    ("assessments.submit", "POST"): [Case(DRAFT, data={})],
    ("assessments.results", "GET"): [Case(SUBMITTED, label="html", query={"lang": "es"}),
                                     Case(SUBMITTED, label="html", query={"lang": "en"})],
    ("assessments.compare", "GET"): [Case(ids(a=("submitted_a", "submitted_b", "submitted_a"),
                                              b=("submitted_a", "submitted_b", "submitted_b")),
                                          targets=("A", "B", "mixed", "missing"))],
    ("reports.plan_pdf", "GET"): [Case(SUBMITTED, label="pdf", query={"lang": "es"}),
                                  Case(SUBMITTED, label="pdf", query={"lang": "en"})],
    # advisors
    # plan editing and sign-off (advisors of the firm), action status (any member of the firm)
    ("planning.edit", "GET"): [Case(SUBMITTED)],
    ("planning.targets", "POST"): [Case(SUBMITTED, data={})],
    ("planning.action", "POST"): [Case(PLAN_ACTION, data={"do": "down", "version": "0"})],
    ("planning.add_library", "POST"): [Case(SUBMITTED, data={})],
    ("planning.add_custom", "POST"): [Case(SUBMITTED, data={})],
    ("planning.add_programme", "POST"): [Case(SUBMITTED, data={})],
    ("planning.programme", "POST"): [Case(lambda w, t: SUBMITTED(w, t) | {"programme_id": w.secrets["plan_programme_a"]},
                                          data={"do": "remove", "version": "0"})],
    ("planning.summary", "POST"): [Case(SUBMITTED, data={})],
    ("planning.sign", "POST"): [Case(SUBMITTED, data={})],
    ("planning.status", "POST"): [Case(PLAN_ACTION, data={})],
    ("advisors.dashboard", "GET"): [Case()],
    ("advisors.new_firm", "GET"): [Case()],
    ("advisors.new_firm", "POST"): [Case(data={})],
    # An advisor may ask the owner of any registered firm for access, but only by its RUC (the
    # form carries it): with the RUC, firm B is reachable for advisor_a; without it, nothing is.
    ("advisors.request_firm_access", "POST"): [
        Case(lambda w, t: {"existing_id": w.id(f"firm_{t.lower()}") if t != "missing" else MISSING},
             data_for=lambda w, t: {"ruc": RUC.get(t.lower(), RUC["a"])}, label="with its RUC",
             reach={"A": {"advisor_a", "advisor_b"}, "B": {"advisor_a", "advisor_b"}}),
        Case(ids(existing_id="firm"), data={}, label="without its RUC", reach={"A": set(), "B": set()})],
    ("advisors.invite", "POST"): [Case(FIRM, data={"email": ""})],
    ("advisors.start_guided", "POST"): [Case(FIRM, data={})],
    ("advisors.field_sheet", "GET"): [Case(lambda w, t: FIRM(w, t) | {"fmt": "csv"}, label="csv"),
                                      Case(lambda w, t: FIRM(w, t) | {"fmt": "xlsx"}, label="xlsx")],
    ("advisors.import_sheet", "GET"): [Case(FIRM)],
    ("advisors.import_sheet", "POST"): [Case(FIRM, data={})],
    # public API (no cookie, changes nothing)
    ("api.index", "GET"): [Case()],
    ("api.openapi", "GET"): [Case(label="json")],
    ("api.list_questionnaires", "GET"): [Case(label="json")],
    ("api.get_questionnaire", "GET"): [Case(lambda w, t: {"questionnaire_id": "textiles" if t == "A" else "nope"},
                                            targets=("A", "missing"), expect=not_found_for_forged, label="json")],
    ("api.score_answers", "POST"): [Case(json={}, label="json")],
    ("api.plan_answers", "POST"): [Case(json={}, label="json")],
    # agencies
    ("cohorts.index", "GET"): [Case()],
    ("cohorts.new", "GET"): [Case()],
    ("cohorts.new", "POST"): [Case(data={})],
    ("cohorts.show", "GET"): [Case(COHORT)],
    ("cohorts.impact", "GET"): [Case(COHORT)],
    ("cohorts.members", "GET"): [Case(COHORT)],
    ("cohorts.import_invitations", "POST"): [Case(COHORT, data={})],
    ("cohorts.export", "POST"): [Case(COHORT, data={"format": "csv"}, label="csv"),
                                 Case(COHORT, data={"format": "xlsx"}, label="xlsx")],
    ("cohorts.report", "GET"): [Case(COHORT, label="pdf")],
    ("cohorts.typologies", "GET"): [Case(COHORT)],
    ("cohorts.edit", "GET"): [Case(COHORT)],
    ("cohorts.edit", "POST"): [Case(COHORT, data={})],
    ("cohorts.fit_typologies", "POST"): [Case(COHORT, data={})],


    ("cohorts.tokens", "GET"): [Case()],
    ("cohorts.issue", "POST"): [Case(data={})],
    ("cohorts.revoke", "POST"): [Case(ids(token_id="token"), data={})],
    ("cohorts.join_code", "GET"): [Case()],
    ("cohorts.join", "GET"): [Case(secret("code", "join_code_b"), targets=("A", "missing"))],
    ("cohorts.join_post", "POST"): [Case(secret("code", "join_code_b"), targets=("A", "missing"), data={})],
    ("cohorts.memberships", "GET"): [Case()],
    ("cohorts.withdraw_membership", "POST"): [Case(ids(member_id="member"), data={})],
    ("cohorts.accept_invitation", "POST"): [Case(ids(invitation_id="invitation"), data={})],
    ("cohorts.decline", "POST"): [Case(ids(invitation_id="invitation"), data={})],
    ("cohorts.advisor_invite", "GET"): [Case()],
    ("cohorts.advisor_invite", "POST"): [Case(data={})],
    # Agency API: bearer tokens of organisation A (analyst_x) and B (analyst_y)
    ("agency_api.cohorts", "GET"): [Case(expect=bearer, label="json")],
    ("agency_api.summary", "GET"): [Case(COHORT, expect=bearer, label="json")],
    ("agency_api.benchmarks", "GET"): [Case(COHORT, expect=bearer, label="json")],
    ("agency_api.impact", "GET"): [Case(COHORT, expect=bearer, label="json")],
}

# The codes that join a cohort: a forged code is 404 for owners; other roles stop at 403 first.
for _key in (("cohorts.join", "GET"), ("cohorts.join_post", "POST")):
    CASES[_key] = [Case(c.args, targets=c.targets, data=c.data,
                        reach={"A": {"owner_a", "owner_b"}}) for c in CASES[_key]]


@pytest.fixture
def security_app(make_app, monkeypatch):
    return make_security_app(make_app, monkeypatch)


@pytest.fixture
def world(security_app):
    yield from world_in(security_app)


def route_methods(app) -> list[tuple[UrlRule, str]]:
    return [(rule, method) for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))
            for method in sorted((rule.methods or set()) - IGNORED_METHODS)]


def missing_cases(app) -> list[str]:
    return [f"{method} {rule.rule} (endpoint {rule.endpoint!r}, policy: "
            f"{POLICY[rule.endpoint].describe() if rule.endpoint in POLICY else 'NO ROW'})"
            for rule, method in route_methods(app) if (rule.endpoint, method) not in CASES]


def expected(endpoint: str, case: Case, persona: str, target: str) -> object:
    rule = POLICY[endpoint]
    if case.expect is not None:
        return case.expect(persona, target)
    if rule.anonymous and rule.obj is None and case.reach is None:
        return OK
    if persona == "anonymous" and not rule.anonymous:
        return LOGIN
    if rule.roles and ROLE[persona] not in rule.roles:
        return FORBIDDEN
    reach = case.reach if case.reach is not None else REACH.get(rule.obj) if rule.obj else None
    if reach is None:
        return OK
    if target == "missing":
        return NOT_FOUND
    return OK if persona in reach.get(target, set()) else NOT_FOUND


def classify(response) -> object:
    if response.status_code == 302 and "/auth/login" in response.headers.get("Location", ""):
        return LOGIN
    if response.status_code in (UNAUTHORIZED, FORBIDDEN, NOT_FOUND):
        return response.status_code
    if response.status_code == BAD_LINK:
        return BAD_LINK  # refused input: an answer of the view, so "ok" for authorization
    return OK


def matches(want: object, got: object) -> bool:
    return got == want or (want == OK and got == BAD_LINK)


def normalised(response, path: str) -> str:
    """The body with what legitimately differs per request blanked: tokens, the request id (an
    error page's reference) and the URL."""
    body = response.get_data(as_text=True)
    request_id = response.headers.get("X-Request-ID", "")
    if response.is_json:
        data = response.get_json()
        if isinstance(data, dict) and data.get("request_id") == request_id:
            data["request_id"] = "<ID>"
        return json.dumps(data, sort_keys=True)
    if request_id:
        body = body.replace(request_id[:8], "<REF>")
    body = re.sub(r'name="csrf_token"([^>]*)value="[^"]*"', r'name="csrf_token"\1value=""', body)
    body = re.sub(r'nonce="[^"]*"', 'nonce=""', body)
    return body.replace(path, "<URL>")


def _call(client, world: World, persona: str, rule: UrlRule, method: str, case: Case, target: str):
    csrf_token = prepare_session(client, world.users[persona].id if persona != "anonymous" else None)
    args = case.args(world, target) if case.args is not None else {}
    url = rule.build(args, append_unknown=False)[1]
    headers = {}
    side = {"analyst_x": "a", "analyst_y": "b"}.get(persona)
    if side and rule.endpoint.startswith("agency_api."):
        headers["Authorization"] = f"Bearer {world.secrets['bearer_' + side]}"
    kwargs: dict[str, Any] = {"query_string": case.query or {}, "headers": headers}
    if method != "GET":
        if case.json is not None:
            headers |= {"X-CSRFToken": csrf_token, "Idempotency-Key": uuid.uuid4().hex}
            kwargs["json"] = case.json
        else:
            extra = case.data_for(world, target) if case.data_for is not None else {}
            kwargs["data"] = {**(case.data or {}), **extra, "csrf_token": csrf_token}
    response = client.open(url, method=method, **kwargs)
    response.get_data()  # buffered, so the file of a static or download response can be closed now
    response.close()
    return url, response


def test_every_route_and_method_has_a_case(app):
    missing = missing_cases(app)
    assert not missing, ("routes without a case in tests/functional/test_authz_matrix.py CASES (add one: how to "
                         "build its URL for tenant A, tenant B and a missing object):\n  " + "\n  ".join(missing))


def test_no_case_is_left_without_its_route(app):
    present = {(rule.endpoint, method) for rule, method in route_methods(app)}
    stale = sorted(set(CASES) - present)
    assert not stale, f"cases for routes that no longer exist: {stale}"


def test_every_object_rule_has_a_reach_table(app):
    used = {rule.obj for rule in POLICY.values() if rule.obj}
    assert used <= set(OBJECT_RULES), f"object rules named in POLICY but never registered: {used - set(OBJECT_RULES)}"
    assert used <= set(REACH), f"object rules without a REACH table in this file: {sorted(used - set(REACH))}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_authorization_matrix(security_app, world, persona):
    """Every route, method, case and target as `persona`: the expected answer, nothing written when
    refused, and another tenant's object indistinguishable from a missing one."""
    missing = missing_cases(security_app)
    assert not missing, "routes without a case in CASES:\n  " + "\n  ".join(missing)
    writes = WriteLog()
    engine = db.engine
    event.listen(engine, "before_cursor_execute", writes)
    failures: list[str] = []
    calls = 0
    try:
        client = security_app.test_client()
        # Reads first, then writes: a permitted write (a revoked token, a withdrawal) must not
        # change what a later read of this persona expects.
        ordered = sorted(route_methods(security_app), key=lambda rm: rm[1] != "GET")
        for rule, method in ordered:
            for case in CASES[(rule.endpoint, method)]:
                answers = {}
                for target in case.targets_or_none():
                    want = expected(rule.endpoint, case, persona, target)
                    writes.take()
                    url, response = _call(client, world, persona, rule, method, case, target)
                    calls += 1
                    written = writes.take()
                    got = classify(response)
                    where = f"{method} {url} {case.label} [{rule.endpoint}, target {target}]"
                    answers[target] = (url, response)
                    if response.status_code >= 500:
                        failures.append(f"{where}: server error {response.status_code}")
                    elif not matches(want, got):
                        failures.append(f"{where}: expected {want}, got {got} ({response.status_code})")
                    elif want in DENIALS and written:
                        failures.append(f"{where}: refused ({want}) but wrote {written}")
                failures += _compare_with_missing(rule, method, case, persona, answers)
    finally:
        event.remove(engine, "before_cursor_execute", writes)
    assert calls > 100
    assert not failures, f"{len(failures)} of {calls} calls as {persona} went wrong:\n  " + "\n  ".join(failures)


def _compare_with_missing(rule, method, case, persona, answers) -> list[str]:
    """A refused object of another tenant must look exactly like a missing object."""
    if "missing" not in answers:
        return []
    missing_url, missing = answers["missing"]
    problems = []
    for target, (url, response) in answers.items():
        if target == "missing" or response.status_code != NOT_FOUND:
            continue
        where = f"{method} {url} {case.label} [{rule.endpoint}] as {persona}"
        if (response.status_code, response.content_type) != (missing.status_code, missing.content_type):
            problems.append(f"{where}: {response.status_code} {response.content_type} but a missing object answers "
                            f"{missing.status_code} {missing.content_type}")
        elif normalised(response, url) != normalised(missing, missing_url):
            problems.append(f"{where}: the body differs from a missing object's")
    return problems


# --- Mass assignment: extra fields never reach the model ------------------------------------------

def snapshot() -> dict[str, dict[tuple, dict]]:
    """Every row of every table, by primary key."""
    db.session.expire_all()
    out = {}
    for table in db.metadata.sorted_tables:
        keys = [c.name for c in table.primary_key.columns]
        out[table.name] = {tuple(row[k] for k in keys): dict(row)
                           for row in db.session.execute(select(table)).mappings()}
    return out


@dataclass
class Diff:
    inserted: dict[str, list[dict]]
    updated: dict[str, dict[tuple, dict[str, tuple]]]
    deleted: dict[str, list[dict]]

    def tables(self) -> set[str]:
        return set(self.inserted) | set(self.updated) | set(self.deleted)


def diff(before, after) -> Diff:
    result = Diff({}, {}, {})
    for name, rows in after.items():
        old = before.get(name, {})
        if added := [rows[k] for k in rows.keys() - old.keys()]:
            result.inserted[name] = added
        if gone := [old[k] for k in old.keys() - rows.keys()]:
            result.deleted[name] = gone
        changed = {k: {c: (old[k][c], rows[k][c]) for c in rows[k] if rows[k][c] != old[k][c]}
                   for k in rows.keys() & old.keys() if rows[k] != old[k]}
        if changed:
            result.updated[name] = changed
    return result


def extras(world: World) -> dict[str, str]:
    """Fields no form offers, aimed at another tenant and at privileges."""
    return {"role": "admin", "is_admin": "y", "organization_id": str(world.id("org_b")),
            "firm_id": str(world.id("firm_b")), "owner_id": str(world.id("user_owner_b")),
            "user_id": str(world.id("user_owner_b")), "created_by_id": str(world.id("user_owner_b")),
            "id": str(world.id("firm_b")), "score": "100", "overall_score": "100", "status": "submitted",
            "version": "99", "active": "n", "session_token": "fixed", "advisors_see_all_firms": "y",
            "state": "accepted", "cohort_id": str(world.id("cohort_b")), "confirmed_at": "2020-01-01"}


PROFILE = {"name": "Taller Nuevo", "sector": "textiles", "department": "15", "employees": "3",
           "annual_sales_band": "le150uit", "years_operating": "2", "has_ruc": "no", "tax_regime": "none",
           "association": "none"}


def _as(app, world: World, persona: str | None):
    client = app.test_client()
    csrf_token = prepare_session(client, world.users[persona].id if persona else None)
    return client, csrf_token


def _post(app, world, persona, url, data=None, json_body=None):
    client, token = _as(app, world, persona)
    if json_body is not None:
        return client.post(url, json=json_body, headers={"X-CSRFToken": token, "Idempotency-Key": uuid.uuid4().hex})
    return client.post(url, data={**(data or {}), "csrf_token": token})


def _first_item(world: World) -> str:
    from maturity.content import questionnaires

    return questionnaires()["textiles"].dimension_items["T1"][0].id


MASS_ASSIGNMENT = {
    # name: (persona, url, body builder, allowed tables, check of the new/changed rows)
    "sign-up": (None, lambda w: "/auth/register",
                lambda w: {"email": "nueva@example.pe", "password": "a quiet evening by the river",
                           "language": "es", "consent": "y"} | extras(w),
                {"user"}, lambda d, w: [(u["role"], u["organization_id"], u["active"], u["session_token"] != "fixed")
                                        for u in d.inserted["user"]] == [("owner", None, True, True)]),
    "firm profile (owner)": ("owner_a", lambda w: "/firms/new", lambda w: PROFILE | extras(w),
                             {"firm", "firm_member", "assessment", "answer"},
                             lambda d, w: d.inserted["firm"][0]["organization_id"] is None
                             and d.inserted["firm"][0]["id"] != w.id("firm_b")
                             and [(m["user_id"], m["role"]) for m in d.inserted["firm_member"]]
                             == [(w.id("user_owner_a"), "owner")]
                             and [(a["status"], a["overall_score"]) for a in d.inserted["assessment"]]
                             == [("draft", None)]),
    "client firm (advisor)": ("advisor_a", lambda w: "/advisor/firms/new",
                              lambda w: PROFILE | {"owner_email": ""} | extras(w),
                              {"firm", "firm_member", "owner_invitation"},
                              lambda d, w: d.inserted["firm"][0]["organization_id"] == w.id("org_a")
                              and [(m["user_id"], m["role"]) for m in d.inserted["firm_member"]]
                              == [(w.id("user_advisor_a"), "advisor")]),
    "autosave (JSON)": ("owner_a", lambda w: f"/assessments/{w.id('draft_a')}/answers",
                        lambda w: {"json": {"base_version": 0, "answers": {_first_item(w): {"option": "dk"}},
                                            **{k: v for k, v in extras(w).items()}}},
                        {"answer", "save_receipt", "assessment"},
                        lambda d, w: all(set(cols) <= {"version", "updated_at", "last_page"}
                                         for cols in d.updated.get("assessment", {}).values())),
    "autosave answer fields": ("owner_a", lambda w: f"/assessments/{w.id('draft_a')}/answers",
                               lambda w: {"json": {"base_version": 0, "answers": {_first_item(w): {
                                   "option": "dk", "level": 5, "updated_by_id": w.id("user_owner_b"),
                                   "needs_confirmation": False}}}},
                               set(), lambda d, w: True),
    "page without JavaScript": ("owner_a", lambda w: f"/assessments/{w.id('draft_a')}/d/T1",
                                lambda w: {"base_version": "0", "idempotency_key": "k" * 16, "nav": "next",
                                           _first_item(w): "dk"} | extras(w),
                                {"answer", "save_receipt", "assessment"},
                                lambda d, w: all(set(cols) <= {"version", "updated_at", "last_page"}
                                                 for cols in d.updated.get("assessment", {}).values())),
    "cohort": ("analyst_x", lambda w: "/agency/cohorts/new",
               lambda w: {"name": "Cohorte nueva", "period_start": "2026-01-01", "period_end": "2026-12-31",
                          "join_code": "FIXED123"} | extras(w),
               {"cohort"}, lambda d, w: [(c["organization_id"], c["created_by_id"], c["join_code"] != "FIXED123")
                                         for c in d.inserted["cohort"]] == [(w.id("org_a"), w.id("user_analyst_x"), True)]),
    "API token": ("analyst_x", lambda w: "/agency/tokens", lambda w: {"name": "script"} | extras(w),
                  {"api_token"}, lambda d, w: [(t["organization_id"], t["user_id"]) for t in d.inserted["api_token"]]
                  == [(w.id("org_a"), w.id("user_analyst_x"))]),
    "join a cohort with another's firm": ("owner_a", lambda w: f"/agency/join/{w.secrets['join_code_b']}",
                                          lambda w: {"consent": "y", "firm": str(w.id("firm_b"))}, set(),
                                          lambda d, w: True),
    "advisor suggests a firm it does not advise": ("advisor_a", lambda w: "/agency/invite",
                                                   lambda w: {"cohort": str(w.id("cohort_a")),
                                                              "firm": str(w.id("firm_b"))}, set(), lambda d, w: True),
    "e-mail change": ("owner_a", lambda w: "/account/email",
                      lambda w: {"new_email": "otra@example.pe", "password": "wrong"} | extras(w), set(),
                      lambda d, w: True),
    "password change": ("owner_a", lambda w: "/account/password",
                        lambda w: {"current_password": "wrong", "new_password": "another quiet evening"} | extras(w),
                        set(), lambda d, w: True),
    "language": ("owner_a", lambda w: "/language", lambda w: {"lang": "en"} | extras(w), {"user"},
                 lambda d, w: all(set(cols) == {"language"} for cols in d.updated["user"].values())),
}


@pytest.mark.parametrize("name", sorted(MASS_ASSIGNMENT))
def test_extra_fields_change_nothing_they_name(security_app, world, name):
    persona, url, body, allowed, check = MASS_ASSIGNMENT[name]
    before = snapshot()
    payload = body(world)
    response = (_post(security_app, world, persona, url(world), json_body=payload["json"]) if "json" in payload
                else _post(security_app, world, persona, url(world), data=payload))
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    changes = diff(before, snapshot())
    assert changes.tables() <= allowed, f"{name}: wrote {changes.tables() - allowed}: {changes}"
    assert not changes.deleted, changes.deleted
    assert check(changes, world), f"{name}: {changes}"
    if not allowed:
        assert response.status_code >= 400 or response.status_code == 302, response.status_code
