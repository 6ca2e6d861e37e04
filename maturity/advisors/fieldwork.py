"""Reading a filled field-work sheet (CSV or XLSX, the columns of contracts.md), all checks first.

Pure: no Flask, no database. Limits are checked before any parsing (size, rows, and for XLSX —
a zip — the entries' total uncompressed size and compression ratio, against zip bombs). Every
problem names the row (as a spreadsheet shows it: the header is row 1), the column and a stable
code the view translates. Nothing is written unless there is no problem at all.
"""
from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from maturity.questionnaires.model import Questionnaire
from maturity.questionnaires.visibility import walk
from maturity.scoring import validate_answers

COLUMNS = ("firm", "item_id", "question", "options", "answer", "note", "evidence")
REQUIRED_COLUMNS = ("firm", "item_id", "answer")
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
MAX_UNZIPPED = 20 * 1024 * 1024
MAX_RATIO = 100
MAX_CELL = 2000


@dataclass(frozen=True)
class Problem:
    row: int | None          # 1 = the header row; None: the file as a whole
    column: str | None
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


class FieldworkRejected(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def read_table(data: bytes, filename: str) -> list[dict[str, str]]:
    """Rows as {column: text}, header normalised; raises FieldworkRejected before parsing when too big."""
    if len(data) > MAX_BYTES:
        raise FieldworkRejected([Problem(None, None, "file_too_large", {"limit_mb": MAX_BYTES // (1024 * 1024)})])
    table = _xlsx_rows(data) if data[:2] == b"PK" or filename.lower().endswith(".xlsx") else _csv_rows(data)
    if not table:
        raise FieldworkRejected([Problem(None, None, "empty")])
    header = [str(h or "").strip().lower() for h in table[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [h for h in header if h and h not in COLUMNS]
    if missing or unknown:
        raise FieldworkRejected([Problem(1, None, "wrong_columns", {"expected": ", ".join(COLUMNS),
                                                                    "missing": ", ".join(missing),
                                                                    "unknown": ", ".join(unknown)})])
    if len(table) - 1 > MAX_ROWS:
        raise FieldworkRejected([Problem(None, None, "too_many_rows", {"limit": MAX_ROWS})])
    rows = []
    for values in table[1:]:
        cells = [("" if v is None else str(v)).strip() for v in values]
        rows.append({name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header) if name})
    return rows


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # Excel on Windows in Latin America saves CSV this way
        except UnicodeDecodeError:
            raise FieldworkRejected([Problem(None, None, "not_a_spreadsheet")]) from None
    if "\x00" in text:
        raise FieldworkRejected([Problem(None, None, "not_a_spreadsheet")])
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    try:
        return [row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)]
    except csv.Error:
        raise FieldworkRejected([Problem(None, None, "not_a_spreadsheet")]) from None


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise FieldworkRejected([Problem(None, None, "not_a_spreadsheet")]) from None
    unzipped = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if len(infos) > 200 or unzipped > MAX_UNZIPPED or unzipped / packed > MAX_RATIO:
        raise FieldworkRejected([Problem(None, None, "file_too_large", {"limit_mb": MAX_UNZIPPED // (1024 * 1024)})])
    from openpyxl import load_workbook  # imported here: only imports need it

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True) if any(c not in (None, "") for c in row)]
    except Exception:  # noqa: BLE001 - any parse failure of an uploaded file is "not a spreadsheet"
        raise FieldworkRejected([Problem(None, None, "not_a_spreadsheet")]) from None


def _text(value: str) -> str:
    # Our own export guards formulas with a leading apostrophe; a sheet sent back may keep it.
    return value[1:] if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@", "\t", "\r") else value


def answers_from_rows(rows: list[dict[str, str]], questionnaire: Questionnaire, firm_keys: set[str],
                      profile: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The autosave batch the rows describe; FieldworkRejected listing every problem otherwise."""
    problems: list[Problem] = []
    batch: dict[str, dict[str, Any]] = {}
    seen_rows: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        item_id = row.get("item_id", "")
        if row.get("firm", "") not in firm_keys:
            problems.append(Problem(number, "firm", "other_firm", {"value": row.get("firm", "")[:40]}))
        if item_id not in questionnaire:
            problems.append(Problem(number, "item_id", "unknown_item", {"item": item_id[:80]}))
            continue
        if item_id in seen_rows:
            problems.append(Problem(number, "item_id", "duplicate_item", {"item": item_id, "first": seen_rows[item_id]}))
            continue
        seen_rows[item_id] = number
        raw = _text(row.get("answer", ""))
        if not raw:
            continue
        item = questionnaire.item(item_id)
        option: Any = [p.strip() for p in raw.split(";") if p.strip()] if item.multiple else raw
        for problem in validate_answers(questionnaire, {item_id: option}):
            problems.append(Problem(number, "answer", problem.code, dict(problem.params)))
        entry: dict[str, Any] = {"option": option}
        for column in ("note", "evidence"):
            value = _text(row.get(column, ""))
            if len(value) > MAX_CELL:
                problems.append(Problem(number, column, "too_long", {"limit": MAX_CELL}))
            elif value:
                entry[column] = value
        batch[item_id] = entry
    answers = {k: v["option"] for k, v in batch.items()}
    for item, shown, answer in walk(questionnaire, answers, profile):
        if shown and answer is None:
            row = seen_rows.get(item.id)
            problems.append(Problem(row, "answer", "missing_answer", {"item": item.id}))
    if problems:
        raise FieldworkRejected(problems)
    return batch
