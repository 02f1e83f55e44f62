"""Benchmark: the CompStat page's callbacks on a store of 1.000.000 reports over 5 years.

    python benchmarks/compstat_callbacks.py [--db PATH] [--rebuild] [--calls 30] [--out benchmarks/results-compstat.md]

1. The store: a canonical CSV (`;`, dd/mm/yyyy uu:mm, Brussels time) written with numpy and loaded
   through etl.reports.load_reports_file, the path a real import takes, so the load is measured too.
   An existing store with at least 1.000.000 reports is reused unless --rebuild.
2. The callbacks, through Flask's test client (logged in as a `kerngroep` user, so login, role
   check and security headers are part of every call) posting to /_dash-update-component exactly as the
   browser does (so JSON in and out is measured, not only the analytics): the table, the map (marker
   columns, which the browser turns into the clustered layer, and grid), and a filter change (every callback one change fires, one after the other, as
   one 2-core server would run them). Each over `--calls` calls with a different month or filter per
   call, median and 95th percentile in milliseconds.
Target (issue 3): p95 under 250 ms on this 2-core machine. A benchmark, not a test: nothing asserts.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from callback_client import Callbacks

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REPORTS = 1_000_000
YEARS = 5
DEFAULT_DB = Path("/tmp/civ-bench/compstat-1m.duckdb")

CATEGORIES = {  # code: share of the reports
    "sluikstort": .16, "zwerfvuil": .12, "hondenpoep": .08, "glasbol": .05, "geluidshinder": .08,
    "hangjongeren": .04, "burenhinder": .05, "overlast": .04, "hinderlijke_begroeiing": .05, "wildplakken": .02,
    "graffiti": .03, "vandalisme": .03, "huisnummer": .01, "defect_openbaar_domein": .06, "ongedierte": .02,
    "foutparkeren": .06, "verkeersoverlast": .04, "diefstal": .02, "inbraak": .01, "geweld": .01, "drugs": .01,
    "overig": .01}
CHANNELS = {"email": .25, "post": .05, "facebook": .08, "probleembox": .15, "via": .03, "politie": .14,
            "gemeentedienst": .1, "vaststelling": .1, "telefoon": .06, "loket": .02, "online": .02}
# Where reports gather (lat, lon, spread in degrees): centres of Asse, Zellik, Mollem, Kobbegem, Relegem,
# Bekkerzeel and the station area; the rest is spread over the municipality's box.
CENTRES = [(50.9102, 4.1985, .006), (50.8876, 4.2709, .005), (50.9272, 4.2202, .004), (50.9057, 4.2530, .003),
           (50.9019, 4.2796, .003), (50.8875, 4.2379, .003), (50.9106, 4.2043, .002)]
ASSE_BOX = (50.885, 4.14, 50.942, 4.30)   # south, west, north, east


# --- the store -----------------------------------------------------------------------------------
def write_reports_csv(path: Path, count: int = REPORTS, end: datetime | None = None, seed: int = 20261031) -> None:
    """`count` canonical reports over the YEARS years before `end` (local times), written with numpy."""
    rng = np.random.default_rng(seed)
    end = end or datetime.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    start = end.replace(year=end.year - YEARS)
    span_minutes = int((end - start).total_seconds() // 60)
    # a slow upward trend and a summer peak, as nuisance reports have
    minutes = np.sort(rng.integers(0, span_minutes, size=count * 2))
    month = ((np.datetime64(start, "m") + minutes.astype("timedelta64[m]")).astype("datetime64[M]").astype(int) % 12)
    weight = (1 + 0.25 * np.cos((month - 6) / 12 * 2 * np.pi)) * (0.8 + 0.4 * minutes / span_minutes)
    keep = rng.random(minutes.size) < weight / weight.max()
    minutes = rng.permutation(minutes[keep])[:count]
    reported = np.datetime64(start, "m") + np.sort(minutes).astype("timedelta64[m]")
    categories = rng.choice(list(CATEGORIES), size=count, p=_p(CATEGORIES))
    channels = rng.choice(list(CHANNELS), size=count, p=_p(CHANNELS)).astype(object)
    boxes = channels == "probleembox"
    channels[boxes] = np.char.add("probleembox ", rng.integers(1, 14, boxes.sum()).astype(str))
    centre = rng.integers(0, len(CENTRES) + 2, size=count)            # two shares spread over the box
    lat = rng.uniform(ASSE_BOX[0], ASSE_BOX[2], count)
    lon = rng.uniform(ASSE_BOX[1], ASSE_BOX[3], count)
    for i, (c_lat, c_lon, spread) in enumerate(CENTRES):
        at = centre == i
        lat[at] = rng.normal(c_lat, spread, at.sum())
        lon[at] = rng.normal(c_lon, spread * 1.6, at.sum())
    located = rng.random(count) > 0.1
    status = rng.choice(["afgesloten", "open", "in behandeling"], size=count, p=[.72, .18, .10])
    closed = reported + (rng.exponential(6 * 24 * 60, count).astype(int) + 30).astype("timedelta64[m]")
    closed_text = pd.Series(pd.to_datetime(closed).strftime("%d/%m/%Y %H:%M"))
    closed_text[status != "afgesloten"] = ""
    frame = pd.DataFrame({
        "id": np.char.add("B", np.arange(count).astype(str)),
        "datum": pd.to_datetime(reported).strftime("%d/%m/%Y %H:%M"),
        "categorie": categories, "kanaal": channels,
        "lat": np.where(located, np.round(lat, 6).astype(str), ""),
        "lon": np.where(located, np.round(lon, 6).astype(str), ""),
        "status": status, "afgesloten_op": closed_text})
    frame.to_csv(path, sep=";", index=False)


def _p(shares: dict) -> np.ndarray:
    p = np.array(list(shares.values()), dtype=float)
    return p / p.sum()


def build_store(db: Path, rebuild: bool) -> dict:
    from etl.reports import load_reports_file
    from etl.store import reading

    record = db.with_suffix(".build.json")          # how the store was built, for a run that reuses it
    if db.exists() and not rebuild:
        with reading(db) as con:
            have = con.execute("SELECT count(*) FROM reports").fetchone()[0]
        if have >= REPORTS * 0.99:
            built = json.loads(record.read_text()) if record.exists() else {}
            return {**built, "reused": True, "reports": have}
    for stale in (db, db.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    csv_path = db.with_suffix(".csv")
    began = time.perf_counter()
    write_reports_csv(csv_path)
    written = time.perf_counter()
    result = load_reports_file(db, csv_path)
    loaded = time.perf_counter()
    built = {"reused": False, "reports": result.loaded, "quarantined": result.quarantined,
             "csv_mb": csv_path.stat().st_size / 1e6, "write_s": written - began, "load_s": loaded - written,
             "built_at": f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC"}
    record.write_text(json.dumps(built), encoding="utf-8")
    return built


# --- the callbacks ------------------------------------------------------------------------------




def view(period: str, group: str = "all", area: str = "all", mode: str = "markers", by: str = "category") -> dict:
    return {"compstat-period.value": period, "compstat-area.value": area, "compstat-group.value": group,
            "compstat-channel.value": "all", "compstat-by.value": by, "compstat-map-mode.value": mode,
            "compstat-lang.data": "nl", "compstat-first.data": None,
            "compstat-map-points.clickData": None, "compstat-map-grid.clickData": None}


FILTER_CHANGE = ["compstat-url.search", "compstat-table.rowData", "compstat-kpis.children",
                 "compstat-map-columns.data", "compstat-followup.children", "compstat-reports.children"]


def measure(calls: int, db: Path) -> dict:
    from analytics.periods import Period
    from app import create_app

    app = create_app(db)
    callbacks = Callbacks(app, db)
    last = Period.last_complete_month()
    months = [last.code]
    while len(months) < 12:
        months.append(Period.parse(months[-1]).previous().code)
    groups = ["afval", "overlast", "openbare ruimte", "verkeer", "criminaliteit", "all"]
    areas = ["all", "23002A", "23002B", "23002C", "23002D", "23002E", "23002F"]
    cases = {
        "table (per categorie)": lambda i: [("compstat-table.rowData", view(months[i % 12]), "compstat-period.value")],
        "table (categorie × deelgemeente)": lambda i: [("compstat-table.rowData",
                                                        view(months[i % 12], by="category,area"), "compstat-by.value")],
        "KPI cards": lambda i: [("compstat-kpis.children", view(months[i % 12]), "compstat-period.value")],
        "follow-up block": lambda i: [("compstat-followup.children", view(months[i % 12]), "compstat-period.value")],
        "map: markers (clustered layer)": lambda i: [("compstat-map-columns.data", view(months[i % 12]),
                                                      "compstat-period.value")],
        "map: grid of change": lambda i: [("compstat-map-columns.data", view(months[i % 12], mode="change"),
                                           "compstat-map-mode.value")],
        "filter change (all 6 callbacks)": lambda i: [
            (output, view(months[i % 3], group=groups[i % len(groups)], area=areas[i % len(areas)]),
             "compstat-group.value") for output in FILTER_CHANGE],
    }
    figures = {"_load": [os.getloadavg()[0], 0.0]}
    for name, requests in cases.items():
        for warm in range(2):                      # first calls load code paths and the file's pages
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
                         "max_ms": max(times), "calls": calls, "median_kb": statistics.median(sizes) / 1000,
                         "cpu_ms": statistics.median(cpus),
                         "parts": {k: (statistics.median(v), float(np.percentile(v, 95))) for k, v in parts.items()}
                         if len(parts) > 1 else {}}
        print(f"{name:<36} median {figures[name]['median_ms']:7.1f} ms   p95 {figures[name]['p95_ms']:7.1f} ms"
              f"   cpu {figures[name]['cpu_ms']:7.1f} ms   response {figures[name]['median_kb']:8.1f} kB", file=sys.stderr)
        for part, (median, p95) in figures[name]["parts"].items():
            print(f"    {part:<32} median {median:7.1f} ms   p95 {p95:7.1f} ms", file=sys.stderr)
    figures["_load"][1] = os.getloadavg()[0]
    return figures


def write_results(path: Path, store: dict, figures: dict, db: Path, label: str | None = None,
                  append: bool = False) -> None:
    lines = [f"## {label}" if label else "# CompStat callbacks: benchmark results", ""]
    if append:
        _append(path, lines, figures, db)
        return
    lines += [
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.node() or 'this machine'} "
        f"({os.cpu_count()} CPUs, Python {platform.python_version()}), store `{db}`, "
        f"load average before/after {figures['_load'][0]:.1f}/{figures['_load'][1]:.1f} (other work on the machine "
        "shows in the p95).",
        "Made by `python benchmarks/compstat_callbacks.py`; each figure is the server time of Flask's test client "
        "posting to `/_dash-update-component`, as the browser does (JSON in and out included). "
        "CPU is the process time of the call (all DuckDB threads together): it does not grow when other work "
        "on the machine slows the wall clock down.",
        "",
        "## Store",
        "",
    ]
    if store["reused"]:
        lines.append(f"Reused, {_n(store['reports'])} reports; built by an earlier run"
                     + (f" ({store['built_at']}):" if "built_at" in store else " (`--rebuild` measures the load)."))
    if "load_s" in store:
        lines += [f"- {_n(store['reports'])} reports loaded ({_n(store['quarantined'])} quarantined) over {YEARS} years",
                  f"- canonical CSV written with numpy: {store['csv_mb']:.0f} MB in {store['write_s']:.1f} s",
                  f"- `etl.reports.load_reports_file` (read, validate in SQL, areas, load): {store['load_s']:.1f} s"]
    lines += ["", "## Callbacks (target: p95 < 250 ms)", ""]
    lines += _table(figures)
    lines += ["", "A different month (and, for the filter change, another category group and sub-municipality) "
                  "is asked on every call. The filter change adds up the six callbacks one change fires "
                  "(URL, table, KPI cards, map, follow-up, report list) as if run one after the other; "
                  "the browser sends them at once, so on the threaded server they overlap."]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _append(path: Path, lines: list[str], figures: dict, db: Path) -> None:
    lines += [f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, store `{db}`, load average before/after "
              f"{figures['_load'][0]:.1f}/{figures['_load'][1]:.1f}.", ""] + _table(figures)
    with path.open("a", encoding="utf-8") as out:
        out.write("\n" + "\n".join(lines) + "\n")


def _table(figures: dict) -> list[str]:
    lines = ["| callback | calls | median (ms) | p95 (ms) | max (ms) | CPU, median (ms) | response (kB) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    figures = {k: v for k, v in figures.items() if not k.startswith("_")}
    for name, f in figures.items():
        lines.append(f"| {name} | {f['calls']} | {f['median_ms']:.1f} | {f['p95_ms']:.1f} | {f['max_ms']:.1f} | "
                     f"{f['cpu_ms']:.1f} | {f['median_kb']:.1f} |")
    for name, f in figures.items():
        if f["parts"]:
            lines += ["", f"{name}, callback by callback:", "", "| output | median (ms) | p95 (ms) |", "|---|---:|---:|"]
            lines += [f"| `{part}` | {median:.1f} | {p95:.1f} |" for part, (median, p95) in f["parts"].items()]
    return lines


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark of the CompStat callbacks on 1.000.000 reports.")
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help=f"store to build or reuse (default {DEFAULT_DB})")
    parser.add_argument("--rebuild", action="store_true", help="build the store again, even when it exists")
    parser.add_argument("--calls", type=int, default=30, help="calls per callback (at least 30)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results-compstat.md")
    parser.add_argument("--label", help="a heading for this run (e.g. what was changed before it)")
    parser.add_argument("--append", action="store_true", help="add this run to --out instead of replacing it")
    args = parser.parse_args(argv)
    store = build_store(args.db, args.rebuild)
    print(f"store: {json.dumps(store)}", file=sys.stderr)
    figures = measure(max(args.calls, 30), args.db)
    write_results(args.out, store, figures, args.db, label=args.label, append=args.append)
    print(f"results in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
