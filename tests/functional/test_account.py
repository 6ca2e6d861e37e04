"""The account page: password and e-mail changes with re-authentication, data export, deletion."""
import json
import re

from sqlalchemy import func, select

from maturity.auth.models import User
from maturity.extensions import db
from maturity.firms.models import Firm, FirmMember
from maturity.timeutil import utcnow

NEW_PASSWORD = "siete lunas sobre el lago"


def _csrf(client, path="/account") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _logged_in(app, auth, email="ana@example.pe", **fields):
    user = auth.account(email=email, **fields)
    client = app.test_client()
    auth.login(client, email)
    return user, client


def test_the_account_page_needs_a_log_in_and_writes_nothing(app, client, auth, count_flushes):
    assert client.get("/account").status_code == 302
    _, client = _logged_in(app, auth)
    count_flushes.update(flushes=0, writes=0)
    html = client.get("/account?lang=en").get_data(as_text=True)
    assert "ana@example.pe" in html and 'autocomplete="current-password"' in html
    assert "not confirmed yet" in html and "/auth/confirm/resend" in html
    assert count_flushes == {"flushes": 0, "writes": 0}


def test_changing_the_password_needs_the_current_one(app, auth):
    user, client = _logged_in(app, auth)
    response = client.post("/account/password?lang=en", data={"current_password": "not my password at all",
                                                              "new_password": NEW_PASSWORD, "csrf_token": _csrf(client)})
    assert response.status_code == 400 and "The password is not correct." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_changed_at is None


def test_the_new_password_follows_the_policy(app, auth):
    _, client = _logged_in(app, auth)
    data = {"current_password": auth.password, "new_password": "ana@example.pe 2026!", "csrf_token": _csrf(client)}
    response = client.post("/account/password?lang=en", data=data)
    assert response.status_code == 400 and "must not contain your e-mail address" in response.get_data(as_text=True)


def test_a_password_change_ends_every_other_session_and_keeps_this_one(app, auth):
    _, phone = _logged_in(app, auth)
    laptop = app.test_client()
    auth.login(laptop, "ana@example.pe", remember=True)
    remember = laptop.get_cookie("remember_token").value
    copied = app.test_client()
    copied.set_cookie("session", phone.get_cookie("session").value)
    response = phone.post("/account/password", data={"current_password": auth.password, "new_password": NEW_PASSWORD,
                                                     "csrf_token": _csrf(phone)})
    assert response.status_code == 302
    assert phone.get("/account").status_code == 200  # this device goes on
    assert laptop.get("/account").status_code == 302  # the other device is out
    assert copied.get("/account").status_code == 302  # and so is a copy of this device's old cookie
    reopened = app.test_client()
    reopened.set_cookie("remember_token", remember)
    assert reopened.get("/account").status_code == 302  # the remember cookie is dead too
    assert auth.outbox[-1]["To"] == "ana@example.pe"  # the owner is told


def test_changing_the_e_mail_address_needs_the_password_and_a_link_sent_to_the_new_one(app, auth, count_flushes):
    user, client = _logged_in(app, auth)
    wrong = client.post("/account/email?lang=en", data={"new_email": "ana.nueva@example.pe", "password": "not it, sorry",
                                                        "csrf_token": _csrf(client)})
    assert wrong.status_code == 400 and auth.outbox == []
    response = client.post("/account/email", data={"new_email": "Ana.Nueva@example.pe", "password": auth.password,
                                                   "csrf_token": _csrf(client)})
    assert response.status_code == 302
    [message] = auth.outbox
    assert message["To"] == "ana.nueva@example.pe"
    link = re.search(r"http://localhost(/account/email/\S+)", message.get_content()).group(1)
    count_flushes.update(flushes=0, writes=0)
    other = app.test_client()
    page = other.get(link)
    assert page.status_code == 200 and count_flushes == {"flushes": 0, "writes": 0}
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "ana@example.pe"
    assert other.post(link, data={"csrf_token": _csrf(other, link)}).status_code == 302
    db.session.expire_all()
    changed = db.session.get(User, user.id)
    assert changed.email == "ana.nueva@example.pe" and changed.is_confirmed
    assert auth.outbox[-1]["To"] == "ana@example.pe"  # the old address is told
    assert other.get(link).status_code == 400  # the link is spent


def test_changing_to_an_address_in_use_tells_that_address_instead(app, auth):
    auth.account(email="ocupada@example.pe")
    user, client = _logged_in(app, auth)
    response = client.post("/account/email", data={"new_email": "ocupada@example.pe", "password": auth.password,
                                                   "csrf_token": _csrf(client)})
    assert response.status_code == 302
    [message] = auth.outbox
    assert message["To"] == "ocupada@example.pe" and "/account/email/" not in message.get_content()
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "ana@example.pe"


def test_the_export_has_the_account_and_its_firms_and_no_secrets(app, auth, create_firm):
    user, client = _logged_in(app, auth, language="en", confirmed_at=utcnow())
    owned = create_firm(name="Textiles Ana SAC", owner=user, sector="textiles", employees=4)
    advised = create_firm(name="Otra empresa")
    db.session.add(FirmMember(firm_id=advised.id, user_id=user.id, role="advisor"))
    create_firm(name="Empresa ajena")
    db.session.commit()
    secrets = (user.password_hash, user.session_token)
    response = client.post("/account/export", data={"csrf_token": _csrf(client)})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    body = response.get_data(as_text=True)
    data = json.loads(body)
    assert data["account"]["email"] == "ana@example.pe" and data["account"]["language"] == "en"
    assert data["account"]["privacy_version"] is None and data["account"]["confirmed_at"]
    firms = {f["name"]: f for f in data["firms"]}
    assert set(firms) == {"Textiles Ana SAC", "Otra empresa"}
    assert firms["Textiles Ana SAC"]["membership"] == "owner"
    assert firms["Textiles Ana SAC"]["profile"]["sector"] == "textiles" and firms["Textiles Ana SAC"]["profile"]["employees"] == 4
    assert firms["Otra empresa"]["membership"] == "advisor" and owned.id == firms["Textiles Ana SAC"]["id"]
    for secret in secrets:
        assert secret not in body
    assert "password" not in json.dumps(data["account"]).replace("password_changed_at", "")
    assert "token" not in body and "argon2" not in body


def test_deleting_the_account_needs_the_password_and_takes_the_firms_it_alone_owns(app, auth, create_firm, create_user):
    user, client = _logged_in(app, auth)
    partner = create_user(email="socio@example.pe")
    create_firm(name="Solo mía", owner=user)
    shared = create_firm(name="Compartida", owner=user)
    db.session.add(FirmMember(firm_id=shared.id, user_id=partner.id, role="owner"))
    advised = create_firm(name="Asesorada", owner=partner)
    db.session.add(FirmMember(firm_id=advised.id, user_id=user.id, role="advisor"))
    db.session.commit()
    copied = app.test_client()
    copied.set_cookie("session", client.get_cookie("session").value)

    page = client.get("/account/delete").get_data(as_text=True)
    assert "Solo mía" in page and "Compartida" not in page and "Asesorada" not in page
    wrong = client.post("/account/delete", data={"password": "not my password", "csrf_token": _csrf(client, "/account/delete")})
    assert wrong.status_code == 400
    assert db.session.get(User, user.id) is not None

    user_id, partner_id = user.id, partner.id
    response = client.post("/account/delete", data={"password": auth.password, "csrf_token": _csrf(client, "/account/delete")})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    db.session.expire_all()
    assert db.session.get(User, user_id) is None
    assert set(db.session.scalars(select(Firm.name))) == {"Compartida", "Asesorada"}
    assert db.session.scalar(select(func.count()).select_from(FirmMember).where(FirmMember.user_id == user_id)) == 0
    assert db.session.get(User, partner_id) is not None
    assert client.get("/account").status_code == 302
    assert copied.get("/account").status_code == 302


def test_the_account_language_is_saved_from_the_account_page(app, auth):
    user, client = _logged_in(app, auth, language="es")
    html = client.get("/account").get_data(as_text=True)
    assert 'action="/language"' in html
    response = client.post("/language", data={"lang": "en", "next": "/account", "csrf_token": _csrf(client)})
    assert response.headers["Location"] == "/account"
    db.session.expire_all()
    assert db.session.get(User, user.id).language == "en"


def test_the_export_also_holds_assessments_answers_and_cohort_consents(app, auth, create_firm, create_organization):
    from datetime import date

    from maturity.assessments.models import Answer, Assessment
    from maturity.cohorts.models import Cohort, CohortMember

    user, client = _logged_in(app, auth)
    firm = create_firm(name="Taller Ana", owner=user)
    assessment = Assessment(firm_id=firm.id, questionnaire_id="general", questionnaire_version="common@1.0")
    assessment.answers.append(Answer(item_id="common.t1.devices", option="dk", level=0.0, note="lo averiguo"))
    agency = create_organization(name="Agencia Regional", kind="agency")
    cohort = Cohort(organization_id=agency.id, name="Cohorte Norte", period_start=date(2026, 1, 1),
                    period_end=date(2026, 12, 31), join_code="NORTE2026")
    db.session.add_all([assessment, cohort])
    db.session.flush()
    db.session.add(CohortMember(cohort_id=cohort.id, firm_id=firm.id, consent_version="1", consented_by_id=user.id))
    db.session.commit()
    data = json.loads(client.post("/account/export", data={"csrf_token": _csrf(client)}).get_data(as_text=True))
    [exported] = data["assessments"]
    assert exported["answers"]["common.t1.devices"] == {"option": "dk", "note": "lo averiguo", "evidence": None}
    [consent] = data["cohorts"]
    assert consent["cohort"] == "Cohorte Norte" and consent["organization"] == "Agencia Regional"
    assert consent["consent_at"] and consent["withdrawn_at"] is None
