"""`demo remove` is undoing the demo's imports (etl/batches.py), newest first: the centre's own fixes
mixed with demo fixes get the outlier flags they would have had without the demo, and own reports a
demo import replaced come back as they were. Compared with a store that never held the demo."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import duckdb

from etl.demo import ensure_demo_territory
from etl.demo.removal import remove_demo
from etl.fixes import load_fixes_file
from etl.reports import load_reports_file

ASSE = (50.8950, 4.2000)
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.timezone.utc)


def fixes_csv(path: Path, rows: list[tuple[str, dt.datetime, float, float]]) -> Path:
    lines = ["device_id,timestamp,lat,lon"]
    lines += [f"{d},{t.strftime('%Y-%m-%dT%H:%M:%SZ')},{lat:.6f},{lon:.6f}" for d, t, lat, lon in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rows_of(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


FLAGS = "SELECT device_id, ts, lat, lon, is_outlier, outlier_reason FROM fixes ORDER BY device_id, ts"


def test_demo_remove_gives_own_fixes_the_outlier_flags_they_have_without_the_demo(tmp_path):
    # own fixes every 20 s with spikes of 3 km; the demo's fixes fill the odd steps and sit next to
    # some spikes, which makes those spikes ordinary points while the demo is stored
    rng = random.Random(5)
    own, demo = [], []
    for device in ("T1", "T2"):
        for step in range(0, 120, 2):
            lat = ASSE[0] + rng.uniform(-0.0003, 0.0003) + (0.03 if step in (20, 64, 118) else 0)
            own.append((device, START + dt.timedelta(seconds=10 * step), lat, ASSE[1] + rng.uniform(-0.0003, 0.0003)))
            near_spike = step + 1 in (19, 21, 63, 65, 119)
            demo.append(
                (
                    device,
                    START + dt.timedelta(seconds=10 * (step + 1)),
                    ASSE[0] + (0.03 if near_spike else 0) + rng.uniform(-0.0003, 0.0003),
                    ASSE[1],
                )
            )
    own_file, demo_file = fixes_csv(tmp_path / "eigen.csv", own), fixes_csv(tmp_path / "demo.csv", demo)
    mixed, never = tmp_path / "mixed.duckdb", tmp_path / "never.duckdb"
    for db in (mixed, never):
        ensure_demo_territory(db)
        load_fixes_file(db, own_file)
    load_fixes_file(mixed, demo_file, is_demo=True)
    own_keys = {(d, t) for d, t, *_ in rows_of(never, FLAGS)}
    with_demo = {(d, t) for d, t, *_, outlier, _ in rows_of(mixed, FLAGS) if (d, t) in own_keys and outlier}
    without_demo = {(d, t) for d, t, *_, outlier, _ in rows_of(never, FLAGS) if outlier}
    assert with_demo != without_demo, "the demo must change own flags, or the test proves nothing"

    removed = remove_demo(mixed)

    assert rows_of(mixed, FLAGS) == rows_of(never, FLAGS)
    assert removed["batches"] == 1 and removed["rows"]["GPS-punten"] == len(demo)
    assert removed["outlier_flags_changed"] >= len(with_demo ^ without_demo)


def test_demo_remove_brings_back_the_own_report_a_demo_import_replaced(tmp_path):
    own = tmp_path / "eigen.csv"
    own.write_text(
        "id;datum;categorie\nO1;05/01/2026 10:00;Sluikstort\nO2;06/01/2026 09:00;Graffiti\n", encoding="utf-8"
    )
    demo = tmp_path / "demo.csv"
    demo.write_text(
        "id;datum;categorie\nO1;07/01/2026 18:00;Zwerfvuil\nD1;05/01/2026 11:00;Zwerfvuil\n", encoding="utf-8"
    )
    columns = "SELECT source_id, reported_at, category_code, batch_id FROM reports ORDER BY source_id"
    mixed, never = tmp_path / "mixed.duckdb", tmp_path / "never.duckdb"
    for db in (mixed, never):
        ensure_demo_territory(db)
        load_reports_file(db, own)
    load_reports_file(mixed, demo, is_demo=True)
    assert rows_of(mixed, columns) != rows_of(never, columns)

    removed = remove_demo(mixed)

    assert rows_of(mixed, columns) == rows_of(never, columns)
    assert removed["restored"] == 1
    assert rows_of(mixed, "SELECT count(*) FROM report_versions") == [(0,)]
    assert rows_of(mixed, "SELECT count(*) FROM import_batches WHERE is_demo") == [(0,)]
