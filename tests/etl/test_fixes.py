"""Tracker fixes from CSV: reading, validation reasons, duplicates, conflicts, outliers.

Expected values are worked out by hand in each test (row counts, UTC times, distances), never by
running the loader twice.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from civ import store
from civ.errors import UnusableInput
from etl.demo import ensure_demo_territory
from etl.fixes import load_fixes_file

UTC = dt.timezone.utc
METRES_PER_DEGREE_LAT = 6371008.8 * math.pi / 180  # 111 195 m, the loader's sphere


def accounted(result) -> bool:
    return result.rows_in == result.loaded + result.quarantined + result.duplicates


def quarantine(query) -> dict[int, tuple[str, str]]:
    return {n: (raw, reason) for n, raw, reason in query("SELECT row_number, raw_text, reason FROM quarantine")}


# -- reading -------------------------------------------------------------------------------------


def test_csv_times_are_stored_in_utc_from_offset_brussels_and_epoch_forms(db, write_file, query):
    path = write_file(
        "fixes.csv",
        "device_id,timestamp,lat,lon,accuracy_m,speed_kmh\n"
        "T1,2026-01-15T08:00:00Z,50.91,4.20,5,4.5\n"  # UTC as written
        "T1,15/01/2026 09:00:10,50.9101,4.2001,,\n"  # Brussels winter: UTC+1
        "T1,2026-07-01 12:00:00,50.9102,4.2002,,\n"  # Brussels summer: UTC+2
        "T1,1768464020,50.9103,4.2003,,\n",
    )  # Unix seconds = 2026-01-15 08:00:20 UTC
    result = load_fixes_file(db, path)
    assert (result.status, result.rows_in, result.loaded, result.quarantined) == ("loaded", 4, 4, 0)
    stored = query("SELECT ts, lat, lon, accuracy_m, speed_kmh FROM fixes ORDER BY ts")
    assert [r[0] for r in stored] == [
        dt.datetime(2026, 1, 15, 8, 0, 0, tzinfo=UTC),
        dt.datetime(2026, 1, 15, 8, 0, 10, tzinfo=UTC),
        dt.datetime(2026, 1, 15, 8, 0, 20, tzinfo=UTC),
        dt.datetime(2026, 7, 1, 10, 0, 0, tzinfo=UTC),
    ]
    assert stored[0][1:] == (50.91, 4.20, 5.0, 4.5)
    assert stored[1][3:] == (None, None)


def test_semicolon_file_with_decimal_commas_and_header_aliases_loads(db, write_file, query):
    path = write_file(
        "export.csv", "Tracker;Time;Latitude;Longitude;Accuracy;Speed\nT7;2026-02-01T10:00:00Z;50,9123;4,2045;3,5;5,2\n"
    )
    result = load_fixes_file(db, path)
    assert (result.loaded, result.quarantined) == (1, 0)
    assert query("SELECT device_id, lat, lon, accuracy_m, speed_kmh FROM fixes") == [("T7", 50.9123, 4.2045, 3.5, 5.2)]


def test_quoted_fields_are_read_without_their_quotes(db, write_file, query):
    path = write_file("quoted.csv", 'device_id,timestamp,lat,lon\n"T ""1""",2026-02-01T10:00:00Z,"50.91","4.2"\n')
    result = load_fixes_file(db, path)
    assert result.loaded == 1
    assert query("SELECT device_id, lat, lon FROM fixes") == [('T "1"', 50.91, 4.2)]


def test_windows_1252_file_is_read(db, write_file, query):
    path = write_file(
        "latin.csv",
        "toestel;tijdstip;breedtegraad;lengtegraad\nZellik-é;2026-02-01T10:00:00Z;50,91;4,2\n",
        encoding="cp1252",
    )
    assert load_fixes_file(db, path).loaded == 1
    assert query("SELECT device_id FROM fixes") == [("Zellik-é",)]


def test_line_with_wrong_field_count_is_quarantined_with_its_raw_line_and_line_number(db, write_file, query):
    path = write_file(
        "ragged.csv",
        "device_id,timestamp,lat,lon\n"
        "T1,2026-02-01T10:00:00Z,50.91,4.2\n"  # row 1
        "\n"  # row 2: blank, not a row
        "T1,2026-02-01T10:00:10Z,50.91\n"  # row 3: 3 fields
        "T1,2026-02-01T10:00:20Z,50.91,4.2,9,9\n"  # row 4: 6 fields
        "T1,2026-02-01T10:00:30Z,50.91,4.2\n",
    )  # row 5
    result = load_fixes_file(db, path)
    assert (result.rows_in, result.loaded, result.quarantined, result.duplicates) == (4, 2, 2, 0)
    assert quarantine(query) == {
        3: ("T1,2026-02-01T10:00:10Z,50.91", "regel heeft 3 velden, de kopregel 4 (scheidingsteken: komma)"),
        4: ("T1,2026-02-01T10:00:20Z,50.91,4.2,9,9", "regel heeft 6 velden, de kopregel 4 (scheidingsteken: komma)"),
    }


def test_unreadable_values_are_quarantined_with_dutch_reasons(db, write_file, query):
    path = write_file(
        "bad.csv",
        "device_id,timestamp,lat,lon,accuracy_m,speed_kmh\n"
        ",2026-02-01T10:00:00Z,50.91,4.2,,\n"  # 1
        "T1,31/02/2026 10:00,50.91,4.2,,\n"  # 2
        "T1,gisteren,50.91,4.2,,\n"  # 3
        "T1,2026-02-01T10:00:03Z,abc,4.2,,\n"  # 4
        "T1,2026-02-01T10:00:04Z,91.2,4.2,,\n"  # 5
        "T1,2026-02-01T10:00:05Z,50.91,-181,,\n"  # 6
        "T1,2026-02-01T10:00:06Z,0,0,,\n"  # 7
        "T1,2026-02-01T10:00:07Z,50.91,4.2,ver,-3\n"  # 8
        ",,,,,\n"  # 9
        "T1,2026-02-01T10:00:09Z,50.91,4.2,4,3\n",
    )  # 10: the only good row
    result = load_fixes_file(db, path)
    assert (result.rows_in, result.loaded, result.quarantined) == (10, 1, 9)
    reasons = {n: reason for n, (_, reason) in quarantine(query).items()}
    assert reasons[1] == "toestel-id ontbreekt"
    assert reasons[2] == "tijdstip 31/02/2026 10:00 bestaat niet"
    assert reasons[3].startswith("tijdstip 'gisteren' is geen geldige datum")
    assert reasons[4] == "breedtegraad 'abc' is geen getal"
    assert reasons[5] == "breedtegraad '91.2' ligt niet tussen -90 en 90"
    assert reasons[6] == "lengtegraad '-181' ligt niet tussen -180 en 180"
    assert reasons[7].startswith("positie 0,0")
    assert reasons[8] == "nauwkeurigheid (m) 'ver' is geen getal; snelheid (km/u) '-3' is negatief"
    assert reasons[9] == "toestel-id ontbreekt; tijdstip ontbreekt; breedtegraad ontbreekt; lengtegraad ontbreekt"
    assert query("SELECT raw_text FROM quarantine WHERE row_number = 5") == [("T1,2026-02-01T10:00:04Z,91.2,4.2,,",)]


def test_fixes_far_outside_the_territory_are_refused_naming_it_and_kept_inside_a_given_box(db, write_file, query):
    path = write_file("paris.csv", "device_id,timestamp,lat,lon\nT1,2026-02-01T10:00:00Z,48.8566,2.3522\n")
    result = load_fixes_file(db, path)
    assert (result.loaded, result.quarantined) == (0, 1)
    assert query("SELECT reason FROM quarantine") == [("positie 48,8566 / 2,3522 ligt buiten het grondgebied: Asse",)]
    assert load_fixes_file(db, path, box=(2.0, 48.0, 3.0, 49.0)).loaded == 1


# -- device option, unusable files ---------------------------------------------------------------


def test_csv_without_device_column_takes_the_device_option(bare_db, write_file, query):
    path = write_file("nodevice.csv", "timestamp,lat,lon\n2026-02-01T10:00:00Z,50.91,4.2\n")
    with pytest.raises(UnusableInput, match="--device"):
        load_fixes_file(bare_db, path)
    assert not bare_db.exists()
    ensure_demo_territory(bare_db)  # the fix lies in Asse
    assert load_fixes_file(bare_db, path, device="T9").loaded == 1
    assert query("SELECT device_id FROM fixes") == [("T9",)]


def test_missing_position_column_is_unusable_and_writes_nothing(bare_db, write_file):
    path = write_file("nolon.csv", "device_id,timestamp,lat\nT1,2026-02-01T10:00:00Z,50.91\n")
    with pytest.raises(UnusableInput, match="kolom lon ontbreekt"):
        load_fixes_file(bare_db, path)
    assert not bare_db.exists()


def test_binary_file_is_unusable_and_writes_nothing(bare_db, tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(UnusableInput, match="binaire inhoud"):
        load_fixes_file(bare_db, path)
    assert not bare_db.exists()


def test_unknown_format_name_is_unusable(db, write_file):
    path = write_file("a.csv", "device_id,timestamp,lat,lon\n")
    with pytest.raises(UnusableInput, match="onbekend formaat"):
        load_fixes_file(db, path, fmt="kml")


def test_empty_file_loads_zero_rows(db, write_file):
    result = load_fixes_file(db, write_file("empty.csv", ""))
    assert (result.status, result.rows_in, result.loaded) == ("nothing-loaded", 0, 0)


def test_loading_the_same_file_again_is_already_loaded_and_changes_nothing(db, write_file, query):
    path = write_file("f.csv", "device_id,timestamp,lat,lon\nT1,2026-02-01T10:00:00Z,50.91,4.2\n")
    assert load_fixes_file(db, path).status == "loaded"
    again = load_fixes_file(db, path)
    assert (again.status, again.rows_in, again.duplicates) == ("already-loaded", 1, 1)
    assert query("SELECT count(*) FROM fixes") == [(1,)]


# -- duplicates and conflicts --------------------------------------------------------------------


def test_same_fix_twice_in_a_file_is_counted_once_as_duplicate(db, write_file):
    path = write_file(
        "dup.csv",
        "device_id,timestamp,lat,lon\n"
        "T1,2026-02-01T10:00:00Z,50.91,4.2\n"
        "T1,2026-02-01 11:00:00,50.910,4.20\n"  # same instant and place
        "T2,2026-02-01T10:00:00Z,50.91,4.2\n",
    )  # other device: not a duplicate
    result = load_fixes_file(db, path)
    assert (result.rows_in, result.loaded, result.duplicates, result.quarantined) == (3, 2, 1, 0)


def test_same_device_and_time_at_another_place_is_quarantined(db, write_file, query):
    path = write_file(
        "clash.csv",
        "device_id,timestamp,lat,lon\nT1,2026-02-01T10:00:00Z,50.91,4.2\nT1,2026-02-01T10:00:00Z,50.92,4.2\n",
    )
    result = load_fixes_file(db, path)
    assert (result.loaded, result.quarantined) == (1, 1)
    assert quarantine(query)[2][1] == "toestel heeft al een positie op dit tijdstip (rij 1: 50.91, 4.2)"
    assert query("SELECT lat FROM fixes") == [(50.91,)]


def test_fixes_already_stored_are_duplicates_and_other_positions_then_are_quarantined(db, write_file, query):
    first = write_file(
        "a.csv", "device_id,timestamp,lat,lon\nT1,2026-02-01T10:00:00Z,50.91,4.2\nT1,2026-02-01T10:00:10Z,50.9101,4.2\n"
    )
    second = write_file(
        "b.csv",
        "device_id,timestamp,lat,lon\n"
        "T1,2026-02-01T10:00:10Z,50.9101,4.2\n"  # stored: duplicate
        "T1,2026-02-01T10:00:00Z,50.93,4.2\n"  # stored time, other place
        "T1,2026-02-01T10:00:20Z,50.9102,4.2\n",
    )  # new
    load_fixes_file(db, first)
    result = load_fixes_file(db, second)
    assert (result.rows_in, result.loaded, result.duplicates, result.quarantined) == (3, 1, 1, 1)
    assert accounted(result)
    assert quarantine(query)[2][1] == "toestel heeft al een positie op dit tijdstip (opgeslagen: 50.91, 4.2)"
    assert query("SELECT count(*) FROM fixes") == [(3,)]


# -- outliers ------------------------------------------------------------------------------------


def track(write_file, name: str, points: list[tuple[int, float, float]], device: str = "T1"):
    """A CSV of (seconds after 10:00 UTC, lat, lon)."""
    lines = ["device_id,timestamp,lat,lon"]
    for seconds, lat, lon in points:
        moment = dt.datetime(2026, 2, 1, 10, 0, tzinfo=UTC) + dt.timedelta(seconds=seconds)
        lines.append(f"{device},{moment:%Y-%m-%dT%H:%M:%SZ},{lat:.7f},{lon:.7f}")
    return write_file(name, "\n".join(lines) + "\n")


def flags(query) -> list[tuple[int, bool, str | None]]:
    return [
        (int((ts - dt.datetime(2026, 2, 1, 10, 0, tzinfo=UTC)).total_seconds()), flag, reason)
        for ts, flag, reason in query("SELECT ts, is_outlier, outlier_reason FROM fixes ORDER BY ts")
    ]


LAT, LON = 50.89, 4.20  # south of Asse, so the spike 4,2 km north is still in the territory
SPIKE_LAT = LAT + 4200 / METRES_PER_DEGREE_LAT  # 4.2 km due north


def test_single_spike_is_flagged_with_its_jump_and_kept(db, write_file, query):
    # standing still, one fix 4.2 km away 10 s later and back 10 s after: 4200 m / 10 s = 1512 km/h
    path = track(
        write_file, "spike.csv", [(0, LAT, LON), (10, LAT, LON), (20, SPIKE_LAT, LON), (30, LAT, LON), (40, LAT, LON)]
    )
    result = load_fixes_file(db, path)
    assert (result.loaded, result.quarantined) == (5, 0)
    assert flags(query) == [
        (0, False, None),
        (10, False, None),
        (20, True, "sprong van 4,2 km in 10 s (1512 km/u)"),
        (30, False, None),
        (40, False, None),
    ]


def test_steady_cycling_and_driving_below_the_limit_are_not_outliers(db, write_file, query):
    step = 100 / 3.6 * 10 / METRES_PER_DEGREE_LAT  # 100 km/h: 278 m per 10 s
    path = track(write_file, "car.csv", [(10 * i, LAT + i * step, LON) for i in range(6)])
    load_fixes_file(db, path)
    assert [f for _, f, _ in flags(query)] == [False] * 6


def test_fast_jump_of_at_most_100_m_is_not_an_outlier(db, write_file, query):
    hop = 90 / METRES_PER_DEGREE_LAT  # 90 m in 1 s = 324 km/h, but within receiver scatter
    path = track(write_file, "scatter.csv", [(0, LAT, LON), (1, LAT + hop, LON), (2, LAT, LON)])
    load_fixes_file(db, path)
    assert [f for _, f, _ in flags(query)] == [False, False, False]


def test_jump_at_the_end_of_a_series_is_judged_on_its_one_neighbour(db, write_file, query):
    path = track(write_file, "end.csv", [(0, LAT, LON), (10, LAT, LON), (20, SPIKE_LAT, LON)])
    load_fixes_file(db, path)
    assert flags(query) == [(0, False, None), (10, False, None), (20, True, "sprong van 4,2 km in 10 s (1512 km/u)")]


def test_later_file_clears_the_flag_of_a_stored_fix_that_was_a_real_move(db, write_file, query):
    # file 1 ends on a far fix: flagged by its one neighbour
    load_fixes_file(db, track(write_file, "a.csv", [(0, LAT, LON), (10, LAT, LON), (20, SPIKE_LAT, LON)]))
    assert flags(query)[2][1] is True
    # file 2 shows the tracker stayed there (e.g. a warden in a train): the jump was one honest leg
    result = load_fixes_file(db, track(write_file, "b.csv", [(30, SPIKE_LAT, LON), (40, SPIKE_LAT, LON)]))
    assert result.loaded == 2
    assert [f for _, f, _ in flags(query)] == [False] * 5


def test_out_of_order_file_is_merged_into_the_stored_series_before_flagging(db, write_file, query):
    # stored: a spike at 20 s; a later file fills in 15 s and 25 s at the same far place,
    # so 20 s is no longer a lone spike and nothing is an outlier
    load_fixes_file(
        db,
        track(
            write_file,
            "a.csv",
            [(0, LAT, LON), (10, LAT, LON), (20, SPIKE_LAT, LON)] + [(s, LAT, LON) for s in (30, 40, 50, 60)],
        ),
    )
    assert [s for s, f, _ in flags(query) if f] == [20]
    load_fixes_file(db, track(write_file, "b.csv", [(15, SPIKE_LAT, LON), (25, SPIKE_LAT, LON)]))
    assert [s for s, f, _ in flags(query) if f] == []
    # and a spike arriving late between two stored fixes is flagged, its neighbours are not
    load_fixes_file(db, track(write_file, "c.csv", [(45, SPIKE_LAT, LON)]))
    assert [s for s, f, _ in flags(query) if f] == [45]


def test_other_devices_do_not_count_as_neighbours(db, write_file, query):
    load_fixes_file(db, track(write_file, "a.csv", [(0, LAT, LON), (10, LAT, LON), (20, LAT, LON)], device="T1"))
    load_fixes_file(db, track(write_file, "b.csv", [(5, SPIKE_LAT, LON), (15, SPIKE_LAT, LON)], device="T2"))
    assert [f for _, f, _ in flags(query)] == [False] * 5


def test_outlier_speed_limit_comes_from_the_settings(db, write_file, query):
    con = store.open_for_writing(db)
    con.execute("UPDATE settings SET value = '2000' WHERE key = 'max_speed_kmh'")
    con.close()
    load_fixes_file(
        db, track(write_file, "spike.csv", [(0, LAT, LON), (10, LAT, LON), (20, SPIKE_LAT, LON), (30, LAT, LON)])
    )
    assert [f for _, f, _ in flags(query)] == [False] * 4  # 1512 km/h is under this limit


def test_every_row_of_a_mixed_file_is_accounted_for(db, write_file, query):
    path = write_file(
        "mixed.csv",
        "device_id;timestamp;lat;lon\n"
        "T1;2026-02-01T10:00:00Z;50,91;4,2\n"
        "T1;2026-02-01T10:00:00Z;50,91;4,2\n"
        "T1;2026-02-01T10:00:00Z;50,99;4,2\n"
        "T1;bad\n"
        "T1;2026-02-01T10:00:10Z;x;4,2\n",
    )
    result = load_fixes_file(db, path)
    assert (result.rows_in, result.loaded, result.duplicates, result.quarantined) == (5, 1, 1, 3)
    assert query("SELECT rows_in, loaded, quarantined, duplicates FROM import_batches") == [(5, 1, 3, 1)]
