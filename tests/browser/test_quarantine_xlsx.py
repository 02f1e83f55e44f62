"""The quarantine's refused rows download as an Excel workbook that opens in Excel (read back with openpyxl):
for the coordinator and one import, the file's own header and fields with the reason as a last column; a
cell that looks like a formula stays text; other roles get the reasons with the values taken out."""

from __future__ import annotations

import base64
import json

import openpyxl
import pytest
from playwright.sync_api import expect

from app import create_app
from civ.store import open_for_writing
from etl.reports import load_reports_file
from etl.web_import import checked_profile, profile_text

from .served_app import callback_body, fill_store, logged_in_client, serving

HEADER = ["Nummer", "Datum", "Onderwerp"]
# (number, date, label): the unknown labels and the impossible date are refused
ROWS = [
    ("Q-1", "05/01/2026 10:00", "Sluikstorten"),
    ("Q-2", "05/01/2026 11:00", "Onbekend ding"),
    ("Q-3", "31/02/2026 12:00", "Sluikstorten"),
    ("Q-4", "06/01/2026 09:30", "=SOM(A1:A9)"),
]
REFUSED = {"Q-2", "Q-3", "Q-4"}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xlsx")
    db = folder / "civ.duckdb"
    fill_store(db, is_demo=False)
    con = open_for_writing(db)
    try:  # fill_store numbers its 3 batches itself: the store's own numbering goes on after them
        con.execute("SELECT nextval('import_batch_ids') FROM range(3)").fetchall()
    finally:
        con.close()
    export = folder / "meldingen.csv"
    export.write_text("\n".join([";".join(HEADER)] + [";".join(r) for r in ROWS]) + "\n", encoding="utf-8")
    text = profile_text(
        "reports",
        1,
        {"id": ["Nummer"], "reported_at": ["Datum"], "category": ["Onderwerp"]},
        {"category": {"Sluikstorten": "sluikstort"}},
    )
    result = load_reports_file(db, export, profile=checked_profile(text, "reports"))
    assert result.quarantined == len(REFUSED)
    return create_app(db), result.batch_id


def test_coordinator_downloads_one_imports_refused_rows_as_xlsx_with_the_reason(loaded, page, tmp_path):
    app, batch_id = loaded
    with serving(app, "coordinator") as url:
        page.goto(f"{url}/quarantaine?batch={batch_id}")
        button = page.locator("#quarantine-download-xlsx")
        expect(button).to_contain_text("Excel")
        with page.expect_download() as download:
            button.click()
        assert download.value.suggested_filename == f"quarantaine-{batch_id}.xlsx"
        saved = tmp_path / "refused.xlsx"
        download.value.save_as(saved)
    book = openpyxl.load_workbook(saved)  # opens as Excel opens it: a valid workbook
    sheet = book.active
    lines = [[c.value for c in row] for row in sheet.iter_rows()]
    assert lines[0][: len(HEADER)] == HEADER and "reden" in lines[0][len(HEADER)]
    by_number = {line[0]: line for line in lines[1:]}
    assert set(by_number) == REFUSED
    for number, date, label in ROWS:
        if number in REFUSED:
            assert by_number[number][1:3] == [date, label]  # the raw fields, as text
    assert "Onbekend ding" in by_number["Q-2"][3] and "31/02/2026" in by_number["Q-3"][3]
    formula_cell = sheet.cell(row=1 + [line[0] for line in lines[1:]].index("Q-4") + 1, column=3)
    assert formula_cell.data_type == "s" and formula_cell.value == "=SOM(A1:A9)"  # text, never a formula
    assert page.console.errors == []


def test_other_roles_get_the_xlsx_with_reasons_without_the_values(loaded):
    app, batch_id = loaded
    client = logged_in_client(app, "kerngroep")
    body = callback_body(
        app,
        "quarantine-download-file.data",
        {
            "quarantine-download-xlsx.n_clicks": 1,
            "quarantine-download.n_clicks": 0,
            "quarantine-selection.data": {"batch": batch_id, "reason": None},
        },
    )
    body["changedPropIds"] = ["quarantine-download-xlsx.n_clicks"]
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200
    data = json.loads(answer.get_data(as_text=True))["response"]["quarantine-download-file"]["data"]
    assert data["filename"].endswith(".xlsx") and data["base64"]
    from io import BytesIO

    sheet = openpyxl.load_workbook(BytesIO(base64.b64decode(data["content"]))).active
    lines = [[c.value for c in row] for row in sheet.iter_rows()]
    assert lines[0] == ["import", "bestand", "rij", "reden"]
    assert len(lines) == 1 + len(REFUSED)
    text = json.dumps(lines)
    assert "Onbekend ding" not in text and "31/02/2026" not in text and "SOM" not in text
