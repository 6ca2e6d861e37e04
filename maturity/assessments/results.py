"""What the results and comparison pages show, built from a submitted assessment's frozen snapshot.

The numbers come from the snapshot taken at submit (the same engine as `POST /api/v1/score`), so
later edits to a questionnaire or a profile never change a past result.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from maturity.assessments.charts import radar
from maturity.assessments.models import Assessment
from maturity.baseline.standing import baseline_section
from maturity.plans import plan_from_snapshot
from maturity.plans.view import plan_page
from maturity.questionnaires.model import QuestionnaireSet
from maturity.questionnaires.visibility import shown_items


@dataclass(frozen=True)
class DimensionRow:
    id: str
    family: str
    title: str
    summary: str
    state: str
    score: float | None
    band: str | None
    band_label: str | None
    coverage: float
    level: int | None
    target: int | None
    now_text: str | None       # what this dimension looks like at the firm's level
    next_text: str | None      # … and at the target level
    weight: float


def _band_label(model, band_id: str | None, lang: str) -> str | None:
    if band_id is None:
        return None
    return next(b.label.get(lang) for b in model.bands if b.id == band_id)


def dimension_rows(snapshot: dict[str, Any], questionnaires: QuestionnaireSet, lang: str,
                   weights: dict[str, float] | None = None) -> list[DimensionRow]:
    model = questionnaires.model
    rows = []
    levels = snapshot.get("levels", {})
    for entry in snapshot["dimensions"]:
        dim = model.dimension(entry["id"])
        level = levels.get(dim.id, {}).get("level")
        target = levels.get(dim.id, {}).get("target")
        rows.append(DimensionRow(
            id=dim.id, family=dim.family, title=dim.title.get(lang), summary=dim.summary.get(lang),
            state=entry["state"], score=entry["score"], band=entry["band"],
            band_label=_band_label(model, entry["band"], lang), coverage=entry["coverage"], level=level, target=target,
            now_text=dim.levels[level].get(lang) if level is not None else None,
            next_text=dim.levels[target].get(lang) if target is not None else None,
            weight=(weights or {}).get(dim.id, 1.0)))
    return rows


def results_view(assessment: Assessment, questionnaires: QuestionnaireSet, lang: str) -> dict[str, Any]:
    """Everything the results page and the PDF plan show."""
    return (frozen_view(assessment, questionnaires, lang) | live_view(assessment)
            | {"plan": plan_section(assessment, questionnaires, lang)})


def frozen_view(assessment: Assessment, questionnaires: QuestionnaireSet, lang: str) -> dict[str, Any]:
    """What never changes once the assessment is submitted: its scores, gaps, the items to find out and
    its place in the Ruta Digital baseline (in `lang`, with the questionnaire texts of this process)."""
    snap = assessment.result_snapshot or {}
    questionnaire = questionnaires.get(assessment.questionnaire_id)
    weights = dict(questionnaire.dimension_weights) if questionnaire else {}
    rows = dimension_rows(snap, questionnaires, lang, weights)
    model = questionnaires.model
    scored = [r for r in rows if r.state == "scored"]
    # The largest gaps: how far each scored dimension is from 100, weighted by its sector importance.
    gaps = sorted(scored, key=lambda r: ((100 - r.score) * r.weight, -r.weight), reverse=True)[:3]
    find_out = []
    for item_id in snap.get("find_out", []):
        if questionnaire is not None and item_id in questionnaire:
            find_out.append({"id": item_id, "text": questionnaire.item(item_id).text.get(lang),
                             "help": (questionnaire.item(item_id).help.get(lang)
                                      if questionnaire.item(item_id).help else None)})
        else:
            find_out.append({"id": item_id, "text": item_id, "help": None})
    families = {f.id: f.title.get(lang) for f in model.families}
    return {
        "overall": snap["overall"] | {"band_label": _band_label(model, snap["overall"]["band"], lang)},
        "indices": {k: v | {"band_label": _band_label(model, v["band"], lang), "title": families[k]}
                    for k, v in snap["indices"].items()},
        "rows": rows,
        "gaps": gaps,
        "weakest": [r for r in rows if r.id in snap.get("weakest_links", [])],
        "find_out": find_out,
        "confidence": snap.get("confidence"),
        "radar": radar([(r.id, r.score) for r in rows]),
        "bands": [{"id": b.id, "label": b.label.get(lang), "min": b.min, "max": b.max} for b in model.bands],
        "version": snap.get("questionnaire", assessment.questionnaire_version),
        "baseline": baseline_section(snap, assessment.profile_snapshot, {r.id: r.title for r in rows}, lang),
    }


def live_view(assessment: Assessment) -> dict[str, Any]:
    """What can change after submission besides the plan (`plan_section`): the cohort positions and
    the previous assessment."""
    return {"cohort_positions": cohort_positions(assessment), "previous": previous_assessment(assessment)}


def previous_assessment(assessment: Assessment) -> Assessment | None:
    """The firm's submitted assessment before this one (the baseline of a follow-up), if any."""
    from sqlalchemy import select

    from maturity.extensions import db

    if assessment.submitted_at is None:
        return None
    return db.session.scalar(select(Assessment).where(
        Assessment.firm_id == assessment.firm_id, Assessment.status == "submitted", Assessment.id != assessment.id,
        Assessment.submitted_at <= assessment.submitted_at).order_by(Assessment.submitted_at.desc(),
                                                                      Assessment.id.desc()).limit(1))


def cohort_positions(assessment: Assessment) -> list[dict[str, Any]]:
    """Where this result stands in the firm's cohorts and among their firms of its sector, for
    groups of enough firms only (the cohorts feature's suppression rules decide)."""
    from maturity.cohorts.figures import firm_positions

    return firm_positions(assessment)


def plan_section(assessment: Assessment, questionnaires: QuestionnaireSet, lang: str, content=None,
                 max_age_days: int | None = None) -> dict[str, Any]:
    """"Your plan": built now from the frozen snapshot, profile and answers, with today's actions and
    programmes (programmes change every year; showing today's is intended)."""
    if content is None or max_age_days is None:
        from maturity.content import plan_content, programme_max_age_days

        content = content or plan_content()
        max_age_days = programme_max_age_days() if max_age_days is None else max_age_days
    questionnaire = questionnaires.get(assessment.questionnaire_id)
    profile = assessment.profile_snapshot or {}
    answers = {a.item_id: a.option for a in assessment.answers if a.option is not None}
    levels = {a.item_id: a.level for a in assessment.answers if a.level is not None}
    if questionnaire is not None:   # an answer to an item its conditions hid never counts
        shown = shown_items(questionnaire, answers, profile)
        levels = {item: level for item, level in levels.items() if item in shown}
    from maturity.planning.section import edited_page
    from maturity.planning.store import edits_of, statuses_of

    # The advisor's edits (targets, actions, programmes, sign-off) over the generated plan, with statuses.
    edits = edits_of(assessment.id)
    plan = plan_from_snapshot(content, assessment.result_snapshot or {}, profile, questionnaire, answers, levels,
                              max_age_days=max_age_days, targets=edits.targets or None)
    page = plan_page(plan, content, questionnaires.model, lang)
    return edited_page(page, edits, statuses_of(assessment.id), content, questionnaires.model, lang, max_age_days)


def comparison(first: Assessment, second: Assessment, questionnaires: QuestionnaireSet, lang: str) -> dict[str, Any]:
    """Per-dimension change from `first` to `second` (deltas only where both are scored)."""
    before = {r.id: r for r in dimension_rows(first.result_snapshot or {}, questionnaires, lang)}
    after = dimension_rows(second.result_snapshot or {}, questionnaires, lang)
    rows = []
    for row in after:
        old = before.get(row.id)
        delta = (round(row.score - old.score, 1)
                 if old is not None and old.score is not None and row.score is not None else None)
        rows.append({"row": row, "before": old, "delta": delta})
    overall = None
    if first.overall_score is not None and second.overall_score is not None:
        overall = round(second.overall_score - first.overall_score, 1)
    # The actions of the first plan done between the two assessments, per dimension.
    from maturity.planning.dates import lima_date
    from maturity.plans.edits import OTHER, done_between

    done = done_between(plan_section(first, questionnaires, lang), lima_date(first.submitted_at),
                        lima_date(second.submitted_at)) if first.submitted_at and second.submitted_at else {}
    for row in rows:
        row["done"] = done.get(row["row"].id, [])
    return {"rows": rows, "overall_delta": overall, "done_other": done.get(OTHER, []),
            "done_count": sum(len(v) for v in done.values())}
