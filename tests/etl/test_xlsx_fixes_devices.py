"""A tracker portal's Excel export loads like its CSV: `etl fixes FILE.xlsx` and `etl devices FILE.xlsx`
give the same rows, the same quarantine (row numbers and reasons) and retry as the same data written
as a CSV by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import openpyxl

from etl.demo import ensure_demo_territory

ASSE = (50.9100, 4.2000)
FIXES = [  # (device, local time, lat, lon); one row without a latitude: refused in both files
    ("T1", dt.datetime(2026, 3, 2, 9, 0, 0), ASSE[0], ASSE[1]),
    ("T1", dt.datetime(2026, 3, 2, 9, 0, 20), 50.9102, ASSE[1]),
    ("T2", dt.datetime(2026, 3, 2, 9, 1, 0), None, ASSE[1]),
    ("T2", dt.datetime(2026, 3, 2, 9, 1, 20), ASSE[0], 4.2003),
]
DEVICES = [  # (device, warden, from, to); a real name instead of a code: refused in both files
    ("T1", "GW-A", dt.datetime(2026, 1, 1), None),
    ("T2", "Jan Peeters", dt.datetime(2026, 1, 1), None),
    ("T3", "GW-B", dt.datetime(2026, 2, 1), dt.datetime(2026, 3, 1)),
]


def workbook(path: Path, header: list[str], rows: list[tuple]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Export trackerportaal"])  # a title row above the header, as portals write
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def csv_text(path: Path, header: list[str], rows: list[tuple], day_only: bool) -> Path:
    def text(value) -> str:
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            return value.strftime("%d/%m/%Y" if day_only else "%d/%m/%Y %H:%M:%S")
        return str(value)

    lines = ["Export trackerportaal", "", ";".join(header)] + [";".join(text(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def stored(db: Path, table: str, columns: str) -> tuple[list, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return (
            con.execute(f"SELECT {columns} FROM {table} ORDER BY ALL").fetchall(),
            con.execute("SELECT row_number, reason FROM quarantine ORDER BY row_number").fetchall(),
        )
    finally:
        con.close()


def test_a_fixes_xlsx_loads_like_its_csv(tmp_path):
    from etl.fixes import load_fixes_file

    header = ["Toestel", "Datum/tijd", "Breedtegraad", "Lengtegraad"]
    results = {}
    for kind, path in (
        ("xlsx", workbook(tmp_path / "portaal.xlsx", header, FIXES)),
        ("csv", csv_text(tmp_path / "portaal.csv", header, FIXES, day_only=False)),
    ):
        db = tmp_path / f"{kind}.duckdb"
        ensure_demo_territory(db)
        result = load_fixes_file(db, path)
        results[kind] = (
            (result.rows_in, result.loaded, result.quarantined),
            stored(db, "fixes", "device_id, ts, lat, lon"),
        )
    assert results["xlsx"] == results["csv"]
    (counts, (rows, quarantine)) = results["xlsx"]
    assert counts == (len(FIXES), len(FIXES) - 1, 1)
    assert [r[0] for r in quarantine] == [i for i, (_, _, lat, _) in enumerate(FIXES, start=1) if lat is None]
    assert sorted(r[0] for r in rows) == sorted(d for d, _, lat, _ in FIXES if lat is not None)


def test_a_devices_xlsx_loads_like_its_csv_and_its_refused_row_retries(tmp_path):
    from etl.batches import retry_quarantine
    from etl.devices import load_devices_file

    header = ["Toestel", "Gemeenschapswacht", "Geldig vanaf", "Geldig tot"]
    results, batches = {}, {}
    for kind, path in (
        ("xlsx", workbook(tmp_path / "koppelingen.xlsx", header, DEVICES)),
        ("csv", csv_text(tmp_path / "koppelingen.csv", header, DEVICES, day_only=True)),
    ):
        db = tmp_path / f"{kind}.duckdb"
        ensure_demo_territory(db)
        result = load_devices_file(db, path)
        batches[kind] = result.batch_id
        results[kind] = (
            (result.rows_in, result.loaded, result.quarantined),
            stored(db, "devices", "device_id, warden_code, valid_from, valid_to"),
        )
    assert results["xlsx"] == results["csv"]
    (counts, (rows, quarantine)) = results["xlsx"]
    assert counts == (len(DEVICES), len(DEVICES) - 1, 1)
    assert [(d, w) for d, w, *_ in rows] == [(d, w) for d, w, *_ in DEVICES if w.startswith("GW-")]
    assert [n for n, _ in quarantine] == [i for i, (_, w, *_) in enumerate(DEVICES, start=1) if not w.startswith("GW-")]
    # the refused row is written back as text and read again: still refused, for the same reason
    retry = retry_quarantine(tmp_path / "xlsx.duckdb", batches["xlsx"]).as_json()
    assert (retry["rows_in"], retry["loaded"], retry["quarantined"]) == (1, 0, 1)
    assert stored(tmp_path / "xlsx.duckdb", "devices", "device_id")[1][-1][1] == quarantine[0][1]
