"""The CompStat page's meeting-pack button in a real browser, for a core-group member (aggregates only,
so not just the coordinator): a PDF of the month arrives and the export is in the audit log."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from app import create_app
from civ import accounts as users

from .served_app import TEST_USERS, serving

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(tmp_path_factory, demo_data):
    source, _truth = demo_data
    db = tmp_path_factory.mktemp("pack-button") / "civ.duckdb"
    shutil.copy(source, db)
    return create_app(db)


@pytest.mark.parametrize("period, month", [("2026-09", "2026-09"), ("2026-W35", "2026-08")])
def test_the_button_downloads_the_pdf_of_the_chosen_month_and_audits_it(page, app, period, month):
    """A week (24–30 August 2026) gives the pack of the month it ends in."""
    with serving(app, role="kerngroep") as url:
        page.goto(url + f"/compstat?period={period}")
        button = page.locator("#compstat-pack")
        expect(button).to_be_visible()
        assert "maand waarin die periode eindigt" in button.get_attribute("title")
        expect(page.locator("#compstat-table .ag-row").first).to_be_visible()
        with page.expect_download(timeout=60_000) as arrived:
            button.click()
        download = arrived.value
        expect(button).to_be_enabled()
        assert download.suggested_filename == f"meeting-pack-{month}.pdf"
        with open(download.path(), "rb") as handle:
            assert handle.read(5) == b"%PDF-"
        entries = [(e["user"], e["event"], e["detail"]) for e in users.audit_entries(app.server.config["CIV_DB"])]
        assert (TEST_USERS["kerngroep"][0], "export", f"vergaderpakket {month} (PDF)") in entries
        assert page.console.errors == []
