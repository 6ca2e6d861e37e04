"""Builders for cohort tests: organisations, cohorts, enrolled firms with submitted results.

`add_result` writes a submitted assessment and its DimensionScore rows directly (the scores are
chosen by the test, so aggregates can be checked exactly); `submit_real` goes through the real
operations (answers → scoring → DimensionScore) for the tests that need the whole path.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count

from maturity.assessments.models import Assessment, DimensionScore
from maturity.cohorts.models import Cohort, CohortMember
from maturity.cohorts.operations import CONSENT_VERSION, new_join_code
from maturity.extensions import db
from maturity.firms.models import Firm, FirmMember
from maturity.timeutil import utcnow
from tests.functional.test_assessment_flow import csrf, login  # noqa: F401 - re-exported for the cohort tests

DIMENSIONS = ("T1", "T2", "T3", "T4", "T5", "T6", "M1", "M2", "M3", "M4", "M5", "M6")
BANDS = ((20, "inicial"), (40, "basico"), (60, "intermedio"), (80, "avanzado"), (101, "lider"))
_serial = count(1)
# A moment inside every test cohort's period (2026).
IN_PERIOD = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)


def band(score: float | None) -> str | None:
    if score is None:
        return None
    return next(b for limit, b in BANDS if score < limit)


def make_cohort(org, name: str = "Cohorte de prueba", start: date = date(2026, 1, 1), end: date = date(2026, 12, 31),
                **fields) -> Cohort:
    cohort = Cohort(organization_id=org.id, name=name, period_start=start, period_end=end,
                    join_code=new_join_code(), **fields)
    db.session.add(cohort)
    db.session.commit()
    return cohort


def make_firm(owner=None, **fields) -> Firm:
    n = next(_serial)
    firm = Firm(name=fields.pop("name", f"Firma {n}"), **{"sector": "textiles", "department": "15"} | fields)
    db.session.add(firm)
    db.session.flush()
    if owner is not None:
        db.session.add(FirmMember(firm_id=firm.id, user_id=owner.id, role="owner"))
    db.session.commit()
    return firm


def enrol(cohort, firm, withdrawn: bool = False) -> CohortMember:
    member = CohortMember(cohort_id=cohort.id, firm_id=firm.id, consent_version=CONSENT_VERSION,
                          consent_at=utcnow() - timedelta(days=1))
    if withdrawn:
        member.withdrawn_at = utcnow()
    db.session.add(member)
    db.session.commit()
    return member


def add_result(firm, score: float, when: datetime = IN_PERIOD, dims: dict[str, float | None] | None = None,
               technology: float | None = None, management: float | None = None) -> Assessment:
    """A submitted assessment whose every figure is `score` unless given: overall, both indices and
    the twelve dimensions (a dimension given as None is 'not_applicable')."""
    dims = {d: score for d in DIMENSIONS} | (dims or {})
    assessment = Assessment(firm_id=firm.id, questionnaire_id="general", questionnaire_version="common@test",
                            status="submitted", submitted_at=when, created_at=when - timedelta(hours=1),
                            overall_score=score, overall_band=band(score),
                            technology_score=score if technology is None else technology,
                            management_score=score if management is None else management)
    assessment.result_snapshot = _snapshot(assessment, dims)
    db.session.add(assessment)
    db.session.flush()
    for dim, value in dims.items():
        db.session.add(DimensionScore(assessment_id=assessment.id, dimension=dim,
                                      state="scored" if value is not None else "not_applicable",
                                      score=value, band=band(value), coverage=1.0))
    db.session.commit()
    return assessment


def _snapshot(assessment, dims: dict[str, float | None]) -> dict:
    def part(value):
        return {"state": "scored" if value is not None else "not_applicable", "score": value,
                "band": band(value), "coverage": 1.0}

    return {"overall": part(assessment.overall_score),
            "indices": {"technology": part(assessment.technology_score), "management": part(assessment.management_score)},
            "dimensions": [{"id": d} | part(v) for d, v in dims.items()], "confidence": 1.0, "weakest_links": [],
            "find_out": [], "levels": {}, "questionnaire": assessment.questionnaire_version}


def enrolled_firms(cohort, scores: list[float], **firm_fields) -> list[Firm]:
    """Firms enrolled with consent, each with one submitted result."""
    firms = []
    for score in scores:
        firm = make_firm(**firm_fields)
        enrol(cohort, firm)
        add_result(firm, score)
        firms.append(firm)
    return firms


