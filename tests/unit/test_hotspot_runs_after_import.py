"""Right after an import no hot-spot run matches the new data: the page gets the month's result on
the earlier data at once, says so, and one detection on the new data runs in the background."""
from __future__ import annotations

import shutil
import time

from analytics.hotspots import runs
from etl.reports import load_reports_file
from etl.store import reading
from tests.demo_store import demo_store

MONTH = "2026-09"


def _one_more_report(folder) -> object:
    path = folder / "late.csv"
    path.write_text("id;reported_at;category;lat;lon\nlaat-1;30/09/2026 21:00;sluikstort;50.9105;4.1982\n",
                    encoding="utf-8")
    return path


def test_after_an_import_the_page_gets_the_earlier_result_at_once_and_the_new_one_next(tmp_path):
    source, _ = demo_store()
    db = tmp_path / "civ.duckdb"
    shutil.copy(source, db)
    with reading(db) as con:
        before_run, before = runs.month_results(con, MONTH)
    assert not before_run.get("earlier")

    load_reports_file(db, _one_more_report(tmp_path), fmt="canonical")
    with reading(db) as con:
        cutoff = runs.data_cutoff(con)
        assert cutoff["last_batch_id"] != before_run["last_batch_id"]
        quick_run, quick = runs.month_results(con, MONTH, allow_earlier=True)
        assert quick_run["earlier"] is True and quick_run["last_batch_id"] == before_run["last_batch_id"]
        assert list(quick["id"]) == list(before["id"])

    deadline = time.monotonic() + 120
    while True:
        with reading(db) as con:
            run, _ = runs.month_results(con, MONTH, allow_earlier=True)
        if not run.get("earlier") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert not run.get("earlier"), "the background detection never finished"
    assert run["last_batch_id"] == cutoff["last_batch_id"] and run["reports_used"] == before_run["reports_used"] + 1


def test_the_meeting_pack_never_gets_an_earlier_result(tmp_path):
    source, _ = demo_store()
    db = tmp_path / "civ.duckdb"
    shutil.copy(source, db)
    with reading(db) as con:
        runs.month_results(con, MONTH)
    load_reports_file(db, _one_more_report(tmp_path), fmt="canonical")
    with reading(db) as con:
        run, _ = runs.month_results(con, MONTH)
        assert not run.get("earlier") and run["last_batch_id"] == runs.data_cutoff(con)["last_batch_id"]
