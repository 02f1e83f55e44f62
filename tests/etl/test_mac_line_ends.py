"""Excel for Mac's "CSV (Macintosh)" ends lines with a lone carriage return: the file loads as the same
file with ordinary line ends does (same reports, same refused rows, same row numbers), and the preview of
the import page reads it too. Before, the header finder stopped with a Python traceback."""

from __future__ import annotations

import duckdb
import pytest

from etl.reports import load_reports_file

ROWS = [
    "Meldingen Asse, export 03/12/2026",  # a title line above the header
    "",
    "datum;categorie;omschrijving;lat;lon",
    "14/03/2026 10:15;sluikstort;zakken aan de glasbak;50.9105;4.1983",
    '15/03/2026 22:40;geluidshinder;"feest, tot laat\nen luid";50.9111;4.2002',  # a quoted line break
    "31/02/2026 09:00;sluikstort;een dag die niet bestaat;50.9105;4.1983",
    "16/03/2026 08:05;hondenpoep;voetpad;50.9120;4.1990",
]


def _stored(db):
    with duckdb.connect(str(db), read_only=True) as con:
        reports = sorted(
            con.execute("SELECT reported_at, category_code, description, lat, lon FROM reports").fetchall()
        )
        refused = con.execute("SELECT row_number, reason FROM quarantine ORDER BY row_number").fetchall()
    return reports, refused


@pytest.mark.parametrize("line_end", ["\r", "\r\n"])
def test_a_file_with_mac_or_windows_line_ends_loads_as_with_unix_ones(line_end, tmp_path, db, demo_territory_store):
    import shutil

    unix = tmp_path / "unix.csv"
    unix.write_text("\n".join(ROWS) + "\n", encoding="utf-8")
    other = tmp_path / "mac.csv"
    other.write_text(line_end.join(r.replace("\n", line_end) for r in ROWS) + line_end, encoding="utf-8")
    other_db = tmp_path / "other" / "civ.duckdb"
    other_db.parent.mkdir()
    shutil.copyfile(demo_territory_store, other_db)

    expected = load_reports_file(db, unix)
    result = load_reports_file(other_db, other)
    assert (result.rows_in, result.loaded, result.quarantined) == (expected.rows_in, expected.loaded, 1) == (4, 3, 1)
    reports, refused = _stored(other_db)
    unix_reports, unix_refused = _stored(db)
    assert [r[:2] + r[3:] for r in reports] == [r[:2] + r[3:] for r in unix_reports]
    assert [r[2].replace("\r\n", "\n").replace("\r", "\n") for r in reports] == [r[2] for r in unix_reports]
    assert refused == unix_refused and refused[0][0] == 3  # the impossible date, third record of both


def test_the_import_preview_reads_a_mac_file(tmp_path):
    from etl.tables import read_table

    path = tmp_path / "mac.csv"
    path.write_text("\r".join(ROWS) + "\r", encoding="utf-8")
    table = read_table(path, known={"datum", "categorie"})
    assert table.header == ["datum", "categorie", "omschrijving", "lat", "lon"]
    assert table.rows_in == 4


FIXES = [
    "device_id,timestamp,lat,lon",
    "TRK-001,2026-11-02T10:00:00Z,50.9105,4.1983",
    "TRK-001,2026-11-02T10:00:15Z,50.9106,4.1984",
    "TRK-001,2026-11-02T10:00:30Z,niet,4.1984",  # refused: no number
    "TRK-002,2026-11-02T10:00:00Z,50.9110,4.1990",
]
DEVICES = ["device_id,warden,valid_from,valid_to", "TRK-001,GW-001,,", "TRK-002,GW-002,,", "TRK-003,,,"]


@pytest.mark.parametrize(("command", "lines"), [("fixes", FIXES), ("devices", DEVICES)])
def test_tracker_files_with_mac_line_ends_load_as_with_unix_ones(
    command, lines, tmp_path, demo_territory_store, capsys
):
    import json
    import shutil

    from etl.cli import main

    counts = {}
    for name, line_end in (("unix", "\n"), ("mac", "\r")):
        path = tmp_path / f"{name}.csv"
        path.write_text(line_end.join(lines) + line_end, encoding="utf-8")
        store = tmp_path / name / "civ.duckdb"
        store.parent.mkdir()
        shutil.copyfile(demo_territory_store, store)
        assert main([command, str(path), "--db", str(store), "--json"]) == 0
        result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        with duckdb.connect(str(store), read_only=True) as con:
            refused = con.execute("SELECT row_number, reason FROM quarantine ORDER BY 1").fetchall()
        counts[name] = (result["rows_in"], result["loaded"], result["quarantined"], refused)
    assert counts["mac"] == counts["unix"]
    assert counts["unix"][0] == len(lines) - 1  # every record read, none lost to a line end
