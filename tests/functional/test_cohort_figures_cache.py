"""The cohort figures cache: fresh when cheap, stale-while-revalidate when slow, never stale after
a withdrawal, a deletion or a period change (consent takes effect at once)."""
from __future__ import annotations

import time

import pytest
from cohort_support import add_result, enrol, login, make_cohort, make_firm
from sqlalchemy import select

from maturity.cohorts import figures
from maturity.cohorts.models import CohortMember
from maturity.extensions import db
from maturity.timeutil import utcnow


@pytest.fixture
def slow_app(make_app):
    """Every computation counts as slow, so the stale path is taken whenever it is allowed."""
    return make_app(COHORT_STALE_AFTER_MS=0)


@pytest.fixture
def world(slow_app, create_user, create_organization):
    with slow_app.app_context():
        org = create_organization(kind="agency")
        analyst = create_user(role="analyst", organization_id=org.id)
        cohort = make_cohort(org)
        firms = []
        for score in (20, 30, 40, 50, 60, 70):
            firm = make_firm()
            enrol(cohort, firm)
            add_result(firm, score)
            firms.append(firm)
        yield cohort, analyst, firms


def _firms_on_dashboard(client, cohort) -> tuple[str, bool]:
    html = client.get(f"/agency/cohorts/{cohort.id}?lang=en").get_data(as_text=True)
    return html, 'data-state="updating"' in html


def _wait_for_refresh(app, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while figures._refreshing and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not figures._refreshing, "the background refresh did not finish"


def _published_firms(cohort) -> int:
    return figures.benchmarks(cohort)["firms"]


def test_a_new_result_in_a_slow_cohort_is_served_stale_then_refreshed(slow_app, world):
    cohort, analyst, _firms = world
    client = slow_app.test_client()
    login(client, analyst)
    _html, updating = _firms_on_dashboard(client, cohort)
    assert not updating                       # first view: computed now
    newcomer = make_firm()
    enrol(cohort, newcomer)
    add_result(newcomer, 80)
    _html, updating = _firms_on_dashboard(client, cohort)
    assert updating                           # the old figures, and the page says so
    _wait_for_refresh(slow_app)
    _html, updating = _firms_on_dashboard(client, cohort)
    assert not updating
    with slow_app.test_request_context():
        assert _published_firms(cohort) == 7


def test_a_withdrawal_takes_effect_at_once_even_in_a_slow_cohort(slow_app, world):
    cohort, analyst, firms = world
    client = slow_app.test_client()
    login(client, analyst)
    _firms_on_dashboard(client, cohort)
    member = db.session.scalar(select(CohortMember).where(CohortMember.firm_id == firms[0].id))
    member.withdrawn_at = utcnow()
    db.session.commit()
    _html, updating = _firms_on_dashboard(client, cohort)
    assert not updating
    with slow_app.test_request_context():
        assert _published_firms(cohort) == 5


def test_a_deleted_member_takes_effect_at_once(slow_app, world):
    cohort, analyst, firms = world
    client = slow_app.test_client()
    login(client, analyst)
    _firms_on_dashboard(client, cohort)
    newcomer = make_firm()              # a newer member, so the count of members alone stays equal
    enrol(cohort, newcomer)
    db.session.delete(db.session.scalar(select(CohortMember).where(CohortMember.firm_id == firms[1].id)))
    db.session.commit()
    _html, updating = _firms_on_dashboard(client, cohort)
    assert not updating


def test_a_fast_cohort_is_always_current(make_app, create_user, create_organization):
    app = make_app()   # default threshold: these tiny computations are fast
    with app.app_context():
        org = create_organization(kind="agency")
        analyst = create_user(role="analyst", organization_id=org.id)
        cohort = make_cohort(org)
        for score in (20, 30, 40, 50, 60):
            firm = make_firm()
            enrol(cohort, firm)
            add_result(firm, score)
        client = app.test_client()
        login(client, analyst)
        _firms_on_dashboard(client, cohort)
        late = make_firm()
        enrol(cohort, late)
        add_result(late, 90)
        _html, updating = _firms_on_dashboard(client, cohort)
        assert not updating
        with app.test_request_context():
            assert _published_firms(cohort) == 6
