"""Follow-up: action status, re-assessment from the previous answers, baseline → follow-up progress with
the actions done (page and PDF), the signed PDF, a PDF that never goes stale, and the cohort figure."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from cohort_support import IN_PERIOD, add_result, enrol, make_cohort, make_firm
from plan_edit_support import action_ids, as_user, client_firm, csrf, editor, guided_submitted, post
from sqlalchemy import func, select
from test_reports import download, pdf_text

from maturity.assessments.models import Assessment
from maturity.cohorts.impact import actions_completed
from maturity.extensions import db
from maturity.planning.dates import today as lima_today
from maturity.planning.models import ActionStatus
from maturity.reports.document import build_document


@pytest.fixture
def org(create_organization):
    return create_organization(name="CITE Textil Camélidos Arequipa", kind="cite")


@pytest.fixture
def advisor(create_user, org):
    return create_user(email="asesora@cite.pe", role="advisor", organization_id=org.id)


@pytest.fixture
def owner(create_user):
    return create_user(email="duena@taller.pe")


@pytest.fixture
def firm(app, advisor, owner):
    return client_firm(app, advisor, owner)


@pytest.fixture
def advisor_client(app, advisor):
    return as_user(app, advisor)


@pytest.fixture
def owner_client(app, owner):
    return as_user(app, owner)


@pytest.fixture
def assessment(advisor_client, firm):
    return guided_submitted(advisor_client, firm)


def set_status(client, assessment_id: int, action_id: str, status: str, on: str, version: int = 0):
    return client.post(f"/assessments/{assessment_id}/plan/actions/{action_id}/status?lang=en",
                       data={"csrf_token": csrf(client, "/account"), "version": version, "status": status, "on": on})


def status_of(assessment_id: int, action_id: str) -> ActionStatus | None:
    db.session.expire_all()
    return db.session.scalar(select(ActionStatus).where(ActionStatus.assessment_id == assessment_id,
                                                        ActionStatus.action_id == action_id))


def test_the_owner_records_status_with_a_date_and_bad_or_stale_input_changes_nothing(app, assessment, owner_client):
    results = owner_client.get(f"/assessments/{assessment.id}/results?lang=en").get_data(as_text=True)
    action_id = action_ids(results)[0]
    assert 'data-status="not_started"' in results and "Not started" in results
    assert set_status(owner_client, assessment.id, action_id, "in_progress", "2026-01-10").status_code == 302
    row = status_of(assessment.id, action_id)
    assert (row.status, row.status_on, row.version) == ("in_progress", date(2026, 1, 10), 1)

    future = (lima_today() + timedelta(days=3)).isoformat()
    for status, on, code, message in [("done", future, 422, "cannot be later than today"),
                                      ("finished", "2026-01-11", 422, "Not a valid choice"),
                                      ("done", "2026-01-11", 409, "Someone updated this action")]:   # version 0: stale
        response = set_status(owner_client, assessment.id, action_id, status, on)
        assert response.status_code == code and message in response.get_data(as_text=True), status
        assert status_of(assessment.id, action_id).status == "in_progress"
    assert set_status(owner_client, assessment.id, action_id, "done", "2026-02-01", version=1).status_code == 302
    page = owner_client.get(f"/assessments/{assessment.id}/results?lang=en").get_data(as_text=True)
    assert 'data-status="done"' in page and "Progress: 1 of" in page
    assert set_status(owner_client, assessment.id, "not-in-this-plan", "done", "2026-02-01").status_code == 404


def test_the_signed_pdf_names_the_advisor_and_shows_the_edited_plan(app, assessment, advisor_client):
    html = editor(advisor_client, assessment.id)[2]
    removed = action_ids(html)[1]
    post(advisor_client, assessment.id, f"actions/{removed}", do="remove")
    post(advisor_client, assessment.id, "actions/custom", language="es", title_es="Abrir una cuenta de ahorro del negocio",
         horizon="0-3")
    post(advisor_client, assessment.id, "summary", summary="Primero ordenar la caja, luego vender por internet.")
    post(advisor_client, assessment.id, "sign", name="Ana Quispe", organization="CITE Textil Camélidos",
         on="2026-01-05")
    text = pdf_text(download(advisor_client, f"/assessments/{assessment.id}/plan.pdf?lang=en").data)
    assert "Signed by Ana Quispe, CITE Textil Camélidos, January 5, 2026." in text
    assert "Primero ordenar la caja, luego vender por internet." in text
    assert "Abrir una cuenta de ahorro del negocio (only in Spanish)" in text
    assert _title(advisor_client, assessment.id, removed) not in text       # removed from the plan


def _title(client, assessment_id: int, action_id: str) -> str:
    html = client.get(f"/assessments/{assessment_id}/plan/edit?lang=en").get_data(as_text=True)
    return html.split(f'data-removed="{action_id}">')[1].split("<")[0].strip()


def test_the_pdf_key_changes_with_every_edit_sign_off_and_status(app, app_ctx, assessment, advisor_client):
    def key():
        db.session.expire_all()
        with app.test_request_context():
            return build_document(db.session.get(Assessment, assessment.id), "en").key

    keys = [key()]
    action_id = action_ids(editor(advisor_client, assessment.id)[2])[0]
    post(advisor_client, assessment.id, "summary", summary="Resumen")
    keys.append(key())
    post(advisor_client, assessment.id, "sign", name="Ana", organization="CITE", on="2026-01-05")
    keys.append(key())
    set_status(advisor_client, assessment.id, action_id, "done", "2026-01-06")
    keys.append(key())
    assert len({k.plan_version for k in keys}) == len(keys) and len({k.content_hash for k in keys}) == len(keys)


def test_a_stored_pdf_is_not_served_after_the_plan_changes(app, assessment, advisor_client):
    url = f"/assessments/{assessment.id}/plan.pdf?lang=en"
    assert "Signed by" not in pdf_text(download(advisor_client, url).data)
    post(advisor_client, assessment.id, "sign", name="Ana Quispe", organization="CITE", on="2026-01-05")
    assert advisor_client.get(url).status_code == 202            # a new file is prepared, the old one not sent
    assert "Signed by Ana Quispe" in pdf_text(download(advisor_client, url).data)


def test_a_self_assessment_says_so(app, assessment, owner_client):
    assessment.mode = "self"
    db.session.commit()
    page = owner_client.get(f"/assessments/{assessment.id}/results?lang=en").get_data(as_text=True)
    assert "Self-assessment: this plan was made from the owner's answers" in page


def test_follow_up_from_previous_answers_shows_progress_and_actions_done(app, firm, assessment, advisor_client, owner_client):
    actions = action_ids(editor(advisor_client, assessment.id)[2])
    done_id, later_id = actions[0], actions[1]
    assert set_status(owner_client, assessment.id, done_id, "done", lima_today().isoformat()).status_code == 302
    assert set_status(owner_client, assessment.id, later_id, "in_progress", lima_today().isoformat()).status_code == 302
    # Months later: the follow-up starts from the previous answers (each to confirm) and is submitted.
    follow = guided_submitted(advisor_client, firm, start="previous")
    assert follow.based_on_id == assessment.id
    assessment.submitted_at = datetime.now(UTC) - timedelta(days=120)
    db.session.commit()

    results = owner_client.get(f"/assessments/{follow.id}/results?lang=en").get_data(as_text=True)
    assert f"/assessments/{assessment.id}/compare/{follow.id}" in results
    page = owner_client.get(f"/assessments/{assessment.id}/compare/{follow.id}?lang=en").get_data(as_text=True)
    done_title = _plan_title(owner_client, assessment.id, done_id)
    dimension = done_id.split("-")[0].upper()
    cell = page.split(f'data-done="{dimension}">')[1].split("</td>")[0]
    assert done_title in cell and "(1 in all)" in page
    assert _plan_title(owner_client, assessment.id, later_id) not in page      # in progress is not done

    text = pdf_text(download(owner_client, f"/assessments/{follow.id}/plan.pdf?lang=en").data)
    assert "Progress since the previous assessment" in text and done_title in text
    baseline_pdf = pdf_text(download(owner_client, f"/assessments/{assessment.id}/plan.pdf?lang=en").data)
    assert "Progress since the previous assessment" not in baseline_pdf


def _plan_title(client, assessment_id: int, action_id: str) -> str:
    html = client.get(f"/assessments/{assessment_id}/results?lang=en").get_data(as_text=True)
    return html.split(f'data-action="{action_id}"')[1].split("<strong>")[1].split("</strong>")[0]


def test_the_cohort_counts_actions_done_and_withholds_small_groups(app_ctx, org):
    cohort = make_cohort(org)

    def firm_with_done(done: int):
        firm = make_firm()
        enrol(cohort, firm)
        base = add_result(firm, 30.0, when=IN_PERIOD - timedelta(days=90))
        add_result(firm, 40.0, when=IN_PERIOD)
        for n in range(done):
            db.session.add(ActionStatus(assessment_id=base.id, action_id=f"a{n}", status="done",
                                        status_on=date(2026, 4, 1)))
        # Done after the follow-up, or only in progress: not counted.
        db.session.add(ActionStatus(assessment_id=base.id, action_id="late", status="done", status_on=date(2026, 7, 1)))
        db.session.add(ActionStatus(assessment_id=base.id, action_id="doing", status="in_progress",
                                    status_on=date(2026, 4, 1)))
        db.session.commit()

    for done in (1, 2, 0, 3):
        firm_with_done(done)
    assert actions_completed(cohort) is None                     # 4 firms assessed twice: withheld
    firm_with_done(2)
    assert actions_completed(cohort) == 8
    assert db.session.scalar(select(func.count()).select_from(ActionStatus)) == 8 + 2 * 5
