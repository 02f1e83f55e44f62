"""The region's plan in one process, without Spark: the reference the Spark engine must equal.

The same groups as spark.py (one CompStat task per month over the counts of its windows, one hot-spot
task per municipality × month over the located reports of its history), the same task functions.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analytics.region.plan import (
    COMPSTAT_COLUMNS,
    HOTSPOT_COLUMNS,
    REPORT_FIELDS,
    RUN_COLUMNS,
    compstat_first_month,
    compstat_task,
    first_month_back,
    hotspot_task,
    split_task_rows,
)
from civ.lake import read_table


def report_counts(reports: pd.DataFrame) -> pd.DataFrame:
    """Reports per municipality × category × month (what the CompStat tasks read)."""
    return reports.groupby(["nis", "category_code", "month"], sort=True).size().rename("reports").reset_index()


def run_local(
    lake,
    targets: list[str],
    span: tuple[str, str],
    context: dict,
    municipalities: pd.DataFrame,
    categories: pd.DataFrame,
    params: dict,
    alpha: float,
    out: Path,
) -> dict:
    from analytics.region import summarise, write_month_partitions

    table = read_table(lake, "reports", months=span, columns=REPORT_FIELDS + ["month"])
    reports = table.to_pandas() if table is not None else pd.DataFrame(columns=REPORT_FIELDS + ["month"])
    counts = report_counts(reports)
    compstat = [
        compstat_task(
            month,
            counts[(counts["month"] >= compstat_first_month(month)) & (counts["month"] <= month)],
            municipalities,
            categories,
            alpha,
        )
        for month in targets
    ]
    located = reports[reports["lat"].notna() & reports["lon"].notna()]
    history = int(params["history_months"])
    tasks = []
    for month in targets:
        window = located[(located["month"] >= first_month_back(month, history)) & (located["month"] <= month)]
        for nis, group in window.groupby("nis", sort=True):
            tasks.append(hotspot_task(nis, month, group, context, params))
    compstat = pd.concat(compstat, ignore_index=True) if compstat else pd.DataFrame(columns=list(COMPSTAT_COLUMNS))
    rows = (
        pd.concat(tasks, ignore_index=True)
        if tasks
        else pd.DataFrame(columns=list(HOTSPOT_COLUMNS) + list(RUN_COLUMNS))
    )
    hotspots, runs = split_task_rows(rows)
    write_month_partitions(out, "compstat", compstat, COMPSTAT_COLUMNS, targets)
    write_month_partitions(out, "hotspots", hotspots, HOTSPOT_COLUMNS, targets)
    write_month_partitions(out, "runs", runs, {"nis": "string", "month": "string", **RUN_COLUMNS}, targets)
    return summarise(compstat, hotspots, runs)
