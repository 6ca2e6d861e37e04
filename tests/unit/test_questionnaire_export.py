"""The field-work writers (maturity.questionnaires.export): conditions in plain words, the answer
template, and cells that never turn into spreadsheet formulas."""
from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from maturity.questionnaires.export import (
    BOOL_FIELDS,
    COLUMNS,
    FIELD_NAMES,
    defuse,
    describe_condition,
    export,
    options_text,
    template_rows,
    to_markdown,
    to_xlsx,
    write_csv,
    write_xlsx,
)
from maturity.questionnaires.profile import PROFILE_FIELDS

DANGEROUS = ["=1+1", "+51 999", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")']


@pytest.fixture
def questionnaire(make_q):
    return make_q([
        make_q.profile("retail.profile.format", ["shop", "online"], multiple=True),
        make_q.single("retail.t4.pos", applies_if={"field": "answer.retail.profile.format", "op": "eq",
                                                   "value": "shop"}),
        make_q.single("retail.t4.web", applies_if={"not": {"any": [
            {"field": "firm.exports", "op": "eq", "value": True},
            {"all": [{"field": "firm.employees", "op": ">=", "value": 10},
                     {"field": "firm.size", "op": "in", "value": ["micro", "small"]}]}]}}),
        make_q.checklist("retail.t5.tools", applies_if={"field": "answer.retail.profile.format", "op": "ne",
                                                        "value": "online"}),
    ])


def test_every_profile_field_has_words() -> None:
    assert set(FIELD_NAMES) | set(BOOL_FIELDS) == set(PROFILE_FIELDS)
    assert not set(FIELD_NAMES) & set(BOOL_FIELDS)


def test_conditions_in_plain_words(questionnaire) -> None:
    pos = questionnaire.item("retail.t4.pos").condition
    assert describe_condition(pos, questionnaire, "es") == "marcó «shop (es)» en la pregunta retail.profile.format"
    assert describe_condition(pos, questionnaire, "en", ref=lambda item: "P2") == "ticked “shop” in question P2"
    tools = questionnaire.item("retail.t5.tools").condition
    assert describe_condition(tools, questionnaire, "en").startswith("did not tick “online” in question")
    web = questionnaire.item("retail.t4.web").condition
    assert describe_condition(web, questionnaire, "en") == (
        "it is not the case that (the business exports or (the number of employees is at least 10 "
        "and the business size is micro or small))")
    assert describe_condition(web, questionnaire, "es") == (
        "no se cumple que (la empresa exporta o (el número de trabajadores es al menos 10 "
        "y el tamaño de la empresa es micro o small))")


def test_template_rows_list_every_item_with_all_options(questionnaire) -> None:
    rows = template_rows(questionnaire, "en")
    assert rows[0] == list(COLUMNS)
    assert [r[1] for r in rows[1:]] == [i.id for i in questionnaire.items]
    tools = next(r for r in rows if r[1] == "retail.t5.tools")
    assert tools[3] == options_text(questionnaire.item("retail.t5.tools"), "en")
    assert tools[3].endswith("none: None of these; dk: Don't know")
    assert "[several answers: separate the ids with ;]" in tools[2]
    assert template_rows(questionnaire, "es", firm="20123456789")[1][0] == "20123456789"


@pytest.mark.parametrize("text", DANGEROUS)
def test_defuse_prefixes_formula_starts(text: str) -> None:
    assert defuse(text) == "'" + text
    assert defuse("Ventas = caja") == "Ventas = caja"
    assert defuse(None) == ""


def test_csv_cells_never_start_a_formula_and_round_trip() -> None:
    rows = [list(COLUMNS), ["", "a.t1.b", 'Dice "hola", ¿sí?\nOtra línea', "x: y; z: w", *DANGEROUS[:3]]]
    back = list(csv.reader(io.StringIO(write_csv(rows), newline="")))
    assert back[0] == list(COLUMNS)
    assert back[1][:4] == rows[1][:4]
    assert back[1][4:] == ["'" + t for t in DANGEROUS[:3]]


def test_xlsx_stores_formula_like_text_as_text() -> None:
    data = write_xlsx([["firm", "note"], *[[t, "ok"] for t in DANGEROUS]])
    sheet = load_workbook(io.BytesIO(data)).active
    # (XML turns a carriage return into a line feed; the cell is still plain text)
    assert [sheet.cell(row=r, column=1).value for r in range(2, len(DANGEROUS) + 2)] == [
        t.replace("\r", "\n") for t in DANGEROUS]
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_xlsx_template_has_header_frozen_panes_and_dropdowns(questionnaire) -> None:
    sheet = load_workbook(io.BytesIO(to_xlsx(questionnaire, "es"))).active
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert sheet.freeze_panes == "C2"
    assert sheet.column_dimensions["C"].width == 60
    assert sheet["C2"].alignment.wrap_text
    validated = {str(cell_range) for dv in sheet.data_validations.dataValidation for cell_range in dv.sqref.ranges}
    # Rows: 2 common.profile.kind, 3 retail.profile.format (multiple), 4 retail.t4.pos,
    # 5 retail.t4.web, 6 retail.t5.tools (checklist). Single answers get a drop-down of option ids.
    assert validated == {"E2", "E4", "E5"}
    pos = next(dv for dv in sheet.data_validations.dataValidation if "E4" in str(dv.sqref))
    assert pos.formula1 == '"l0,l1,l2,l3,l4,l5,dk"'


def test_markdown_form(questionnaire) -> None:
    text = to_markdown(questionnaire, "en")
    assert text.startswith("# retail\n")
    assert "*Only if: ticked “shop” in question P2.*" in text
    assert "- [ ] `dk` — *Don't know*" in text
    assert text.count("### P") == len(questionnaire.items)


def test_export_refuses_unknown_format_or_language(questionnaire) -> None:
    with pytest.raises(ValueError, match="format"):
        export(questionnaire, "pdf", "es")
    with pytest.raises(ValueError, match="lang"):
        export(questionnaire, "md", "fr")
