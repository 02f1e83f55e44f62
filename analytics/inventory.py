"""The inventory of the store: what has been loaded, from which files, and what was refused.

The home page and the quarantine page are built on these; they are also what a coordinator checks
after an import ("did my 1.200 reports arrive, and why were 14 rows refused?").
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.periods import local_month_sql


def reports_per_month(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Reports per calendar month in Europe/Brussels.

    Columns: `month` (first day of the local month, naive local timestamp), `reports`, `located`
    (reports with coordinates). Months without reports between the first and the last are present
    with zero, so a chart shows a gap as a gap and not as a missing bar.
    """
    month = local_month_sql("reported_at")
    frame = con.execute(f"""
        WITH counted AS (
            SELECT {month} AS month, count(*) AS reports, count(lat) AS located
            FROM reports GROUP BY ALL
        ), span AS (
            SELECT unnest(generate_series(min(month), max(month), INTERVAL 1 MONTH)) AS month
            FROM counted HAVING count(*) > 0
        )
        SELECT span.month,
               coalesce(counted.reports, 0)::BIGINT AS reports,
               coalesce(counted.located, 0)::BIGINT AS located
        FROM span LEFT JOIN counted USING (month)
        ORDER BY span.month""").df()
    return frame


def fixes_summary(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Tracker fixes per holder (the warden a device was lent to, else the device itself).

    Columns: `holder`, `display_name` (NULL for a device without a warden), `has_warden`, `fixes`
    (all fixes, outliers included), `outliers` (flagged impossible jumps, kept out of analytics),
    `first_ts`, `last_ts` (UTC). Ordered by holder.
    """
    return con.execute("""
        SELECT f.holder, w.display_name, bool_or(f.has_warden) AS has_warden,
               count(*) AS fixes, count(*) FILTER (WHERE f.is_outlier) AS outliers,
               min(f.ts) AS first_ts, max(f.ts) AS last_ts
        FROM fixes_attributed f
        LEFT JOIN wardens w ON w.warden_code = f.holder
        GROUP BY f.holder, w.display_name
        ORDER BY f.holder""").df()


def recent_batches(con: duckdb.DuckDBPyConnection, limit: int = 20) -> pd.DataFrame:
    """The last finished imports, newest first, with their counts.

    `rows_in == loaded + quarantined + duplicates` holds for each row (the loaders guarantee it).
    Live positions (a batch every few seconds, format 'osmand') are left out: they would push every
    file import off the list; the Live page shows them.
    """
    return con.execute(
        """
        SELECT batch_id, kind, file_name, format, started_at, finished_at,
               rows_in, loaded, quarantined, duplicates, updated, is_demo
        FROM import_batches
        WHERE finished_at IS NOT NULL AND format <> 'osmand'
        ORDER BY batch_id DESC
        LIMIT ?""",
        [int(limit)],
    ).df()


def quarantine_list(
    con: duckdb.DuckDBPyConnection, batch_id: int | None = None, limit: int = 500, include_raw_text: bool = False
) -> pd.DataFrame:
    """Refused rows with their reason, newest batch first, in file order within a batch.

    Columns: `batch_id`, `file_name`, `kind`, `row_number` (1 = first data row of the file),
    `reason` (Dutch, for the coordinator), `raw_text` (the row as read, personal fields hashed;
    it may hold a citizen's free text, so it is only filled when `include_raw_text`, for roles that
    may see reporter data).
    """
    batch_id = _batch_id(batch_id)
    raw = "q.raw_text" if include_raw_text else "NULL::VARCHAR AS raw_text"
    return con.execute(
        f"""
        SELECT q.batch_id, b.file_name, b.kind, q.row_number, q.reason, {raw}
        FROM quarantine q
        LEFT JOIN import_batches b USING (batch_id)
        WHERE ? IS NULL OR q.batch_id = ?
        ORDER BY q.batch_id DESC, q.row_number
        LIMIT ?""",
        [batch_id, batch_id, int(limit)],
    ).df()


def quarantine_count(con: duckdb.DuckDBPyConnection, batch_id: int | None = None) -> int:
    """How many refused rows there are (in one batch, or in all), whatever the list's limit."""
    batch_id = _batch_id(batch_id)
    return con.execute(
        "SELECT count(*) FROM quarantine WHERE ? IS NULL OR batch_id = ?", [batch_id, batch_id]
    ).fetchone()[0]


def quarantine_batches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The batches that have quarantined rows, newest first: what the batch filter offers."""
    return con.execute("""
        SELECT b.batch_id, b.file_name, b.kind, count(*) AS quarantined
        FROM quarantine q JOIN import_batches b USING (batch_id)
        GROUP BY ALL ORDER BY b.batch_id DESC""").df()


def store_summary(con: duckdb.DuckDBPyConnection) -> dict:
    """Totals for the home page's cards.

    Keys: `reports`, `located` (count), `located_share` (0..1, None without reports), `fixes`,
    `wardens`, `hotspots`, `projects`, `quarantined`, `batches`, `is_demo` (any batch is demo
    data), `last_import` (latest finished_at, UTC) and `data_until` (latest reported_at, UTC: the
    cut-off of the data). Timestamps are pandas Timestamps in UTC or None.
    """
    row = con.execute("""
        SELECT (SELECT count(*) FROM reports),
               (SELECT count(lat) FROM reports),
               (SELECT count(*) FROM fixes),
               (SELECT count(*) FROM wardens),
               (SELECT count(*) FROM hotspots),
               (SELECT count(*) FROM projects),
               (SELECT count(*) FROM quarantine),
               (SELECT count(*) FROM import_batches WHERE finished_at IS NOT NULL),
               (SELECT coalesce(bool_or(is_demo), false) FROM import_batches WHERE finished_at IS NOT NULL),
               (SELECT max(finished_at) FROM import_batches),
               (SELECT max(reported_at) FROM reports)""").fetchone()
    reports, located = row[0], row[1]
    return {
        "reports": reports,
        "located": located,
        "located_share": located / reports if reports else None,
        "fixes": row[2],
        "wardens": row[3],
        "hotspots": row[4],
        "projects": row[5],
        "quarantined": row[6],
        "batches": row[7],
        "is_demo": bool(row[8]),
        "last_import": _utc(row[9]),
        "data_until": _utc(row[10]),
    }


def _batch_id(value) -> int | None:
    """A batch id from a URL is checked here: an int or nothing, never text that reaches SQL."""
    return None if value is None else int(value)


def _utc(value) -> pd.Timestamp | None:
    if value is None:
        return None
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def is_empty(summary: dict) -> bool:
    """Nothing loaded yet: the pages then explain how to load data instead of showing zeros."""
    return summary["batches"] == 0 and summary["reports"] == 0 and summary["fixes"] == 0
