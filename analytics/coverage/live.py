"""Live: the last known position of each tracker, its age, and who is nearest to a problem now.

A position older than `STALE_MINUTES` is stale: the page draws it as stale and never as current,
because a warden seen 40 minutes ago at the station may be anywhere now. Only clean fixes count
(no outliers, accuracy within the visit rules). `at` replays the state at an earlier moment (what
was known then), which is also what the demo data need: their last fix lies in the past.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import duckdb
import numpy as np
import pandas as pd

from analytics.coverage.visits import DEFAULT_RULES
from civ.geometry import haversine_m

STALE_MINUTES = 10
RECENT = timedelta(days=2)            # searched in the fixes first; older positions via duty_days


def _now(at: datetime | None) -> datetime:
    at = at or datetime.now(timezone.utc)
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def _clean(alias: str) -> str:
    return f"NOT {alias}.is_outlier AND ({alias}.accuracy_m IS NULL OR {alias}.accuracy_m <= $accuracy)"


def last_positions(con: duckdb.DuckDBPyConnection, at: datetime | None = None,
                   stale_minutes: float = STALE_MINUTES) -> pd.DataFrame:
    """Per tracker: `device_id`, `holder` (warden, else device), `ts` (UTC), `lat`, `lon`, `accuracy_m`,
    `age_minutes` at `at` (default now), `is_stale`. Ordered by holder."""
    at = _now(at)
    params = {"at": at, "accuracy": DEFAULT_RULES.accuracy_max_m}
    recent = con.execute(f"""
        SELECT device_id, max(ts) AS ts, arg_max(lat, ts) AS lat, arg_max(lon, ts) AS lon,
               arg_max(accuracy_m, ts) AS accuracy_m
        FROM fixes f WHERE ts > $since AND ts <= $at AND {_clean('f')} GROUP BY device_id""",
                         {**params, "since": at - RECENT}).df()
    # Trackers silent for longer: their last duty day says when, one narrow lookup says where.
    older = con.execute("""SELECT device_id, max(last_fix) AS ts FROM duty_days
                           WHERE last_fix <= $at AND device_id NOT IN (SELECT unnest($seen)) GROUP BY device_id""",
                        {"at": at, "seen": recent["device_id"].tolist() or [""]}).df()
    if not older.empty:
        lo, hi = older["ts"].min(), older["ts"].max()
        found = con.execute(f"""
            SELECT f.device_id, f.ts, f.lat, f.lon, f.accuracy_m FROM fixes f JOIN older o
              ON f.device_id = o.device_id AND f.ts = o.ts
            WHERE f.ts BETWEEN $lo AND $hi AND {_clean('f')}""",
                            {"lo": lo, "hi": hi, "accuracy": DEFAULT_RULES.accuracy_max_m}).df()
        recent = pd.concat([recent, found], ignore_index=True) if not recent.empty else found
    if recent.empty:
        return pd.DataFrame(columns=["device_id", "holder", "ts", "lat", "lon", "accuracy_m", "age_minutes", "is_stale"])
    frame = con.execute("""
        SELECT r.device_id, coalesce(d.warden_code, r.device_id) AS holder, r.ts, r.lat, r.lon, r.accuracy_m
        FROM recent r LEFT JOIN devices d ON d.device_id = r.device_id
         AND (d.valid_from IS NULL OR r.ts >= d.valid_from) AND (d.valid_to IS NULL OR r.ts < d.valid_to)
        ORDER BY holder, r.device_id""").df()
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    frame["age_minutes"] = (pd.Timestamp(at) - frame["ts"]).dt.total_seconds() / 60
    frame["is_stale"] = frame["age_minutes"] > stale_minutes
    return frame


def nearest_trackers(con: duckdb.DuckDBPyConnection, lat: float, lon: float, at: datetime | None = None,
                     stale_minutes: float = STALE_MINUTES) -> pd.DataFrame:
    """Trackers by who is nearest to (lat, lon): the current positions by distance first, then the stale
    ones by distance (a stale position is no evidence of where someone is now). Adds `distance_m`."""
    frame = last_positions(con, at, stale_minutes)
    if frame.empty:
        return frame.assign(distance_m=pd.Series(dtype=float))
    frame["distance_m"] = haversine_m(frame["lat"].to_numpy(), frame["lon"].to_numpy(), lat, lon)
    return frame.sort_values(["is_stale", "distance_m", "age_minutes"]).reset_index(drop=True)


def latest_fix(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """The time of the newest stored duty day's last fix (what 'now' is for data that ended earlier)."""
    value = con.execute("SELECT max(last_fix) FROM duty_days").fetchall()[0][0]
    return None if value is None else pd.Timestamp(value).to_pydatetime()


def in_reach(frame: pd.DataFrame, radius_m: float) -> np.ndarray:
    """Current (not stale) trackers within `radius_m`: what the live page highlights."""
    return (~frame["is_stale"].to_numpy(bool)) & (frame["distance_m"].to_numpy(float) <= radius_m)


def label_groups(frame: pd.DataFrame, within_m: float = 25.0) -> list[int]:
    """For each row, the first row (in frame order) within `within_m` of it: positions that would be
    drawn on top of each other share one label on the map (a desk at the office holds several trackers)."""
    lat, lon = frame["lat"].to_numpy(float), frame["lon"].to_numpy(float)
    leaders: list[int] = []
    for i in range(len(frame)):
        near = [j for j in leaders if haversine_m(lat[j], lon[j], lat[i], lon[i]) <= within_m]
        leaders.append(min(near) if near else i)
    return leaders
