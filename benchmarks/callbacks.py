"""The CompStat page's callbacks (and the warden-coverage page's), timed through a logged-in Flask test client (benchmarks.callback_client)
posting to /_dash-update-component as the browser does, JSON in and out included.

Each case asks another month (and, for the filter change, another category group and
sub-municipality) on every call; the filter change adds up the six callbacks one change fires as if
run one after the other (the browser sends them at once, so on the threaded server they overlap).
"""

from __future__ import annotations

import statistics
from datetime import timedelta
from pathlib import Path

import numpy as np

from analytics import memo
from benchmarks.callback_client import Callbacks

FILTER_CHANGE = [
    "compstat-url.search",
    "compstat-table.rowData",
    "compstat-kpis.children",
    "compstat-map-columns.data",
    "compstat-followup.children",
    "compstat-reports.children",
]
GROUPS = ["afval", "overlast", "openbare ruimte", "verkeer", "criminaliteit", "all"]
AREAS = ["all", "23002A", "23002B", "23002C", "23002D", "23002E", "23002F"]
WARM_UP_CALLS = 2  # the first calls load code paths and the file's pages


def view(period: str, group: str = "all", area: str = "all", mode: str = "markers", by: str = "category") -> dict:
    return {
        "compstat-period.value": period,
        "compstat-area.value": area,
        "compstat-group.value": group,
        "compstat-channel.value": "all",
        "compstat-by.value": by,
        "compstat-map-mode.value": mode,
        "compstat-lang.data": "nl",
        "compstat-first.data": None,
        "compstat-map-points.clickData": None,
        "compstat-map-grid.clickData": None,
    }


def cases(months: list[str]) -> dict:
    """Case name -> for call i, the (output, input values, changed input) requests it makes."""

    def month(i):
        return months[i % len(months)]

    return {
        "table (per categorie)": lambda i: [("compstat-table.rowData", view(month(i)), "compstat-period.value")],
        "table (categorie × deelgemeente)": lambda i: [
            ("compstat-table.rowData", view(month(i), by="category,area"), "compstat-by.value")
        ],
        "KPI cards": lambda i: [("compstat-kpis.children", view(month(i)), "compstat-period.value")],
        "map: markers (clustered layer)": lambda i: [
            ("compstat-map-columns.data", view(month(i)), "compstat-period.value")
        ],
        "map: grid of change": lambda i: [
            ("compstat-map-columns.data", view(month(i), mode="change"), "compstat-map-mode.value")
        ],
        "filter change (all 6 callbacks)": lambda i: [
            (
                output,
                view(months[i % 3], group=GROUPS[i % len(GROUPS)], area=AREAS[i % len(AREAS)]),
                "compstat-group.value",
            )
            for output in FILTER_CHANGE
        ],
    }


COVERAGE_FILTER_CHANGE = [
    "coverage-url.search",
    "coverage-kpis.children",
    "coverage-cells.data",
    "coverage-staffing.children",
]


def coverage_view(period: str, warden: str = "all", layer: str = "presence") -> dict:
    return {
        "coverage-period.value": period,
        "coverage-warden.value": warden,
        "coverage-version.data": 0,
        "coverage-colour.value": "days",
        "coverage-layer.value": layer,
        "coverage-lang.data": "nl",
        "coverage-target-visits.value": 5,
        "coverage-target-minutes.value": 15,
        "coverage-target-overhead.value": 50,
    }


def coverage_cases(periods: list[str], wardens: list[str]) -> dict:
    """The warden-coverage page (issue 5): it reads the materialised visits, never all fixes."""

    def period(i):
        return periods[i % len(periods)]

    return {
        "coverage: dosage table, map, KPIs": lambda i: [
            ("coverage-kpis.children", coverage_view(period(i)), "coverage-period.value")
        ],
        "coverage: dosage, one warden": lambda i: [
            ("coverage-kpis.children", coverage_view(periods[0], wardens[i % len(wardens)]), "coverage-warden.value")
        ],
        "coverage: presence grid": lambda i: [
            ("coverage-cells.data", coverage_view(period(i)), "coverage-period.value")
        ],
        "coverage: filter change (all 4 callbacks)": lambda i: [
            (output, coverage_view(period(i), wardens[i % len(wardens)]), "coverage-period.value")
            for output in COVERAGE_FILTER_CHANGE
        ],
    }


def measure_compstat(db: Path, calls: int) -> dict:
    """Per case: median, p95 and max in ms over `calls` calls, CPU median, response size."""
    from analytics.periods import Period
    from app import create_app
    from civ.store import reading

    app = create_app(db)
    last = Period.last_complete_month()
    months = [last.code]
    while len(months) < 12:
        months.append(Period.parse(months[-1]).previous().code)
    with reading(db) as con:
        wardens = ["all"] + [
            w for (w,) in con.execute("SELECT DISTINCT warden_code FROM devices ORDER BY 1 LIMIT 4").fetchall()
        ]
    weeks = ["{}-W{:02d}".format(*(last.start + timedelta(days=7 * k)).isocalendar()[:2]) for k in range(3)]
    figures = _measure(Callbacks(app, db), cases(months), calls)
    figures.update(_measure(Callbacks(app, db, role="coordinator"), coverage_cases(months[:2] + weeks, wardens), calls))
    return figures


def _measure(client: Callbacks, named_cases: dict, calls: int) -> dict:
    figures = {}
    for name, requests in named_cases.items():
        for warm in range(WARM_UP_CALLS):
            for output, values, changed in requests(warm):
                client.request(output, values, changed)
        times, sizes, cpus = [], [], []
        for i in range(calls):
            total = size = cpu_total = 0.0
            memo.clear_all()  # every call is a first viewer's: answers kept per data version would be hits
            for output, values, changed in requests(i):
                ms, n, cpu = client.request(output, values, changed)
                total, size, cpu_total = total + ms, size + n, cpu_total + cpu
            times.append(total)
            sizes.append(size)
            cpus.append(cpu_total)
        figures[name] = {
            "median_ms": statistics.median(times),
            "p95_ms": float(np.percentile(times, 95)),
            "max_ms": max(times),
            "calls": calls,
            "cpu_ms": statistics.median(cpus),
            "kb": statistics.median(sizes) / 1000,
        }
    return figures
