"""Benchmark: the monthly meeting pack (PDF + HTML) on the Asse demo data.

    python benchmarks/meeting_pack.py [--db PATH] [--month 2026-10] [--repeat 5] [--out benchmarks/results-meeting-pack.md]

1. The store: `python -m etl demo --end-month 2026-10` (two years of reports, hot spots, projects and
   the wardens' GPS fixes), built once in /tmp/civ-bench/meeting-pack/ and reused; the warden visits
   brought up to date once (as the app does when it starts).
2. In the process, `dashboards.report.meeting_pack` — what the CompStat page's button runs — `--repeat`
   times for the month, with the hot-spot cache emptied before each run (a cold request: no stored
   run, the detector runs), and for the month of the demo with the most categories flagged (the most
   trend charts); median and max, and the parts (gathering, figures and PDF/HTML).
3. The command line `python -m dashboards.report` as a new process (imports included), 3 times.
Target (issue 7): under 30 s per pack on the demo data. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DB = Path("/tmp/civ-bench/meeting-pack/civ.duckdb")
END_MONTH = "2026-10"


def _store(db: Path) -> str:
    if db.exists():
        return "reused"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "etl", "demo", "--end-month", END_MONTH, "--db", str(db)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return f"built with `python -m etl demo --end-month {END_MONTH}` in {time.perf_counter() - started:.1f} s"


def _most_flagged_month(db: Path) -> tuple[str, int]:
    from analytics.compstat import compstat_table
    from analytics.periods import Period
    from civ.store import reading

    best, period = (END_MONTH, -1), Period.parse(END_MONTH)
    with reading(db) as con:
        for _ in range(12):
            flagged = int((compstat_table(con, period)["flag"] != "none").sum())
            if flagged > best[1]:
                best = (period.code, flagged)
            period = period.previous()
    return best


def _time_in_process(db: Path, month: str, repeat: int) -> dict:
    from analytics.hotspots import runs
    from civ.store import reading
    from dashboards.report import contents, documents, sections

    totals, gathering, writing, pages, size = [], [], [], 0, 0
    for _ in range(repeat):
        runs._CACHE.clear()  # cold: the detector runs as for a first request
        started = time.perf_counter()
        with reading(db) as con:
            pack = contents.gather(con, contents.parse_month(month))
        gathered = time.perf_counter()
        document = sections.compose(pack, "nl")
        pdf, page = documents.write_pdf(document, "nl"), documents.write_html(document, "nl")
        done = time.perf_counter()
        totals.append(done - started)
        gathering.append(gathered - started)
        writing.append(done - gathered)
        size = len(pdf)
        pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
        html_size = len(page.encode("utf-8"))
    return {
        "total": totals,
        "gather": gathering,
        "write": writing,
        "pdf_bytes": size,
        "html_bytes": html_size,
        "pages": pages,
        "trends": len(pack.trends),
        "emerging": pack.figures.emerging_hotspots,
        "stored_run": pack.hotspot_run["stored"],
    }


def _time_cli(db: Path, month: str, repeat: int = 3) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "dashboards.report",
                    "--month",
                    month,
                    "--db",
                    str(db),
                    "--out",
                    f"{folder}/p.pdf",
                    "--html",
                    f"{folder}/p.html",
                ],
                cwd=ROOT,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            times.append(time.perf_counter() - started)
    return times


def _nl(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _figure(values: list[float]) -> str:
    return f"{_nl(statistics.median(values))} s (max {_nl(max(values))} s)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--month", default=END_MONTH)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results-meeting-pack.md")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    store = _store(args.db)
    from analytics.coverage import refresh_visits

    refresh_visits(args.db)
    flagged_month, flagged = _most_flagged_month(args.db)
    months = list(dict.fromkeys([args.month, flagged_month]))
    measured = {m: _time_in_process(args.db, m, args.repeat) for m in months}
    cli = _time_cli(args.db, args.month)
    load_after = os.getloadavg()[0]

    lines = [
        "# Meeting pack: benchmark results",
        "",
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.node()} ({os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}), store `{args.db}` ({store}), load average before/after "
        f"{_nl(load_before)}/{_nl(load_after)} (other work on the machine shows).",
        "Made by `python benchmarks/meeting_pack.py`. Target (issue 7): under 30 s per pack on the demo data.",
        "",
        f"## In the app's process (`dashboards.report.meeting_pack`, the CompStat button), {args.repeat} runs each",
        "",
        "Cold each time: the hot-spot cache emptied, no stored run, so the detector runs for the month.",
        "",
    ]
    for month, m in measured.items():
        note = " (the demo month with the most categories flagged)" if month == flagged_month else ""
        lines += [
            f"### {month}{note}",
            "",
            f"- pack: {m['pages']} pages, PDF {_nl(m['pdf_bytes'] / 1e6)} MB, HTML {_nl(m['html_bytes'] / 1e6)} MB; "
            f"trend charts: {m['trends']}, emerging hot spots: {m['emerging']}",
            f"- gathering from analytics (compstat, hot spots, trends, coverage, effects): {_figure(m['gather'])}",
            f"- figures (matplotlib), PDF (reportlab, two passes for the contents) and HTML: {_figure(m['write'])}",
            f"- **total: {_figure(m['total'])}**",
            "",
        ]
    lines += [
        "## The command line as a new process (imports, visits check, PDF and HTML written), 3 runs",
        "",
        f"- `python -m dashboards.report --month {args.month} --html …`: **{_figure(cli)}**",
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
