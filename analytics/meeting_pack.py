"""What the monthly meeting pack (dashboards/report) reads from the store beyond the other analyses:
the municipality's name, the newest GPS fix, and the imports that concern a month with their refused
rows. Only totals and reasons leave here; never a refused row's content."""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.periods import Period
from civ.store import first_row

DEFAULT_MUNICIPALITY = "Asse"


def municipality_name(con: duckdb.DuckDBPyConnection) -> str:
    row = first_row(con, "SELECT name FROM areas WHERE level = 'municipality' ORDER BY code LIMIT 1")
    return row[0] if row else DEFAULT_MUNICIPALITY


def newest_fix(con: duckdb.DuckDBPyConnection):
    """The time of the newest GPS fix (UTC), None without fixes."""
    return first_row(con, "SELECT max(ts) FROM fixes")[0]


def month_imports(con: duckdb.DuckDBPyConnection, month: Period) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(imports, refused reasons): the finished imports that brought reports of the month or were loaded
    during it (batch_id, kind, file_name, finished_at, rows_in, loaded, quarantined, duplicates,
    month_reports), and the quarantine reason of each row they refused (column `reason`)."""
    start, end = month.utc_bounds()
    loads = con.execute(
        """
        WITH of_month AS (SELECT batch_id, count(*) AS month_reports FROM reports
                          WHERE reported_at >= ? AND reported_at < ? GROUP BY batch_id)
        SELECT b.batch_id, b.kind, b.file_name, b.finished_at, b.rows_in, b.loaded, b.quarantined, b.duplicates,
               coalesce(m.month_reports, 0) AS month_reports
        FROM import_batches b LEFT JOIN of_month m USING (batch_id)
        WHERE b.finished_at IS NOT NULL AND (m.batch_id IS NOT NULL OR (b.finished_at >= ? AND b.finished_at < ?))
        ORDER BY b.batch_id""",
        [start, end, start, end],
    ).df()
    reasons = con.execute(
        "SELECT reason FROM quarantine WHERE list_contains(?, batch_id)", [[int(b) for b in loads["batch_id"]]]
    ).df()
    return loads, reasons
