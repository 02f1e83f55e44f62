"""From the quarantine to the mapping: an import refused the rows of a label without a code; *De koppeling
aanpassen* opens the import page on that import's unknown labels; the coordinator picks a code and
*opnieuw proberen* writes it into the import's profile and loads the refused rows. Other roles get no link."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from app import create_app
from civ import accounts
from civ.store import open_for_writing, reading
from etl.profiles import load_profile
from etl.reports import load_reports_file
from etl.web_import import checked_profile, profile_text, save

from .served_app import SHARED_SCREENS, fill_store, logged_in_client, page_callback_body, serving

# (number, label); the bench and the bin have no code in the profile
ROWS = [
    ("F-1", "Sluikstorten"),
    ("F-2", "Kapotte zitbank"),
    ("F-3", "Sluikstorten"),
    ("F-4", "Kapotte zitbank"),
    ("F-5", "Omgevallen vuilbak"),
    ("F-6", "Kapotte zitbank"),
]
CHOSEN = {"Kapotte zitbank": "defect_openbaar_domein"}  # the bin stays unmapped


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fix")
    db = folder / "civ.duckdb"
    fill_store(db, is_demo=False)
    con = open_for_writing(db)
    try:  # fill_store numbers its 3 batches itself: the store's own numbering goes on after them
        con.execute("SELECT nextval('import_batch_ids') FROM range(3)").fetchall()
    finally:
        con.close()
    export = folder / "meldingen.csv"
    lines = ["Nummer;Datum;Onderwerp"] + [f"{n};{5 + i:02d}/01/2026 10:00;{label}" for i, (n, label) in enumerate(ROWS)]
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = profile_text(
        "reports",
        1,
        {"id": ["Nummer"], "reported_at": ["Datum"], "category": ["Onderwerp"]},
        {"category": {"Sluikstorten": "sluikstort"}},
    )
    save(db, "gemeente-meldingen", text)
    result = load_reports_file(db, export, profile=checked_profile(text, "reports", "gemeente-meldingen"))
    assert result.quarantined == sum(1 for _, label in ROWS if label != "Sluikstorten")
    return create_app(db), result.batch_id


def _dropdown(page, component: dict):
    return page.locator(f"[id='{json.dumps(component, sort_keys=True, separators=(',', ':'))}']")


def test_fix_the_mapping_from_the_quarantine_then_retry_loads_the_refused_rows(loaded, page):
    app, batch_id = loaded
    db = app.server.config["CIV_DB"]
    refused = {label: sum(1 for _, lab in ROWS if lab == label) for _, label in ROWS if label != "Sluikstorten"}
    with serving(app, "coordinator") as url:
        page.goto(f"{url}/quarantaine?batch={batch_id}")
        reason = page.locator("#quarantine-reasons tr", has_text="categorie '…' is onbekend")
        reason.locator("#quarantine-fix-mapping").click()
        expect(page).to_have_url(f"{url}/import?batch={batch_id}")
        fix = page.locator("#import-fix")
        expect(fix).to_contain_text(f"import {batch_id}")
        for label, rows in refused.items():
            expect(fix.locator("tr", has_text=label)).to_contain_text(str(rows))
        component = {"type": "import-label", "field": "category", "label": "Kapotte zitbank"}
        _dropdown(page, component).click()
        page.get_by_role("option", name=CHOSEN["Kapotte zitbank"], exact=True).click()
        page.keyboard.press("Escape")
        page.locator("#import-fix-retry").click()
        expect(page.locator("#import-fix-message")).to_contain_text("gemeente-meldingen")
        expect(page.locator("#import-outcome")).to_be_visible(timeout=120_000)
        SHARED_SCREENS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHARED_SCREENS / "import-12-fix-mapping-retried.png"), full_page=True)
        assert int(page.locator("#import-count-loaded").inner_text()) == refused["Kapotte zitbank"]
        assert int(page.locator("#import-count-quarantined").inner_text()) == refused["Omgevallen vuilbak"]
    profile = load_profile("gemeente-meldingen", "reports", db)
    assert profile.values["category"] == {"sluikstorten": "sluikstort", "kapotte zitbank": "defect_openbaar_domein"}
    assert profile.columns["reported_at"] == ["Datum"]  # the rest of the mapping is kept
    with reading(db) as con:
        left = con.execute("SELECT count(*) FROM quarantine WHERE batch_id = ?", [batch_id]).fetchall()[0][0]
        benches = con.execute(
            "SELECT count(*) FROM reports WHERE category_code = 'defect_openbaar_domein' AND source_id LIKE 'F-%'"
        ).fetchall()[0][0]
    assert left == refused["Omgevallen vuilbak"] and benches == refused["Kapotte zitbank"]
    assert any(e["event"] == "import_fix_mapping" for e in accounts.audit_entries(db))
    assert page.console.errors == []


def test_other_roles_get_no_link_to_the_mapping(loaded):
    app, batch_id = loaded
    client = logged_in_client(app, "kerngroep")
    body = client.post(
        "/_dash-update-component", json=page_callback_body("/quarantaine", f"?batch={batch_id}")
    ).get_data(as_text=True)
    assert "quarantine-reasons" in body and "quarantine-fix-mapping" not in body
