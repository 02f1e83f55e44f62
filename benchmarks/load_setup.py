"""The load test's set-up (benchmarks/load_under_import.py): a demo store with users, the app served as
`make run` serves it in a process of its own, and a real import in another, with the counts that
show nothing was lost."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

BENCHMARKS = Path(__file__).resolve().parent
ROOT = BENCHMARKS.parent
sys.path[:0] = [str(ROOT), str(BENCHMARKS)]

from app import THREADS  # the project folder is on the path only now

PASSWORD = "last-test-wachtwoord"


# --- the store, the app and the import -------------------------------------------------------------
def demo_store(folder: Path) -> Path:
    db = folder / "civ.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "etl", "demo", "--db", str(db), "--json"], cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"demo store failed: {done.stderr[-2000:]}")
    return db


def add_users(db: Path, count: int) -> list[str]:
    from civ import accounts as users

    existing = {u["name"] for u in users.list_users(db)}
    names = [f"last-{n:02d}" for n in range(1, count + 1)]
    for name in names:
        if name not in existing:
            users.add_user(db, name, "kerngroep", PASSWORD)
    return names


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(db: Path, log: Path, threads: int = THREADS, start_timeout_s: float = 300) -> Iterator[str]:
    """`python app.py --host 127.0.0.1 --port FREE --db DB` (as `make run`), until it answers /login."""
    import requests

    port = _free_port()
    with log.open("w") as out:
        app = subprocess.Popen(
            [
                sys.executable,
                "app.py",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--db",
                str(db),
                "--threads",
                str(threads),
            ],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout_s
        while True:
            if app.poll() is not None:
                raise RuntimeError(f"the app stopped (exit {app.returncode}): {log.read_text()[-2000:]}")
            try:
                if requests.get(f"{base}/login", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the app did not answer within {start_timeout_s:.0f} s")
            time.sleep(0.5)
        yield base
    finally:
        app.terminate()
        try:
            app.wait(timeout=20)
        except subprocess.TimeoutExpired:
            app.kill()
            app.wait()


def write_import_files(folder: Path, report_rows: int, fix_rows: int, seed: int = 8) -> list[tuple[str, Path]]:
    """A canonical reports CSV (the scaled demo's generator: five years up to the demo's last month) and a
    fixes CSV of one tracker walking through Asse every 10 s in the last days of the demo data."""
    from etl.demo.scaled import write_reports
    from etl.demo.scenario import Timeline

    reports = folder / "import-meldingen.csv"
    write_reports(reports, np.random.default_rng(seed), report_rows, Timeline.ending("2026-10"))
    rng = np.random.default_rng(seed)
    start = datetime(2026, 10, 20, 6, 0, tzinfo=timezone.utc)
    steps = rng.normal(0, 0.00008, size=(fix_rows, 2)).cumsum(axis=0)
    fixes = folder / "import-gps.csv"
    with fixes.open("w") as out:
        out.write("device_id,timestamp,lat,lon\n")
        for n, (d_lat, d_lon) in enumerate(steps):
            moment = start + timedelta(seconds=10 * n)
            out.write(f"TRK-LAST,{moment:%Y-%m-%dT%H:%M:%SZ},{50.9102 + d_lat:.6f},{4.1985 + d_lon:.6f}\n")
    return [("reports", reports), ("fixes", fixes)]


def run_import(db: Path, files: list[tuple[str, Path]]) -> dict:
    """Each file through `python -m etl KIND FILE --db DB --json`, one after the other, timed."""
    began, loads = time.perf_counter(), []
    for kind, path in files:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "etl", kind, str(path), "--db", str(db), "--json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        lines = done.stdout.strip().splitlines()
        loads.append(
            {
                "kind": kind,
                "exit": done.returncode,
                "seconds": time.perf_counter() - started,
                "json": json.loads(lines[-1]) if done.returncode == 0 and lines else None,
                "stderr": done.stderr[-1000:] if done.returncode else "",
            }
        )
    return {"loads": loads, "seconds": time.perf_counter() - began}


def store_counts(db: Path) -> dict:
    from civ.store import reading, scalar

    with reading(db) as con:
        return {table: scalar(con, f"SELECT count(*) FROM {table}") for table in ("reports", "fixes", "quarantine")}


def import_accounts(result: dict, before: dict, after: dict) -> list[str]:
    """What does not add up (empty: the import completed and nothing was lost)."""
    problems = []
    grown = {"reports": 0, "fixes": 0, "quarantine": 0}
    for load in result["loads"]:
        if load["exit"] != 0 or not load["json"]:
            problems.append(f"{load['kind']}: exit {load['exit']} {load['stderr']}")
            continue
        j = load["json"]
        if j["status"] != "loaded":
            problems.append(f"{load['kind']}: status {j['status']}")
        if j["rows_in"] != j["loaded"] + j["quarantined"] + j["duplicates"]:
            problems.append(f"{load['kind']}: rows_in {j['rows_in']} != loaded + quarantined + duplicates")
        grown[load["kind"]] += j["loaded"] - j["updated"]
        grown["quarantine"] += j["quarantined"]
    for table, expected in grown.items():
        if after[table] - before[table] != expected:
            problems.append(f"{table}: grew by {after[table] - before[table]}, the imports say {expected}")
    return problems
