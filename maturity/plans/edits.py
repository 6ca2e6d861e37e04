"""The edited plan: the generated plan plus an advisor's edits, and action status. Pure (no Flask,
no database).

The plan of a submitted assessment is generated from its frozen snapshot, so it stays reproducible;
what an advisor changes is kept apart as edits (`maturity.planning.models`) and merged here:

- targets are not merged here: the engine builds the plan with them (`plan_from_snapshot(targets=…)`);
- a removed action is left out of the plan (listed in `removed`, so the edit page can put it back);
- added actions: library actions by their stable id, and custom actions with their own texts in
  Spanish and English, or in one language only (`only_lang`: the page labels it in the other);
- order: every action may have a horizon of its own and a position; the plan is sorted by horizon,
  then position; actions without a position (new after a target change) follow in plan order;
- programmes: removed ones are left out (listed in `programmes_removed`), added ones come from the
  registry; any programme may carry the advisor's note;
- the summary and the sign-off travel along unchanged.

Same generated plan + same edits → same edited plan. Unknown ids in the edits (an action that left
the library) are ignored, never an error: a past plan must always open.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from maturity.plans.schema import HORIZONS

LANGS = ("es", "en")
STATUSES = ("not_started", "in_progress", "done")
CUSTOM_PREFIX = "custom_"   # never a library id: those match ^[a-z0-9]+(-[a-z0-9]+)*$
TITLE_MAX = 200
DESCRIPTION_MAX = 1000
NOTE_MAX = 500
SUMMARY_MAX = 4000
NAME_MAX = 120
ORGANIZATION_MAX = 200
OTHER = "other"             # the "dimension" of a custom action that names none


@dataclass(frozen=True)
class ActionEdit:
    """What the advisor changed about one action of the plan (library or custom)."""

    action_id: str
    added: bool = False          # a library action the generated plan did not have
    removed: bool = False
    position: int | None = None
    horizon: str | None = None   # moved to another horizon


@dataclass(frozen=True)
class CustomAction:
    """An action the advisor wrote: texts in both languages, or in one (the other left empty)."""

    id: str
    horizon: str
    title: Mapping[str, str]
    description: Mapping[str, str] = field(default_factory=dict)
    dimension: str | None = None

    @property
    def only_lang(self) -> str | None:
        """The one language it is written in, or None when it has both."""
        written = [lang for lang in LANGS if (self.title.get(lang) or "").strip()]
        return written[0] if len(written) == 1 else None

    def text(self, mapping: Mapping[str, str], lang: str) -> str:
        own = (mapping.get(lang) or "").strip()
        return own or (mapping.get(self.only_lang or lang) or "").strip()


@dataclass(frozen=True)
class ProgrammeEdit:
    """A programme added or removed (`change`: add | remove | keep), with the advisor's note."""

    programme_id: str
    change: str = "keep"
    note: str = ""


@dataclass(frozen=True)
class Signature:
    name: str
    organization: str
    on: date


@dataclass(frozen=True)
class PlanEdits:
    """Every edit of one assessment's plan; `version` counts saves (optimistic concurrency)."""

    targets: Mapping[str, int] = field(default_factory=dict)
    actions: tuple[ActionEdit, ...] = ()
    custom: tuple[CustomAction, ...] = ()
    programmes: tuple[ProgrammeEdit, ...] = ()
    summary: str = ""
    signature: Signature | None = None
    version: int = 0

    @property
    def empty(self) -> bool:
        return not (self.targets or self.actions or self.custom or self.programmes or self.summary.strip()
                    or self.signature)


@dataclass(frozen=True)
class Status:
    status: str
    on: date
    version: int = 0


def custom_entry(action: CustomAction, lang: str, dimension_titles: Mapping[str, str]) -> dict[str, Any]:
    """A custom action as the plan page shows an action (the fields it lacks are None)."""
    return {"id": action.id, "title": action.text(action.title, lang),
            "description": action.text(action.description, lang), "indicator": None, "effort": None,
            "effort_label": None, "cost_label": None, "dimension": action.dimension,
            "dimension_title": dimension_titles.get(action.dimension or "", None), "from_level": None,
            "to_level": None, "needed_by": [], "needed_by_ids": [], "horizon": action.horizon, "custom": True,
            "only_lang": action.only_lang if action.only_lang != lang else None}


def merge(page: Mapping[str, Any], edits: PlanEdits, lang: str, *,
          library: Callable[[str], dict[str, Any] | None],
          programme: Callable[[str], dict[str, Any] | None],
          horizon_labels: Mapping[str, str], dimension_titles: Mapping[str, str]) -> dict[str, Any]:
    """The plan page (`maturity.plans.view.plan_page`) with `edits` applied.

    `library(id)` gives a library action as a page entry (with its own `horizon`), `programme(id)`
    a registry programme as a page entry; both None for an unknown id.
    """
    edit_of = {e.action_id: e for e in edits.actions}
    entries = [dict(a, horizon=h["id"]) for h in page.get("horizons", []) for a in h["actions"]]
    present = {e["id"] for e in entries}
    for edit in edits.actions:
        if edit.added and edit.action_id not in present and not edit.action_id.startswith(CUSTOM_PREFIX):
            entry = library(edit.action_id)
            if entry is not None:
                entries.append(dict(entry, added=True))
                present.add(edit.action_id)
    entries += [custom_entry(c, lang, dimension_titles) for c in edits.custom if c.horizon in HORIZONS]

    kept, removed = [], []
    for index, entry in enumerate(entries):
        edit = edit_of.get(entry["id"])
        if edit is not None and edit.horizon in HORIZONS:
            entry["horizon"] = edit.horizon
        position = edit.position if edit is not None and edit.position is not None else None
        key = (HORIZONS.index(entry["horizon"]), position is None, position or 0, index)
        (removed if edit is not None and edit.removed else kept).append((key, entry))
    kept.sort(key=lambda pair: pair[0])
    titles = {e["id"]: e["title"] for _k, e in kept}
    actions = []
    for _key, entry in kept:
        ids = [i for i in entry.get("needed_by_ids", []) if i in titles]
        actions.append(dict(entry, needed_by=[titles[i] for i in ids], needed_by_ids=ids))
    horizons = [{"id": h, "label": horizon_labels.get(h, h), "actions": [a for a in actions if a["horizon"] == h]}
                for h in HORIZONS if any(a["horizon"] == h for a in actions)]

    programmes, programmes_removed = _programmes(page.get("programmes", []), edits, programme)
    return dict(page, horizons=horizons, count=len(actions), removed=[e for _k, e in removed],
                programmes=programmes, programmes_removed=programmes_removed, summary=edits.summary.strip(),
                signature=edits.signature, targets=dict(edits.targets), edited=not edits.empty,
                edit_version=edits.version)


def _programmes(generated: list[dict[str, Any]], edits: PlanEdits,
                programme: Callable[[str], dict[str, Any] | None]) -> tuple[list[dict], list[dict]]:
    edit_of = {e.programme_id: e for e in edits.programmes}
    kept, removed = [], []
    for entry in generated:
        edit = edit_of.get(entry["id"])
        entry = dict(entry, note=(edit.note.strip() if edit else ""), added=False)
        (removed if edit is not None and edit.change == "remove" else kept).append(entry)
    present = {e["id"] for e in generated}
    for edit in edits.programmes:
        if edit.change == "add" and edit.programme_id not in present:
            entry = programme(edit.programme_id)
            if entry is not None:
                kept.append(dict(entry, note=edit.note.strip(), added=True))
    return kept, removed


def order_of(page: Mapping[str, Any]) -> list[tuple[str, str]]:
    """[(action id, horizon)] of a (merged) plan page, in plan order."""
    return [(a["id"], h["id"]) for h in page.get("horizons", []) for a in h["actions"]]


def moved(order: list[tuple[str, str]], action_id: str, direction: str) -> list[tuple[str, str]] | None:
    """The order after moving one action up or down; None when it cannot move.

    Within a horizon the action swaps with its neighbour; at the edge of its horizon it moves into
    the next horizon (up: to the end of the earlier one; down: to the start of the later one).
    """
    ids = [i for i, _h in order]
    if action_id not in ids or direction not in ("up", "down"):
        return None
    index = ids.index(action_id)
    horizon = order[index][1]
    rank = HORIZONS.index(horizon)
    new = list(order)
    step = -1 if direction == "up" else 1
    neighbour = index + step
    if 0 <= neighbour < len(order) and order[neighbour][1] == horizon:
        new[index], new[neighbour] = new[neighbour], new[index]
        return new
    if not 0 <= rank + step < len(HORIZONS):
        return None
    new[index] = (action_id, HORIZONS[rank + step])
    # Keep the list sorted by horizon: the action is now last of the earlier horizon or first of the later.
    return sorted(new, key=lambda pair: HORIZONS.index(pair[1]))  # stable: the rest keep their order


def with_status(page: Mapping[str, Any], statuses: Mapping[str, Status]) -> dict[str, Any]:
    """Each action with its status (not started unless recorded) and the counts per status."""
    counts = dict.fromkeys(STATUSES, 0)
    horizons = []
    for horizon in page.get("horizons", []):
        actions = []
        for action in horizon["actions"]:
            status = statuses.get(action["id"])
            state = status.status if status else "not_started"
            counts[state] += 1
            actions.append(dict(action, status=state, status_on=status.on if status else None,
                                status_version=status.version if status else 0))
        horizons.append(dict(horizon, actions=actions))
    return dict(page, horizons=horizons, status_counts=counts)


def done_between(page: Mapping[str, Any], start: date, end: date) -> dict[str, list[dict[str, Any]]]:
    """{dimension id (or OTHER): [actions done from `start` to `end`, both included]} of a plan page
    that has statuses (`with_status`)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for horizon in page.get("horizons", []):
        for action in horizon["actions"]:
            on = action.get("status_on")
            if action.get("status") == "done" and on is not None and start <= on <= end:
                out.setdefault(action.get("dimension") or OTHER, []).append(action)
    return out

