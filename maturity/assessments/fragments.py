"""Pieces of the questionnaire and results pages as HTML, kept once rendered.

Results: a submitted assessment's scores never change, and its plan changes only with an edit, a
status or the date; `frozen_results` and `plan_part` say what each kept piece is keyed on.

Questionnaire: a question, with its option list, is most of the page, and it depends only on the
item, the language, which options are chosen and whether the answer awaits confirmation: every
owner of a sector shares these combinations, so each is rendered once per process instead of on
every request. Only what is personal is rendered fresh each time: an advisor's interview notes,
an error or a conflict on the item.
Items are loaded once per process and never change, so a cache entry is keyed on the item object
itself (its id, checked against the stored object, so a reused id never serves another item).
Translations only change with a deploy, that is with a new process.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from flask import current_app, request, url_for
from markupsafe import Markup, escape

from maturity.assessments.pages import PROFILE_PAGE
from maturity.i18n import _
from maturity.templating import kept_table

# Option lists and questions are ~1.5 KB each: at most ~12 MB per worker. Eleven sectors × ~60 items ×
# two languages × a few common answers fit several times over.
MAX_ENTRIES = 8_000
_cache: dict[tuple, tuple[Any, Markup]] = {}


def chosen_options(answer: Any) -> tuple[str, ...]:
    """The option ids an answer holds (none, one, or several for a multiple-choice item)."""
    option = getattr(answer, "option", None) if answer is not None else None
    if option is None:
        return ()
    return (option,) if isinstance(option, str) else tuple(option)


def _kept(key: tuple, item: Any, render: Callable[[], Markup]) -> Markup:
    hit = _cache.get(key)
    if hit is not None and hit[0] is item:
        return hit[1]
    html = render()
    if len(_cache) >= MAX_ENTRIES:
        _cache.clear()
    _cache[key] = (item, html)
    return html


def choices(item: Any, lang: str, chosen: Iterable[str]) -> Markup:
    chosen = tuple(chosen)
    return _kept(("choices", id(item), lang, chosen), item, lambda: _render(item, lang, chosen))


def item_fieldset(item: Any, lang: str, answer: Any, guided: bool, error: str | None = None,
                  conflicts: Iterable[dict] = ()) -> Markup:
    """One question (`assessments/_item.html`): its text, help, options and notices."""
    macro = current_app.jinja_env.get_template("assessments/_item.html").module.fieldset
    chosen = chosen_options(answer)
    conflicts = list(conflicts)
    if error or conflicts or (guided and item.scored):  # notes, an error or a conflict: this person's own
        return macro(item, lang, answer, chosen, guided, error, conflicts)
    confirm = bool(getattr(answer, "needs_confirmation", False))
    return _kept(("fieldset", id(item), lang, chosen, confirm, guided), item,
                 lambda: macro(item, lang, answer, chosen, guided, None, []))


_DIVIDER = Markup('<hr class="reserved-divider">')
_CHOICE = Markup('<label class="choice{reserved}"><input type="{kind}" name="{name}" value="{value}"{checked}{exclusive}>'
                 '<span>{label}</span></label>')


def _render(item: Any, lang: str, chosen: tuple[str, ...]) -> Markup:
    """`Markup.format` escapes every argument: labels and ids can never become markup."""
    kind = "checkbox" if item.multiple else "radio"
    parts = []
    previous = None
    for option in item.options:
        if option.reserved and previous is not None and not previous.reserved:
            parts.append(_DIVIDER)
        parts.append(_CHOICE.format(
            reserved=" choice-reserved" if option.reserved else "", kind=kind, name=item.id, value=option.id,
            checked=" checked" if option.id in chosen else "",
            exclusive=" data-exclusive" if item.multiple and option.reserved else "",
            label=option.label.get(lang)))
        previous = option
    return Markup("\n").join(parts)


@dataclass(frozen=True)
class Step:
    """One entry of a questionnaire page's progress list."""

    url: str
    title: str
    count: str
    state: str  # "done" or "todo"
    current: bool


def progress_steps(questionnaire: Any, pages: Iterable[Any], page: str, assessment_id: int, lang: str,
                   profile_title: str) -> list[Step]:
    """The progress list: every page's link, title and "n of m answered", from `pages.progress`.

    The links differ only in their last segment, so the URL is built once and the page ids, which
    are plain letters and digits, are put in (quoted all the same)."""
    marker = "__page__"
    base = url_for("assessments.page", assessment_id=assessment_id, page=marker)
    counted = _("%(answered)s of %(shown)s answered")
    model = questionnaire.model
    return [Step(url=base.replace(marker, quote(p.page, safe="")),
                 title=profile_title if p.page == PROFILE_PAGE else model.dimension(p.page).title.get(lang),
                 count=counted % {"answered": p.answered, "shown": p.shown},
                 state="done" if p.complete else "todo", current=p.page == page)
            for p in pages]


@dataclass(frozen=True)
class FrozenResults:
    """The submitted assessment's unchanging part of the results page: its view and its HTML."""

    view: dict[str, Any]
    summary: Markup
    topics: Markup
    details: Markup


MAX_FROZEN = 256


def frozen_results(assessment: Any, lang: str) -> FrozenResults:
    """The scores, chart, gaps, items to find out and baseline of a submitted assessment, rendered
    once per app process for its id, submission time, firm name (the only thing of the firm shown that
    can still change), the baseline's version (an import or a new fit of its groups changes it),
    language and URL prefix; the most recently used `MAX_FROZEN` are kept.

    An owner comes back to this page after every status update and an advisor between client
    visits, while the plan, the cohort positions and the forms are built fresh for each request."""
    from maturity.assessments.results import frozen_view
    from maturity.baseline.standing import baseline_version
    from maturity.content import questionnaires

    firm_name = assessment.firm.name
    key = (assessment.id, assessment.submitted_at, firm_name, baseline_version(), lang, request.script_root)

    def make() -> FrozenResults:
        view = frozen_view(assessment, questionnaires(), lang)
        module = current_app.jinja_env.get_template("assessments/_results_frozen.html").module
        return FrozenResults(view, module.summary(assessment, firm_name, view), module.topics(view),
                             module.details(view))

    return kept_table("frozen results", MAX_FROZEN).get(key, make)


@dataclass(frozen=True)
class PlanPart:
    """The results page's plan (the view's dict) and its actions and programmes as HTML."""

    plan: dict[str, Any]
    actions: Markup
    programmes: Markup


MAX_PLANS = 256
_CSRF_SLOT = "csrf-slot-" + secrets.token_hex(16)  # cannot be typed into a plan: it is new in every process


def plan_part(assessment: Any, lang: str) -> PlanPart:
    """The plan of a submitted assessment, built and rendered once per app process for its edits' version,
    its action statuses, the day (programmes and date limits follow the calendar), language and URL
    prefix; the most recently used `MAX_PLANS` are kept. Each action's status form carries this
    visitor's CSRF token, put into the kept HTML on every request."""
    from flask_wtf.csrf import generate_csrf

    from maturity.assessments.results import plan_section
    from maturity.content import questionnaires
    from maturity.planning.dates import today
    from maturity.planning.store import plan_state

    day = today()
    key = (assessment.id, assessment.submitted_at, plan_state(assessment.id), day, lang, request.script_root)

    def make() -> PlanPart:
        plan = plan_section(assessment, questionnaires(), lang)
        module = current_app.jinja_env.get_template("assessments/_plan_part.html").module
        return PlanPart(plan, module.actions(assessment, plan, _CSRF_SLOT, day), module.programmes(plan))

    made = kept_table("plans", MAX_PLANS).get(key, make)
    return PlanPart(made.plan, made.actions.replace(_CSRF_SLOT, escape(generate_csrf())), made.programmes)
