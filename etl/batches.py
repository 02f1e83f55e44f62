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
  batch linked to the first, and leave its quarantine.
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import html
import json
import re
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
            counts = _remove(con, batch_id, kind)
            now = dt.datetime.now(dt.timezone.utc)
            con.execute(
                """INSERT INTO batch_details (batch_id, undone_at, undone_by) VALUES (?, ?, ?)
                           ON CONFLICT (batch_id) DO UPDATE SET undone_at = excluded.undone_at,
                                                                undone_by = excluded.undone_by""",
                [batch_id, now, actor],
            )
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


def record_source(con, batch_id: int, header: list[str] | None, delimiter: str | None, profile) -> None:
    """What `quarantine retry` needs to read a batch's refused rows again: the header as the file spells
    it, the delimiter of the raw text, the profile's name."""
    con.execute(
        "INSERT OR REPLACE INTO batch_details (batch_id, header, delimiter, profile_name) VALUES (?, ?, ?, ?)",
        [
            batch_id,
            json.dumps(header, ensure_ascii=False) if header is not None else None,
            delimiter,
            profile.name if profile else None,
        ],
    )


def record_devices(con, batch_id: int, rows_sql: str) -> None:
    """The tracker of each refused fix (`rows_sql`: row_number, device_id), which its raw text does
    not name."""
    con.execute(
        f"""INSERT INTO quarantine_devices
            SELECT ?, r.row_number, r.device_id FROM ({rows_sql}) r
            SEMI JOIN (SELECT row_number FROM quarantine WHERE batch_id = ?) q ON q.row_number = r.row_number""",
        [batch_id, batch_id],
    )


def retry_quarantine(db: str | Path, batch_id: int, profile_spec: str | None = None) -> store.LoadResult:
    """The refused rows of a batch of any kind, through the current profile, aliases, categories and
    territory: written back in the batch's own format (its header, its delimiter; GPX, NMEA or GeoJSON)
    and loaded by the kind's own loader into a new batch linked to the first."""
    from etl.profiles import load_profile

    path = store.db_path(db)
    if not path.exists():
        raise UnusableInput(f"database {path} bestaat niet")
    with store.reading(path) as con:
        batch = store.first_row(
            con,
            """SELECT b.kind, b.format, b.file_name, d.header, d.delimiter, d.profile_name
               FROM import_batches b LEFT JOIN batch_details d USING (batch_id) WHERE b.batch_id = ?""",
            [batch_id],
        )
        if batch is None:
            raise UnusableInput(f"import {batch_id} bestaat niet (zie python -m etl batches list)")
        kind, fmt, file_name, header, delimiter, profile_name = batch
        rows = con.execute(
            "SELECT row_number, raw_text FROM quarantine WHERE batch_id = ? ORDER BY row_number", [batch_id]
        ).fetchall()
        devices = dict(
            con.execute(
                "SELECT row_number, device_id FROM quarantine_devices WHERE batch_id = ?", [batch_id]
            ).fetchall()
        )
    if not rows:
        raise UnusableInput(f"import {batch_id} heeft geen geweigerde rijen")
    written_back = _RETRY_FORMATS.get((kind, fmt)) or ("csv" if kind in _LOADERS and header is not None else None)
    if written_back is None:
        raise UnusableInput(
            f"import {batch_id} ({kind}, {fmt}) werd geladen met een oudere versie: laad het bestand opnieuw "
            f"(maak eerst python -m etl batches undo {batch_id})"
        )
    profile = load_profile(profile_spec or profile_name, kind, db)
    if profile is not None:
        for option in ("header_row", "sheet", "encoding"):  # the retry file has its header on its first line, in UTF-8
            profile.file.pop(option, None)
        if written_back == "geojson":
            profile.file.pop("crs", None)  # the refused features were kept in WGS84
    with tempfile.TemporaryDirectory(prefix="civ-retry-") as folder:
        retry_file = Path(folder) / f"opnieuw-{batch_id}-{Path(file_name).stem}.{written_back}"
        device = _write_retry_file(retry_file, written_back, rows, devices, header, delimiter)
        result = _LOADERS[kind](path, retry_file, profile, written_back, device)
    if result.status == "already-loaded":
        return result
    _link_retry(path, batch_id, result.batch_id, [number for number, _ in rows])
    return result


def _load_reports(db, file, profile, fmt, device):
    from etl.reports import load_reports_file

    return load_reports_file(db, file, profile=profile, fmt="auto")


def _load_fixes(db, file, profile, fmt, device):
    from etl.fixes import load_fixes_file

    return load_fixes_file(db, file, fmt=fmt, device=device, profile=profile)


def _load_devices(db, file, profile, fmt, device):
    from etl.devices import load_devices_file

    return load_devices_file(db, file, profile=profile)


def _load_hotspots(db, file, profile, fmt, device):
    from etl.hotspots import load_hotspots_file

    return load_hotspots_file(db, file, profile=profile)


def _load_projects(db, file, profile, fmt, device):
    from etl.projects import load_projects_file

    return load_projects_file(db, file, profile=profile)


_LOADERS = {
    "reports": _load_reports,
    "fixes": _load_fixes,
    "devices": _load_devices,
    "hotspots": _load_hotspots,
    "projects": _load_projects,
}
# Batches whose refused rows are not lines of a delimited file: written back in their own format.
_RETRY_FORMATS = {
    ("fixes", "gpx"): "gpx",
    ("fixes", "nmea"): "nmea",
    ("fixes", "osmand"): "csv",
    ("hotspots", "geojson"): "geojson",
}
# 'live 2026-03-01T09:00:00Z 50.91,4.2 nauwkeurigheid=5.0 snelheid=None' (etl/live.py's raw text)
_LIVE_RAW = re.compile(r"^live (\S+) (\S+),(\S+) nauwkeurigheid=(\S*) snelheid=(\S*)$")


def _write_retry_file(
    retry_file: Path, written_back: str, rows: list, devices: dict, header: str | None, delimiter: str | None
) -> str | None:
    """The refused rows as a file the kind's loader reads, in their first order (row i of the retry is
    the i-th refused row); returns the --device to load it with, if one."""
    one_device = set(devices.values()) if devices else set()
    device = next(iter(one_device)) if len(one_device) == 1 else None
    texts = [(raw or "").replace("\r", " ").replace("\n", " ") for _, raw in rows]
    if written_back == "nmea":
        retry_file.write_text("\n".join(texts) + "\n", encoding="utf-8")
    elif written_back == "gpx":
        # one track per run of rows of the same tracker, named after it when several trackers share the file
        parts, previous = ['<?xml version="1.0" encoding="UTF-8"?>', '<gpx version="1.1" creator="civ-compstat">'], ()
        for (number, _), text in zip(rows, texts):
            current = devices.get(number)
            if current != previous:
                if previous != ():
                    parts.append("</trkseg></trk>")
                name = f"<name>{html.escape(current)}</name>" if current and device is None else ""
                parts.append(f"<trk>{name}<trkseg>")
                previous = current
            parts.append(text)
        parts += ["</trkseg></trk>", "</gpx>"]
        retry_file.write_text("\n".join(parts) + "\n", encoding="utf-8")
    elif written_back == "geojson":
        features = ",\n".join(texts)
        retry_file.write_text(f'{{"type": "FeatureCollection", "features": [\n{features}\n]}}\n', encoding="utf-8")
    elif header is None:  # live positions: the fields of their raw text, as a fixes CSV
        with retry_file.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["device_id", "timestamp", "lat", "lon", "accuracy_m", "speed_kmh"])
            for (number, _), text in zip(rows, texts):
                found = _LIVE_RAW.match(text)
                fields = [f if f != "None" else "" for f in found.groups()] if found else [text, "", "", "", ""]
                writer.writerow([devices.get(number) or "", *fields])
        device = None
    else:
        with retry_file.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, delimiter=delimiter, lineterminator="\n").writerow(json.loads(header))
            handle.write("\n".join(texts) + "\n")
    return device


def _link_retry(db: Path, original: int, retry: int, original_rows: list[int]) -> None:
    """The retry batch points to the first; rows that now loaded leave the first batch's quarantine."""
    con = store.open_for_writing(db)
    try:
        con.execute("BEGIN TRANSACTION")
        still_refused = {
            r[0] for r in con.execute("SELECT row_number FROM quarantine WHERE batch_id = ?", [retry]).fetchall()
        }
        passed = [original_rows[i - 1] for i in range(1, len(original_rows) + 1) if i not in still_refused]
        if passed:
            # the first batch's counts stay as its load found them (history); its quarantine lists what is
            # still refused
            con.execute(
                f"DELETE FROM quarantine WHERE batch_id = ? AND row_number IN ({', '.join('?' * len(passed))})",
                [original, *passed],
            )
        con.execute(
            """INSERT INTO batch_details (batch_id, retry_of, row_numbers) VALUES (?, ?, ?)
                       ON CONFLICT (batch_id) DO UPDATE SET retry_of = excluded.retry_of,
                                                            row_numbers = excluded.row_numbers""",
            [retry, original, json.dumps(original_rows)],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()
