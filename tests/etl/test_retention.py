"""Raw fixes are kept only as long as needed; what was computed from them stays."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from analytics.coverage import refresh_visits
from etl import UnusableInput, users
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


@pytest.fixture
def store_with_old_and_new_fixes(db, tmp_path):
    hotspots = tmp_path / "h.geojson"
    hotspots.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
                        '{"name": "Station Asse", "radius_m": 80}, "geometry": {"type": "Point", '
                        f'"coordinates": [{STATION[1]}, {STATION[0]}]}}}}]}}')
    load_hotspots_file(db, hotspots)
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
