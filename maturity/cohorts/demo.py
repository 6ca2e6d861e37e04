"""The synthetic demo cohort: "DEMO — Cohorte sintética", about 300 invented firms in the seed
clusters, owned by the demo analyst's organisation.

Everything is drawn from a seeded random generator, so every run builds the same cohort. Answers
are built from the real questionnaires and go through the real operations (save, submit), so the
scores, snapshots and DimensionScore rows are what an owner would get. Idempotent and resumable:
each firm is found by its name and only its missing steps are done.

The firms have no owner accounts (they are invented): their consent is recorded with its time
and text version and no `consented_by` user.
"""
from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import func, select, update

from maturity.assessments.models import Assessment
from maturity.assessments.operations import save_answers, start_assessment, submit_assessment
from maturity.cohorts.models import Cohort, CohortInvitation, CohortMember
from maturity.cohorts.operations import CONSENT_VERSION, new_join_code
from maturity.content import questionnaire_for_sector
from maturity.extensions import db
from maturity.firms.models import Firm
from maturity.organizations.models import Organization

log = logging.getLogger(__name__)

COHORT_NAME = "DEMO — Cohorte sintética"
SEED = 40


@dataclass(frozen=True)
class Cluster:
    label: str
    sector: str
    department: str
    firms: int
    level: float      # the cluster's typical practice level, 0–5


CLUSTERS = (
    Cluster("Gamarra", "textiles", "15", 50, 1.9),
    Cluster("Mercado Central", "retail", "15", 35, 1.4),
    Cluster("Tacna", "retail", "23", 30, 1.7),
    Cluster("Cusco", "tourism", "08", 35, 2.2),
    Cluster("Arequipa turismo", "tourism", "04", 20, 2.0),
    Cluster("Arequipa artesanía", "handicrafts", "04", 15, 1.5),
    Cluster("El Porvenir", "footwear", "13", 30, 1.5),
    Cluster("Villa El Salvador", "furniture", "15", 30, 1.4),
    Cluster("Paita–Talara", "fishery", "20", 25, 1.8),
    Cluster("Bambamarca", "agrifood", "06", 30, 1.0),
)
SYNTHETIC = SimpleNamespace(id=None, role="owner", email="synthetic@madurez.example")


def _stage(rng: random.Random) -> str:
    """What a firm has done: invited only, joined, started, submitted once, or twice."""
    roll = rng.random()
    if roll < 0.07:
        return "invited"
    if roll < 0.10:
        return "joined"
    if roll < 0.15:
        return "started"
    if roll < 0.52:
        return "followed_up"
    return "submitted"


def _answers(questionnaire, level: float, offsets: dict[str, float], rng: random.Random) -> dict:
    """An answer to every item, around `level` (plus the firm's offset for the dimension)."""
    answers = {}
    for item in questionnaire.items:
        own = [o for o in item.options if not o.reserved]
        if not item.scored:
            choice = rng.choice(own).id
            answers[item.id] = {"option": [choice] if item.multiple else choice}
            continue
        if rng.random() < 0.04:
            answers[item.id] = {"option": ["dk"] if item.multiple else "dk"}
            continue
        if item.na_offered and rng.random() < 0.04:
            answers[item.id] = {"option": ["na"] if item.multiple else "na"}
            continue
        target = max(0.0, min(5.0, level + offsets.get(item.dimension, 0.0) + rng.gauss(0, 0.8)))
        if item.type == "checklist":
            picked = [o.id for o in own if rng.random() < target / 5]
            answers[item.id] = {"option": picked or ["none"]}
        else:
            best = min(own, key=lambda o: (abs((o.level or 0) - target), rng.random()))
            answers[item.id] = {"option": best.id}
    return answers


def _submit(firm: Firm, questionnaire, level: float, offsets: dict[str, float], rng: random.Random,
            when: datetime, submit: bool = True) -> Assessment:
    assessment = start_assessment(firm, SYNTHETIC, questionnaire)
    save_answers(assessment, SYNTHETIC, questionnaire, f"demo-{firm.id}-{assessment.id}", 0,
                 _answers(questionnaire, level, offsets, rng))
    if submit:
        outcome = submit_assessment(assessment, SYNTHETIC, questionnaire)
        if not outcome.submitted_now:
            raise RuntimeError(f"demo assessment of {firm.name} could not be submitted: {outcome.missing[:3]}")
    # The demo's story happens over months: date it (a submitted assessment keeps these fields only).
    values = {"created_at": when - timedelta(minutes=25), "updated_at": when}
    if submit:
        values["submitted_at"] = when
    db.session.execute(update(Assessment).where(Assessment.id == assessment.id).values(**values))
    db.session.commit()
    return assessment


def seed_demo_cohort(scale: float | None = None, today: date | None = None) -> list[str]:
    """Create what is missing of the synthetic cohort; `scale` (default: config DEMO_COHORT_SCALE)
    shrinks it, so tests build a small one."""
    from flask import current_app

    started = time.monotonic()
    scale = scale if scale is not None else current_app.config.get("DEMO_COHORT_SCALE", 1.0)
    today = today or datetime.now(UTC).date()
    from maturity.demo import DEMO_ORGANIZATIONS

    organization = db.session.scalar(select(Organization).where(Organization.name == DEMO_ORGANIZATIONS[1]["name"]))
    if organization is None:
        return ["demo cohort skipped: the demo agency is missing"]
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == COHORT_NAME,
                                                    Cohort.organization_id == organization.id))
    lines = []
    if cohort is None:
        cohort = Cohort(organization_id=organization.id, name=COHORT_NAME, join_code=new_join_code(),
                        programme="DEMO — Programa de transformación digital (datos inventados)",
                        description="Empresas inventadas para mostrar tableros, supresión e impacto. No son datos reales.",
                        period_start=today - timedelta(days=330), period_end=today + timedelta(days=35))
        db.session.add(cohort)
        db.session.commit()
        lines.append(f"cohort created: {COHORT_NAME}")
    existing = {f.name: f for f in db.session.scalars(select(Firm).where(Firm.name.like("DEMO Sintética %")))}
    rng = random.Random(SEED)  # nosec B311
    created = submitted = 0
    for cluster in CLUSTERS:
        for number in range(1, max(1, round(cluster.firms * scale)) + 1):
            name = f"DEMO Sintética {cluster.label} {number:03d}"
            plan = _firm_plan(rng, cluster)   # drawn for every firm, so a resumed run draws the same
            firm = existing.get(name)
            if firm is None:
                firm = Firm(name=name, sector=cluster.sector, department=cluster.department, **plan["profile"])
                db.session.add(firm)
                db.session.commit()
                created += 1
            submitted += _complete(cohort, firm, plan, today)
    total = db.session.scalar(select(func.count()).select_from(CohortMember).where(CohortMember.cohort_id == cohort.id))
    if created or submitted:
        lines.append(f"demo cohort: {created} firms created, {submitted} assessments submitted, {total} enrolled "
                     f"({time.monotonic() - started:.1f} s)")
        from maturity.clustering.operations import fit_scope

        fitted = fit_scope(f"cohort:{cohort.id}", actor="demo")   # the analyst's typologies page has groups
        lines.append(f"demo cohort typologies: {fitted.typologies.message()}")
    else:
        lines.append(f"demo cohort present: {COHORT_NAME} ({total} enrolled)")
    log.info("demo cohort seeded: %s firms created, %s assessments submitted", created, submitted)
    return lines


def _firm_plan(rng: random.Random, cluster: Cluster) -> dict:
    size_roll = rng.random()
    band = "le150uit" if size_roll < 0.78 else "le1700uit" if size_roll < 0.97 else "le2300uit"
    employees = {"le150uit": rng.randint(1, 9), "le1700uit": rng.randint(10, 60), "le2300uit": rng.randint(50, 150)}[band]
    has_ruc = rng.random() < 0.8
    profile = {"annual_sales_band": band, "employees": employees, "has_ruc": has_ruc,
               "tax_regime": rng.choice(["nrus", "rer", "rmt"]) if has_ruc else "none",
               "issues_e_invoices": has_ruc and rng.random() < 0.6, "exports": rng.random() < 0.08,
               "export_intent": rng.random() < 0.3, "years_operating": rng.randint(1, 30),
               "association": rng.choice(["none", "none", "association", "cooperative", "cluster"])}
    level = max(0.2, min(4.5, rng.gauss(cluster.level, 0.7)))
    offsets = {f"{family}{i}": rng.gauss(0, 0.5) for family in "TM" for i in range(1, 7)}
    return {"profile": profile, "level": level, "offsets": offsets, "stage": _stage(rng),
            "gain": max(-0.3, rng.gauss(0.45, 0.35)), "baseline_day": rng.randint(5, 150),
            "follow_day": rng.randint(1, 60), "answers_seed": rng.randrange(1 << 30)}


def _complete(cohort: Cohort, firm: Firm, plan: dict, today: date) -> int:
    """Do the steps of `plan` the firm has not done yet; return how many assessments were submitted."""
    stage, done = plan["stage"], 0
    if stage == "invited":
        if db.session.scalar(select(CohortInvitation.id).where(CohortInvitation.cohort_id == cohort.id,
                                                               CohortInvitation.firm_id == firm.id)) is None:
            db.session.add(CohortInvitation(cohort_id=cohort.id, firm_id=firm.id, source="analyst"))
            db.session.commit()
        return 0
    baseline_at = datetime.combine(cohort.period_start, datetime.min.time(), UTC) + timedelta(
        days=plan["baseline_day"], hours=15)
    if db.session.scalar(select(CohortMember.id).where(CohortMember.cohort_id == cohort.id,
                                                       CohortMember.firm_id == firm.id)) is None:
        db.session.add(CohortMember(cohort_id=cohort.id, firm_id=firm.id, consent_version=CONSENT_VERSION,
                                    consent_at=baseline_at - timedelta(days=2)))
        db.session.commit()
    if stage == "joined":
        return 0
    rng = random.Random(plan["answers_seed"])  # nosec B311
    questionnaire = questionnaire_for_sector(firm.sector)
    assessments = db.session.scalars(select(Assessment).where(Assessment.firm_id == firm.id)
                                     .order_by(Assessment.id)).all()
    baseline_answers_rng = random.Random(rng.random())  # nosec B311
    follow_answers_rng = random.Random(rng.random())  # nosec B311
    if not assessments:
        _submit(firm, questionnaire, plan["level"], plan["offsets"], baseline_answers_rng, baseline_at,
                submit=stage != "started")
        done += stage != "started"
    if stage == "followed_up" and len([a for a in assessments if a.submitted]) < 2:
        follow_at = datetime.combine(today, datetime.min.time(), UTC) - timedelta(days=plan["follow_day"], hours=-14)
        _submit(firm, questionnaire, min(5.0, plan["level"] + plan["gain"]), plan["offsets"], follow_answers_rng,
                follow_at)
        done += 1
    return done
