"""The served app keeps the last months' hot-spot runs current: after an import every recent month has
a stored run on the new data, so the page finds it instead of running a detection for a user."""

from __future__ import annotations

import shutil
import threading
import time

from analytics.hotspots import runs
from civ.store import reading
from dashboards import upkeep
from etl.reports import load_reports_file


def _stored_months(db) -> set[str]:
    """The months with a stored run on the store's current data."""
    with reading(db) as con:
        cutoff = runs.data_cutoff(con)
        parameters = runs._parameters(runs.EmergingHotspots())
        return {
            m for m in runs.list_runs(con)["month"] if runs.find_run(con, runs.run_key(m, None, parameters, cutoff))
        }


def test_after_start_and_after_an_import_the_recent_months_have_stored_runs(tmp_path, monkeypatch, demo_data):
    source, _ = demo_data
    db = tmp_path / "civ.duckdb"
    shutil.copy(source, db)
    monkeypatch.setattr(upkeep, "CHECK_SECONDS", 0.2)
    monkeypatch.setattr(upkeep, "RECENT_MONTHS", 3)
    stop = threading.Event()
    thread = upkeep.start(db, stop)
    try:
        expected = {"2026-08", "2026-09", "2026-10"}
        deadline = time.monotonic() + 180
        while _stored_months(db) != expected and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _stored_months(db) == expected

        late = tmp_path / "late.csv"
        late.write_text(
            "id;reported_at;category;lat;lon\nlaat-1;30/10/2026 21:00;sluikstort;50.9105;4.1982\n", encoding="utf-8"
        )
        load_reports_file(db, late, fmt="canonical")
        assert _stored_months(db) == set()  # the new data: no run is current any more
        deadline = time.monotonic() + 180
        while _stored_months(db) != expected and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _stored_months(db) == expected
        with reading(db) as con:
            run, _ = runs.month_results(con, "2026-10")
        assert run["stored"] and run["reused"] and run["reports_used"] >= 1
    finally:
        stop.set()
        thread.join(timeout=30)
