"""Trial loads, the list of imports, undo and retry: a load that went wrong never needs a new store.

- `dry_run`: the load runs exactly as it would, on a copy of the store in a temporary folder; the
  store itself is never opened for writing, so its file stays byte-for-byte the same.
- `undo_batch`: the store as if the batch had never been loaded. Reports it updated get their
  earlier version back (kept in report_versions), hot spots and projects it replaced too (in
  replaced_rows); its quarantine and remarks go; hot-spot runs computed on it are dropped (the upkeep
  computes them again) and visits are rebuilt on the next refresh. Audited. A batch whose reports
  a later import changed again can only be undone after that later one.
- `retry_quarantine`: a batch's refused rows (any kind: reports, fixes, devices, hot spots, projects)
  through the current profile, aliases, categories and territory; rows that now pass are loaded in a new
  batch linked to the first, and leave its quarantine (etl/retry.py).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from civ import store
from civ.errors import UnusableInput
from civ.keys import pseudonym_key_file

EXAMPLES_PER_REASON = 3
# A reason with its values taken out: rows with the same problem count together in a dry run.
_REASON_KIND_SQL = r"""regexp_replace(regexp_replace(part, '''[^'']*''', '''…''', 'g'),
                                     '\d[\d,./:-]*( \d[\d:]*)?( [AP]M)?', '#', 'g')"""


def dry_run(db: str | Path, load: Callable[[Path], store.LoadResult]) -> dict:
    """Run `load` on a copy of the store; the load's result plus counts by reason and examples."""
    db = Path(db)
    with tempfile.TemporaryDirectory(prefix="civ-proef-") as folder:
        copy = Path(folder) / "civ.duckdb"
        if db.exists():
            with store.reading(db) as con:  # the last committed state, also while an import runs
                path = store.first_row(
                    con, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
                )[0]
            shutil.copyfile(path, copy)
            if Path(path + ".wal").exists():  # committed work not yet checkpointed into the file
                shutil.copyfile(path + ".wal", str(copy) + ".wal")
        key = pseudonym_key_file(db)
        if key.exists() and key.parent == db.resolve().parent:
            shutil.copyfile(key, Path(folder) / key.name)  # same pseudonyms, so repeats count as repeats
        result = load(copy)
        details = _outcome(copy, result.batch_id) if result.status != "already-loaded" else {}
    return {**result.as_json(), "dry_run": True, **details}


def _outcome(db: Path, batch_id: int) -> dict:
    with store.reading(db) as con:
        reasons = con.execute(
            f"""
            WITH parts AS (SELECT row_number, raw_text, unnest(string_split(reason, '; ')) AS part
                           FROM quarantine WHERE batch_id = ?)
            SELECT {_REASON_KIND_SQL} AS kind, count(*) AS rows,
                   list(struct_pack(row_number := row_number, reason := part, raw_text := raw_text)
                        ORDER BY row_number)[1:{EXAMPLES_PER_REASON}] AS examples
            FROM parts GROUP BY kind ORDER BY rows DESC, kind""",
            [batch_id],
        ).fetchall()
        remarks = con.execute(
            f"""
            WITH parts AS (SELECT row_number, record_key, unnest(string_split(remark, '; ')) AS part
                           FROM row_remarks WHERE batch_id = ?)
            SELECT {_REASON_KIND_SQL} AS kind, count(*) AS rows,
                   list(struct_pack(row_number := row_number, remark := part) ORDER BY row_number)[1:{EXAMPLES_PER_REASON}]
            FROM parts GROUP BY kind ORDER BY rows DESC, kind""",
            [batch_id],
        ).fetchall()
    return {
        "quarantine_reasons": [{"reason": k, "rows": n, "examples": e} for k, n, e in reasons],
        "remark_kinds": [{"remark": k, "rows": n, "examples": e} for k, n, e in remarks],
    }


def list_batches(db: str | Path) -> list[dict]:
    path = store.db_path(db)
    if not path.exists():
        return []
    with store.reading(path) as con:
        has_details = bool(
            con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'batch_details'").fetchall()[0][0]
        )
        details = "d.undone_at, d.retry_of, d.profile_name" if has_details else "NULL, NULL, NULL"
        join = "LEFT JOIN batch_details d USING (batch_id)" if has_details else ""
        rows = (
            con.execute(f"""
            SELECT b.batch_id, b.kind, b.file_name, b.format, b.started_at, b.finished_at, b.rows_in, b.loaded,
                   b.quarantined, b.duplicates, b.updated, b.is_demo, {details},
                   (SELECT count(*) FROM row_remarks r WHERE r.batch_id = b.batch_id) AS remarks
            FROM import_batches b {join} ORDER BY b.batch_id""").fetchall()
            if has_details
            else con.execute(f"""
            SELECT b.batch_id, b.kind, b.file_name, b.format, b.started_at, b.finished_at, b.rows_in, b.loaded,
                   b.quarantined, b.duplicates, b.updated, b.is_demo, {details}, 0
            FROM import_batches b ORDER BY b.batch_id""").fetchall()
        )
    keys = [
        "batch_id",
        "kind",
        "file",
        "format",
        "started_at",
        "finished_at",
        "rows_in",
        "loaded",
        "quarantined",
        "duplicates",
        "updated",
        "is_demo",
        "undone_at",
        "retry_of",
        "profile",
        "remarks",
    ]
    batches = [dict(zip(keys, row)) for row in rows]
    for batch in batches:
        batch["status"] = (
            "undone"
            if batch["undone_at"]
            else "unfinished"
            if batch["finished_at"] is None
            else "loaded"
            if batch["loaded"]
            else "nothing-loaded"
        )
        for key in ("started_at", "finished_at", "undone_at"):
            batch[key] = batch[key].isoformat() if batch[key] else None
    return batches


def _later_changes(con, batch_id: int) -> list[int]:
    """Later, not undone batches that replaced what `batch_id` loaded."""
    rows = con.execute(
        """
        SELECT DISTINCT replaced_by_batch FROM report_versions
        WHERE batch_id = ? AND replaced_by_batch NOT IN (SELECT batch_id FROM batch_details WHERE undone_at IS NOT NULL)
        UNION
        SELECT DISTINCT replaced_by_batch FROM replaced_rows
        WHERE json_extract(row_json, '$.batch_id')::INTEGER = ?
        ORDER BY 1""",
        [batch_id, batch_id],
    ).fetchall()
    return [r[0] for r in rows]


def undo_batch(db: str | Path, batch_id: int, actor: str | None = None) -> dict:
    actor = actor or f"cli:{getpass.getuser()}"
    path = store.db_path(db)
    if not path.exists():
        raise UnusableInput(f"database {path} bestaat niet")
    with store.long_write(path) as con:
        row = store.first_row(
            con, "SELECT kind, file_name, finished_at FROM import_batches WHERE batch_id = ?", [batch_id]
        )
        if row is None:
            raise UnusableInput(f"import {batch_id} bestaat niet (zie python -m etl batches list)")
        kind, file_name, finished = row
        if store.scalar(con, "SELECT undone_at FROM batch_details WHERE batch_id = ?", [batch_id]):
            raise UnusableInput(f"import {batch_id} is al ongedaan gemaakt")
        later = _later_changes(con, batch_id)
        if later:
            raise UnusableInput(
                f"import {batch_id}: latere import(s) {', '.join(map(str, later))} wijzigden dezelfde "
                f"rijen; maak die eerst ongedaan"
            )
        con.execute("BEGIN TRANSACTION")
        try:
            counts = undo_in_transaction(con, batch_id, kind, actor)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    from civ import accounts

    accounts.audit(
        path,
        actor,
        "batch_undo",
        json.dumps({"batch_id": batch_id, "kind": kind, "file": file_name, **counts}, ensure_ascii=False),
    )
    return {"batch_id": batch_id, "kind": kind, "file": file_name, "status": "undone", **counts}


def undo_in_transaction(con, batch_id: int, kind: str, actor: str) -> dict:
    """Undo one import inside the caller's transaction (`undo_batch`, `demo remove`): its rows go, the rows
    it replaced come back, outlier flags of the fixes left are judged again; the batch is marked undone."""
    counts = _remove(con, batch_id, kind)
    con.execute(
        """INSERT INTO batch_details (batch_id, undone_at, undone_by) VALUES (?, ?, ?)
                   ON CONFLICT (batch_id) DO UPDATE SET undone_at = excluded.undone_at,
                                                        undone_by = excluded.undone_by""",
        [batch_id, dt.datetime.now(dt.timezone.utc), actor],
    )
    return counts


def _remove(con, batch_id: int, kind: str) -> dict:
    counts = {"removed": 0, "restored": 0}
    table = {
        "reports": "reports",
        "fixes": "fixes",
        "devices": "devices",
        "hotspots": "hotspots",
        "projects": "projects",
    }.get(kind)
    if kind == "fixes":
        # the time span per device of the fixes that go: the fixes left inside it, and the nearest one on
        # each side, get new neighbours, so their outlier flags are judged again (etl/outliers.py)
        con.execute(
            """CREATE OR REPLACE TEMP TABLE fx_ranges AS
            SELECT device_id, min(ts) AS lo, max(ts) AS hi FROM fixes WHERE batch_id = ? GROUP BY device_id""",
            [batch_id],
        )
    if table:
        counts["removed"] = store.scalar(con, f"SELECT count(*) FROM {table} WHERE batch_id = ?", [batch_id])
        con.execute(f"DELETE FROM {table} WHERE batch_id = ?", [batch_id])
    if kind == "fixes":
        from etl.outliers import reflag_after_removal

        counts["outlier_flags_changed"] = reflag_after_removal(con)
    if kind == "reports":
        from etl.reports import REPORT_COLUMNS

        columns = ", ".join(REPORT_COLUMNS)
        counts["restored"] = store.scalar(
            con, "SELECT count(*) FROM report_versions WHERE replaced_by_batch = ?", [batch_id]
        )
        con.execute(
            f"INSERT INTO reports ({columns}) SELECT {columns} FROM report_versions WHERE replaced_by_batch = ?",
            [batch_id],
        )
        con.execute("DELETE FROM report_versions WHERE replaced_by_batch = ?", [batch_id])
    for table_name, row_json in con.execute(
        "SELECT table_name, row_json FROM replaced_rows WHERE replaced_by_batch = ?", [batch_id]
    ).fetchall():
        values = json.loads(row_json)
        names = list(values)
        con.execute(
            f"INSERT INTO {table_name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [values[n] for n in names],
        )
        counts["restored"] += 1
    con.execute("DELETE FROM replaced_rows WHERE replaced_by_batch = ?", [batch_id])
    con.execute("DELETE FROM quarantine WHERE batch_id = ?", [batch_id])
    con.execute("DELETE FROM row_remarks WHERE batch_id = ?", [batch_id])
    con.execute("DELETE FROM quarantine_devices WHERE batch_id = ?", [batch_id])
    now = dt.datetime.now(dt.timezone.utc)
    if kind in ("reports", "hotspots"):
        # runs that saw this import are a cache of a state that no longer exists: the upkeep redoes them
        runs = [
            r[0] for r in con.execute("SELECT run_id FROM hotspot_runs WHERE last_batch_id >= ?", [batch_id]).fetchall()
        ]
        if runs:
            con.execute(f"DELETE FROM hotspot_results WHERE run_id IN ({', '.join('?' * len(runs))})", runs)
            con.execute(f"DELETE FROM hotspot_runs WHERE run_id IN ({', '.join('?' * len(runs))})", runs)
        counts["hotspot_runs_dropped"] = len(runs)
        con.execute(
            "INSERT OR REPLACE INTO derived_stale VALUES ('hotspot_runs', ?, ?)",
            [now, f"import {batch_id} ongedaan gemaakt"],
        )
    if kind in ("fixes", "devices", "hotspots"):
        # the next visits refresh rebuilds everything (the rules fingerprint is gone)
        con.execute("DELETE FROM coverage_state WHERE key = 'rules'")
        con.execute("DELETE FROM coverage_batches WHERE batch_id = ?", [batch_id])
        con.execute(
            "INSERT OR REPLACE INTO derived_stale VALUES ('visits', ?, ?)", [now, f"import {batch_id} ongedaan gemaakt"]
        )
    return counts


def remember_replaced(con, batch_id: int, table_name: str, where_sql: str, params: list) -> None:
    """Keep the rows a load is about to replace (hot spots, projects), for undo."""
    con.execute(
        f"""INSERT INTO replaced_rows (replaced_by_batch, table_name, row_json)
                    SELECT ?, ?, to_json(t)::VARCHAR FROM {table_name} t WHERE {where_sql}""",
        [batch_id, table_name, *params],
    )


def retry_quarantine(db: str | Path, batch_id: int, profile_spec: str | None = None) -> store.LoadResult:
    """A batch's refused rows through the current rules: see etl/retry.py."""
    from etl.retry import retry_quarantine as retry

    return retry(db, batch_id, profile_spec)
