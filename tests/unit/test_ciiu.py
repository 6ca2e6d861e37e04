"""CIIU activity code → questionnaire sector (questionnaires/ciiu.csv, maturity.questionnaires.ciiu).

The shipped rules are checked against every distinct code of PRODUCE's Ruta Digital open data
when `shared/data/ruta-digital/ciiu_codes.csv` sits beside the repository (it is never copied
into it); the share of firms reaching each sector is printed (`pytest -s` shows it).
"""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from maturity.questionnaires import QuestionnaireError, load_questionnaires
from maturity.questionnaires.ciiu import (
    CIIU_PATH,
    load_ciiu,
    normalise,
    parse_ciiu,
    read_ciiu,
    sector_for_ciiu,
)
from maturity.questionnaires.cli import check
from maturity.questionnaires.profile import SECTORS

ROOT = Path(__file__).resolve().parents[2]
RUTA_DIGITAL_CODES = ROOT.parent / "shared" / "data" / "ruta-digital" / "ciiu_codes.csv"
HEADER = "code,sector,description\n"
# At most this share of Ruta Digital firms may fall to `general`. Measured: 35.6 % — they are
# the services no sector module is for (consulting, accounting, construction, freight, IT,
# health, education…); a higher share would mean codes that have a module were missed.
MAX_GENERAL_SHARE = 0.40


@pytest.mark.parametrize(("code", "sector"), [
    # SUNAT's 5-digit Rev.3-based codes (the Ruta Digital data)
    ("18100", "textiles"), ("19208", "footwear"), ("55205", "tourism"), ("36104", "furniture"),
    ("52391", "retail"), ("51906", "retail"), ("15417", "agrifood"), ("01136", "agrifood"),
    ("05002", "fishery"), ("15127", "fishery"), ("11207", "mining-suppliers"),
    ("28111", "manufacturing"), ("36914", "handicrafts"), ("26916", "handicrafts"),
    ("63040", "tourism"), ("51212", "agrifood"), ("51313", "textiles"), ("22113", "general"),
    ("50203", "general"), ("74145", "general"), ("93098", "general"),
    # CIIU Rev.4, 4 digits
    ("1410", "textiles"), ("1520", "footwear"), ("5610", "tourism"), ("3100", "furniture"),
    ("4711", "retail"), ("4620", "agrifood"), ("1080", "agrifood"), ("1020", "fishery"),
    ("0990", "mining-suppliers"), ("3211", "handicrafts"), ("2511", "manufacturing"),
    ("7912", "tourism"), ("6920", "general"),
    # blank, malformed, unknown
    ("", "general"), ("abc", "general"), ("181", "general"), ("181000", "general"),
    ("99999", "general"), (" 18 100 ", "textiles"), ("1410\n", "textiles"), ("18-100", "general"),
    ("١٤١٠", "general"),   # Arabic-Indic digits are not CIIU digits
])
def test_anchors(code: str, sector: str) -> None:
    assert sector_for_ciiu(code) == sector


def test_none_and_non_strings_are_general() -> None:
    assert sector_for_ciiu(None) == "general"
    assert sector_for_ciiu(18100) == "general"   # type: ignore[arg-type]  # a number lost its leading zeros


def test_normalise() -> None:
    assert normalise(" 0111 ") == "0111"
    assert normalise("01 136") == "01136"
    assert normalise("1.410") is None
    assert normalise("") is None


def test_available_sectors_fall_back_to_general() -> None:
    assert sector_for_ciiu("18100", available={"general", "retail"}) == "general"
    assert sector_for_ciiu("18100", available={"general", "textiles"}) == "textiles"
    # A QuestionnaireSet is accepted: only `in` is used.
    shipped = load_questionnaires()
    assert sector_for_ciiu("1410", available=shipped) == ("textiles" if "textiles" in shipped else "general")
    assert sector_for_ciiu("abc", available=shipped) == "general"


def test_the_most_specific_rule_wins_and_lengths_never_mix() -> None:
    mapping = parse_ciiu(HEADER + "18xxx,textiles,a\n1820x,handicrafts,b\n18201,footwear,c\n"
                                  "18xx,retail,d\n")
    assert mapping.sector_for("18100") == "textiles"
    assert mapping.sector_for("18205") == "handicrafts"
    assert mapping.sector_for("18201") == "footwear"
    assert mapping.sector_for("1820") == "retail"      # a 4-digit code reads only 4-character rules
    assert mapping.rule_for("18201").line == 4


def test_shipped_rules_load_once_and_target_known_sectors() -> None:
    mapping = load_ciiu()
    assert load_ciiu() is mapping
    assert {r.sector for r in mapping} <= set(SECTORS)
    assert {r.sector for r in mapping} >= set(SECTORS) - {"general"}, "every sector is reachable"
    assert read_ciiu(CIIU_PATH).rules == mapping.rules


@pytest.mark.parametrize(("text", "fragment"), [
    ("code,sector\n18xxx,textiles\n", "line 1: the first row must be the header code,sector,description"),
    (HEADER + "18xxx,textiles\n", "line 2: expected 3 fields"),
    (HEADER + "# comment\n\n18x,textiles,a\n", "line 4: code '18x' is malformed"),
    (HEADER + "x8xxx,textiles,a\n", "line 2: code 'x8xxx' is malformed"),
    (HEADER + "18x0x,textiles,a\n", "line 2: code '18x0x' is malformed"),
    (HEADER + "181000,textiles,a\n", "line 2: code '181000' is malformed"),
    (HEADER + "18xxx,clothing,a\n", "line 2: sector 'clothing' is not a sector id"),
    (HEADER + "18xxx,textiles,\n", "line 2: the description is empty"),
    (HEADER + "18xxx,textiles,a\n18xxx,retail,b\n", "line 3: code '18xxx' is already mapped on line 2"),
    ("", "the first row must be the header"),
])
def test_broken_rules_are_refused_naming_file_and_line(text: str, fragment: str) -> None:
    with pytest.raises(QuestionnaireError) as info:
        parse_ciiu(text, "ciiu.csv")
    messages = [str(p) for p in info.value.problems]
    assert any(m.startswith("ciiu.csv: ") and fragment in m for m in messages), messages


def test_questionnaires_check_validates_the_rules(tmp_path: Path) -> None:
    for name in ("dimensions.yaml", "common.yaml"):
        (tmp_path / name).write_text((ROOT / "questionnaires" / name).read_text(encoding="utf-8"),
                                     encoding="utf-8")
    ok, lines = check(tmp_path)                      # no ciiu.csv outside the repository: fine
    assert ok and not any("ciiu" in line for line in lines)
    (tmp_path / "ciiu.csv").write_text(HEADER + "18xxx,clothing,a\n", encoding="utf-8")
    ok, lines = check(tmp_path)
    assert not ok
    assert lines == ["ciiu.csv: line 2: sector 'clothing' is not a sector id (one of: "
                     + ", ".join(SECTORS) + ")"]
    ok, lines = check()
    assert ok and lines[-1].startswith("ciiu.csv: ")


@pytest.mark.skipif(not RUTA_DIGITAL_CODES.exists(),
                    reason=f"the Ruta Digital open data is not beside the repository ({RUTA_DIGITAL_CODES})")
def test_every_ruta_digital_code_is_decided_and_general_stays_small() -> None:
    mapping = load_ciiu()
    with RUTA_DIGITAL_CODES.open(encoding="utf-8", newline="") as f:
        rows = [(r["ciiu"].strip(), int(r["rows"])) for r in csv.DictReader(f)]
    undecided = [code for code, _ in rows if code and mapping.rule_for(code) is None]
    assert not undecided, f"codes no rule covers (decide each in questionnaires/ciiu.csv): {undecided}"
    firms: Counter[str] = Counter()
    for code, count in rows:
        firms[mapping.sector_for(code)] += count
    total = sum(firms.values())
    print("\nRuta Digital tests per sector (share of rows):")
    for sector, count in firms.most_common():
        print(f"  {sector:<17} {count:>6}  {count / total:6.1%}")
    assert set(firms) == set(SECTORS), "every sector receives some firms"
    assert firms["general"] / total < MAX_GENERAL_SHARE
    assert firms["retail"] > firms["tourism"] > firms["textiles"] > firms["footwear"]
