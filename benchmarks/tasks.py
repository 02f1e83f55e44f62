"""What the suite measures, one task per child process: `python -m benchmarks.tasks NAME JSON`.

Each task runs in its own process so that the parent can read that process's peak memory
(os.wait4's resource usage); the last line a task prints is one JSON document with its figures.
Our code is called exactly as the command line calls it; each peer is written the way its own
documentation shows, with no step left out that a careful analyst would need and none added to slow it.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks.geocoding import TASKS as GEOCODING_TASKS
from benchmarks.service import TASKS as SERVICE_TASKS

FIX_COLUMNS = {
    "device_id": "VARCHAR",
    "timestamp": "TIMESTAMPTZ",
    "lat": "DOUBLE",
    "lon": "DOUBLE",
    "accuracy_m": "DOUBLE",
}
REPORT_COLUMNS = {
    "id": "VARCHAR",
    "datum": "TIMESTAMP",
    "categorie": "VARCHAR",
    "kanaal": "VARCHAR",
    "lat": "DOUBLE",
    "lon": "DOUBLE",
    "status": "VARCHAR",
    "afgesloten_op": "TIMESTAMP",
}
REPORT_TIME_FORMAT = "%d/%m/%Y %H:%M"
MAX_SPEED_KMH = 130


# --- ours ----------------------------------------------------------------------------------------
def load_ours(db: str, file: str, kind: str) -> dict:
    """`python -m etl fixes FILE` / `python -m etl reports FILE`: read, validate, dedupe, flag, store."""
    from etl.fixes import load_fixes_file
    from etl.reports import load_reports_file

    began = time.perf_counter()
    result = load_fixes_file(db, file) if kind == "fixes" else load_reports_file(db, file, fmt="canonical")
    return {
        "seconds": time.perf_counter() - began,
        "rows": result.rows_in,
        "loaded": result.loaded,
        "quarantined": result.quarantined,
        "duplicates": result.duplicates,
    }


def load_support(db: str, hotspots: str, devices: str) -> dict:
    """The hot spots and the devices' warden mapping, which the fixes and visits need (not timed)."""
    from etl.demo import ensure_demo_territory
    from etl.devices import load_devices_file
    from etl.hotspots import load_hotspots_file

    ensure_demo_territory(db)  # the scaled demo data lie in the demo's territory
    return {"hotspots": load_hotspots_file(db, hotspots).loaded, "devices": load_devices_file(db, devices).loaded}


def visits_ours(db: str) -> dict:
    """Materialise visits, duty days and presence cells from every stored fix, from nothing."""
    from analytics.coverage.visits import rebuild
    from civ.store import connect, scalar

    con = connect(db)
    try:
        fixes = scalar(con, "SELECT count(*) FROM fixes")
        began = time.perf_counter()
        result = rebuild(con)
        seconds = time.perf_counter() - began
        visits = scalar(con, "SELECT count(*) FROM visits")
    finally:
        con.close()
    return {"seconds": seconds, "rows": fixes, "visits": visits, "devices": len(result.devices)}


def hotspot_detection(db: str, month: str, repeat: int) -> dict:
    """One month's emerging-hot-spot detection as the page runs it without a stored run."""
    from analytics.hotspots.runs import detect
    from civ.store import reading, scalar

    times = []
    for _ in range(repeat):
        with reading(db) as con:
            began = time.perf_counter()
            run, results = detect(con, month)
            times.append(time.perf_counter() - began)
    with reading(db) as con:
        reports = scalar(con, "SELECT count(*) FROM reports")
    return {"seconds": statistics.median(times), "times": times, "rows": reports, "results": len(results)}


def callbacks(db: str, calls: int) -> dict:
    from benchmarks.callbacks import measure_compstat

    return measure_compstat(Path(db), calls)


# --- peers ---------------------------------------------------------------------------------------
def duckdb_copy(file: str, kind: str, workdir: str) -> dict:
    """The limit: DuckDB's own COPY of the file into a typed table with no checks at all."""
    import duckdb

    db = Path(workdir) / f"peer-copy-{kind}.duckdb"
    db.unlink(missing_ok=True)
    columns = FIX_COLUMNS if kind == "fixes" else REPORT_COLUMNS
    con = duckdb.connect(str(db))
    try:
        con.execute(f"CREATE TABLE t ({', '.join(f'{k} {v}' for k, v in columns.items())})")
        options = "HEADER" + (", DELIMITER ';', TIMESTAMPFORMAT '%d/%m/%Y %H:%M'" if kind == "reports" else "")
        began = time.perf_counter()
        con.execute(f"COPY t FROM '{file}' ({options})")
        seconds = time.perf_counter() - began
        rows = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    finally:
        con.close()
        db.unlink(missing_ok=True)
    return {"seconds": seconds, "rows": rows}


def pandas_sqlite(file: str, kind: str, workdir: str) -> dict:
    """What a capable analyst writes instead: pandas.read_csv, vectorised checks, drop_duplicates,
    DataFrame.to_sql into SQLite (pandas' defaults, as its documentation shows them)."""
    import sqlite3

    import pandas as pd

    db = Path(workdir) / f"peer-pandas-{kind}.sqlite"
    db.unlink(missing_ok=True)
    began = time.perf_counter()
    if kind == "fixes":
        frame = pd.read_csv(file, dtype={"device_id": "string"})
        frame["timestamp"] = pd.to_datetime(frame["timestamp"], format="%Y-%m-%dT%H:%M:%SZ", utc=True, errors="coerce")
        bad = (
            frame["device_id"].isna()
            | frame["timestamp"].isna()
            | ~frame["lat"].between(-90, 90)
            | ~frame["lon"].between(-180, 180)
            | ((frame["lat"] == 0) & (frame["lon"] == 0))
        )
        quarantine, frame = frame[bad], frame[~bad]
        frame = frame.drop_duplicates(subset=["device_id", "timestamp", "lat", "lon"])
        frame = frame.sort_values(["device_id", "timestamp"], ignore_index=True)
        # outlier flag: a jump > 100 m faster than 130 km/h both from the previous and to the next fix
        same = frame["device_id"].eq(frame["device_id"].shift())
        metres = _haversine_m(frame["lat"].shift(), frame["lon"].shift(), frame["lat"], frame["lon"])
        seconds = (frame["timestamp"] - frame["timestamp"].shift()).dt.total_seconds().clip(lower=0.001)
        jump = same & (metres > 100) & (metres / seconds * 3.6 > MAX_SPEED_KMH)
        frame["is_outlier"] = jump & jump.shift(-1, fill_value=False)
    else:
        frame = pd.read_csv(
            file, sep=";", dtype={"id": "string", "categorie": "string", "kanaal": "string", "status": "string"}
        )
        frame["datum"] = pd.to_datetime(frame["datum"], format=REPORT_TIME_FORMAT, errors="coerce")
        frame["afgesloten_op"] = pd.to_datetime(frame["afgesloten_op"], format=REPORT_TIME_FORMAT, errors="coerce")
        bad = (
            frame["id"].isna()
            | frame["datum"].isna()
            | frame["categorie"].isna()
            | (frame["lat"].notna() & ~frame["lat"].between(50.8, 51.0))
            | (frame["lon"].notna() & ~frame["lon"].between(4.1, 4.35))
        )
        quarantine, frame = frame[bad], frame[~bad]
        frame = frame.drop_duplicates(subset=["id"], keep="last")
    with sqlite3.connect(db) as con:
        frame.to_sql("rows", con, index=False)
        quarantine.to_sql("quarantine", con, index=False)
    seconds = time.perf_counter() - began
    rows = len(frame) + len(quarantine)
    db.unlink(missing_ok=True)
    return {"seconds": seconds, "rows": rows}


def _haversine_m(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = (np.radians(v) for v in (lat1, lon1, lat2, lon2))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371008.8 * np.arcsin(np.sqrt(h.clip(upper=1)))


def geopandas_sjoin(db: str, hotspots: str, rows: int) -> dict:
    """The peer of materialising visits: geopandas' sjoin of fix points in the hot-spot polygons
    (circles buffered in Belgian Lambert 72), on the first `rows` fixes read from the store, the
    reading included (ours reads them from the store too)."""
    import duckdb
    import geopandas as gpd

    began = time.perf_counter()
    con = duckdb.connect(db, read_only=True)
    try:
        # the first stored fixes (the store keeps them in time order per load): no sort of 50 million rows
        fixes = con.execute("SELECT device_id, ts, lat, lon FROM fixes WHERE NOT is_outlier LIMIT ?", [rows]).df()
    finally:
        con.close()
    spots = gpd.read_file(hotspots).to_crs(31370)
    circles = spots["radius_m"].notna()
    spots.loc[circles, "geometry"] = spots.loc[circles].buffer(spots.loc[circles, "radius_m"])
    points = gpd.GeoDataFrame(fixes, geometry=gpd.points_from_xy(fixes["lon"], fixes["lat"]), crs=4326).to_crs(31370)
    joined = gpd.sjoin(points, spots[["name", "geometry"]], predicate="within")
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "rows": len(fixes), "inside": len(joined)}


def region_engines(workdir: str, municipalities: int, targets: int) -> dict:
    """The region local vs Spark local[2] (benchmarks/region.py): its figures, `seconds` = the Spark wall."""
    from benchmarks.region import measure

    figures = measure(Path(workdir), municipalities, 20_000, targets, "2026-10")
    return {**figures, "seconds": figures["spark_s"]}


TASKS = {
    f.__name__: f
    for f in (
        load_ours,
        load_support,
        visits_ours,
        hotspot_detection,
        callbacks,
        duckdb_copy,
        pandas_sqlite,
        geopandas_sjoin,
        region_engines,
    )
}
TASKS.update(GEOCODING_TASKS)  # the address register and geocoding (benchmarks/geocoding.py)
TASKS.update(SERVICE_TASKS)  # the meeting pack, the load test, live positions (benchmarks/service.py)


def main(argv: list[str] | None = None) -> int:
    name, arguments = (argv or sys.argv[1:])[:2]
    result = TASKS[name](**json.loads(arguments))
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
