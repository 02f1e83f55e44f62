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

from etl.batches import undo_batch
from etl.fixes import load_fixes_file

ASSE = (50.9100, 4.2000)  # the demo territory's centre (Asse)
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
    # The first file: two devices, a fix a minute, a few spikes of several kilometres (outliers),
    # and a device whose series ends on a jump (the last fix is judged by its one neighbour).
    rng = random.Random(16)
    first, second = [], []
    for device in ("T1", "T2"):
        for minute in range(0, 120, 2):
            lat = ASSE[0] + rng.uniform(-0.002, 0.002)
            lon = ASSE[1] + rng.uniform(-0.002, 0.002)
            if minute in (20, 64, 118):
                lat += 0.05  # about 5,5 km away for one fix: a receiver error
            first.append((device, START + dt.timedelta(minutes=minute), lat, lon))
            # the second file fills the odd minutes; some of its fixes sit next to the spikes, which
            # makes those spikes ordinary points of a series while it is stored
            odd = START + dt.timedelta(minutes=minute + 1)
            near_spike = minute + 1 in (19, 21, 63, 65, 119)
            second.append((device, odd, ASSE[0] + (0.05 if near_spike else 0) + rng.uniform(-0.002, 0.002), lon))
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
