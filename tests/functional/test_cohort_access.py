"""Who may call every /agency route: owner, another owner, advisor, analyst of the organisation,
analyst of another organisation, admin of the organisation, anonymous. The table below is written
by hand (not derived from maturity/policy.py); a new /agency route without a row here fails."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cohort_support import add_result, enrol, login, make_cohort, make_firm
from sqlalchemy import func, select

from maturity.cohorts.models import ApiToken, CohortInvitation
from maturity.cohorts.tokens import token_hash
from maturity.extensions import db

PERSONAS = ("anonymous", "owner", "other_owner", "advisor", "analyst", "other_analyst", "admin")
OK, FORBIDDEN, NOT_FOUND, LOGIN = "ok", 403, 404, "login"

STAFF = {"anonymous": LOGIN, "owner": FORBIDDEN, "other_owner": FORBIDDEN, "advisor": FORBIDDEN,
         "analyst": OK, "other_analyst": OK, "admin": OK}
STAFF_OBJECT = STAFF | {"other_analyst": NOT_FOUND}
OWNER_PAGE = {"anonymous": LOGIN, "owner": OK, "other_owner": OK, "advisor": FORBIDDEN,
              "analyst": FORBIDDEN, "other_analyst": FORBIDDEN, "admin": FORBIDDEN}
OWNER_OBJECT = OWNER_PAGE | {"other_owner": NOT_FOUND}
TOKEN_OBJECT = STAFF | {"other_analyst": NOT_FOUND, "admin": NOT_FOUND}   # only its holder

# endpoint -> (method, expected per persona)
EXPECTED = {
    "cohorts.index": ("GET", STAFF),
    "cohorts.new": ("GET", STAFF),
    "cohorts.show": ("GET", STAFF_OBJECT),
    "cohorts.edit": ("POST", STAFF_OBJECT),
    "cohorts.impact": ("GET", STAFF_OBJECT),
    "cohorts.members": ("GET", STAFF_OBJECT),
    "cohorts.import_invitations": ("POST", STAFF_OBJECT),
    "cohorts.export": ("POST", STAFF_OBJECT),
    "cohorts.report": ("GET", STAFF_OBJECT),
    "cohorts.typologies": ("GET", STAFF_OBJECT),
    "cohorts.fit_typologies": ("POST", STAFF_OBJECT),
    "cohorts.tokens": ("GET", STAFF),
    "cohorts.issue": ("POST", STAFF),
    "cohorts.revoke": ("POST", TOKEN_OBJECT),
    "cohorts.join_code": ("GET", OWNER_PAGE),
    "cohorts.join": ("GET", OWNER_PAGE),
    "cohorts.join_post": ("POST", OWNER_PAGE),
    "cohorts.memberships": ("GET", OWNER_PAGE),
    "cohorts.withdraw_membership": ("POST", OWNER_OBJECT),
    "cohorts.accept_invitation": ("POST", OWNER_OBJECT),
    "cohorts.decline": ("POST", OWNER_OBJECT),
    "cohorts.advisor_invite": ("GET", {"anonymous": LOGIN, "owner": FORBIDDEN, "other_owner": FORBIDDEN,
                                       "advisor": OK, "analyst": FORBIDDEN, "other_analyst": FORBIDDEN,
                                       "admin": FORBIDDEN}),
}


@pytest.fixture
def world(app_ctx, create_user, create_organization):
    org, other_org = create_organization(kind="agency"), create_organization(kind="agency")
    now = datetime.now(UTC)
    users = {
        "owner": create_user(role="owner", confirmed_at=now),
        "other_owner": create_user(role="owner", confirmed_at=now),
        "advisor": create_user(role="advisor", organization_id=org.id),
        "analyst": create_user(role="analyst", organization_id=org.id),
        "other_analyst": create_user(role="analyst", organization_id=other_org.id),
        "admin": create_user(role="admin", organization_id=org.id),
    }
    cohort = make_cohort(org)
    firm = make_firm(owner=users["owner"], ruc="20131312955", has_ruc=True)
    member = enrol(cohort, firm)
    add_result(firm, 50.0)
    invitation = CohortInvitation(cohort_id=cohort.id, firm_id=firm.id, source="advisor")
    token = ApiToken(user_id=users["analyst"].id, organization_id=org.id, name="ci", token_hash=token_hash("x"),
                     prefix="mz4_x")
    db.session.add_all([invitation, token])
    db.session.commit()
    args = {"cohort_id": cohort.id, "member_id": member.id, "invitation_id": invitation.id, "token_id": token.id,
            "code": cohort.join_code}
    return users, args


def _classify(response) -> object:
    if response.status_code in (401, 403, 404):
        return response.status_code
    if response.status_code == 302 and "/auth/login" in response.headers.get("Location", ""):
        return LOGIN
    return OK


def test_every_agency_route_has_a_row_in_this_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/agency")}
    assert endpoints == set(EXPECTED)


@pytest.mark.parametrize("persona", PERSONAS)
def test_authorization_of_every_agency_route(app, world, persona, monkeypatch):
    from maturity import jobs

    monkeypatch.setattr(jobs, "submit", lambda *args, **kwargs: "job")   # no PDF is drawn here
    users, args = world
    client = app.test_client()
    if persona != "anonymous":
        login(client, users[persona])
        token = _csrf(client, "/account")
    else:
        token = _csrf(client, "/auth/login")
    failures = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in EXPECTED:
            continue
        method, expected = EXPECTED[rule.endpoint]
        url = rule.build({name: args[name] for name in rule.arguments}, append_unknown=False)[1]
        response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
        got = _classify(response)
        if got != expected[persona]:
            failures.append(f"{method} {url}: expected {expected[persona]}, got {got} ({response.status_code})")
    assert not failures, "\n".join(failures)


def test_denied_writes_write_nothing(app, world):
    users, args = world
    client = app.test_client()
    login(client, users["other_analyst"])
    token = _csrf(client, "/account")
    client.post(f"/agency/tokens/{args['token_id']}/revoke", data={"csrf_token": token})
    login(client, users["other_owner"])
    token = _csrf(client, "/account")
    client.post(f"/agency/memberships/{args['member_id']}/withdraw", data={"csrf_token": token})
    client.post(f"/agency/invitations/{args['invitation_id']}/decline", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.revoked_at.is_not(None))) == 0
    assert db.session.get(CohortInvitation, args["invitation_id"]).state == "pending"
    from maturity.cohorts.models import CohortMember

    assert db.session.get(CohortMember, args["member_id"]).withdrawn_at is None


def _csrf(client, path):
    import re

    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
