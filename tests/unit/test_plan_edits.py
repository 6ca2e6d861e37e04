"""The edited plan = the generated plan + the advisor's edits (pure merge), moves, status and progress."""
from __future__ import annotations

from datetime import date

import pytest

from maturity.plans.edits import (
    OTHER,
    ActionEdit,
    CustomAction,
    PlanEdits,
    ProgrammeEdit,
    Signature,
    Status,
    done_between,
    merge,
    moved,
    order_of,
    with_status,
)

LABELS = {"0-3": "0–3 months", "3-12": "3–12 months", "12-24": "12–24 months"}
TITLES = {"T1": "Infrastructure", "M1": "Strategy"}


def action(action_id: str, dimension: str = "T1", needed_by: tuple[str, ...] = ()) -> dict:
    return {"id": action_id, "title": f"Title {action_id}", "dimension": dimension, "needed_by_ids": list(needed_by),
            "needed_by": [f"Title {i}" for i in needed_by]}


def page() -> dict:
    return {
        "horizons": [{"id": "0-3", "label": "0–3 months", "actions": [action("a"), action("b", needed_by=("c",))]},
                     {"id": "3-12", "label": "3–12 months", "actions": [action("c", "M1")]}],
        "programmes": [{"id": "p1", "name": "P1"}, {"id": "p2", "name": "P2"}],
        "unlockable": [], "count": 3, "version": "v",
    }


def library(action_id: str) -> dict | None:
    return {"lib": action("lib", "M1") | {"horizon": "12-24"}}.get(action_id)


def registry(programme_id: str) -> dict | None:
    return {"p9": {"id": "p9", "name": "P9"}}.get(programme_id)


def run(edits: PlanEdits, lang: str = "en", source: dict | None = None) -> dict:
    return merge(source or page(), edits, lang, library=library, programme=registry, horizon_labels=LABELS,
                 dimension_titles=TITLES)


def ids(result: dict) -> list[tuple[str, str]]:
    return order_of(result)


def test_no_edits_is_the_generated_plan():
    result = run(PlanEdits())
    assert ids(result) == [("a", "0-3"), ("b", "0-3"), ("c", "3-12")]
    assert [p["id"] for p in result["programmes"]] == ["p1", "p2"]
    assert result["edited"] is False and result["removed"] == [] and result["signature"] is None


def test_the_merge_does_not_change_its_input():
    source = page()
    run(PlanEdits(actions=(ActionEdit("a", removed=True),)), source=source)
    assert source == page()


def test_removed_actions_leave_the_plan_and_the_needed_by_texts():
    result = run(PlanEdits(actions=(ActionEdit("c", removed=True),)))
    assert ids(result) == [("a", "0-3"), ("b", "0-3")]
    assert [a["id"] for a in result["removed"]] == ["c"] and result["count"] == 2
    assert result["horizons"][0]["actions"][1]["needed_by"] == []  # "needed first for" a removed action: gone


def test_positions_and_horizons_reorder_the_plan():
    edits = PlanEdits(actions=(ActionEdit("a", position=2, horizon="0-3"), ActionEdit("b", position=1, horizon="0-3"),
                               ActionEdit("c", position=0, horizon="0-3")))
    assert ids(run(edits)) == [("c", "0-3"), ("b", "0-3"), ("a", "0-3")]


def test_actions_without_a_position_follow_in_plan_order():
    edits = PlanEdits(actions=(ActionEdit("b", position=0),), custom=(
        CustomAction("custom_1", "0-3", {"es": "Propia", "en": "Own"}),))
    assert ids(run(edits)) == [("b", "0-3"), ("a", "0-3"), ("custom_1", "0-3"), ("c", "3-12")]


def test_library_and_custom_actions_are_added():
    edits = PlanEdits(actions=(ActionEdit("lib", added=True), ActionEdit("gone-from-library", added=True)),
                      custom=(CustomAction("custom_1", "3-12", {"es": "Llevar caja", "en": "Keep a cash book"},
                                           {"es": "Cada día", "en": "Every day"}, "M1"),))
    result = run(edits)
    assert ids(result) == [("a", "0-3"), ("b", "0-3"), ("c", "3-12"), ("custom_1", "3-12"), ("lib", "12-24")]
    custom = result["horizons"][1]["actions"][1]
    assert custom["custom"] and custom["title"] == "Keep a cash book" and custom["dimension_title"] == "Strategy"
    assert custom["only_lang"] is None and [h["label"] for h in result["horizons"]][-1] == "12–24 months"


@pytest.mark.parametrize(("lang", "title", "label"), [("es", "Solo en castellano", None),
                                                       ("en", "Solo en castellano", "es")])
def test_a_single_language_action_is_shown_with_its_language_in_the_other(lang, title, label):
    edits = PlanEdits(custom=(CustomAction("custom_1", "0-3", {"es": "Solo en castellano", "en": ""}),))
    entry = run(edits, lang)["horizons"][0]["actions"][-1]
    assert entry["title"] == title and entry["only_lang"] == label


def test_programmes_removed_added_and_noted():
    edits = PlanEdits(programmes=(ProgrammeEdit("p1", "remove", "Ya participa"), ProgrammeEdit("p2", "keep", " Ir en marzo "),
                                  ProgrammeEdit("p9", "add", "Encaja"), ProgrammeEdit("unknown", "add")))
    result = run(edits)
    assert [(p["id"], p["note"], p["added"]) for p in result["programmes"]] == [("p2", "Ir en marzo", False),
                                                                             ("p9", "Encaja", True)]
    assert [p["id"] for p in result["programmes_removed"]] == ["p1"]


def test_summary_signature_and_targets_travel_along():
    signed = Signature("Ana Quispe", "CITE Textil", date(2026, 3, 1))
    result = run(PlanEdits(targets={"T1": 3}, summary="  Priorizar caja.  ", signature=signed, version=4))
    assert result["summary"] == "Priorizar caja." and result["signature"] == signed
    assert result["targets"] == {"T1": 3} and result["edited"] and result["edit_version"] == 4


def test_same_plan_and_edits_give_the_same_result():
    edits = PlanEdits(actions=(ActionEdit("c", position=0, horizon="0-3"), ActionEdit("lib", added=True)))
    assert run(edits) == run(edits)


# --- moves --------------------------------------------------------------------------------------------

ORDER = [("a", "0-3"), ("b", "0-3"), ("c", "3-12")]


@pytest.mark.parametrize(("action_id", "direction", "expected"), [
    ("b", "up", [("b", "0-3"), ("a", "0-3"), ("c", "3-12")]),             # swap within the horizon
    ("c", "up", [("a", "0-3"), ("b", "0-3"), ("c", "0-3")]),              # into the end of the earlier horizon
    ("b", "down", [("a", "0-3"), ("b", "3-12"), ("c", "3-12")]),          # into the start of the later one
    ("c", "down", [("a", "0-3"), ("b", "0-3"), ("c", "12-24")]),
    ("a", "up", None),                                                    # first of the first horizon
    ("x", "up", None),
    ("a", "sideways", None),
])
def test_moves(action_id, direction, expected):
    assert moved(ORDER, action_id, direction) == expected


def test_the_last_action_of_the_last_horizon_cannot_go_down():
    assert moved([("a", "12-24")], "a", "down") is None


# --- status and progress -----------------------------------------------------------------------------

def test_status_defaults_to_not_started_and_is_counted():
    result = with_status(run(PlanEdits()), {"a": Status("done", date(2026, 2, 1), 2), "c": Status("in_progress",
                                                                                                 date(2026, 1, 5))})
    actions = {a["id"]: a for h in result["horizons"] for a in h["actions"]}
    assert actions["a"]["status"] == "done" and actions["a"]["status_version"] == 2
    assert actions["b"]["status"] == "not_started" and actions["b"]["status_on"] is None
    assert result["status_counts"] == {"not_started": 1, "in_progress": 1, "done": 1}


def test_done_between_groups_by_dimension_and_keeps_to_the_dates():
    custom = CustomAction("custom_1", "0-3", {"es": "x", "en": "x"})
    plan = run(PlanEdits(custom=(custom,)))
    statuses = {"a": Status("done", date(2026, 2, 1)), "b": Status("done", date(2025, 12, 31)),
                "c": Status("in_progress", date(2026, 2, 1)), "custom_1": Status("done", date(2026, 6, 30))}
    done = done_between(with_status(plan, statuses), date(2026, 1, 1), date(2026, 6, 30))
    assert {k: [a["id"] for a in v] for k, v in done.items()} == {"T1": ["a"], OTHER: ["custom_1"]}

