"""Advisors: client firms, owner invitations, access requests, guided interviews, field work, reach."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from maturity.advisors.models import AccessRequest, OwnerInvitation
from maturity.assessments.models import Answer, Assessment
from maturity.content import questionnaires
from maturity.extensions import db
from maturity.firms.models import Firm, FirmMember
from maturity.timeutil import utcnow
from tests.functional.test_assessment_flow import PROFILE_FORM, autosave, csrf, full_answers, login


@pytest.fixture
def org(create_organization):
    return create_organization(name="CITE Textil Camélidos Arequipa", kind="cite")


@pytest.fixture
def advisor(create_user, org):
    return create_user(email="asesora@cite.pe", role="advisor", organization_id=org.id)


def as_user(app, user):
    client = app.test_client()
    login(client, user)
    return client


def register_client(client, **overrides) -> tuple[Firm, str]:
    token = csrf(client, "/advisor/firms/new")
    response = client.post("/advisor/firms/new", data={**PROFILE_FORM, **overrides, "csrf_token": token})
    assert response.status_code == 200, response.get_data(as_text=True)[:1500]
    link = re.search(r'value="(http[^"]+/firms/join/[^"]+)"', response.get_data(as_text=True)).group(1)
    return db.session.scalars(select(Firm).order_by(Firm.id.desc())).first(), link


def test_an_advisor_registers_a_client_firm_and_invites_its_owner(app, advisor, create_user):
    client = as_user(app, advisor)
    firm, link = register_client(client, owner_email="duena@taller.pe")
    assert firm.organization_id == advisor.organization_id
    assert db.session.scalar(select(FirmMember.role).where(FirmMember.firm_id == firm.id)) == "advisor"
    assert app.extensions["mail_outbox"][-1]["To"] == "duena@taller.pe"
    assert link in app.extensions["mail_outbox"][-1].get_content()

    owner = create_user(email="duena@taller.pe")
    owner_client = as_user(app, owner)
    path = link.split("localhost", 1)[1]
    page = owner_client.get(path)
    assert page.status_code == 200 and firm.name in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(FirmMember).where(FirmMember.user_id == owner.id)) == 0
    token = csrf(owner_client, path)
    accepted = owner_client.post(path, data={"csrf_token": token})
    assert accepted.status_code == 302 and accepted.headers["Location"] == f"/firms/{firm.id}"
    assert db.session.scalar(select(FirmMember.role).where(FirmMember.user_id == owner.id)) == "owner"
    # Single use: the link is spent.
    again = as_user(app, create_user(email="otro@taller.pe"))
    assert again.get(path).status_code == 404
    assert again.post(path, data={"csrf_token": csrf(again, "/firms/new")}).status_code == 404


def test_an_expired_invitation_or_a_staff_account_cannot_take_the_firm(app, advisor, create_user):
    _firm, link = register_client(as_user(app, advisor))
    path = link.split("localhost", 1)[1]
    other_advisor = as_user(app, create_user(email="otra@cite.pe", role="advisor"))
    refused = other_advisor.post(path, data={"csrf_token": csrf(other_advisor, path)})
    assert refused.status_code == 403
    invitation = db.session.scalars(select(OwnerInvitation)).one()
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    owner = as_user(app, create_user(email="tarde@taller.pe"))
    assert owner.get(path).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(FirmMember).where(FirmMember.role == "owner")) == 0


def test_a_registered_ruc_is_offered_for_an_access_request_never_duplicated(app, advisor, create_user, create_firm):
    owner = create_user(email="dueno@bodega.pe")
    firm = create_firm(name="Bodega Rosa", ruc="20131312955", has_ruc=True, owner=owner)
    client = as_user(app, advisor)
    token = csrf(client, "/advisor/firms/new")
    response = client.post("/advisor/firms/new?lang=en", data={**PROFILE_FORM, "has_ruc": "yes", "ruc": "20131312955",
                                                               "csrf_token": token})
    assert response.status_code == 409 and "already registered" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Firm)) == 1
    # Walking ids finds nothing: without the firm's RUC (or with another one) the firm is "missing".
    for data in ({}, {"ruc": "20100070970"}, {"ruc": "not a ruc"}):
        assert client.post(f"/advisor/firms/{firm.id}/request-access", data={"csrf_token": token, **data}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(AccessRequest)) == 0
    client.post(f"/advisor/firms/{firm.id}/request-access", data={"csrf_token": token, "ruc": "20131312955"})
    client.post(f"/advisor/firms/{firm.id}/request-access", data={"csrf_token": token, "ruc": "20-131312955"})
    access = db.session.scalars(select(AccessRequest)).one()  # asked twice, recorded once
    assert client.get(f"/firms/{firm.id}").status_code == 404  # not before the owner says yes

    owner_client = as_user(app, owner)
    page = owner_client.get(f"/firms/{firm.id}?lang=en").get_data(as_text=True)
    assert "asks to work with your business" in page
    owner_client.post(f"/firms/{firm.id}/requests/{access.id}", data={"csrf_token": csrf(owner_client, f"/firms/{firm.id}"),
                                                                     "decision": "accept"})
    assert client.get(f"/firms/{firm.id}").status_code == 200

    member = db.session.scalar(select(FirmMember).where(FirmMember.user_id == advisor.id))
    owner_client.post(f"/firms/{firm.id}/members/{member.id}/revoke",
                      data={"csrf_token": csrf(owner_client, f"/firms/{firm.id}")})
    assert client.get(f"/firms/{firm.id}").status_code == 404  # the owner revoked the access


def test_advisor_routes_answer_by_persona(app, advisor, create_user, create_organization, create_firm):
    firm, _link = register_client(as_user(app, advisor))
    owner = create_user(email="duena@x.pe")
    db.session.add(FirmMember(firm_id=firm.id, user_id=owner.id, role="owner"))
    db.session.commit()
    other_org = create_organization(name="Consultora Sur", kind="consultancy")
    personas = {
        "owner": (as_user(app, owner), 403),
        "advisor of the firm": (as_user(app, advisor), 200),
        "advisor of another organisation": (as_user(app, create_user(email="x@sur.pe", role="advisor",
                                                                    organization_id=other_org.id)), 404),
        "analyst": (as_user(app, create_user(email="an@agencia.pe", role="analyst")), 403),
        "admin": (as_user(app, create_user(email="ad@m40.pe", role="admin")), 403),
        "anonymous": (app.test_client(), 302),
    }
    for name, (client, expected) in personas.items():
        got = client.get(f"/advisor/firms/{firm.id}/import").status_code
        assert got == expected, (name, got)
        sheet = client.get(f"/advisor/firms/{firm.id}/sheet.csv").status_code
        assert sheet == expected, (name, sheet)
    assert personas["owner"][0].get("/advisor/").status_code == 403
    assert personas["advisor of the firm"][0].get("/advisor/").status_code == 200


def test_an_organisation_may_let_its_advisors_see_all_its_firms(app, org, advisor, create_user, create_firm):
    colleague = create_user(email="colega@cite.pe", role="advisor", organization_id=org.id)
    firm, _link = register_client(as_user(app, advisor))
    client = as_user(app, colleague)
    assert client.get(f"/firms/{firm.id}").status_code == 404
    org.advisors_see_all_firms = True
    db.session.commit()
    assert client.get(f"/firms/{firm.id}").status_code == 200
    assert firm.name in client.get("/advisor/?q=taller").get_data(as_text=True)


def test_a_guided_interview_shows_guidance_and_keeps_notes_and_evidence(app, advisor):
    client = as_user(app, advisor)
    firm, _link = register_client(client, sector="general")
    token = csrf(client, f"/firms/{firm.id}")
    response = client.post(f"/advisor/firms/{firm.id}/assessments", data={"csrf_token": token, "start": "empty"})
    assessment = db.session.scalars(select(Assessment)).one()
    assert response.status_code == 302 and assessment.mode == "guided"
    item = questionnaires()["general"].dimension_items["T3"][0]
    html = client.get(f"/assessments/{assessment.id}/d/T3?lang=en").get_data(as_text=True)
    assert "For the advisor:" in html and f'name="note__{item.id}"' in html
    own = [o.id for o in item.options if not o.reserved]
    assert autosave(client, assessment.id, {item.id: {"option": own[1]}}, 0).status_code == 200
    # A note alone never clears the answer.
    assert autosave(client, assessment.id, {item.id: {"note": "Vimos la boleta", "evidence": "foto"}}, 1).status_code == 200
    answer = db.session.scalar(select(Answer).where(Answer.item_id == item.id))
    assert (answer.option, answer.note, answer.evidence) == (own[1], "Vimos la boleta", "foto")


def test_owner_and_advisor_editing_at_once_lose_nothing(app, advisor, create_user):
    client = as_user(app, advisor)
    firm, _link = register_client(client, sector="general")
    owner = create_user(email="duena@y.pe")
    db.session.add(FirmMember(firm_id=firm.id, user_id=owner.id, role="owner"))
    db.session.commit()
    client.post(f"/advisor/firms/{firm.id}/assessments", data={"csrf_token": csrf(client, f"/firms/{firm.id}")})
    assessment = db.session.scalars(select(Assessment)).one()
    owner_client = as_user(app, owner)
    a, b = questionnaires()["general"].dimension_items["T1"][:2]
    assert autosave(owner_client, assessment.id, {a.id: {"option": "dk"}}, 0).json["version"] == 1
    assert autosave(client, assessment.id, {b.id: {"option": "dk"}}, 0).json["version"] == 2  # merged
    clash = autosave(client, assessment.id, {a.id: {"option": next(o.id for o in a.options if not o.reserved)}}, 0)
    assert clash.status_code == 409 and clash.json["conflicts"][0]["item"] == a.id
    assert clash.json["conflicts"][0]["updated_by"]


def _sheet(firm: Firm, answers: dict, extra_rows=(), header=("firm", "item_id", "question", "options", "answer",
                                                             "note", "evidence")) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for item_id, answer in answers.items():
        value = ";".join(answer) if isinstance(answer, list) else answer
        writer.writerow([firm.ruc or firm.id, item_id, "", "", value, "nota", ""])
    for row in extra_rows:
        writer.writerow(row)
    return out.getvalue().encode()


def _upload(client, firm, data: bytes, name: str = "respuestas.csv"):
    token = csrf(client, f"/advisor/firms/{firm.id}/import")
    return client.post(f"/advisor/firms/{firm.id}/import?lang=en", data={"csrf_token": token,
                                                                        "sheet": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_a_filled_sheet_imports_every_answer(app, advisor):
    client = as_user(app, advisor)
    firm, _link = register_client(client, sector="general", has_ruc="yes", ruc="20131312955")
    answers = full_answers(questionnaires()["general"])
    response = _upload(client, firm, _sheet(firm, answers))
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assessment = db.session.scalars(select(Assessment)).one()
    stored = {a.item_id: a.option for a in assessment.answers}
    assert stored == answers and assessment.mode == "guided"


def _bomb() -> bytes:
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (30 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(("case", "message"), [
    ("wrong columns", "The columns must be"),
    ("unknown id", "has no question"),
    ("missing answer", "has no answer"),
    ("bad option", "has no option"),
    ("other firm", "is not this business"),
    ("not a spreadsheet", "not a CSV or XLSX"),
    ("zip bomb", "larger than"),
])
def test_bad_sheets_are_refused_with_row_column_and_reason_and_write_nothing(app, advisor, case, message):
    client = as_user(app, advisor)
    firm, _link = register_client(client, sector="general", has_ruc="yes", ruc="20131312955")
    q = questionnaires()["general"]
    answers = full_answers(q)
    data, name = _sheet(firm, answers), "respuestas.csv"
    if case == "wrong columns":
        data = _sheet(firm, answers, header=("empresa", "pregunta", "respuesta"))
    elif case == "unknown id":
        data = _sheet(firm, answers, extra_rows=[[firm.ruc, "common.t9.nope", "", "", "dk", "", ""]])
    elif case == "missing answer":
        answers.pop(q.items[3].id)
        data = _sheet(firm, answers)
    elif case == "bad option":
        answers[q.items[0].id] = "bogus"
        data = _sheet(firm, answers)
    elif case == "other firm":
        data = _sheet(firm, answers).replace(b"20131312955", b"20600000013", 1)
    elif case == "not a spreadsheet":
        data, name = b"\x89PNG\r\n\x1a\n\x00\x00binary", "foto.png"
    elif case == "zip bomb":
        data, name = _bomb(), "respuestas.xlsx"
    response = _upload(client, firm, data, name)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and message in body and "Nothing was imported" in body
    if case in ("unknown id", "bad option", "other firm"):
        assert re.search(r"Row \d+, column (item_id|answer|firm)", body)
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0


# Werkzeug spools an upload this large to a temporary file; refused early, it is left to the garbage
# collector, which closes it (collected below, so the warning stays in this test).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_file_over_the_request_limit_is_refused_before_parsing(app, advisor):
    import gc

    from werkzeug.test import EnvironBuilder

    client = as_user(app, advisor)
    firm, _link = register_client(client, sector="general")
    big = b"firm,item_id,answer\n" + b"x" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    token = csrf(client, f"/advisor/firms/{firm.id}/import")
    builder = EnvironBuilder(path=f"/advisor/firms/{firm.id}/import", method="POST",
                             data={"csrf_token": token, "sheet": (io.BytesIO(big), "big.csv")})
    try:
        response = client.open(builder)
    finally:
        builder.close()  # the test client spools a body this large to a temporary file
    assert response.status_code == 413
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
    del response
    gc.collect()


def test_the_blank_sheet_has_the_firm_on_every_row(app, advisor):
    client = as_user(app, advisor)
    firm, _link = register_client(client, sector="general", has_ruc="yes", ruc="20131312955")
    response = client.get(f"/advisor/firms/{firm.id}/sheet.csv?lang=es")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["firm", "item_id", "question", "options", "answer", "note", "evidence"]
    assert {r[0] for r in rows[1:]} == {"20131312955"}
    assert response.headers["Content-Disposition"].startswith("attachment")
