"""Typologies of a cohort: the command, the page (published groups only), the fit through the jobs
interface, and consent (a firm that withdrew is never grouped)."""
from __future__ import annotations

import re
import time

import pytest
from cohort_support import DIMENSIONS, add_result, csrf, enrol, login, make_cohort, make_firm
from sqlalchemy import func, select

from maturity import jobs
from maturity.clustering.jobs import job_name
from maturity.clustering.models import ClusterFit
from maturity.clustering.operations import fit_scope, latest_fit
from maturity.cohorts.models import CohortMember
from maturity.extensions import db
from maturity.timeutil import utcnow

TECH = ("T1", "T2", "T3", "T4", "T5", "T6")


def _profile(tech: float, management: float, wobble: float) -> dict[str, float]:
    return {d: (tech if d in TECH else management) + wobble * (i % 3) for i, d in enumerate(DIMENSIONS)}


@pytest.fixture
def cohort_world(app_ctx, create_user, create_organization):
    """A cohort of 40 consenting firms in two clear profiles: 22 'technology ahead', 18 'management ahead'."""
    org = create_organization(kind="agency")
    analyst = create_user(role="analyst", organization_id=org.id)
    cohort = make_cohort(org)
    firms = []
    for i in range(40):
        firm = make_firm()
        enrol(cohort, firm)
        dims = _profile(80, 20, i % 5) if i < 22 else _profile(25, 75, i % 4)
        add_result(firm, sum(dims.values()) / 12, dims=dims)
        firms.append(firm)
    return cohort, analyst, firms


def _group_rows(html: str) -> list[str]:
    return re.findall(r'<tr data-group="(\d+)">', html)


def test_the_command_fits_a_cohort_and_finds_its_two_profiles(runner, cohort_world):
    cohort, _analyst, _firms = cohort_world
    result = runner.invoke(args=["clusters", "fit", "--cohort", str(cohort.id)])
    assert result.exit_code == 0, result.output
    assert "k = 2" in result.output
    sizes = sorted(c["size"] for c in latest_fit(f"cohort:{cohort.id}").result["clusters"])
    assert sizes == [18, 22]


def test_a_cohort_that_does_not_exist_is_a_clear_error(runner, app_ctx):
    result = runner.invoke(args=["clusters", "fit", "--cohort", "999999"])
    assert result.exit_code != 0
    assert "there is no cohort 999999" in result.output


def test_withdrawn_firms_are_not_grouped(cohort_world):
    cohort, _analyst, _firms = cohort_world
    members = db.session.scalars(select(CohortMember).where(CohortMember.cohort_id == cohort.id)).all()
    for member in members[:11]:
        member.withdrawn_at = utcnow()
    db.session.commit()
    fitted = fit_scope(f"cohort:{cohort.id}")
    assert fitted.stored is None
    assert fitted.typologies.result["n"] == 29
    assert "too few firms" in fitted.typologies.message()


def test_the_page_shows_the_groups_with_names_sizes_and_profiles(app, cohort_world):
    cohort, analyst, _firms = cohort_world
    fit_scope(f"cohort:{cohort.id}")
    client = app.test_client()
    login(client, analyst)
    html = client.get(f"/agency/cohorts/{cohort.id}/typologies?lang=en").get_data(as_text=True)
    assert _group_rows(html) == ["1", "2"]
    assert "<svg" in html and 'data-table="profiles"' in html
    assert 'data-state="stale"' not in html
    # each group is named after its strongest and weakest dimensions, in the page's language
    names = {c["id"]: c["name"] for c in latest_fit(f"cohort:{cohort.id}").result["clusters"]}
    assert all(names[g]["en"] in html for g in names)
    spanish = client.get(f"/agency/cohorts/{cohort.id}/typologies?lang=es").get_data(as_text=True)
    assert all(names[g]["es"] in spanish for g in names)


def test_a_group_under_five_firms_is_withheld_with_its_points(app, cohort_world):
    """A stored fit with a group of 3 (an older fit, or a raised threshold): the page withholds it."""
    cohort, analyst, _firms = cohort_world
    fit_scope(f"cohort:{cohort.id}")
    fit = latest_fit(f"cohort:{cohort.id}")
    result = dict(fit.result)
    small = dict(result["clusters"][0], id=3, size=3, name={"es": "Grupo raro", "en": "Odd group"})
    result["clusters"] = [*result["clusters"], small]
    chart = dict(fit.chart)
    chart["points"] = [*chart["points"], [0.5, 0.5, 3], [0.6, 0.5, 3], [0.7, 0.5, 3]]
    chart["centroids"] = [*chart["centroids"], [0.6, 0.5, 3]]
    db.session.add(ClusterFit(scope=fit.scope, params=fit.params, result=result, chart=chart))
    db.session.commit()
    client = app.test_client()
    login(client, analyst)
    html = client.get(f"/agency/cohorts/{cohort.id}/typologies?lang=en").get_data(as_text=True)
    assert _group_rows(html) == ["1", "2"]
    assert "Odd group" not in html and 'class="g3"' not in html
    assert 'data-state="withheld"' in html


def test_the_page_says_when_the_cohort_changed_since_the_fit(app, cohort_world):
    cohort, analyst, _firms = cohort_world
    fit_scope(f"cohort:{cohort.id}")
    late = make_firm()
    enrol(cohort, late)
    add_result(late, 50.0)
    client = app.test_client()
    login(client, analyst)
    html = client.get(f"/agency/cohorts/{cohort.id}/typologies?lang=en").get_data(as_text=True)
    assert 'data-state="stale"' in html and "41" in html


def test_a_small_cohort_gets_an_explanation_not_an_error(app, app_ctx, create_user, create_organization):
    org = create_organization(kind="agency")
    analyst = create_user(role="analyst", organization_id=org.id)
    cohort = make_cohort(org)
    for score in (30, 50, 70):
        firm = make_firm()
        enrol(cohort, firm)
        add_result(firm, score)
    client = app.test_client()
    login(client, analyst)
    response = client.get(f"/agency/cohorts/{cohort.id}/typologies?lang=es")
    assert response.status_code == 200
    assert 'data-state="too-few"' in response.get_data(as_text=True)


def test_asking_for_the_groups_fits_them_through_the_jobs_interface(app, cohort_world):
    cohort, analyst, _firms = cohort_world
    client = app.test_client()
    login(client, analyst)
    token = csrf(client, f"/agency/cohorts/{cohort.id}/typologies")
    response = client.post(f"/agency/cohorts/{cohort.id}/typologies", data={"csrf_token": token})
    assert response.status_code == 303
    deadline = time.monotonic() + 90
    while True:
        job = jobs.find(job_name(f"cohort:{cohort.id}"))
        assert job is not None
        if not job.live:
            break
        assert time.monotonic() < deadline, "the fit did not finish"
        time.sleep(0.2)
    assert job.state == jobs.DONE, job.error
    db.session.commit()  # end the test's read transaction: the job wrote from another process
    fit = latest_fit(f"cohort:{cohort.id}")
    assert fit is not None and fit.created_by == f"user {analyst.id}"
    html = client.get(f"/agency/cohorts/{cohort.id}/typologies").get_data(as_text=True)
    assert _group_rows(html) == ["1", "2"]


def test_a_refused_post_fits_nothing(app, cohort_world, create_user, create_organization):
    cohort, _analyst, _firms = cohort_world
    outsider = create_user(role="analyst", organization_id=create_organization(kind="agency").id)
    client = app.test_client()
    login(client, outsider)
    token = csrf(client, "/account")
    response = client.post(f"/agency/cohorts/{cohort.id}/typologies", data={"csrf_token": token})
    assert response.status_code == 404
    assert jobs.find(job_name(f"cohort:{cohort.id}")) is None
    assert db.session.scalar(select(func.count()).select_from(ClusterFit)) == 0


def test_the_fit_runs_on_the_redis_queue_too(make_app, redis_url, create_user, create_organization):
    """With REDIS_URL set, the same POST queues the fit on RQ and a worker stores it."""
    app = make_app(REDIS_URL=redis_url, RATELIMIT_STORAGE_URI=redis_url, JOB_RETRIES=0)
    with app.app_context():
        org = create_organization(kind="agency")
        analyst = create_user(role="analyst", organization_id=org.id)
        cohort = make_cohort(org)
        for i in range(32):
            firm = make_firm()
            enrol(cohort, firm)
            dims = _profile(80, 20, i % 5) if i < 16 else _profile(25, 75, i % 4)
            add_result(firm, sum(dims.values()) / 12, dims=dims)
        client = app.test_client()
        login(client, analyst)
        token = csrf(client, f"/agency/cohorts/{cohort.id}/typologies")
        assert client.post(f"/agency/cohorts/{cohort.id}/typologies", data={"csrf_token": token}).status_code == 303
        name = job_name(f"cohort:{cohort.id}")
        assert jobs.find(name).state == jobs.QUEUED
        jobs.backend().work(burst=True, logging_level="WARNING")
        assert jobs.find(name).state == jobs.DONE
        db.session.commit()   # end the test's read transaction: the worker wrote from another process
        assert latest_fit(f"cohort:{cohort.id}").result["k"] == 2
