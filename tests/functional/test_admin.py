"""Administration: only admins get in; organisations, staff invitations, disabling accounts."""
import re

import pytest
from sqlalchemy import select

from maturity.auth.models import User
from maturity.extensions import db
from maturity.organizations.models import Organization

ADMIN_PAGES = [("GET", "/admin/"), ("GET", "/admin/organizations"), ("POST", "/admin/organizations"),
               ("GET", "/admin/users"), ("GET", "/admin/users/new"), ("POST", "/admin/users/new"),
               ("POST", "/admin/users/{id}/disable"), ("POST", "/admin/users/{id}/enable")]


def _csrf(client, path="/account") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _logged_in(app, auth, role, **fields):
    user = auth.account(email=f"{role}{fields.pop('n', '')}@example.pe", role=role, **fields)
    client = app.test_client()
    assert auth.login(client, user.email).status_code == 302
    return user, client


@pytest.mark.parametrize("role", ["owner", "advisor", "analyst"])
def test_admin_pages_are_forbidden_to_everyone_else_and_write_nothing(app, auth, create_organization, count_flushes, role):
    org = create_organization(name="CITE Demo")
    victim = auth.account(email="victima@example.pe")
    _, client = _logged_in(app, auth, role, organization_id=org.id if role != "owner" else None)
    token = _csrf(client)
    count_flushes.update(flushes=0, writes=0)
    for method, path in ADMIN_PAGES:
        data = {"csrf_token": token, "name": "Nueva", "kind": "cite", "email": "x@example.pe", "role": "admin",
                "organization_id": "0", "language": "es"}
        response = client.open(path.format(id=victim.id), method=method, data=data if method == "POST" else None)
        assert response.status_code == 403, (method, path)
    assert count_flushes == {"flushes": 0, "writes": 0}
    db.session.expire_all()
    assert db.session.get(User, victim.id).active


def test_admin_pages_send_anonymous_visitors_to_log_in(client):
    response = client.get("/admin/users")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_an_admin_lists_and_creates_organisations(app, auth, create_organization):
    create_organization(name="Agencia Regional", kind="agency")
    _, client = _logged_in(app, auth, "admin")
    html = client.get("/admin/organizations?lang=en").get_data(as_text=True)
    assert "Agencia Regional" in html and "Public agency or regional government" in html
    token = _csrf(client, "/admin/organizations")
    response = client.post("/admin/organizations", data={"name": "CITE Textil Camélidos", "kind": "cite",
                                                         "advisors_see_all_firms": "y", "csrf_token": token})
    assert response.status_code == 302
    created = db.session.scalar(select(Organization).where(Organization.name == "CITE Textil Camélidos"))
    assert created.kind == "cite" and created.advisors_see_all_firms
    again = client.post("/admin/organizations?lang=en",
                        data={"name": "CITE Textil Camélidos", "kind": "cite", "csrf_token": token})
    assert again.status_code == 400 and "already exists" in again.get_data(as_text=True)
    bad_kind = client.post("/admin/organizations", data={"name": "Otra", "kind": "bank", "csrf_token": token})
    assert bad_kind.status_code == 400


def test_an_admin_invites_an_advisor_who_chooses_a_password(app, auth, create_organization):
    org = create_organization(name="CDE Lima Norte", kind="cde")
    _, client = _logged_in(app, auth, "admin")
    token = _csrf(client, "/admin/users/new")
    response = client.post("/admin/users/new", data={"email": "asesora@example.pe", "role": "advisor",
                                                     "organization_id": str(org.id), "language": "en", "csrf_token": token})
    assert response.status_code == 302
    advisor = db.session.scalar(select(User).where(User.email == "asesora@example.pe"))
    assert advisor.role == "advisor" and advisor.organization_id == org.id and advisor.password_hash is None
    [message] = auth.outbox
    assert message["To"] == "asesora@example.pe" and "CDE Lima Norte" in message.get_content()
    link = re.search(r"http://localhost(/auth/welcome/\S+)", message.get_content()).group(1)

    assert auth.login(app.test_client(), "asesora@example.pe", "anything at all, really").status_code == 400
    newcomer = app.test_client()
    assert newcomer.get(link).status_code == 200
    response = newcomer.post(link, data={"password": "mis cuatro palabras favoritas", "csrf_token": _csrf(newcomer, link)})
    assert response.status_code == 302
    assert newcomer.get("/account").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, advisor.id).is_confirmed
    assert app.test_client().get(link).status_code == 400  # the invitation is spent


def test_advisors_and_analysts_need_an_organisation_and_addresses_are_unique(app, auth):
    auth.account(email="ya@example.pe")
    _, client = _logged_in(app, auth, "admin")
    token = _csrf(client, "/admin/users/new")
    no_org = client.post("/admin/users/new?lang=en", data={"email": "a@example.pe", "role": "analyst", "organization_id": "0",
                                                           "language": "es", "csrf_token": token})
    assert no_org.status_code == 400 and "belong to an organisation" in no_org.get_data(as_text=True)
    taken = client.post("/admin/users/new?lang=en", data={"email": "ya@example.pe", "role": "admin", "organization_id": "0",
                                                          "language": "es", "csrf_token": token})
    assert taken.status_code == 400 and "already exists" in taken.get_data(as_text=True)
    assert auth.outbox == []


def test_disabling_an_account_ends_its_sessions_at_once_and_enabling_lets_it_back(app, auth, create_organization):
    org = create_organization()
    advisor, advisor_client = _logged_in(app, auth, "advisor", organization_id=org.id)
    copied = app.test_client()
    copied.set_cookie("session", advisor_client.get_cookie("session").value)
    admin, client = _logged_in(app, auth, "admin")
    token = _csrf(client, "/admin/users")
    assert client.post(f"/admin/users/{advisor.id}/disable", data={"csrf_token": token}).status_code == 302
    assert advisor_client.get("/account").status_code == 302
    assert copied.get("/account").status_code == 302
    assert auth.login(app.test_client(), advisor.email).status_code == 400
    assert client.post(f"/admin/users/{advisor.id}/enable", data={"csrf_token": token}).status_code == 302
    assert copied.get("/account").status_code == 302  # enabling again does not revive old cookies
    assert auth.login(app.test_client(), advisor.email).status_code == 302
    assert client.post(f"/admin/users/{admin.id}/disable", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, admin.id).active  # an admin cannot lock themselves out
    assert client.post("/admin/users/999999/disable", data={"csrf_token": token}).status_code == 404


def test_the_user_list_shows_roles_and_states(app, auth):
    auth.account(email="apagada@example.pe", active=False)
    _, client = _logged_in(app, auth, "admin")
    html = client.get("/admin/users?lang=en").get_data(as_text=True)
    assert "apagada@example.pe" in html and "disabled" in html and "Administrator" in html
