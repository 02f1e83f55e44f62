"""Warden coverage: visits from noisy fixes against the true stays, the clock change, the incremental
refresh against a full rebuild, dosage, the warden-hours estimate, live and the overview list.

Tracks are written as files and loaded through the ETL (etl.fixes, etl.hotspots, etl.devices); the
truth comes from the noise-free path in tests/coverage_scenes.py, never from analytics/coverage.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime, timedelta, timezone

import duckdb
import numpy as np
import pandas as pd
import pytest
from coverage_scenes import (
    NOOIT,
    OFFICE,
    PARK,
    PLEIN,
    Fixes,
    Walk,
    offset,
    working_day,
    write_devices,
    write_fixes,
    write_hotspots,
)

from analytics.coverage import (
    days,
    dosage,
    live,
    overview,
    pending,
    rebuild,
    refresh_visits,
)
from analytics.periods import Period
from civ.store import reading
from etl.demo import ensure_demo_territory
from etl.devices import load_devices_file
from etl.fixes import load_fixes_file
from etl.hotspots import load_hotspots_file

UTC = timezone.utc
DAY = datetime(2026, 10, 6, 7, 0, tzinfo=UTC)  # a Tuesday; 09:00 in Brussels
OCTOBER = Period.parse("2026-10")


def minutes_of(visits: list[tuple[float, float]]) -> list[float]:
    return [(b - a) / 60 for a, b in visits]


def assert_close(measured: list[float], truth: list[float]) -> None:
    """Same number of visits; each within 2 minutes, the total within 10 %."""
    assert len(measured) == len(truth), (measured, truth)
    for got, want in zip(measured, truth):
        assert abs(got - want) <= 2.0, (measured, truth)
    assert abs(sum(measured) - sum(truth)) <= 0.10 * sum(truth), (measured, truth)


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """GW-A's morning on TRK-1 with every flaw of a real export, plus a spare tracker TRK-9 with no warden."""
    folder = tmp_path_factory.mktemp("coverage")
    db = folder / "civ.duckdb"
    ensure_demo_territory(db)  # the scene lies in Asse
    rng = np.random.default_rng(5)
    walk = working_day(DAY)
    stop_start = walk.true_visits(PLEIN)[1][0]
    lost = (stop_start + 8 * 60, stop_start + 10 * 60)  # no position for two minutes at the plein …
    fixes = Fixes.sample(walk, "TRK-1", rng, skip=lost)
    for k in range(8):  # … only multipath fixes 7 km away, accuracy 80 m
        fixes.add(lost[0] + 5 + 15 * k, *offset(NOOIT.lat, NOOIT.lon, rng.normal(0, 5), rng.normal(0, 5)), 80.0)
    jump_at = stop_start + 15 * 60 + 7  # one wild jump into the never-visited hot spot
    fixes.add(jump_at, NOOIT.lat, NOOIT.lon, 5.0)
    spare_walk = Walk.start(DAY + timedelta(hours=3), *offset(PARK.lat, PARK.lon, 0, -300)).to(PARK.lat, PARK.lon, 4.5)
    spare_walk.stay(6).to(*OFFICE, 4.5)
    spare = Fixes.sample(spare_walk, "TRK-9", rng)
    write_hotspots(folder / "hotspots.geojson", [PLEIN, PARK, NOOIT])
    write_devices(folder / "devices.csv", ["TRK-1,GW-A,,"])
    lines = fixes.lines(rng) + spare.lines(rng, duplicates=3)
    rng.shuffle(lines)
    write_fixes(folder / "fixes.csv", lines)
    assert load_hotspots_file(db, folder / "hotspots.geojson").loaded == 3
    assert load_devices_file(db, folder / "devices.csv").loaded == 1
    loaded = load_fixes_file(db, folder / "fixes.csv")
    assert loaded.duplicates == 13 and loaded.quarantined == 0
    refresh_visits(db)
    return {"db": db, "walk": walk, "spare_walk": spare_walk, "folder": folder}


def stored_visits(db, hotspot: str, holder: str | None = None) -> pd.DataFrame:
    with reading(db) as con:
        frame = con.execute(
            """SELECT v.* FROM visits v JOIN hotspots h USING (hotspot_id)
                               WHERE h.name = ? AND (? IS NULL OR holder = ?) ORDER BY started_at""",
            [hotspot, holder, holder],
        ).df()
    return frame


def test_point_hotspot_visits_and_minutes_match_the_true_stays(scene):
    visits = stored_visits(scene["db"], PLEIN.name, "GW-A")
    truth = scene["walk"].true_visits(PLEIN)
    assert_close(visits["minutes"].tolist(), minutes_of(truth))
    # the two-minute loss of position during the long stop does not split it
    assert len(visits) == 2
    for (start, _), got in zip(truth, visits["started_at"]):
        assert abs(pd.Timestamp(got).timestamp() - start) <= 60


def test_polygon_hotspot_with_a_short_step_outside_is_one_visit(scene):
    visits = stored_visits(scene["db"], PARK.name, "GW-A")
    assert_close(visits["minutes"].tolist(), minutes_of(scene["walk"].true_visits(PARK)))


def test_bike_ride_through_the_plein_is_a_pass_through_not_a_visit(scene):
    # the truth without a minimum length has three stays at the plein: the chord is the short one
    every = scene["walk"].true_visits(PLEIN, min_s=0)
    assert len(every) == 3 and min(minutes_of(every)) < 0.5
    assert len(stored_visits(scene["db"], PLEIN.name, "GW-A")) == 2


def test_wild_jump_and_poor_accuracy_fixes_make_no_visit(scene):
    with reading(scene["db"]) as con:
        assert con.execute("SELECT count(*) FROM fixes WHERE is_outlier").fetchall()[0][0] == 1
        assert con.execute("SELECT count(*) FROM fixes WHERE accuracy_m > 30").fetchall()[0][0] == 8
    assert stored_visits(scene["db"], NOOIT.name).empty


def test_never_visited_hotspot_appears_with_zero_and_unmapped_tracker_under_its_device(scene):
    with reading(scene["db"]) as con:
        table = dosage.tracker_dosage(con, OCTOBER)
    never = table[table["hotspot"] == NOOIT.name]
    assert len(never) == 1 and int(never["visits"].iloc[0]) == 0 and float(never["minutes"].iloc[0]) == 0
    assert pd.isna(never["warden"].iloc[0]) and pd.isna(never["last_visit"].iloc[0])
    spare = table[(table["hotspot"] == PARK.name) & (table["device_id"] == "TRK-9")]
    assert spare["warden"].tolist() == ["TRK-9"]
    assert_close(spare["minutes"].tolist(), minutes_of(scene["spare_walk"].true_visits(PARK)))


def test_duty_time_and_distance_of_the_day(scene):
    walk = scene["walk"]
    with reading(scene["db"]) as con:
        day = days.duty_days(con, Period.between(date(2026, 10, 6), date(2026, 10, 6)), warden="GW-A")
    assert len(day) == 1
    row = day.iloc[0]
    assert row["day"] == date(2026, 10, 6)
    assert abs(row["duty_minutes"] - (walk.t[-1] - walk.t[0]) / 60) <= 1
    assert abs(row["distance_km"] - walk.metres / 1000) <= 0.10 * walk.metres / 1000
    assert row["hotspots_visited"] == 2 and row["visits"] == 3


def test_dosage_per_hotspot_counts_the_10_minute_visits_and_days_since(scene):
    truth = minutes_of(scene["walk"].true_visits(PLEIN)) + minutes_of(scene["spare_walk"].true_visits(PLEIN))
    with reading(scene["db"]) as con:
        table = dosage.hotspot_dosage(con, OCTOBER, now=datetime(2026, 10, 9, 12, tzinfo=UTC)).set_index("name")
    assert table.loc[PLEIN.name, "visits"] == len(truth)
    assert table.loc[PLEIN.name, "visits_10min"] == sum(m >= 10 for m in truth)
    assert table.loc[PLEIN.name, "days_since_last_visit"] == 3
    assert table.loc[NOOIT.name, "visits"] == 0 and pd.isna(table.loc[NOOIT.name, "days_since_last_visit"])


def test_visit_across_the_autumn_clock_change_has_its_real_length(tmp_path):
    """25/10/2026: 03:00 summer time becomes 02:00 winter time. A stop from 02:40 CEST to 02:30 CET lasts
    50 minutes, not −10; the fixes carry local times with their offsets, as some platforms export."""
    db = tmp_path / "civ.duckdb"
    ensure_demo_territory(db)  # the scene lies in Asse
    rng = np.random.default_rng(11)
    arrive = datetime(2026, 10, 25, 0, 40, tzinfo=UTC)  # 02:40 CEST
    walk = Walk.start(arrive - timedelta(minutes=10), *offset(PLEIN.lat, PLEIN.lon, 0, -600))
    walk.to(PLEIN.lat, PLEIN.lon, 4.5)
    walk.stay(
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC) - datetime.fromtimestamp(walk.t[-1], UTC)).total_seconds() / 60
    )
    walk.to(*offset(PLEIN.lat, PLEIN.lon, 0, 600), 4.5)
    truth = walk.true_visits(PLEIN)
    assert len(truth) == 1 and 50 <= minutes_of(truth)[0] <= 56  # 52 min standing, walking in and out

    def brussels_offset(stamp: datetime) -> int:
        return 2 if stamp < datetime(2026, 10, 25, 1, 0, tzinfo=UTC) else 1

    lines = Fixes.sample(walk, "TRK-1", rng).lines(rng, offset_hours=brussels_offset)
    assert any("T02:4" in line and "+02:00" in line for line in lines)
    assert any("T02:2" in line and "+01:00" in line for line in lines)
    write_hotspots(tmp_path / "h.geojson", [PLEIN])
    load_hotspots_file(db, tmp_path / "h.geojson")
    load_fixes_file(db, write_fixes(tmp_path / "f.csv", lines))
    refresh_visits(db)
    visits = stored_visits(db, PLEIN.name)
    assert_close(visits["minutes"].tolist(), minutes_of(truth))
    with reading(db) as con:
        day = days.duty_days(con, Period.between(date(2026, 10, 25), date(2026, 10, 25)))
    assert day["day"].tolist() == [date(2026, 10, 25)]
    assert abs(day["duty_minutes"].iloc[0] - (walk.t[-1] - walk.t[0]) / 60) <= 1


def test_sampling_every_60_seconds_stays_within_tolerance(tmp_path):
    db = tmp_path / "civ.duckdb"
    ensure_demo_territory(db)  # the scene lies in Asse
    rng = np.random.default_rng(3)
    walk = working_day(DAY)
    write_hotspots(tmp_path / "h.geojson", [PLEIN, PARK, NOOIT])
    load_hotspots_file(db, tmp_path / "h.geojson")
    load_fixes_file(db, write_fixes(tmp_path / "f.csv", Fixes.sample(walk, "TRK-1", rng, every_s=(50, 60)).lines(rng)))
    refresh_visits(db)
    for spot in (PLEIN, PARK):
        assert_close(stored_visits(db, spot.name)["minutes"].tolist(), minutes_of(walk.true_visits(spot)))


def _tables(db) -> dict[str, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            "visits": con.execute("SELECT * FROM visits ORDER BY device_id, hotspot_id, started_at").fetchall(),
            "duty_days": con.execute(
                "SELECT device_id, holder, day, first_fix, last_fix, fixes, minutes, "
                "round(distance_km, 9) FROM duty_days ORDER BY ALL"
            ).fetchall(),
            "presence_cells": con.execute("SELECT * FROM presence_cells ORDER BY ALL").fetchall(),
        }
    finally:
        con.close()


def _full_rebuild(db, tmp_path) -> dict[str, list]:
    copy = tmp_path / "rebuilt.duckdb"
    shutil.copy(db, copy)
    con = duckdb.connect(str(copy))
    try:
        rebuild(con)
    finally:
        con.close()
    return _tables(copy)


def test_incremental_refresh_gives_the_same_tables_as_a_full_rebuild(tmp_path):
    """Three days loaded out of order, the middle one split in two batches in the middle of a visit;
    then a changed warden mapping and a redrawn hot spot. After each step: equal to a full rebuild."""
    db = tmp_path / "civ.duckdb"
    ensure_demo_territory(db)  # the scene lies in Asse
    rng = np.random.default_rng(17)
    write_hotspots(tmp_path / "h.geojson", [PLEIN, PARK, NOOIT])
    load_hotspots_file(db, tmp_path / "h.geojson")
    load_devices_file(db, write_devices(tmp_path / "d.csv", ["TRK-1,GW-A,,"]))
    batches = []
    for day in (8, 6, 7):
        fixes = Fixes.sample(working_day(DAY.replace(day=day)), "TRK-1", rng)
        lines = fixes.lines(rng, duplicates=0, shuffle=False)
        if day == 7:  # split 20 minutes into the long stop at the plein
            cut = int(np.searchsorted(fixes.t, working_day(DAY.replace(day=7)).true_visits(PLEIN)[1][0] + 20 * 60))
            batches += [lines[cut:], lines[:cut]]
        else:
            batches.append(lines)
    refresh_visits(db)
    for number, lines in enumerate(batches):
        load_fixes_file(db, write_fixes(tmp_path / f"part{number}.csv", lines))
        result = refresh_visits(db)
        assert not result.full and result.batches
        assert _tables(db) == _full_rebuild(db, tmp_path), f"after batch {number}"
    assert len([v for v in _tables(db)["visits"] if v[0] == "plein-test"]) == 6
    # the tracker went to GW-B from 7 October on: only that device is redone
    load_devices_file(
        db, write_devices(tmp_path / "d2.csv", ["TRK-1,GW-A,,07/10/2026 00:00", "TRK-1,GW-B,07/10/2026 00:00,"])
    )
    result = refresh_visits(db)
    assert result.devices == ["TRK-1"] and not result.full
    assert _tables(db) == _full_rebuild(db, tmp_path)
    assert {v[2] for v in _tables(db)["visits"]} == {"GW-A", "GW-B"}
    # the plein is redrawn with a larger radius: only its visits are redone
    bigger = type(PLEIN)(PLEIN.name, PLEIN.lat, PLEIN.lon, radius_m=150)
    load_hotspots_file(db, write_hotspots(tmp_path / "h2.geojson", [bigger, PARK, NOOIT]))
    with reading(db) as con:
        assert pending(con)["hotspots"] == ["plein-test"]
    result = refresh_visits(db)
    assert result.hotspots == ["plein-test"]
    assert _tables(db) == _full_rebuild(db, tmp_path)


def test_a_page_sees_pending_batches_without_writing(scene, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copy(scene["db"], db)
    rng = np.random.default_rng(23)
    load_fixes_file(
        db,
        write_fixes(tmp_path / "more.csv", Fixes.sample(working_day(DAY + timedelta(days=1)), "TRK-1", rng).lines(rng)),
    )
    with reading(db) as con:
        status = pending(con)
    assert status["batches"] and not status["full"]
    refresh_visits(db)
    with reading(db) as con:
        assert not any(pending(con)[k] for k in ("batches", "devices", "hotspots", "full"))


def test_staffing_estimate_is_the_stated_arithmetic(scene):
    estimate = dosage.StaffingEstimate(target_visits_per_week=7, minutes_per_visit=10, travel_overhead=1.0)
    with reading(scene["db"]) as con:
        estimate.fit(con, Period.between(date(2026, 10, 6), date(2026, 10, 6)))
    walk = scene["walk"]
    per_month = 365.25 / 12
    assert estimate.hotspots_ == 3
    assert estimate.needed_hours_ == pytest.approx(3 * 7 * per_month / 7 * 10 / 60 * 2)
    duty_hours = (walk.t[-1] - walk.t[0]) / 3600 * per_month  # one warden; TRK-9 is no warden
    assert estimate.wardens_ == 1
    assert estimate.duty_hours_ == pytest.approx(duty_hours, rel=0.01)
    hotspot_hours = sum(minutes_of(walk.true_visits(PLEIN)) + minutes_of(walk.true_visits(PARK))) / 60 * per_month
    assert estimate.hotspot_hours_ == pytest.approx(hotspot_hours, rel=0.10)
    expected = (estimate.duty_hours_ - estimate.hotspot_hours_ * 2 + estimate.needed_hours_) / estimate.duty_hours_
    assert estimate.wardens_needed_ == pytest.approx(expected)
    assert estimate.get_params()["minutes_per_visit"] == 10


def test_presence_grid_holds_every_minute_with_a_fix(scene):
    with reading(scene["db"]) as con:
        grid = dosage.presence_grid(con, OCTOBER, warden="GW-A")
        minutes = con.execute("SELECT sum(minutes) FROM duty_days WHERE holder = 'GW-A'").fetchall()[0][0]
    assert grid["minutes"].sum() == minutes > 100


def test_nearest_trackers_put_current_positions_first_and_mark_stale_ones(scene):
    at = DAY + timedelta(hours=3, minutes=8)  # TRK-9 is in the park; GW-A's last fix is an hour old
    with reading(scene["db"]) as con:
        near = live.nearest_trackers(con, PARK.lat, PARK.lon, at=at)
        closer_but_stale = live.nearest_trackers(con, *OFFICE, at=at)
        later = live.last_positions(con, at=at + timedelta(hours=2))
    assert near["holder"].tolist() == ["TRK-9", "GW-A"] and near["distance_m"].iloc[0] < 30
    assert near["is_stale"].tolist() == [False, True] and 60 < near["age_minutes"].iloc[1] < 70
    # at the office GW-A's old position is nearer, but the current one comes first
    assert closer_but_stale["holder"].tolist() == ["TRK-9", "GW-A"]
    assert closer_but_stale["distance_m"].iloc[1] < closer_but_stale["distance_m"].iloc[0]
    assert later["is_stale"].all() and (later["age_minutes"] > 60).all()


def test_overview_list_gives_every_passage_and_the_reports_near_a_point(scene, tmp_path):
    with reading(scene["db"]) as con:
        passages = overview.visits_near(
            con, PLEIN.lat, PLEIN.lon, 80, Period.between(date(2026, 10, 1), date(2026, 10, 7))
        )
    every = scene["walk"].true_visits(PLEIN, min_s=0)
    assert len(passages) == len(every) == 3  # the bike ride is listed here
    assert_close(sorted(passages["minutes"])[1:], sorted(minutes_of(every))[1:])
    assert set(passages["holder"]) == {"GW-A"}
    with pytest.raises(ValueError, match="straal"):
        with reading(scene["db"]) as con:
            overview.visits_near(con, PLEIN.lat, PLEIN.lon, 5000, OCTOBER)


def test_day_timeline_has_the_visits_and_the_office_as_standing_still(scene):
    with reading(scene["db"]) as con:
        bars = days.day_timeline(con, date(2026, 10, 6))
    mine = bars[bars["holder"] == "GW-A"]
    assert mine[mine["kind"] == "visit"]["hotspot"].tolist() == [PLEIN.name, PARK.name, PLEIN.name]
    still = mine[mine["kind"] == "still"]
    assert len(still) >= 1 and still["minutes"].max() >= 9  # the ten minutes back at the office
    gaps = mine[mine["kind"] == "gap"]
    assert gaps.empty  # two minutes without position is no gap


@pytest.mark.slow
def test_demo_minutes_per_hotspot_match_the_ground_truth(tmp_path):
    """The demo's planned stops: presence inside the radius starts up to ~2 minutes before the planned
    arrival and ends up to ~2 minutes after departure. Visits that overlap a planned stop must add up
    to the planned minutes plus that walking in and out; every planned 10-minute stop is a 10-minute visit."""
    from etl.demo import load_demo

    db = tmp_path / "civ.duckdb"
    load_demo(db, end_month="2026-10")
    truth = json.loads((tmp_path / "demo-files" / "ground_truth.json").read_text(encoding="utf-8"))
    refresh_visits(db)
    stops = pd.DataFrame(truth["planned_stops"])
    stops["arrival"] = pd.to_datetime(stops["arrival"], utc=True)
    stops["departure"] = pd.to_datetime(stops["departure"], utc=True)
    with reading(db) as con:
        visits = con.execute("SELECT h.name AS hotspot, v.* FROM visits v JOIN hotspots h USING (hotspot_id)").df()
        table = dosage.tracker_dosage(con, Period.between(date(2024, 11, 1), date(2026, 10, 31)))
    visits["started_at"] = pd.to_datetime(visits["started_at"], utc=True)
    visits["ended_at"] = pd.to_datetime(visits["ended_at"], utc=True)
    pairs = visits.merge(stops, on=["hotspot", "device_id"])
    pairs = pairs[(pairs["started_at"] <= pairs["departure"]) & (pairs["ended_at"] >= pairs["arrival"])]
    assert pairs.groupby(["hotspot", "device_id", "arrival"]).ngroups == len(stops)  # every stop found
    for name, expected in truth["coverage"].items():
        mine = pairs[pairs["hotspot"] == name].drop_duplicates(["started_at", "device_id"])
        planned, count = expected["planned_minutes"], expected["planned_stops"]
        measured = mine["minutes"].sum()
        assert 0.9 * planned <= measured <= 1.1 * (planned + 4 * count), (name, measured, planned)
        ten = int((visits[visits["hotspot"] == name]["minutes"] >= 10).sum())
        assert ten >= expected["planned_stops_10min"], (name, ten)
        if expected["last_planned_stop"]:
            last = mine["started_at"].max()
            assert abs((last - pd.Timestamp(expected["last_planned_stop"])).total_seconds()) <= 5 * 60
        else:
            rows = table[table["hotspot"] == name]
            assert rows["visits"].tolist() == [0], name


def test_a_run_of_days_is_a_period_with_both_days_included():
    week = Period.parse("2026-10-19..2026-10-25")
    assert (week.kind, week.start, week.end, week.days) == ("days", date(2026, 10, 19), date(2026, 10, 26), 7)
    assert week.code == "2026-10-19..2026-10-25" and week.label() == "19/10/2026–25/10/2026"
    assert week.previous() == Period.between(date(2026, 10, 12), date(2026, 10, 18))
    # the autumn clock change: 25 October lasts 25 hours, and its end is midnight in winter time
    start, end = Period.between(date(2026, 10, 25), date(2026, 10, 25)).utc_bounds()
    assert (start, end) == (datetime(2026, 10, 24, 22, 0, tzinfo=UTC), datetime(2026, 10, 25, 23, 0, tzinfo=UTC))
    assert Period.between(date(2026, 10, 25), date(2026, 10, 25)).label() == "25/10/2026"
    with pytest.raises(ValueError, match="ligt voor begindatum"):
        Period.between(date(2026, 10, 2), date(2026, 10, 1))
