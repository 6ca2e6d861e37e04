"""One small world of two tenants for the authorization matrix, the hostile-input tests and the
stored-XSS browser test.

Tenant A: organisation A (advisor_a, analyst_x), owner_a's firm A (advisor_a works with it) with a
submitted assessment (real answers, real scores: its plan PDF can be drawn) and a draft, enrolled
with consent in analyst_x's cohort X. Tenant B mirrors it: organisation B (advisor_b, analyst_y),
owner_b's firm B, cohort Y. Cross links that only the real parent may resolve: advisor_b asks for
access to firm A and advisor_a to firm B; cohort Y invites firm A and cohort X firm B. The admin
belongs to no organisation. `MISSING` is an id no table holds.

Every user-visible text of the world goes through `text(field, default)`, so the browser test can
put a hostile payload into every field.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask import Flask
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event, select

from maturity.advisors.models import AccessRequest
from maturity.advisors.operations import invite_owner
from maturity.assessments.models import Assessment
from maturity.assessments.operations import save_answers, start_assessment, submit_assessment
from maturity.assessments.results import plan_section
from maturity.auth.models import User
from maturity.cohorts.models import ApiToken, Cohort, CohortInvitation, CohortMember
from maturity.cohorts.operations import CONSENT_VERSION, new_join_code
from maturity.cohorts.tokens import token_hash
from maturity.content import questionnaires
from maturity.extensions import db
from maturity.firms.models import Firm, FirmMember
from maturity.organizations.models import Organization
from maturity.plans.edits import order_of

MISSING = 987_654
PERSONAS = ("anonymous", "owner_a", "owner_b", "advisor_a", "advisor_b", "analyst_x", "analyst_y", "admin")
ROLE = {"anonymous": None, "owner_a": "owner", "owner_b": "owner", "advisor_a": "advisor", "advisor_b": "advisor",
        "analyst_x": "analyst", "analyst_y": "analyst", "admin": "admin"}
RUC = {"a": "20131312955", "b": "20100066603"}


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)

    def id(self, name: str) -> int:
        return self.ids[name]


def _answers(questionnaire, note: str | None = None, evidence: str | None = None) -> dict:
    """An answer for every item (the second own option; a checklist: its first practice)."""
    batch = {}
    for item in questionnaire.items:
        own = [o.id for o in item.options if not o.reserved]
        option = own[:1] if item.multiple else own[min(1, len(own) - 1)]
        batch[item.id] = {"option": option}
        if note is not None:
            batch[item.id] |= {"note": note, "evidence": evidence or note}
    return batch


def build_world(text: Callable[[str, str], str] = lambda _field, default: default) -> World:
    """Write the world in the current app context and return its users and ids."""
    world = World()
    orgs = {}
    for side in ("a", "b"):
        org = Organization(name=text("organization.name", f"CITE {side.upper()}"), kind="cite")
        db.session.add(org)
        orgs[side] = org
    db.session.flush()
    confirmed = datetime.now(UTC)
    for persona in PERSONAS[1:]:
        side = {"owner_a": "a", "advisor_a": "a", "analyst_x": "a", "owner_b": "b", "advisor_b": "b",
                "analyst_y": "b"}.get(persona)
        user = User(email=f"{persona.replace('_', '.')}@example.pe", role=ROLE[persona], confirmed_at=confirmed,
                    organization_id=orgs[side].id if side and ROLE[persona] != "owner" else None)
        db.session.add(user)
        world.users[persona] = user
    db.session.flush()
    world.ids |= {"org_a": orgs["a"].id, "org_b": orgs["b"].id}
    world.ids |= {f"user_{p}": u.id for p, u in world.users.items()}

    textiles = questionnaires()["textiles"]
    for side, owner, advisor in (("a", "owner_a", "advisor_a"), ("b", "owner_b", "advisor_b")):
        firm = Firm(name=text("firm.name", f"Taller {side.upper()}"), sector="textiles", department="15",
                    has_ruc=True, ruc=RUC[side], organization_id=orgs[side].id)
        db.session.add(firm)
        db.session.flush()
        db.session.add(FirmMember(firm_id=firm.id, user_id=world.users[owner].id, role="owner"))
        adv = FirmMember(firm_id=firm.id, user_id=world.users[advisor].id, role="advisor")
        db.session.add(adv)
        db.session.commit()
        submitted = start_assessment(firm, world.users[advisor], textiles, mode="guided")
        outcome = save_answers(submitted, world.users[advisor], textiles, f"world-{side}-1", 0,
                               _answers(textiles, text("answer.note", "Nota"), text("answer.evidence", "Factura")))
        assert not outcome.problems and not outcome.conflicts, outcome
        assert submit_assessment(submitted, world.users[owner], textiles).submitted_now
        draft = start_assessment(firm, world.users[owner], textiles, previous=submitted)
        world.ids |= {f"firm_{side}": firm.id, f"advisor_member_{side}": adv.id,
                      f"submitted_{side}": submitted.id, f"draft_{side}": draft.id}
        world.secrets[f"owner_invitation_{side}"] = invite_owner(world.users[advisor], firm)
        # The first action of the plan (both firms answer alike, so their plans share it).
        plan = plan_section(submitted, questionnaires(), "es")
        world.secrets[f"plan_action_{side}"] = order_of(plan)[0][0]
        world.secrets[f"plan_programme_{side}"] = plan["programmes"][0]["id"]

    for side, analyst, name in (("a", "analyst_x", "X"), ("b", "analyst_y", "Y")):
        cohort = Cohort(organization_id=orgs[side].id, name=text("cohort.name", f"Cohorte {name}"),
                        programme=text("cohort.programme", "Kit Digital"),
                        description=text("cohort.description", "Programa de prueba"),
                        period_start=date(2026, 1, 1), period_end=date(2026, 12, 31), join_code=new_join_code(),
                        created_by_id=world.users[analyst].id)
        db.session.add(cohort)
        db.session.flush()
        member = CohortMember(cohort_id=cohort.id, firm_id=world.id(f"firm_{side}"), consent_version=CONSENT_VERSION,
                              consent_at=datetime.now(UTC) - timedelta(days=1),
                              consented_by_id=world.users[f"owner_{side}"].id)
        raw = f"mz4_world_{side}_token_0123456789"
        token = ApiToken(user_id=world.users[analyst].id, organization_id=orgs[side].id,
                         name=text("token.name", f"script {name}"), token_hash=token_hash(raw), prefix=raw[:12])
        db.session.add_all([member, token])
        db.session.flush()
        world.ids |= {f"cohort_{side}": cohort.id, f"member_{side}": member.id, f"token_{side}": token.id}
        world.secrets |= {f"bearer_{side}": raw, f"join_code_{side}": cohort.join_code}

    # Cross-tenant objects: each points at the other side, so only the real parent resolves them.
    for side, other in (("a", "b"), ("b", "a")):
        invitation = CohortInvitation(cohort_id=world.id(f"cohort_{other}"), firm_id=world.id(f"firm_{side}"),
                                      ruc=RUC[side], source="advisor")
        access = AccessRequest(firm_id=world.id(f"firm_{side}"), advisor_id=world.users[f"advisor_{other}"].id)
        db.session.add_all([invitation, access])
        db.session.flush()
        world.ids |= {f"invitation_{side}": invitation.id, f"access_{side}": access.id}
    db.session.commit()
    assert db.session.get(Assessment, world.id("submitted_a")).submitted
    return world


# --- for the fixtures of the test modules ----------------------------------------------------------

def make_security_app(make_app, monkeypatch) -> Flask:
    """An app without rate limits (not what these tests are about) that draws no PDF."""
    from maturity import jobs

    monkeypatch.setattr(jobs, "submit", lambda *args, **kwargs: "job")
    return make_app(RATELIMIT_ENABLED=False)


def world_in(app: Flask, text: Callable[[str, str], str] | None = None) -> Iterator[World]:
    """The world, written in an app context that stays open for the test's own reads (its
    transactions open with a deferred BEGIN, as conftest's app_ctx does)."""
    from maturity.database import reset_write_intent, set_write_intent

    token = set_write_intent(False)
    with app.app_context():
        yield build_world(text) if text else build_world()
    reset_write_intent(token)


class WriteLog:
    """Every INSERT/UPDATE/DELETE sent to the database while listening, with its statement."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        verb = statement.lstrip().split(None, 1)[0].upper()
        if verb in {"INSERT", "UPDATE", "DELETE", "REPLACE"}:
            self.statements.append(" ".join(statement.split())[:120])

    def take(self) -> list[str]:
        taken, self.statements = self.statements, []
        return taken


def listening(log: WriteLog) -> Iterator[WriteLog]:
    """Listen on the current app's engine for the duration of a fixture."""
    engine = db.engine
    event.listen(engine, "before_cursor_execute", log)
    yield log
    event.remove(engine, "before_cursor_execute", log)


def prepare_session(client, user_id: int | None) -> str:
    """Log the client in as `user_id` (None: anonymous), drop messages left by an earlier call,
    and return a valid CSRF token for its session, signed as Flask-WTF signs it (so no page has
    to be loaded before each POST)."""
    token = None
    if user_id is not None:
        db.session.expire_all()
        token = db.session.scalar(select(User.session_token).where(User.id == user_id))
    with client.session_transaction() as sess:
        if token is None:
            sess.pop("_user_id", None)
        elif sess.get("_user_id") != token:
            sess["_user_id"], sess["_fresh"] = token, True
        sess.pop("_flashes", None)
        raw = sess.setdefault("csrf_token", uuid.uuid4().hex * 2)
    app = client.application
    secret_key = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    return URLSafeTimedSerializer(secret_key, salt="wtf-csrf-token").dumps(raw)
