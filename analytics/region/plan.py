"""The region's plan, engine-free: what one task computes, with the municipality's own analytics.

Two kinds of task, each a pandas function of one group of the lake's rows (Spark's `applyInPandas`
runs them on the workers; the local engine calls them in a loop):

- `compstat_task(month, counts)`: the CompStat table of one month for the whole region, from report
  counts per municipality × category × month. The table is `analytics.compstat.compstat_table` itself,
  run on an in-memory DuckDB whose `reports` hold one row per counted report at the middle of its
  Brussels month: every CompStat window of a month (this month, the previous one, the same month last
  year, the year to date and its twin) is made of whole Brussels months, so the month is all the table
  reads of a report. Run once with the municipalities as its areas (`by='category,area'`): the exact
  test per row and Benjamini–Hochberg over the region's rows (`q_value`, `flag`); and once per
  municipality (`by='category'`, that municipality only): the flag its own dashboard shows
  (`q_value_municipality`, `flag_municipality`).
- `hotspot_task(nis, month, reports)`: `EmergingHotspots` with the same parameters on one
  municipality's located reports of the `history_months` up to `month`, with its defined hot spots and
  the first month of its data, as `python -m analytics hotspots` runs it on the municipality's store.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

import duckdb
import pandas as pd

from analytics.compstat import Filters, compstat_table
from analytics.hotspots.detector import RESULT_COLUMNS
from analytics.hotspots.runs import JSON_COLUMNS
from analytics.periods import Period

COMPSTAT_COLUMNS = {
    "month": "string",
    "nis": "string",
    "municipality": "string",
    "category": "string",
    "category_label": "string",
    "category_group": "string",
    "current": "bigint",
    "previous": "bigint",
    "last_year": "bigint",
    "ytd": "bigint",
    "ytd_last_year": "bigint",
    "pct_change": "double",
    "p_value": "double",
    "q_value": "double",
    "flag": "string",
    "expected_low": "bigint",
    "expected_high": "bigint",
    "too_few": "boolean",
    "q_value_municipality": "double",
    "flag_municipality": "string",
}
HOTSPOT_TYPES = {
    "id": "string",
    "month": "string",
    "category_group": "string",
    "lat": "double",
    "lon": "double",
    "radius_m": "double",
    "geometry": "string",
    "class": "string",
    "emerging": "boolean",
    "current": "bigint",
    "expected": "double",
    "p_value": "double",
    "q_value": "double",
    "trend_z": "double",
    "trend_p": "double",
    "hot_months": "bigint",
    "categories": "string",
    "history": "string",
    "on_defined_hotspot": "string",
    "reason": "string",
    "reason_en": "string",
    "source": "string",
}
HOTSPOT_COLUMNS = {"nis": "string", **{c: HOTSPOT_TYPES[c] for c in RESULT_COLUMNS}}
# One row per task besides its hot spots (id NULL): what the store keeps of a run (runs.py), for the
# summary and the benchmark's measured time per task.
RUN_COLUMNS = {"reports_used": "bigint", "candidates": "bigint", "seconds": "double"}
TASK_COLUMNS = {**HOTSPOT_COLUMNS, **RUN_COLUMNS}
REPORT_FIELDS = ["nis", "report_id", "reported_at", "category_code", "lat", "lon"]


def ddl(columns: dict[str, str]) -> str:
    """The columns as a Spark DDL schema string ('month string, nis string, …')."""
    return ", ".join(f"`{name}` {kind}" for name, kind in columns.items())


# --- months ---------------------------------------------------------------------------------------
def month_span(text: str) -> list[str]:
    """'2025-11..2026-10' (or one month) -> the months from the first to the last, both included."""
    first, _, last = str(text).partition("..")
    start, end = Period.parse(first.strip()), Period.parse((last or first).strip())
    if start.kind != "month" or end.kind != "month" or end.code < start.code:
        raise ValueError(f"maanden '{text}' onbekend: gebruik JJJJ-MM..JJJJ-MM (eerste niet na laatste)")
    months = [start]
    while months[-1].code < end.code:
        months.append(months[-1].next())
    return [m.code for m in months]


def first_month_back(month: str, months: int) -> str:
    """The first of the `months` months that end with `month`."""
    period = Period.parse(month)
    for _ in range(months - 1):
        period = period.previous()
    return period.code


def compstat_first_month(month: str) -> str:
    """The first month a month's CompStat windows reach back to: January of the year before."""
    return f"{int(month[:4]) - 1:04d}-01"


# --- CompStat ---------------------------------------------------------------------------------------
def compstat_task(
    month: str, counts: pd.DataFrame, municipalities: pd.DataFrame, categories: pd.DataFrame, alpha: float = 0.05
) -> pd.DataFrame:
    """The region's CompStat rows of `month` (COMPSTAT_COLUMNS) from `counts` (nis, category_code, month,
    reports) that cover the month's windows; `municipalities` (nis, name), `categories` as in the store."""
    period = Period.parse(month)
    middles = {m: Period.parse(m).utc_bounds()[0] + timedelta(hours=12) for m in counts["month"].unique()}
    rows = counts.assign(reported_at=counts["month"].map(middles))[["nis", "category_code", "reported_at", "reports"]]
    table = compstat_table.__wrapped__  # the function itself: its answers are kept per store, not per frame
    con = duckdb.connect()
    try:
        con.register("lake_counts", rows)
        con.register("lake_categories", categories[["code", "label_nl", "label_en", "category_group"]])
        con.register("lake_municipalities", municipalities[["nis", "name"]])
        con.execute("""CREATE VIEW reports AS
                       SELECT c.nis AS area_code, c.category_code, CAST(c.reported_at AS TIMESTAMPTZ) AS reported_at,
                              'month' AS reported_precision, CAST(NULL AS VARCHAR) AS channel_code
                       FROM lake_counts c, range(c.reports)""")
        con.execute("CREATE VIEW categories AS SELECT * FROM lake_categories")
        con.execute("CREATE VIEW areas AS SELECT nis AS code, name FROM lake_municipalities")
        region = table(con, period, by="category,area", alpha=alpha)
        own = [
            table(con, period, by="category", filters=Filters(area=nis), alpha=alpha).assign(nis=nis)
            for nis in sorted(region["area"].unique())
        ]
    finally:
        con.close()
    region = region.rename(columns={"area": "nis", "area_name": "municipality"})
    if own:
        mine = pd.concat(own, ignore_index=True)[["nis", "category", "q_value", "flag"]]
        region = region.merge(
            mine.rename(columns={"q_value": "q_value_municipality", "flag": "flag_municipality"}),
            on=["nis", "category"],
            how="left",
        )
    else:
        region = region.assign(q_value_municipality=pd.Series(dtype=float), flag_municipality=pd.Series(dtype=str))
    region["month"] = period.code
    region["pct_change"] = pd.to_numeric(region["pct_change"], errors="coerce").astype(float)
    out = region[list(COMPSTAT_COLUMNS)].sort_values(["nis", "category"], kind="mergesort").reset_index(drop=True)
    return _typed(out, COMPSTAT_COLUMNS)


# --- hot spots ---------------------------------------------------------------------------------------
def hotspot_task(nis: str, month: str, reports: pd.DataFrame, context: dict, params: dict) -> pd.DataFrame:
    """One municipality's emerging hot spots of `month` (HOTSPOT_COLUMNS; JSON text for the nested columns).

    `reports`: its located reports (REPORT_FIELDS) of the months the estimator reads; `context[nis]`:
    `categories` (code, label_nl, label_en, category_group), `hotspots` (the defined ones) and
    `data_start` (the first month with a located report)."""
    from analytics.hotspots.detector import EmergingHotspots

    started = time.perf_counter()
    own = context[nis]
    labels = own["categories"].rename(
        columns={"code": "category_code", "label_nl": "category_label", "label_en": "category_label_en"}
    )
    frame = (
        reports[["report_id", "lat", "lon", "reported_at", "category_code"]]
        .merge(
            labels[["category_code", "category_group", "category_label", "category_label_en"]],
            on="category_code",
            how="inner",
        )
        .rename(columns={"category_code": "category"})
    )
    frame["reported_at"] = pd.to_datetime(frame["reported_at"], utc=True)
    frame = frame.sort_values(["reported_at", "report_id"], kind="mergesort").reset_index(drop=True)
    estimator = EmergingHotspots(**params).fit(
        frame, month=Period.parse(month), defined_hotspots=own["hotspots"], data_start=own["data_start"]
    )
    results = estimator.results_.copy()
    for column in JSON_COLUMNS:
        results[column] = results[column].map(lambda value: json.dumps(value, ensure_ascii=False))
    results.insert(0, "nis", nis)
    run = pd.DataFrame(
        [
            {
                "nis": nis,
                "month": Period.parse(month).code,
                "reports_used": estimator.n_reports_,
                "candidates": estimator.n_candidates_,
                "seconds": time.perf_counter() - started,
            }
        ]
    )
    return _typed(pd.concat([results, run], ignore_index=True).reindex(columns=list(TASK_COLUMNS)), TASK_COLUMNS)


def split_task_rows(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(hot spots, runs) of the tasks' rows."""
    is_run = rows["id"].isna()
    hotspots = rows[~is_run][list(HOTSPOT_COLUMNS)].reset_index(drop=True)
    runs = rows[is_run][["nis", "month", *RUN_COLUMNS]].reset_index(drop=True)
    return hotspots, runs


_PANDAS_TYPES = {"string": object, "double": "float64", "bigint": "Int64", "boolean": "boolean"}


def _typed(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Columns in the plan's types (the same whether Spark or the local engine writes them)."""
    frame = frame.copy()
    for name, kind in columns.items():
        if kind == "string":
            frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
        else:
            frame[name] = frame[name].astype(_PANDAS_TYPES[kind])
    return frame
