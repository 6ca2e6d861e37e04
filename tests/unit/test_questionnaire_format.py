"""The questionnaire file format: fixtures load and compose as the README says, broken files are
rejected with a message naming the file, the item and the problem, schema.json is current."""
from __future__ import annotations

import ast
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from maturity.questionnaires import QuestionnaireError, build, load_questionnaires
from maturity.questionnaires.cli import main
from maturity.questionnaires.reading import parse_yaml
from maturity.questionnaires.schema import SCHEMA_PATH, json_schema, json_schema_text

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
FIXTURES = DATA / "questionnaires"
BROKEN = DATA / "broken"
SHIPPED = ROOT / "questionnaires"


# --- the fixture set ---------------------------------------------------------------------------

def test_fixture_set_composes_general_and_sector(fixture_set) -> None:
    assert fixture_set.ids() == ("general", "textiles")
    assert fixture_set["general"].version == "common@1.0"
    assert fixture_set["textiles"].version == "textiles@1.2+common@1.0"
    assert fixture_set.get("retail") is None
    assert fixture_set["textiles"].sector == "textiles"
    assert fixture_set["general"].title.en == "General questionnaire"
    assert fixture_set["textiles"].title.es == "Textil y confecciones"


def test_composition_order_profile_first_then_dimensions_core_before_sector(fixture_set) -> None:
    assert [i.id for i in fixture_set["textiles"].items] == [
        "common.profile.activities", "common.profile.premises", "textiles.profile.activity",
        "common.t1.devices", "common.t2.backups", "common.t3.invoices",
        "common.t4.channels", "textiles.t4.marketplace",
        "common.t5.production", "textiles.t5.cutting", "common.t6.reports",
        "common.m1.plan", "common.m2.pilots", "common.m3.training", "common.m3.self_taught",
        "common.m4.processes", "textiles.m4.quality", "common.m5.buyers", "common.m6.finance",
    ]
    general = [i.id for i in fixture_set["general"].items]
    assert general[:2] == ["common.profile.activities", "common.profile.premises"]
    assert not any(i.startswith("textiles.") for i in general)


def test_weights_and_critical_come_from_the_sector_else_defaults(fixture_set) -> None:
    textiles, general = fixture_set["textiles"], fixture_set["general"]
    assert dict(textiles.dimension_weights) == {**{d: 1.0 for d in general.dimension_weights},
                                                "T5": 1.5, "M4": 2.0}
    assert set(general.dimension_weights.values()) == {1.0}
    assert textiles.critical == ("T5", "M4")
    assert textiles.critical_reasons["M4"].en == "Buyers demand quality"
    assert general.critical == ("T3", "T4", "M1", "M6")


def _options(questionnaire, item_id: str) -> dict[str, str]:
    return {o.id: o.label.en for o in questionnaire.item(item_id).options}


def test_reserved_options_are_added_with_their_labels(fixture_set) -> None:
    q = fixture_set["textiles"]
    # single without na: dk only, last
    assert list(_options(q, "common.t1.devices"))[-1] == "dk"
    assert "na" not in _options(q, "common.t1.devices")
    assert _options(q, "common.t1.devices")["dk"] == "Don't know"
    # na: true → default label; na: {es, en} → the item's own wording
    assert _options(q, "common.t6.reports")["na"] == "Not applicable"
    assert _options(q, "common.t5.production")["na"] == "We do not make goods"
    # checklists: none, then na when offered, then dk
    assert list(_options(q, "common.t4.channels")) == [
        "facebook", "whatsapp", "online_store", "none", "dk"]
    assert list(_options(q, "common.m6.finance"))[-3:] == ["none", "na", "dk"]
    assert _options(q, "common.m6.finance")["none"] == "None of these"
    # a single item may have its own option called none (only checklists reserve it)
    assert q.item("common.t5.production").option("none").level == 0
    # profile items are unscored: no dk
    assert "dk" not in _options(q, "common.profile.activities")
    assert all(o.reserved for o in q.item("common.t4.channels").options[-2:])


def test_item_fields(fixture_set) -> None:
    q = fixture_set["textiles"]
    channels = q.item("common.t4.channels")
    assert (channels.type, channels.dimension, channels.multiple) == ("checklist", "T4", True)
    assert channels.practice_weight == 4.0   # 1 + 1 + 2, `none` excluded
    assert q.item("common.m3.training").weight == 2.0
    assert q.item("common.t1.devices").weight == 1.0
    assert q.item("common.profile.activities").multiple is True
    assert q.item("common.profile.premises").multiple is False
    assert not q.item("common.profile.premises").scored
    assert "common.t1.devices" in q and "nope" not in q
    with pytest.raises(KeyError):
        q.item("nope")


def test_to_dict_without_lang_gives_text_maps(fixture_set) -> None:
    definition = fixture_set["textiles"].to_dict()
    assert definition["id"] == "textiles"
    assert definition["version"] == "textiles@1.2+common@1.0"
    assert definition["title"] == {"es": "Textil y confecciones", "en": "Textiles & apparel"}
    devices = next(i for i in definition["items"] if i["id"] == "common.t1.devices")
    assert devices["text"] == {"es": "¿Qué equipos usa para el negocio?",
                               "en": "Which devices does the business use?"}
    assert devices["help"]["en"] == "Think of phones and computers."
    assert devices["options"][1] == {"id": "own_phone", "level": 1,
                                     "label": {"es": "Mi celular", "en": "My own phone"}}
    assert devices["options"][-1]["reserved"] is True
    cutting = next(i for i in definition["items"] if i["id"] == "textiles.t5.cutting")
    assert cutting["applies_if"] == {"field": "answer.textiles.profile.activity", "op": "in",
                                     "value": ["garments", "knitwear"]}
    t5 = next(d for d in definition["dimensions"] if d["id"] == "T5")
    assert (t5["weight"], t5["critical"], t5["summary"]["en"]) == (1.5, True, "Summary of T5")
    assert [b["id"] for b in definition["bands"]] == [
        "inicial", "basico", "intermedio", "avanzado", "lider"]
    json.dumps(definition)   # JSON-ready


def test_to_dict_with_lang_gives_plain_strings(fixture_set) -> None:
    definition = fixture_set["textiles"].to_dict(lang="es")
    assert definition["title"] == "Textil y confecciones"
    channels = next(i for i in definition["items"] if i["id"] == "common.t4.channels")
    assert channels["text"] == "¿Qué canales digitales usa?"
    assert [o["label"] for o in channels["options"]][-2:] == ["Ninguna de estas", "No sé"]
    assert channels["options"][2] == {"id": "online_store", "weight": 2.0,
                                      "label": "Tienda en línea"}
    assert fixture_set["general"].summary("en") == {
        "id": "general", "version": "common@1.0", "sector": "general",
        "title": "General questionnaire"}


# --- the JSON Schema and the shipped files -----------------------------------------------------

def test_schema_json_is_current() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == json_schema_text(), (
        "questionnaires/schema.json is stale: run python -m maturity.questionnaires --write-schema")


def test_schema_covers_both_file_kinds() -> None:
    schema = json_schema()
    refs = {entry["$ref"] for entry in schema["anyOf"]}
    assert refs == {"#/$defs/DimensionsFile", "#/$defs/ModuleFile"}
    module = schema["$defs"]["ModuleFile"]
    assert module["additionalProperties"] is False
    assert module["properties"]["version"]["type"] == "string"
    assert set(module["required"]) >= {"schema_version", "id", "version", "kind", "items"}


@pytest.mark.skipif(not (SHIPPED / "dimensions.yaml").exists() or not (SHIPPED / "common.yaml").exists(),
                    reason="the shipped questionnaire content (dimensions.yaml, common.yaml) "
                           "has not landed yet")
def test_shipped_questionnaires_load() -> None:
    questionnaires = load_questionnaires(SHIPPED)
    assert questionnaires.ids()[0] == "general"
    for questionnaire in questionnaires:
        assert questionnaire.items, questionnaire.id


# --- broken files ------------------------------------------------------------------------------

BROKEN_CASES = {
    # case directory: (file, item id or None, fragment of the message)
    "unquoted_no": ("retail.yaml", "retail.t4.pos", "options[no].label.en: must be a quoted string: "
                    "YAML read the unquoted value as the boolean false"),
    "unquoted_version": ("retail.yaml", None, "version: must be a quoted string: YAML read the unquoted value as the number 1.1"),
    "missing_en": ("retail.yaml", "retail.t4.pos", "text: required field 'en' is missing"),
    "empty_es": ("retail.yaml", "retail.t4.pos", "text.es: must not be empty"),
    "blank_label": ("retail.yaml", "retail.t4.pos", "options[no].label.es: must not be empty"),
    "duplicate_id_across_files": ("retail.yaml", "common.t1.devices", "item id is already used in common.yaml"),
    "duplicate_id_same_file": ("retail.yaml", "retail.t4.pos", "item id is already used earlier in this file"),
    "unknown_dimension": ("retail.yaml", "retail.t7.pos", "unknown dimension 'T7'"),
    "missing_dimension": ("retail.yaml", "retail.t4.pos", "required field 'dimension' is missing"),
    "no_level_0": ("retail.yaml", "retail.t4.pos", "a level-0 option is required"),
    "no_level_5": ("retail.yaml", "retail.t4.pos", "a level-5 option is required"),
    "decreasing_levels": ("retail.yaml", "retail.t4.pos", "option levels must never decrease (ladder order), got [0, 5, 3]"),
    "level_out_of_range": ("retail.yaml", "retail.t4.pos", "options[more].level: must be less than or equal to 5, got 6"),
    "reserved_dk": ("retail.yaml", "retail.t4.pos", "option id 'dk' is reserved"),
    "reserved_na": ("retail.yaml", "retail.t4.pos", "option id 'na' is reserved"),
    "reserved_none_checklist": ("retail.yaml", "retail.t4.tools", "option id 'none' is reserved"),
    "duplicate_option": ("retail.yaml", "retail.t4.pos", "option id 'yes' is used twice"),
    "bad_option_id": ("retail.yaml", "retail.t4.pos", "'No' is not valid here: use lower-case letters, digits and '_'"),
    "bad_item_id": ("retail.yaml", "retail.t4.POS", "'retail.t4.POS' is not valid here"),
    "wrong_module_prefix": ("retail.yaml", "textiles.t4.pos", "item id must start with 'retail.'"),
    "wrong_dimension_segment": ("retail.yaml", "retail.t3.pos", "item id must read 'retail.t4.<slug>'"),
    "applies_if_later_item": ("retail.yaml", "retail.t1.tablet", "refers to item 'retail.t4.pos', which does not come earlier"),
    "applies_if_unknown_item": ("retail.yaml", "retail.t4.pos", "refers to unknown item 'retail.profile.shop'"),
    "applies_if_unknown_firm_field": ("retail.yaml", "retail.t4.pos", "'firm.turnover' is not a firm profile field"),
    "applies_if_unknown_option": ("retail.yaml", "retail.t4.pos",
                                  "answer.common.t4.channels with 'tiktok', which is not an option of that item"),
    "applies_if_bad_op": ("retail.yaml", "retail.t4.pos", "applies_if.op: must be 'eq', 'ne', 'in', '>=' or '<=', got 'gt'"),
    "applies_if_bad_prefix": ("retail.yaml", "retail.t4.pos", "'profile.size' must start with 'firm.' or 'answer.'"),
    "applies_if_firm_value": ("retail.yaml", "retail.t4.pos", "firm.size: 'huge' is not one of: micro, small, medium, large"),
    "applies_if_department_number": ("retail.yaml", "retail.t4.pos", "firm.department: expected a quoted string, got 15"),
    "applies_if_number_op_on_enum": ("retail.yaml", "retail.t4.pos", "'>=' compares numbers, but firm.size is not a number"),
    "applies_if_in_scalar": ("retail.yaml", "retail.t4.pos", "op 'in' needs a non-empty list"),
    "applies_if_shape": ("retail.yaml", "retail.t4.pos", "applies_if.not: a condition is a mapping"),
    "profile_with_dimension": ("retail.yaml", "retail.profile.shop", "unknown field 'dimension' (profile items are unscored)"),
    "checklist_with_level": ("retail.yaml", "retail.t4.tools",
                             "options[pos]: unknown field 'level' (checklist options have no level; they may have a weight)"),
    "weight_zero": ("retail.yaml", "retail.t4.pos", "weight: must be greater than 0, got 0"),
    "checklist_weight_negative": ("retail.yaml", "retail.t4.tools", "options[pos].weight: must be greater than 0, got -1"),
    "dimension_weight_zero": ("retail.yaml", None, "dimension_weights.T4.weight: must be greater than 0"),
    "dimension_weight_unknown": ("retail.yaml", None, "dimension_weights: unknown dimension 'T9'"),
    "critical_unknown": ("retail.yaml", None, "critical_dimensions: unknown dimension 'X1'"),
    "na_wrong_type": ("retail.yaml", "retail.t4.pos", "na: must be true, false or a map"),
    "missing_type": ("retail.yaml", "retail.t4.pos", "required field 'type' is missing"),
    "unknown_type": ("retail.yaml", "retail.t4.pos", "type 'multiple' is not one of single, checklist, profile"),
    "unknown_field": ("retail.yaml", "retail.t4.pos", "unknown field 'halp'"),
    "no_items": ("retail.yaml", None, "items: must have at least 1 entries"),
    "schema_version_2": ("retail.yaml", None, "schema_version: must be 1"),
    "kind_core_in_sector_file": ("retail.yaml", None, "this file must have kind: sector"),
    "id_not_file_name": ("retail.yaml", None, "id 'tourism' must match the file name"),
    "not_a_sector": ("bakery.yaml", None, "'bakery' is not a sector id"),
    "yaml_syntax": ("retail.yaml", None, "YAML error at line 13"),
    "duplicate_key": ("retail.yaml", None, "found duplicate key 'text'"),
    "not_a_mapping": ("retail.yaml", None, "the file must hold a mapping"),
}


def _with_fixtures(tmp_path: Path, *extra_dirs: Path) -> Path:
    for path in FIXTURES.glob("*.yaml"):
        shutil.copy(path, tmp_path)
    for directory in extra_dirs:
        for path in directory.glob("*.yaml"):
            shutil.copy(path, tmp_path)
    return tmp_path


def test_every_broken_case_is_in_the_table() -> None:
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(BROKEN_CASES)


@pytest.mark.parametrize("case", sorted(BROKEN_CASES))
def test_broken_file_is_rejected_naming_file_item_and_problem(case: str, tmp_path: Path) -> None:
    file, item, fragment = BROKEN_CASES[case]
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaires(_with_fixtures(tmp_path, BROKEN / case))
    matching = [p for p in info.value.problems if fragment in p.message]
    assert matching, "\n".join(map(str, info.value.problems))
    assert (matching[0].file, matching[0].item) == (file, item)
    shown = str(matching[0])
    assert file in shown and (item is None or f"item {item}" in shown)


def test_all_problems_are_collected_across_files(tmp_path: Path) -> None:
    directory = _with_fixtures(tmp_path, BROKEN / "unquoted_no")
    shutil.copy(BROKEN / "not_a_sector" / "bakery.yaml", directory)
    (directory / "tourism.yaml").write_text(
        (BROKEN / "applies_if_later_item" / "retail.yaml").read_text(encoding="utf-8")
        .replace("retail", "tourism"), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaires(directory)
    files = {p.file for p in info.value.problems}
    assert files == {"retail.yaml", "bakery.yaml", "tourism.yaml"}
    assert str(info.value).startswith(f"{len(info.value.problems)} problem(s)")


def test_missing_required_files(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "textiles.yaml", tmp_path)
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaires(tmp_path)
    assert {(p.file, p.message) for p in info.value.problems} == {
        ("dimensions.yaml", "the file is missing"), ("common.yaml", "the file is missing")}


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(QuestionnaireError, match="does not exist"):
        load_questionnaires(tmp_path / "nowhere")


def _fixture_docs() -> dict:
    return {p.name: parse_yaml(p.read_text(encoding="utf-8")) for p in FIXTURES.glob("*.yaml")}


def _problems(docs: dict) -> list[str]:
    with pytest.raises(QuestionnaireError) as info:
        build(docs)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(("change", "fragment"), [
    (lambda d: d["ladder"].pop(), "ladder: must have at least 6 entries"),
    (lambda d: d["ladder"].reverse(), "the ladder lists levels 0 to 5 in order"),
    (lambda d: d["bands"][1].update(min=25), "band 'basico' must start where 'inicial' ends (20)"),
    (lambda d: d["bands"][-1].update(max=99), "bands must cover 0 to 100"),
    (lambda d: d["bands"][2].update(id="basico"), "band ids must be unique"),
    (lambda d: d["families"].reverse(), "families are technology then management"),
    (lambda d: d["dimensions"].reverse(), "dimensions are T1, T2"),
    (lambda d: d["dimensions"][0].update(family="management"), "dimension T1 belongs to family technology"),
    (lambda d: d["dimensions"][3]["levels"].pop(), "dimensions[T4].levels: must have at least 6 entries"),
    (lambda d: d["default_critical"].append("T9"), "default_critical names unknown dimensions: T9"),
    (lambda d: d["reserved_options"].pop("none"), "reserved_options: required field 'none' is missing"),
    (lambda d: d.update(version=2.0), "version: must be a quoted string"),
])
def test_broken_dimensions_file(change, fragment: str) -> None:
    docs = _fixture_docs()
    change(docs["dimensions.yaml"])
    problems = _problems(docs)
    assert any(p.startswith("dimensions.yaml: ") and fragment in p for p in problems), problems


def test_core_may_not_set_weights_or_critical_dimensions() -> None:
    docs = _fixture_docs()
    docs["common.yaml"]["critical_dimensions"] = [{"dimension": "T1", "why": {"es": "a", "en": "b"}}]
    assert _problems(docs) == [
        "common.yaml: dimension_weights and critical_dimensions belong in sector modules only"]


def test_common_item_may_not_depend_on_a_sector_item() -> None:
    docs = _fixture_docs()
    docs["common.yaml"]["items"][2]["applies_if"] = {
        "field": "answer.textiles.profile.activity", "op": "eq", "value": "garments"}
    assert _problems(docs) == ["common.yaml: item common.t1.devices: applies_if refers to unknown "
                               "item 'textiles.profile.activity'"]


def test_an_item_without_id_is_named_by_its_position() -> None:
    docs = _fixture_docs()
    del docs["textiles.yaml"]["items"][1]["id"]
    docs["textiles.yaml"]["items"][1]["options"][0]["level"] = 9
    assert _problems(docs) == [
        "textiles.yaml: items[1]: required field 'id' is missing",
        "textiles.yaml: items[1].options[by_hand].level: must be less than or equal to 5, got 9",
    ]


def test_a_problem_in_a_common_item_is_reported_once() -> None:
    docs = _fixture_docs()
    docs["common.yaml"]["items"][2]["applies_if"] = {"field": "firm.size", "op": "eq", "value": "xl"}
    assert len(_problems(docs)) == 1   # checked in general and in textiles, reported once


# --- reading YAML ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.yaml")), ids=lambda p: p.name)
def test_parse_yaml_equals_safe_load(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert parse_yaml(text) == yaml.safe_load(text)


@pytest.mark.parametrize("text", [
    "a: No\nb: 1.10\nc: 0x1F\nd: ~\ne: 2024-01-01\nf: 1_000\ng: .inf\nh: 'No'\n",
    "base: &x {k: 1, j: [1, 2]}\ncopy: *x\nmerged:\n  <<: *x\n  m: 2\n",
    "s: !!set {a, b}\nn: [1, 2.5, yes, off, null, '', \"x\"]\n",
    "",
])
def test_parse_yaml_keeps_safe_load_semantics(text: str) -> None:
    assert parse_yaml(text) == yaml.safe_load(text)


@pytest.mark.parametrize(("text", "fragment"), [
    ("a: 1\nb: 2\na: 3\n", "found duplicate key 'a'"),
    ("x: {k: 1, k: 2}\n", "found duplicate key 'k'"),
    ("!!python/object:os.system {}\n", "could not determine a constructor"),
])
def test_parse_yaml_refuses(text: str, fragment: str) -> None:
    with pytest.raises(yaml.YAMLError, match=fragment):
        parse_yaml(text)


# --- loading: cache and command line -----------------------------------------------------------

def test_load_is_cached_until_a_file_changes(tmp_path: Path) -> None:
    directory = _with_fixtures(tmp_path)
    first = load_questionnaires(directory)
    assert load_questionnaires(directory) is first
    common = directory / "common.yaml"
    common.write_text(common.read_text(encoding="utf-8").replace('version: "1.0"', 'version: "1.1"'),
                      encoding="utf-8")
    stat = common.stat()
    os.utime(common, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    second = load_questionnaires(directory)
    assert second is not first
    assert second["general"].version == "common@1.1"


def test_cli_prints_a_summary_per_questionnaire(capsys) -> None:
    assert main([str(FIXTURES)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["general: common@1.0, 13 scored items, 2 profile items",
                   "textiles: textiles@1.2+common@1.0, 16 scored items, 3 profile items"]


def test_cli_prints_problems_and_fails(tmp_path: Path, capsys) -> None:
    assert main([str(_with_fixtures(tmp_path, BROKEN / "weight_zero"))]) == 1
    err = capsys.readouterr().err
    assert "retail.yaml: item retail.t4.pos: weight: must be greater than 0" in err


def test_pure_packages_import_neither_flask_nor_sqlalchemy() -> None:
    for package in ("questionnaires", "scoring"):
        for path in (ROOT / "maturity" / package).glob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                for name in names:
                    assert name.split(".")[0] not in {"flask", "sqlalchemy", "flask_sqlalchemy"}, path
