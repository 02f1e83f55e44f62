"""Importeren (/import): a coordinator loads a municipality's Excel export in the browser — upload, correct
the header row, map the columns and labels, save the mapping, dry run (the same counts as the command
line's --dry-run on the same file and profile), load as a background job, see the batch, undo it, and the
store is as before. A kerngroep user gets no page and a 403 on its callbacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from app import create_app
from civ.store import open_for_writing, reading
from dashboards.components.import_jobs import jobs

from . import import_export
from .served_app import (
    SHARED_SCREENS,
    callback_bodies,
    choose,
    fill_store,
    logged_in_client,
    page_callback_body,
    serving,
)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("import") / "civ.duckdb"
    fill_store(db, is_demo=False)
    con = open_for_writing(db)
    try:  # fill_store numbers its 3 batches itself: the store's own numbering goes on after them
        con.execute("SELECT nextval('import_batch_ids') FROM range(3)").fetchall()
    finally:
        con.close()
    return create_app(db)


def _store_state(db) -> dict:
    with reading(db) as con:
        return {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            for table in ("reports", "quarantine", "row_remarks", "report_versions")
        } | {"report_ids": sorted(r[0] for r in con.execute("SELECT source_id FROM reports").fetchall())}


def _dropdown(page, component: dict):
    """A dcc.Dropdown with a dict id (Dash writes it as JSON with sorted keys)."""
    return page.locator(f"[id='{json.dumps(component, sort_keys=True, separators=(',', ':'))}']")


def _pick(page, component: dict, option: str) -> None:
    _dropdown(page, component).click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def _cli_dry_run(db, file, profile: str) -> dict:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "etl",
            "reports",
            str(file),
            "--profile",
            profile,
            "--dry-run",
            "--db",
            str(db),
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _shot(page, name: str) -> None:
    page.screenshot(path=str(SHARED_SCREENS / f"import-{name}.png"), full_page=True)


def test_coordinator_imports_an_excel_export_checks_it_against_the_command_line_and_undoes_it(app, page, tmp_path):
    SHARED_SCREENS.mkdir(parents=True, exist_ok=True)
    db = app.server.config["CIV_DB"]
    export = import_export.write(tmp_path / "meldingen-januari-2026.xlsx")
    before = _store_state(db)
    expected = import_export.expected()
    page.on("dialog", lambda dialog: dialog.accept())
    with serving(app, "coordinator") as url:
        page.goto(url + "/import")
        expect(page.locator("#import-page h1")).to_have_text("Importeren")
        expect(page.locator(".navbar, nav").first).to_contain_text("Importeren")
        page.locator("#import-upload-file input[type=file]").set_input_files(str(export))
        expect(page.locator("#import-upload-message")).to_contain_text("meldingen-januari-2026.xlsx ontvangen")
        # the block of print parameters looks like a header: the page says where it took the header from
        expect(page.locator("#import-detected")).to_contain_text("kopregel op regel 2")
        _shot(page, "1-upload")

        choose(page, "import-sheet", import_export.SHEET)  # the sheet is one of the file's; the choice is kept
        expect(page.locator("#import-sheet")).to_contain_text(import_export.SHEET)
        page.locator("#import-header-row").fill(str(import_export.HEADER_ROW))
        page.locator("#import-header-row").press("Enter")
        expect(page.locator("#import-detected")).to_contain_text(f"kopregel op regel {import_export.HEADER_ROW}")
        grid = page.locator("#import-preview-grid")
        expect(grid).to_contain_text("M-001")
        expect(grid.locator(".ag-header")).to_contain_text("Ingevoerd op")
        _shot(page, "2-preview")

        # profile suggest's guesses are pre-filled; the rest is mapped by hand, date and time joined
        expect(_dropdown(page, {"type": "import-field", "field": "id"})).to_contain_text("Nummer")
        expect(_dropdown(page, {"type": "import-field", "field": "category"})).to_contain_text("Onderwerp")
        _pick(page, {"type": "import-field", "field": "reported_at"}, "Ingevoerd op")
        _pick(page, {"type": "import-field", "field": "reported_at"}, "Om")
        _pick(page, {"type": "import-field", "field": "status"}, "Afhandeling")
        _pick(page, {"type": "import-field", "field": "lat"}, "Breedte")
        _pick(page, {"type": "import-field", "field": "lon"}, "Lengte")
        labels = page.locator("#import-labels")
        # the status labels, once the status column is mapped: a worksheet's labels are counted in a background
        # job, which on a loaded machine (make test's two workers and their browsers) took over 20 s once
        expect(labels).to_contain_text("Afgewerkt", timeout=60_000)
        page.wait_for_load_state("networkidle")
        expect(labels).to_contain_text(import_export.UNMAPPED)
        expect(labels.locator("tr", has_text="Sluikstorten")).to_contain_text("sluikstort")  # known label, pre-filled
        for label, code in {**import_export.LABELS}.items():
            if label != "Sluikstorten" and label != "Hondenpoep":
                _pick(page, {"type": "import-label", "field": "category", "label": label}, code)
        for label, code in import_export.STATUSES.items():
            _pick(page, {"type": "import-label", "field": "status", "label": label}, code)
        expect(labels.locator("tr", has_text="Zwerfvuil op straat")).to_contain_text("zwerfvuil")
        _shot(page, "3-mapping")

        page.locator("#import-profile-name").fill("asse-meldingen")
        page.locator("#import-save-profile").click()
        expect(page.locator("#import-profile-message")).to_contain_text("Profiel asse-meldingen bewaard")

        from etl.profiles import saved_profile_text

        assert f'sheet = "{import_export.SHEET}"' in saved_profile_text(db, "asse-meldingen")
        page.locator("#import-dry-run").click()
        expect(page.locator("#import-outcome")).to_contain_text("Proefrit", timeout=120_000)
        shown = {
            key: int(page.locator(f"#import-count-{key}").inner_text().replace(".", ""))
            for key in ("rows_in", "loaded", "quarantined", "duplicates", "updated")
        }
        expect(page.locator("#import-reasons")).to_contain_text("categorie")
        _shot(page, "4-dry-run")
        assert _store_state(db) == before  # a dry run writes nothing
        cli = _cli_dry_run(db, export, "asse-meldingen")
        assert shown == {key: cli[key] for key in shown}
        assert shown == {key: expected[key] for key in shown}
        assert any(
            r["rows"] == expected["unmapped_rows"] and "categorie" in r["reason"] for r in cli["quarantine_reasons"]
        )

        page.locator("#import-load").click()
        link = page.locator("#import-batch-link")
        expect(link).to_be_visible(timeout=120_000)
        batch_id = int(link.inner_text().split()[1].rstrip(":"))
        assert int(page.locator("#import-count-loaded").inner_text()) == expected["loaded"]
        expect(page.locator("#import-batches-grid")).to_contain_text("meldingen-januari-2026.xlsx")
        loaded = _store_state(db)
        assert loaded["reports"] == before["reports"] + expected["loaded"]
        assert loaded["quarantine"] == before["quarantine"] + expected["quarantined"]
        assert not any(u.path.exists() for u in jobs._uploads.values())  # the upload is gone after the load
        _shot(page, "5-loaded")

        page.locator("#import-batches-grid .ag-row", has_text="meldingen-januari-2026.xlsx").click()
        page.locator("#import-undo").click()
        expect(page.locator("#import-undone")).to_contain_text(
            f"Import {batch_id} is ongedaan gemaakt", timeout=120_000
        )
        expect(page.locator("#import-batches-grid .ag-row", has_text="meldingen-januari-2026.xlsx")).to_contain_text(
            "ongedaan gemaakt"
        )
        _shot(page, "6-undone")
        assert _store_state(db) == before

        # next month: the same source is recognised by its columns and the saved mapping is filled in
        page.goto(url + "/import")
        page.locator("#import-upload-file input[type=file]").set_input_files(str(export))
        expect(page.locator("#import-recognised-name")).to_contain_text("profiel asse-meldingen")
        expect(page.locator("#import-detected")).to_contain_text(f"kopregel op regel {import_export.HEADER_ROW}")
        expect(_dropdown(page, {"type": "import-field", "field": "reported_at"})).to_contain_text("Ingevoerd op")
        expect(_dropdown(page, {"type": "import-field", "field": "lon"})).to_contain_text("Lengte")
        expect(page.locator("#import-labels tr", has_text="Zwerfvuil op straat")).to_contain_text("zwerfvuil")
        expect(page.locator("#import-labels tr", has_text="Afgewerkt")).to_contain_text("afgesloten")
        page.wait_for_load_state("networkidle")
        page.locator("#import-dry-run").click()
        expect(page.locator("#import-outcome")).to_contain_text("Proefrit", timeout=120_000)
        assert int(page.locator("#import-count-loaded").inner_text()) == expected["loaded"]
        _shot(page, "10-recognised")
    assert _store_state(db) == before
    left = [u.path for u in jobs._uploads.values() if u.path.exists()]
    assert left  # the second upload, not loaded, waits for its user
    for token in list(jobs._uploads):
        jobs.forget_upload(token)
    assert not any(path.exists() or path.parent.exists() for path in left)
    assert page.console.errors == []


def test_kerngroep_gets_no_import_page_and_a_403_on_its_callbacks(app):
    from civ import accounts as users

    client = logged_in_client(app, "kerngroep")
    page = client.post("/_dash-update-component", json=page_callback_body("/import")).get_data(as_text=True)
    assert "import-no-access" in page and "import-upload-file" not in page
    menu = client.post("/_dash-update-component", json=page_callback_body("/")).get_data(as_text=True)
    assert '"/import' not in menu
    refused = 0
    for key, body in callback_bodies(app, "x"):
        if key.lstrip(".").startswith("import-"):
            response = client.post("/_dash-update-component", json=body)
            assert response.status_code == 403, key
            refused += 1
    assert refused >= 5
    db = app.server.config["CIV_DB"]
    assert any(e["event"] == "refused" and "import-" in (e["detail"] or "") for e in users.audit_entries(db))


def test_a_large_body_is_only_accepted_for_the_upload_callback_of_a_role_that_may_import(app):
    import base64

    text = "datum;categorie\n" + "05/01/2026 10:00;sluikstort\n" * 260_000  # 7 MB of CSV, 9,3 MB as base64
    big = base64.b64encode(text.encode()).decode()
    assert len(big) > 8 * 1024 * 1024
    coordinator, kerngroep = logged_in_client(app, "coordinator"), logged_in_client(app, "kerngroep")
    other = {
        "output": "quarantine-url.search",
        "outputs": {"id": "quarantine-url", "property": "search"},
        "inputs": [{"id": "quarantine-batch", "property": "value", "value": big}],
        "changedPropIds": [],
    }
    assert coordinator.post("/_dash-update-component", json=other).status_code == 413
    upload = {
        "output": "..import-upload-token.data...import-upload-message.children...import-upload-kind.value..",
        "outputs": [
            {"id": "import-upload-token", "property": "data"},
            {"id": "import-upload-message", "property": "children"},
            {"id": "import-upload-kind", "property": "value"},
        ],
        "inputs": [{"id": "import-upload-file", "property": "contents", "value": "data:;base64," + big}],
        "state": [
            {"id": "import-upload-file", "property": "filename", "value": "groot.csv"},
            {"id": "import-upload-token", "property": "data", "value": None},
            {"id": "import-lang", "property": "data", "value": "nl"},
        ],
        "changedPropIds": ["import-upload-file.contents"],
    }
    assert kerngroep.post("/_dash-update-component", json=upload).status_code == 413
    answer = coordinator.post("/_dash-update-component", json=upload)
    assert answer.status_code == 200
    assert "ontvangen" in answer.get_data(as_text=True)  # 9 MiB of text: under the 200 MB limit
    for upload_ in list(jobs._uploads):
        jobs.forget_upload(upload_)


def test_quarantine_groups_reasons_by_template_opens_one_reason_downloads_and_retries(app, page, tmp_path):
    """Load the export with the unknown label left unmapped; the quarantine shows one reason template with
    the label's count, opens its rows, downloads them as the file's own rows, and after the label is added
    as an alias, *opnieuw proberen* loads them."""
    from etl.own_codes import add_category
    from etl.reports import load_reports_file
    from etl.web_import import checked_profile, profile_text

    db = app.server.config["CIV_DB"]
    export = import_export.write(tmp_path / "meldingen-quarantaine.xlsx")
    columns = {
        "id": ["Nummer"],
        "reported_at": ["Ingevoerd op", "Om"],
        "category": ["Onderwerp"],
        "status": ["Afhandeling"],
        "lat": ["Breedte"],
        "lon": ["Lengte"],
    }
    text = profile_text(
        "reports",
        import_export.HEADER_ROW,
        columns,
        {"category": import_export.LABELS, "status": import_export.STATUSES},
    )
    from etl.web_import import save

    save(db, "asse-quarantaine", text)
    result = load_reports_file(db, export, profile=checked_profile(text, "reports", "asse-quarantaine"))
    expected = import_export.expected()
    assert result.quarantined == expected["quarantined"]
    with serving(app, "coordinator") as url:
        page.goto(f"{url}/quarantaine?batch={result.batch_id}")
        reasons = page.locator("#quarantine-reasons")
        row = reasons.locator("tr", has_text="categorie '…' is onbekend")
        expect(row).to_contain_text(f"{import_export.UNMAPPED} ({expected['unmapped_rows']})")
        expect(row.locator("td.rows")).to_have_text(str(expected["unmapped_rows"]))
        _shot(page, "7-quarantine-reasons")
        row.get_by_role("button").click()
        expect(page.locator("#quarantine-reason-chosen")).to_contain_text("categorie '…' is onbekend")
        expect(page.locator("#quarantine-grid .ag-center-cols-container .ag-row")).to_have_count(
            expected["unmapped_rows"]
        )
        _shot(page, "8-quarantine-one-reason")
        with page.expect_download() as download:
            page.locator("#quarantine-download").click()
        lines = open(download.value.path(), encoding="utf-8-sig").read().splitlines()
        assert lines[0].split(";")[:4] == import_export.HEADER[:4]  # the file's own header, to fix in Excel
        assert len(lines) == 1 + expected["unmapped_rows"]
        assert all(import_export.UNMAPPED in line for line in lines[1:])

        # the coordinator adds an own category with the file's label (python -m etl categories add)
        add_category(
            db,
            "straatmeubilair",
            "Straatmeubilair",
            "Street furniture",
            "openbaar_domein",
            aliases=[import_export.UNMAPPED],
        )
        page.locator("#import-retry").click()
        expect(page.locator("#import-retry-message")).to_contain_text(
            f"{expected['unmapped_rows']} rijen geladen", timeout=120_000
        )
        _shot(page, "9-quarantine-retried")
    with reading(db) as con:
        left = con.execute("SELECT count(*) FROM quarantine WHERE batch_id = ?", [result.batch_id]).fetchall()[0][0]
    assert left == expected["quarantined"] - expected["unmapped_rows"]
    assert page.console.errors == []


def test_other_roles_see_reason_templates_without_the_labels(app):
    client = logged_in_client(app, "kerngroep")
    body = client.post("/_dash-update-component", json=page_callback_body("/quarantaine")).get_data(as_text=True)
    assert "quarantine-reasons" in body
    assert "kapotte lantaarn" not in body.lower()  # fill_store's reason names that label
    assert "import-retry" not in body


def test_a_second_upload_while_ones_own_load_runs_is_refused_with_a_message(app, tmp_path):
    import base64
    import time

    from .served_app import TEST_USERS

    db = app.server.config["CIV_DB"]
    rows = ["datum;categorie"] + [f"{1 + i % 28:02d}/01/2026 10:00;sluikstort" for i in range(200_000)]
    big = tmp_path / "groot.csv"
    big.write_text("\n".join(rows) + "\n", encoding="utf-8")
    client = logged_in_client(app, "coordinator")
    key = jobs.start("dry_run", db, TEST_USERS["coordinator"][0], path=str(big), kind="reports")
    assert key is not None
    upload = {
        "output": "..import-upload-token.data...import-upload-message.children...import-upload-kind.value..",
        "outputs": [
            {"id": "import-upload-token", "property": "data"},
            {"id": "import-upload-message", "property": "children"},
            {"id": "import-upload-kind", "property": "value"},
        ],
        "inputs": [
            {
                "id": "import-upload-file",
                "property": "contents",
                "value": "data:;base64," + base64.b64encode(b"datum;categorie\n").decode(),
            }
        ],
        "state": [
            {"id": "import-upload-file", "property": "filename", "value": "tweede.csv"},
            {"id": "import-upload-token", "property": "data", "value": None},
            {"id": "import-lang", "property": "data", "value": "nl"},
        ],
        "changedPropIds": ["import-upload-file.contents"],
    }
    answer = client.post("/_dash-update-component", json=upload).get_data(as_text=True)
    assert jobs.status(key, TEST_USERS["coordinator"][0])[0] == "running"  # the answer came while it ran
    assert "Er loopt al een import van u" in answer
    while jobs.status(key, TEST_USERS["coordinator"][0])[0] == "running":
        time.sleep(0.5)
    assert "ontvangen" in client.post("/_dash-update-component", json=upload).get_data(as_text=True)
    for token in list(jobs._uploads):
        jobs.forget_upload(token)
