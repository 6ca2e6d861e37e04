"""Plan editing and sign-off: who may (the policy matrix), what each edit does, bad and stale input."""
from __future__ import annotations

import pytest
from plan_edit_support import action_ids, as_user, client_firm, csrf, editor, guided_submitted, post
from sqlalchemy import func, select

from maturity.extensions import db
from maturity.planning.models import ActionStatus, PlanAction, PlanEdit, PlanProgramme


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
def assessment(advisor_client, firm):
    return guided_submitted(advisor_client, firm)


def rows(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def edit_row() -> PlanEdit | None:
    db.session.expire_all()
    return db.session.scalars(select(PlanEdit)).first()


# --- the policy matrix --------------------------------------------------------------------------

def routes(assessment_id: int, action_id: str, programme_id: str) -> list[tuple[str, str, dict, bool]]:
    """(method, path, form, advisors only) for every route of the feature."""
    base = f"/assessments/{assessment_id}/plan"
    return [
        ("GET", f"{base}/edit", {}, True),
        ("POST", f"{base}/targets", {}, True),
        ("POST", f"{base}/actions/{action_id}", {"do": "remove"}, True),
        ("POST", f"{base}/actions/library", {"action_id": "nothing"}, True),
        ("POST", f"{base}/actions/custom", {"language": "both", "title_es": "Caja", "title_en": "Cash",
                                            "horizon": "0-3"}, True),
        ("POST", f"{base}/programmes", {"programme_id": programme_id}, True),
        ("POST", f"{base}/programmes/{programme_id}", {"do": "note", "note": "x"}, True),
        ("POST", f"{base}/summary", {"summary": "Resumen"}, True),
        ("POST", f"{base}/sign", {"name": "Ana", "organization": "CITE", "on": "2026-01-02"}, True),
        ("POST", f"{base}/actions/{action_id}/status", {"status": "done", "on": "2026-01-02"}, False),
    ]


def test_every_route_answers_each_persona_and_outsiders_write_nothing(app, assessment, advisor_client, owner,
                                                                      create_user, create_organization):
    _token, _version, html = editor(advisor_client, assessment.id)
    action_id = action_ids(html)[0]
    other_org = create_organization(name="Consultora Sur", kind="consultancy")
    refused = {
        "advisor of another organisation": (as_user(app, create_user(email="x@sur.pe", role="advisor",
                                                                     organization_id=other_org.id)), 404, 404),
        "analyst": (as_user(app, create_user(email="an@agencia.pe", role="analyst")), 403, 404),
        "admin": (as_user(app, create_user(email="ad@m40.pe", role="admin")), 403, 404),
        "anonymous": (app.test_client(), 302, 302),
        "owner": (as_user(app, owner), 403, None),   # the owner records status: checked below
    }
    for name, (client, advisor_only, member_route) in refused.items():
        for method, path, data, only_advisors in routes(assessment.id, action_id, "ruta-digital"):
            expected = advisor_only if only_advisors else member_route
            if expected is None:
                continue
            token = csrf(client, "/auth/login" if name == "anonymous" else "/account")   # their own session's
            response = (client.get(path) if method == "GET" else
                        client.post(path, data=data | {"csrf_token": token, "version": 0}))
            assert response.status_code == expected, (name, path, response.status_code)
            if expected == 302:
                assert "/auth/login" in response.headers["Location"]
    assert rows(PlanEdit) == rows(ActionStatus) == 0       # nothing written by anyone refused

    # The same routes for an assessment id that does not exist: 404, exactly like another firm's.
    token = csrf(advisor_client, "/account")
    for method, path, data, _only in routes(99999, action_id, "ruta-digital"):
        response = (advisor_client.get(path) if method == "GET" else
                    advisor_client.post(path, data=data | {"csrf_token": token, "version": 0}))
        assert response.status_code == 404, path


def test_the_advisor_and_the_owner_reach_what_is_theirs(app, assessment, advisor_client, owner):
    _token, _version, html = editor(advisor_client, assessment.id)
    assert "Edit the plan" in html
    owner_client = as_user(app, owner)
    token = csrf(owner_client, "/account")
    action_id = action_ids(html)[0]
    done = owner_client.post(f"/assessments/{assessment.id}/plan/actions/{action_id}/status",
                             data={"csrf_token": token, "version": 0, "status": "in_progress", "on": "2026-01-02"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/results#action-{action_id}")
    page = owner_client.get(f"/assessments/{assessment.id}/results?lang=en").get_data(as_text=True)
    assert "Edit and sign the plan" not in page                  # owners see the plan, advisors edit it
    assert "Edit and sign the plan" in advisor_client.get(f"/assessments/{assessment.id}/results?lang=en").get_data(as_text=True)


def test_a_draft_has_no_plan_to_edit(app, advisor_client, firm):
    token = csrf(advisor_client, f"/firms/{firm.id}")
    advisor_client.post(f"/advisor/firms/{firm.id}/assessments", data={"csrf_token": token, "start": "empty"})
    from maturity.assessments.models import Assessment

    draft = db.session.scalars(select(Assessment)).one()
    assert advisor_client.get(f"/assessments/{draft.id}/plan/edit").status_code == 404


def test_an_organisation_wide_advisor_may_edit_once_the_organisation_allows_it(app, org, assessment, create_user):
    colleague = as_user(app, create_user(email="colega@cite.pe", role="advisor", organization_id=org.id))
    assert colleague.get(f"/assessments/{assessment.id}/plan/edit").status_code == 404
    org.advisors_see_all_firms = True
    db.session.commit()
    assert colleague.get(f"/assessments/{assessment.id}/plan/edit").status_code == 200


def test_opening_the_editor_writes_nothing(app, assessment, advisor_client, count_flushes):
    before = dict(count_flushes)
    assert advisor_client.get(f"/assessments/{assessment.id}/plan/edit").status_code == 200
    assert count_flushes["writes"] == before["writes"]


# --- what the edits do -----------------------------------------------------------------------------

def test_remove_restore_reorder_and_add_actions(app, assessment, advisor_client):
    _t, _v, html = editor(advisor_client, assessment.id)
    first, second, *_rest = action_ids(html)
    assert post(advisor_client, assessment.id, f"actions/{first}", do="remove").status_code == 302
    _t, version, html = editor(advisor_client, assessment.id)
    assert first not in action_ids(html) and f'data-removed="{first}"' in html and version == 1
    post(advisor_client, assessment.id, f"actions/{first}", do="restore")
    post(advisor_client, assessment.id, f"actions/{second}", do="up")
    _t, _v, html = editor(advisor_client, assessment.id)
    assert action_ids(html)[:2] == [second, first]

    library = __import__("re").search(r'<option value="([a-z0-9-]+)">', html.split('id="library-action"')[1]).group(1)
    assert post(advisor_client, assessment.id, "actions/library", action_id=library).status_code == 302
    assert post(advisor_client, assessment.id, "actions/custom", language="es", title_es="Llevar un cuaderno de caja",
                description_es="Anotar cada venta", horizon="3-12", dimension="M6").status_code == 302
    results = advisor_client.get(f"/assessments/{assessment.id}/results?lang=en").get_data(as_text=True)
    assert library in action_ids(results) and "custom_1" in action_ids(results)
    assert "Llevar un cuaderno de caja" in results and "only in Spanish" in results
    assert edit_row().version == 5


def test_targets_are_kept_shown_and_widen_the_actions_offered(app, assessment, advisor_client):
    levels = assessment.result_snapshot["levels"]
    dimension = next(d for d, v in levels.items() if v.get("level") is not None and v["level"] <= 2)
    level = levels[dimension]["level"]
    def offered() -> int:   # library actions offered for the dimension: its steps from today up to the target
        html = editor(advisor_client, assessment.id)[2]
        group = html.split(f'<optgroup label="{dimension} ')[1].split("</optgroup>")[0]
        return group.count("<option")

    before = offered()
    assert post(advisor_client, assessment.id, "targets", **{f"target__{dimension}": str(level + 3)}).status_code == 302
    assert {t.dimension: t.level for t in edit_row().targets} == {dimension: level + 3}
    assert offered() > before
    results = advisor_client.get(f"/assessments/{assessment.id}/results?lang=en").get_data(as_text=True)
    assert f'data-target="{dimension}"' in results and f"level {level} → {level + 3}" in results
    # A target at or below today's level is refused, with the reason; nothing changes.
    response = post(advisor_client, assessment.id, "targets", **{f"target__{dimension}": str(level)})
    assert response.status_code == 422 and "must be a level above today" in response.get_data(as_text=True)
    assert {t.dimension: t.level for t in edit_row().targets} == {dimension: level + 3}


def test_programmes_removed_and_added_with_notes(app, assessment, advisor_client):
    html = editor(advisor_client, assessment.id)[2]
    shown = __import__("re").findall(r'data-programme="([^"]+)"', html)
    offered = __import__("re").search(r'<option value="([a-z0-9-]+)">', html.split('id="add-programme"')[1]).group(1)
    post(advisor_client, assessment.id, f"programmes/{shown[0]}", do="remove", note="Ya participó en 2025")
    post(advisor_client, assessment.id, "programmes", programme_id=offered, note="Encaja con su plan de exportar")
    changes = {p.programme_id: (p.change, p.note) for p in edit_row().programmes}
    assert changes == {shown[0]: ("remove", "Ya participó en 2025"), offered: ("add", "Encaja con su plan de exportar")}
    results = advisor_client.get(f"/assessments/{assessment.id}/results?lang=en").get_data(as_text=True)
    assert f'data-programme="{shown[0]}"' not in results and "Encaja con su plan de exportar" in results
    too_long = post(advisor_client, assessment.id, f"programmes/{offered}", do="note", note="x" * 501)
    assert too_long.status_code == 422 and "longer than 500 characters" in too_long.get_data(as_text=True)


@pytest.mark.parametrize(("data", "message"), [
    ({"language": "both", "title_es": "Caja", "title_en": ""}, "Write the title in English."),
    ({"language": "both", "title_es": "", "title_en": "Cash"}, "Write the title in Spanish."),
    ({"language": "es", "title_es": "Caja", "title_en": "Cash"}, "leave the English texts empty"),
    ({"language": "both", "title_es": "x" * 201, "title_en": "Cash"}, "200"),
    ({"language": "both", "title_es": "Caja", "title_en": "Cash", "horizon": "5-years"}, "Not a valid choice"),
])
def test_a_bad_custom_action_is_explained_and_saves_nothing(app, assessment, advisor_client, data, message):
    response = post(advisor_client, assessment.id, "actions/custom", **({"horizon": "0-3"} | data))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and "Nothing was saved" in html
    assert rows(PlanAction) == 0 and rows(PlanEdit) == 0


def test_a_bad_custom_action_is_explained_in_spanish(app, assessment, advisor_client):
    token, version, _html = editor(advisor_client, assessment.id)
    response = advisor_client.post(f"/assessments/{assessment.id}/plan/actions/custom?lang=es",
                                   data={"csrf_token": token, "version": version, "language": "both",
                                         "title_es": "Caja", "horizon": "0-3"})
    assert response.status_code == 422 and 'lang="es' in response.get_data(as_text=True)
    assert rows(PlanAction) == 0


def test_a_stale_save_cannot_overwrite(app, assessment, advisor_client, org, create_user):
    org.advisors_see_all_firms = True
    db.session.commit()
    colleague = as_user(app, create_user(email="colega@cite.pe", role="advisor", organization_id=org.id))
    token, version, _html = editor(advisor_client, assessment.id)
    other_token, other_version, _other = editor(colleague, assessment.id)   # both opened version 0
    url = f"/assessments/{assessment.id}/plan/summary?lang=en"
    assert advisor_client.post(url, data={"csrf_token": token, "version": version, "summary": "Primero"}).status_code == 302
    late = colleague.post(url, data={"csrf_token": other_token, "version": other_version, "summary": "Segundo"})
    assert late.status_code == 409 and "Someone changed this plan" in late.get_data(as_text=True)
    assert edit_row().summary == "Primero" and edit_row().version == 1
    # Signing a plan that changed since the form was built is refused too: nobody signs unseen changes.
    signed = colleague.post(f"/assessments/{assessment.id}/plan/sign?lang=en",
                            data={"csrf_token": other_token, "version": 0, "name": "Luis", "organization": "CITE",
                                  "on": "2026-01-05"})
    assert signed.status_code == 409 and edit_row().signed_on is None


def test_signing_names_the_advisor_and_a_later_edit_clears_it(app, assessment, advisor_client):
    response = post(advisor_client, assessment.id, "sign", name="Ana Quispe", organization="CITE Textil Camélidos",
                    on="2026-01-05")
    assert response.status_code == 302 and response.headers["Location"].endswith("/results#plan")
    results = advisor_client.get(f"/assessments/{assessment.id}/results?lang=en").get_data(as_text=True)
    assert "Signed by Ana Quispe, CITE Textil Camélidos" in results
    post(advisor_client, assessment.id, "summary", summary="Cambio después de firmar")
    row = edit_row()
    assert row.signed_on is None and row.signed_name is None and row.summary == "Cambio después de firmar"
    assert "Signed by" not in advisor_client.get(f"/assessments/{assessment.id}/results?lang=en").get_data(as_text=True)


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "", "organization": "CITE", "on": "2026-01-05"}, "This field is required."),
    ({"name": "Ana", "organization": "CITE", "on": "2999-01-01"}, "cannot be later than today"),
    ({"name": "Ana", "organization": "CITE", "on": "ayer"}, "Not a valid date value."),
])
def test_a_bad_sign_off_is_explained_and_signs_nothing(app, assessment, advisor_client, data, message):
    response = post(advisor_client, assessment.id, "sign", **data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert rows(PlanEdit) == 0


def test_statuses_never_unsign_and_programme_rows_stay_typed(app, assessment, advisor_client):
    post(advisor_client, assessment.id, "sign", name="Ana", organization="CITE", on="2026-01-05")
    action_id = action_ids(editor(advisor_client, assessment.id)[2])[0]
    token = editor(advisor_client, assessment.id)[0]
    advisor_client.post(f"/assessments/{assessment.id}/plan/actions/{action_id}/status",
                        data={"csrf_token": token, "version": 0, "status": "done", "on": "2026-01-06"})
    assert edit_row().signed_on is not None and rows(ActionStatus) == 1 and rows(PlanProgramme) == 0
