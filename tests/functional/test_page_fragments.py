"""Pieces of pages kept once rendered never show one person's page to another, nor an old state.

The questionnaire page keeps each question's markup per item, language, chosen options and
"confirm" mark; the header keeps its links per role and language; the results page keeps the
unchanging part of a submitted assessment per assessment, firm name, baseline and language. These
tests change each of those and check that the page follows.
"""
from __future__ import annotations

import re
from types import SimpleNamespace

from maturity.assessments import fragments
from maturity.assessments.operations import save_answers, start_assessment, submit_assessment
from maturity.content import questionnaires
from maturity.extensions import db
from tests.functional.test_assessment_flow import full_answers, login


def _checked(html: str, item_id: str) -> list[str]:
    return re.findall(rf'name="{re.escape(item_id)}" value="([^"]+)" checked', html)


def _draft(create_firm, owner, sector: str = "textiles"):
    firm = create_firm(owner=owner, sector=sector)
    return start_assessment(firm, owner, questionnaires()[sector])


def _submitted(create_firm, owner, name: str, pick: int):
    firm = create_firm(name=name, owner=owner, sector="textiles")
    q = questionnaires()["textiles"]
    assessment = start_assessment(firm, owner, q)
    answers = full_answers(q, {"textiles.profile.activity": ["garments"]})
    for item in q.items:  # `pick` moves every single-choice answer to another option
        own = [o.id for o in item.options if not o.reserved]
        if not item.multiple and item.scored:
            answers[item.id] = own[pick % len(own)]
    outcome = save_answers(assessment, owner, q, f"key-{name}-{pick}-x", 0, {k: {"option": v} for k, v in answers.items()})
    assert not outcome.problems
    assert submit_assessment(assessment, owner, q).submitted_now
    return assessment


def test_each_owner_sees_their_own_answers_and_progress_on_the_same_question(app, client, create_user, create_firm):
    ana, beto = create_user(email="ana@example.pe"), create_user(email="beto@example.pe")
    a, b = _draft(create_firm, ana), _draft(create_firm, beto)
    item = questionnaires()["textiles"].dimension_items["T3"][0]
    own = [o.id for o in item.options if not o.reserved]
    q = questionnaires()["textiles"]
    save_answers(a, ana, q, "key-ana-0001", 0, {item.id: {"option": own[:1] if item.multiple else own[0]}})
    save_answers(b, beto, q, "key-beto-001", 0, {item.id: {"option": own[1:2] if item.multiple else own[1]}})
    db.session.commit()
    ana_client, beto_client = app.test_client(), app.test_client()
    login(ana_client, ana)
    login(beto_client, beto)
    for _ in range(2):  # the second time round, every piece comes from what the first round kept
        ana_page = ana_client.get(f"/assessments/{a.id}/d/T3").get_data(as_text=True)
        beto_page = beto_client.get(f"/assessments/{b.id}/d/T3").get_data(as_text=True)
        assert _checked(ana_page, item.id) == [own[0]] and _checked(beto_page, item.id) == [own[1]]
        # The progress list links to each owner's own assessment and counts their answers.
        assert f"/assessments/{a.id}/d/T1" in ana_page and f"/assessments/{b.id}/" not in ana_page
        assert f"/assessments/{b.id}/d/T1" in beto_page and f"/assessments/{a.id}/" not in beto_page
        step = re.search(r'class="todo current">\s*<a href="[^"]+/d/T3" aria-current="step">\s*'
                         r'<span class="visually-hidden">[^<]*: (\d+) de (\d+) respondidas', ana_page)
        assert step and step.group(1) == "1" and int(step.group(2)) > 1
    # Ana changes her answer: her page follows, Beto's does not move.
    save_answers(a, ana, q, "key-ana-0002", a.version, {item.id: {"option": own[1:2] if item.multiple else own[1]}})
    db.session.commit()
    assert _checked(ana_client.get(f"/assessments/{a.id}/d/T3").get_data(as_text=True), item.id) == [own[1]]
    assert _checked(beto_client.get(f"/assessments/{b.id}/d/T3").get_data(as_text=True), item.id) == [own[1]]


def test_personal_parts_of_a_question_are_never_kept(app):
    """Interview notes, errors and conflicts belong to one person: rendered fresh every time."""
    option = SimpleNamespace(id="a", reserved=False, label={"es": "Sí", "en": "Yes"})
    item = SimpleNamespace(id="T1.q9", multiple=False, scored=True, options=[option], help=None, guidance=None,
                           text={"es": "¿Pregunta?", "en": "Question?"})

    def answer(note, confirm=False):
        return SimpleNamespace(option="a", note=note, evidence=None, needs_confirmation=confirm)

    with app.test_request_context("/"):
        first = str(fragments.item_fieldset(item, "es", answer("apunte de Ana"), guided=True))
        second = str(fragments.item_fieldset(item, "es", answer("apunte de Beto"), guided=True))
        assert "apunte de Ana" in first and "apunte de Beto" in second and "apunte de Ana" not in second
        failed = str(fragments.item_fieldset(item, "es", answer(None), guided=False, error="Elija una opción"))
        plain = str(fragments.item_fieldset(item, "es", answer(None), guided=False))
        assert "Elija una opción" in failed and "Elija una opción" not in plain and "field-error" not in plain
        conflict = {"item": item.id, "current": {"option": "a"}, "updated_by": "maria"}
        clash = str(fragments.item_fieldset(item, "es", answer(None), guided=False, conflicts=[conflict]))
        assert "maria" in clash and "maria" not in str(fragments.item_fieldset(item, "es", answer(None), guided=False))
        # "From your last assessment: confirm" shows only on answers that await confirmation.
        to_confirm = str(fragments.item_fieldset(item, "es", answer(None, confirm=True), guided=False))
        assert "notice-info" in to_confirm and "notice-info" not in plain
        # Another language is another piece.
        assert "Question?" in str(fragments.item_fieldset(item, "en", answer(None), guided=False))


def test_header_links_follow_the_role_and_the_language(app, create_user, create_organization):
    owner = create_user(email="duena@example.pe")
    advisor = create_user(email="asesor@example.pe", role="advisor", organization_id=create_organization().id)
    db.session.commit()
    owner_client, advisor_client = app.test_client(), app.test_client()
    login(owner_client, owner)
    login(advisor_client, advisor)
    for _ in range(2):
        owner_page = owner_client.get("/account?lang=es").get_data(as_text=True)
        advisor_page = advisor_client.get("/account?lang=es").get_data(as_text=True)
        assert "Mis diagnósticos" in owner_page and "Mis empresas cliente" not in owner_page
        assert "Mis empresas cliente" in advisor_page and "Mis diagnósticos" not in advisor_page
    assert "My assessments" in owner_client.get("/account?lang=en").get_data(as_text=True)


def test_results_page_follows_the_firm_name_and_never_mixes_assessments(app, create_user, create_firm):
    owner = create_user(email="dueno@example.pe")
    first = _submitted(create_firm, owner, "Taller Uno", 0)
    second = _submitted(create_firm, owner, "Taller Dos", 2)
    db.session.commit()
    client = app.test_client()
    login(client, owner)

    def score(html: str) -> str:
        return re.search(r'<span class="score">([^<]+)</span>', html).group(1)

    for _ in range(2):
        one = client.get(f"/assessments/{first.id}/results").get_data(as_text=True)
        two = client.get(f"/assessments/{second.id}/results").get_data(as_text=True)
        assert "Taller Uno" in one and "Taller Dos" in two and "Taller Dos" not in one
        assert score(one) != score(two)
    first.firm.name = "Confecciones Uno"
    db.session.commit()
    renamed = client.get(f"/assessments/{first.id}/results").get_data(as_text=True)
    assert "Confecciones Uno" in renamed and "Taller Uno" not in renamed
    english = client.get(f"/assessments/{first.id}/results?lang=en").get_data(as_text=True)
    assert "Your twelve topics" in english and "Sus doce temas" not in english


def _status_forms(html: str) -> list[tuple[str, str, str]]:
    """(action URL, CSRF token, max date) of each action's status form."""
    return re.findall(r'<form method="post" action="([^"]+/status)" class="status-form">\s*'
                      r'<input type="hidden" name="csrf_token" value="([^"]+)">.*?max="([^"]+)"', html, re.S)


def test_a_kept_plan_carries_each_visitors_token_and_todays_date(app, create_user, create_firm, monkeypatch):
    from datetime import timedelta

    from maturity.planning import dates

    owner = create_user(email="duena.plan@example.pe")
    assessment = _submitted(create_firm, owner, "Taller Plan", 0)
    db.session.commit()
    first, second = app.test_client(), app.test_client()  # two devices of the same owner: two sessions
    login(first, owner)
    login(second, owner)
    url = f"/assessments/{assessment.id}/results"
    forms_one = _status_forms(first.get(url).get_data(as_text=True))
    forms_two = _status_forms(second.get(url).get_data(as_text=True))
    assert forms_one and len(forms_one) == len(forms_two)
    assert forms_one[0][1] != forms_two[0][1]  # each session's own token, though the plan was kept
    # The next day the date fields may go one day further, without any change to the plan.
    today = dates.today()
    tomorrow = today + timedelta(days=1)
    monkeypatch.setattr(dates, "today", lambda: tomorrow)
    assert {f[2] for f in _status_forms(first.get(url).get_data(as_text=True))} == {tomorrow.isoformat()}
    action_url, token, _max = forms_two[0]
    saved = second.post(action_url, data={"csrf_token": token, "version": "0", "status": "in_progress",
                                          "on": today.isoformat()})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:500]
    assert 'data-status="in_progress"' in first.get(url).get_data(as_text=True)


def test_kept_tables_hold_the_most_recent_entries_and_belong_to_their_app(make_app):
    from maturity.templating import KeptTable, kept_table

    table = KeptTable(2)
    for key in ("a", "b", "a", "c"):  # "a" used again before "c" arrives: "b" is the one dropped
        table.get(key, lambda k=key: k.upper())
    assert len(table) == 2
    assert table.get("a", lambda: "new") == "A" and table.get("b", lambda: "new") == "new"
    first, second = make_app(), make_app()
    with first.app_context():
        mine = kept_table("plans", 5)
        assert kept_table("plans", 5) is mine
    with second.app_context():
        assert kept_table("plans", 5) is not mine  # another app (another database) starts empty
