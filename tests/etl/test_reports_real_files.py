"""The real public exports in tests/data load with every row accounted for (see tests/data/SOURCES.md)."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter

import pytest
from project_paths import DATA

from etl.reports import load_reports_file

CITY_OF_LONDON = (-0.115, 51.505, -0.07, 51.525)  # W, S, E, N: a tight frame around the City
NEW_YORK = "-74.3,40.45,-73.65,40.95"
POLICE_FILES = sorted((DATA / "police-uk").glob("*.csv"))


def read_rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def inside(row, box=CITY_OF_LONDON) -> bool:
    west, south, east, north = box
    return west <= float(row["Longitude"]) <= east and south <= float(row["Latitude"]) <= north


def expected_police_outcome(rows):
    """Independent of the loader: which rows should load, and which are outside or repeat an id."""
    outside, conflicts, loaded, seen = [], [], [], set()
    for row in rows:
        if row["Longitude"] and not inside(row):
            outside.append(row)
        elif row["Crime ID"] and row["Crime ID"] in seen:
            conflicts.append(row)  # no two rows with one id are identical in these files
        else:
            seen.add(row["Crime ID"] or None)
            loaded.append(row)
    return outside, conflicts, loaded


@pytest.mark.parametrize("path", POLICE_FILES, ids=lambda p: p.name[:7])
def test_police_uk_month_loads_with_every_row_accounted_for(db, query, path):
    rows = read_rows(path)
    outside, conflicts, loaded = expected_police_outcome(rows)

    result = load_reports_file(db, path, bbox=",".join(map(str, CITY_OF_LONDON)))

    assert (result.rows_in, result.loaded, result.quarantined, result.duplicates) == (
        len(rows),
        len(loaded),
        len(outside) + len(conflicts),
        0,
    )
    assert query("SELECT count(*) FROM quarantine WHERE reason LIKE '%buiten het grondgebied%'") == [(len(outside),)]
    # rows without a location are kept, unlocated
    assert query("SELECT count(*) FROM reports WHERE lat IS NULL") == [(sum(1 for r in loaded if not r["Longitude"]),)]
    # anti-social behaviour has no Crime ID; identical rows are separate incidents, all loaded
    assert query("SELECT count(*) FROM reports WHERE source_id LIKE 'gen-%'") == [
        (sum(1 for r in loaded if not r["Crime ID"]),)
    ]
    # a month only: dated the first of that month, precision month
    month = rows[0]["Month"]
    assert query(
        "SELECT DISTINCT strftime(timezone('Europe/London', reported_at), '%Y-%m-%d %H:%M'), "
        "reported_precision FROM reports"
    ) == [(f"{month}-01 00:00", "month")]


def test_police_uk_crime_id_repeated_with_another_place_is_quarantined_not_lost(db, query):
    path = DATA / "police-uk" / "2018-01-city-of-london-street.csv"
    rows = read_rows(path)
    repeated = [k for k, n in Counter(r["Crime ID"] for r in rows if r["Crime ID"]).items() if n > 1]
    assert len(repeated) == 1
    load_reports_file(db, path, bbox="-1,51,1,52")
    ((reason,),) = query("SELECT reason FROM quarantine")
    assert reason.startswith(f"melding-id {repeated[0]} staat al op rij")
    assert query("SELECT count(*) FROM reports WHERE source_id = ?", [repeated[0]]) == [(1,)]


def test_police_uk_crime_types_map_to_categories(db, query):
    path = DATA / "police-uk" / "2018-05-city-of-london-street.csv"
    rows = read_rows(path)
    load_reports_file(db, path, bbox="-1,51,1,52")
    shoplifting = sum(
        1
        for r in rows
        if r["Crime type"] in ("Shoplifting", "Other theft", "Bicycle theft", "Theft from the person", "Vehicle crime")
    )
    assert query("SELECT count(*) FROM reports WHERE category_code = 'diefstal'") == [(shoplifting,)]
    assert query(
        "SELECT count(*) FROM reports WHERE source_category = 'Anti-social behaviour' AND category_code = 'overlast'"
    ) == [(sum(1 for r in rows if r["Crime type"] == "Anti-social behaviour"),)]


def parse_nyc(text):
    return dt.datetime.strptime(text, "%m/%d/%Y %I:%M:%S %p") if text else None


@pytest.mark.parametrize("name", ["nyc-311-2022-05-01-excerpt.csv", "nyc-311-2018-01-dohmh-excerpt.csv"])
def test_open311_exports_of_both_schema_generations_load_with_every_row_accounted_for(db, query, name):
    path = DATA / "open311" / name
    rows = read_rows(path)
    closed_before_created = sum(
        1 for r in rows if r["Closed Date"] and parse_nyc(r["Closed Date"]) < parse_nyc(r["Created Date"])
    )
    result = load_reports_file(db, path, bbox=NEW_YORK)
    assert result.rows_in == len(rows) == result.loaded + result.quarantined + result.duplicates
    # a closing date before the creation keeps the report: the closing date is dropped, with a remark
    assert query(
        "SELECT count(*) FROM row_remarks WHERE remark LIKE 'afsluitdatum % ligt vóór de meldingsdatum %'"
    ) == [(closed_before_created,)]
    noise = sum(
        1 for r in rows if (r["Complaint Type"].startswith("Noise") or r["Complaint Type"] == "Illegal Fireworks")
    )
    assert query("SELECT count(*) FROM reports WHERE category_code = 'geluidshinder'") == [(noise,)]


def test_open311_dates_are_new_york_local_time(db, query):
    path = DATA / "open311" / "nyc-311-2022-05-01-excerpt.csv"
    first = read_rows(path)[0]
    load_reports_file(db, path, bbox=NEW_YORK)
    ((reported_at,),) = query("SELECT reported_at FROM reports WHERE source_id = ?", [first["Unique Key"]])
    # 12:00:03 AM in New York in May (EDT, UTC-4) is 04:00:03 UTC
    assert first["Created Date"] == "05/01/2022 12:00:03 AM"
    assert reported_at == dt.datetime(2022, 5, 1, 4, 0, 3, tzinfo=dt.timezone.utc)


def test_open311_channel_comes_from_the_export_when_it_has_one(db, query):
    new = DATA / "open311" / "nyc-311-2022-05-01-excerpt.csv"
    old = DATA / "open311" / "nyc-311-2018-01-dohmh-excerpt.csv"
    phone = sum(1 for r in read_rows(new) if r["Open Data Channel Type"] == "PHONE")
    load_reports_file(db, new, bbox=NEW_YORK)
    load_reports_file(db, old, bbox=NEW_YORK)
    assert query("SELECT count(*) FROM reports WHERE channel_code = 'telefoon'") == [(phone,)]
    # the older schema has no channel column at all
    assert query(
        "SELECT DISTINCT channel_code FROM reports r JOIN import_batches b USING (batch_id) WHERE b.file_name = ?",
        [old.name],
    ) == [("onbekend",)]


def test_nyc_311_2018_loads_every_row_sixteen_with_a_remark(db, query):
    path = DATA / "open311" / "nyc-311-2018-01-dohmh-excerpt.csv"
    rows = read_rows(path)
    flagged = [
        r["Unique Key"] for r in rows if r["Closed Date"] and parse_nyc(r["Closed Date"]) < parse_nyc(r["Created Date"])
    ]
    result = load_reports_file(db, path, bbox=NEW_YORK)
    assert (result.rows_in, result.loaded, result.remarks, result.quarantined) == (
        len(rows),
        len(rows),
        len(flagged),
        0,
    )
    assert (len(rows), len(flagged)) == (155, 16)
    kept = query(
        f"SELECT source_id, closed_at, status FROM reports WHERE source_id IN ({', '.join('?' * len(flagged))})",
        flagged,
    )
    assert len(kept) == 16 and all(closed is None for _, closed, _ in kept)
    assert sorted(r[0] for r in query("SELECT record_key FROM row_remarks")) == sorted(flagged)
