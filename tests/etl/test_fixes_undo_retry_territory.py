"""Fixes: undo restores the neighbours' outlier flags, retry works for every kind of batch, and
positions outside the territory are refused.

The outlier comparison is between two stores: one that loaded a batch and undid it, one that never
loaded it. Territory expectations come from an independent point-in-polygon test on the shipped
Statbel outline, not from the loader.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import duckdb
import numpy as np

from etl.batches import undo_batch
from etl.fixes import load_fixes_file

ASSE = (50.8950, 4.2000)  # in the south of Asse (the demo territory): spikes to the north stay inside
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.timezone.utc)


def fixes_csv(path: Path, rows: list[tuple[str, dt.datetime, float, float]]) -> Path:
    lines = ["device_id,timestamp,lat,lon"]
    lines += [f"{d},{t.strftime('%Y-%m-%dT%H:%M:%SZ')},{lat:.6f},{lon:.6f}" for d, t, lat, lon in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def flags(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT device_id, ts, lat, lon, is_outlier, outlier_reason FROM fixes ORDER BY device_id, ts"
        ).fetchall()
    finally:
        con.close()


def test_undo_of_a_fixes_batch_restores_the_outlier_flags_of_the_fixes_left(tmp_path):
    # The first file: two devices, a fix every 20 s, a few spikes of several kilometres (outliers),
    # and a device whose series ends on a jump (the last fix is judged by its one neighbour).
    rng = random.Random(16)
    first, second = [], []
    for device in ("T1", "T2"):
        for step in range(0, 120, 2):
            lat = ASSE[0] + rng.uniform(-0.0003, 0.0003)
            lon = ASSE[1] + rng.uniform(-0.0003, 0.0003)
            if step in (20, 64, 118):
                lat += 0.03  # 3,3 km away and back within 40 s: a receiver error
            first.append((device, START + dt.timedelta(seconds=10 * step), lat, lon))
            # the second file fills the odd steps; some of its fixes sit next to the spikes, which
            # makes those spikes ordinary points of a series while it is stored
            odd = START + dt.timedelta(seconds=10 * (step + 1))
            near_spike = step + 1 in (19, 21, 63, 65, 119)
            second.append((device, odd, ASSE[0] + (0.03 if near_spike else 0) + rng.uniform(-0.0003, 0.0003), lon))
    first_file = fixes_csv(tmp_path / "eerste.csv", first)
    second_file = fixes_csv(tmp_path / "tweede.csv", second)

    undone, never = tmp_path / "undone.duckdb", tmp_path / "never.duckdb"
    load_fixes_file(undone, first_file)
    batch = load_fixes_file(undone, second_file)
    load_fixes_file(never, first_file)
    before_undo = flags(undone)
    assert [r for r in flags(never) if r[4]], "the first file alone must hold outliers, or the test proves nothing"

    summary = undo_batch(undone, batch.batch_id)

    assert flags(undone) == flags(never)
    # the second file had changed some flags of the first file's fixes: the undo changed them back
    first_keys = {(d, t) for d, t, *_ in flags(never)}
    changed_by_second = {(d, t) for d, t, _, _, outlier, _ in before_undo if (d, t) in first_keys and outlier} ^ {
        (d, t) for d, t, _, _, outlier, _ in flags(never) if outlier
    }
    assert changed_by_second, "the second file must change the first file's flags, or the test proves nothing"
    assert summary["outlier_flags_changed"] >= len(changed_by_second)


# -- the territory -------------------------------------------------------------------------------


def metres_outside_asse(points: list[tuple[float, float]]) -> list[float]:
    """Distance in metres (Belgian Lambert 72) from each (lat, lon) to Asse's shipped outline; 0 inside.
    Independent of the loader, which tests in its own local frame with a grid."""
    import pyproj
    import shapely
    import shapely.geometry

    from civ import territory

    to_lambert = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:31370", always_xy=True).transform
    outline = shapely.transform(
        shapely.geometry.shape(territory.boundaries()["23002"]["geometry"]),
        lambda xy: np.column_stack(to_lambert(xy[:, 0], xy[:, 1])),
    )
    return [outline.distance(shapely.Point(to_lambert(lon, lat))) for lat, lon in points]


def test_fixes_outside_asse_are_refused_naming_it_those_inside_or_within_tolerance_load(tmp_path, query, db):
    # a 40 x 40 grid over Asse's box and 1,5 km around it: points deep inside, on both sides of the
    # edge (the exact test) and far outside (the grid alone)
    south, north, west, east = 50.8600, 50.9580, 4.1180, 4.3220
    points = [(south + (north - south) * i / 39, west + (east - west) * j / 39) for i in range(40) for j in range(40)]
    distance = metres_outside_asse(points)
    rows = [("T1", START + dt.timedelta(minutes=k), lat, lon) for k, (lat, lon) in enumerate(points)]
    result = load_fixes_file(db, fixes_csv(tmp_path / "raster.csv", rows))

    refused = {n for (n,) in query("SELECT row_number FROM quarantine")}
    # the tolerance is 100 m; the outline is simplified by a few metres: points within 60 m must load,
    # points beyond 140 m must be refused, the band between is not judged here
    must_load = {k + 1 for k, d in enumerate(distance) if d <= 60}
    must_refuse = {k + 1 for k, d in enumerate(distance) if d >= 140}
    assert len(must_load) > 300 and len(must_refuse) > 300
    assert any(0 < d <= 60 for d in distance), "no point in the tolerance band outside the outline"
    assert not (must_load & refused)
    assert must_refuse <= refused
    assert result.rows_in == result.loaded + result.quarantined + result.duplicates == len(points)
    reasons = {r for (r,) in query("SELECT DISTINCT regexp_replace(reason, '^positie [0-9, /]+', '') FROM quarantine")}
    assert reasons == {"ligt buiten het grondgebied: Asse"}


def test_a_live_position_inside_the_margin_but_outside_the_outline_is_refused_at_the_flush(db, query):
    from datetime import datetime, timezone

    from etl import live
    from tests.browser.served_app import fill_store

    fill_store(db)
    con = duckdb.connect(str(db))
    con.execute("SELECT nextval('import_batch_ids') FROM range(3)").fetchall()
    con.close()
    try:
        device = live.register_device(db, "toestel-buiten-de-grens-16")
        ingest = live.LiveIngest(db)
        now = datetime.now(timezone.utc)
        t0 = int(now.timestamp()) - 100
        outside = (50.9600, 4.2500)  # about 2 km north of Asse: inside the endpoint's 5 km margin
        assert metres_outside_asse([outside])[0] > 1000
        sent = [(t0, 50.9100, 4.2000), (t0 + 60, *outside)]
        answers = [
            ingest.receive(
                None, {"id": [device], "timestamp": [str(t)], "lat": [str(a)], "lon": [str(o)]}, b"", "192.0.2.7", now
            ).status
            for t, a, o in sent
        ]
        assert answers == [200, 200]  # accepted by the endpoint, judged by the import's rules at the flush
        result = ingest.flush()
        assert (result["rows_in"], result["loaded"], result["quarantined"]) == (2, 1, 1)
        assert query("SELECT reason FROM quarantine WHERE batch_id = ?", [result["batch_id"]]) == [
            ("positie 50,96 / 4,25 ligt buiten het grondgebied: Asse",)
        ]
    finally:
        live.close_ingest(db)
