"""Right after an import no hot-spot run matches the new data. Where the served app's upkeep keeps the
month current, the page gets the month's result on the earlier data at once and says so; once the
upkeep has stored the run on the new data, that is what the page gets. The meeting pack never gets an
earlier result."""

from __future__ import annotations

import shutil

import pytest

from analytics.hotspots import runs
from civ.store import reading
from dashboards import upkeep
from etl.reports import load_reports_file

MONTH = "2026-09"


def _one_more_report(folder) -> object:
    path = folder / "late.csv"
    path.write_text(
        "id;reported_at;category;lat;lon\nlaat-1;30/09/2026 21:00;sluikstort;50.9105;4.1982\n", encoding="utf-8"
    )
    return path


@pytest.fixture
def store_copy(tmp_path, demo_data):
    """A copy of the demo store this test may write to."""
    db = tmp_path / "civ.duckdb"
    shutil.copy(demo_data[0], db)
    return db


def test_after_an_import_the_page_gets_the_earlier_result_until_the_upkeep_stored_the_new_one(store_copy, tmp_path):
    db = store_copy
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

    assert MONTH in runs.keep_recent_months_current(db, months=3)  # what the upkeep's child does
    with reading(db) as con:
        run, _ = runs.month_results(con, MONTH, allow_earlier=True)
    assert not run.get("earlier") and run["stored"]
    assert run["last_batch_id"] == cutoff["last_batch_id"] and run["reports_used"] == before_run["reports_used"] + 1


def test_the_meeting_pack_never_gets_an_earlier_result(store_copy, tmp_path):
    db = store_copy
    with reading(db) as con:
        runs.month_results(con, MONTH)
    load_reports_file(db, _one_more_report(tmp_path), fmt="canonical")
    with reading(db) as con:
        run, _ = runs.month_results(con, MONTH)
        assert not run.get("earlier") and run["last_batch_id"] == runs.data_cutoff(con)["last_batch_id"]


def test_only_months_the_upkeep_keeps_current_may_be_shown_on_earlier_data(store_copy, monkeypatch):
    db = store_copy
    monkeypatch.setattr(upkeep, "_kept", {})
    assert not upkeep.keeps_current(db, "2026-10")  # no upkeep for this store
    with reading(db) as con:
        upkeep._remember_kept_months(db, con)  # what the upkeep's round does
    assert upkeep.keeps_current(db, "2026-10") and upkeep.keeps_current(db, "2025-11")
    assert not upkeep.keeps_current(db, "2025-10")  # 13 months back: computed on request
    assert not upkeep.keeps_current(db, "2026-11")  # after the data
