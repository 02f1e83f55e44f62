"""The suite's rows for the app in use (issue 19): the meeting pack, the load test at two paces, live positions.

Each runs in a child process of the suite (`benchmarks.tasks`), like every other row:
- the meeting pack of the suite's last month on the suite's store (cold: no stored hot-spot run), as the
  CompStat button makes it (benchmarks/meeting_pack.py);
- the load test (benchmarks/load_under_import.py): 20 logged-in users for a minute while an import of
  200.000 reports and 20.000 fixes runs, at stress pace (think time 0–2 s) and at meeting pace (0–10 s),
  each on its own copy of a demo store;
- live positions (benchmarks/live.py): 100 phones every 10 s while 20 users use the pages.
The quick suite (`make test`) measures the pack only: a demo store and minutes of served load do not fit there.
"""

from __future__ import annotations

import shutil
import statistics
from pathlib import Path

PACK_TARGET_S = 30  # issue 7
STRESS_TARGET_MS, MEETING_TARGET_MS = 500, 1000  # issue 19
LIVE_VISIBLE_TARGET_MS = 10_000  # issue 20: on the Live page within 10 s
PACES = {"stress": 1.0, "meeting": 5.0}  # mean think time: 0–2 s and 0–10 s between a user's changes
LOAD_USERS, LOAD_SECONDS, LOAD_IMPORT_ROWS = 20, 60, 200_000
LIVE_DEVICES, LIVE_INTERVAL_S, LIVE_SECONDS = 100, 10.0, 120


def meeting_pack(db: str, month: str, repeat: int) -> dict:
    from benchmarks.meeting_pack import _time_in_process

    figures = _time_in_process(Path(db), month, repeat)
    return {**figures, "seconds": statistics.median(figures["total"]), "month": month}


def _demo_copy(workdir: str, name: str) -> Path:
    """A fresh copy of one demo store per measurement (the load test adds users and imports into it)."""
    from benchmarks.load_setup import demo_store

    folder = Path(workdir)
    source = folder / "demo" / "civ.duckdb"
    if not source.exists():
        source.parent.mkdir(parents=True, exist_ok=True)
        demo_store(source.parent)
    target = folder / name
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shutil.copyfile(source, target / "civ.duckdb")
    return target


def load_test(workdir: str, think_s: float, pace: str) -> dict:
    from benchmarks.load_under_import import run_load

    folder = _demo_copy(workdir, f"load-{pace}")
    figures = run_load(folder / "civ.duckdb", folder, LOAD_USERS, LOAD_SECONDS, LOAD_IMPORT_ROWS, think_s)
    return {**figures, "pace": pace}


def live_positions(workdir: str) -> dict:
    from benchmarks.live import run

    folder = _demo_copy(workdir, "live")
    return run(folder / "civ.duckdb", folder, LIVE_DEVICES, LIVE_INTERVAL_S, LIVE_SECONDS, LOAD_USERS, 1.0)


TASKS = {f.__name__: f for f in (meeting_pack, load_test, live_positions)}


def measure(run, store: Path, month: str) -> None:
    """Called by benchmarks.suite.measure once the store is full (its visits built)."""
    run.child("meeting pack", "meeting_pack", db=str(store), month=month, repeat=run.sizes.repeat)
    if run.sizes.name == "quick":
        return
    workdir = str(run.workdir / "service")
    for pace, think_s in PACES.items():
        run.child(f"load {pace}", "load_test", workdir=workdir, think_s=think_s, pace=pace)
    run.child("live", "live_positions", workdir=workdir)


def _ms(summary: dict) -> str:
    return (
        f"median {summary['p50']:.0f} ms, p95 {summary['p95']:.0f} ms, max {summary['max']:.0f} ms ({summary['count']})"
    )


def _errors(figures: dict) -> int:
    return sum(figures["errors"].values())


def rows(run) -> list[dict]:
    m = run.measured
    result = []
    if "meeting pack" in m:
        f = m["meeting pack"].figures
        result.append(
            {
                "measurement": "meeting pack of a month (PDF + HTML, cold)",
                "size": f"{f['month']}: {f['pages']} pages, {f['trends']} trend charts",
                "ours": f"{f['seconds']:.1f} s",
                "peer": "–",
                "ratio": "–",
                "target": f"< {PACK_TARGET_S} s",
                "ok": f["seconds"] < PACK_TARGET_S,
                "spread": "runs " + " / ".join(f"{t:.1f} s" for t in f["total"]),
                "throughput": f"gathering median {statistics.median(f['gather']):.1f} s",
                "memory": f"{m['meeting pack'].peak_gb:.2f} GB",
            }
        )
    for pace, target in (("stress", STRESS_TARGET_MS), ("meeting", MEETING_TARGET_MS)):
        if f"load {pace}" not in m:
            continue
        f = m[f"load {pace}"].figures
        judged = f["requests"] if pace == "stress" else f["changes"]
        problems = f["import_problems"]
        result.append(
            {
                "measurement": f"load test, {pace} pace (think 0–{2 * f['think_s']:.0f} s), whole minute incl. import",
                "size": f"{f['users']} users, {f['seconds']:.0f} s, import {f['import_rows']:_} reports".replace(
                    "_", "."
                ),
                "ours": f"p95 {judged['p95']:.0f} ms",
                "peer": "–",
                "ratio": "–",
                "target": f"p95 < {target} ms ({'every request' if pace == 'stress' else 'every user action'}), 0 errors",
                "ok": judged["p95"] < target and _errors(f) == 0 and not problems and not f["stuck_users"],
                "spread": f"{'requests' if pace == 'stress' else 'actions'}: {_ms(judged)}; "
                f"errors {_errors(f)}; import {'complete, nothing lost' if not problems else '; '.join(problems)}",
                "throughput": f"{judged['count'] / f['seconds']:.1f}/s",
                "memory": f"server load avg after {f['load_after'][0]:.1f}",
            }
        )
    if "live" in m:
        f = m["live"].figures
        result.append(
            {
                "measurement": "live positions: request → visible on Live",
                "size": f"{f['devices']} phones every {f['interval_s']:g} s, {f['seconds']:.0f} s, {f['users']} users",
                "ours": f"p95 {f['visible']['p95']:.0f} ms",
                "peer": "–",
                "ratio": "–",
                "target": f"p95 < {LIVE_VISIBLE_TARGET_MS} ms, 0 lost",
                "ok": f["visible"]["p95"] < LIVE_VISIBLE_TARGET_MS and f["lost"] == 0,
                "spread": f"visible {_ms(f['visible'])}; lost {f['lost']} of {f['acknowledged']}; "
                f"other callbacks {_ms(f['page_callbacks_ms'])}",
                "throughput": f"{f['acknowledged'] / f['seconds']:.1f} positions/s",
                "memory": "–",
            }
        )
    return result
