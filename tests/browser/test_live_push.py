"""A position pushed by a phone (OsmAnd protocol) is on the Live page within 10 seconds, with its battery,
without reloading the page."""

from __future__ import annotations

import time
import urllib.request
from datetime import datetime, timezone

import duckdb
from playwright.sync_api import expect

from app import create_app
from etl import live

from .served_app import fill_store, serving


def test_a_pushed_position_appears_on_the_live_page_within_10_seconds(page, tmp_path):
    db = tmp_path / "civ.duckdb"
    fill_store(db)
    con = duckdb.connect(str(db))
    con.execute("SELECT nextval('import_batch_ids') FROM range(3)").fetchall()
    con.close()
    device = live.register_device(db, warden="GW-E")
    try:
        with serving(create_app(db)) as url:
            page.goto(url + "/live")
            grid = page.locator("#live-near")
            expect(page.locator("#live-clock")).to_contain_text("elke 5 seconden")
            expect(grid).not_to_contain_text("GW-E")
            now = int(datetime.now(timezone.utc).timestamp())
            request = urllib.request.Request(
                f"{url}/osmand?id={device}&timestamp={now}&lat=50.9051&lon=4.2112&batt=64", data=b"", method="POST"
            )
            assert urllib.request.urlopen(request, timeout=10).status == 200
            answered = time.monotonic()
            row = grid.locator(".ag-row", has_text="GW-E")
            expect(row).to_be_visible(timeout=10_000)
            assert time.monotonic() - answered < 10
            expect(row).to_contain_text("64 %")
            expect(row).to_contain_text("…" + device[-4:])
            expect(row).not_to_contain_text(device)  # the phone's secret is not on the screen
            assert page.console.errors == []
    finally:
        live.close_ingest(db)
