"""Load test (issue 8): logged-in users switching filters on CompStat and hot spots while an import runs.

    python benchmarks/load_under_import.py [--users 20] [--seconds 60] [--import-rows 200000]
                                           [--think-s 1.0] [--out benchmarks/results-load.md]

1. A demo store in a temporary folder (`python -m etl demo --db`), `--users` accounts of the core
   group (civ.accounts), and the app served as `make run` serves it (`python app.py`: waitress, on
   127.0.0.1 and a free port) in a subprocess of its own.
2. Every user logs in through the real /login form (benchmarks/callback_client.HttpUser: one
   keep-alive session, as a browser) and then, for `--seconds`, repeats: open the other page (one time
   in five: the page's routing callback, then its initial callbacks) or change one filter on the open
   page (a random other option of month, sub-municipality, category group, channel, grouping or map
   mode on /compstat; month, group, class or "defined hot spots" on /hotspots), posting exactly the
   callbacks the browser posts for that change — those whose inputs changed, in parallel (up to 6
   connections, as a browser), then the ones their outputs feed — and waits a random think time of
   0–2 × `--think-s` seconds before the next change. A change's latency is the wall time until its
   last callback answered.
3. A few seconds in, a real import in another process: `python -m etl reports` of a canonical CSV of
   `--import-rows` reports over five years, then `python -m etl fixes` of `--import-rows / 10` fixes.
   The same import on a copy of the store with no load gives the time without load.
4. Afterwards: every import exited 0, its `--json` says rows_in == loaded + quarantined + duplicates,
   and the store's reports, fixes and quarantine grew by exactly that; every request answered 200
   (errors counted by kind: timeouts, 204 "no update", 401, 5xx, …).
Target (issue 8): p95 under 500 ms, zero errors, the import completes, nothing lost. A benchmark:
nothing asserts here (tests/browser/test_load_under_import.py runs a short version that does).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

BENCHMARKS = Path(__file__).resolve().parent
ROOT = BENCHMARKS.parent
sys.path[:0] = [str(ROOT), str(BENCHMARKS)]

# the project and benchmarks folders are on the path only now
from callback_client import HttpUser
from load_setup import (
    PASSWORD,
    add_users,
    demo_store,
    import_accounts,
    run_import,
    served,
    store_counts,
    write_import_files,
)

from app import THREADS

PAGES = {  # the filters a user changes on each page
    "/compstat": [
        "compstat-period",
        "compstat-area",
        "compstat-group",
        "compstat-channel",
        "compstat-by",
        "compstat-map-mode",
    ],
    "/hotspots": ["hotspots-month", "hotspots-group", "hotspots-class", "hotspots-defined"],
}
RECENT_PERIODS = 12  # users look at the last year's months, not at 2021
PAGE_SWITCH_SHARE = 0.2
MAX_CHAIN = 4  # rounds of callbacks fed by the outputs of the round before


# --- the users ---------------------------------------------------------------------------------------
def _components(tree, found: dict) -> None:
    """Every prop of every component with an id in a layout (Dash's JSON), as {"id.prop": value}."""
    if isinstance(tree, list):
        for child in tree:
            _components(child, found)
    elif isinstance(tree, dict):
        props = tree.get("props")
        if isinstance(props, dict):
            if isinstance(props.get("id"), str):
                for prop, value in props.items():
                    if prop != "children":
                        found[f"{props['id']}.{prop}"] = value
            _components(props.get("children"), found)
            for value in props.values():  # layouts inside other props (tabs, tooltips)
                if isinstance(value, (dict, list)) and value is not props.get("children"):
                    _components(value, found)


def _option_values(options) -> list:
    return [
        o["value"] if isinstance(o, dict) else o
        for o in options or []
        if not (isinstance(o, dict) and o.get("disabled"))
    ]


class LoadUser:
    """One logged-in user switching between the two pages and changing filters, recording every request."""

    def __init__(self, base: str, name: str, seed: int, think_s: float, record):
        self.http = HttpUser(base, name, PASSWORD)
        self.random = random.Random(seed)
        self.think_s, self.record = think_s, record
        self.page: str | None = None
        self.values: dict = {}
        self.pool = ThreadPoolExecutor(max_workers=6)

    def _round(self, keys: list[str], changed: list[str], kind: str) -> set[str]:
        """Post `keys` in parallel; the props their answers set."""
        answers = list(self.pool.map(lambda key: (key, *self.http.post(key, self.values, changed)), keys))
        updated = set()
        for key, ms, outcome, new in answers:
            self.record(kind, self.page, key, ms, outcome)
            self.values.update(new)
            updated |= set(new)
        return updated

    def _settle(self, props: set[str], first: list[str], kind: str) -> None:
        """The callbacks of one user action: `first`, then those fed by what they set, as the renderer does."""
        done, keys, changed = set(), first, sorted(props)
        for _ in range(MAX_CHAIN):
            keys = [k for k in keys if k not in done]
            if not keys:
                return
            done |= set(keys)
            changed = sorted(self._round(keys, changed, kind))
            keys = self.http.fired_by(set(changed))

    def open_page(self, path: str) -> None:
        self.page, self.values = path, {"_pages_location.pathname": path, "_pages_location.search": ""}
        location = {"_pages_location.pathname", "_pages_location.search"}
        self._round(self.http.fired_by(location), ["_pages_location.pathname"], "page")
        layout = {}
        _components(self.values.get("_pages_content.children"), layout)
        self.values.update(layout)
        ids = {key.split(".")[0] for key in layout}
        initial = [
            k
            for k, spec in self.http.callbacks.items()
            if not spec.get("prevent_initial_call") and spec["inputs"] and all(i["id"] in ids for i in spec["inputs"])
        ]
        self._settle(set(), initial, "page")

    def change_filter(self) -> None:
        component = self.random.choice([c for c in PAGES[self.page] if f"{c}.value" in self.values])
        current = self.values[f"{component}.value"]
        options = _option_values(self.values.get(f"{component}.options"))
        if isinstance(current, list):  # a checklist: on or off
            new = [] if current else options[:1]
        else:
            if component.endswith(("-period", "-month")):
                options = sorted((o for o in options if isinstance(o, str)), reverse=True)[:RECENT_PERIODS]
            choices = [o for o in options if o != current]
            if not choices:
                return
            new = self.random.choice(choices)
        self.values[f"{component}.value"] = new
        prop = f"{component}.value"
        self._settle({prop}, self.http.fired_by({prop}), "filter")

    def run(self, until: float, changes: list) -> None:
        try:
            while time.monotonic() < until:
                began = time.perf_counter()
                if self.page is None or self.random.random() < PAGE_SWITCH_SHARE:
                    target = "/hotspots" if self.page == "/compstat" else "/compstat"
                    if self.page is None:
                        target = self.random.choice(list(PAGES))
                    self.open_page(target)
                    kind = "page"
                else:
                    self.change_filter()
                    kind = "filter"
                changes.append((kind, self.page, time.monotonic(), (time.perf_counter() - began) * 1000))
                time.sleep(self.random.uniform(0, 2 * self.think_s))
        finally:
            self.pool.shutdown(wait=True)


# --- one run -----------------------------------------------------------------------------------------
def run_load(
    db: Path,
    folder: Path,
    users: int,
    seconds: float,
    import_rows: int,
    think_s: float = 1.0,
    import_after_s: float = 5.0,
    baseline: bool = True,
    seed: int = 8,
    threads: int = THREADS,
) -> dict:
    """The whole run on store `db` (changed: users added, the import loaded). Returns the figures."""
    names = add_users(db, users)
    files = write_import_files(folder, import_rows, max(import_rows // 10, 100), seed)
    figures: dict = {
        "users": users,
        "seconds": seconds,
        "import_rows": import_rows,
        "think_s": think_s,
        "threads": threads,
        "cores": os.cpu_count(),
        "load_before": os.getloadavg(),
    }
    if baseline:
        copy = folder / "zonder-last.duckdb"
        shutil.copy(db, copy)
        figures["import_without_load"] = run_import(copy, files)
        copy.unlink()
    before = store_counts(db)
    requests_log, changes, lock = [], [], threading.Lock()

    def record(kind, page, key, ms, outcome):
        with lock:
            requests_log.append((kind, page, key, time.monotonic(), ms, outcome))

    with served(db, folder / "app.log", threads) as base:
        crowd = [LoadUser(base, name, seed + n, think_s, record) for n, name in enumerate(names)]
        began = time.monotonic()
        until = began + seconds
        workers = [threading.Thread(target=u.run, args=(until, changes), daemon=True) for u in crowd]
        for worker in workers:
            worker.start()
        time.sleep(min(import_after_s, seconds / 4))
        import_began = time.monotonic()
        imported = run_import(db, files)
        import_ended = time.monotonic()
        for worker in workers:
            worker.join(timeout=seconds + 120)
        figures["stuck_users"] = sum(w.is_alive() for w in workers)
        figures["load_after"] = os.getloadavg()
        after = store_counts(db)
    figures.update(
        import_with_load=imported,
        counts_before=before,
        counts_after=after,
        import_problems=import_accounts(imported, before, after),
        import_window_s=(import_began - began, import_ended - began),
    )
    figures["requests"] = _summary([r[4] for r in requests_log])
    figures["outcomes"] = dict(Counter(r[5] for r in requests_log))
    figures["errors"] = {k: v for k, v in figures["outcomes"].items() if k != "200"}
    during = [r[4] for r in requests_log if import_began <= r[3] and r[3] - r[4] / 1000 <= import_ended]
    figures["requests_during_import"] = _summary(during)
    figures["requests_outside_import"] = _summary(
        [r[4] for r in requests_log if not (import_began <= r[3] and r[3] - r[4] / 1000 <= import_ended)]
    )
    figures["by_page"] = {
        f"{kind} {page}": _summary([c[3] for c in changes if c[0] == kind and c[1] == page])
        for kind in ("filter", "page")
        for page in PAGES
    }
    figures["changes"] = _summary([c[3] for c in changes])
    # when the failed requests started, in seconds since the users began (the import's window is above)
    figures["errors_by_callback"] = dict(Counter(f"{r[2][:40]} {r[5]}" for r in requests_log if r[5] != "200"))
    figures["errors_started_at_s"] = sorted(round(r[3] - r[4] / 1000 - began, 1) for r in requests_log if r[5] != "200")
    log = (folder / "app.log").read_text(errors="replace").splitlines()
    figures["app_log_warnings"] = [
        line
        for line in log
        if "mislukt" in line or "Traceback" in line or ("WARNING" in line and "queue depth" not in line)
    ][:20]
    figures["slowest_callbacks"] = _slowest(requests_log)
    return figures


def _summary(ms: list[float]) -> dict:
    if not ms:
        return {"count": 0}
    return {
        "count": len(ms),
        "p50": float(np.percentile(ms, 50)),
        "p95": float(np.percentile(ms, 95)),
        "max": float(max(ms)),
    }


def _slowest(requests_log: list) -> list[tuple[str, dict]]:
    by_key: dict[str, list[float]] = {}
    for _, _page, key, _, ms, _ in requests_log:
        by_key.setdefault(key if len(key) < 60 else key[:57] + "…", []).append(ms)
    ranked = sorted(((key, _summary(ms)) for key, ms in by_key.items()), key=lambda kv: -kv[1]["p95"])
    return ranked[:8]


# --- the report --------------------------------------------------------------------------------------
def _row(name: str, s: dict) -> str:
    if not s.get("count"):
        return f"| {name} | 0 | – | – | – |"
    return f"| {name} | {s['count']} | {s['p50']:.0f} | {s['p95']:.0f} | {s['max']:.0f} |"


def report(figures: dict, label: str | None = None) -> str:
    f = figures
    lines = [
        f"## {label}" if label else "# Load under import: results",
        "",
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.node() or 'this machine'} "
        f"({f['cores']} cores, Python {platform.python_version()}); load average (1/5/15 min) before "
        f"{'/'.join(f'{x:.1f}' for x in f['load_before'])}, after {'/'.join(f'{x:.1f}' for x in f['load_after'])} "
        "(other work on the machine is included).",
        f"{f['users']} logged-in users, {f['seconds']:.0f} s, app with {f['threads']} waitress threads, think time 0–{2 * f['think_s']:.1f} s between changes; "
        f"import of {f['import_rows']:,} reports and {f['import_rows'] // 10:,} fixes started "
        f"{f['import_window_s'][0]:.1f} s in, done at {f['import_window_s'][1]:.1f} s. "
        "Made by `python benchmarks/load_under_import.py`.",
        "",
        "| latency (ms) | count | p50 | p95 | max |",
        "|---|---:|---:|---:|---:|",
        _row("every request", f["requests"]),
        _row("requests while the import ran", f["requests_during_import"]),
        _row("requests before/after the import", f["requests_outside_import"]),
        _row("every user action (all its callbacks)", f["changes"]),
    ]
    lines += [_row(name, s) for name, s in f["by_page"].items()]
    lines += ["", "Slowest callbacks (p95):", "", "| callback | count | p50 | p95 | max |", "|---|---:|---:|---:|---:|"]
    lines += [_row(f"`{key}`", s) for key, s in f["slowest_callbacks"]]
    errors = ", ".join(f"{k}: {v}" for k, v in f["errors"].items()) or "none"
    lines += [
        "",
        f"Outcomes: {', '.join(f'{k}: {v}' for k, v in f['outcomes'].items())}. Errors: {errors}. "
        f"Users still busy at the end: {f['stuck_users']}."
        + (
            f" The failed requests started at (s): {', '.join(map(str, f['errors_started_at_s'][:30]))}."
            if f["errors_started_at_s"]
            else ""
        ),
        "",
    ]
    lines += [
        "| import | exit | rows_in | loaded | quarantined | duplicates | s with load | s without load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    without = {load["kind"]: load for load in f.get("import_without_load", {}).get("loads", [])}
    for load in f["import_with_load"]["loads"]:
        j = load["json"] or {}
        alone = without.get(load["kind"], {}).get("seconds")
        lines.append(
            f"| {load['kind']} | {load['exit']} | {j.get('rows_in', '–')} | {j.get('loaded', '–')} | "
            f"{j.get('quarantined', '–')} | {j.get('duplicates', '–')} | {load['seconds']:.1f} | "
            f"{'–' if alone is None else f'{alone:.1f}'} |"
        )
    counts = ", ".join(f"{t} {f['counts_before'][t]:,} → {f['counts_after'][t]:,}" for t in f["counts_before"])
    lines += [
        "",
        f"Store: {counts}. "
        + (
            "Nothing lost: every count grew by exactly what the imports report."
            if not f["import_problems"]
            else "PROBLEMS: " + "; ".join(f["import_problems"])
        ),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Logged-in users switching filters while an import runs.")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--import-rows", type=int, default=200_000, help="reports in the import (fixes: a tenth)")
    parser.add_argument("--think-s", type=float, default=1.0, help="mean think time between a user's changes")
    parser.add_argument("--threads", type=int, default=THREADS, help="the app's waitress threads (app.py --threads)")
    parser.add_argument("--db", type=Path, help="run on a copy of this store instead of a new demo store")
    parser.add_argument("--out", type=Path, default=BENCHMARKS / "results-load.md")
    parser.add_argument("--label", help="a heading for this run; with --append")
    parser.add_argument("--append", action="store_true", help="add this run to --out instead of replacing it")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="civ-load-") as tmp:
        folder = Path(tmp)
        if args.db:
            db = folder / "civ.duckdb"
            shutil.copy(args.db, db)
        else:
            print("demo store …", file=sys.stderr)
            db = demo_store(folder)
        print(f"{args.users} users for {args.seconds:.0f} s, import of {args.import_rows:,} reports …", file=sys.stderr)
        figures = run_load(db, folder, args.users, args.seconds, args.import_rows, args.think_s, threads=args.threads)
    text = report(figures, args.label)
    print(text)
    if args.append and args.out.exists():
        with args.out.open("a", encoding="utf-8") as out:
            out.write("\n" + text)
    else:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
