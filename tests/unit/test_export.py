"""The server-side CSV: what Excel in nl-BE needs, and no formulas smuggled in through a label."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone

from dashboards.components import export


def test_values_are_written_the_way_a_belgian_excel_reads_them():
    assert export.cell(1234) == "1234"  # no thousands point: Excel would read text
    assert export.cell(12.5) == "12,5" and export.cell(-0.25) == "-0,25" and export.cell(3.0) == "3"
    assert export.cell(float("nan")) == "" and export.cell(None) == ""
    assert export.cell(True) == "ja"
    assert export.cell(date(2026, 10, 31)) == "31/10/2026"
    # 23:30 UTC on 31 October is 00:30 on 1 November in Brussels (winter time)
    assert export.cell(datetime(2026, 10, 31, 23, 30, tzinfo=timezone.utc)) == "01/11/2026 00:30"


def test_a_text_that_excel_would_run_as_a_formula_stays_text():
    assert export.cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert export.cell("@SUM(A1)").startswith("'") and export.cell("Sluikstort") == "Sluikstort"


def test_tables_follow_each_other_with_a_bom_and_semicolons():
    tables = [
        export.Table([("a", "Naam"), ("n", "Aantal")], [{"a": "Zellik; centrum", "n": 3}]),
        export.Table([("x", "X")], [{"x": 1.5}, {"x": None}]),
    ]
    text = export.csv_text(tables, title=["Titel", "okt 2026"])
    assert text.startswith("\ufeffTitel;okt 2026\r\n\r\n")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows == [["Titel", "okt 2026"], [], ["Naam", "Aantal"], ["Zellik; centrum", "3"], [], ["X"], ["1,5"], [""]]


def test_hidden_grid_columns_are_not_exported():
    defs = [{"field": "a", "headerName": "A"}, {"field": "b", "headerName": "B", "hide": True}, {"field": "c"}]
    assert export.grid_columns(defs) == [("a", "A"), ("c", "c")]


def test_the_xlsx_keeps_numbers_as_numbers_and_formulas_as_text():
    from openpyxl import load_workbook

    table = export.Table(
        [("name", "Hotspot"), ("visits", "Bezoeken"), ("share", "Aandeel")],
        [{"name": "=1+1", "visits": 12, "share": 0.25}, {"name": "Station Asse", "visits": 0, "share": None}],
    )
    buffer = io.BytesIO()
    export.xlsx_writer([table], title=["Dekking", "okt 2026"])(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:2] == ["Dekking", "okt 2026"] and rows[2] == ["Hotspot", "Bezoeken", "Aandeel"]
    assert rows[3] == ["=1+1", 12, 0.25] and sheet.cell(4, 1).data_type == "s"  # text, not a formula
    assert rows[4] == ["Station Asse", 0, None]
