"""Unit-test fixtures for questionnaires and scoring (no Flask, no database).

Hypothesis profiles: `dev` (default) and `ci` (fewer examples, derandomised, no deadline, no
example database), chosen with the environment variable HYPOTHESIS_PROFILE.
"""
from __future__ import annotations

import os
from copy import deepcopy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from maturity.questionnaires import Questionnaire, QuestionnaireSet, build, load_questionnaires
from maturity.questionnaires.reading import parse_yaml

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("ci", max_examples=50, deadline=None, derandomize=True, database=None,
                          print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "questionnaires"


def text(words: str) -> dict[str, str]:
    """A bilingual text for test items."""
    return {"es": f"{words} (es)", "en": words}


class Builder:
    """Makes small questionnaires from item dicts, to pin scoring rules down one at a time.

    Items go into a sector module `retail` composed with a one-item common core (an unscored
    profile question), on the fixture dimensions.yaml. Single-choice options are named after
    their level (`l0` … `l5`), checklist practices `p0`, `p1` …
    """

    def __init__(self) -> None:
        self.dimensions = parse_yaml((FIXTURES / "dimensions.yaml").read_text(encoding="utf-8"))
        self.core = {
            "schema_version": 1, "id": "common", "version": "9.9", "kind": "core",
            "title": text("core"), "description": text("core"),
            "items": [self.profile("common.profile.kind", ["x", "y"])],
        }

    @staticmethod
    def single(item_id: str, levels: tuple[int, ...] = (0, 1, 2, 3, 4, 5), **extra: Any) -> dict:
        """A single-choice item; its dimension is read from the id (`retail.t3.x` → T3).

        Options are `l<level>`; a repeated level gets a suffix (`l0`, `l0_1`).
        """
        ids = [f"l{n}" + (f"_{levels[:i].count(n)}" if n in levels[:i] else "")
               for i, n in enumerate(levels)]
        return {"id": item_id, "type": "single", "dimension": item_id.split(".")[1].upper(),
                "text": text(item_id), **extra,
                "options": [{"id": i, "level": n, "label": text(f"level {n}")}
                            for i, n in zip(ids, levels, strict=True)]}

    @staticmethod
    def checklist(item_id: str, weights: tuple[float, ...] = (1, 1), **extra: Any) -> dict:
        """A checklist with practices p0, p1 … of the given weights."""
        return {"id": item_id, "type": "checklist", "dimension": item_id.split(".")[1].upper(),
                "text": text(item_id), **extra,
                "options": [{"id": f"p{n}", "weight": w, "label": text(f"practice {n}")}
                            for n, w in enumerate(weights)]}

    @staticmethod
    def profile(item_id: str, options: list[str], multiple: bool = False) -> dict:
        """An unscored profile question."""
        return {"id": item_id, "type": "profile", "multiple": multiple, "text": text(item_id),
                "options": [{"id": o, "label": text(o)} for o in options]}

    def docs(self, items: list[dict], weights: dict[str, float] | None = None,
             critical: list[str] | None = None) -> dict[str, Any]:
        """The parsed files of a questionnaire `retail` holding `items`."""
        module: dict[str, Any] = {
            "schema_version": 1, "id": "retail", "version": "1.0", "kind": "sector",
            "title": text("retail"), "description": text("retail"), "items": items,
        }
        if weights:
            module["dimension_weights"] = {d: {"weight": w, "why": text("why")}
                                           for d, w in weights.items()}
        if critical is not None:
            module["critical_dimensions"] = [{"dimension": d, "why": text("why")} for d in critical]
        return {"dimensions.yaml": deepcopy(self.dimensions), "common.yaml": deepcopy(self.core),
                "retail.yaml": module}

    def __call__(self, items: list[dict], weights: dict[str, float] | None = None,
                 critical: list[str] | None = None) -> Questionnaire:
        return build(self.docs(items, weights, critical))["retail"]


@pytest.fixture(scope="session")
def make_q() -> Builder:
    """Builds small questionnaires: `make_q([make_q.single("retail.t1.a")])`."""
    return Builder()


@pytest.fixture(scope="session")
def fixture_set() -> QuestionnaireSet:
    """The fixture questionnaires of tests/data/questionnaires."""
    return load_questionnaires(FIXTURES)
