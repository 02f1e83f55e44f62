"""A large CSV on the import page: the preview shows its first rows and the file's rows as an estimate
(only the start is parsed), and the label table counts every row of every label (DuckDB over the file)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from playwright.sync_api import expect

from app import create_app
from dashboards.components.import_jobs import jobs

from .served_app import fill_store, serving

ROWS = 200_000
LABELS = ["Sluikstorten", "Hondenpoep", "Zwerfvuil op straat", "Kapotte zitbank", "Graffiti"]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("large") / "civ.duckdb"
    fill_store(db, is_demo=False)
    return create_app(db)


def test_a_large_csv_previews_its_start_and_counts_every_label(app, page, tmp_path):
    export = tmp_path / "groot-export.csv"
    records = [(f"M-{i}", f"{1 + i % 28:02d}/01/2026 10:00", LABELS[i * 7 % 11 % 5]) for i in range(ROWS)]
    export.write_text(
        "Meldingen 2026\n\nNummer;Datum;Onderwerp\n" + "".join(f"{n};{d};{c}\n" for n, d, c in records),
        encoding="utf-8",
    )
    expected = Counter(label for _, _, label in records)
    with serving(app, "coordinator") as url:
        page.goto(url + "/import")
        page.locator("#import-upload-file input[type=file]").set_input_files(str(export))
        expect(page.locator("#import-upload-message")).to_contain_text("groot-export.csv ontvangen", timeout=60_000)
        detected = page.locator("#import-detected")
        expect(detected).to_contain_text("kopregel op regel 3", ignore_case=True)
        expect(detected).to_contain_text(f"ongeveer {ROWS:,} rijen".replace(",", "."))
        expect(page.locator("#import-preview-grid")).to_contain_text(records[0][0])
        category = page.locator(
            f"[id='{json.dumps({'field': 'category', 'type': 'import-field'}, separators=(',', ':'))}']"
        )
        expect(category).to_contain_text("Onderwerp")  # guessed from the first rows
        table = page.locator("#import-labels")
        for label, rows in expected.items():
            expect(table.locator("tr", has_text=label)).to_contain_text(f"{rows:,}".replace(",", "."))
    for token in list(jobs._uploads):
        jobs.forget_upload(token)
    assert page.console.errors == []
