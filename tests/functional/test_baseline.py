"""The national baseline and typologies through the commands and the results page."""
from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from maturity.assessments.operations import save_answers, start_assessment, submit_assessment
from maturity.baseline.models import BaselineRecord, BaselineSource
from maturity.clustering.models import ClusterFit
from maturity.config import PROJECT_ROOT
from maturity.content import questionnaires
from maturity.extensions import db

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "ruta_digital_sample.csv"


def _import(runner, path=SAMPLE):
    return runner.invoke(args=["baseline", "import-ruta-digital", str(path)])


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_import_reports_counts_and_reasons_and_twice_adds_nothing(app_ctx, runner):
    first = _import(runner)
    assert first.exit_code == 0, first.output
    assert "60 rows read" in first.output
    assert "imported 56, already present 0, rejected 4" in first.output
    for line in ("rejected, duplicate in file: 1", "line 58: same firm and test end date as line 6",
                 "rejected, wrong number of fields: 1", "line 59: 7 fields, expected 23",
                 "rejected, missing score: 1", "line 60: FINANZAS is empty",
                 "rejected, bad test end date: 1", "line 61: '20221345'",
                 "note, scores above 100 clipped: 2", "line 4: MEDIOS_DE_PAGO = 142,50",
                 "note, place names repaired: 1", "55 firms in the baseline",
                 "Fuente: PRODUCE, Ruta Digital – Plataforma Nacional de Datos Abiertos, licencia ODC-By"):
        assert line in first.output
    assert _count(BaselineRecord) == 56
    assert _count(BaselineRecord, BaselineRecord.latest.is_(True)) == 55
    assert _count(BaselineRecord, BaselineRecord.clipped.is_not(None)) == 2
    clipped = db.session.scalar(select(BaselineRecord).where(BaselineRecord.clipped == "payments"))
    assert clipped.payments == 100.0 and clipped.department == "LA LIBERTAD"

    second = _import(runner)
    assert second.exit_code == 0 and "imported 0, already present 56, rejected 4" in second.output
    assert _count(BaselineRecord) == 56 and _count(BaselineSource) == 1
    source = db.session.scalar(select(BaselineSource))
    assert source.label == "Ruta Digital (PRODUCE, 2021–2024)" and source.licence == "ODC-By 1.0"
    assert (source.rows_read, source.rows_imported, source.rows_present, source.rows_rejected) == (60, 0, 56, 4)


def test_a_firm_tested_twice_keeps_its_latest_test_as_the_one_counted(app_ctx, runner):
    _import(runner)
    rows = db.session.scalars(select(BaselineRecord).order_by(BaselineRecord.test_end_date)
                              .where(BaselineRecord.firm_hash == select(BaselineRecord.firm_hash)
                                     .group_by(BaselineRecord.firm_hash)
                                     .having(func.count() > 1).scalar_subquery())).all()
    assert [r.latest for r in rows] == [False, True]


def test_a_file_of_another_kind_is_refused_clearly(app_ctx, runner, tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    result = _import(runner, other)
    assert result.exit_code == 1 and "not the Ruta Digital file" in result.output
    assert _count(BaselineRecord) == 0


def test_clusters_fit_on_the_baseline_prints_and_stores_the_fit(app_ctx, runner, tmp_path):
    missing = runner.invoke(args=["clusters", "fit", "--baseline", "ruta-digital"])
    assert missing.exit_code == 1 and "not imported" in missing.output
    _import(runner)
    result = runner.invoke(args=["clusters", "fit", "--baseline", "ruta-digital", "--map", str(tmp_path / "map.svg")])
    assert result.exit_code == 0, result.output
    fit = db.session.scalar(select(ClusterFit))
    assert fit.scope == "baseline:ruta-digital" and fit.result["n"] == 55
    assert f"k = {fit.k}" in result.output and "silhouette by k" in result.output
    for cluster in fit.result["clusters"]:
        assert cluster["name"]["es"] in result.output and cluster["name"]["en"] in result.output
    assert fit.result["dimensions"][0] == "GESTION_EMPRESARIAL"
    assert set(fit.result["crosswalk"]["centroids"]["1"]) == {"T3", "T4", "T6", "M1", "M6"}
    json.dumps(fit.result)
    assert (tmp_path / "map.svg").read_text().startswith("<svg")
    assert "ODC-By" in result.output


def test_clusters_fit_needs_exactly_one_scope(runner):
    assert runner.invoke(args=["clusters", "fit"]).exit_code == 2
    assert runner.invoke(args=["clusters", "fit", "--all", "--sector", "textiles"]).exit_code == 2
    assert runner.invoke(args=["clusters", "fit", "--all", "--cohort", "3"]).exit_code == 2


def submit(create_firm, owner, sector: str, shift: int):
    """A submitted assessment whose answers step through the levels, shifted by `shift`."""
    firm = create_firm(owner=owner, sector=sector)
    questionnaire = questionnaires()[sector]
    assessment = start_assessment(firm, owner, questionnaire)
    answers = {}
    for n, item in enumerate(questionnaire.items):
        own = [o.id for o in item.options if not o.reserved]
        if item.multiple:
            answers[item.id] = {"option": own[:1 + (n + shift) % len(own)]}
        else:
            answers[item.id] = {"option": own[(n * shift + shift) % len(own)]}
    outcome = save_answers(assessment, owner, questionnaire, uuid.uuid4().hex, 0, answers)
    assert not outcome.problems, outcome.problems
    assert submit_assessment(assessment, owner, questionnaire).submitted_now
    return assessment


def test_clusters_fit_on_assessments_needs_thirty_firms(app_ctx, runner, create_firm, create_user):
    owner = create_user()
    for shift in range(5):
        submit(create_firm, owner, "retail", shift)
    few = runner.invoke(args=["clusters", "fit", "--all"])
    assert few.exit_code == 1 and "too few firms: 5 (at least 30 are needed)" in few.output
    assert _count(ClusterFit) == 0


def test_clusters_fit_on_thirty_sector_firms(app_ctx, runner, create_firm, create_user):
    owner = create_user()
    for shift in range(32):
        submit(create_firm, owner, "retail", shift)
    submit(create_firm, owner, "tourism", 1)
    result = runner.invoke(args=["clusters", "fit", "--sector", "retail"])
    assert result.exit_code == 0, result.output
    fit = db.session.scalar(select(ClusterFit))
    assert fit.scope == "sector:retail" and fit.result["n"] == 32 and len(fit.result["dimensions"]) >= 10
    everyone = runner.invoke(args=["clusters", "fit", "--all"])
    assert everyone.exit_code == 0 and "all: 33 firms" in everyone.output


def _owner_client(client, user):
    with client.session_transaction() as sess:
        sess["_user_id"] = user.session_token
        sess["_fresh"] = True
    return client


def test_results_page_shows_the_baseline_only_once_imported(app_ctx, client, runner, create_firm, create_user):
    owner = create_user()
    assessment = submit(create_firm, owner, "textiles", 2)
    owner_client = _owner_client(client, owner)
    url = f"/assessments/{assessment.id}/results?lang=en"
    before = owner_client.get(url).get_data(as_text=True)
    assert 'id="baseline"' not in before
    assert "Where you stand among" not in before and "ODC-By" not in before

    _import(runner)
    html = owner_client.get(url).get_data(as_text=True)
    assert "Where you stand among 55 Peruvian MYPEs — Ruta Digital (PRODUCE, 2021–2024)" in html
    assert "Source: PRODUCE, Ruta Digital" in html and "ODC-By" in html
    for dim in ("T4", "T6", "M1", "T3", "M6"):
        assert f'data-baseline="{dim}"' in html
    assert 'data-baseline="T1"' not in html
    assert "Ahead of (32 firms of your sector)" in html  # textiles: 32 firms in the sample
    assert "resembles group" not in html  # no fit yet

    assert runner.invoke(args=["clusters", "fit", "--baseline", "ruta-digital"]).exit_code == 0
    html = owner_client.get(url).get_data(as_text=True)
    fit = db.session.scalar(select(ClusterFit))
    assert "Your business resembles group" in html and f"of {fit.k} (" in html
    assert any(c["name"]["en"] in html for c in fit.result["clusters"])
    spanish = owner_client.get(f"/assessments/{assessment.id}/results?lang=es").get_data(as_text=True)
    assert "Fuente: PRODUCE, Ruta Digital – Plataforma Nacional de Datos Abiertos, licencia ODC-By" in spanish


def test_results_page_skips_the_sector_column_for_a_small_sector(app_ctx, client, runner, create_firm, create_user):
    owner = create_user()
    assessment = submit(create_firm, owner, "tourism", 3)
    _import(runner)
    html = _owner_client(client, owner).get(f"/assessments/{assessment.id}/results?lang=en").get_data(as_text=True)
    assert 'id="baseline"' in html and "firms of your sector)" not in html
    assert "too few to compare you within it" in html


REAL = Path(os.environ.get("RUTA_DIGITAL_CSV")
            or PROJECT_ROOT.parent / "shared" / "data" / "ruta-digital" / "RUTADIGITAL2021al2024.csv")


@pytest.mark.slow
@pytest.mark.skipif(not REAL.is_file(), reason=f"the Ruta Digital file is not at {REAL}")
def test_the_real_file_imports_whole_and_once(app_ctx, runner):
    first = _import(runner, REAL)
    assert first.exit_code == 0, first.output
    assert "13,944 rows read" in first.output
    imported = _count(BaselineRecord)
    source = db.session.scalar(select(BaselineSource))
    assert source.rows_read == 13_944 and imported + source.rows_rejected == 13_944
    assert _count(BaselineRecord, BaselineRecord.latest.is_(True)) == 13_936
    assert db.session.scalar(select(func.count(func.distinct(BaselineRecord.firm_hash)))) == 13_936
    if source.rows_rejected == 0:
        levels = dict(db.session.execute(select(BaselineRecord.level, func.count()).group_by(BaselineRecord.level)).all())
        assert levels == {"Inicial": 4474, "Básico": 7254, "Intermedio": 2076, "Avanzado": 139, "Experto": 1}
    assert _count(BaselineRecord, BaselineRecord.clipped.is_not(None)) >= 1
    assert db.session.scalar(select(func.max(BaselineRecord.payments))) == 100.0
    second = _import(runner, REAL)
    assert f"imported 0, already present {imported:,}" in second.output and _count(BaselineRecord) == imported
