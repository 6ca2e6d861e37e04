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
