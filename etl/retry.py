"""Quarantine retry: a batch's refused rows, of any kind, through the current profile, aliases,
categories and territory.

The rows are written back as a file in the batch's own shape — its header and delimiter (recorded by
`record_source` at load time), GPX tracks, NMEA lines, a GeoJSON collection, live positions as a fixes
CSV — and loaded by the kind's own loader into a new batch linked to the first (`retry_of`); the rows
that now pass leave the first batch's quarantine, whose counts stay as its load found them. A refused
fix whose text does not name its tracker (`--device`, a GPX track's name, a live phone) keeps it in
`quarantine_devices` (`record_devices`).
"""

from __future__ import annotations

import csv
import html
import json
import re
import tempfile
from pathlib import Path

from civ import store
from civ.errors import UnusableInput


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
