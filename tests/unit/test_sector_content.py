"""The shipped questionnaire content meets the bar the format cannot check on its own.

For every composed questionnaire (`general` and each sector present): all twelve dimensions are
covered by at least three scored items and can reach 0 and 100; every text is there in both
languages; every scored item helps the owner and guides the advisor; sector modules stay
between 10 and 20 scored items and route their sub-sectors with profile questions whose
conditions can go both ways; option labels and questions stay short enough for a phone.
"""
from __future__ import annotations

import itertools
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from maturity.questionnaires import Item, Questionnaire, evaluate, load_questionnaires
from maturity.questionnaires.conditions import leaves
from maturity.questionnaires.model import DK, NA, NONE
from maturity.questionnaires.profile import PROFILE_FIELDS
from maturity.questionnaires.reading import parse_yaml
from maturity.scoring import SCORED, score

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "questionnaires"
QUESTIONNAIRES = load_questionnaires(SHIPPED)
IDS = QUESTIONNAIRES.ids()
SECTORS = [q for q in IDS if q != "general"]
DIMENSIONS = QUESTIONNAIRES.model.dimension_ids

MIN_ITEMS_PER_DIMENSION = 3
SECTOR_ITEMS = range(10, 21)          # scored items a sector module adds
MAX_PROFILE_ITEMS = 2
MAX_OPTION_WORDS = 15
MAX_QUESTION_WORDS = 25
# (item id, option id or None for the question, language): texts allowed to run a little longer.
LONG_TEXTS = {
    # The names of the tax regimes alone take six words.
    ("common.m6.formality", "books", "en"),
}


def _q(questionnaire_id: str) -> Questionnaire:
    return QUESTIONNAIRES[questionnaire_id]


def _own_options(item: Item) -> list:
    return [o for o in item.options if not o.reserved]


def _extreme_answers(questionnaire: Questionnaire, top: bool) -> dict[str, Any]:
    """Tick every profile option (so every conditional item shows) and answer each scored item
    at the top (or bottom) of its ladder."""
    answers: dict[str, Any] = {}
    for item in questionnaire.items:
        own = _own_options(item)
        if not item.scored:
            answers[item.id] = [o.id for o in own] if item.multiple else own[0].id
        elif item.type == "checklist":
            answers[item.id] = [o.id for o in own] if top else [NONE]
        else:
            levels = [o.level for o in own]
            answers[item.id] = own[levels.index(max(levels) if top else min(levels))].id
    return answers


def _words(text: str) -> int:
    return len(text.split())


# --- every composed questionnaire ---------------------------------------------------------------

def test_every_sector_of_the_issue_is_shipped() -> None:
    assert {"textiles", "retail", "tourism", "agrifood", "handicrafts"} <= set(SECTORS)
    assert IDS[0] == "general"


@pytest.mark.parametrize("questionnaire_id", IDS)
def test_every_dimension_has_three_scored_items(questionnaire_id: str) -> None:
    q = _q(questionnaire_id)
    counts = Counter(i.dimension for i in q.items if i.scored)
    thin = {d: counts[d] for d in DIMENSIONS if counts[d] < MIN_ITEMS_PER_DIMENSION}
    assert not thin, f"{questionnaire_id}: dimensions with fewer than {MIN_ITEMS_PER_DIMENSION} items: {thin}"


@pytest.mark.parametrize("firm", [{}, {"exports": True, "export_intent": True, "has_ruc": True}],
                         ids=["no-profile", "exporter"])
@pytest.mark.parametrize("questionnaire_id", IDS)
def test_every_dimension_can_reach_0_and_100(questionnaire_id: str, firm: dict) -> None:
    q = _q(questionnaire_id)
    for top, expected in ((True, 100.0), (False, 0.0)):
        result = score(q, _extreme_answers(q, top), firm)
        for dimension in result.dimensions:
            assert dimension.state == SCORED, (questionnaire_id, dimension.id, dimension.state)
            assert dimension.score == expected, (questionnaire_id, dimension.id, dimension.score)
        assert result.overall.score == expected


@pytest.mark.parametrize("questionnaire_id", IDS)
def test_single_items_climb_the_ladder_without_big_jumps(questionnaire_id: str) -> None:
    # The format already wants levels 0 and 5 in ladder order; a jump of more than two rungs
    # between neighbouring options would leave most firms no answer that describes them.
    for item in _q(questionnaire_id).items:
        if item.type == "single":
            levels = [o.level for o in _own_options(item)]
            assert max(b - a for a, b in itertools.pairwise(levels)) <= 2, (item.id, levels)


@pytest.mark.parametrize("questionnaire_id", IDS)
def test_texts_are_bilingual_everywhere(questionnaire_id: str) -> None:
    q = _q(questionnaire_id)
    texts = [("title", q.title), ("description", q.description)]
    texts += [(f"why of weight {d}", t) for d, t in q.weight_reasons.items()]
    texts += [(f"why of critical {d}", t) for d, t in q.critical_reasons.items()]
    for item in q.items:
        texts.append((f"{item.id} text", item.text))
        if item.scored:
            assert item.help is not None, f"{item.id}: help for the owner is missing"
            assert item.guidance is not None, f"{item.id}: guidance for the advisor is missing"
        for name in ("help", "guidance"):
            if getattr(item, name) is not None:
                texts.append((f"{item.id} {name}", getattr(item, name)))
        texts += [(f"{item.id} option {o.id}", o.label) for o in item.options]
    for where, text in texts:
        assert text.es.strip() and text.en.strip(), where
        # A long text identical in both languages was not translated.
        if _words(text.es) > 3:
            assert text.es != text.en, f"{where}: the English text is the Spanish one"
    # Every non-default weight and every critical dimension says why.
    for dimension, weight in q.dimension_weights.items():
        if weight != 1.0:
            assert dimension in q.weight_reasons, (questionnaire_id, dimension)
    if questionnaire_id != "general":
        assert set(q.critical_reasons) == set(q.critical), questionnaire_id


@pytest.mark.parametrize("questionnaire_id", IDS)
def test_no_file_writes_a_reserved_id_as_an_option(questionnaire_id: str) -> None:
    # The format reserves `none` only in checklists; the content never uses it anywhere, so a
    # "none" answer always means the loader's "none of these".
    for item in _q(questionnaire_id).items:
        written = [o.id for o in _own_options(item)]
        assert not {NA, DK, NONE} & set(written), item.id


@pytest.mark.parametrize("questionnaire_id", IDS)
def test_questions_and_options_fit_a_phone_screen(questionnaire_id: str) -> None:
    too_long = []
    for item in _q(questionnaire_id).items:
        for lang in ("es", "en"):
            if (item.id, None, lang) not in LONG_TEXTS and _words(item.text.get(lang)) > MAX_QUESTION_WORDS:
                too_long.append((item.id, None, lang, item.text.get(lang)))
            for o in _own_options(item):
                if (item.id, o.id, lang) not in LONG_TEXTS and _words(o.label.get(lang)) > MAX_OPTION_WORDS:
                    too_long.append((item.id, o.id, lang, o.label.get(lang)))
    assert not too_long, f"over {MAX_QUESTION_WORDS} words per question / {MAX_OPTION_WORDS} per option: {too_long}"


# Informal "tú" forms; the questionnaires address the owner as "usted".
_TU = re.compile(r"\b(tú|tu|tus|tienes|puedes|haces|vendes|usas|quieres|eres|estás|sabes|cobras)\b",
                 re.IGNORECASE)


@pytest.mark.parametrize("questionnaire_id", IDS)
def test_spanish_questions_say_usted(questionnaire_id: str) -> None:
    informal = [(item.id, text.es) for item in _q(questionnaire_id).items
                for text in (item.text, item.help) if text is not None and _TU.search(text.es)]
    assert not informal, informal


def test_item_ids_are_unique_across_files() -> None:
    seen: dict[str, str] = {}
    for path in sorted(SHIPPED.glob("*.yaml")):
        for entry in parse_yaml(path.read_text(encoding="utf-8")).get("items", []):
            assert entry["id"] not in seen, f"{entry['id']} in {path.name} and {seen[entry['id']]}"
            seen[entry["id"]] = path.name
    id_pattern = re.compile(r"^[a-z0-9-]+\.(profile|[tm][1-6])\.[a-z0-9_]+$")
    assert all(id_pattern.match(item_id) for item_id in seen), [i for i in seen if not id_pattern.match(i)]


# --- sector modules -----------------------------------------------------------------------------

def _module_items(sector: str) -> list[Item]:
    return [i for i in _q(sector).items if i.module == sector]


@pytest.mark.parametrize("sector", SECTORS)
def test_sector_module_size(sector: str) -> None:
    items = _module_items(sector)
    scored = [i for i in items if i.scored]
    profile = [i for i in items if not i.scored]
    assert len(scored) in SECTOR_ITEMS, f"{sector}: {len(scored)} scored items"
    assert 1 <= len(profile) <= MAX_PROFILE_ITEMS, f"{sector}: {len(profile)} profile items"


@pytest.mark.parametrize("sector", SECTORS)
def test_sector_module_routes_sub_sectors_with_its_profile_items(sector: str) -> None:
    items = _module_items(sector)
    profile_ids = {i.id for i in items if not i.scored}
    routed = [i.id for i in items if i.scored and any(
        leaf.field.removeprefix("answer.") in profile_ids for leaf in leaves(i.condition))]
    assert routed, f"{sector}: no scored item depends on the module's profile questions"
    # Every profile question routes something (otherwise it is a question asked for nothing).
    used = {leaf.field.removeprefix("answer.") for i in items for leaf in leaves(i.condition)}
    assert profile_ids <= used, f"{sector}: profile items nothing depends on: {profile_ids - used}"


def _candidates(questionnaire: Questionnaire, field: str) -> list[Any]:
    """Values a field may take, `None` standing for missing."""
    source, _, name = field.partition(".")
    if source == "answer":
        item = questionnaire.item(name)
        own = [o.id for o in item.options]
        return [None] + ([[o] for o in own] if item.multiple else own)
    kind, allowed = PROFILE_FIELDS[name]
    if kind == "bool":
        return [None, True, False]
    if kind == "int":
        return [None, 0, 1, 5, 10, 50, 200]
    return [None, *allowed] if allowed else [None, "x"]


@pytest.mark.parametrize("questionnaire_id", IDS)
def test_every_condition_can_be_true_and_false(questionnaire_id: str) -> None:
    q = _q(questionnaire_id)
    for item in q.items:
        if item.condition is None:
            continue
        fields = sorted({leaf.field for leaf in leaves(item.condition)})
        outcomes = set()
        for values in itertools.product(*(_candidates(q, f) for f in fields)):
            given = [(f.partition("."), v) for f, v in zip(fields, values, strict=True) if v is not None]
            firm = {name: v for (source, _, name), v in given if source == "firm"}
            answers = {name: v for (source, _, name), v in given if source == "answer"}
            outcomes.add(evaluate(item.condition, firm, answers))
            if len(outcomes) == 2:
                break
        assert outcomes == {True, False}, f"{item.id}: applies_if is always {outcomes.pop()}"


@pytest.mark.parametrize("sector", SECTORS)
def test_na_wording_is_specific_when_given(sector: str) -> None:
    # An item's own "not applicable" wording must not just repeat the default label.
    default = QUESTIONNAIRES.model.reserved_labels.na
    for item in _module_items(sector):
        na = item.option(NA)
        if na is not None and na.label != default:
            assert na.label.es != default.es and na.label.en != default.en, item.id
