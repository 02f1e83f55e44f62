"""While a large CSV's dry run runs as a background job, the import page shows the loader's own progress:
'stap N van 3: … van 200.000 rijen …', the rows of the file as the loader counted them."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from playwright.sync_api import expect

from app import create_app
from civ.store import open_for_writing
from dashboards.components.import_jobs import jobs

from .served_app import fill_store, serving

ROWS = 200_000
LABELS = ["Sluikstorten", "Hondenpoep", "Zwerfvuil op straat", "Kapotte zitbank", "Graffiti"]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("progress") / "civ.duckdb"
    fill_store(db, is_demo=False)
    con = open_for_writing(db)
    try:  # fill_store numbers its 3 batches itself: the store's own numbering goes on after them
        con.execute("SELECT nextval('import_batch_ids') FROM range(3)").fetchall()
    finally:
        con.close()
    return create_app(db)


def test_a_running_dry_run_shows_the_step_and_the_rows_of_the_loader(app, page, tmp_path):
    export = tmp_path / "groot-export.csv"
    lines = [f"M-{i};{1 + i % 28:02d}/01/2026 10:00;{LABELS[i % 5]}\n" for i in range(ROWS)]
    export.write_text("Nummer;Datum;Onderwerp\n" + "".join(lines), encoding="utf-8")
    rows = f"{len(lines):,}".replace(",", ".")
    with serving(app, "coordinator") as url:
        page.goto(url + "/import")
        page.locator("#import-upload-file input[type=file]").set_input_files(str(export))
        expect(page.locator("#import-upload-message")).to_contain_text("groot-export.csv ontvangen", timeout=60_000)
        expect(page.locator("#import-labels")).to_contain_text(LABELS[0], timeout=60_000)
        page.locator("#import-dry-run").click()
        message = page.locator("#import-action-message")
        expect(message).to_have_text(
            re.compile(rf"stap [123] van 3: [0-9.]+ van {re.escape(rows)} rijen (ingelezen|gecontroleerd|opgeslagen)"),
            timeout=120_000,
        )
        expect(page.locator("#import-count-rows_in")).to_have_text(rows, timeout=180_000)
    for token in list(jobs._uploads):
        jobs.forget_upload(token)
    assert page.console.errors == []


def test_a_worksheets_label_table_fills_when_its_background_count_is_done(app, page, tmp_path):
    import openpyxl

    export = tmp_path / "werkblad-export.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nummer", "Datum", "Onderwerp"])
    labels = [LABELS[i * 7 % 11 % 5] for i in range(5_000)]
    for i, label in enumerate(labels):
        sheet.append([f"M-{i}", f"{1 + i % 28:02d}/01/2026 10:00", label])
    book.save(export)
    with serving(app, "coordinator") as url:
        page.goto(url + "/import")
        page.locator("#import-upload-file input[type=file]").set_input_files(str(export))
        expect(page.locator("#import-upload-message")).to_contain_text("werkblad-export.xlsx ontvangen", timeout=60_000)
        table = page.locator("#import-labels")
        for label, rows in Counter(labels).items():
            expect(table.locator("tr", has_text=label)).to_contain_text(f"{rows:,}".replace(",", "."), timeout=60_000)
    for token in list(jobs._uploads):
        jobs.forget_upload(token)
    assert page.console.errors == []
