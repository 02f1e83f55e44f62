"""Live benchmark (issue 20): phones pushing positions while people use the pages.

    python benchmarks/live.py [--devices 100] [--interval 10] [--minutes 5] [--users 20] [--think-s 1.0]
                              [--db DEMO.duckdb] [--workdir DIR] [--out benchmarks/results-live.md]

1. A demo store (a copy of `--db`, else `python -m etl demo` in the work folder), `--users` core-group
   accounts and one coordinator, the devices `demo-live-001` … registered, and the app served as
   `make run` serves it (`python app.py`, waitress) in a subprocess.
2. For `--minutes`: `--devices` phones (etl/simulate_live.py, half in Traccar Client's query form, half
   in its JSON form) each send one position every `--interval` seconds; the users switch filters on
   CompStat and hot spots as in benchmarks/load_under_import.py; one coordinator watches the Live page's
   positions callback once a second (the page itself asks every 5 s: add up to 5 s for a person).
3. Afterwards the app is stopped and whatever is left in the journal is flushed as a restart would.
   Positions lost = answered 200 but not in `fixes`. Request → visible = from sending a position until
   the watcher first sees that device at that place. Nothing asserts: the figures go to `--out`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
ROOT = BENCHMARKS.parent
sys.path[:0] = [str(ROOT), str(BENCHMARKS)]

from callback_client import BENCH_PASSWORD, HttpUser
from load_under_import import LoadUser, _summary, add_users, demo_store, served

WATCH_EVERY_S = 1.0


def add_coordinator(db: Path) -> str:
    from civ import accounts as users

    name = "bench-coordinator"
    if name not in {u["name"] for u in users.list_users(db)}:
        users.add_user(db, name, "coordinator", BENCH_PASSWORD)
    return name


class LiveWatcher:
    """A coordinator on the Live page: the positions callback once a second; when each device was first
    seen at each place (lat, lon rounded to 6 decimals, as the map gets them)."""

    def __init__(self, base: str, name: str):
        self.http = HttpUser(base, name, BENCH_PASSWORD)
        self.key = next(k for k in self.http.callbacks if "live-positions.data" in k)
        self.first_seen: dict[tuple[str, float, float], float] = {}
        self.timings: list[float] = []
        self.outcomes: Counter = Counter()

    def run(self, stop: threading.Event) -> None:
        tick = 0
        while not stop.is_set():
            tick += 1
            values = {
                "live-tick.n_intervals": tick,
                "live-place.data": None,
                "live-at.data": None,
                "live-lang.data": "nl",
            }
            ms, outcome, new = self.http.post(self.key, values, ["live-tick.n_intervals"])
            seen_at = time.time()
            self.timings.append(ms)
            self.outcomes[outcome] += 1
            for feature in (new.get("live-positions.data") or {}).get("features", []):
                lon, lat = feature["geometry"]["coordinates"]
                self.first_seen.setdefault((feature["properties"]["device"], round(lat, 6), round(lon, 6)), seen_at)
            stop.wait(WATCH_EVERY_S)


def stored_live_positions(db: Path) -> set[tuple[str, str]]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT device_id, ts FROM fixes WHERE device_id LIKE 'demo-live-%'").fetchall()
    finally:
        con.close()
    return {(d, ts.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z") for d, ts in rows}


def run(db: Path, folder: Path, devices: int, interval_s: float, seconds: float, users: int, think_s: float) -> dict:
    from etl import live, simulate_live

    names = add_users(db, users)
    watcher_name = add_coordinator(db)
    ids = simulate_live.device_ids(devices)
    simulate_live.ensure_registered(db, ids)
    tracks = simulate_live.demo_tracks(db, devices)
    acked_log = folder / "acked.jsonl"
    acked_log.unlink(missing_ok=True)
    figures: dict = {
        "devices": devices,
        "interval_s": interval_s,
        "seconds": seconds,
        "users": users,
        "think_s": think_s,
        "cores": os.cpu_count(),
        "load_before": os.getloadavg(),
        "started": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }
    requests_log, changes, lock = [], [], threading.Lock()

    def record(kind, page, key, ms, outcome):
        with lock:
            requests_log.append((kind, page, key, time.monotonic(), ms, outcome))

    with served(db, folder / "app.log") as base:
        time.sleep(4)  # the server reads the register once per round
        crowd = [LoadUser(base, name, 20 + n, think_s, record) for n, name in enumerate(names)]
        watcher = LiveWatcher(base, watcher_name)
        stop = threading.Event()
        until = time.monotonic() + seconds
        workers = [threading.Thread(target=u.run, args=(until, changes), daemon=True) for u in crowd]
        watching = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
        for worker in [*workers, watching]:
            worker.start()
        replay = simulate_live.replay(
            base + "/osmand", ids, tracks, interval_s, duration_s=seconds, acked_log=acked_log
        )
        time.sleep(2 * live.FLUSH_SECONDS + 2)  # the last positions: journal → page, then flushed
        stop.set()
        for worker in [*workers, watching]:
            worker.join(timeout=120)
        figures["load_after"] = os.getloadavg()
    # the app was stopped (SIGTERM, no clean shutdown): what a restart flushes from the journal
    drained = live.LiveIngest(db).flush()
    figures["flushed_after_stop"] = drained["rows_in"] if drained else 0
    acked = [json.loads(line) for line in acked_log.read_text().splitlines()]
    stored = stored_live_positions(db)
    figures["sent"] = replay.summary()
    figures["acknowledged"] = len(acked)
    figures["stored"] = len(stored)
    figures["lost"] = len({(a["device_id"], a["ts"]) for a in acked} - stored)
    delays, unseen = [], 0
    for a in acked:
        seen = watcher.first_seen.get((a["device_id"], round(a["lat"], 6), round(a["lon"], 6)))
        if seen is None or seen < a["sent_at"]:
            unseen += 1
        else:
            delays.append((seen - a["sent_at"]) * 1000)
    figures["visible"] = _summary(delays)
    figures["never_seen_as_latest"] = unseen
    figures["osmand_answer_ms"] = _summary([(s.answered_at - s.sent_at) * 1000 for s in replay.sent])
    figures["live_callback_ms"] = _summary(watcher.timings)
    figures["live_callback_outcomes"] = dict(watcher.outcomes)
    figures["page_callbacks_ms"] = _summary([r[4] for r in requests_log])
    figures["page_callback_outcomes"] = dict(Counter(r[5] for r in requests_log))
    figures["user_changes_ms"] = _summary([c[3] for c in changes])
    return figures


def _ms(s: dict) -> str:
    if not s.get("count"):
        return "–"
    return f"{s['count']} · p50 {s['p50']:.0f} · p95 {s['p95']:.0f} · max {s['max']:.0f}"


def report(f: dict) -> str:
    return "\n".join(
        [
            f"## Live run {f['started']}: {f['devices']} devices every {f['interval_s']:g} s for {f['seconds'] / 60:.1f} min, "
            f"{f['users']} users on CompStat/hot spots, 1 coordinator watching Live",
            "",
            f"Machine: {platform.machine()}, {f['cores']} cores shared with other work; load average before "
            f"{f['load_before'][0]:.1f}, after {f['load_after'][0]:.1f}.",
            "",
            "| figure | value |",
            "|---|---|",
            f"| positions sent · answered 200 | {f['sent']['requests']} · {f['acknowledged']} (answers {f['sent']['statuses']}) |",
            f"| stored in `fixes` · **lost** (200 but not stored) | {f['stored']} · **{f['lost']}** |",
            f"| flushed from the journal after the stop | {f['flushed_after_stop']} |",
            f"| request → visible on Live, ms (watcher polls every {WATCH_EVERY_S:g} s) | {_ms(f['visible'])} |",
            f"| positions never seen while they were a device's latest | {f['never_seen_as_latest']} |",
            f"| /osmand answer, ms | {_ms(f['osmand_answer_ms'])} |",
            f"| Live positions callback, ms | {_ms(f['live_callback_ms'])} ({f['live_callback_outcomes']}) |",
            f"| other pages' callbacks, ms | {_ms(f['page_callbacks_ms'])} ({f['page_callback_outcomes']}) |",
            f"| a user's filter change or page switch, ms | {_ms(f['user_changes_ms'])} |",
            "",
            "A person on the page sees a position up to 5 s later than the watcher (the page asks every 5 s).",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--devices", type=int, default=100)
    parser.add_argument("--interval", type=float, default=10.0)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--think-s", type=float, default=1.0)
    parser.add_argument("--db", help="a demo store to copy (else one is made)")
    parser.add_argument("--workdir", help="work folder (default: a temporary one)")
    parser.add_argument("--out", default=str(BENCHMARKS / "results-live.md"))
    args = parser.parse_args(argv)
    folder = Path(args.workdir or tempfile.mkdtemp(prefix="civ-live-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "civ.duckdb"
    if args.db:
        shutil.copy(args.db, db)
    elif not db.exists():
        db = demo_store(folder)
    figures = run(db, folder, args.devices, args.interval, args.minutes * 60, args.users, args.think_s)
    text = report(figures)
    print(text)
    print(json.dumps(figures, default=str))
    out = Path(args.out)
    previous = out.read_text(encoding="utf-8") if out.exists() else "# Live positions: benchmark results\n\n"
    out.write_text(previous + text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
