"""The benchmark suite: scaled demo data, every measurement in one run, ours beside the peers.

Each measured load runs in its own child process (benchmarks.tasks), so its peak memory is that
process's own maximum resident set (os.wait4). Figures are read as ratios measured side by side in
the same run, because the machine is shared and noisy; the header records its load.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
from benchmarks import geocoding, service
from benchmarks.callbacks import DAILY_OVERVIEW
from etl.demo.scaled import REPORT_MONTHS

MEMORY_TARGET_GB = 4.0
CALLBACK_TARGET_MS = 250
DAILY_OVERVIEW_TARGET_MS, DAILY_OVERVIEW_TARGET_KB = 300, 300  # issue 19: 100 tracks were 1,5 s and 2 MB
HOTSPOT_TARGET_S = 10
VISITS_TARGET_S = 60
EARLIER_RUNS = "## Earlier runs"


@dataclass(frozen=True)
class Sizes:
    name: str
    scale: int  # etl.demo.scaled: trackers = 2 × scale, reports = 20.000 × scale
    days: int  # working days of fixes
    file_days: int  # days per fixes file: the first file is the measured fixes load
    sjoin_rows: int | None  # the geopandas peer's slice (None: every fix)
    calls: int  # calls per callback case
    repeat: int  # hot-spot detections, and runs of each load with its peers (interleaved)
    region: int = 0  # municipalities of the region's lake (local vs Spark); 0: not measured


FULL = Sizes("full", scale=50, days=250, file_days=50, sjoin_rows=5_000_000, calls=30, repeat=3, region=50)
QUICK = Sizes("quick", scale=1, days=10, file_days=5, sjoin_rows=None, calls=5, repeat=1)


@dataclass
class Measured:
    task: str
    figures: dict
    peak_gb: float
    wall_s: float


@dataclass
class Run:
    sizes: Sizes
    workdir: Path
    log: list[str] = field(default_factory=list)
    measured: dict[str, Measured] = field(default_factory=dict)

    def say(self, text: str) -> None:
        line = f"{datetime.now(timezone.utc):%H:%M:%S} {text}"
        self.log.append(line)
        print(line, file=sys.stderr, flush=True)

    def child(self, key: str, task: str, **arguments) -> Measured:
        """Run one task in a child process; its figures, its own peak memory, the whole wall time."""
        self.say(f"{key}: {task} {json.dumps(arguments)}")
        began = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.tasks", task, json.dumps(arguments)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        output = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise RuntimeError(f"{key}: {task} failed with exit code {process.returncode}")
        figures = json.loads(output.strip().splitlines()[-1])
        measured = Measured(task, figures, usage.ru_maxrss / 1024 / 1024, time.perf_counter() - began)
        self.measured[key] = measured
        self.say(f"{key}: {figures.get('seconds', '')} s, peak {measured.peak_gb:.2f} GB")
        return measured


def machine() -> dict:
    def package(name):
        try:
            return version(name)
        except PackageNotFoundError:
            return "niet geïnstalleerd"

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return {
        "cores": os.cpu_count(),
        "ram_gb": round(memory, 1),
        "host": platform.node(),
        "python": platform.python_version(),
        "duckdb": package("duckdb"),
        "pandas": package("pandas"),
        "geopandas": package("geopandas"),
        "shapely": package("shapely"),
        "sqlite": sqlite3.sqlite_version,
    }


def data(run: Run) -> dict:
    """The scaled demo files, written once per workdir and size (reused by a later run)."""
    from etl.demo.scaled import write_scaled_files

    files = run.workdir / f"data-scale{run.sizes.scale}-days{run.sizes.days}"
    record = files / "scaled.json"
    if record.exists():
        written = json.loads(record.read_text())
        if written.get("complete"):
            run.say(f"data reused from {files}")
            return {**written, "reused": True}
    run.say(f"writing scaled data to {files}")
    written = write_scaled_files(files, run.sizes.scale, days=run.sizes.days, file_days=run.sizes.file_days)
    record.write_text(json.dumps({**written, "complete": True}, indent=1), encoding="utf-8")
    return {**written, "reused": False}


def measure(run: Run) -> dict:
    written = data(run)
    store = run.workdir / f"store-{run.sizes.name}.duckdb"
    for stale in (store, store.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    db = str(store)
    reports, fixes = written["reports"]["path"], [f["path"] for f in written["fixes"]]
    run.child("support", "load_support", db=db, hotspots=written["hotspots"], devices=written["devices"])
    # the reports: ours into the store (it stays there for the callbacks), the peers beside it
    side_by_side(run, "reports", reports, store)
    # the first fixes file is the measured load; the others fill the store to its full size
    side_by_side(run, "fixes", fixes[0], store)
    for number, path in enumerate(fixes[1:], start=2):
        run.child(f"fixes ours {number}", "load_ours", db=db, file=path, kind="fixes")
    run.child("visits ours", "visits_ours", db=db)
    run.child(
        "visits sjoin",
        "geopandas_sjoin",
        db=db,
        hotspots=written["hotspots"],
        rows=run.sizes.sjoin_rows or written["fix_rows"],
    )
    run.child("callbacks", "callbacks", db=db, calls=run.sizes.calls)
    run.child("hotspots", "hotspot_detection", db=db, month=written["end_month"], repeat=run.sizes.repeat)
    service.measure(run, store, written["end_month"])
    if run.sizes.region:
        run.child(
            "region", "region_engines", workdir=str(run.workdir / "region"), municipalities=run.sizes.region, targets=3
        )
    geocoding.measure(run, run.workdir)
    return written


def side_by_side(run: Run, kind: str, file: str, store: Path) -> None:
    """Ours, the bare COPY and pandas on the same file, one after the other, `repeat` times: the
    machine is shared, so interleaved runs and their medians are what can be compared. The earlier
    runs of ours load into a copy of the store as it is now; the last one into the store itself."""
    scratch = run.workdir / f"scratch-{kind}.duckdb"
    for attempt in range(1, run.sizes.repeat + 1):
        last = attempt == run.sizes.repeat
        if not last:
            shutil.copyfile(store, scratch)
        run.child(f"{kind} ours #{attempt}", "load_ours", db=str(store if last else scratch), file=file, kind=kind)
        run.child(f"{kind} copy #{attempt}", "duckdb_copy", file=file, kind=kind, workdir=str(run.workdir))
        run.child(f"{kind} pandas #{attempt}", "pandas_sqlite", file=file, kind=kind, workdir=str(run.workdir))
        for stale in (scratch, scratch.with_suffix(".duckdb.wal")):
            stale.unlink(missing_ok=True)
    for who in ("ours", "copy", "pandas"):
        runs = [run.measured.pop(f"{kind} {who} #{a}") for a in range(1, run.sizes.repeat + 1)]
        times = [r.figures["seconds"] for r in runs]
        run.measured[f"{kind} {who}"] = Measured(
            runs[-1].task,
            {**runs[-1].figures, "seconds": statistics.median(times), "times": times},
            max(r.peak_gb for r in runs),
            sum(r.wall_s for r in runs),
        )


def _spread(figures: dict) -> str:
    times = figures.get("times", [])
    if len(times) < 2:
        return "1 run"
    return f"median of {len(times)}, runs {' / '.join(_s(t) for t in times)}"


# --- the results file -----------------------------------------------------------------------------
def _n(value) -> str:
    return f"{int(value):,}".replace(",", ".")


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def _gb(measured: Measured) -> str:
    return f"{measured.peak_gb:.2f} GB"


def _met(ok: bool) -> str:
    return "ja" if ok else "**nee**"


def rows(run: Run) -> list[dict]:
    """One dict per table row; `ok` is whether its target is met."""
    m = run.measured
    result = []
    for kind, label in (("fixes", "load fixes CSV"), ("reports", "load reports CSV (canonical)")):
        ours, copy, pandas = m[f"{kind} ours"], m[f"{kind} copy"], m[f"{kind} pandas"]
        size = f"{_n(ours.figures['rows'])} rows"
        throughput = f"{ours.figures['rows'] / ours.figures['seconds']:,.0f} rows/s".replace(",", ".")
        ratio = ours.figures["seconds"] / copy.figures["seconds"]
        result.append(
            {
                "measurement": f"{label} vs DuckDB bare COPY",
                "size": size,
                "ours": _s(ours.figures["seconds"]),
                "peer": f"COPY {_s(copy.figures['seconds'])}",
                "ratio": f"{ratio:.1f}× the copy",
                "target": "≤ 2× the copy",
                "ok": ratio <= 2,
                "spread": f"ours: {_spread(ours.figures)}; COPY: {_spread(copy.figures)}",
                "throughput": throughput,
                "memory": f"ours {_gb(ours)}, COPY {_gb(copy)}",
            }
        )
        ratio = pandas.figures["seconds"] / ours.figures["seconds"]
        result.append(
            {
                "measurement": f"{label} vs pandas + SQLite",
                "size": size,
                "ours": _s(ours.figures["seconds"]),
                "peer": f"pandas {_s(pandas.figures['seconds'])}",
                "ratio": f"{ratio:.1f}× faster",
                "target": "≥ 5× faster",
                "ok": ratio >= 5,
                "spread": f"ours: {_spread(ours.figures)}; pandas: {_spread(pandas.figures)}",
                "throughput": throughput,
                "memory": f"ours {_gb(ours)}, pandas {_gb(pandas)}",
            }
        )
    visits, sjoin = m["visits ours"], m["visits sjoin"]
    share = visits.figures["rows"] / sjoin.figures["rows"]
    sjoin_whole = sjoin.figures["seconds"] * share
    ratio = sjoin_whole / visits.figures["seconds"]
    sliced = sjoin.figures["rows"] < visits.figures["rows"]
    result.append(
        {
            "measurement": "materialise visits vs geopandas sjoin",
            "size": f"{_n(visits.figures['rows'])} fixes",
            "ours": _s(visits.figures["seconds"]),
            "peer": (
                f"sjoin {_s(sjoin.figures['seconds'])} on {_n(sjoin.figures['rows'])} fixes, "
                f"× {share:.1f} = {_s(sjoin_whole)}"
                if sliced
                else f"sjoin {_s(sjoin.figures['seconds'])}"
            ),
            "ratio": f"{ratio:.1f}× faster",
            "target": f"≥ 10× faster, < {VISITS_TARGET_S} s",
            "ok": ratio >= 10 and visits.figures["seconds"] < VISITS_TARGET_S,
            "spread": "1 run",
            "throughput": f"{visits.figures['rows'] / visits.figures['seconds']:,.0f} fixes/s".replace(",", "."),
            "memory": f"ours {_gb(visits)}, sjoin {_gb(sjoin)}",
        }
    )
    stored = f"{_n(m['reports ours'].figures['loaded'])} reports, {_n(visits.figures['rows'])} fixes"
    for name, f in m["callbacks"].figures.items():
        page = "" if name.startswith("coverage") else "CompStat callback: "
        daily = name == DAILY_OVERVIEW
        target_ms = DAILY_OVERVIEW_TARGET_MS if daily else CALLBACK_TARGET_MS
        result.append(
            {
                "measurement": f"{page}{name}",
                "size": stored,
                "ours": f"p95 {f['p95_ms']:.0f} ms",
                "peer": "–",
                "ratio": "–",
                "target": f"p95 < {target_ms} ms" + (f", < {DAILY_OVERVIEW_TARGET_KB} kB" if daily else ""),
                "ok": f["p95_ms"] < target_ms and (not daily or f["kb"] < DAILY_OVERVIEW_TARGET_KB),
                "spread": f"median {f['median_ms']:.0f} ms, p95 {f['p95_ms']:.0f} ms, max {f['max_ms']:.0f} ms "
                f"({f['calls']} calls; CPU median {f['cpu_ms']:.0f} ms"
                + (
                    f"; {f['callbacks']} callbacks at once, one after the other median {f['sum_median_ms']:.0f} ms)"
                    if "callbacks" in f
                    else ")"
                ),
                "throughput": f"{f['kb']:.0f} kB/response",
                "memory": "–",
            }
        )
    hot = m["hotspots"]
    result.append(
        {
            "measurement": "emerging hot-spot detection, one month",
            "size": f"{_n(hot.figures['rows'])} reports",
            "ours": _s(hot.figures["seconds"]),
            "peer": "–",
            "ratio": "–",
            "target": f"< {HOTSPOT_TARGET_S} s",
            "ok": hot.figures["seconds"] < HOTSPOT_TARGET_S,
            "spread": (
                f"median of {len(hot.figures['times'])}, max {_s(max(hot.figures['times']))}"
                if len(hot.figures["times"]) > 1
                else "1 run"
            ),
            "throughput": f"{hot.figures['results']} results",
            "memory": _gb(hot),
        }
    )
    if "region" in m:
        f = m["region"].figures
        result.append(
            {
                "measurement": "the region: hot spots + CompStat, Spark local[2] vs one process",
                "size": f"{f['municipalities']} municipalities, {f['hotspot_tasks']} tasks",
                "ours": f"Spark {_s(f['spark_s'])}",
                "peer": f"local {_s(f['local_s'])}",
                "ratio": f"{f['spark_s'] / f['local_s']:.1f}× local",
                "target": "same answers",
                "ok": f["same_results"],
                "spread": f"task {f['task_mean_s']:.2f} s, Spark overhead {f['overhead_per_task_s']:.3f} s/task",
                "throughput": f"300 × 60 on 16 × 4 cores ≈ {f['estimate_minutes']['16']} min",
                "memory": _gb(m["region"]),
            }
        )
    loads = {k: v for k, v in m.items() if k.startswith(("fixes ours", "reports ours"))}
    worst = max(loads, key=lambda k: loads[k].peak_gb)
    result.append(
        {
            "measurement": "peak memory of any load (ours)",
            "size": f"{len(loads)} loads",
            "ours": _gb(loads[worst]),
            "peer": "–",
            "ratio": "–",
            "target": f"< {MEMORY_TARGET_GB:.0f} GB",
            "ok": loads[worst].peak_gb < MEMORY_TARGET_GB,
            "spread": f"worst: {worst}",
            "throughput": "–",
            "memory": _gb(loads[worst]),
        }
    )
    return result + geocoding.rows(run) + service.rows(run)


def write_results(run: Run, path: Path, info: dict, written: dict, started: datetime, wall_s: float) -> None:
    table = rows(run)
    m = run.measured
    lines = [
        "# Benchmark results",
        "",
        f"Made by `python -m benchmarks{' --quick' if run.sizes.name == 'quick' else ''}` "
        f"({run.sizes.name} sizes) on {started:%Y-%m-%d}, {started:%H:%M} UTC, in {wall_s / 60:.1f} minutes.",
        "",
        f"- machine: {info['host']}, {info['cores']} cores, {info['ram_gb']} GB RAM; load average "
        f"{info['load_start']} at the start, {info['load_end']} at the end (the machine is shared: other work "
        "shows in wall-clock times, which is why ours and its peers are measured side by side)",
        f"- versions: Python {info['python']}, DuckDB {info['duckdb']}, pandas {info['pandas']}, geopandas "
        f"{info['geopandas']} (shapely {info['shapely']}), SQLite {info['sqlite']}",
        f"- data: `etl.demo.scaled` at scale {written['scale']}: {written['trackers']} trackers × {written['days']} "
        f"working days at one fix per 15 s = {_n(written['fix_rows'])} fixes in {len(written['fixes'])} files; "
        f"{_n(written['reports']['rows'])} reports over {REPORT_MONTHS} months"
        + (" (files reused from an earlier run)" if written["reused"] else f" (written in {written['seconds']} s)"),
        "",
        "| measurement | size | ours | peer(s) | ratio | target | met? | median / p95 | throughput | peak memory |",
        "|---|---|---:|---|---:|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['measurement']} | {r['size']} | {r['ours']} | {r['peer']} | {r['ratio']} | {r['target']} | "
        f"{_met(r['ok'])} | {r['spread']} | {r['throughput']} | {r['memory']} |"
        for r in table
    ]
    others = [k for k in m if k.startswith("fixes ours ")]
    lines += [
        "",
        "Every row is measured in this one run, each load in its own child process "
        "(peak memory = that process's maximum resident set, the largest of its runs). Each load and its "
        "two peers run one after the other, that round repeated, and the medians are compared. Ours = the command-line path "
        "(`python -m etl fixes|reports`: read, validate, quarantine, dedupe, outlier flags, store). "
        "The peers: DuckDB's bare `COPY` into a typed table with no checks; pandas `read_csv`, "
        "vectorised checks (types, ranges, 0,0, and for fixes the same jump rule as ours), "
        "`drop_duplicates`, `to_sql` into SQLite with pandas' defaults; geopandas `sjoin` (predicate "
        "`within`) of the fixes as points in the hot spots (circles buffered in Lambert 72), which does "
        "only the point-in-polygon step of what ours materialises (visits, duty days, presence cells).",
    ]
    if others:
        lines += ["", "Filling the store to its full size (the other fixes files, each its own load):", ""]
        lines += [
            f"- {k}: {_n(m[k].figures['rows'])} rows in {_s(m[k].figures['seconds'])}, peak {_gb(m[k])}" for k in others
        ]
    # the history of earlier figures stays below each new run
    earlier = path.read_text(encoding="utf-8") if path.exists() else ""
    if EARLIER_RUNS in earlier:
        lines += ["", earlier[earlier.index(EARLIER_RUNS) :].rstrip()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(quick: bool, out: Path, workdir: Path | None) -> int:
    sizes = QUICK if quick else FULL
    workdir = workdir or Path("/tmp/civ-bench") / f"suite-{sizes.name}"
    workdir.mkdir(parents=True, exist_ok=True)
    run = Run(sizes, workdir)
    started = datetime.now(timezone.utc)
    began = time.perf_counter()
    info = machine()
    info["load_start"] = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    written = measure(run)
    info["load_end"] = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    write_results(run, out, info, written, started, time.perf_counter() - began)
    # analytical validity (issue 22): its own section after the speed figures
    from benchmarks.validity import section

    text = out.read_text(encoding="utf-8")
    cut = text.index(EARLIER_RUNS) if EARLIER_RUNS in text else len(text)
    out.write_text(text[:cut].rstrip() + "\n" + "\n".join(section(quick)) + "\n\n" + text[cut:], encoding="utf-8")
    run.say(f"results in {out}")
    return 0
