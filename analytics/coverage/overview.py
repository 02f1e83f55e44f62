"""The overview list (*overzichtslijst*): who was near a place in a period, and what was reported there.

When a citizen complains ("nobody ever comes to our square"), the coordinator picks the place and a
period and hands over the list of every passage of a tracker within the radius — warden (a
pseudonymous code), start, end, minutes — and the reports made there. Unlike the materialised
visits this works for any point, so it is computed on demand from the fixes in the circle's box (a
bbox filter in DuckDB, then the same visit rules with no minimum length: a passage of half a
minute is listed too). Reports are listed without description or reporter.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.coverage import footprint
from analytics.coverage.detection import VisitRules, visits_from_fixes
from analytics.periods import Period
from civ import geometry

MAX_RADIUS_M = 2000
MAX_DAYS = 400
PASSAGES = VisitRules(min_visit_minutes=0.0, min_fixes=1)


def _check(radius_m: float, period: Period) -> None:
    if not 0 < radius_m <= MAX_RADIUS_M:
        raise ValueError(f"straal {radius_m:g} m: kies tussen 1 en {MAX_RADIUS_M} m")
    if period.days > MAX_DAYS:
        raise ValueError(f"periode van {period.days} dagen is te lang (hoogstens {MAX_DAYS})")


def visits_near(
    con: duckdb.DuckDBPyConnection,
    lat: float,
    lon: float,
    radius_m: float,
    period: Period,
    rules: VisitRules = PASSAGES,
) -> pd.DataFrame:
    """Every passage within `radius_m` of the point in the period: `holder`, `device_id`, `started_at`,
    `ended_at` (UTC), `minutes`, `fixes`, ordered by start."""
    _check(radius_m, period)
    spot = footprint.HotSpot("overzicht", "overzicht", None, float(lat), float(lon), float(radius_m), None)
    south, west, north, east = geometry.box_around(lat, lon, radius_m + rules.neighbour_margin_m)
    start, end = period.utc_bounds()
    fixes = con.execute(
        """
        SELECT 'overzicht' AS hotspot_id, device_id, epoch_ms(ts) AS t, lat, lon FROM fixes
        WHERE ts >= ? AND ts < ? AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?
          AND NOT is_outlier AND (accuracy_m IS NULL OR accuracy_m <= ?)""",
        [start, end, south, north, west, east, rules.accuracy_max_m],
    ).df()
    found = visits_from_fixes(fixes, [spot], rules)
    con.register("ov_found", found)
    try:
        return con.execute("""
            SELECT coalesce(d.warden_code, v.device_id) AS holder, v.device_id,
                   make_timestamptz(v.start_ms * 1000) AS started_at, make_timestamptz(v.end_ms * 1000) AS ended_at,
                   v.minutes, v.fixes
            FROM ov_found v LEFT JOIN devices d ON d.device_id = v.device_id
             AND (d.valid_from IS NULL OR make_timestamptz(v.start_ms * 1000) >= d.valid_from)
             AND (d.valid_to IS NULL OR make_timestamptz(v.start_ms * 1000) < d.valid_to)
            ORDER BY started_at""").df()
    finally:
        con.unregister("ov_found")


def reports_near(
    con: duckdb.DuckDBPyConnection,
    lat: float,
    lon: float,
    radius_m: float,
    period: Period,
    include_description: bool = False,
) -> pd.DataFrame:
    """Located reports within `radius_m` of the point in the period: `reported_at`, `category_label`,
    `category_label_en`, `channel` (code), `channel_label`, `channel_label_en`, `status`, `lat`, `lon`,
    `distance_m`, `description`. Never the reporter; the free-text description may name citizens, so
    it is only filled when `include_description` (for the role that follows reports up), else NULL."""
    _check(radius_m, period)
    south, west, north, east = geometry.box_around(lat, lon, radius_m)
    start, end = period.utc_bounds()
    distance = geometry.haversine_sql("r.lat", "r.lon", "$lat", "$lon")
    return con.execute(
        f"""
        SELECT r.reported_at, k.label_nl AS category_label, k.label_en AS category_label_en,
               r.channel_code AS channel, c.label_nl AS channel_label, c.label_en AS channel_label_en,
               r.status, r.lat, r.lon, {distance} AS distance_m,
               {"r.description" if include_description else "NULL::VARCHAR"} AS description
        FROM reports r JOIN categories k ON k.code = r.category_code
        LEFT JOIN channels c ON c.code = r.channel_code
        WHERE r.lat BETWEEN $south AND $north AND r.lon BETWEEN $west AND $east
          AND r.reported_at >= $start AND r.reported_at < $end AND {distance} <= $radius
        ORDER BY r.reported_at""",
        {
            "lat": lat,
            "lon": lon,
            "south": south,
            "north": north,
            "west": west,
            "east": east,
            "start": start,
            "end": end,
            "radius": radius_m,
        },
    ).df()
