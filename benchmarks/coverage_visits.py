"""Benchmark: warden coverage on 10.000.000 fixes — materialising visits, and the coverage pages' callbacks.

    python benchmarks/coverage_visits.py [--db PATH] [--rebuild] [--calls 30] [--out benchmarks/results-coverage.md]

1. The store: 100 trackers (wardens GW-1 … GW-100), 30 days of September 2026, 07:00–21:00 Brussels
   time, a fix every 15 s (10.080.000 fixes), walking and cycling between 40 defined hot spots with
   stops of 5–20 minutes and GPS noise. Written with numpy to one CSV and loaded through
   etl.fixes.load_fixes_file, the path a real import takes (validation, duplicates, outlier flags),
   plus 20.000 reports through etl.reports. An existing store is reused unless --rebuild.
2. Materialising: `refresh_visits` from nothing (every fix), then one more day of fixes (a batch
   of 336.000) loaded and refreshed incrementally, then a refresh with nothing to do (what a page
   view costs when the tables are current).
3. The callbacks, through Flask's test client posting to /_dash-update-component as the browser does
   (JSON in and out included): the page itself, the dosage table + map + KPIs, the presence grid, the
   demand grid, the warden-hours estimate, a filter change (every callback it fires, one after the
   other), and for comparison the daily overview, live and overview-list callbacks. Median and p95.
Target (issue 5): p95 under 250 ms. A benchmark, not a test: nothing asserts.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from callback_client import Callbacks

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TRACKERS = 100
DAYS = 30
FIRST_DAY = datetime(2026, 9, 1)
HOURS = (7, 21)                       # local time on duty
EVERY_S = 15
HOTSPOTS = 40
REPORTS = 20_000
DEFAULT_DB = Path("/tmp/civ-bench/coverage-10m.duckdb")
BRUSSELS = ZoneInfo("Europe/Brussels")
ASSE_BOX = (50.885, 4.15, 50.935, 4.29)   # south, west, north, east: inside the municipality's box
M_LAT = 111_195.0
M_LON = M_LAT * math.cos(math.radians(50.91))


# --- the store -----------------------------------------------------------------------------------
def hotspot_places(rng) -> list[dict]:
    lat = rng.uniform(ASSE_BOX[0] + .004, ASSE_BOX[2] - .004, HOTSPOTS)
    lon = rng.uniform(ASSE_BOX[1] + .006, ASSE_BOX[3] - .006, HOTSPOTS)
    places = []
    for i, (y, x) in enumerate(zip(lat, lon)):
        if i % 5 == 4:                                   # every fifth one a square of about 160 m
            d_lat, d_lon = 80 / M_LAT, 80 / M_LON
            ring = [[x - d_lon, y - d_lat], [x + d_lon, y - d_lat], [x + d_lon, y + d_lat], [x - d_lon, y + d_lat],
                    [x - d_lon, y - d_lat]]
            geometry = {"type": "Polygon", "coordinates": [[[round(a, 6), round(b, 6)] for a, b in ring]]}
            places.append({"name": f"Bench plein {i:02d}", "lat": y, "lon": x, "geometry": geometry, "radius_m": None})
        else:
            places.append({"name": f"Bench hotspot {i:02d}", "lat": y, "lon": x, "radius_m": float(rng.choice([60, 100, 150])),
                           "geometry": {"type": "Point", "coordinates": [round(x, 6), round(y, 6)]}})
    return places


def write_hotspots(path: Path, places: list[dict]) -> None:
    features = [{"type": "Feature", "geometry": p["geometry"],
                 "properties": {"name": p["name"], **({"radius_m": p["radius_m"]} if p["radius_m"] else {})}}
                for p in places]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")


def series(rng, places: list[dict], start_epoch: int, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """One tracker's day: from hot spot to hot spot (walking 1,3 m/s, cycling 4 m/s over 1,2 km), stops
    of 5–20 minutes, sampled every EVERY_S seconds."""
    t, lat, lon = [0.0], [], []
    spot = places[rng.integers(len(places))]
    lat.append(spot["lat"])
    lon.append(spot["lon"])
    end = steps * EVERY_S
    while t[-1] < end:
        t.append(t[-1] + rng.uniform(5, 20) * 60)                # stop
        lat.append(lat[-1])
        lon.append(lon[-1])
        spot = places[rng.integers(len(places))]
        north, east = rng.normal(0, 15, 2)
        to_lat, to_lon = spot["lat"] + north / M_LAT, spot["lon"] + east / M_LON
        metres = math.hypot((to_lat - lat[-1]) * M_LAT, (to_lon - lon[-1]) * M_LON)
        t.append(t[-1] + metres / (4.0 if metres > 1200 else 1.3))
        lat.append(to_lat)
        lon.append(to_lon)
    grid = np.arange(steps) * EVERY_S
    return np.interp(grid, t, lat), np.interp(grid, t, lon)


def write_fixes(path: Path, rng, places: list[dict], days: list[datetime]) -> int:
    """Every tracker on every day, written by DuckDB from numpy columns (no Python line loop)."""
    import duckdb

    steps = (HOURS[1] - HOURS[0]) * 3600 // EVERY_S
    parts = []
    for day in days:
        start = int(datetime(day.year, day.month, day.day, HOURS[0], tzinfo=BRUSSELS).timestamp())
        for tracker in range(TRACKERS):
            lat, lon = series(rng, places, start, steps)
            parts.append((tracker, start + np.arange(steps) * EVERY_S + rng.integers(-3, 4, steps), lat, lon))
    device = np.concatenate([np.full(p[2].size, p[0]) for p in parts])
    t = np.concatenate([p[1] for p in parts])
    order = np.lexsort((t, device))
    t = t[order]
    device = device[order]
    lat = np.concatenate([p[2] for p in parts])[order] + rng.normal(0, 4, t.size) / M_LAT
    lon = np.concatenate([p[3] for p in parts])[order] + rng.normal(0, 4, t.size) / M_LON
    accuracy = np.where(rng.random(t.size) < 0.03, rng.uniform(15, 45, t.size), rng.uniform(3, 9, t.size))
    frame = pd.DataFrame({"device": device, "t": t, "lat": np.rint(lat * 1e6).astype(np.int64),
                          "lon": np.rint(lon * 1e6).astype(np.int64), "acc": np.rint(accuracy * 10).astype(np.int64)})
    del parts, lat, lon
    con = duckdb.connect()
    try:
        con.register("bench_fixes", frame)
        con.execute(f"""COPY (SELECT 'TRK-' || lpad((device + 1)::VARCHAR, 3, '0') AS device_id,
                                     strftime(make_timestamp(t * 1000000), '%Y-%m-%dT%H:%M:%SZ') AS timestamp,
                                     (lat // 1000000)::VARCHAR || '.' || lpad((lat % 1000000)::VARCHAR, 6, '0') AS lat,
                                     (lon // 1000000)::VARCHAR || '.' || lpad((lon % 1000000)::VARCHAR, 6, '0') AS lon,
                                     (acc // 10)::VARCHAR || '.' || (acc % 10)::VARCHAR AS accuracy_m
                              FROM bench_fixes ORDER BY device, t)
                        TO '{str(path).replace("'", "''")}' (HEADER, DELIMITER ',', QUOTE '', ESCAPE '')""")
    finally:
        con.close()
    return int(t.size)


def write_devices(path: Path) -> None:
    lines = ["device_id,warden,valid_from,valid_to"] + [f"TRK-{i:03d},GW-{i},," for i in range(1, TRACKERS + 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_reports(path: Path, rng) -> None:
    minutes = rng.integers(0, DAYS * 24 * 60, REPORTS)
    when = pd.Timestamp(FIRST_DAY) + pd.to_timedelta(np.sort(minutes), unit="m")
    frame = pd.DataFrame({"id": [f"C{i}" for i in range(REPORTS)], "datum": when.strftime("%d/%m/%Y %H:%M"),
                          "categorie": rng.choice(["sluikstort", "zwerfvuil", "geluidshinder", "hangjongeren"], REPORTS),
                          "kanaal": "e-mail",
                          "lat": np.round(rng.uniform(ASSE_BOX[0], ASSE_BOX[2], REPORTS), 6),
                          "lon": np.round(rng.uniform(ASSE_BOX[1], ASSE_BOX[3], REPORTS), 6)})
    frame.to_csv(path, sep=";", index=False)


def build_store(db: Path, rebuild: bool) -> dict:
    from etl.devices import load_devices_file
    from etl.fixes import load_fixes_file
    from etl.hotspots import load_hotspots_file
    from etl.reports import load_reports_file
    from etl.store import reading

    record = db.with_suffix(".build.json")
    if db.exists() and not rebuild and record.exists():
        with reading(db) as con:
            have = con.execute("SELECT count(*) FROM fixes").fetchall()[0][0]
        built = json.loads(record.read_text())
        if have >= built.get("fixes", 0) > 0:
            return {**built, "reused": True}
    for stale in (db, db.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20260901)
    places = hotspot_places(rng)
    write_hotspots(db.with_suffix(".geojson"), places)
    write_devices(db.with_suffix(".devices.csv"))
    write_reports(db.with_suffix(".reports.csv"), rng)
    load_hotspots_file(db, db.with_suffix(".geojson"))
    load_devices_file(db, db.with_suffix(".devices.csv"))
    load_reports_file(db, db.with_suffix(".reports.csv"))
    csv_path = db.with_suffix(".csv")
    began = time.perf_counter()
    rows = write_fixes(csv_path, rng, places, [FIRST_DAY + timedelta(days=d) for d in range(DAYS)])
    written = time.perf_counter()
    result = load_fixes_file(db, csv_path)
    loaded = time.perf_counter()
    write_fixes(db.with_suffix(".extra.csv"), rng, places, [FIRST_DAY + timedelta(days=DAYS)])
    built = {"fixes": result.loaded, "rows": rows, "csv_mb": csv_path.stat().st_size / 1e6,
             "write_s": written - began, "load_s": loaded - written, "reused": False,
             "built_at": f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC"}
    record.write_text(json.dumps(built), encoding="utf-8")
    csv_path.unlink()
    return built


def materialise(db: Path) -> dict:
    """Full refresh from nothing, one more day incrementally, then a refresh with nothing to do."""
    import duckdb

    from analytics.coverage import refresh_visits
    from analytics.coverage.visits import rebuild
    from etl.fixes import load_fixes_file

    extra = db.with_suffix(".extra.csv")
    con = duckdb.connect(str(db))
    try:
        con.execute("SET TimeZone = 'UTC'")
        batch = con.execute("SELECT batch_id FROM import_batches WHERE file_name = ?", [extra.name]).fetchall()
        if batch:                                        # loaded by an earlier run: take it out again
            con.execute("DELETE FROM fixes WHERE batch_id = ?", [batch[0][0]])
            con.execute("DELETE FROM coverage_batches WHERE batch_id = ?", [batch[0][0]])
            con.execute("DELETE FROM import_batches WHERE batch_id = ?", [batch[0][0]])
        began = time.perf_counter()
        result = rebuild(con)
        full_s = time.perf_counter() - began
        counts = dict(zip(("visits", "duty_days", "presence_cells"), con.execute(
            "SELECT (SELECT count(*) FROM visits), (SELECT count(*) FROM duty_days), "
            "(SELECT count(*) FROM presence_cells)").fetchall()[0]))
    finally:
        con.close()
    began = time.perf_counter()
    loaded = load_fixes_file(db, extra)
    load_s = time.perf_counter() - began
    began = time.perf_counter()
    incremental = refresh_visits(db)
    incremental_s = time.perf_counter() - began
    began = time.perf_counter()
    refresh_visits(db)
    noop_s = time.perf_counter() - began
    return {"full_s": full_s, "full_devices": len(result.devices), **counts, "extra_fixes": loaded.loaded,
            "extra_load_s": load_s, "incremental_s": incremental_s, "incremental_devices": len(incremental.devices),
            "noop_s": noop_s}


# --- the callbacks ------------------------------------------------------------------------------


def coverage_view(period: str, warden: str = "all", colour: str = "days", layer: str = "presence") -> dict:
    return {"coverage-period.value": period, "coverage-warden.value": warden, "coverage-version.data": 0,
            "coverage-colour.value": colour, "coverage-layer.value": layer, "coverage-lang.data": "nl",
            "coverage-target-visits.value": 5, "coverage-target-minutes.value": 15,
            "coverage-target-overhead.value": 50}


def page_view(path: str) -> dict:
    return {"_pages_location.pathname": path, "_pages_location.search": "", "_pages_store.data": None}


FILTER_CHANGE = ["coverage-url.search", "coverage-kpis.children", "coverage-cells.data", "coverage-staffing.children"]


def measure(calls: int, db: Path) -> dict:
    from app import create_app

    app = create_app(db)
    callbacks = Callbacks(app, db, role="coordinator")  # the daily overview and live need it
    periods = ["2026-09", "2026-W37", "2026-W38", "2026-09-01..2026-09-15", "2026-09-16..2026-09-30", "2026-W39"]
    wardens = ["all", "GW-7", "GW-42", "all", "GW-99"]
    days = [f"2026-09-{d:02d}" for d in range(1, 31)]
    places = [(50.9105 + 0.001 * (i % 7), 4.1985 + 0.002 * (i % 9)) for i in range(50)]
    cases = {
        "page /coverage (layout)": lambda i: [("_pages_content.children", page_view("/coverage"),
                                               "_pages_location.pathname")],
        "dosage: table, map, KPIs": lambda i: [("coverage-kpis.children", coverage_view(periods[i % 6]),
                                               "coverage-period.value")],
        "dosage, one warden": lambda i: [("coverage-kpis.children", coverage_view("2026-09", wardens[i % 5]),
                                          "coverage-warden.value")],
        "grid: presence": lambda i: [("coverage-cells.data", coverage_view(periods[i % 6]), "coverage-period.value")],
        "grid: reports per hour present": lambda i: [("coverage-cells.data",
                                                      coverage_view(periods[i % 6], layer="demand"),
                                                      "coverage-layer.value")],
        "warden-hours estimate": lambda i: [("coverage-staffing.children", coverage_view(periods[i % 6]),
                                             "coverage-period.value")],
        "filter change (all 4 callbacks)": lambda i: [
            (output, coverage_view(periods[i % 6], wardens[i % 5]), "coverage-period.value") for output in FILTER_CHANGE],
        "daily overview (one day, 100 tracks)": lambda i: [("day-duty.rowData", {
            "day-date.date": days[i % 30], "day-version.data": 0, "day-lang.data": "nl"}, "day-date.date")],
        "live: nearest trackers": lambda i: [("live-positions.data", {
            "live-tick.n_intervals": i, "live-place.data": list(places[i % 50]),
            "live-at.data": f"2026-09-{1 + i % 30:02d}T12:00:00+00:00", "live-lang.data": "nl"}, "live-place.data")],
        "overview list (150 m, one week)": lambda i: [("overview-summary.children", {
            "overview-lat.value": places[i % 50][0], "overview-lon.value": places[i % 50][1],
            "overview-radius.value": 150, "overview-dates.start_date": f"2026-09-{1 + i % 20:02d}",
            "overview-dates.end_date": f"2026-09-{7 + i % 20:02d}", "overview-lang.data": "nl"},
            "overview-lat.value")],
    }
    figures = {"_load": [os.getloadavg()[0], 0.0]}
    for name, requests in cases.items():
        for warm in range(2):
            for output, values, changed in requests(warm):
                callbacks.request(output, values, changed)
        times, sizes, cpus, parts = [], [], [], {}
        for i in range(calls):
            total, size, cpu_total = 0.0, 0, 0.0
            for output, values, changed in requests(i):
                ms, n, cpu = callbacks.request(output, values, changed)
                total, size, cpu_total = total + ms, size + n, cpu_total + cpu
                parts.setdefault(output, []).append(ms)
            times.append(total)
            sizes.append(size)
            cpus.append(cpu_total)
        figures[name] = {"median_ms": statistics.median(times), "p95_ms": float(np.percentile(times, 95)),
                         "max_ms": max(times), "kb": statistics.median(sizes) / 1024, "calls": calls,
                         "cpu_ms": statistics.median(cpus),
                         "parts": {k: (statistics.median(v), float(np.percentile(v, 95))) for k, v in parts.items()}}
    figures["_load"][1] = os.getloadavg()[0]
    return figures


def fmt(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}".replace(",", "\0").replace(".", ",").replace("\0", ".")


def report(built: dict, made: dict, figures: dict, db: Path) -> str:
    load = figures.pop("_load")
    lines = [
        "# Warden coverage: benchmark results", "",
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.node()} ({os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}), store `{db}`, load average before/after "
        f"{fmt(load[0])}/{fmt(load[1])} (other work on the machine shows in the p95).",
        "Made by `python benchmarks/coverage_visits.py`.", "",
        "## Store", "",
        ("Reused; built by an earlier run " + built.get("built_at", "") + ":") if built.get("reused") else
        f"Built {built.get('built_at', '')}:",
        f"- {fmt(built['fixes'], 0)} fixes: {TRACKERS} trackers, {DAYS} days of September 2026, "
        f"{HOURS[0]}:00–{HOURS[1]}:00 Brussels time, one fix every {EVERY_S} s; {HOTSPOTS} hot spots "
        f"(one in five a polygon), {fmt(REPORTS, 0)} reports",
        f"- CSV written with numpy and DuckDB: {fmt(built['csv_mb'], 0)} MB in {fmt(built['write_s'])} s",
        f"- `etl.fixes.load_fixes_file` (read, validate in SQL, duplicates, outlier flags): {fmt(built['load_s'])} s",
        "", "## Materialising visits", "",
        "| step | seconds | what |", "|---|---:|---|",
        f"| full refresh from nothing | {fmt(made['full_s'])} | {fmt(made['full_devices'], 0)} trackers: "
        f"{fmt(made['visits'], 0)} visits, {fmt(made['duty_days'], 0)} duty days, "
        f"{fmt(made['presence_cells'], 0)} presence cells |",
        f"| load one more day (`load_fixes_file`) | {fmt(made['extra_load_s'])} | {fmt(made['extra_fixes'], 0)} fixes |",
        f"| incremental refresh after that load | {fmt(made['incremental_s'])} | "
        f"{fmt(made['incremental_devices'], 0)} trackers, only their new time range |",
        f"| refresh with nothing to do (a page view's check) | {fmt(made['noop_s'], 3)} | |",
        "", "## Callbacks (target: p95 < 250 ms)", "",
        "| callback | calls | median (ms) | p95 (ms) | max (ms) | CPU median (ms) | response (kB) |",
        "|---|---:|---:|---:|---:|---:|---:|"]
    for name, f in figures.items():
        lines.append(f"| {name} | {f['calls']} | {fmt(f['median_ms'])} | {fmt(f['p95_ms'])} | {fmt(f['max_ms'])} | "
                     f"{fmt(f['cpu_ms'])} | {fmt(f['kb'])} |")
    change = figures["filter change (all 4 callbacks)"]["parts"]
    lines += ["", "filter change, callback by callback:", "", "| output | median (ms) | p95 (ms) |", "|---|---:|---:|"]
    lines += [f"| `{k}` | {fmt(m)} | {fmt(p)} |" for k, (m, p) in change.items()]
    lines += ["", "CPU: the process's CPU time per call (all threads, DuckDB's included): what the work costs "
              "whatever else the machine runs; wall-clock times grow with the load average above.",
              "", "Every call asks another period (month, ISO week, half month) or warden, day or place. "
              "The filter change adds up the four callbacks a period change fires as if run one after the "
              "other; the browser sends them at once, so on the threaded server they overlap. The pages read "
              "only the materialised tables (visits, duty_days, presence_cells), never all fixes; the daily "
              "overview, live and the overview list read the fixes of one day, two days or one circle."]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description="benchmark: coverage on 10 million fixes")
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results-coverage.md")
    parser.add_argument("--smoke", action="store_true", help="5 trackers, 3 days: does the script run?")
    args = parser.parse_args()
    if args.smoke:
        global TRACKERS, DAYS
        TRACKERS, DAYS = 5, 3
    built = build_store(args.db, args.rebuild)
    print(f"store: {built}", file=sys.stderr)
    made = materialise(args.db)
    print(f"materialised: {made}", file=sys.stderr)
    figures = measure(args.calls, args.db)
    text = report(built, made, figures, args.db)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
