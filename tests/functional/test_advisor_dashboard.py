"""The advisor dashboard's follow-up columns: plan status, action progress, overdue follow-ups,
"overdue first", and a fixed number of queries whatever the number of firms."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from plan_edit_support import action_ids, as_user, client_firm, csrf, editor, guided_submitted, post
from sqlalchemy import event

from maturity.advisors.followup import FollowUp, is_overdue, plan_state, progress, sort_key
from maturity.assessments.operations import save_answers, start_assessment, submit_assessment
from maturity.content import questionnaires
from maturity.extensions import db
from maturity.firms.models import Firm, FirmMember
from maturity.planning import operations
from maturity.timeutil import utcnow
from tests.functional.test_assessment_flow import full_answers


@pytest.fixture
def org(create_organization):
    return create_organization(name="CITE Textil Camélidos Arequipa", kind="cite")


@pytest.fixture
def advisor(create_user, org):
    return create_user(email="asesora@cite.pe", role="advisor", organization_id=org.id)


@pytest.fixture
def owner(create_user):
    return create_user(email="duena@taller.pe")


def card(html: str, firm_id: int) -> str:
    match = re.search(rf'<li class="firm-card[^"]*" data-firm="{firm_id}">(.*?)</li>', html, re.S)
    assert match, f"no card for firm {firm_id}"
    return match.group(1)


def dashboard(client, query: str = "") -> str:
    response = client.get("/advisor/?lang=en" + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


# --- pure rules -----------------------------------------------------------------------------------

def test_the_rules_are_plain_and_documented():
    today = date(2026, 7, 1)
    assert plan_state(False, None) == "none"
    assert plan_state(True, None) == "edited"
    assert plan_state(True, date(2026, 1, 2)) == "signed"
    assert progress(["a", "b", "c"], {"a", "gone"}) == (1, 3)          # a status outside the plan is ignored
    assert is_overdue(today - timedelta(days=181), False, today, 180)
    assert not is_overdue(today - timedelta(days=180), False, today, 180)   # due today: not yet overdue
    assert not is_overdue(today - timedelta(days=400), True, today, 180)    # a newer one was started
    late = FollowUp(1, "none", None, None, 0, 3, date(2026, 1, 1), True)
    later = FollowUp(2, "none", None, None, 0, 3, date(2026, 3, 1), True)
    fine = FollowUp(3, "none", None, None, 0, 3, date(2027, 1, 1), False)
    names = {"Zeta": late, "Alfa": fine, "Beta": later, "Sin evaluación": None}
    assert sorted(names, key=lambda n: sort_key("overdue", n, names[n])) == ["Zeta", "Beta", "Alfa", "Sin evaluación"]
    assert sorted(names, key=lambda n: sort_key("name", n, names[n])) == ["Alfa", "Beta", "Sin evaluación", "Zeta"]


# --- through the routes -----------------------------------------------------------------------------

def test_plan_status_and_progress_follow_the_plan(app, advisor, owner):
    firm = client_firm(app, advisor, owner)
    advisor_client = as_user(app, advisor)
    assessment = guided_submitted(advisor_client, firm)
    _token, _version, html = editor(advisor_client, assessment.id)
    ids = action_ids(html)
    total = len(ids)
    assert total >= 2

    shown = card(dashboard(advisor_client), firm.id)
    assert "No plan edits yet" in shown and f"0 of {total} actions done" in shown
    assert "Follow-up overdue" not in shown

    assert post(advisor_client, assessment.id, "summary", summary="Empezar por la caja").status_code == 302
    assert "Edited, not signed" in card(dashboard(advisor_client), firm.id)

    owner_client = as_user(app, owner)
    token = csrf(owner_client, "/account")
    for action_id in ids[:2]:
        assert owner_client.post(f"/assessments/{assessment.id}/plan/actions/{action_id}/status",
                                 data={"csrf_token": token, "version": 0, "status": "done",
                                       "on": "2026-01-02"}).status_code == 302
    assert f"2 of {total} actions done" in card(dashboard(advisor_client), firm.id)

    # A custom action counts too; signing names the signer and the date.
    assert post(advisor_client, assessment.id, "actions/custom", language="both", title_es="Abrir cuenta",
                title_en="Open an account", horizon="0-3").status_code == 302
    assert post(advisor_client, assessment.id, "sign", name="Ana Quispe", organization="CITE",
                on="2026-02-03").status_code == 302
    shown = card(dashboard(advisor_client), firm.id)
    assert "Signed on" in shown and "by Ana Quispe" in shown and f"2 of {total + 1} actions done" in shown
    assert 'data-plan-state="signed"' in shown
    spanish = card(advisor_client.get("/advisor/?lang=es").get_data(as_text=True), firm.id)
    assert 'data-plan-state="signed"' in spanish and "Ana Quispe" in spanish


def test_an_old_assessment_is_overdue_until_a_new_one_is_started(app, advisor, owner, create_user):
    firm = client_firm(app, advisor, owner)
    advisor_client = as_user(app, advisor)
    assessment = guided_submitted(advisor_client, firm)
    other = client_firm(app, advisor, create_user(email="otro@taller.pe"))   # no assessment: never overdue
    other.name = "Abarrotes Alfa"   # first by name
    assessment.submitted_at = utcnow() - timedelta(days=app.config["FOLLOW_UP_DAYS"] + 2)
    db.session.commit()

    html = dashboard(advisor_client)
    assert "Follow-up overdue" in card(html, firm.id) and "Follow-up overdue" not in card(html, other.id)
    assert 'data-overdue-count="1"' in html
    assert html.index(f'data-firm="{other.id}"') < html.index(f'data-firm="{firm.id}"')   # by name
    first = dashboard(advisor_client, "&sort=overdue")
    assert first.index(f'data-firm="{firm.id}"') < first.index(f'data-firm="{other.id}"')   # overdue first
    assert dashboard(advisor_client, "&sort=nonsense")   # an unknown order is the default, never an error

    app.config["FOLLOW_UP_DAYS"] = 400
    assert "Follow-up overdue" not in card(dashboard(advisor_client), firm.id)
    app.config["FOLLOW_UP_DAYS"] = 180

    # A new interview started (a draft): the follow-up is under way.
    token = csrf(advisor_client, f"/firms/{firm.id}")
    advisor_client.post(f"/advisor/firms/{firm.id}/assessments", data={"csrf_token": token, "start": "empty"})
    shown = card(dashboard(advisor_client), firm.id)
    assert "Follow-up overdue" not in shown and "In progress — continue" in shown
    assert "No plan edits yet" in shown      # the plan of the last submitted assessment is still shown


def test_a_firm_of_another_organisation_is_not_listed(app, advisor, owner, create_user, create_organization):
    firm = client_firm(app, advisor, owner)
    guided_submitted(as_user(app, advisor), firm)
    outsider = create_user(email="x@sur.pe", role="advisor",
                           organization_id=create_organization(name="Consultora Sur").id)
    html = dashboard(as_user(app, outsider))
    assert f'data-firm="{firm.id}"' not in html and "You have no client firm yet." in html


# --- queries do not grow with the number of firms ------------------------------------------------------

def _submitted_firms(advisor, owner, count: int, start: int) -> list[Firm]:
    """Client firms with a submitted guided assessment, an edited and signed plan and a status each."""
    q = questionnaires()["general"]
    firms = []
    for n in range(start, start + count):
        firm = Firm(name=f"Taller {n:03d}", sector="general", department="04", organization_id=advisor.organization_id)
        db.session.add(firm)
        db.session.flush()
        db.session.add(FirmMember(firm_id=firm.id, user_id=advisor.id, role="advisor"))
        db.session.commit()
        assessment = start_assessment(firm, advisor, q, mode="guided")
        answers = {k: {"option": v} for k, v in full_answers(q).items()}
        save_answers(assessment, advisor, q, f"dash-{n:04d}", 0, answers)
        submit_assessment(assessment, advisor, q)
        db.session.commit()
        version = operations.set_summary(assessment, advisor, 0, f"Resumen {n}")
        version = operations.add_custom_action(assessment, advisor, version, horizon="0-3", dimension=None,
                                               title={"es": "Caja"}, description={})
        if n % 2:
            operations.sign_plan(assessment, advisor, version, "Ana", "CITE", date(2026, 1, 2))
        operations.set_action_status(assessment, owner, "custom_1", "done", date(2026, 1, 3), 0)
        if n % 3 == 0:   # a draft started after it
            start_assessment(firm, advisor, q, mode="guided")
        firms.append(firm)
    return firms


def test_the_dashboard_runs_the_same_number_of_queries_for_2_or_8_firms(app, advisor, owner):
    client = as_user(app, advisor)
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    def queries() -> tuple[int, str]:
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            html = dashboard(client)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len([s for s in statements if s.lstrip().upper().startswith("SELECT")]), html

    _submitted_firms(advisor, owner, 2, 0)
    few, html = queries()
    assert html.count('<li class="firm-card') == 2 and "1 of" in html and "Signed on" in html
    _submitted_firms(advisor, owner, 6, 2)
    many, html = queries()
    assert html.count('<li class="firm-card') == 8 and html.count('data-plan-state="signed"') == 4
    assert html.count("1 of ") == 8           # the custom action each firm marked done
    assert many == few, (few, many)
    assert many <= 15
