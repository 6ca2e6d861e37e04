"""Builders for the plan-editing and follow-up tests: a client firm with an advisor and an owner,
guided assessments submitted through the real routes, and the editor's forms."""
from __future__ import annotations

import re

from sqlalchemy import select

from maturity.assessments.models import Assessment
from maturity.content import questionnaires
from maturity.extensions import db
from maturity.firms.models import FirmMember
from tests.functional.test_advisors import as_user, register_client
from tests.functional.test_assessment_flow import autosave, csrf, full_answers


def client_firm(app, advisor, owner):
    """A general-sector client firm registered by `advisor`, `owner` its owner."""
    firm, _link = register_client(as_user(app, advisor), sector="general")
    db.session.add(FirmMember(firm_id=firm.id, user_id=owner.id, role="owner"))
    db.session.commit()
    return firm


def guided_submitted(client, firm, start: str = "empty", answers: dict | None = None) -> Assessment:
    """A guided interview, answered in full (or with `answers` on top) and submitted."""
    token = csrf(client, f"/firms/{firm.id}")
    assert client.post(f"/advisor/firms/{firm.id}/assessments", data={"csrf_token": token, "start": start}).status_code == 302
    assessment = db.session.scalars(select(Assessment).where(Assessment.firm_id == firm.id)
                                    .order_by(Assessment.id.desc())).first()
    given = full_answers(questionnaires()["general"]) | (answers or {})
    body = {k: {"option": v} for k, v in given.items()}
    assert autosave(client, assessment.id, body, assessment.version).status_code == 200
    token = csrf(client, f"/assessments/{assessment.id}/review")
    assert client.post(f"/assessments/{assessment.id}/submit", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    return db.session.get(Assessment, assessment.id)


def editor(client, assessment_id: int) -> tuple[str, int, str]:
    """(csrf token, plan version, page html) of the plan editor."""
    html = client.get(f"/assessments/{assessment_id}/plan/edit?lang=en").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    version = int(re.search(r'name="version"[^>]*value="(\d+)"', html).group(1))
    return token, version, html


def action_ids(html: str) -> list[str]:
    """The plan's actions in page order (the editor and the results page mark them data-action)."""
    return re.findall(r'data-action="([^"]+)"', html)


def post(client, assessment_id: int, path: str, **data):
    token, version, _html = editor(client, assessment_id)
    return client.post(f"/assessments/{assessment_id}/plan/{path}?lang=en",
                       data={"csrf_token": token, "version": version} | data)


__all__ = ["as_user", "autosave", "csrf"]
