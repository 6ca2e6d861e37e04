"""Command-line verbs a person types: questionnaires check, demo, translate."""
import shutil
from pathlib import Path

from sqlalchemy import func, select

from maturity.config import PROJECT_ROOT
from maturity.extensions import db
from maturity.firms.models import Firm
from maturity.organizations.models import Organization


def test_questionnaires_check_passes_on_the_shipped_files(runner):
    result = runner.invoke(args=["questionnaires", "check"])
    assert result.exit_code == 0, result.output
    assert "general: common@" in result.output


def test_questionnaires_check_names_the_file_item_and_problem(runner, tmp_path: Path):
    for name in ("dimensions.yaml", "common.yaml"):
        shutil.copy(PROJECT_ROOT / "questionnaires" / name, tmp_path / name)
    common = tmp_path / "common.yaml"
    text = common.read_text()
    first_en = text.index("en: ")
    # An unquoted "No" is read by YAML as false: the check must say so, naming the file.
    common.write_text(text[:first_en] + "en: No\n" + text[text.index("\n", first_en) + 1:])
    result = runner.invoke(args=["questionnaires", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert "common.yaml" in result.output


def test_the_app_refuses_to_start_with_a_broken_questionnaire(make_app, tmp_path: Path):
    import pytest

    (tmp_path / "q").mkdir()
    shutil.copy(PROJECT_ROOT / "questionnaires" / "dimensions.yaml", tmp_path / "q" / "dimensions.yaml")
    (tmp_path / "q" / "common.yaml").write_text("schema_version: 1\nid: common\n")
    with pytest.raises(RuntimeError, match="questionnaire files are not valid"):
        make_app(QUESTIONNAIRES_DIR=str(tmp_path / "q"))


def test_demo_is_idempotent(app, runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        firms = db.session.scalar(select(func.count()).select_from(Firm))
        orgs = db.session.scalar(select(func.count()).select_from(Organization))
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0 and "created" not in second.output.replace("present", "")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Firm)) == firms >= 5
        assert db.session.scalar(select(func.count()).select_from(Organization)) == orgs >= 2
        assert all(f.name.startswith("DEMO") for f in db.session.scalars(select(Firm)))


def test_translate_compile_writes_both_catalogs(runner):
    result = runner.invoke(args=["translate", "compile"])
    assert result.exit_code == 0
    for lang in ("es", "en"):
        assert (PROJECT_ROOT / "translations" / lang / "LC_MESSAGES" / "messages.mo").exists()


# --- questionnaires export ---------------------------------------------------------------------

EXPORT_HEADER = ["firm", "item_id", "question", "options", "answer", "note", "evidence"]


def _shipped(sector: str):
    from maturity.questionnaires import load_questionnaires

    return load_questionnaires()[sector]


def test_export_md_holds_every_item_text_in_the_chosen_language(runner):
    import pytest

    for sector, lang in (("tourism", "es"), ("agrifood", "en"), ("general", "en")):
        result = runner.invoke(args=["questionnaires", "export", sector, "--format", "md", "--lang", lang])
        assert result.exit_code == 0, result.output
        questionnaire = _shipped(sector)
        assert result.stdout.startswith(f"# {questionnaire.title.get(lang)}\n")
        assert questionnaire.version in result.stdout
        for item in questionnaire.items:
            assert item.text.get(lang) in result.stdout, item.id
            assert f"`{item.id}`" in result.stdout
            for option in item.options:
                assert f"`{option.id}` — " in result.stdout
        other = "en" if lang == "es" else "es"
        assert questionnaire.items[-1].text.get(other) not in result.stdout
    conditional = runner.invoke(args=["questionnaires", "export", "tourism", "--lang", "es"]).stdout
    assert "*Solo si: marcó «Hospedaje: hotel, hostal, albergue o casa de huéspedes» en la pregunta P1.*" in conditional
    with pytest.raises(AssertionError):   # the test can fail: an English text is not in the Spanish form
        assert _shipped("tourism").item("tourism.t5.fleet").text.en in conditional


def test_export_csv_round_trips_with_the_exact_header(runner, tmp_path: Path):
    import csv
    import io

    result = runner.invoke(args=["questionnaires", "export", "retail", "--format", "csv", "--lang", "en"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    questionnaire = _shipped("retail")
    assert rows[0] == EXPORT_HEADER
    assert [r[1] for r in rows[1:]] == [i.id for i in questionnaire.items]
    assert rows[1][1] == "retail.profile.format"          # profile items first
    assert all(r[0] == r[4] == r[5] == r[6] == "" for r in rows[1:])
    fiado = next(r for r in rows if r[1] == "retail.t3.credit")
    assert fiado[2].startswith("How do you record what you sell on credit (fiado)? [Only if: ticked")
    assert fiado[3].endswith("na: I don't sell on credit; dk: I don't know")
    assert "none: None of these" in next(r for r in rows if r[1] == "common.t4.channels")[3]
    # --output writes the same text to a file
    target = tmp_path / "retail.csv"
    written = runner.invoke(args=["questionnaires", "export", "retail", "--format", "csv", "--lang", "en",
                                  "--output", str(target)])
    assert written.exit_code == 0 and written.stdout == ""
    assert target.read_bytes() == result.stdout_bytes


def test_export_xlsx_opens_with_the_same_header(runner, tmp_path: Path):
    import io

    from openpyxl import load_workbook

    target = tmp_path / "handicrafts.xlsx"
    result = runner.invoke(args=["questionnaires", "export", "handicrafts", "--format", "xlsx", "--lang", "es",
                                 "--output", str(target)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(target).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    questionnaire = _shipped("handicrafts")
    assert rows[0] == EXPORT_HEADER
    assert [r[1] for r in rows[1:]] == [i.id for i in questionnaire.items]
    assert sheet.freeze_panes == "C2"
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if c.value is not None)
    # Piped (not a terminal), the bytes go to standard output.
    piped = runner.invoke(args=["questionnaires", "export", "handicrafts", "--format", "xlsx"])
    assert piped.exit_code == 0
    assert [c.value for c in load_workbook(io.BytesIO(piped.stdout_bytes)).active[1]] == EXPORT_HEADER


def test_export_unknown_sector_exits_2_listing_the_ids(runner):
    result = runner.invoke(args=["questionnaires", "export", "bakery", "--format", "csv"])
    assert result.exit_code == 2
    assert "unknown questionnaire 'bakery'" in result.output
    assert "general, " in result.output and "textiles" in result.output
    bad_format = runner.invoke(args=["questionnaires", "export", "general", "--format", "pdf"])
    assert bad_format.exit_code == 2
