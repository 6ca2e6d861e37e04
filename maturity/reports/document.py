"""The plan document: what the PDF says, as HTML, and the key its file is stored under.

Built in the web process from the same view as the results page (`results_view`: frozen
scores, and the plan engine's "Your plan" when it is there), so the PDF and the HTML plan never
disagree. Jinja renders it with autoescaping in the language asked for; WeasyPrint only ever
sees the finished string, in a process of its own (`maturity.reports.storage.render_into_store`).
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from flask import render_template

from maturity.assessments.models import Assessment
from maturity.assessments.results import comparison, results_view
from maturity.content import questionnaires
from maturity.firms.labels import SECTOR_LABELS
from maturity.i18n import use_language
from maturity.questionnaires.profile import DEPARTMENTS
from maturity.reports import assets
from maturity.reports.storage import PlanKey

TOP = 3


@dataclass(frozen=True)
class PlanDocument:
    """The finished HTML of one assessment's plan in one language, and where its PDF belongs."""

    html: str
    key: PlanKey
    download_name: str


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _priorities(view: dict[str, Any]) -> list[dict[str, Any]]:
    """The first three actions of the plan (plan order is priority order), else the largest gaps."""
    plan = view.get("plan")
    if plan and plan.get("horizons"):
        return [a | {"horizon_label": h["label"]} for h in plan["horizons"] for a in h["actions"]][:TOP]
    return [{"title": r.title, "dimension": r.id, "next_text": r.next_text} for r in view["gaps"][:TOP]]


def _sector(assessment: Assessment, lang: str) -> str:
    sector = (assessment.profile_snapshot or {}).get("sector") or assessment.questionnaire_id
    questionnaire = questionnaires().get(sector)
    if questionnaire is not None and sector != "general":
        return questionnaire.title.get(lang)
    return str(SECTOR_LABELS.get(sector, sector))


def document_context(assessment: Assessment, lang: str) -> dict[str, Any]:
    """Everything the template shows (call inside `use_language(lang)`: labels are translated)."""
    view = results_view(assessment, questionnaires(), lang)
    plan = view.get("plan")
    profile = assessment.profile_snapshot or {}
    return {
        "lang": lang,
        "html_lang": "es-PE" if lang == "es" else "en",
        "firm": assessment.firm.name,
        "sector": _sector(assessment, lang),
        "department": DEPARTMENTS.get(profile.get("department") or ""),
        "submitted_at": assessment.submitted_at,
        "version": view["version"],
        # Who assessed, and the advisor's sign-off when the plan was signed (template block assessed_by).
        "assessed_by": {"mode": assessment.mode, "signature": (plan or {}).get("signature")},
        "followup": _followup(assessment, view, lang),
        "view": view,
        "plan": plan,
        "priorities": _priorities(view),
        "top_programmes": (plan or {}).get("programmes", [])[:TOP],
        "glossary": assets.glossary(lang),
        "plan_data_version": (plan or {}).get("version", "-"),
    }


def _followup(assessment: Assessment, view: dict[str, Any], lang: str) -> dict[str, Any] | None:
    """A follow-up assessment's progress since the previous one: per dimension, with the actions done."""
    previous = view.get("previous")
    if previous is None:
        return None
    return comparison(previous, assessment, questionnaires(), lang) | {"previous": previous}


def render_html(assessment: Assessment, lang: str) -> tuple[str, dict[str, Any]]:
    """(the plan's HTML in `lang`, its context). Needs an app context; never stores `lang`."""
    with use_language(lang):
        context = document_context(assessment, lang)
        return render_template("reports/plan.html", doc=context), context


def plan_version(assessment: Assessment, context: dict[str, Any]) -> str:
    """A hash of what the plan says: a changed plan (new programmes, new actions) gets a new file."""
    followup = context.get("followup") or {}
    return _digest({"snapshot": assessment.result_snapshot, "profile": assessment.profile_snapshot,
                    "firm": context["firm"], "plan": context["plan"], "gaps": [r.id for r in context["view"]["gaps"]],
                    # edits, sign-off and statuses are in "plan"; named again so a change can never be missed
                    "edits": (context["plan"] or {}).get("edit_version"),
                    "signature": context["assessed_by"].get("signature"),
                    "followup": [(r["row"].id, r["delta"], [a["id"] for a in r["done"]]) for r in followup.get("rows", [])]})


def build_document(assessment: Assessment, lang: str) -> PlanDocument:
    """The plan document of a submitted assessment, keyed for storage."""
    html, context = render_html(assessment, lang)
    content_hash = hashlib.sha256(html.encode() + b"\0" + assets.fingerprint().encode()).hexdigest()[:16]
    key = PlanKey(assessment.id, lang, plan_version(assessment, context), content_hash)
    return PlanDocument(html=html, key=key, download_name=download_name(context["firm"], lang, assessment.id))


# --- the file name a browser saves -----------------------------------------------------------------

def _slug(text: str) -> str:
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", text).lower())
    return "-".join(words)[:60].strip("-")


def download_name(firm: str, lang: str, assessment_id: int) -> str:
    """plan-<firm>-<lang>.pdf, letters of any alphabet kept; nothing a header could misread."""
    slug = _slug(firm) or f"assessment-{assessment_id}"
    return f"plan-{slug}-{lang}.pdf"


def content_disposition(name: str) -> str:
    """RFC 6266: an ASCII fallback and the UTF-8 name (RFC 5987), both safe by construction."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip("-") or "plan.pdf"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
