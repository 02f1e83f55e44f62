"""An import from the command line works while the app serves, and the page then shows the new data.

DuckDB allows one writer *or* several readers per file; the app must never keep the file open.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect

from app import create_app
from civ.store import open_for_writing

from .served_app import fill_store, page_callback_body, serving, session_for

ROOT = Path(__file__).resolve().parents[2]

WRITER = """
import sys
from civ.store import open_for_writing
con = open_for_writing(sys.argv[1])
con.execute("BEGIN TRANSACTION")
con.execute('''INSERT INTO import_batches (batch_id, kind, file_name, file_sha256, format, load_key, started_at,
                                           finished_at, rows_in, loaded)
               VALUES (10, 'reports', 'nieuw-uit-cli.csv', 'z', 'canonical', 'k10', now(), now(), 10, 10)''')
con.execute('''INSERT INTO reports (source, source_id, batch_id, reported_at, reported_precision, category_code,
                                    channel_code, status, gas_finding, content_hash)
               SELECT 'canonical', 'cli' || i, 10, TIMESTAMPTZ '2026-10-15 10:00:00+00', 'minute', 'zwerfvuil',
                      'post', 'open', false, 'h' FROM range(10) t(i)''')
con.execute("COMMIT")
con.close()
print("geschreven")
"""


def _keep_reading(base_url: str, stop: threading.Event, answers: list) -> None:
    """Render the home page over and over, as several users would, while the import runs."""
    body = json.dumps(page_callback_body("/")).encode()
    while not stop.is_set():
        request = urllib.request.Request(
            base_url + "/_dash-update-component",
            data=body,
            headers={"Content-Type": "application/json", "Cookie": f"civ_session={session_for(base_url)}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            answers.append(response.status)


def test_cli_import_while_the_app_serves_and_the_page_shows_it(page, tmp_path):
    db = tmp_path / "civ.duckdb"
    fill_store(db, is_demo=False)
    with serving(create_app(db)) as url:
        page.goto(url + "/")
        expect(page.locator("#home-kpi-reports .kpi-value")).to_have_text("1.234")

        stop, answers = threading.Event(), []
        reader = threading.Thread(target=_keep_reading, args=(url, stop, answers), daemon=True)
        reader.start()
        try:
            started = time.monotonic()
            env = {**os.environ, "PYTHONPATH": str(ROOT)}
            done = subprocess.run(
                [sys.executable, "-c", WRITER, str(db)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
            )
            assert done.returncode == 0, done.stderr
            assert "geschreven" in done.stdout
            assert time.monotonic() - started < 30
        finally:
            stop.set()
            reader.join(timeout=30)
        assert answers and set(answers) == {200}

        page.reload()
        expect(page.locator("#home-kpi-reports .kpi-value")).to_have_text("1.244")
        expect(page.locator("#home-batches")).to_contain_text("nieuw-uit-cli.csv")
        # No demo batch in this store: no demo label either.
        expect(page.locator("#app-demo-badge")).to_have_count(0)

        # The same within the app's own process, right after a page view.
        con = open_for_writing(db)
        try:
            con.execute("""INSERT INTO quarantine VALUES (10, 4, '4;;', 'datum ontbreekt')""")
        finally:
            con.close()
        page.goto(url + "/quarantaine?batch=10")
        expect(page.locator("#quarantine-grid")).to_contain_text("datum ontbreekt")
    assert page.console.errors == [], "\n".join(page.console.errors)
