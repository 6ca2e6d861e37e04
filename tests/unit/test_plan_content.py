"""The shipped action library and programme registry, and the loader's problems (file, id, what)."""
from __future__ import annotations

from copy import deepcopy
from datetime import date, timedelta

import pytest
from plan_support import TODAY, shipped

from maturity.plans import PlanContentError, stale_programmes
from maturity.plans.check import check_plans
from maturity.plans.loader import MIN_SECTOR_ACTIONS, PLANS_DIR, build
from maturity.questionnaires import cli
from maturity.questionnaires.reading import parse_yaml
from maturity.questionnaires.schema import DIMENSION_IDS, I18nText

QUESTIONNAIRES, CONTENT = shipped()

# programmes.md, in its order: the registry holds exactly these ids.
PROGRAMME_IDS = ["sunat-cpe", "tu-empresa", "ruta-digital", "cite-produccion", "citeccal", "cite-textil-camelidos",
                 "cite-agroindustrial", "cite-pesquero", "cite-madera", "cite-artesania", "cite-turismo",
                 "proinnovate", "startup-peru", "pac", "pai", "procompite", "ruta-exportadora", "peru-marketplace",
                 "factura-negociable", "impulso-myperu", "fondo-crecer", "drawback"]
# programmes.md marks these "status: check".
CHECK = {"proinnovate", "pac", "pai", "ruta-exportadora", "peru-marketplace", "impulso-myperu", "fondo-crecer",
         "drawback"}
SERVED_SECTORS = ["textiles", "retail", "tourism", "agrifood", "handicrafts", "footwear", "furniture", "fishery",
                  "mining-suppliers", "manufacturing"]
OFFICIAL_HOSTS = ("sunat.gob.pe", "gob.pe", "tuempresa.gob.pe", "itp.gob.pe", "proinnovate.gob.pe",
                  "procompite.produce.gob.pe", "promperu.gob.pe", "cofide.com.pe")


def _texts(model) -> list[I18nText]:
    out = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        values = value if isinstance(value, list) else [value]
        for v in values:
            if isinstance(v, I18nText):
                out.append(v)
            elif hasattr(type(v), "model_fields"):
                out += _texts(v)
    return out


def test_every_dimension_has_general_actions_for_every_step():
    general = [a for a in CONTENT.actions.values() if CONTENT.scope[a.id] == "general"]
    assert len(general) >= 60
    for dimension in DIMENSION_IDS:
        for step in range(5):
            assert CONTENT.candidates("general", dimension, step), f"no general action for {dimension} {step}→{step + 1}"


@pytest.mark.parametrize("sector", SERVED_SECTORS)
def test_every_sector_has_actions_for_its_own_items(sector):
    actions = CONTENT.sector_actions(sector)
    assert len(actions) >= MIN_SECTOR_ACTIONS
    questionnaire = QUESTIONNAIRES[sector]
    own = {i.dimension for i in questionnaire.items if i.module == sector and i.scored}
    covered = {a.dimension for a in actions}
    assert {"T4", "T5", "M4", "M5"} & own <= covered, f"{sector}: no action for {({'T4', 'T5', 'M4', 'M5'} & own) - covered}"
    for action in actions:
        assert action.items and all(i.startswith(f"{sector}.") or i.startswith("common.") for i in action.items)


def test_every_action_and_programme_has_both_languages():
    for entry in (*CONTENT.actions.values(), *CONTENT.programmes):
        texts = _texts(entry)
        assert texts, entry.id
        for text in texts:
            assert text.es.strip() and text.en.strip(), entry.id
            assert text.es != text.en or entry.id in ("ruta-digital", "startup-peru", "impulso-myperu",
                                                      "fondo-crecer", "peru-marketplace"), (entry.id, text)


def test_the_registry_holds_every_programme_of_the_brief_with_status_and_date():
    assert [p.id for p in CONTENT.programmes] == PROGRAMME_IDS
    for programme in CONTENT.programmes:
        assert programme.status == ("check" if programme.id in CHECK else "active"), programme.id
        assert date(2026, 1, 1) <= programme.verified_on <= date(2026, 3, 31), programme.id   # early 2026
        host = programme.url.split("/")[2].removeprefix("www.")
        assert host in OFFICIAL_HOSTS, programme.url
    drawback = CONTENT.programme("drawback")
    assert drawback.warning is not None and "rate" in drawback.warning.en
    assert CONTENT.programme("pac").eligibility.min_firms == 5
    assert [c.department for c in CONTENT.programme("cite-textil-camelidos").centres] == ["04", "08", "21"]


def test_prerequisites_exist_and_the_chain_ruc_cpe_factoring_is_in_the_data():
    for action in CONTENT.actions.values():
        assert all(p in CONTENT.actions for p in action.prerequisites)
    assert "m6-get-ruc" in CONTENT.actions["t3-sunat-portal-cpe"].prerequisites
    assert "t3-sunat-portal-cpe" in CONTENT.actions["m6-factoring"].prerequisites


# --- the loader's problems ----------------------------------------------------------------------

def _docs() -> dict:
    return {p.name: parse_yaml(p.read_text(encoding="utf-8")) for p in sorted(PLANS_DIR.glob("*.yaml"))}


def _action(docs: dict, file: str, action_id: str) -> dict:
    return next(a for a in docs[file]["actions"] if a["id"] == action_id)


def _problems(docs: dict, questionnaires=None, today=TODAY) -> list[str]:
    with pytest.raises(PlanContentError) as caught:
        build(docs, questionnaires=questionnaires, today=today)
    return [str(p) for p in caught.value.problems]


def test_the_shipped_files_build():
    assert len(build(_docs(), questionnaires=QUESTIONNAIRES, today=TODAY).actions) == len(CONTENT.actions)


def _break_unknown_prerequisite(docs):
    _action(docs, "actions.yaml", "m6-factoring")["prerequisites"].append("m6-magic")
    return "actions.yaml: action m6-factoring: prerequisite 'm6-magic' is not an action"


def _break_cycle(docs):
    _action(docs, "actions.yaml", "m6-get-ruc")["prerequisites"] = ["t3-sunat-portal-cpe"]
    return "prerequisites form a cycle: "


def _break_coverage(docs):
    docs["actions.yaml"]["actions"] = [a for a in docs["actions.yaml"]["actions"]
                                       if not (a["dimension"] == "T1" and a["from_level"] == 0)]
    return "actions.yaml: no general action for T1 0→1"


def _break_duplicate(docs):
    docs["actions-retail.yaml"]["actions"].append(deepcopy(_action(docs, "actions.yaml", "m6-get-ruc")))
    return "actions-retail.yaml: action m6-get-ruc: id is already used in actions.yaml"


def _break_empty_english(docs):
    _action(docs, "actions-textiles.yaml", "textiles-tech-pack")["title"]["en"] = " "
    return "actions-textiles.yaml: action textiles-tech-pack: title.en: must not be empty"


def _break_two_steps(docs):
    _action(docs, "actions.yaml", "t4-online-store")["to_level"] = 4
    return "actions.yaml: action t4-online-store: to_level must be from_level + 1"


def _break_unquoted_date(docs):
    docs["programmes.yaml"]["programmes"][0]["last_verified"] = date(2026, 2, 15)
    return 'programmes.yaml: programme sunat-cpe: last_verified: write the date in quotes, e.g. "2026-02-15"'


def _break_future_date(docs):
    docs["programmes.yaml"]["programmes"][1]["last_verified"] = (TODAY + timedelta(days=1)).isoformat()
    return "programmes.yaml: programme tu-empresa: last_verified 2026-11-24 is in the future"


def _break_general_needs_sector(docs):
    _action(docs, "actions.yaml", "t5-work-orders")["prerequisites"] = ["textiles-order-card"]
    return "actions.yaml: action t5-work-orders: prerequisite 'textiles-order-card' belongs to sector 'textiles'"


def _break_missing_phrase(docs):
    del docs["vocabulary.yaml"]["phrases"]["has_ruc"]
    return "vocabulary.yaml: phrases: required field 'has_ruc' is missing"


def _break_placeholder(docs):
    docs["vocabulary.yaml"]["warnings"]["check"]["en"] = "Check the call."
    return "warnings.check.en must contain {date}"


def _break_scope(docs):
    docs["actions-fishery.yaml"]["scope"] = "fisheries"
    return "actions-fishery.yaml: scope 'fisheries' must match the file name (expected scope: fishery)"


def _break_unknown_file(docs):
    docs["actions_textiles.yaml"] = docs.pop("actions-textiles.yaml")
    return "actions_textiles.yaml: unknown file"


def _break_min_firms(docs):
    pac = next(p for p in docs["programmes.yaml"]["programmes"] if p["id"] == "pac")
    del pac["eligibility"]["association"]
    return "programmes.yaml: programme pac: eligibility: min_firms needs association"


BREAKS = [_break_unknown_prerequisite, _break_cycle, _break_coverage, _break_duplicate, _break_empty_english,
          _break_two_steps, _break_unquoted_date, _break_future_date, _break_general_needs_sector,
          _break_missing_phrase, _break_placeholder, _break_scope, _break_unknown_file, _break_min_firms]


@pytest.mark.parametrize("breaker", BREAKS, ids=lambda f: f.__name__.removeprefix("_break_"))
def test_a_broken_file_is_reported_with_its_file_and_id(breaker):
    docs = _docs()
    expected = breaker(docs)
    problems = _problems(docs)
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(("file", "action_id", "items", "expected"), [
    ("actions-retail.yaml", "retail-expiry-list", ["retail.t5.nowhere"], "item 'retail.t5.nowhere' is not an item"),
    ("actions-retail.yaml", "retail-expiry-list", ["textiles.t5.marker"], "item 'textiles.t5.marker' is not an item"),
    ("actions-retail.yaml", "retail-expiry-list", ["retail.m4.stock_counts"], "belongs to M4, not T5"),
    ("actions.yaml", "t3-daily-sales-sheet", ["retail.t3.prices"], "is not an item of the common core"),
])
def test_items_are_checked_against_the_questionnaires(file, action_id, items, expected):
    docs = _docs()
    _action(docs, file, action_id)["items"] = items
    assert any(f"{file}: action {action_id}: " in p and expected in p for p in _problems(docs, QUESTIONNAIRES))


def test_a_sector_with_too_few_actions_is_reported():
    docs = _docs()
    docs["actions-furniture.yaml"]["actions"] = docs["actions-furniture.yaml"]["actions"][:2]
    assert "actions-furniture.yaml: sector 'furniture' has 2 sector actions; it needs at least 5 for its own items" \
        in _problems(docs, QUESTIONNAIRES)


# --- staleness ------------------------------------------------------------------------------------

def test_the_staleness_check_reports_entries_older_than_the_configured_age():
    docs = _docs()
    docs["programmes.yaml"]["programmes"][3]["last_verified"] = "2024-01-10"   # cite-produccion
    content = build(docs, today=TODAY)
    assert [p.id for p in stale_programmes(content.programmes, TODAY, 400)] == ["cite-produccion"]
    assert {p.id for p in stale_programmes(content.programmes, TODAY, 200)} == set(PROGRAMME_IDS)
    assert stale_programmes(CONTENT.programmes, TODAY, 400) == []


def test_check_warns_about_stale_entries_without_failing(tmp_path, capsys):
    lines, problems = check_plans(PLANS_DIR, QUESTIONNAIRES, today=date(2027, 6, 1), max_age_days=400)
    assert problems == []
    warnings = [line for line in lines if line.startswith("warning:")]
    assert len(warnings) == len(PROGRAMME_IDS)
    assert "programme drawback: last verified 2026-02-15, 471 days ago" in "\n".join(warnings)
    # The command: exit 0, warnings on standard output with the summary.
    assert cli.main(["--programme-max-age-days", "30"]) == 0
    out = capsys.readouterr().out
    assert "plans: 22 programmes" in out and "warning: programmes.yaml: programme sunat-cpe: last verified" in out


def test_check_fails_naming_the_file_and_id(tmp_path):
    for path in PLANS_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    general = tmp_path / "actions.yaml"
    general.write_text(general.read_text(encoding="utf-8").replace("prerequisites: [t5-link-orders-stock]",
                                                                   "prerequisites: [t5-nothing]"), encoding="utf-8")
    lines, problems = check_plans(tmp_path, QUESTIONNAIRES, today=TODAY)
    assert lines == [] and problems == ["actions.yaml: action t5-automatic-capture: prerequisite 't5-nothing' is not "
                                        "an action"]
