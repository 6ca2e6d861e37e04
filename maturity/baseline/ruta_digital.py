"""PRODUCE's Ruta Digital open data: reading the file as published, and its crosswalk. Pure Python.

The file ("Registro de MYPES que culminaron el Test de Digitalización en la plataforma RUTA
DIGITAL", PNDA, ODC-By) is read as it is published, never cleaned in place:
- `|` separator, decimal comma (`29,17`), UTF-8 with a header row; stray commas after the last
  field (`20250306,,`) are ignored.
- A row is one test, keyed by the anonymised firm hash and FECHA_FIN; a firm that took the test
  twice has two rows, and its latest test is the one comparisons use.
- Rejected, with the line number: a wrong number of fields, a firm hash that is not 64 hex
  digits, a bad test end date, a missing or non-numeric score (or a negative one), an unknown
  level label, a bad year, and a second row with the same firm and date ("duplicate in file").
- Accepted and reported: scores above 100 (up to about 142 in the 2021–2024 file) are clipped to
  100 and the clipped scores are named in `clipped`; mojibake in place names (`CA+æETE`,
  `CAÃ‘ETE`) is repaired; lines that are not UTF-8 are read as Windows-1252; a blank or
  malformed CIIU code gives the `general` sector.

CROSSWALK (Ruta Digital's six domains → this product's dimensions, dimensions.md):
- T4 digital channels, e-commerce & payments = the plain mean of COMERCIO_ELECTRONICO,
  MARKETING_DIGITAL and MEDIOS_DE_PAGO. Not the weights DIG_GENERAL is fitted with (25/30/5):
  those say how Ruta Digital weighs its modules in its own headline figure, not how much each
  strand belongs to digital channels. Our T4 ladder gives presence and marketing, online orders
  and e-commerce, and digital payments (Yape, Plin, QR) equal standing; at 5/60 payments would
  all but vanish, although wallets are the most common first digital step of a Peruvian MYPE.
- T6 data, analytics & AI = ANALISIS_DE_DATOS.
- M1 digital strategy and T3 business systems = GESTION_EMPRESARIAL (one Ruta Digital module
  covers both; the two comparisons are therefore against the same figures).
- M6 finance, formality & access to finance = FINANZAS.
The other seven dimensions (T1, T2, T5, M2–M5) have no counterpart and are never compared.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from maturity.questionnaires.ciiu import normalise as normalise_ciiu
from maturity.questionnaires.ciiu import sector_for_ciiu

NAME = "ruta-digital"
LABEL = "Ruta Digital (PRODUCE, 2021–2024)"
LICENCE = "ODC-By 1.0"
CREDIT = {
    "es": "Fuente: PRODUCE, Ruta Digital – Plataforma Nacional de Datos Abiertos, licencia ODC-By",
    "en": "Source: PRODUCE, Ruta Digital – Peru's National Open Data Platform, ODC-By licence",
}
SOURCE_URL = "https://www.datosabiertos.gob.pe/"
TITLE = "Registro de MYPES que culminaron el Test de Digitalización en la plataforma RUTA DIGITAL"

COLUMNS = ("ANIO", "CIIU", "DESCRIPCION_CIIU", "RAZON_SOCIAL_ANONIMIZADA", "TIPO", "DEPARTAMENTO",
           "PROVINCIA", "DISTRITO", "UBIGEO", "NIVEL_DIGITALIZACION", "DIG_GENERAL", "GESTION_EMPRESARIAL",
           "COMERCIO_ELECTRONICO", "ANALISIS_DE_DATOS", "MARKETING_DIGITAL", "MEDIOS_DE_PAGO", "FINANZAS",
           "FECHA_INICIO", "FECHA_FIN", "TIEMPO_DEMORA_MINUTOS", "FECHA_REGISTRO", "AUT_PUBLICIDAD",
           "FECHA_PUB_PNDA")
_IX = {name: i for i, name in enumerate(COLUMNS)}

# Ruta Digital's six domains (its column names, the clustering's dimension ids) → record fields.
DOMAINS = {
    "GESTION_EMPRESARIAL": "management",
    "COMERCIO_ELECTRONICO": "e_commerce",
    "ANALISIS_DE_DATOS": "data_analysis",
    "MARKETING_DIGITAL": "digital_marketing",
    "MEDIOS_DE_PAGO": "payments",
    "FINANZAS": "finance",
}
SCORES = {"DIG_GENERAL": "general", **DOMAINS}
LEVELS = ("Inicial", "Básico", "Intermedio", "Avanzado", "Experto")
_LEVEL_KEYS = {unicodedata.normalize("NFKD", v).encode("ascii", "ignore").decode().lower(): v for v in LEVELS}
PERSON_TYPES = ("NATURAL", "JURIDICA")

# dimension → {domain: weight}; see the module docstring for why T4 is a plain mean.
CROSSWALK: dict[str, dict[str, float]] = {
    "T3": {"GESTION_EMPRESARIAL": 1.0},
    "T4": {"COMERCIO_ELECTRONICO": 1 / 3, "MARKETING_DIGITAL": 1 / 3, "MEDIOS_DE_PAGO": 1 / 3},
    "T6": {"ANALISIS_DE_DATOS": 1.0},
    "M1": {"GESTION_EMPRESARIAL": 1.0},
    "M6": {"FINANZAS": 1.0},
}
COMPARED = ("T4", "T6", "M1", "T3", "M6")

# Reject reasons (stable ids, reported in this order).
WRONG_FIELDS = "wrong number of fields"
BAD_HASH = "bad firm hash"
BAD_DATE = "bad test end date"
MISSING_SCORE = "missing score"
BAD_SCORE = "bad score"
BAD_LEVEL = "unknown level"
BAD_YEAR = "bad year"
DUPLICATE = "duplicate in file"
REASONS = (WRONG_FIELDS, BAD_HASH, BAD_DATE, MISSING_SCORE, BAD_SCORE, BAD_LEVEL, BAD_YEAR, DUPLICATE)
# Notes: accepted rows with something worth reporting.
CLIPPED = "scores above 100 clipped"
REPAIRED = "place names repaired"
NOT_UTF8 = "lines read as Windows-1252"
NO_CIIU = "blank or malformed CIIU code (sector general)"
REGISTERED_AFTER = "registered after the test"
EXAMPLES = 5

_HASH = re.compile(r"^[0-9A-F]{64}$")
_DIGITS8 = re.compile(r"^[0-9]{8}$")


def _mojibake_table() -> dict[str, str]:
    """Broken spellings of accented capitals and ñ/Ñ: UTF-8 read as Windows-1252 (`Ã‘`), and
    UTF-8 read as code page 850 with the box-drawing lead byte flattened to `+` (`+æ`)."""
    table = {}
    for ch in "ÁÉÍÓÚÜÑáéíóúüñ":
        raw = ch.encode("utf-8")
        table[raw.decode("cp1252", errors="replace")] = ch
        if ch.isupper():
            table["+" + raw[1:].decode("cp850")] = ch
    return {k: v for k, v in table.items() if "\ufffd" not in k}


MOJIBAKE = _mojibake_table()
_MOJIBAKE_RE = re.compile("|".join(re.escape(k) for k in sorted(MOJIBAKE, key=len, reverse=True)))


def repair(text: str) -> str:
    """`text` with known mojibake sequences replaced by the letters they stand for."""
    return _MOJIBAKE_RE.sub(lambda m: MOJIBAKE[m.group(0)], text) if text else text


@dataclass
class Parsed:
    """What reading a file gave: accepted records, and counts and examples of everything else."""

    records: list[dict[str, Any]] = field(default_factory=list)
    rows_read: int = 0
    rejected: Counter = field(default_factory=Counter)
    examples: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    notes: Counter = field(default_factory=Counter)
    note_examples: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    sha256: str = ""

    def reject(self, reason: str, line: int, detail: str) -> None:
        self.rejected[reason] += 1
        shown = self.examples.setdefault(reason, [])
        if len(shown) < EXAMPLES:
            shown.append((line, detail))

    def note(self, what: str, line: int, detail: str) -> None:
        self.notes[what] += 1
        shown = self.note_examples.setdefault(what, [])
        if len(shown) < EXAMPLES:
            shown.append((line, detail))


class FormatError(ValueError):
    """The file is not a Ruta Digital export (its header is not the published one)."""


def _lines(raw: bytes, parsed: Parsed) -> Iterator[tuple[int, str]]:
    """(line number, text) of each line, decoded as UTF-8, or Windows-1252 when a line is not."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        yield from enumerate(io.StringIO(text, newline=None), start=1)
        return
    for number, line in enumerate(raw.splitlines(keepends=True), start=1):
        try:
            yield number, line.decode("utf-8")
        except UnicodeDecodeError:
            parsed.note(NOT_UTF8, number, "")
            yield number, line.decode("cp1252", errors="replace")


def _score(value: str) -> float | None:
    """A published score (`29,17`) as a float; None when it is not a number."""
    try:
        number = float(value.strip().replace(",", "."))
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _date(value: str) -> date | None:
    value = value.strip()
    if not _DIGITS8.match(value):
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def _level(value: str) -> str | None:
    key = unicodedata.normalize("NFKD", repair(value.strip())).encode("ascii", "ignore").decode().lower()
    return _LEVEL_KEYS.get(key)


def _place(value: str, line: int, parsed: Parsed, limit: int) -> str | None:
    value = value.strip()
    fixed = repair(value)
    if fixed != value:
        parsed.note(REPAIRED, line, f"{value} → {fixed}")
    return unicodedata.normalize("NFC", fixed)[:limit] or None


def parse_row(fields: list[str], line: int, parsed: Parsed) -> dict[str, Any] | None:
    """One record from the fields of one data line, or None (the rejection is counted in `parsed`)."""
    if fields:
        fields[-1] = fields[-1].rstrip(", \r\n")
    if len(fields) != len(COLUMNS):
        parsed.reject(WRONG_FIELDS, line, f"{len(fields)} fields, expected {len(COLUMNS)}")
        return None
    firm_hash = fields[_IX["RAZON_SOCIAL_ANONIMIZADA"]].strip().upper()
    if not _HASH.match(firm_hash):
        parsed.reject(BAD_HASH, line, repr(firm_hash[:70]))
        return None
    end = _date(fields[_IX["FECHA_FIN"]])
    if end is None:
        parsed.reject(BAD_DATE, line, repr(fields[_IX["FECHA_FIN"]]))
        return None
    record: dict[str, Any] = {"firm_hash": firm_hash, "test_end_date": end}
    clipped = []
    for column, name in SCORES.items():
        text = fields[_IX[column]].strip()
        if not text:
            parsed.reject(MISSING_SCORE, line, f"{column} is empty")
            return None
        value = _score(text)
        if value is None or value < 0:
            parsed.reject(BAD_SCORE, line, f"{column} = {text!r}")
            return None
        if value > 100:
            clipped.append(name)
            parsed.note(CLIPPED, line, f"{column} = {text}")
            value = 100.0
        record[name] = value
    level = _level(fields[_IX["NIVEL_DIGITALIZACION"]])
    if level is None:
        parsed.reject(BAD_LEVEL, line, repr(fields[_IX["NIVEL_DIGITALIZACION"]]))
        return None
    year_text = fields[_IX["ANIO"]].strip()
    if not (year_text.isdigit() and 2000 <= int(year_text) <= 2100):
        parsed.reject(BAD_YEAR, line, repr(year_text))
        return None
    ciiu = normalise_ciiu(fields[_IX["CIIU"]])
    if ciiu is None:
        parsed.note(NO_CIIU, line, repr(fields[_IX["CIIU"]].strip()))
    person = fields[_IX["TIPO"]].strip().upper()
    ubigeo = fields[_IX["UBIGEO"]].strip()
    if ubigeo.isdigit() and len(ubigeo) == 5:  # a leading zero lost by a spreadsheet (Amazonas: 01…)
        ubigeo = "0" + ubigeo
    registered = _date(fields[_IX["FECHA_REGISTRO"]])
    if registered is not None and registered > end:
        parsed.note(REGISTERED_AFTER, line, f"{registered} > {end}")
    record |= {
        "year": int(year_text),
        "ciiu": ciiu,
        "sector": sector_for_ciiu(ciiu),
        "person_type": person if person in PERSON_TYPES else None,
        "department": _place(fields[_IX["DEPARTAMENTO"]], line, parsed, 40),
        "province": _place(fields[_IX["PROVINCIA"]], line, parsed, 60),
        "district": _place(fields[_IX["DISTRITO"]], line, parsed, 60),
        "ubigeo": ubigeo if ubigeo.isdigit() and len(ubigeo) == 6 else None,
        "level": level,
        "clipped": ",".join(clipped) or None,
    }
    return record


def parse(raw: bytes) -> Parsed:
    """Every record of a Ruta Digital file's bytes; raises FormatError if the header is not the published one."""
    parsed = Parsed(sha256=hashlib.sha256(raw).hexdigest())
    lines = _lines(raw, parsed)
    first = next(lines, None)
    header = [h.strip() for h in first[1].rstrip("\r\n").rstrip(",").split("|")] if first else []
    if tuple(header) != COLUMNS:
        raise FormatError("this is not the Ruta Digital file: its first line should be the header "
                          + "|".join(COLUMNS[:4]) + "|…")
    seen: dict[tuple[str, date], int] = {}
    numbers: list[int] = []

    def texts() -> Iterator[str]:
        for number, text in lines:
            if not text.strip():
                continue
            numbers.append(number)
            yield text

    for fields in csv.reader(texts(), delimiter="|", quoting=csv.QUOTE_NONE):
        line = numbers[-1]
        parsed.rows_read += 1
        record = parse_row(fields, line, parsed)
        if record is None:
            continue
        key = (record["firm_hash"], record["test_end_date"])
        if key in seen:
            parsed.reject(DUPLICATE, line, f"same firm and test end date as line {seen[key]}")
            continue
        seen[key] = line
        record["line"] = line
        parsed.records.append(record)
    return parsed


def read(path: str | Path) -> Parsed:
    """Parse the file at `path` (read, never modified)."""
    return parse(Path(path).read_bytes())


def crosswalk(domains: Mapping[str, float]) -> dict[str, float]:
    """This product's dimensions from one set of Ruta Digital domain scores (keys: domain ids)."""
    return {dim: sum(domains[d] * w for d, w in weights.items()) for dim, weights in CROSSWALK.items()}


def crosswalk_record(record: Mapping[str, Any]) -> dict[str, float]:
    """The crosswalk of a record (keys: record fields such as `e_commerce`)."""
    return crosswalk({domain: record[name] for domain, name in DOMAINS.items()})


def latest_per_firm(records: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Each firm's latest test (by test end date): the rows comparisons count."""
    latest: dict[str, Mapping[str, Any]] = {}
    for record in records:
        kept = latest.get(record["firm_hash"])
        if kept is None or record["test_end_date"] > kept["test_end_date"]:
            latest[record["firm_hash"]] = record
    return list(latest.values())
