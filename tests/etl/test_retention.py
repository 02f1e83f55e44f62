"""Raw fixes are kept only as long as needed; what was computed from them stays."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from analytics.coverage import refresh_visits
from analytics.coverage.visits import rebuild
from civ import accounts as users
from civ.errors import UnusableInput
from civ.store import open_for_writing
from etl.devices import load_devices_file
from etl.fixes import load_fixes_file
from etl.hotspots import load_hotspots_file
from etl.retention import plan_or_apply

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
STATION = (50.9105, 4.1985)


def _fixes_csv(path, start: datetime, minutes: int = 20):
    lines = ["device_id,timestamp,lat,lon"]
    for step in range(minutes * 3):  # every 20 s, standing at the station
        moment = start + timedelta(seconds=20 * step)
        lines.append(f"TRK-1,{moment:%Y-%m-%dT%H:%M:%SZ},{STATION[0]},{STATION[1]}")
    path.write_text("\n".join(lines) + "\n")
    return path


def _station_hotspot(path, lat: float = STATION[0], lon: float = STATION[1], radius_m: int = 80):
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        f'{{"name": "Station Asse", "radius_m": {radius_m}}}, "geometry": {{"type": "Point", '
        f'"coordinates": [{lon}, {lat}]}}}}]}}'
    )
    return path


@pytest.fixture
def store_with_old_and_new_fixes(db, tmp_path):
    load_hotspots_file(db, _station_hotspot(tmp_path / "h.geojson"))
    load_fixes_file(db, _fixes_csv(tmp_path / "oud.csv", NOW - timedelta(days=120)))
    load_fixes_file(db, _fixes_csv(tmp_path / "nieuw.csv", NOW - timedelta(days=10)))
    return db


def test_retention_is_refused_until_visits_are_computed(store_with_old_and_new_fixes):
    with pytest.raises(UnusableInput, match="nog niet verwerkt"):
        plan_or_apply(store_with_old_and_new_fixes, apply=True, now=NOW)


def test_retention_shows_then_deletes_old_fixes_and_keeps_the_visits(store_with_old_and_new_fixes, query):
    db = store_with_old_and_new_fixes
    refresh_visits(db)
    visits_before = query("SELECT count(*), round(sum(minutes)) FROM visits")
    shown = plan_or_apply(db, now=NOW)
    assert (shown.fixes_to_delete, shown.applied) == (60, False)
    assert query("SELECT count(*) FROM fixes") == [(120,)]
    applied = plan_or_apply(db, apply=True, now=NOW, actor="test")
    assert (applied.fixes_to_delete, applied.applied) == (60, True)
    assert query("SELECT count(*) FROM fixes") == [(60,)]
    assert query("SELECT count(*), round(sum(minutes)) FROM visits") == visits_before
    assert visits_before[0][0] == 2
    refresh_visits(db)  # the next start: the gap left by retention is not taken for an absence
    assert query("SELECT count(*), round(sum(minutes)) FROM visits") == visits_before
    assert any(e["event"] == "retention" and e["user"] == "test" for e in users.audit_entries(db))


# --- a later recomputation keeps what was computed before the cut-off --------------------------------
CUTOFF = NOW - timedelta(days=90)
BEFORE_CUTOFF = "started_at < TIMESTAMPTZ '2026-08-28 12:00:00+00'"  # CUTOFF, written out


def _after_retention(db):
    refresh_visits(db)
    plan_or_apply(db, apply=True, now=NOW, actor="test")


def test_a_redrawn_hotspot_keeps_its_visits_from_before_the_cutoff_and_redoes_the_later_ones(
    store_with_old_and_new_fixes, query, tmp_path
):
    db = store_with_old_and_new_fixes
    _after_retention(db)
    old = query(f"SELECT hotspot_id, started_at, ended_at, minutes, fixes FROM visits WHERE {BEFORE_CUTOFF}")
    assert len(old) == 1 and old[0][3] == pytest.approx(20, abs=0.5)
    # moved 1,1 km north: the warden's recent 20 minutes at the station are no visit of the new circle
    load_hotspots_file(db, _station_hotspot(tmp_path / "verplaatst.geojson", lat=STATION[0] + 0.01))
    result = refresh_visits(db)
    assert result.hotspots == ["station-asse"]
    assert result.kept_before == CUTOFF.isoformat()
    assert query(f"SELECT hotspot_id, started_at, ended_at, minutes, fixes FROM visits WHERE {BEFORE_CUTOFF}") == old
    assert query(f"SELECT count(*) FROM visits WHERE NOT ({BEFORE_CUTOFF})") == [(0,)]
    # drawn back: the recent visit is found again from the fixes that remain, the old one is still there once
    load_hotspots_file(db, _station_hotspot(tmp_path / "terug.geojson", radius_m=120))
    refresh_visits(db)
    assert query(f"SELECT count(*) FROM visits WHERE {BEFORE_CUTOFF}") == [(1,)]
    assert query(f"SELECT count(*), round(sum(minutes)) FROM visits WHERE NOT ({BEFORE_CUTOFF})") == [(1, 20)]


def test_a_full_rebuild_keeps_visits_and_duty_days_from_before_the_cutoff(store_with_old_and_new_fixes, query):
    db = store_with_old_and_new_fixes
    _after_retention(db)
    derived = {
        table: query(f"SELECT * FROM {table} ORDER BY ALL") for table in ("visits", "duty_days", "presence_cells")
    }
    assert all(len(rows) == 2 for rows in derived.values())  # one day before and one after the cut-off
    con = open_for_writing(db)
    try:
        result = rebuild(con)
    finally:
        con.close()
    assert result.full and result.kept_before == CUTOFF.isoformat()
    for table, rows in derived.items():
        assert query(f"SELECT * FROM {table} ORDER BY ALL") == rows, table


def test_a_new_device_mapping_redoes_the_device_only_from_the_cutoff(store_with_old_and_new_fixes, query, write_file):
    db = store_with_old_and_new_fixes
    _after_retention(db)
    old = query(f"SELECT * FROM visits WHERE {BEFORE_CUTOFF}")
    load_devices_file(db, write_file("toestellen.csv", "device_id,warden\nTRK-1,GW-A\n"))
    result = refresh_visits(db)
    assert result.devices == ["TRK-1"]
    # the old visit stays as it was computed (also its holder: the fixes that would re-attribute it are gone)
    assert query(f"SELECT * FROM visits WHERE {BEFORE_CUTOFF}") == old
    assert query(f"SELECT holder, round(minutes) FROM visits WHERE NOT ({BEFORE_CUTOFF})") == [("GW-A", 20)]


def test_a_visit_across_the_cutoff_is_kept_whole_and_not_counted_twice(db, tmp_path, query):
    load_hotspots_file(db, _station_hotspot(tmp_path / "h.geojson"))
    load_fixes_file(db, _fixes_csv(tmp_path / "rond.csv", CUTOFF - timedelta(minutes=10)))  # 10 min before, 10 after
    _after_retention(db)
    assert query("SELECT count(*) FROM fixes") == [(30,)]
    whole = query("SELECT started_at, ended_at, minutes FROM visits")
    assert len(whole) == 1 and whole[0][2] == pytest.approx(20, abs=0.5)
    load_hotspots_file(db, _station_hotspot(tmp_path / "groter.geojson", radius_m=150))
    refresh_visits(db)
    assert query("SELECT started_at, ended_at, minutes FROM visits") == whole
    con = open_for_writing(db)
    try:
        rebuild(con)
    finally:
        con.close()
    assert query("SELECT started_at, ended_at, minutes FROM visits") == whole


def test_the_coverage_command_says_which_visits_keep_the_old_outline(store_with_old_and_new_fixes, capsys):
    from analytics.cli import main

    db = store_with_old_and_new_fixes
    _after_retention(db)
    capsys.readouterr()
    assert main(["coverage", "--start", "2026-07-01", "--end", "2026-11-30", "--db", str(db)]) == 0
    assert "GPS-punten tot 28/08/2026 zijn verwijderd" in capsys.readouterr().out
    assert main(["coverage", "--start", "2026-09-01", "--end", "2026-11-30", "--db", str(db)]) == 0
    assert "verwijderd" not in capsys.readouterr().out
