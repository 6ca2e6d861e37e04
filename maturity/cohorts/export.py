"""Cohort exports: CSV and XLSX, anonymised, formula-safe, with the same suppression as the pages.

Contents (tables; XLSX: one sheet each; CSV: one long table `table, row, column, value`):
- `cohort`: name, programme, period, description, when exported, the minimum group size;
- `funnel`: invited, joined, started, submitted;
- `indices`, `dimensions` (with P10/P25/median/P75/P90), `breakdowns` (sector, department,
  size) and `impact`: exactly what `suppression.publish*` lets the pages show; a withheld figure
  is empty in the CSV and "—" in the XLSX, with a note;

No table has a row per firm. An earlier version exported each firm's scores under a pseudonym
drawn afresh per export; two exports taken before and after one firm joined then singled that
firm out by difference, which breaks "no figure about fewer than five firms leaves the system".
Everything exported is therefore an aggregate the pages may show.

Formula injection (ASVS 5.0 1.2.10): text starting with = + - @, a tab or a carriage return gets a
leading apostrophe in the CSV (every text cell quoted, RFC 4180) and is stored as text in the
XLSX; numbers stay numbers.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from maturity.cohorts import figures
from maturity.cohorts.labels import VARIABLE_LABELS, category_label
from maturity.cohorts.models import Cohort
from maturity.i18n import _, use_language
from maturity.questionnaires.export import FORMULA_PREFIXES
from maturity.timeutil import utcnow

WITHHELD = "—"


def safe_text(value: str) -> str:
    """Text no spreadsheet reads as a formula."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def cohort_tables(cohort: Cohort) -> list[tuple[str, list[str], list[list[Any]]]]:
    """(name, header, rows) of every table of the export; withheld figures are None."""
    min_n = figures.min_firms()
    published = figures.benchmarks(cohort)
    impact = figures.impact(cohort)
    withheld = _("withheld: fewer than %(n)s firms, or it would reveal a withheld figure", n=min_n)

    def note(*values: Any) -> str:
        return withheld if any(v is None for v in values) else ""

    about = [
        [_("Cohort"), cohort.name], [_("Programme"), cohort.programme or ""],
        [_("First day of the period"), cohort.period_start.isoformat()],
        [_("Last day of the period"), cohort.period_end.isoformat()],
        [_("Description"), cohort.description or ""],
        [_("Exported at (UTC)"), utcnow().strftime("%Y-%m-%d %H:%M")],
        [_("Smallest group shown"), min_n],
        [_("Firms"), _("Only figures about %(n)s or more firms; no row describes a single firm.", n=min_n)],
    ]
    funnel = [[stage, count] for stage, count in figures.funnel(cohort).as_dict().items()]
    indices = [[name, fig["n"], fig["mean"], note(fig["mean"])] for name, fig in published["indices"].items()]
    dimensions = [[d["id"], d["n"], d["mean"], d["p10"], d["p25"], d["median"], d["p75"], d["p90"], note(d["mean"])]
                  for d in published["dimensions"]]
    breakdowns = []
    for variable, table in published["breakdowns"].items():
        for row in table["rows"]:
            breakdowns.append([str(VARIABLE_LABELS[variable]), category_label(variable, row["value"]), row["firms"],
                               row["overall"], row["technology"], row["management"],
                               note(row["firms"], row["overall"], row["technology"], row["management"])])
    impact_rows = [[fig_id, fig["n"], fig["mean_change"], fig["ci_low"], fig["ci_high"], fig["share_up"],
                    note(fig["mean_change"])]
                   for fig_id, fig in [("overall", impact["overall"]), *[(d["id"], d) for d in impact["dimensions"]]]]
    return [
        ("cohort", ["field", "value"], about),
        ("funnel", ["stage", "firms"], funnel),
        ("indices", ["index", "firms", "mean", "note"], indices),
        ("dimensions", ["dimension", "firms", "mean", "p10", "p25", "median", "p75", "p90", "note"], dimensions),
        ("breakdowns", ["variable", "category", "firms", "overall", "technology", "management", "note"], breakdowns),
        ("impact", ["figure", "firms", "mean_change", "ci95_low", "ci95_high", "share_up_band_pct", "note"], impact_rows),
    ]


def to_csv(tables) -> str:
    """One long table: `table, row, column, value` (row = the first cell of the table's row)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(["table", "row", "column", "value"])
    for name, header, rows in tables:
        for row in rows:
            key = row[0]
            for column, value in zip(header[1:], row[1:], strict=True):
                if value is None:
                    value = ""
                writer.writerow([name, safe_text(str(key)), column,
                                 value if _is_number(value) else safe_text(str(value))])
    return buffer.getvalue()


def to_xlsx(tables) -> bytes:
    """A workbook, one sheet per table; text always stored as text (never a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for name, header, rows in tables:
        sheet = workbook.create_sheet(title=name[:31])
        for r, row in enumerate([header, *rows], start=1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c)
                if _is_number(value):
                    cell.value = value
                    continue
                text = WITHHELD if value is None else str(value)
                cell.value = text
                cell.data_type = "s"      # text, even when it starts with "=": never a formula
                if text.startswith(FORMULA_PREFIXES):
                    cell.quotePrefix = True
                if r == 1:
                    cell.font = bold
        sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_cohort(cohort: Cohort, fmt: str, lang: str) -> tuple[bytes, str, str]:
    """(data, mimetype, file name) of the cohort export in `fmt` ('csv' or 'xlsx')."""
    with use_language(lang):
        tables = cohort_tables(cohort)
    stamp = datetime.now().strftime("%Y%m%d")  # a file name: the local date is what people expect
    filename = f"cohort-{cohort.id}-{stamp}.{fmt}"
    if fmt == "csv":
        return to_csv(tables).encode("utf-8-sig"), "text/csv; charset=utf-8", filename
    return to_xlsx(tables), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename
