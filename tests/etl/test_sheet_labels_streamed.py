"""The label table of a worksheet is counted by streaming its rows (openpyxl read_only), not by reading the
sheet whole: the same labels and rows as the file holds, on the sheet and below the header the load takes."""

from __future__ import annotations

import time
from collections import Counter

import openpyxl

from etl import web_import
from etl.tables import read_table

CATEGORIES = ["Sluikstorten", "Hondenpoep", "Zwerfvuil op straat", "Graffiti"]
CHANNELS = ["e-mail", "telefoon", "loket"]
ROWS = 3_000


def _workbook(path):
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Uitleg"  # a first sheet without our columns: the export's cover page
    notes.append(["Deze export bevat de meldingen van januari"])
    notes.append(["Categorie", "Graffiti"])  # a 'Categorie' cell on the wrong sheet: never counted
    sheet = book.create_sheet("Meldingen")
    sheet.append(["Meldingen januari 2026"])
    sheet.append([])
    sheet.append(["Nummer", "Datum", "Categorie", "Kanaal"])
    rows = []
    for i in range(ROWS):
        category = CATEGORIES[i * 7 % 11 % 4] if i % 50 else None  # some rows without a category
        channel = CHANNELS[i % 3] if i % 13 else f"  {CHANNELS[0]} "  # spaces around: the same label
        rows.append((category, channel.strip()))
        sheet.append([f"M-{i}", f"{1 + i % 28:02d}/01/2026", category, channel])
    sheet.append(["M-x", "02/01/2026", 42, "post"])  # a number as label: counted as its text
    rows.append(("42", "post"))
    book.save(path)
    return rows


def test_worksheet_labels_are_counted_row_by_row_as_the_file_holds_them(db, tmp_path):
    path = tmp_path / "meldingen.xlsx"
    rows = _workbook(path)
    found = web_import.labels(path, "reports", 3, {"category": ["Categorie"], "channel": ["Kanaal"]}, db)
    for field, position in (("category", 0), ("channel", 1)):
        expected = Counter(row[position] for row in rows if row[position])
        assert {e["label"]: e["rows"] for e in found[field]} == dict(expected)
        counts = [e["rows"] for e in found[field]]
        assert counts == sorted(counts, reverse=True)  # most rows first
    # the same rows per label as the load's whole read of the sheet
    table = read_table(path, known={"categorie", "kanaal", "datum", "nummer"}, header_row=3)
    whole = table.frame["categorie"].dropna().astype(str).str.strip()
    assert {e["label"]: e["rows"] for e in found["category"]} == dict(Counter(whole[whole != ""]))


def test_the_sheet_is_streamed_never_read_whole(db, tmp_path, monkeypatch):
    import etl.tables

    path = tmp_path / "meldingen.xlsx"
    rows = _workbook(path)

    def whole_read(*_args, **_kwargs):
        raise AssertionError("the worksheet was read whole")

    monkeypatch.setattr(etl.tables, "_read_xlsx", whole_read)
    found = web_import.labels(path, "reports", 3, {"category": ["Categorie"]}, db)
    assert sum(e["rows"] for e in found["category"]) == sum(1 for category, _ in rows if category)


def test_a_background_job_counts_the_labels_while_the_request_returns(db, tmp_path):
    from dashboards.components.import_jobs import ImportJobs

    path = tmp_path / "meldingen.xlsx"
    rows = _workbook(path)
    csv = tmp_path / "meldingen.csv"
    csv.write_text("Nummer;Datum;Categorie\nM-1;01/01/2026;Graffiti\n", encoding="utf-8")
    columns = {"category": ["Categorie"], "channel": ["Kanaal"]}
    assert web_import.sheet_count_args(csv, "reports", 1, columns) is None  # DuckDB counts a CSV at once
    args = web_import.sheet_count_args(path, "reports", 3, columns)
    assert args == (str(path), "reports", 3, None, ["categorie", "kanaal"])
    pool = ImportJobs()
    key = pool.start_reading("coordinator", web_import.sheet_label_counts, *args)
    assert pool.reading(key, "kerngroep") == ("failed", None)  # only for the user who asked
    deadline = time.monotonic() + 120
    while (answer := pool.reading(key, "coordinator"))[0] == "running" and time.monotonic() < deadline:
        time.sleep(0.1)
    pool._reader_pool().shutdown()
    state, counted = answer
    assert state == "done"
    found = web_import.labels(path, "reports", 3, columns, db, counted=counted)
    assert {e["label"]: e["rows"] for e in found["channel"]} == dict(Counter(channel for _, channel in rows))
