"""Measurement (issue 18): a 1.000.000-row CSV through the import page's own functions while another user's
CompStat callback is timed. Not part of make test (minutes of CPU); results in benchmarks/results-web-import.md.

    python benchmarks/web_import_million.py [--rows 1000000] [--out benchmarks/results-web-import.md]

Upload (etl.web_import.receive of the data URL dcc.Upload sends) → preview (the file's start) → dry run and
load as background jobs (dashboards.components.import_jobs, a spawned child process, the loader's own
progress read as the page's poll reads it) while a kerngroep user's CompStat table callback is posted over
and over through the Flask test client. Reported per step: wall time, CPU of the server process and of the
job's child process (from /proc), the load average, CompStat's median/max during the step against its
median before, and the loader's progress as the poll saw it.
"""

from __future__ import annotations

import argparse
import base64
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.browser.served_app import callback_body, fill_store, logged_in_client


def _child_cpu_s(pids) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _cpu(seconds) -> str:
    return "" if seconds is None else f"{seconds:.1f}"


def _compstat_seconds(app, client, month: str) -> float:
    body = callback_body(
        app,
        "compstat-table.rowData",
        {
            "compstat-period.value": month,
            "compstat-area.value": "all",
            "compstat-group.value": "all",
            "compstat-channel.value": "all",
            "compstat-by.value": "category",
            "compstat-lang.data": "nl",
        },
    )
    started = time.perf_counter()
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.status_code
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", default="benchmarks/results-web-import.md")
    args = parser.parse_args()

    from app import create_app
    from civ.store import open_for_writing
    from dashboards.components.import_jobs import jobs
    from etl import web_import

    folder = Path(tempfile.mkdtemp(prefix="civ-bench-web-import-"))
    db = folder / "civ.duckdb"
    fill_store(db, is_demo=False)
    con = open_for_writing(db)
    try:  # fill_store numbers its 3 batches itself: the store's own numbering goes on after them
        con.execute("SELECT nextval('import_batch_ids') FROM range(3)").fetchall()
    finally:
        con.close()
    app = create_app(db)
    reader = logged_in_client(app, "kerngroep")
    months = [f"2026-{m:02d}" for m in range(1, 10)]
    for month in months[:2]:
        _compstat_seconds(app, reader, month)
    usual = statistics.median(_compstat_seconds(app, reader, m) for m in months)

    lines = ["id;datum;categorie;lat;lon"] + [
        f"W-{i};{1 + i % 28:02d}/0{1 + i % 9}/2026 {8 + i % 10}:15;sluikstort;"
        f"{50.905 + i % 100 / 10_000:.4f};{4.195 + i % 97 / 10_000:.4f}"
        for i in range(args.rows)
    ]
    data = ("\n".join(lines) + "\n").encode()
    del lines
    contents = "data:text/csv;base64," + base64.b64encode(data).decode()
    steps = []

    def measured(name, function):
        load_before, cpu_before, wall_before = os.getloadavg(), time.process_time(), time.perf_counter()
        value = function()
        steps.append(
            {
                "step": name,
                "wall_s": time.perf_counter() - wall_before,
                "server_cpu_s": time.process_time() - cpu_before,
                "child_cpu_s": None,
                "load": (load_before[0], os.getloadavg()[0]),
                "compstat": [],
                "progress": [],
            }
        )
        return value

    path = measured("upload", lambda: web_import.receive("gemeente-export.csv", contents, limit=len(data) * 2))
    measured("preview", lambda: web_import.preview(path, "reports"))
    for work in ("dry_run", "load"):
        load_before, cpu_before, wall_before = os.getloadavg(), time.process_time(), time.perf_counter()
        key = jobs.start(work, db, "bench", path=str(path), kind="reports")
        pids = list(jobs._executor()._processes or {})
        child_before = _child_cpu_s(pids)
        step = {"step": work, "compstat": [], "progress": []}
        while (status := jobs.status(key, "bench"))[0] == "running":
            step["compstat"].append(_compstat_seconds(app, reader, months[len(step["compstat"]) % len(months)]))
            reported = jobs.reported(status[3])
            if reported and (not step["progress"] or step["progress"][-1] != reported):
                step["progress"].append(reported)
        state, _, result, _ = status
        assert state == "done" and "error" not in result, result
        step.update(
            wall_s=time.perf_counter() - wall_before,
            server_cpu_s=time.process_time() - cpu_before,
            child_cpu_s=_child_cpu_s(pids) - child_before,
            load=(load_before[0], os.getloadavg()[0]),
            counts={k: result.get(k) for k in ("rows_in", "loaded", "quarantined", "duplicates")},
        )
        steps.append(step)
    jobs._executor().shutdown()
    web_import.discard(path)

    out = [
        "# Web import of a 1.000.000-row CSV: results",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.node()} ({os.cpu_count()} cores, "
        f"Python {platform.python_version()}); {args.rows:,} rows, {len(data) / 1e6:.0f} MB. "
        f"CompStat table callback (kerngroep) before: median {usual * 1000:.0f} ms. "
        "Made by `python benchmarks/web_import_million.py`.",
        "",
        "| step | wall s | server CPU s | job CPU s | load avg 1 min (before → after) | CompStat calls | median ms | max ms |",
        "|---|---:|---:|---:|---|---:|---:|---:|",
    ]
    for s in steps:
        calls = s["compstat"]
        out.append(
            f"| {s['step']} | {s['wall_s']:.1f} | {s['server_cpu_s']:.1f} | "
            f"{_cpu(s['child_cpu_s'])} | "
            f"{s['load'][0]:.1f} → {s['load'][1]:.1f} | {len(calls)} | "
            f"{statistics.median(calls) * 1000 if calls else 0:.0f} | {max(calls) * 1000 if calls else 0:.0f} |"
        )
    for s in steps:
        if s.get("counts"):
            out.append(
                f"\n{s['step']}: {s['counts']}; progress seen by the poll: "
                + ", ".join(f"{p['stage']} {p['done']:,}/{p['rows_in']:,}" for p in s["progress"])
            )
    text = "\n".join(out) + "\n"
    print(text)
    Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
