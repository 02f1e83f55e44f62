"""The CompStat table, its key figures and its follow-up block: pure functions over the store.

Counting rules (what a number in the table means):
- a report counts in the period that holds its `reported_at`, in Europe/Brussels local time;
- reports known only by month (police-uk) count in months and years, never in weeks;
- filters narrow every column alike: sub-municipality, category group, channel.

The flag (months and weeks): this period against a seasonal model of up to 36 months (156 weeks)
before it (analytics/compstat_model.py), Benjamini–Hochberg over the rows; a row with too short a
history, and year to date, keep the exact comparison with the same period last year
(analytics/significance.py), which stays in the table as `flag_last_year` for every row.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics.compstat_model import MODEL_PERIODS, history_counts, model_flags
from analytics.memo import by_data_version
from analytics.periods import Period
from analytics.significance import change_flags

GROUPINGS = {
    "category": ["category_code"],
    "area": ["area_code"],
    "category,area": ["category_code", "area_code"],
    "municipality": ["municipality_code"],
    "category,municipality": ["category_code", "municipality_code"],
}
# a police zone counts per municipality: the municipality of a report's area
_KEY_SQL = {
    "category_code": "r.category_code",
    "area_code": "r.area_code",
    "municipality_code": "(SELECT a.parent_code FROM areas a WHERE a.code = r.area_code) AS municipality_code",
}


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the view to. Values are bound as query parameters, never pasted."""

    area: str | None = None  # area code ('23002E'), a zone's municipality ('23052') or None: all
    category_group: str | None = None  # 'afval', 'overlast', ...
    channel: str | None = None  # channel code
    address_level_only: bool = False  # leave out reports placed only at a street's middle (geocoding)

    def where(self, alias: str = "r") -> tuple[str, list]:
        clauses, params = [], []
        if self.address_level_only:
            clauses.append(f"{alias}.location_source IS DISTINCT FROM 'street'")
        if self.area:
            clauses.append(f"{alias}.area_code IN (SELECT code FROM areas WHERE code = ? OR parent_code = ?)")
            params += [self.area, self.area]
        if self.category_group:
            clauses.append(f"{alias}.category_code IN (SELECT code FROM categories WHERE category_group = ?)")
            params.append(self.category_group)
        if self.channel:
            clauses.append(f"{alias}.channel_code = ?")
            params.append(self.channel)
        return (" AND ".join(clauses) or "true"), params


def _windows(period: Period) -> dict[str, Period | None]:
    return {
        "current": period,
        "previous": period.previous(),
        "last_year": period.same_period_last_year(),
        "ytd": period.year_to_date_period(),
        "ytd_last_year": period.year_to_date_period().same_period_last_year(),
    }


def _precision_clause(period: Period, alias: str = "r") -> str:
    return f"{alias}.reported_precision <> 'month'" if period.kind == "week" else "true"


def period_counts(
    con: duckdb.DuckDBPyConnection, period: Period, by: str = "category", filters: Filters = Filters()
) -> pd.DataFrame:
    """Counts per group in the five CompStat windows (one scan of the store)."""
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}")
    keys = GROUPINGS[by]
    windows = {name: p for name, p in _windows(period).items() if p is not None}
    counts, params = [], []
    for name, window in windows.items():
        start, end = window.utc_bounds()
        counts.append(f"count(*) FILTER (WHERE r.reported_at >= ? AND r.reported_at < ?) AS {name}")
        params += [start, end]
    starts, ends = zip(*(w.utc_bounds() for w in windows.values()))
    where, filter_params = filters.where()
    frame = con.execute(
        f"""
        SELECT {", ".join(_KEY_SQL[k] for k in keys)}, {", ".join(counts)}
        FROM reports r
        WHERE r.reported_at >= ? AND r.reported_at < ? AND {_precision_clause(period)} AND {where}
        GROUP BY ALL""",
        params + [min(starts), max(ends)] + filter_params,
    ).df()
    for name in ("previous",):
        if name not in frame.columns:
            frame[name] = pd.NA
    return frame


@by_data_version()
def compstat_table(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    by: str = "category",
    filters: Filters = Filters(),
    alpha: float = 0.05,
) -> pd.DataFrame:
    """One row per category (and/or area): the five windows, % change against last year,
    the exact test and its flag (see analytics/significance.py), the expected range.

    Columns: category, category_label, category_group, area, area_name, current, previous,
    last_year, ytd, ytd_last_year, pct_change, p_value, q_value, flag, expected_low,
    expected_high, too_few.
    """
    counts = period_counts(con, period, by, filters)
    labels = con.execute("SELECT code, label_nl, label_en, category_group FROM categories").df()
    areas = con.execute("SELECT code, name FROM areas").df()
    frame = counts.rename(columns={"category_code": "category", "area_code": "area", "municipality_code": "area"})
    # labels by a lookup per column: a table has tens of rows, for which pandas' merge cost more than the counting
    if "category" in frame:
        by_code = labels.set_index("code")
        for column, label in (
            ("category_label", "label_nl"),
            ("category_label_en", "label_en"),
            ("category_group", None),
        ):
            frame[column] = frame["category"].map(by_code[label or column])
    else:
        frame["category"] = None
    if "area" in frame:
        frame["area_name"] = frame["area"].map(areas.set_index("code")["name"]).fillna("zonder locatie")
    else:
        frame["area"] = None
    frame = frame[(frame[["current", "last_year", "ytd", "ytd_last_year"]].sum(axis=1) > 0)].reset_index(drop=True)
    last_year = period.same_period_last_year()
    flags = change_flags(
        frame["current"].to_numpy(),
        frame["last_year"].to_numpy(),
        current_days=period.days,
        reference_days=last_year.days,
        alpha=alpha,
    )
    frame = pd.concat([frame, flags], axis=1)
    frame["flag_last_year"] = frame["flag"]
    frame["flag_test"] = "last_year"
    if period.kind in MODEL_PERIODS:
        frame = _with_model(con, frame, period, by, filters, alpha)
    # ties in the counts in a fixed order (category, then area), so a table, its export and the pack agree
    keys = ["current", "last_year"] + [k for k in ("category", "area") if k in frame and frame[k].notna().any()]
    ascending = [False, False] + [True] * (len(keys) - 2)
    return frame.sort_values(keys, ascending=ascending, na_position="last").reset_index(drop=True)


def _with_model(con, frame: pd.DataFrame, period: Period, by: str, filters: Filters, alpha: float) -> pd.DataFrame:
    """The seasonal model's expectation, range and flag beside last year's (analytics/compstat_model.py):
    the flag of a row with a model is the model's, `flag_last_year` keeps the comparison people know."""
    keys = GROUPINGS[by]
    names = {"category_code": "category", "area_code": "area", "municipality_code": "area"}
    where, params = filters.where()
    history, starts = history_counts(con, period, keys, where, params, _precision_clause(period), _KEY_SQL)
    history = history.rename(columns=names)
    on = [names[k] for k in keys]
    columns = [f"h{i}" for i in range(len(starts))]
    # each row's history by its key (a row without one, e.g. no area, has none: zeros, so no model)
    rows = pd.MultiIndex.from_frame(frame[on]) if len(on) > 1 else pd.Index(frame[on[0]])
    wide = history.set_index(on if len(on) > 1 else on[0]).reindex(columns=columns) if len(history) else None
    counts = (
        wide.reindex(rows).fillna(0).to_numpy(dtype=float) if wide is not None else np.zeros((len(frame), len(columns)))
    )
    model = model_flags(frame["current"].to_numpy(), counts, starts, period.start, period.kind, alpha)
    frame = pd.concat([frame, model], axis=1)
    has_model = model["model_flag"].notna()
    frame.loc[has_model, "flag"] = model.loc[has_model, "model_flag"]
    frame.loc[has_model, "flag_test"] = "model"
    return frame


@by_data_version()
def key_figures(con: duckdb.DuckDBPyConnection, period: Period, filters: Filters = Filters()) -> dict:
    """KPI cards: reports, open backlog at the end, median days to close, GAS findings, share located."""
    start, end = period.utc_bounds()
    where, params = filters.where()
    row = con.execute(
        f"""
        SELECT count(*) FILTER (WHERE r.reported_at >= ?) AS reports,
               count(*) FILTER (WHERE coalesce(r.closed_at >= ?, r.status NOT IN (SELECT code FROM statuses
                                                                                 WHERE status_class = 'closed')))
                   AS open_backlog,
               median((epoch(r.closed_at) - epoch(r.reported_at)) / 86400.0)
                   FILTER (WHERE r.reported_at >= ? AND r.closed_at IS NOT NULL) AS median_days_to_close,
               count(*) FILTER (WHERE r.reported_at >= ? AND r.gas_finding) AS gas_findings,
               count(r.lat) FILTER (WHERE r.reported_at >= ?) AS located,
               count(*) FILTER (WHERE r.reported_at >= ?) AS reports_all_precisions
        FROM reports r WHERE r.reported_at < ? AND {_precision_clause(period)} AND {where}""",
        [start, end, start, start, start, start, end] + params,
    ).fetchall()[0]
    reports, backlog, median_days, gas, located, all_precisions = row
    return {
        "reports": reports,
        "open_backlog": backlog,
        "median_days_to_close": None if median_days is None else round(float(median_days), 1),
        "gas_findings": gas,
        "share_located": None if not all_precisions else located / all_precisions,
    }


@by_data_version()
def follow_up(con: duckdb.DuckDBPyConnection, period: Period, filters: Filters = Filters()) -> dict[str, pd.DataFrame]:
    """The follow-up block: reports by channel (Pro?bleembox per mailbox), by status, and time to
    close per category (median and 90th percentile in days, of the reports closed so far)."""
    start, end = period.utc_bounds()
    where, params = filters.where()
    base = f"FROM reports r WHERE r.reported_at >= ? AND r.reported_at < ? AND {where}"
    args = [start, end] + params
    by_channel = con.execute(
        f"""
        SELECT r.channel_code AS channel, c.label_nl AS channel_label, c.label_en AS channel_label_en,
               r.channel_detail AS mailbox, count(*) AS reports
        FROM reports r JOIN channels c ON c.code = r.channel_code
        WHERE r.reported_at >= ? AND r.reported_at < ? AND {where}
        GROUP BY ALL ORDER BY reports DESC, channel, mailbox""",
        args,
    ).df()
    by_status = con.execute(
        f"SELECT r.status, count(*) AS reports {base} GROUP BY ALL ORDER BY reports DESC", args
    ).df()
    time_to_close = con.execute(
        f"""
        SELECT r.category_code AS category, k.label_nl AS category_label, k.label_en AS category_label_en,
               count(*) AS reports, count(r.closed_at) AS closed,
               round(median((epoch(r.closed_at) - epoch(r.reported_at)) / 86400.0), 1) AS median_days,
               round(quantile_cont((epoch(r.closed_at) - epoch(r.reported_at)) / 86400.0, 0.9), 1) AS p90_days
        FROM reports r JOIN categories k ON k.code = r.category_code
        WHERE r.reported_at >= ? AND r.reported_at < ? AND {where}
        GROUP BY ALL ORDER BY reports DESC""",
        args,
    ).df()
    return {"by_channel": by_channel, "by_status": by_status, "time_to_close": time_to_close}
