"""Visits, duty days and presence cells from one scan of the fixes (analytics/coverage/scan.py, issue 19)
against their definitions, computed here independently: the duty days and presence cells with the SQL
that made them before the scan (1-minute means in DuckDB, a window over the minutes), the visits with
the pinned rules (`visits_from_fixes`) on the fixes inside each hot spot's widened box, selected in pandas.

The scene has what the scan must get right: fixes stored out of time order (a late file of an earlier
day), a warden mapping that changes twice in one day and comes back to the first warden, hot spots
whose widened boxes share buckets, and a minute whose mean latitude lies on the grid's origin line
(50,92) within a last bit, where the order of the additions decides the presence cell.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest
from coverage_scenes import (
    OFFICE,
    PARK,
    PLEIN,
    Fixes,
    Spot,
    Walk,
    offset,
    working_day,
    write_devices,
    write_fixes,
    write_hotspots,
)

from analytics.coverage import footprint, rebuild, scan
from analytics.coverage.detection import DEFAULT_RULES, visits_from_fixes
from analytics.grid import METRES_PER_DEGREE_LAT, METRES_PER_DEGREE_LON, ORIGIN_LAT, ORIGIN_LON
from civ import store
from etl.demo import ensure_demo_territory
from etl.devices import load_devices_file
from etl.fixes import load_fixes_file
from etl.hotspots import load_hotspots_file

UTC = timezone.utc
DAY = datetime(2026, 10, 6, 7, 0, tzinfo=UTC)
# a neighbour of the plein 120 m east: its widened box shares buckets with the plein's
PLEIN_EAST = Spot("Plein Oost", *offset(PLEIN.lat, PLEIN.lon, 0, 120), radius_m=50)
# three fixes in one minute whose mean is 50,919999999999995 added in order, 50,92000000000001 otherwise
EDGE_LATS = (50.919609, 50.920011, 50.92038)


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scan")
    db = folder / "civ.duckdb"
    ensure_demo_territory(db)
    rng = np.random.default_rng(19)
    write_hotspots(folder / "hotspots.geojson", [PLEIN, PARK, PLEIN_EAST])
    assert load_hotspots_file(db, folder / "hotspots.geojson").loaded == 3
    # TRK-2 is GW-B's, then GW-C's for an hour, then GW-B's again (local times)
    write_devices(
        folder / "devices.csv",
        [
            "TRK-1,GW-A,,",
            "TRK-2,GW-B,,06/10/2026 11:00",
            "TRK-2,GW-C,06/10/2026 11:00,06/10/2026 12:00",
            "TRK-2,GW-B,06/10/2026 12:00,",
        ],
    )
    assert load_devices_file(db, folder / "devices.csv").loaded == 4
    morning = Fixes.sample(working_day(DAY), "TRK-1", rng)
    tour = Walk.start(DAY + timedelta(hours=1), *OFFICE).to(PLEIN.lat, PLEIN.lon, 4.5).stay(20)
    tour.to(*offset(PLEIN_EAST.lat, PLEIN_EAST.lon, 10, 0), 4.5).stay(15)
    tour.to(PARK.lat, PARK.lon, 4.5).stay(40).to(*OFFICE, 4.5).stay(30).to(PLEIN.lat, PLEIN.lon, 4.5).stay(25)
    afternoon = Fixes.sample(tour, "TRK-2", rng, every_s=(10, 20))
    edge = datetime(2026, 10, 6, 15, 30, tzinfo=UTC).timestamp()
    for k, lat in enumerate(EDGE_LATS):
        afternoon.add(edge + 5 + 15 * k, lat, 4.2105, 5.0)
    write_fixes(folder / "day.csv", morning.lines(rng) + afternoon.lines(rng))
    load_fixes_file(db, folder / "day.csv")
    # a later file with the day before: stored after the 6th, so the store is not in time order
    earlier = Fixes.sample(working_day(DAY - timedelta(days=1)), "TRK-1", rng)
    write_fixes(folder / "earlier.csv", earlier.lines(rng))
    load_fixes_file(db, folder / "earlier.csv")
    con = store.connect(db)
    try:
        rebuild(con)
    finally:
        con.close()
    return db


def _stored(db) -> dict[str, pd.DataFrame]:
    with store.reading(db) as con:
        return {
            "visits": con.execute("""SELECT hotspot_id, device_id, holder, epoch_ms(started_at) AS start_ms,
                                            epoch_ms(ended_at) AS end_ms, minutes, fixes FROM visits""").df(),
            "duty_days": con.execute("SELECT * FROM duty_days").df(),
            "presence_cells": con.execute("SELECT * FROM presence_cells").df(),
        }


def _sql_days_and_cells(db) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The duty days and presence cells as the SQL before the scan made them, from every clean fix."""
    with store.reading(db) as con:
        con.execute(
            """CREATE TEMP TABLE m AS
            WITH m AS (SELECT device_id, epoch_ms(ts) // 60000 AS minute, min(ts) AS first_ts, max(ts) AS last_ts,
                              count(*) AS fixes, avg(lat) AS lat, avg(lon) AS lon
                       FROM fixes WHERE NOT is_outlier AND (accuracy_m IS NULL OR accuracy_m <= $accuracy)
                       GROUP BY ALL)
            SELECT m.*, coalesce(d.warden_code, m.device_id) AS holder,
                   CAST(timezone('Europe/Brussels', m.first_ts) AS DATE) AS day
            FROM m LEFT JOIN devices d ON d.device_id = m.device_id
             AND (d.valid_from IS NULL OR m.first_ts >= d.valid_from) AND (d.valid_to IS NULL OR m.first_ts < d.valid_to)""",
            {"accuracy": DEFAULT_RULES.accuracy_max_m},
        )
        duty = con.execute(
            """WITH p AS (SELECT *, lag(lat) OVER w AS prev_lat, lag(lon) OVER w AS prev_lon FROM m
                          WINDOW w AS (PARTITION BY device_id, holder, day ORDER BY minute)),
               s AS (SELECT *, 2 * 6371008.8 * asin(sqrt(least(1, pow(sin(radians(lat - prev_lat) / 2), 2)
                               + cos(radians(prev_lat)) * cos(radians(lat)) * pow(sin(radians(lon - prev_lon) / 2), 2))))
                               AS step FROM p)
            SELECT device_id, holder, day, min(first_ts) AS first_fix, max(last_ts) AS last_fix,
                   CAST(sum(fixes) AS INTEGER) AS fixes, CAST(count(*) AS INTEGER) AS minutes,
                   coalesce(sum(step) FILTER (WHERE prev_lat IS NOT NULL AND step >= $min_step), 0) / 1000 AS distance_km
            FROM s GROUP BY device_id, holder, day""",
            {"min_step": DEFAULT_RULES.min_step_m},
        ).df()
        cell = float(DEFAULT_RULES.cell_m)
        cells = con.execute(f"""
            SELECT device_id, holder, day,
                   CAST(floor((lon - {ORIGIN_LON}) * {METRES_PER_DEGREE_LON} / {cell}) AS INTEGER) AS cell_x,
                   CAST(floor((lat - {ORIGIN_LAT}) * {METRES_PER_DEGREE_LAT} / {cell}) AS INTEGER) AS cell_y,
                   CAST(count(*) AS INTEGER) AS minutes
            FROM m GROUP BY ALL""").df()
    return duty, cells


def _rule_visits(db) -> pd.DataFrame:
    """The visits by the pinned rules on every clean fix inside a hot spot's widened box (pandas)."""
    with store.reading(db) as con:
        spots = footprint.hotspots(con)
        fixes = con.execute(
            """SELECT device_id, epoch_ms(ts) AS t, lat, lon FROM fixes
               WHERE NOT is_outlier AND (accuracy_m IS NULL OR accuracy_m <= ?)""",
            [DEFAULT_RULES.accuracy_max_m],
        ).df()
        boxes = footprint.box_frame(spots, DEFAULT_RULES.neighbour_margin_m)
        candidates = pd.concat(
            [
                fixes[fixes.lat.between(b.lo_lat, b.hi_lat) & fixes.lon.between(b.lo_lon, b.hi_lon)].assign(
                    hotspot_id=b.hotspot_id
                )
                for b in boxes.itertuples()
            ]
        )
        found = visits_from_fixes(candidates, spots, DEFAULT_RULES)
        con.register("found", found)
        return con.execute("""
            SELECT f.hotspot_id, f.device_id, coalesce(d.warden_code, f.device_id) AS holder, f.start_ms, f.end_ms,
                   f.minutes, CAST(f.fixes AS INTEGER) AS fixes
            FROM found f LEFT JOIN devices d ON d.device_id = f.device_id
             AND (d.valid_from IS NULL OR make_timestamptz(f.start_ms * 1000) >= d.valid_from)
             AND (d.valid_to IS NULL OR make_timestamptz(f.start_ms * 1000) < d.valid_to)""").df()


def _same_rows(got: pd.DataFrame, want: pd.DataFrame, close: str | None = None) -> None:
    keys = [c for c in want.columns if c != close]
    merged = got.merge(want, on=keys, how="outer", indicator=True, suffixes=("", "_want"))
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"]
    assert len(got) == len(want)
    if close:
        assert np.allclose(merged[close], merged[f"{close}_want"], rtol=0, atol=1e-9)


def test_the_scene_has_what_the_scan_must_handle(scene):
    with store.reading(scene) as con:
        ts = [r[0] for r in con.execute("SELECT epoch_us(ts) FROM fixes WHERE device_id = 'TRK-1'").fetchall()]
        holders = con.execute("SELECT DISTINCT holder FROM duty_days WHERE device_id = 'TRK-2'").fetchall()
    assert ts != sorted(ts)  # stored out of time order
    assert {h[0] for h in holders} == {"GW-B", "GW-C"}


def test_duty_days_and_presence_cells_are_those_of_the_sql_definition(scene):
    duty, cells = _sql_days_and_cells(scene)
    stored = _stored(scene)
    assert len(duty) == 4  # TRK-1 on two days; TRK-2 under GW-B (before and after GW-C) and GW-C
    _same_rows(stored["duty_days"], duty, close="distance_km")
    _same_rows(stored["presence_cells"], cells)


def test_a_mean_on_the_grid_origin_is_in_the_cell_duckdb_avg_puts_it(scene):
    # added one by one (as DuckDB does) the mean is just south of 50,92: cell row -1, not 0
    total = 0.0
    for lat in EDGE_LATS:
        total += lat
    assert total / 3 < ORIGIN_LAT < np.add.reduceat(np.array(EDGE_LATS), [0])[0] / 3
    with store.reading(scene) as con:
        rows = con.execute(
            """SELECT cell_y FROM presence_cells WHERE device_id = 'TRK-2' AND holder = 'GW-B'
               AND cell_x = CAST(floor((4.2105 - ?) * ? / ?) AS INTEGER) AND cell_y IN (-1, 0)""",
            [ORIGIN_LON, METRES_PER_DEGREE_LON, float(DEFAULT_RULES.cell_m)],
        ).fetchall()
    assert [r[0] for r in rows] == [-1]


def test_visits_are_those_of_the_rules_on_the_box_candidates(scene):
    want = _rule_visits(scene)
    assert want["hotspot_id"].nunique() == 3 and want["device_id"].nunique() == 2
    _same_rows(_stored(scene)["visits"], want)


def test_device_groups_and_the_box_test_without_buckets_give_the_same_tables(scene, tmp_path, monkeypatch):
    copy = tmp_path / "civ.duckdb"
    copy.write_bytes(scene.read_bytes())
    # one tracker per pass (the store has fewer fixes than a pass would otherwise hold), and every box
    # tested on every fix
    monkeypatch.setattr(scan, "FIXES_PER_PASS", 1)
    monkeypatch.setattr(scan._BucketedBoxes, "MOST_BUCKETS", 0)
    con = store.connect(copy)
    try:
        rebuild(con)
    finally:
        con.close()
    before, after = _stored(scene), _stored(copy)
    for table in before:
        _same_rows(after[table], before[table], close="distance_km" if table == "duty_days" else None)
