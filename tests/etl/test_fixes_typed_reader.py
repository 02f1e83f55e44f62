"""The typed CSV reader of the fixes (etl/fixes_reader.py) against the line reader it stands in for.

A plain file is read by DuckDB's typed read_csv; refused and odd lines are read again as text. The
expectations are worked out by hand (row numbers, reasons, the outlier); the line reader, forced by
switching the typed reader off, serves as the second, independent path: both must leave the very
same rows, quarantine and counts.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import shutil

import duckdb
import pytest

from civ.geometry import EARTH_RADIUS_M
from etl import fixes_reader, outliers
from etl.fixes import load_fixes_file
from etl.timestamps import timestamp_sql, untrimmed_timestamp_sql

UTC = dt.timezone.utc
HEADER = "device_id,timestamp,lat,lon,accuracy_m,speed_kmh\n"
# one line per case the loader must get right; row numbers are the line numbers after the header
PLANTED = [
    "T1,2026-03-02T08:00:00Z,50.9100,4.2000,5,4",  # 1 clean
    "T1,2026-03-02T08:00:15Z,50.9101,4.2001,5",  # 2 five fields
    "T1,2026-02-30T08:00:30Z,50.9102,4.2002,5,4",  # 3 a day that does not exist
    "T1,2026-03-02T08:00:45Z,50.9x,4.2003,5,4",  # 4 not a number
    "T1,2026-03-02T08:01:00Z,0,0,5,4",  # 5 null island
    "T1,2026-03-02T08:01:15Z,51.2194,4.4025,5,4",  # 6 Antwerp: outside Asse
    "T1,2026-03-02T08:00:00Z,50.9100,4.2000,5,4",  # 7 duplicate of row 1
    "T1,2026-03-02T08:00:00Z,50.9200,4.2000,5,4",  # 8 same moment as row 1, elsewhere
    "   ",  # 9 spaces only: no row
    "T1,2026-03-02T08:01:30Z,50.9104,4.2004,5,4",  # 10 clean
    "T1,2026-03-02T08:01:45Z,50.9300,4.2004,5,4",  # 11 a 2,2 km spike in 15 s: outlier
    "T1,2026-03-02T08:02:00Z,50.9105,4.2005,5,4",  # 12 clean
    '"T2",2026-03-02T08:00:00Z,50.9100,4.2000,,',  # 13 a quoted device: the line reader unquotes it
    "T2,2026-03-02T08:00:15Z,50.9101,4.2001,nan,",  # 14 accuracy not a number
    "T2,2026-03-02T08:00:30Z,50.9102,4.2002,-1,",  # 15 negative accuracy
    "T2,2026-03-02T08:00:45Z,50.9103,4.2003,3,2,",  # 16 a trailing separator: still six fields
    "T2, 2026-03-02T08:01:00Z ,50.9104,4.2004,3,2",  # 17 spaces around the time
    ",2026-03-02T08:01:15Z,50.9105,4.2005,3,2",  # 18 no device
    "T2,2026-03-02 09:01:30,50.9106,4.2006,3,2",  # 19 Brussels winter time = 08:01:30 UTC
    "T2,1772438505,50.9107,4.2007,3,2",  # 20 Unix seconds = 08:01:45 UTC
]
QUARANTINED = {2, 3, 4, 5, 6, 8, 14, 15, 18}


@pytest.fixture
def spy(monkeypatch):
    """Which reader each load used: True for the typed read, False for the line reader."""
    used = []
    real = fixes_reader.read_typed

    def recording(*args, **kwargs):
        typed = real(*args, **kwargs)
        used.append(typed is not None)
        return typed

    monkeypatch.setattr(fixes_reader, "read_typed", recording)
    return used


def line_reader_only(monkeypatch):
    monkeypatch.setattr(fixes_reader, "read_typed", lambda *args, **kwargs: None)


def test_planted_lines_get_their_row_numbers_reasons_and_flags_from_the_typed_read(db, write_file, query, spy):
    path = write_file("planted.csv", HEADER + "\n".join(PLANTED))  # no newline after the last line
    result = load_fixes_file(db, path)
    assert spy == [True]
    assert (result.rows_in, result.loaded, result.quarantined, result.duplicates) == (19, 9, 9, 1)
    refused = {n: (raw, reason) for n, raw, reason in query("SELECT row_number, raw_text, reason FROM quarantine")}
    assert set(refused) == QUARANTINED
    assert all(refused[n][0] == PLANTED[n - 1] for n in QUARANTINED)  # the exact text of the line
    assert refused[2][1].startswith("regel heeft 5 velden")
    assert "bestaat niet" in refused[3][1]
    assert "50.9x" in refused[4][1] and "geen getal" in refused[4][1]
    assert "0,0" in refused[5][1]
    assert "buiten het grondgebied" in refused[6][1]
    assert "rij 1" in refused[8][1]
    assert "geen getal" in refused[14][1] and "negatief" in refused[15][1]
    assert refused[18][1] == "toestel-id ontbreekt"
    stored = query("SELECT device_id, ts, is_outlier FROM fixes ORDER BY device_id, ts")
    assert [(d, ts.astimezone(UTC).strftime("%H:%M:%S")) for d, ts, _ in stored] == [
        ("T1", "08:00:00"),
        ("T1", "08:01:30"),
        ("T1", "08:01:45"),
        ("T1", "08:02:00"),
        ("T2", "08:00:00"),
        ("T2", "08:00:45"),
        ("T2", "08:01:00"),
        ("T2", "08:01:30"),
        ("T2", "08:01:45"),
    ]
    # the spike, and T1's last fix: its one neighbour is the spike, and at a series' end that one decides
    assert [ts.astimezone(UTC).strftime("%H:%M:%S") for _, ts, outlier in stored if outlier] == ["08:01:45", "08:02:00"]


TABLES = {
    "fixes": "SELECT device_id, ts, lat, lon, accuracy_m, speed_kmh, batch_id, is_outlier, outlier_reason FROM {}.fixes",
    "quarantine": "SELECT batch_id, row_number, raw_text, reason FROM {}.quarantine",
    "batches": "SELECT batch_id, rows_in, loaded, quarantined, duplicates FROM {}.import_batches",
    "devices": "SELECT * FROM {}.quarantine_devices",
}


def differences(first, second) -> dict[str, int]:
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{first}' AS a (READ_ONLY)")
        con.execute(f"ATTACH '{second}' AS b (READ_ONLY)")
        return {
            name: con.execute(f"SELECT count(*) FROM ({sql.format('a')} EXCEPT ALL {sql.format('b')})").fetchall()[0][0]
            + con.execute(f"SELECT count(*) FROM ({sql.format('b')} EXCEPT ALL {sql.format('a')})").fetchall()[0][0]
            for name, sql in TABLES.items()
        }
    finally:
        con.close()


def test_typed_and_line_reader_leave_the_same_store_also_for_a_second_overlapping_file(
    db, tmp_path, write_file, query, spy, monkeypatch
):
    first = write_file("first.csv", HEADER + "\n".join(PLANTED) + "\n")
    # stored duplicates and conflicts, and a fix between two stored ones that turns a stored spike normal
    second = write_file(
        "second.csv",
        HEADER + "T1,2026-03-02T08:00:00Z,50.9100,4.2000,5,4\n"  # duplicate of a stored fix
        "T1,2026-03-02T08:01:30Z,50.9900,4.2004,5,4\n"  # conflict with a stored fix
        "T1,2026-03-02T08:01:40Z,50.9290,4.2004,5,4\n"  # next to the stored spike: it is no longer alone
        "T1,2026-03-02T08:01:00Z,0,0,5,4\n",
    )
    other = tmp_path / "line-reader.duckdb"
    shutil.copyfile(db, other)
    for path in (first, second):
        load_fixes_file(db, path)
    assert spy == [True, True]
    assert query("SELECT count(*) FROM quarantine WHERE batch_id = (SELECT max(batch_id) FROM import_batches)") == [
        (2,)
    ]
    line_reader_only(monkeypatch)
    for path in (first, second):
        load_fixes_file(other, path)
    assert differences(db, other) == {"fixes": 0, "quarantine": 0, "batches": 0, "devices": 0}


def test_an_empty_line_in_the_middle_sends_the_file_to_the_line_reader_with_the_right_numbers(
    db, write_file, query, spy
):
    lines = ["T1,2026-03-02T08:00:00Z,50.9100,4.2000,5,4", "", "T1,2026-03-02T08:01:00Z,0,0,5,4"]
    result = load_fixes_file(db, write_file("gap.csv", HEADER + "\n".join(lines) + "\n\n"))
    assert spy == [False]
    assert (result.rows_in, result.loaded, result.quarantined) == (2, 1, 1)
    assert query("SELECT row_number, raw_text FROM quarantine") == [(3, lines[2])]


def test_rejected_lines_before_a_refused_row_keep_its_row_number_and_the_device_flag_names_its_tracker(
    db, write_file, query, spy
):
    text = (
        "timestamp;lat;lon\n"
        "2026-03-02T08:00:00Z;50.91;4.20;9\n"  # 1 four fields: rejected by the typed read
        "2026-03-02T08:00:15Z;50.91;x\n"  # 2 rejected
        "2026-03-02T08:00:30Z;50.9101;4.2001\n"  # 3 clean
        "2026-03-02T08:00:45Z;0;0\n"  # 4 read typed, refused by a rule
        "2026-03-02T08:01:00Z;50.9102;4.2002\n"
    )
    result = load_fixes_file(db, write_file("one-tracker.csv", text), device="T9")
    assert spy == [True]
    assert (result.rows_in, result.loaded, result.quarantined) == (5, 2, 3)
    assert query("SELECT row_number, raw_text FROM quarantine ORDER BY row_number") == [
        (1, "2026-03-02T08:00:00Z;50.91;4.20;9"),
        (2, "2026-03-02T08:00:15Z;50.91;x"),
        (4, "2026-03-02T08:00:45Z;0;0"),
    ]
    assert query("SELECT row_number, device_id FROM quarantine_devices ORDER BY row_number") == [
        (1, "T9"),
        (2, "T9"),
        (4, "T9"),
    ]
    assert query("SELECT DISTINCT device_id FROM fixes") == [("T9",)]


def test_a_file_of_decimal_commas_goes_to_the_line_reader(db, write_file, query, spy):
    text = "device;tijd;breedte;lengte\nT1;2026-03-02T08:00:00Z;50,91;4,20\nT1;2026-03-02T08:00:15Z;50,9101;4,2001\n"
    result = load_fixes_file(db, write_file("komma.csv", text))
    assert spy == [False]
    assert result.loaded == 2
    assert query("SELECT lat FROM fixes ORDER BY ts") == [(50.91,), (50.9101,)]


@pytest.mark.parametrize(
    "text, lines",
    [
        ("h\na\nb\n", 2),
        ("h\na\nb", 2),
        ("h\r\na\r\nb\r\n\r\n\r\n", 2),
        ("h\n", 0),
        ("h\na\n\nb\n", 3),
    ],
)
def test_data_lines_counts_the_lines_after_the_header_but_not_empty_ones_at_the_end(tmp_path, text, lines):
    path = tmp_path / "lines.csv"
    path.write_bytes(text.encode())
    assert fixes_reader.data_lines(path, 1) == lines


def _haversine_m(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(h, 1.0)))


def test_the_step_shortcut_gives_zero_only_to_steps_of_100_m_or_less_and_the_distance_to_the_others():
    rng = random.Random(19)
    pairs = []
    for _ in range(4000):
        lat, lon = rng.uniform(50.8, 51.0), rng.uniform(4.1, 4.35)
        step = rng.choice([1e-4, 5e-4, 9e-4, 1e-3, 2e-3])  # degrees: ~10 m to ~200 m
        pairs.append((lat, lon, lat + rng.uniform(-step, step), lon + rng.uniform(-step, step)))
    con = duckdb.connect()
    con.execute(outliers._MACROS)
    con.execute("CREATE TABLE p (lat1 DOUBLE, lon1 DOUBLE, lat2 DOUBLE, lon2 DOUBLE)")
    con.executemany("INSERT INTO p VALUES (?, ?, ?, ?)", pairs)
    rows = con.execute("SELECT lat1, lon1, lat2, lon2, fx_step_m(lat1, lon1, lat2, lon2) FROM p").fetchall()
    shortcut = [r for r in rows if r[4] == 0]
    assert 100 < len(shortcut) < len(rows)  # both kinds occur
    for lat1, lon1, lat2, lon2, metres in rows:
        exact = _haversine_m(lat1, lon1, lat2, lon2)
        if metres == 0:
            assert exact <= 100
        else:
            assert metres == pytest.approx(exact, rel=1e-9)
    assert con.execute("SELECT fx_step_m(NULL, 4.2, 50.9, 4.2)").fetchall() == [(None,)]


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-02T08:00:00Z",
        " 2026-03-02T08:00:00Z",
        "2026-03-02T08:00:00Z ",
        "2026-3-02T08:00:00Z",
        "2026-02-30T08:00:00Z",
        "2026-03-02 08:00:00",
        "02/03/2026 09:00",
        "1772438505",
        "2026-03-02T08:00:00+01:00",
        "x026-03-02T08:00:00Z",
        "   ",
        "",
        None,
    ],
)
def test_untrimmed_times_read_as_the_trimmed_ones(text):
    con = duckdb.connect()
    trimmed = timestamp_sql("nullif(trim(t), '')", "Europe/Brussels", epoch_seconds=True)
    untrimmed = untrimmed_timestamp_sql("t", "Europe/Brussels", epoch_seconds=True)
    got = con.execute(f"SELECT {trimmed}, {untrimmed} FROM (SELECT ?::VARCHAR AS t)", [text]).fetchall()[0]
    assert got[0] == got[1]


def test_title_rows_above_the_header_and_trailing_separators_keep_the_row_numbers(db, write_file, query, spy):
    text = (
        "Export van het trackerportaal\r\nGegenereerd op 02/03/2026\r\n\r\n"
        "Tracker;Tijd;Latitude;Longitude;Nauwkeurigheid;\r\n"
        "T1;2026-03-02T08:00:00Z;50.9100;4.2000;5;\r\n"  # 1
        "T1;2026-03-02T08:00:15Z;50.91x;4.2001;5;\r\n"  # 2 not a number: rejected by the typed read
        "T1;2026-03-02T08:00:30Z;50.9102;4.2002;5\r\n"  # 3 no trailing separator: rejected, fine as text
        "T1;2026-03-02T08:00:45Z;0;0;5;\r\n"  # 4 null island
        "T1;2026-03-02T08:01:00Z;50.9104;4.2004;;\r\n"  # 5 no accuracy
    )
    result = load_fixes_file(db, write_file("portaal.csv", text))
    assert spy == [True]
    assert (result.rows_in, result.loaded, result.quarantined) == (5, 3, 2)
    assert query("SELECT row_number, raw_text FROM quarantine ORDER BY row_number") == [
        (2, "T1;2026-03-02T08:00:15Z;50.91x;4.2001;5;"),
        (4, "T1;2026-03-02T08:00:45Z;0;0;5;"),
    ]
    assert query("SELECT accuracy_m FROM fixes ORDER BY ts") == [(5.0,), (5.0,), (None,)]
