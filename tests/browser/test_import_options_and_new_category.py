"""The import page's file options and "nieuwe categorie…": a CSV whose header holds more commas than
semicolons previews wrongly until the separator is set; the decimal sign and the CRS are stated; a label
without a code becomes a new category (through `categories add`, audited); the saved profile carries the
choices and the load reads x/y written as 136.123,45 in Lambert 72 to the right place."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from app import create_app
from civ import accounts
from civ.store import open_for_writing, reading
from dashboards.components.import_jobs import jobs

from .served_app import SHARED_SCREENS, choose, fill_store, serving

LAT, LON = 50.9105, 4.1985  # Asse centre, inside the territory
HEADER = ["Nummer", "Datum (dag, maand, jaar, uur, minuut)", "Onderwerp, soort", "X", "Y"]
LABELS = ["Sluikstorten", "Sluikstorten", "Kapotte zitbank", "Sluikstorten", "Kapotte zitbank"]


def _lambert(value: float) -> str:
    """136123.456 -> '136.123,46': how a Belgian Excel writes a number with thousands separators."""
    return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("options") / "civ.duckdb"
    fill_store(db, is_demo=False)
    con = open_for_writing(db)
    try:  # fill_store numbers its 3 batches itself: the store's own numbering goes on after them
        con.execute("SELECT nextval('import_batch_ids') FROM range(3)").fetchall()
    finally:
        con.close()
    return create_app(db)


def _export(path):
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:31370", always_xy=True).transform(LON, LAT)
    lines = [";".join(HEADER)]
    for n, label in enumerate(LABELS):
        lines.append(f'K-{n};{5 + n:02d}/01/2026 10:00;{label};"{_lambert(x)}";"{_lambert(y)}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _dropdown(page, component: dict):
    return page.locator(f"[id='{json.dumps(component, sort_keys=True, separators=(',', ':'))}']")


def _pick(page, component: dict, option: str) -> None:
    _dropdown(page, component).click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def test_separator_decimal_and_crs_reach_the_profile_and_the_load_and_a_label_becomes_a_new_category(
    app, page, tmp_path
):
    db = app.server.config["CIV_DB"]
    export = _export(tmp_path / "komma-export.csv")
    with serving(app, "coordinator") as url:
        page.goto(url + "/import")
        page.locator("#import-upload-file input[type=file]").set_input_files(str(export))
        expect(page.locator("#import-upload-message")).to_contain_text("komma-export.csv ontvangen")
        grid = page.locator("#import-preview-grid")
        expect(page.locator("#import-detected")).to_contain_text("scheidingsteken komma (,)")  # found: wrong
        expect(grid.locator(".ag-header")).not_to_contain_text("Onderwerp, soort")

        choose(page, "import-delimiter", "puntkomma (;)")
        expect(page.locator("#import-detected")).to_contain_text("scheidingsteken puntkomma (;)")
        expect(grid.locator(".ag-header")).to_contain_text("Onderwerp, soort")  # the preview redrew
        expect(grid).to_contain_text("Kapotte zitbank")
        # not chosen yet: what the numbers show (x/y in Lambert 72 with a decimal comma, projected in the test)
        expect(page.locator("#import-detected")).to_contain_text(
            "Decimaalteken komma (150.123,45) (gevonden in het bestand); x/y in EPSG:31370 (gevonden in het bestand)"
        )
        choose(page, "import-decimal", "komma (150.123,45)")
        expect(page.locator("#import-detected")).to_contain_text("Decimaalteken komma (150.123,45)")
        choose(page, "import-crs", "Lambert 72 (EPSG:31370)")
        expect(page.locator("#import-detected")).to_contain_text("x/y in EPSG:31370")

        for field, column in (
            ("reported_at", HEADER[1]),
            ("id", "Nummer"),
            ("category", "Onderwerp, soort"),
            ("x", "X"),
            ("y", "Y"),
        ):
            if column not in _dropdown(page, {"type": "import-field", "field": field}).inner_text().splitlines():
                _pick(page, {"type": "import-field", "field": field}, column)  # not guessed: mapped by hand
            expect(_dropdown(page, {"type": "import-field", "field": field})).to_contain_text(column)
        labels = page.locator("#import-labels")
        row = labels.locator("tr", has_text="Kapotte zitbank")
        expect(row).to_contain_text(str(LABELS.count("Kapotte zitbank")))  # the label's rows
        page.wait_for_load_state("networkidle")

        _pick(page, {"type": "import-label", "field": "category", "label": "Kapotte zitbank"}, "nieuwe categorie…")
        form = page.locator("#import-newcat")
        expect(form).to_be_visible()
        expect(page.locator("#import-newcat-code")).to_have_value("kapotte_zitbank")
        expect(page.locator("#import-newcat-nl")).to_have_value("Kapotte zitbank")
        page.locator("#import-newcat-en").fill("Broken bench")
        SHARED_SCREENS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHARED_SCREENS / "import-11-options-new-category.png"), full_page=True)
        choose(page, "import-newcat-group", "overlast")
        page.locator("#import-newcat-add").click()
        expect(page.locator("#import-newcat-message")).to_contain_text("Categorie kapotte_zitbank toegevoegd")
        expect(form).to_be_hidden()
        expect(
            _dropdown(page, {"type": "import-label", "field": "category", "label": "Kapotte zitbank"})
        ).to_contain_text("kapotte_zitbank")
        expect(row).to_contain_text("kapotte_zitbank")
        expect(labels.locator("tr", has_text="Sluikstorten")).to_contain_text("sluikstort")

        page.locator("#import-profile-name").fill("komma-export")
        page.locator("#import-save-profile").click()
        expect(page.locator("#import-profile-message")).to_contain_text("Profiel komma-export bewaard")
        page.locator("#import-load").click()
        expect(page.locator("#import-batch-link")).to_be_visible(timeout=120_000)
        assert int(page.locator("#import-count-loaded").inner_text()) == len(LABELS)
        assert int(page.locator("#import-count-quarantined").inner_text()) == 0
    from etl.profiles import load_profile

    saved = load_profile("komma-export", "reports", db)
    assert (saved.file["delimiter"], saved.file["decimal"], saved.file["crs"]) == (";", ",", "EPSG:31370")
    with reading(db) as con:
        category = con.execute(
            "SELECT label_nl, label_en, category_group FROM categories WHERE code = ?", ["kapotte_zitbank"]
        ).fetchall()
        alias = con.execute("SELECT category_code FROM category_aliases WHERE alias = 'kapotte zitbank'").fetchall()
        loaded = con.execute(
            "SELECT category_code, lat, lon FROM reports WHERE source_id LIKE 'K-%' ORDER BY source_id"
        ).fetchall()
    assert category == [("Kapotte zitbank", "Broken bench", "overlast")] and alias == [("kapotte_zitbank",)]
    assert [c for c, _, _ in loaded] == [
        "sluikstort" if label == "Sluikstorten" else "kapotte_zitbank" for label in LABELS
    ]
    assert all(abs(lat - LAT) < 1e-4 and abs(lon - LON) < 1e-4 for _, lat, lon in loaded)  # two decimals of a metre
    events = [e for e in accounts.audit_entries(db) if e["event"] == "import_category_added"]
    assert len(events) == 1 and "kapotte_zitbank" in events[0]["detail"]
    for token in list(jobs._uploads):
        jobs.forget_upload(token)
    assert page.console.errors == []
