"""Reading PRODUCE's Ruta Digital file as published, and its crosswalk (no Flask, no database).

The sample (tests/data/ruta_digital_sample.csv) holds 60 data rows in the published format with
its defects on purpose: decimal commas, stray trailing commas, scores of 142,5 and 106,25, a
mojibake province (CA+æETE), a blank CIIU, a firm tested twice, and four rows to reject — a
duplicate (line 58), too few fields (59), a missing score (60) and a bad date (61).
The real file is read too when it is present (RUTA_DIGITAL_CSV, or ../shared/data/… by default).
"""
from __future__ import annotations

import os
import statistics
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from maturity.baseline import ruta_digital as rd
from maturity.baseline.standing import build_distribution, share_below, standing
from maturity.config import PROJECT_ROOT

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "ruta_digital_sample.csv"
REAL = Path(os.environ.get("RUTA_DIGITAL_CSV")
            or PROJECT_ROOT.parent / "shared" / "data" / "ruta-digital" / "RUTADIGITAL2021al2024.csv")
needs_real_file = pytest.mark.skipif(not REAL.is_file(), reason=f"the Ruta Digital file is not at {REAL}")


@pytest.fixture(scope="module")
def sample() -> rd.Parsed:
    return rd.read(SAMPLE)


def test_the_sample_is_read_with_exact_counts(sample):
    assert sample.rows_read == 60
    assert len(sample.records) == 56
    assert dict(sample.rejected) == {rd.DUPLICATE: 1, rd.WRONG_FIELDS: 1, rd.MISSING_SCORE: 1, rd.BAD_DATE: 1}
    assert sample.examples == {
        rd.DUPLICATE: [(58, "same firm and test end date as line 6")],
        rd.WRONG_FIELDS: [(59, "7 fields, expected 23")],
        rd.MISSING_SCORE: [(60, "FINANZAS is empty")],
        rd.BAD_DATE: [(61, "'20221345'")],
    }
    assert dict(sample.notes) == {rd.CLIPPED: 2, rd.REPAIRED: 1, rd.NO_CIIU: 1}
    assert len({r["firm_hash"] for r in sample.records}) == 55
    assert Counter(r["level"] for r in sample.records) == {"Básico": 34, "Inicial": 19, "Intermedio": 2, "Experto": 1}


def test_decimal_commas_and_trailing_commas_are_read(sample):
    first = sample.records[0]
    assert first["line"] == 2 and first["general"] == 46.0 and first["management"] == 15.48
    assert first["finance"] == 40.10 and first["test_end_date"] == date(2021, 6, 15)
    assert first["sector"] == "textiles" and first["ciiu"] == "18100" and first["person_type"] == "NATURAL"


def test_scores_above_100_are_clipped_and_flagged(sample):
    clipped = {r["line"]: r for r in sample.records if r["clipped"]}
    assert set(clipped) == {4, 21}
    assert clipped[4]["payments"] == 100.0 and clipped[4]["clipped"] == "payments"
    assert clipped[21]["management"] == 100.0 and clipped[21]["clipped"] == "management"
    assert all(0 <= r[c] <= 100 for r in sample.records for c in rd.SCORES.values())


def test_mojibake_is_repaired_and_a_blank_ciiu_is_general(sample):
    by_line = {r["line"]: r for r in sample.records}
    assert by_line[10]["province"] == "CAÑETE"
    assert by_line[56]["ciiu"] is None and by_line[56]["sector"] == "general"
    assert rd.repair("CAÃ‘ETE") == "CAÑETE" and rd.repair("BREÑA") == "BREÑA"
    assert rd.repair("HU+üNUCO") == "HUÁNUCO"


def test_a_firm_tested_twice_counts_once_with_its_latest_test(sample):
    latest = rd.latest_per_firm(sample.records)
    assert len(latest) == 55
    twice = [r for r in latest if r["firm_hash"] == sample.records[0]["firm_hash"]]
    assert [r["test_end_date"] for r in twice] == [date(2024, 12, 16)]
    assert Counter(r["sector"] for r in latest) == {"textiles": 32, "tourism": 9, "retail": 9, "general": 5}


def test_the_crosswalk(sample):
    crossed = [rd.crosswalk_record(r) for r in sample.records]
    # M6 is FINANZAS after clipping; T6 is ANALISIS_DE_DATOS; M1 and T3 are GESTION_EMPRESARIAL.
    assert statistics.mean(c["M6"] for c in crossed) == pytest.approx(statistics.mean(r["finance"] for r in sample.records))
    assert all(c["T3"] == c["M1"] == r["management"] for c, r in zip(crossed, sample.records, strict=True))
    assert all(c["T6"] == r["data_analysis"] for c, r in zip(crossed, sample.records, strict=True))
    # T4: the plain mean of e-commerce, digital marketing and payments (payments clipped at 100 on line 4).
    line4 = next(r for r in sample.records if r["line"] == 4)
    assert rd.crosswalk_record(line4)["T4"] == pytest.approx((62.5 + 55.0 + 100.0) / 3)
    assert sum(rd.CROSSWALK["T4"].values()) == pytest.approx(1.0)
    assert set(rd.CROSSWALK) == set(rd.COMPARED)


def test_a_file_that_is_not_ruta_digital_is_refused():
    with pytest.raises(rd.FormatError, match="not the Ruta Digital file"):
        rd.parse(b"a,b,c\n1,2,3\n")


@pytest.mark.parametrize(("change", "reason"), [
    ({"RAZON_SOCIAL_ANONIMIZADA": "ABC"}, rd.BAD_HASH),
    ({"FECHA_FIN": "2022-07-22"}, rd.BAD_DATE),
    ({"FINANZAS": "n/d"}, rd.BAD_SCORE),
    ({"MEDIOS_DE_PAGO": "-5,00"}, rd.BAD_SCORE),
    ({"NIVEL_DIGITALIZACION": "Superior"}, rd.BAD_LEVEL),
    ({"ANIO": "22"}, rd.BAD_YEAR),
])
def test_each_reject_reason(change, reason):
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    fields = lines[1].split("|")
    for column, value in change.items():
        fields[rd.COLUMNS.index(column)] = value
    parsed = rd.parse(("\n".join([lines[0], "|".join(fields)]) + "\n").encode())
    assert dict(parsed.rejected) == {reason: 1} and parsed.records == []


def test_levels_without_accents_or_broken_accents_are_understood():
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    rows = []
    for label in ("Basico", "BÃ¡sico", "BÁSICO"):
        fields = lines[2].split("|")
        fields[rd.COLUMNS.index("NIVEL_DIGITALIZACION")] = label
        fields[rd.COLUMNS.index("FECHA_FIN")] = f"2022010{len(rows) + 1}"
        rows.append("|".join(fields))
    parsed = rd.parse(("\n".join([lines[0], *rows]) + "\n").encode())
    assert [r["level"] for r in parsed.records] == ["Básico"] * 3


def test_lines_that_are_not_utf8_are_read_as_windows_1252():
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    raw = (lines[0] + "\n").encode() + lines[9].replace("CA+æETE", "CAÑETE").encode("cp1252") + b"\n"
    parsed = rd.parse(raw)
    assert parsed.records[0]["province"] == "CAÑETE" and parsed.notes[rd.NOT_UTF8] == 1


def test_standing_percentiles_and_sector_threshold(sample):
    latest = rd.latest_per_firm(sample.records)
    distribution = build_distribution(
        (r["sector"], *(r[c] for c in rd.DOMAINS.values())) for r in latest)
    assert distribution.firms == 55 and distribution.sector_firms("textiles") == 32
    scores = {"T4": 50.0, "T6": 30.0, "M6": 45.0, "T1": 80.0, "M1": None}
    shown = standing(scores, {"T4": "Canales digitales"}, "textiles", distribution, None, "es")
    assert [r["id"] for r in shown["rows"]] == ["T4", "T6", "M6"] and shown["by_sector"]
    t4 = sorted(rd.crosswalk_record(r)["T4"] for r in latest)
    assert shown["rows"][0]["ahead_of"] == round(100 * sum(v < 50 for v in t4) / 55)
    assert shown["rows"][0]["title"] == "Canales digitales" and shown["group"] is None
    tourism = standing(scores, {}, "tourism", distribution, None, "es")
    assert not tourism["by_sector"] and all(r["ahead_of_in_sector"] is None for r in tourism["rows"])
    assert share_below([10.0, 20.0, 20.0, 30.0], 20.0) == 25.0 and share_below([], 5.0) == 0.0


@needs_real_file
def test_the_real_file_is_read_whole():
    parsed = rd.read(REAL)
    assert parsed.rows_read == 13_944
    assert len(parsed.records) + sum(parsed.rejected.values()) == 13_944
    assert len({r["firm_hash"] for r in parsed.records}) == 13_936
    assert len(rd.latest_per_firm(parsed.records)) == 13_936
    if not parsed.rejected:
        assert Counter(r["level"] for r in parsed.records) == {
            "Inicial": 4474, "Básico": 7254, "Intermedio": 2076, "Avanzado": 139, "Experto": 1}
    assert parsed.notes[rd.CLIPPED] >= 1
    assert statistics.mean(r["general"] for r in parsed.records) == pytest.approx(34.3, abs=0.05)
    assert statistics.mean(r["finance"] for r in parsed.records) == pytest.approx(45.4, abs=0.05)
