"""Dosage per defined hot spot, demand against dosage, and the warden-hours a target dosage would take.

Counting rules (what a number means):
- a visit counts in the period that holds its start (local Brussels days, analytics.periods);
- `minutes` is the visits' length; `visits_10min` the visits of 10 minutes or more (`DOSE_MINUTES`:
  hot-spot patrol research — the "Koper curve" — finds stops of about 10-15 minutes deter longest);
- `last_visit` on the page is the last visit up to the end of the period (or up to now, in a
  running period), so a hot spot unvisited this month still shows when it was last visited;
- reports "in" a hot spot lie inside its footprint (the circle or the polygon, analytics.coverage.footprint);
  reports known only by month count only in a period of whole months.
All functions read the materialised tables (analytics.coverage.visits) and take a read connection.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone

import duckdb
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from analytics.coverage import footprint
from analytics.grid import cell_polygon
from analytics.periods import Period, local_date

DOSE_MINUTES = 10
DAYS_PER_MONTH = 365.25 / 12


def _warden_clause(alias: str = "v") -> str:
    """Rows of one warden (or one device) when the named parameter $warden is set, else all rows."""
    return (
        f"(CAST($warden AS VARCHAR) IS NULL OR {alias}.holder = CAST($warden AS VARCHAR) "
        f"OR {alias}.device_id = CAST($warden AS VARCHAR))"
    )


def tracker_dosage(con: duckdb.DuckDBPyConnection, period: Period, warden: str | None = None) -> pd.DataFrame:
    """Per hot spot and tracker: `hotspot_id`, `hotspot` (name), `warden` (the warden, or the device id when
    no warden was mapped), `device_id`, `visits`, `minutes`, `visits_10min`, `last_visit` (UTC, in the period);
    plus one row with 0 visits (warden and device empty) for each hot spot nobody visited in the period."""
    start, end = period.utc_bounds()
    return con.execute(
        f"""
        WITH counted AS (
            SELECT v.hotspot_id, v.holder AS warden, v.device_id, count(*) AS visits, sum(v.minutes) AS minutes,
                   count(*) FILTER (WHERE v.minutes >= {DOSE_MINUTES}) AS visits_10min, max(v.started_at) AS last_visit
            FROM visits v
            WHERE v.started_at >= $start AND v.started_at < $end AND {_warden_clause()}
            GROUP BY ALL)
        SELECT h.hotspot_id, h.name AS hotspot, c.warden, c.device_id, coalesce(c.visits, 0) AS visits,
               coalesce(c.minutes, 0.0) AS minutes, coalesce(c.visits_10min, 0) AS visits_10min, c.last_visit
        FROM hotspots h LEFT JOIN counted c USING (hotspot_id)
        ORDER BY h.name, c.warden NULLS FIRST, c.device_id""",
        {"start": start, "end": end, "warden": warden or None},
    ).df()


def reports_in_hotspots(
    con: duckdb.DuckDBPyConnection, period: Period, spots: list[footprint.HotSpot] | None = None
) -> pd.DataFrame:
    """Located reports of the period inside each hot spot's footprint: `hotspot_id`, `reports`.

    The hot spots' boxes select the candidates in DuckDB; only those reach the exact test."""
    spots = footprint.hotspots(con) if spots is None else spots
    start, end = period.utc_bounds()
    precision = "true" if period.kind in ("month", "ytd") else "r.reported_precision <> 'month'"
    boxes = footprint.hotspot_boxes(con, 0.0, [s.hotspot_id for s in spots])
    con.register("cov_report_boxes", boxes)
    try:
        candidates = con.execute(
            f"""
            SELECT b.hotspot_id, r.lat, r.lon FROM reports r JOIN cov_report_boxes b ON {footprint.bbox_join_sql("r", "b")}
            WHERE r.lat IS NOT NULL AND r.reported_at >= ? AND r.reported_at < ? AND {precision}""",
            [start, end],
        ).df()
    finally:
        con.unregister("cov_report_boxes")
    inside = footprint.inside(spots, candidates["hotspot_id"], candidates["lat"], candidates["lon"])
    counts = candidates[inside].groupby("hotspot_id").size()
    return pd.DataFrame(
        {"hotspot_id": [s.hotspot_id for s in spots], "reports": [int(counts.get(s.hotspot_id, 0)) for s in spots]}
    )


def _reference_day(period: Period, now: datetime | None) -> date:
    """The day 'days since the last visit' is counted to: the period's last day, or today inside it."""
    today = local_date(now or datetime.now(timezone.utc))
    return min(period.end - timedelta(days=1), today)


def hotspot_dosage(
    con: duckdb.DuckDBPyConnection, period: Period, warden: str | None = None, now: datetime | None = None
) -> pd.DataFrame:
    """Per defined hot spot, demand against dosage in the period.

    Columns: `hotspot_id`, `name`, `kind`, `shape` ('circle' or 'area'), `lat`, `lon`, `radius_m`,
    `visits`, `minutes`, `visits_10min`, `wardens` (distinct trackers' holders), `last_visit` (UTC, up to
    the end of the period or now), `days_since_last_visit` (Int64, <NA>: never), `reports` (in the footprint),
    `reports_per_hour` (reports per hour of presence; inf with reports and no presence, NaN with neither),
    `demand_share` and `dosage_share` (of all hot spots' reports and minutes) and `gap` = demand − dosage
    share: positive where presence lags demand. Ordered by gap, largest first.
    """
    spots = footprint.hotspots(con)
    start, end = period.utc_bounds()
    reference = _reference_day(period, now)
    cutoff = Period.between(reference, reference).utc_bounds()[1]
    counted = con.execute(
        f"""
        SELECT v.hotspot_id, count(*) FILTER (WHERE v.started_at >= $start) AS visits,
               coalesce(sum(v.minutes) FILTER (WHERE v.started_at >= $start), 0) AS minutes,
               count(*) FILTER (WHERE v.started_at >= $start AND v.minutes >= {DOSE_MINUTES}) AS visits_10min,
               count(DISTINCT v.holder) FILTER (WHERE v.started_at >= $start) AS wardens,
               max(v.started_at) AS last_visit
        FROM visits v
        WHERE v.started_at < $end AND {_warden_clause()}
        GROUP BY v.hotspot_id""",
        {"start": start, "end": min(end, cutoff), "warden": warden or None},
    ).df()
    frame = pd.DataFrame(
        [
            {
                "hotspot_id": s.hotspot_id,
                "name": s.name,
                "kind": s.kind,
                "shape": "circle" if s.is_circle else "area",
                "lat": s.lat,
                "lon": s.lon,
                "radius_m": s.radius_m,
            }
            for s in spots
        ]
    )
    if frame.empty:
        return frame
    frame = frame.merge(counted, on="hotspot_id", how="left").merge(
        reports_in_hotspots(con, period, spots), on="hotspot_id", how="left"
    )
    for column in ("visits", "visits_10min", "wardens", "reports"):
        frame[column] = frame[column].fillna(0).astype(int)
    frame["minutes"] = frame["minutes"].fillna(0.0).astype(float)
    frame["last_visit"] = pd.to_datetime(frame["last_visit"], utc=True)
    frame["days_since_last_visit"] = pd.array(
        [
            None if pd.isna(last) else (reference - local_date(last.to_pydatetime())).days
            for last in frame["last_visit"]
        ],
        dtype="Int64",
    )
    hours = frame["minutes"] / 60
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["reports_per_hour"] = np.where(
            hours > 0, frame["reports"] / hours, np.where(frame["reports"] > 0, np.inf, np.nan)
        )
    frame["demand_share"] = frame["reports"] / max(int(frame["reports"].sum()), 1)
    frame["dosage_share"] = frame["minutes"] / max(float(frame["minutes"].sum()), 1e-9)
    frame["gap"] = frame["demand_share"] - frame["dosage_share"]
    return frame.sort_values(["gap", "name"], ascending=[False, True]).reset_index(drop=True)


def presence_grid(con: duckdb.DuckDBPyConnection, period: Period, warden: str | None = None) -> pd.DataFrame:
    """Per grid cell (analytics.grid frame): `cell_x`, `cell_y`, `minutes` of presence in the period,
    `wardens` (distinct holders present in the cell), `reports` located in the cell, `reports_per_hour`
    (NaN without presence)."""
    from analytics.coverage.visits import DEFAULT_RULES
    from analytics.grid import (
        METRES_PER_DEGREE_LAT,
        METRES_PER_DEGREE_LON,
        ORIGIN_LAT,
        ORIGIN_LON,
    )

    cell = float(DEFAULT_RULES.cell_m)
    first, last = period.start, period.end
    start, end = period.utc_bounds()
    precision = "true" if period.kind in ("month", "ytd") else "r.reported_precision <> 'month'"
    frame = con.execute(
        f"""
        WITH presence AS (
            SELECT p.cell_x, p.cell_y, sum(p.minutes) AS minutes, count(DISTINCT p.holder) AS wardens
            FROM presence_cells p
            WHERE p.day >= $first AND p.day < $last AND {_warden_clause("p")} GROUP BY ALL),
        demand AS (
            SELECT CAST(floor((r.lon - {ORIGIN_LON}) * {METRES_PER_DEGREE_LON} / {cell}) AS INTEGER) AS cell_x,
                   CAST(floor((r.lat - {ORIGIN_LAT}) * {METRES_PER_DEGREE_LAT} / {cell}) AS INTEGER) AS cell_y,
                   count(*) AS reports
            FROM reports r WHERE r.lat IS NOT NULL AND r.reported_at >= $start AND r.reported_at < $end AND {precision}
            GROUP BY ALL)
        SELECT cell_x, cell_y, coalesce(p.minutes, 0)::BIGINT AS minutes, coalesce(p.wardens, 0)::BIGINT AS wardens,
               coalesce(d.reports, 0)::BIGINT AS reports
        FROM presence p FULL JOIN demand d USING (cell_x, cell_y)
        ORDER BY cell_y, cell_x""",
        {"first": first, "last": last, "start": start, "end": end, "warden": warden or None},
    ).df()
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["reports_per_hour"] = np.where(frame["minutes"] > 0, frame["reports"] / (frame["minutes"] / 60), np.nan)
    return frame


def presence_geojson(frame: pd.DataFrame, cell_m: float | None = None) -> dict:
    """The presence grid as GeoJSON polygons with `minutes`, `hours`, `reports`, `per_hour` properties."""
    from analytics.coverage.visits import DEFAULT_RULES

    cell_m = cell_m or DEFAULT_RULES.cell_m
    features = []
    for row in frame.itertuples():
        per_hour = None if pd.isna(row.reports_per_hour) else round(float(row.reports_per_hour), 2)
        features.append(
            {
                "type": "Feature",
                "id": f"{row.cell_x}:{row.cell_y}",
                "geometry": {"type": "Polygon", "coordinates": [cell_polygon(row.cell_x, row.cell_y, cell_m)]},
                "properties": {
                    "cell": f"{row.cell_x}:{row.cell_y}",
                    "minutes": int(row.minutes),
                    "hours": round(row.minutes / 60, 1),
                    "reports": int(row.reports),
                    "per_hour": per_hour,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def duty_hours(con: duckdb.DuckDBPyConnection, period: Period, wardens_only: bool = True) -> pd.DataFrame:
    """Per holder in the period: `holder`, `days` on duty, `duty_hours` (first to last fix, per day),
    `distance_km`, `hotspot_minutes` (visits started in the period)."""
    start, end = period.utc_bounds()
    only = "AND holder IN (SELECT warden_code FROM wardens)" if wardens_only else ""
    return con.execute(
        f"""
        WITH d AS (SELECT holder, count(DISTINCT day) AS days,
                          sum(epoch(last_fix) - epoch(first_fix)) / 3600 AS duty_hours, sum(distance_km) AS distance_km
                   FROM duty_days WHERE day >= ? AND day < ? {only} GROUP BY holder),
        v AS (SELECT holder, sum(minutes) AS hotspot_minutes FROM visits
              WHERE started_at >= ? AND started_at < ? {only} GROUP BY holder)
        SELECT d.holder, d.days, d.duty_hours, d.distance_km, coalesce(v.hotspot_minutes, 0) AS hotspot_minutes
        FROM d LEFT JOIN v USING (holder) ORDER BY d.holder""",
        [period.start, period.end, start, end],
    ).df()


class StaffingEstimate(BaseEstimator):
    """How many warden-hours a month it takes to give every defined hot spot a target dosage,
    against the hours the wardens were actually on duty — "two wardens are too few", quantified.

    The target: every hot spot `target_visits_per_week` visits of `minutes_per_visit` minutes, plus
    `travel_overhead` (0.5 = half as much again for getting there and back). The wardens' other work
    is taken as it is: their duty hours minus the hours they now spend in hot spots (with the same
    overhead). Capacity per warden is what a warden was actually on duty per month in the period, so
    leave and part-time are in it. This is arithmetic with stated assumptions, not a statistical test.

    Attributes after fit: `hotspots_`, `needed_hours_` (per month), `duty_hours_`, `hotspot_hours_`
    (per month, measured), `wardens_` (on duty in the period), `hours_per_warden_`, `wardens_needed_`,
    `target_visits_` (per hot spot in the period), `per_hotspot_` (DataFrame: hotspot_id, name,
    target_visits, dosed_visits (≥ `dose_minutes`), shortfall).
    """

    def __init__(
        self,
        target_visits_per_week: float = 5,
        minutes_per_visit: float = 15,
        travel_overhead: float = 0.5,
        dose_minutes: float = DOSE_MINUTES,
    ):
        self.target_visits_per_week = target_visits_per_week
        self.minutes_per_visit = minutes_per_visit
        self.travel_overhead = travel_overhead
        self.dose_minutes = dose_minutes

    def fit(self, con: duckdb.DuckDBPyConnection, period: Period) -> StaffingEstimate:
        if self.target_visits_per_week < 0 or self.minutes_per_visit <= 0 or self.travel_overhead < 0:
            raise ValueError("streefdosis: bezoeken per week ≥ 0, minuten per bezoek > 0, verplaatsing ≥ 0")
        per_month = DAYS_PER_MONTH / period.days
        spots = footprint.hotspots(con)
        self.hotspots_ = len(spots)
        self.target_visits_ = self.target_visits_per_week * period.days / 7
        self.needed_hours_ = (
            self.hotspots_
            * self.target_visits_per_week
            * DAYS_PER_MONTH
            / 7
            * self.minutes_per_visit
            / 60
            * (1 + self.travel_overhead)
        )
        duty = duty_hours(con, period)
        self.wardens_ = int(len(duty))
        self.duty_hours_ = float(duty["duty_hours"].sum()) * per_month
        self.hotspot_hours_ = float(duty["hotspot_minutes"].sum()) / 60 * per_month
        self.hours_per_warden_ = self.duty_hours_ / self.wardens_ if self.wardens_ else math.nan
        other = max(self.duty_hours_ - self.hotspot_hours_ * (1 + self.travel_overhead), 0.0)
        self.wardens_needed_ = (
            (other + self.needed_hours_) / self.hours_per_warden_
            if self.wardens_ and self.hours_per_warden_ > 0
            else math.nan
        )
        start, end = period.utc_bounds()
        dosed = dict(
            con.execute(
                """SELECT hotspot_id, count(*) FROM visits
                                    WHERE started_at >= ? AND started_at < ? AND minutes >= ?
                                      AND holder IN (SELECT warden_code FROM wardens) GROUP BY ALL""",
                [start, end, self.dose_minutes],
            ).fetchall()
        )
        self.per_hotspot_ = pd.DataFrame(
            [
                {
                    "hotspot_id": s.hotspot_id,
                    "name": s.name,
                    "target_visits": self.target_visits_,
                    "dosed_visits": int(dosed.get(s.hotspot_id, 0)),
                    "shortfall": max(self.target_visits_ - dosed.get(s.hotspot_id, 0), 0.0),
                }
                for s in spots
            ]
        )
        return self
