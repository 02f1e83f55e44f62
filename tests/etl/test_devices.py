"""Device → warden mappings: validation, overlaps, duplicates, closing a period, re-attribution of fixes."""

from __future__ import annotations

import datetime as dt

import pytest

from civ.errors import UnusableInput
from etl.devices import load_devices_file
from etl.fixes import load_fixes_file

UTC = dt.timezone.utc


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_mappings_are_stored_with_brussels_midnights_in_utc_and_wardens_created(db, write_file, query):
    path = write_file(
        "devices.csv",
        "device_id,warden,valid_from,valid_to\n"
        "T1,GW-A,01/01/2026,2026-04-01\n"  # Belgian and ISO dates
        "T2,gw-b,,\n",
    )  # always; code upper-cased
    result = load_devices_file(db, path)
    assert (result.rows_in, result.loaded, result.quarantined, result.duplicates) == (2, 2, 0, 0)
    assert query("SELECT device_id, warden_code, valid_from, valid_to FROM devices ORDER BY device_id") == [
        ("T1", "GW-A", utc(2025, 12, 31, 23), utc(2026, 3, 31, 22)),  # CET +1, CEST +2
        ("T2", "GW-B", None, None),
    ]
    assert query("SELECT warden_code, display_name FROM wardens ORDER BY 1") == [
        ("GW-A", "Gemeenschapswacht A"),
        ("GW-B", "Gemeenschapswacht B"),
    ]


def test_bad_rows_are_quarantined_with_dutch_reasons(db, write_file, query):
    path = write_file(
        "devices.csv",
        "device_id;warden;valid_from;valid_to\n"
        ";GW-A;;\n"  # 1
        "T1;;;\n"  # 2
        "T1;GW-A;31/02/2026;\n"  # 3
        "T1;GW-A;01/03/2026;morgen\n"  # 4
        "T1;GW-A;01/03/2026;01/02/2026\n"  # 5
        "T1;Jan Peeters;;\n"  # 6
        "T1;GW-A\n",
    )  # 7
    result = load_devices_file(db, path)
    assert (result.rows_in, result.loaded, result.quarantined) == (7, 0, 7)
    reasons = dict(query("SELECT row_number, reason FROM quarantine"))
    assert reasons[1] == "toestel-id ontbreekt"
    assert reasons[2] == "gemeenschapswacht ontbreekt"
    assert reasons[3] == "geldig vanaf 31/02/2026 bestaat niet"
    assert reasons[4].startswith("geldig tot 'morgen' is geen geldige datum")
    assert reasons[5] == "geldig tot 01/02/2026 ligt niet na geldig vanaf 01/03/2026"
    assert reasons[6].startswith("gemeenschapswacht 'Jan Peeters' is geen pseudoniemcode")
    assert reasons[7] == "regel heeft 2 velden, de kopregel 4 (scheidingsteken: puntkomma)"
    assert query("SELECT count(*) FROM wardens") == [(0,)]


def test_overlapping_periods_of_one_device_are_quarantined(db, write_file, query):
    load_devices_file(db, write_file("a.csv", "device_id,warden,valid_from,valid_to\nT1,GW-A,01/01/2026,01/03/2026\n"))
    result = load_devices_file(
        db,
        write_file(
            "b.csv",
            "device_id,warden,valid_from,valid_to\n"
            "T1,GW-B,15/02/2026,\n"  # 1 overlaps stored
            "T1,GW-B,01/03/2026,01/05/2026\n"  # 2 hand-over: fine
            "T1,GW-C,01/04/2026,\n"  # 3 overlaps row 2
            "T2,GW-C,01/04/2026,\n",
        ),
    )  # 4 other device
    assert (result.rows_in, result.loaded, result.quarantined) == (4, 2, 2)
    reasons = dict(query("SELECT row_number, reason FROM quarantine"))
    assert reasons[1] == (
        "periode overlapt met een andere koppeling van toestel T1 (GW-A vanaf 01/01/2026 tot 01/03/2026, al opgeslagen)"
    )
    assert reasons[3] == (
        "periode overlapt met een andere koppeling van toestel T1 (GW-B vanaf 01/03/2026 tot 01/05/2026, rij 2)"
    )


def test_an_identical_mapping_again_is_a_duplicate(db, write_file, query):
    load_devices_file(db, write_file("a.csv", "device_id,warden,valid_from,valid_to\nT1,GW-A,01/01/2026,\n"))
    result = load_devices_file(
        db,
        write_file(
            "b.csv",
            "device_id,warden,valid_from,valid_to\n"
            "T1,GW-A,2026-01-01,\n"  # stored, other spelling
            "T2,GW-A,,\n"
            "T2,GW-A,,\n",
        ),
    )  # twice in the file
    assert (result.rows_in, result.loaded, result.duplicates, result.quarantined) == (3, 1, 2, 0)
    assert query("SELECT count(*) FROM devices") == [(2,)]


def test_an_open_period_is_closed_by_the_same_mapping_with_an_end(db, write_file, query):
    load_devices_file(db, write_file("a.csv", "device_id,warden,valid_from,valid_to\nT1,GW-A,01/01/2026,\n"))
    result = load_devices_file(
        db,
        write_file(
            "b.csv", "device_id,warden,valid_from,valid_to\nT1,GW-A,01/01/2026,01/04/2026\nT1,GW-B,01/04/2026,\n"
        ),
    )
    assert (result.loaded, result.updated, result.quarantined) == (2, 1, 0)
    assert query("SELECT warden_code, valid_to FROM devices ORDER BY valid_from") == [
        ("GW-A", utc(2026, 3, 31, 22)),
        ("GW-B", None),
    ]


def test_file_without_warden_column_is_unusable_and_writes_nothing(bare_db, write_file):
    with pytest.raises(UnusableInput, match="kolom warden ontbreekt"):
        load_devices_file(bare_db, write_file("a.csv", "device_id,naam\nT1,Jan\n"))
    assert not bare_db.exists()


def test_fixes_of_an_unmapped_device_move_to_the_warden_when_a_mapping_arrives(db, write_file, query):
    fixes = write_file(
        "fixes.csv",
        "device_id,timestamp,lat,lon\n"
        "T1,2026-02-28T22:59:50Z,50.91,4.2\n"  # 28/02 23:59:50 in Asse
        "T1,2026-02-28T23:00:00Z,50.9101,4.2\n"  # 01/03 00:00:00 in Asse
        "T1,2026-03-01T10:00:00Z,50.9102,4.2\n",
    )
    assert load_fixes_file(db, fixes).loaded == 3
    assert query("SELECT DISTINCT holder, has_warden FROM fixes_attributed") == [("T1", False)]
    load_devices_file(db, write_file("devices.csv", "device_id,warden,valid_from\nT1,GW-A,01/03/2026\n"))
    assert query("SELECT ts, holder, has_warden FROM fixes_attributed ORDER BY ts") == [
        (utc(2026, 2, 28, 22, 59, 50), "T1", False),
        (utc(2026, 2, 28, 23), "GW-A", True),
        (utc(2026, 3, 1, 10), "GW-A", True),
    ]
    assert query("SELECT count(*) FROM fixes") == [(3,)]  # attribution, not copies
