"""The CompStat page's callbacks (and the warden-coverage page's), timed through a logged-in Flask test client (benchmarks.callback_client)
posting to /_dash-update-component as the browser does, JSON in and out included.

Each case asks another month (and, for the filter change, another category group and
sub-municipality) on every call. A filter change posts every server-side callback whose inputs hold
the changed filter (read from the app's callback map), all at once as the browser does
(benchmarks.callback_client.AtOnce): its time is the wall time until the last one answered.
"""

from __future__ import annotations

import statistics
from datetime import timedelta
from pathlib import Path

import numpy as np

from analytics import memo
from benchmarks.callback_client import AtOnce, Callbacks

FILTER_CHANGE = "filter change (all callbacks one change fires, sent at once)"
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
    }


def filter_changes(months: list[str]) -> dict:
    """Case name -> for call i, (the changed filter, every filter's value after the change)."""
    return {
        FILTER_CHANGE: lambda i: (
            "compstat-group.value",
            view(months[i % 3], group=GROUPS[i % len(GROUPS)], area=AREAS[i % len(AREAS)]),
        )
    }


COVERAGE_FILTER_CHANGE = f"coverage: {FILTER_CHANGE}"


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


DAILY_OVERVIEW = "coverage: daily overview (every warden's track and timeline of a day)"


def day_view(day: str) -> dict:
    return {"day-date.date": day, "day-version.data": 0, "day-lang.data": "nl"}


def coverage_cases(periods: list[str], wardens: list[str], days: list[str] | None = None) -> dict:
    """The warden-coverage page (issue 5): it reads the materialised visits, never all fixes. `days`:
    the most recent days with duty, for the daily overview (all trackers' tracks of one day)."""

    def period(i):
        return periods[i % len(periods)]

    daily = (
        {DAILY_OVERVIEW: lambda i: [("day-duty.rowData", day_view(days[i % len(days)]), "day-date.date")]}
        if days
        else {}
    )
    return {
        **daily,
        "coverage: dosage table, map, KPIs": lambda i: [
            ("coverage-kpis.children", coverage_view(period(i)), "coverage-period.value")
        ],
        "coverage: dosage, one warden": lambda i: [
            ("coverage-kpis.children", coverage_view(periods[0], wardens[i % len(wardens)]), "coverage-warden.value")
        ],
        "coverage: presence grid": lambda i: [
            ("coverage-cells.data", coverage_view(period(i)), "coverage-period.value")
        ],
    }


def coverage_filter_changes(periods: list[str], wardens: list[str]) -> dict:
    return {
        COVERAGE_FILTER_CHANGE: lambda i: (
            "coverage-period.value",
            coverage_view(periods[i % len(periods)], wardens[i % len(wardens)]),
        )
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
        days = [
            d.isoformat()
            for (d,) in con.execute("SELECT DISTINCT day FROM duty_days ORDER BY 1 DESC LIMIT 5").fetchall()
        ]
    weeks = ["{}-W{:02d}".format(*(last.start + timedelta(days=7 * k)).isocalendar()[:2]) for k in range(3)]
    periods = months[:2] + weeks
    figures = _measure(Callbacks(app, db), cases(months), calls)
    figures.update(_measure_at_once(AtOnce(app, db), filter_changes(months), calls))
    figures.update(_measure(Callbacks(app, db, role="coordinator"), coverage_cases(periods, wardens, days), calls))
    figures.update(
        _measure_at_once(AtOnce(app, db, role="coordinator"), coverage_filter_changes(periods, wardens), calls)
    )
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
        figures[name] = _figures(times, sizes, cpus)
    return figures


def _figures(times: list[float], sizes: list[float], cpus: list[float]) -> dict:
    return {
        "median_ms": statistics.median(times),
        "p95_ms": float(np.percentile(times, 95)),
        "max_ms": max(times),
        "calls": len(times),
        "cpu_ms": statistics.median(cpus),
        "kb": statistics.median(sizes) / 1000,
    }


def _measure_at_once(client: AtOnce, changes: dict, calls: int) -> dict:
    """Per filter change: the wall time until the last of its callbacks answered, and beside it the sum of
    the callbacks' own times (what one after the other would take) and how many there were."""
    figures = {}
    try:
        for name, change in changes.items():
            for warm in range(WARM_UP_CALLS):
                client.change(*change(warm))
            times, sizes, cpus, sums, posted = [], [], [], [], 0
            for i in range(calls):
                memo.clear_all()  # as in _measure: the first viewer of this data version
                wall, size, cpu, each, posted = client.change(*change(i))
                times.append(wall)
                sizes.append(size)
                cpus.append(cpu)
                sums.append(each)
            figures[name] = {
                **_figures(times, sizes, cpus),
                "callbacks": posted,
                "sum_median_ms": statistics.median(sums),
            }
    finally:
        client.close()
    return figures
