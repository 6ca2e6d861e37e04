"""Cohorts: aggregates in SQL, consent (no consent, no data), suppression on every page, the
owner's position on the results page, impact, the funnel, joining, invitations and CSV imports."""
from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from cohort_support import IN_PERIOD, add_result, csrf, enrol, enrolled_firms, login, make_cohort, make_firm
from sqlalchemy import func, select

from maturity.cohorts import aggregates
from maturity.cohorts.models import CohortInvitation, CohortMember
from maturity.cohorts.operations import CONSENT_VERSION
from maturity.extensions import db


@pytest.fixture
def org(create_organization):
    return create_organization(name="DEMO agencia", kind="agency")


@pytest.fixture
def analyst(create_user, org):
    return create_user(role="analyst", organization_id=org.id)


@pytest.fixture
def cohort(org):
    return make_cohort(org)


@pytest.fixture
def analyst_client(client, analyst):
    login(client, analyst)
    return client


def figure(html: str, name: str) -> str:
    """The text of the figure named `name` on a page (a withheld one reads "— withheld")."""
    inner = re.search(rf'data-figure="{name}">(.*?)</dd>', html, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", inner).split())


def breakdown_row(html: str, variable: str, category: str) -> str:
    table = re.search(rf'data-breakdown="{variable}".*?</table>', html, re.S).group(0)
    return re.search(rf'data-category="{category}">(.*?)</tr>', table, re.S).group(1)


# --- aggregates and consent -------------------------------------------------------------------

def test_the_dashboard_shows_sql_aggregates_of_consenting_firms_only(app_ctx, analyst_client, cohort, create_user):
    enrolled_firms(cohort, [10.0, 20.0, 30.0, 40.0, 50.0, 60.0])
    outsider = make_firm()                       # submitted, but never joined
    add_result(outsider, 100.0)
    invited = make_firm(ruc="20131312955", has_ruc=True)   # invited, never accepted: no consent
    db.session.add(CohortInvitation(cohort_id=cohort.id, firm_id=invited.id, ruc=invited.ruc, source="csv"))
    db.session.commit()
    add_result(invited, 100.0)
    html = analyst_client.get(f"/agency/cohorts/{cohort.id}?lang=en").get_data(as_text=True)
    assert figure(html, "firms") == "6"
    assert figure(html, "overall").startswith("35.0")


def test_a_withdrawn_firm_is_gone_from_every_aggregate(app_ctx, analyst_client, cohort):
    firms = enrolled_firms(cohort, [10.0, 20.0, 30.0, 40.0, 50.0, 90.0])
    before = analyst_client.get(f"/agency/cohorts/{cohort.id}?lang=en").get_data(as_text=True)
    assert figure(before, "overall").startswith("40.0")
    member = db.session.scalar(select(CohortMember).where(CohortMember.firm_id == firms[-1].id))
    member.withdrawn_at = datetime.now(UTC)
    db.session.commit()
    after = analyst_client.get(f"/agency/cohorts/{cohort.id}?lang=en").get_data(as_text=True)
    assert figure(after, "firms") == "5" and figure(after, "overall").startswith("30.0")
    assert aggregates.funnel(cohort).joined == 5
    # Five firms left, then four: nothing at all is shown any more.
    member = db.session.scalar(select(CohortMember).where(CohortMember.firm_id == firms[0].id))
    member.withdrawn_at = datetime.now(UTC)
    db.session.commit()
    html = analyst_client.get(f"/agency/cohorts/{cohort.id}?lang=en").get_data(as_text=True)
    assert figure(html, "overall") == "— withheld" and figure(html, "firms") == "— withheld"
    assert "30.0" not in html and "35.0" not in html


def test_only_the_latest_assessment_in_the_period_counts(app_ctx, analyst_client, cohort):
    firms = enrolled_firms(cohort, [50.0] * 5)
    add_result(firms[0], 100.0, when=IN_PERIOD + timedelta(days=10))      # latest: replaces 50
    add_result(firms[1], 0.0, when=datetime(2025, 12, 1, tzinfo=UTC))      # before the period: ignored
    add_result(firms[2], 0.0, when=datetime(2027, 2, 1, tzinfo=UTC))       # after the period: ignored
    html = analyst_client.get(f"/agency/cohorts/{cohort.id}?lang=en").get_data(as_text=True)
    assert figure(html, "overall").startswith("60.0")


def test_sql_quantiles_equal_numpy_linear_percentiles(app_ctx, cohort):
    rng = np.random.default_rng(7)
    scores = [round(float(x), 1) for x in rng.uniform(0, 100, 23)]
    enrolled_firms(cohort, scores)
    quantiles = aggregates.dimension_quantiles(aggregates.eligible(cohort))["T3"]
    for name, p in (("p10", 10), ("p25", 25), ("median", 50), ("p75", 75), ("p90", 90)):
        assert quantiles[name] == pytest.approx(float(np.percentile(scores, p)), abs=1e-9)


# --- suppression on the pages ----------------------------------------------------------------

def test_a_sector_of_four_and_the_rest_of_the_cohort_are_never_shown(app_ctx, analyst_client, cohort):
    enrolled_firms(cohort, [80.0, 82.0, 84.0, 86.0], sector="tourism")     # sector A: 4 firms
    enrolled_firms(cohort, [40.0] * 16, sector="retail")                   # all but A: 16 firms
    url = f"/agency/cohorts/{cohort.id}"
    whole = analyst_client.get(url + "?lang=en").get_data(as_text=True)
    assert figure(whole, "firms") == "20"
    tourism, retail = breakdown_row(whole, "sector", "tourism"), breakdown_row(whole, "sector", "retail")
    assert "83.0" not in tourism and "—" in tourism
    assert "40.0" not in retail and "—" in retail          # complementary: 20 − 16 would be the 4
    for sector in ("tourism", "retail"):
        page = analyst_client.get(url + f"?sector={sector}&lang=en").get_data(as_text=True)
        assert "data-refused" in page
        assert "40.0" not in page and "83.0" not in page


def test_a_category_of_four_next_to_a_total_hides_the_next_smallest_too(app_ctx, analyst_client, cohort):
    enrolled_firms(cohort, [90.0] * 4, sector="tourism")
    enrolled_firms(cohort, [30.0] * 6, sector="retail")
    enrolled_firms(cohort, [50.0] * 10, sector="textiles")
    html = analyst_client.get(f"/agency/cohorts/{cohort.id}?lang=en").get_data(as_text=True)
    assert "—" in breakdown_row(html, "sector", "tourism")
    assert "30.0" not in breakdown_row(html, "sector", "retail")
    assert "50.0" in breakdown_row(html, "sector", "textiles")
    allowed = analyst_client.get(f"/agency/cohorts/{cohort.id}?sector=textiles&lang=en").get_data(as_text=True)
    assert "data-refused" not in allowed and figure(allowed, "firms") == "10"


def test_filters_are_one_at_a_time_and_from_the_lists(app_ctx, analyst_client, cohort):
    assert analyst_client.get(f"/agency/cohorts/{cohort.id}?sector=retail&department=15").status_code == 302
    assert analyst_client.get(f"/agency/cohorts/{cohort.id}?sector=banking").status_code == 302


def test_the_owner_sees_their_position_only_in_groups_of_five_or_more(app_ctx, client, cohort, create_user):
    owner = create_user(role="owner")
    mine = make_firm(owner=owner, sector="tourism")
    enrol(cohort, mine)
    result = add_result(mine, 70.0)
    enrolled_firms(cohort, [80.0, 60.0, 50.0], sector="tourism")            # 4 in tourism with mine
    enrolled_firms(cohort, [10.0, 20.0, 30.0, 40.0, 90.0, 95.0], sector="retail")
    login(client, owner)
    html = client.get(f"/assessments/{result.id}/results?lang=en").get_data(as_text=True)
    section = re.search(r'id="cohort-position".*?</section>', html, re.S).group(0)
    assert 'data-group="cohort"' in section and "of the 10 businesses" in section
    assert "higher than 65 %" in section           # 6 of 10 below 70, 0 ties
    assert 'data-group="sector"' not in section    # tourism has 4 firms: not compared


def test_no_position_without_consent(app_ctx, client, cohort, create_user):
    owner = create_user(role="owner")
    mine = make_firm(owner=owner)
    enrol(cohort, mine, withdrawn=True)
    result = add_result(mine, 70.0)
    enrolled_firms(cohort, [10.0, 20.0, 30.0, 40.0, 90.0])
    login(client, owner)
    html = client.get(f"/assessments/{result.id}/results?lang=en").get_data(as_text=True)
    assert 'id="cohort-position"' not in html


# --- impact and funnel -----------------------------------------------------------------------

def test_impact_mean_change_interval_and_share_up_a_band(app_ctx, analyst_client, cohort):
    from scipy import stats

    changes = [5.0, 10.0, -2.0, 8.0, 12.0, 3.0]
    for i, change in enumerate(changes):
        firm = make_firm()
        enrol(cohort, firm)
        add_result(firm, 30.0 + i, when=IN_PERIOD - timedelta(days=60))
        add_result(firm, 30.0 + i + change, when=IN_PERIOD)
    once = make_firm()                                      # assessed once: not in the impact
    enrol(cohort, once)
    add_result(once, 10.0)
    html = analyst_client.get(f"/agency/cohorts/{cohort.id}/impact?lang=en").get_data(as_text=True)
    mean = np.mean(changes)
    half = stats.t.ppf(0.975, len(changes) - 1) * np.std(changes, ddof=1) / np.sqrt(len(changes))
    assert figure(html, "pairs") == "6"
    assert f"{mean:.1f}" in figure(html, "overall-change")
    assert f"{mean - half:.1f} to {mean + half:.1f}" in html
    # 30+i → 30+i+change crosses 40 (basico → intermedio) when i + change ≥ 10: 1+10, 3+8, 4+12.
    assert figure(html, "overall-up") == "50.0 %"
    assert figure(html, "actions") == "0"                   # no plan action marked done yet


def test_impact_of_fewer_than_five_firms_is_withheld(app_ctx, analyst_client, cohort):
    for i in range(4):
        firm = make_firm()
        enrol(cohort, firm)
        add_result(firm, 30.0, when=IN_PERIOD - timedelta(days=60))
        add_result(firm, 45.0 + i, when=IN_PERIOD)
    html = analyst_client.get(f"/agency/cohorts/{cohort.id}/impact?lang=en").get_data(as_text=True)
    assert "—" in figure(html, "pairs") and "16.5" not in html


def test_the_funnel_counts_invited_joined_started_submitted(app_ctx, cohort, create_user):
    from maturity.assessments.models import Assessment

    firms = enrolled_firms(cohort, [50.0, 60.0])
    started = make_firm()
    enrol(cohort, started)
    db.session.add(Assessment(firm_id=started.id, questionnaire_id="general", questionnaire_version="x",
                              created_at=IN_PERIOD))
    joined_only = make_firm()
    enrol(cohort, joined_only)
    db.session.add_all([CohortInvitation(cohort_id=cohort.id, ruc="20131312955", source="csv"),
                        CohortInvitation(cohort_id=cohort.id, firm_id=firms[0].id, source="advisor", state="accepted")])
    db.session.commit()
    assert aggregates.funnel(cohort).as_dict() == {"invited": 5, "joined": 4, "started": 3, "submitted": 2}


# --- joining with consent ---------------------------------------------------------------------

@pytest.fixture
def owner(create_user):
    return create_user(role="owner", confirmed_at=datetime.now(UTC))


def test_join_page_changes_nothing_and_consent_is_recorded_on_post(app_ctx, client, cohort, owner, count_flushes):
    firm = make_firm(owner=owner)
    login(client, owner)
    count_flushes.update(flushes=0, writes=0)
    page = client.get(f"/agency/join/{cohort.join_code}?lang=en")
    assert page.status_code == 200 and "What you agree to share" in page.get_data(as_text=True)
    assert count_flushes == {"flushes": 0, "writes": 0}
    token = csrf(client, f"/agency/join/{cohort.join_code}")
    refused = client.post(f"/agency/join/{cohort.join_code}", data={"csrf_token": token, "firm": firm.id})
    assert refused.status_code == 422                        # no consent box: no enrolment
    assert db.session.scalar(select(func.count()).select_from(CohortMember)) == 0
    joined = client.post(f"/agency/join/{cohort.join_code}", data={"csrf_token": token, "firm": firm.id, "consent": "y"})
    assert joined.status_code == 302
    member = db.session.scalar(select(CohortMember))
    assert member.firm_id == firm.id and member.consent_version == CONSENT_VERSION
    assert member.consent_at is not None and member.consented_by_id == owner.id and member.active


def test_only_an_owner_with_a_confirmed_address_joins_and_only_their_own_firm(app_ctx, client, cohort, create_user):
    unconfirmed = create_user(role="owner")
    firm = make_firm(owner=unconfirmed)
    login(client, unconfirmed)
    token = csrf(client, f"/agency/join/{cohort.join_code}")
    response = client.post(f"/agency/join/{cohort.join_code}", data={"csrf_token": token, "firm": firm.id, "consent": "y"})
    assert response.status_code == 403
    unconfirmed.confirmed_at = datetime.now(UTC)
    someone_elses = make_firm()
    db.session.commit()
    response = client.post(f"/agency/join/{cohort.join_code}",
                           data={"csrf_token": token, "firm": someone_elses.id, "consent": "y"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(CohortMember)) == 0


def test_an_unknown_code_is_404_and_a_typed_code_finds_its_cohort(app_ctx, client, cohort, owner):
    login(client, owner)
    assert client.get("/agency/join/NOSUCHCODE").status_code == 404
    response = client.get(f"/agency/join?code={cohort.join_code.lower()}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/agency/join/{cohort.join_code}")


def test_the_owner_withdraws_from_their_memberships_page(app_ctx, client, cohort, owner):
    firm = make_firm(owner=owner)
    member = enrol(cohort, firm)
    login(client, owner)
    page = client.get("/agency/memberships?lang=en").get_data(as_text=True)
    assert cohort.name in page and "Withdraw my consent" in page
    token = csrf(client, "/agency/memberships")
    assert client.post(f"/agency/memberships/{member.id}/withdraw", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(CohortMember, member.id).withdrawn_at is not None
    assert "nothing is shared any more" in client.get("/agency/memberships?lang=en").get_data(as_text=True)


# --- invitations: CSV of RUCs and advisors ----------------------------------------------------

def test_a_csv_of_rucs_creates_invitations_only_reported_line_by_line(app_ctx, analyst_client, cohort, owner):
    firm = make_firm(owner=owner, ruc="20131312955", has_ruc=True)
    body = "RUC\n20131312955\n20131312955\n2013\n20131312954\n\n10400000048\n=HYPERLINK(\"x\")\n"
    token = csrf(analyst_client, f"/agency/cohorts/{cohort.id}/members")
    response = analyst_client.post(f"/agency/cohorts/{cohort.id}/invitations?lang=en",
                                   data={"csrf_token": token, "file": (io.BytesIO(body.encode()), "rucs.csv")},
                                   content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    outcomes = re.findall(r'data-outcome="([a-z_]+)"', html)
    assert outcomes == ["skipped", "invited", "duplicate", "invalid", "invalid", "skipped", "invited", "invalid"]
    assert "the check digit does not match" in html and "a RUC has 11 digits" in html
    assert "=HYPERLINK(&#34;x&#34;)" in html or "=HYPERLINK(&quot;x&quot;)" in html
    assert db.session.scalar(select(func.count()).select_from(CohortInvitation)) == 2
    assert db.session.scalar(select(func.count()).select_from(CohortMember)) == 0      # never enrolment
    # The owner of the registered RUC sees the invitation and accepts it with consent.
    login(analyst_client, owner)
    page = analyst_client.get("/agency/memberships?lang=en").get_data(as_text=True)
    invitation_id = int(re.search(r'data-invitation="(\d+)"', page).group(1))
    token = csrf(analyst_client, "/agency/memberships")
    analyst_client.post(f"/agency/invitations/{invitation_id}/accept", data={"csrf_token": token})
    assert db.session.scalar(select(func.count()).select_from(CohortMember)) == 0      # no consent ticked
    analyst_client.post(f"/agency/invitations/{invitation_id}/accept", data={"csrf_token": token, "consent": "y"})
    member = db.session.scalar(select(CohortMember))
    assert member.firm_id == firm.id and member.active
    assert db.session.get(CohortInvitation, invitation_id).state == "accepted"


def test_an_advisor_invites_a_firm_they_advise_and_only_the_owner_enrols_it(app_ctx, client, cohort, org, create_user):
    from maturity.firms.models import FirmMember

    advisor = create_user(role="advisor", organization_id=org.id)
    firm = make_firm()
    db.session.add(FirmMember(firm_id=firm.id, user_id=advisor.id, role="advisor"))
    not_advised = make_firm()
    db.session.commit()
    login(client, advisor)
    token = csrf(client, "/agency/invite")
    refused = client.post("/agency/invite", data={"csrf_token": token, "cohort": cohort.id, "firm": not_advised.id})
    assert refused.status_code == 422
    assert client.post("/agency/invite", data={"csrf_token": token, "cohort": cohort.id, "firm": firm.id}).status_code == 302
    invitation = db.session.scalar(select(CohortInvitation))
    assert invitation.firm_id == firm.id and invitation.source == "advisor" and invitation.state == "pending"
    assert db.session.scalar(select(func.count()).select_from(CohortMember)) == 0


def test_an_advisor_of_another_organisation_cannot_invite_to_this_cohort(app_ctx, client, cohort, create_user,
                                                                         create_organization):
    from maturity.firms.models import FirmMember

    other = create_organization(kind="cite")
    advisor = create_user(role="advisor", organization_id=other.id)
    firm = make_firm()
    db.session.add(FirmMember(firm_id=firm.id, user_id=advisor.id, role="advisor"))
    db.session.commit()
    login(client, advisor)
    token = csrf(client, "/agency/invite")
    response = client.post("/agency/invite", data={"csrf_token": token, "cohort": cohort.id, "firm": firm.id})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(CohortInvitation)) == 0


# --- an analyst sees aggregates, never a firm's answers ---------------------------------------

def test_an_analyst_reaches_no_assessment_and_no_answer(app, app_ctx, analyst_client, cohort, create_user):
    from maturity.assessments.models import Answer

    owner = create_user(role="owner")
    firms = [make_firm(owner=owner) for _ in range(5)]
    results = []
    for firm in firms:
        enrol(cohort, firm)
        results.append(add_result(firm, 55.0))
    db.session.add(Answer(assessment_id=results[0].id, item_id="common.t1.devices", option="dk",
                          note="NOTA-SECRETA-4711"))
    db.session.commit()
    # Every route that names an assessment or a firm answers 403/404 to the analyst.
    values = {"assessment_id": results[0].id, "a": results[0].id, "b": results[1].id, "firm_id": firms[0].id,
              "page": "T1", "lang": "es"}
    checked = 0
    for rule in app.url_map.iter_rules():
        if not set(rule.arguments) & {"assessment_id", "a", "firm_id"} or "GET" not in (rule.methods or ()):
            continue
        url = rule.build({name: values.get(name, "x") for name in rule.arguments}, append_unknown=False)[1]
        assert analyst_client.get(url).status_code in (403, 404), url
        checked += 1
    assert checked >= 4
    assert analyst_client.get(f"/assessments/{results[0].id}/results").status_code == 404
    # … and nothing the agency pages or exports show carries an answer.
    token = csrf(analyst_client, f"/agency/cohorts/{cohort.id}")
    pages = [analyst_client.get(f"/agency/cohorts/{cohort.id}{suffix}").get_data(as_text=True)
             for suffix in ("", "/impact", "/members")]
    pages.append(analyst_client.post(f"/agency/cohorts/{cohort.id}/export",
                                     data={"csrf_token": token, "format": "csv"}).get_data(as_text=True))
    assert not any("NOTA-SECRETA-4711" in page or "common.t1.devices" in page for page in pages)


# --- the demo cohort --------------------------------------------------------------------------

def test_the_demo_cohort_is_real_submissions_with_consent_and_idempotent(app_ctx, create_organization):
    from maturity.assessments.models import Assessment, DimensionScore
    from maturity.cohorts.demo import COHORT_NAME, seed_demo_cohort
    from maturity.cohorts.models import Cohort
    from maturity.demo import DEMO_ORGANIZATIONS

    create_organization(name=DEMO_ORGANIZATIONS[1]["name"], kind="agency")
    first = seed_demo_cohort(scale=0.1)
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == COHORT_NAME))
    assert cohort is not None and any("firms created" in line for line in first)
    counts = aggregates.funnel(cohort)
    assert counts.invited >= counts.joined >= counts.started >= counts.submitted >= 15
    submitted = db.session.scalars(select(Assessment).where(Assessment.status == "submitted")).all()
    assert all(a.result_snapshot and a.overall_score is not None for a in submitted)   # scored for real
    assert db.session.scalar(select(func.count()).select_from(DimensionScore)) == 12 * len(submitted)
    twice = db.session.scalar(select(func.count()).select_from(
        select(Assessment.firm_id).where(Assessment.status == "submitted").group_by(Assessment.firm_id)
        .having(func.count() >= 2).subquery()))
    assert twice >= 5
    members = db.session.scalars(select(CohortMember).where(CohortMember.cohort_id == cohort.id)).all()
    assert all(m.consent_version == CONSENT_VERSION and m.consent_at is not None for m in members)
    again = seed_demo_cohort(scale=0.1)
    assert again == [f"demo cohort present: {COHORT_NAME} ({len(members)} enrolled)"]
    assert db.session.scalar(select(func.count()).select_from(Assessment).where(Assessment.status == "submitted")) \
        == len(submitted)


# --- editing a cohort -------------------------------------------------------------------------

def _edit_form(token: str, **fields) -> dict:
    return {"csrf_token": token, "name": "Cohorte editada", "programme": "Kit Digital", "description": "",
            "period_start": "2026-01-01", "period_end": "2026-12-31"} | fields


def test_an_analyst_edits_the_cohort_and_its_period_moves_the_figures_at_once(app_ctx, analyst_client, cohort):
    enrolled_firms(cohort, [40.0, 50.0, 60.0, 70.0, 80.0])
    with analyst_client.application.test_request_context():
        from maturity.cohorts import figures

        assert figures.benchmarks(cohort)["firms"] == 5
    token = csrf(analyst_client, f"/agency/cohorts/{cohort.id}/edit")
    page = analyst_client.get(f"/agency/cohorts/{cohort.id}/edit?lang=es").get_data(as_text=True)
    assert cohort.name in page                                   # the form starts from what is stored
    response = analyst_client.post(f"/agency/cohorts/{cohort.id}/edit",
                                   data=_edit_form(token, period_start="2026-07-01"))
    assert response.status_code == 302
    db.session.expire_all()
    assert cohort.name == "Cohorte editada" and cohort.programme == "Kit Digital"
    assert cohort.period_start.isoformat() == "2026-07-01"
    # The results were submitted on 1 June: outside the new period, so no longer counted.
    html = analyst_client.get(f"/agency/cohorts/{cohort.id}?lang=en").get_data(as_text=True)
    assert 'data-state="updating"' not in html
    with analyst_client.application.test_request_context():
        assert figures.benchmarks(cohort)["firms"] is None      # none left: withheld, like any group under 5


@pytest.mark.parametrize("fields", [{"period_end": "2025-12-31"}, {"name": ""}, {"name": "x" * 201},
                                    {"period_start": "not a date"}])
def test_a_bad_edit_is_refused_in_the_users_language_and_changes_nothing(app_ctx, analyst_client, cohort, fields):
    before = (cohort.name, cohort.period_start, cohort.period_end)
    token = csrf(analyst_client, f"/agency/cohorts/{cohort.id}/edit")
    response = analyst_client.post(f"/agency/cohorts/{cohort.id}/edit?lang=es", data=_edit_form(token, **fields))
    assert response.status_code == 422
    assert "Revise las respuestas marcadas" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (cohort.name, cohort.period_start, cohort.period_end) == before


def test_another_organisations_analyst_cannot_edit(app_ctx, client, cohort, create_user, create_organization):
    outsider = create_user(role="analyst", organization_id=create_organization(kind="agency").id)
    login(client, outsider)
    token = csrf(client, "/account")
    assert client.post(f"/agency/cohorts/{cohort.id}/edit", data=_edit_form(token)).status_code == 404
    db.session.expire_all()
    assert cohort.name != "Cohorte editada"
