"""The owner's self-assessment through the test client: profile, pages, autosave, submit, results."""
from __future__ import annotations

import re
import threading
import uuid

import pytest
from sqlalchemy import func, select

from maturity.assessments.models import Answer, Assessment, DimensionScore, SaveReceipt
from maturity.content import questionnaires
from maturity.extensions import db
from maturity.firms.models import Firm, FirmMember

PROFILE_FORM = {"name": "Taller Ana", "sector": "textiles", "department": "15", "employees": "3",
                "annual_sales_band": "le150uit", "years_operating": "2", "has_ruc": "no", "tax_regime": "none",
                "association": "none"}


def login(client, user) -> None:
    with client.session_transaction() as sess:
        sess["_user_id"] = user.session_token
        sess["_fresh"] = True


def csrf(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


@pytest.fixture
def owner(create_user):
    return create_user(email="owner@example.pe")


@pytest.fixture
def owner_client(client, owner):
    login(client, owner)
    return client


def start(owner_client, **overrides) -> Assessment:
    token = csrf(owner_client, "/firms/new")
    response = owner_client.post("/firms/new", data={**PROFILE_FORM, **overrides, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.scalars(select(Assessment).order_by(Assessment.id.desc())).first()


def autosave(client, assessment_id: int, answers: dict, base: int, key: str | None = None, token: str | None = None):
    token = token or csrf(client, f"/assessments/{assessment_id}/review")
    return client.post(f"/assessments/{assessment_id}/answers", json={"base_version": base, "answers": answers},
                       headers={"Idempotency-Key": key or uuid.uuid4().hex, "X-CSRFToken": token})


def full_answers(questionnaire, profile_choice: dict | None = None) -> dict:
    """An answer for every item: the second own option (a checklist: its first practice)."""
    answers = dict(profile_choice or {})
    for item in questionnaire.items:
        own = [o.id for o in item.options if not o.reserved]
        if item.id in answers:
            continue
        answers[item.id] = own[:1] if item.multiple else own[min(1, len(own) - 1)]
    return answers


def test_profile_form_creates_the_firm_its_owner_and_a_draft(app, owner_client, owner):
    assessment = start(owner_client)
    firm = db.session.get(Firm, assessment.firm_id)
    assert firm.name == "Taller Ana" and firm.sector == "textiles" and firm.size == "micro"
    assert db.session.scalar(select(FirmMember.role).where(FirmMember.firm_id == firm.id)) == "owner"
    assert assessment.status == "draft" and assessment.questionnaire_version.startswith("textiles@")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("ruc", "20131312954", "check digit"),
    ("ruc", "2013", "11 digits"),
    ("employees", "-3", None),
    ("sector", "banking", None),
])
def test_bad_profile_input_is_explained_and_creates_nothing(owner_client, field, value, message):
    token = csrf(owner_client, "/firms/new?lang=en")
    data = {**PROFILE_FORM, "has_ruc": "yes", field: value, "csrf_token": token}
    response = owner_client.post("/firms/new?lang=en", data=data)
    assert response.status_code == 422
    if message:
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Firm)) == 0


def test_a_ruc_already_registered_is_not_duplicated(owner_client, create_firm):
    create_firm(ruc="20131312955", has_ruc=True)
    token = csrf(owner_client, "/firms/new")
    response = owner_client.post("/firms/new?lang=en", data={**PROFILE_FORM, "has_ruc": "yes", "ruc": "20131312955",
                                                              "csrf_token": token})
    assert response.status_code == 422 and "already registered" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Firm)) == 1


def test_pages_show_only_items_that_apply(app, owner_client):
    assessment = start(owner_client)
    q = questionnaires()["textiles"]
    conditional = [i for i in q.dimension_items["T5"] if i.condition is not None]
    assert conditional, "textiles should have conditional T5 items"

    def shown_on_t5() -> set[str]:
        html = owner_client.get(f"/assessments/{assessment.id}/d/T5").get_data(as_text=True)
        return {i.id for i in conditional if f'data-item="{i.id}"' in html}

    assert shown_on_t5() == set()  # the activity question is unanswered: its items stay hidden
    assert autosave(owner_client, assessment.id, {"textiles.profile.activity": {"option": ["garments"]}}, 0).status_code == 200
    garment_maker = shown_on_t5()
    assert garment_maker
    reseller = {"textiles.profile.activity": {"option": ["garment_trade"]}}
    assert autosave(owner_client, assessment.id, reseller, 1).status_code == 200
    assert shown_on_t5() < garment_maker  # a reseller is not asked about patterns and cutting


def test_autosave_replays_a_retry_and_never_applies_twice(app, owner_client):
    assessment = start(owner_client)
    item = questionnaires()["textiles"].dimension_items["T1"][0]
    key = uuid.uuid4().hex
    first = autosave(owner_client, assessment.id, {item.id: {"option": "dk"}}, 0, key=key)
    again = autosave(owner_client, assessment.id, {item.id: {"option": "dk"}}, 0, key=key)
    assert first.json == {"version": 1, "replay": False}
    assert again.json == {"version": 1, "replay": True}
    db.session.expire_all()
    assert db.session.get(Assessment, assessment.id).version == 1
    assert db.session.scalar(select(func.count()).select_from(SaveReceipt)) == 1


def test_stale_save_on_a_changed_item_gets_409_with_the_current_answer(app, owner_client):
    assessment = start(owner_client)
    a, b = questionnaires()["textiles"].dimension_items["T1"][:2]
    own_a = [o.id for o in a.options if not o.reserved]
    assert autosave(owner_client, assessment.id, {a.id: {"option": own_a[0]}}, 0).json["version"] == 1
    # A second device still on version 0 changes the same item: refused, nothing applied.
    stale = autosave(owner_client, assessment.id, {a.id: {"option": own_a[1]}, b.id: {"option": "dk"}}, 0)
    assert stale.status_code == 409
    conflict = stale.json["conflicts"][0]
    assert conflict["item"] == a.id and conflict["current"]["option"] == own_a[0] and conflict["version"] == 1
    db.session.expire_all()
    assert db.session.scalar(select(Answer.option).where(Answer.item_id == a.id)) == own_a[0]
    assert db.session.scalar(select(Answer.id).where(Answer.item_id == b.id)) is None
    # A stale save touching a different item merges.
    merged = autosave(owner_client, assessment.id, {b.id: {"option": "dk"}}, 0)
    assert merged.status_code == 200 and merged.json["version"] == 2


def test_autosave_refuses_bad_input_and_writes_nothing(app, owner_client):
    assessment = start(owner_client)
    item = questionnaires()["textiles"].dimension_items["T1"][0]
    token = csrf(owner_client, f"/assessments/{assessment.id}/review")
    url = f"/assessments/{assessment.id}/answers"
    key = {"Idempotency-Key": uuid.uuid4().hex}
    cases = [
        ({"base_version": 0, "answers": {item.id: {"option": "bogus"}}}, key, 400),
        ({"base_version": 0, "answers": {"no.such.item": {"option": "dk"}}}, key, 400),
        ({"base_version": "x", "answers": {item.id: {"option": "dk"}}}, key, 400),
        ({"base_version": 0, "answers": {item.id: {"option": "dk"}}}, {}, 400),  # no Idempotency-Key
        ({"base_version": 0, "answers": {item.id: {"option": "dk", "note": "x" * 5000}}}, key, 400),
        ({"base_version": 0, "answers": {item.id: {"option": "dk", "role": "admin"}}}, key, 400),  # mass assignment
        ({"base_version": 0, "answers": {item.id: {"option": "dk", "note": "nota\x00oculta"}}}, key, 400),
        ({"base_version": 0, "answers": {item.id: {"option": "dk", "evidence": "\x1b[2Jfactura"}}}, key, 400),
    ]
    for body, headers, status in cases:
        response = owner_client.post(url + "?lang=en", json=body, headers={**headers, "X-CSRFToken": token})
        assert response.status_code == status, body
        assert response.json["errors"][0]["message"]
    no_csrf = owner_client.post(url, json={"base_version": 0, "answers": {item.id: {"option": "dk"}}},
                                headers={"Idempotency-Key": uuid.uuid4().hex})
    assert no_csrf.status_code == 400
    form = owner_client.post(url, data="a=b", content_type="application/x-www-form-urlencoded",
                             headers={"Idempotency-Key": uuid.uuid4().hex, "X-CSRFToken": token})
    assert form.status_code == 415
    db.session.expire_all()
    assert db.session.get(Assessment, assessment.id).version == 0
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0


def test_without_javascript_next_saves_the_page_and_moves_on(app, owner_client):
    assessment = start(owner_client)
    item = questionnaires()["textiles"].dimension_items["T1"][0]
    html = owner_client.get(f"/assessments/{assessment.id}/d/T1").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    data = {"csrf_token": token, "idempotency_key": key, "base_version": "0", "nav": "next", item.id: "dk"}
    response = owner_client.post(f"/assessments/{assessment.id}/d/T1", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/d/T2")
    # Pressing the button twice (same page, same key) does not save twice.
    owner_client.post(f"/assessments/{assessment.id}/d/T1", data=data)
    db.session.expire_all()
    saved = db.session.get(Assessment, assessment.id)
    assert saved.version == 1 and saved.last_page == "T1"
    # Coming back later resumes on the page last worked on.
    assert owner_client.get(f"/assessments/{assessment.id}").headers["Location"].endswith("/d/T1")


def test_submit_lists_missing_items_then_freezes_exactly_once(app, owner_client):
    assessment = start(owner_client)
    q = questionnaires()["textiles"]
    token = csrf(owner_client, f"/assessments/{assessment.id}/review")
    early = owner_client.post(f"/assessments/{assessment.id}/submit?lang=en", data={"csrf_token": token})
    assert early.status_code == 422 and "unanswered" in early.get_data(as_text=True)
    answers = full_answers(q, {"textiles.profile.activity": ["garments"]})
    response = autosave(owner_client, assessment.id, {k: {"option": v} for k, v in answers.items()}, 0)
    assert response.status_code == 200, response.json
    for _ in range(5):
        done = owner_client.post(f"/assessments/{assessment.id}/submit", data={"csrf_token": token})
        assert done.status_code == 302 and done.headers["Location"].endswith("/results")
    db.session.expire_all()
    saved = db.session.get(Assessment, assessment.id)
    assert saved.status == "submitted" and saved.profile_snapshot["sector"] == "textiles"
    assert db.session.scalar(select(func.count()).select_from(DimensionScore)) == 12
    # Frozen: a later save is refused and changes nothing.
    late = autosave(owner_client, assessment.id, {q.items[-1].id: {"option": "dk"}}, saved.version, token=token)
    assert late.status_code == 409 and late.json["submitted"] is True


def test_results_equal_the_public_api_for_the_same_answers(app, owner_client, client):
    assessment = start(owner_client)
    q = questionnaires()["textiles"]
    answers = full_answers(q, {"textiles.profile.activity": ["garments", "knitwear"]})
    answers[q.dimension_items["T2"][0].id] = "dk"
    autosave(owner_client, assessment.id, {k: {"option": v} for k, v in answers.items()}, 0)
    token = csrf(owner_client, f"/assessments/{assessment.id}/review")
    owner_client.post(f"/assessments/{assessment.id}/submit", data={"csrf_token": token})
    firm = db.session.get(Firm, assessment.firm_id)
    api = app.test_client().post("/api/v1/score", json={"questionnaire": "textiles", "firm": firm.profile(),
                                                        "answers": answers}).json
    db.session.expire_all()
    snapshot = db.session.get(Assessment, assessment.id).result_snapshot
    for key in ("overall", "indices", "dimensions", "confidence", "weakest_links"):
        assert snapshot[key] == api[key]
    html = owner_client.get(f"/assessments/{assessment.id}/results?lang=en").get_data(as_text=True)
    if api["overall"]["score"] is not None:
        assert f'{api["overall"]["score"]:.1f}' in html
    assert "<svg" in html and "<desc" in html and "To find out" in html


def test_five_concurrent_submits_make_one_submission(app, owner_client, owner):
    assessment = start(owner_client)
    q = questionnaires()["textiles"]
    answers = full_answers(q, {"textiles.profile.activity": ["garments"]})
    autosave(owner_client, assessment.id, {k: {"option": v} for k, v in answers.items()}, 0)
    clients = [app.test_client() for _ in range(5)]
    for c in clients:
        login(c, owner)
    url = f"/assessments/{assessment.id}"
    tokens = [csrf(c, f"{url}/review") for c in clients]
    db.session.rollback()  # the test's own snapshot must not pin anything
    statuses, failures = [], []
    barrier = threading.Barrier(5)

    def press(c, token):
        try:
            barrier.wait()
            statuses.append(c.post(f"{url}/submit", data={"csrf_token": token}).status_code)
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(repr(exc))

    threads = [threading.Thread(target=press, args=(c, t)) for c, t in zip(clients, tokens, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert statuses == [302] * 5
    assert db.session.scalar(select(func.count()).select_from(DimensionScore)) == 12
    assert db.session.scalar(select(func.count()).select_from(Assessment).where(Assessment.status == "submitted")) == 1


def test_reassessment_from_last_answers_marks_them_to_confirm_and_compare_shows_deltas(app, owner_client):
    assessment = start(owner_client)
    q = questionnaires()["textiles"]
    answers = full_answers(q, {"textiles.profile.activity": ["garments"]})
    autosave(owner_client, assessment.id, {k: {"option": v} for k, v in answers.items()}, 0)
    token = csrf(owner_client, f"/assessments/{assessment.id}/review")
    owner_client.post(f"/assessments/{assessment.id}/submit", data={"csrf_token": token})
    response = owner_client.post(f"/firms/{assessment.firm_id}/assessments", data={"csrf_token": token, "start": "previous"})
    assert response.status_code == 302
    second = db.session.scalars(select(Assessment).order_by(Assessment.id.desc())).first()
    assert second.id != assessment.id and second.based_on_id == assessment.id
    assert {a.item_id for a in second.answers} == set(answers)
    assert all(a.needs_confirmation for a in second.answers)
    # Improve one dimension and submit: the comparison shows its delta.
    t1 = q.dimension_items["T1"]
    better = {i.id: {"option": [o.id for o in i.options if not o.reserved][-1]} for i in t1}
    autosave(owner_client, second.id, better, second.version)
    owner_client.post(f"/assessments/{second.id}/submit", data={"csrf_token": token})
    html = owner_client.get(f"/assessments/{assessment.id}/compare/{second.id}?lang=en").get_data(as_text=True)
    assert "Progress between two assessments" in html and "+" in html


def test_nobody_else_reaches_a_firm_or_its_assessment(app, owner_client, create_user, client):
    assessment = start(owner_client)
    stranger = create_user(email="stranger@example.pe")
    other = app.test_client()
    login(other, stranger)
    paths = [f"/firms/{assessment.firm_id}", f"/assessments/{assessment.id}", f"/assessments/{assessment.id}/d/T1",
             f"/assessments/{assessment.id}/review", f"/assessments/{assessment.id}/results",
             f"/assessments/{assessment.id}/compare/{assessment.id}"]
    for path in paths:
        assert other.get(path).status_code == 404, path
    missing = other.get("/assessments/999999/d/T1")
    assert missing.status_code == 404
    token = csrf(other, "/firms/new")
    write = other.post(f"/assessments/{assessment.id}/answers", json={"base_version": 0, "answers": {}},
                       headers={"Idempotency-Key": uuid.uuid4().hex, "X-CSRFToken": token})
    assert write.status_code == 404
    anonymous = app.test_client().get(f"/assessments/{assessment.id}/results")
    assert anonymous.status_code in (302, 401)


@pytest.mark.parametrize(("ciiu", "sector", "expected"), [
    ("18100", "", "textiles"),        # SUNAT's garment code picks textiles
    ("5610", "", "tourism"),          # CIIU Rev.4 restaurants
    ("18100", "retail", "retail"),    # the owner's own choice wins
])
def test_the_ciiu_code_chooses_the_sector_when_the_owner_does_not(owner_client, ciiu, sector, expected):
    assessment = start(owner_client, ciiu=ciiu, sector=sector)
    assert db.session.get(Firm, assessment.firm_id).sector == expected
    assert assessment.questionnaire_id == expected


def test_without_a_sector_or_a_known_code_the_form_asks(owner_client):
    token = csrf(owner_client, "/firms/new")
    response = owner_client.post("/firms/new?lang=en", data={**PROFILE_FORM, "sector": "", "ciiu": "99999",
                                                              "csrf_token": token})
    assert response.status_code == 422 and "Choose what your business does" in response.get_data(as_text=True)


def test_an_autosave_holds_the_write_transaction_only_for_its_own_reads_and_writes(app, owner_client):
    """The session, the user and the membership are read before the write turn is taken (SQLite's
    single writer is then held for the protocol's six statements only), and nothing is read again
    after the commit (the access log takes the user id from the identity map)."""
    from sqlalchemy import event

    assessment = start(owner_client)
    item = next(i for i in questionnaires()["textiles"].items if i.scored and not i.multiple)
    assessment_id = assessment.id
    token = csrf(owner_client, f"/assessments/{assessment_id}/review")
    events: list[str] = []
    engine = db.engine

    def statement(_conn, _cursor, sql, *_args):
        events.append(" ".join(sql.replace('"', "").split()))   # PostgreSQL quotes "user"

    def commit(_conn):
        events.append("COMMIT")

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        response = autosave(owner_client, assessment_id, {item.id: {"option": item.options[1].id}}, 0, token=token)
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)
    assert response.status_code == 200, response.get_data(as_text=True)
    first = next(n for n, s in enumerate(events) if s.startswith("SELECT assessment.version, assessment.status"))
    reads, writes = events[:first], events[first:]
    if engine.dialect.name == "sqlite":   # the read transaction is deferred; the write one takes the lock first
        assert reads[0] == "BEGIN" and reads[-1] == "BEGIN IMMEDIATE", reads
    else:                                 # the first statement of the write transaction locks the row
        assert writes[0].endswith("FOR UPDATE"), writes[0]
    assert "COMMIT" in reads                                # the read transaction ended before
    assert any("FROM user" in s for s in reads) and any("firm_member" in s for s in reads)
    assert not any("FROM user" in s or "firm_member" in s for s in writes), writes
    assert writes[-1] == "COMMIT", writes                   # nothing read again after the commit
    assert sum(s.startswith(("UPDATE", "INSERT")) for s in writes) == 3
