"""The progress a running web load shows: rows done estimated from the store's recent load rate, never
the whole file before the load says it is done."""

from __future__ import annotations

import time
from concurrent.futures import Future

from civ.store import open_for_writing
from dashboards.components.import_jobs import ImportJobs, Job
from etl.web_import import load_rate


def test_load_rate_is_rows_over_seconds_of_the_recent_loads_of_that_kind(db):
    con = open_for_writing(db)
    try:
        # (kind, rows, seconds): the tiny load and the fixes do not count for reports
        for n, (kind, rows, seconds) in enumerate(
            [("reports", 20_000, 10), ("reports", 10_000, 20), ("reports", 50, 1), ("fixes", 90_000, 3)], start=1
        ):
            con.execute(
                """INSERT INTO import_batches (batch_id, kind, file_name, file_sha256, format, load_key, started_at,
                                               finished_at, rows_in)
                   VALUES (?, ?, 'f', 'h', 'canonical', ?, TIMESTAMPTZ '2026-11-02 08:00:00+00',
                           TIMESTAMPTZ '2026-11-02 08:00:00+00' + to_seconds(?), ?)""",
                [n, kind, f"k{n}", seconds, rows],
            )
    finally:
        con.close()
    assert load_rate(db, "reports") == (20_000 + 10_000) / (10 + 20)
    assert load_rate(db, "projects") is None


def test_progress_is_estimated_and_stops_short_of_the_end():
    job = Job("k", "load", "u", Future(), time.monotonic(), {"path": "x"})
    assert ImportJobs.progress(job, 5) is None  # rows not known: the page shows seconds only
    job.detail.update(rows=10_000)
    assert ImportJobs.progress(job, 5) == (None, 10_000)  # no earlier loads: the rows, no estimate
    job.detail.update(rate=1_000.0)
    assert ImportJobs.progress(job, 4.5) == (4_500, 10_000)
    assert ImportJobs.progress(job, 60) == (9_900, 10_000)
