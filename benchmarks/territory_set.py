"""How long `python -m etl territory set` takes for police zone AMOW with N reports stored (issue 15).

    .venv/bin/python -m benchmarks.territory_set [--reports 200000] [--workdir /tmp/civ-territory]

Builds a store set to Merchtem alone, fills it with N located reports spread uniformly over the four
municipalities of the zone (SQL insert, not timed), then times the command line `etl territory set`
for the zone in a child process, as a user runs it (start-up, reading the boundaries, the transaction
that replaces the areas and gives every report its area again). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
import shapely.geometry

from civ import store, territory

ZONE = ("23002", "23052", "23060", "23102")


def build(db: Path, reports: int, seed: int = 15) -> None:
    db.unlink(missing_ok=True)
    territory.set_territory(db, ["23052"])
    outline = shapely.union_all([shapely.geometry.shape(territory.boundaries()[n]["geometry"]) for n in ZONE])
    west, south, east, north = outline.bounds
    rng = np.random.default_rng(seed)
    lon, lat = np.empty(0), np.empty(0)
    while len(lon) < reports:
        x, y = rng.uniform(west, east, reports), rng.uniform(south, north, reports)
        keep = shapely.contains_xy(outline, x, y)
        lon, lat = np.concatenate([lon, x[keep]]), np.concatenate([lat, y[keep]])
    frame = pd.DataFrame({"source_id": [f"b{i}" for i in range(reports)], "lat": lat[:reports], "lon": lon[:reports]})
    con = store.open_for_writing(db)
    try:
        con.register("planted", frame)
        con.execute("""INSERT INTO reports (source, source_id, batch_id, reported_at, reported_precision, category_code,
                                            channel_code, status, lat, lon, gas_finding, content_hash)
                       SELECT 'canonical', source_id, 0, TIMESTAMPTZ '2026-01-01 10:00:00+00', 'minute',
                              'sluikstort', 'email', 'open', lat, lon, false, 'h' FROM planted""")
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/civ-territory"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    db = args.workdir / "zone.duckdb"
    build(db, args.reports)
    command = [
        sys.executable,
        "-m",
        "etl",
        "territory",
        "set",
        *sum([["--nis", n] for n in ZONE], []),
        "--db",
        str(db),
        "--json",
    ]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        json.dumps(
            {
                "reports": args.reports,
                "wall_seconds": round(wall, 2),
                "inside_seconds": summary["seconds"],
                "areas": len(summary["areas"]),
                "reports_with_area": sum(n for code, n in summary["reports_by_area"].items() if code),
            }
        )
    )


if __name__ == "__main__":
    main()
