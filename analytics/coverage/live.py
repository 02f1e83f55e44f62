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
RECENT = timedelta(days=2)  # searched in the fixes first; older positions via duty_days


def _now(at: datetime | None) -> datetime:
    at = at or datetime.now(timezone.utc)
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def _clean(alias: str) -> str:
    return f"NOT {alias}.is_outlier AND ({alias}.accuracy_m IS NULL OR {alias}.accuracy_m <= $accuracy)"


def last_positions(
    con: duckdb.DuckDBPyConnection,
    at: datetime | None = None,
    stale_minutes: float = STALE_MINUTES,
    pending: list[dict] | None = None,
) -> pd.DataFrame:
    """Per tracker: `device_id`, `holder` (warden, else device), `ts` (UTC), `lat`, `lon`, `accuracy_m`,
    `age_minutes` at `at` (default now), `is_stale`, `battery_pct` (last reported, else NaN) and
    `source` ('live' for positions pushed by the device, else the file it was imported from).
    Ordered by holder.

    `pending`: live positions acknowledged but not yet in the store (civ.live_journal.pending_entries);
    a newer one wins over the stored position of its device."""
    at = _now(at)
    params = {"at": at, "accuracy": DEFAULT_RULES.accuracy_max_m}
    recent = con.execute(
        f"""
        SELECT device_id, max(ts) AS ts, arg_max(lat, ts) AS lat, arg_max(lon, ts) AS lon,
               arg_max(accuracy_m, ts) AS accuracy_m, arg_max(batch_id, ts) AS batch_id
        FROM fixes f WHERE ts > $since AND ts <= $at AND {_clean("f")} GROUP BY device_id""",
        {**params, "since": at - RECENT},
    ).df()
    waiting = _pending_frame(pending, at)
    seen = sorted(set(recent["device_id"]) | set(waiting["device_id"]))
    # Trackers silent for longer: their last duty day says when, one narrow lookup says where.
    older = con.execute(
        """SELECT device_id, max(last_fix) AS ts FROM duty_days
                           WHERE last_fix <= $at AND device_id NOT IN (SELECT unnest($seen)) GROUP BY device_id""",
        {"at": at, "seen": seen or [""]},
    ).df()
    if not older.empty:
        lo, hi = older["ts"].min(), older["ts"].max()
        found = con.execute(
            f"""
            SELECT f.device_id, f.ts, f.lat, f.lon, f.accuracy_m, f.batch_id FROM fixes f JOIN older o
              ON f.device_id = o.device_id AND f.ts = o.ts
            WHERE f.ts BETWEEN $lo AND $hi AND {_clean("f")}""",
            {"lo": lo, "hi": hi, "accuracy": DEFAULT_RULES.accuracy_max_m},
        ).df()
        recent = pd.concat([recent, found], ignore_index=True) if not recent.empty else found
    if not waiting.empty:
        recent["ts"] = pd.to_datetime(recent["ts"], utc=True)
        both = pd.concat([recent, waiting], ignore_index=True) if not recent.empty else waiting
        recent = both.sort_values("ts").groupby("device_id", as_index=False).tail(1).reset_index(drop=True)
    if recent.empty:
        return pd.DataFrame(
            columns=[
                "device_id",
                "holder",
                "ts",
                "lat",
                "lon",
                "accuracy_m",
                "age_minutes",
                "is_stale",
                "battery_pct",
                "source",
            ]
        )
    recent = recent.astype({"batch_id": "Int64"})
    frame = con.execute(f"""
        SELECT r.device_id, coalesce(d.warden_code, r.device_id) AS holder, r.ts, r.lat, r.lon, r.accuracy_m,
               CASE WHEN r.batch_id IS NULL OR b.format = 'osmand' THEN 'live' ELSE b.file_name END AS source,
               r.battery_pct AS pending_battery
        FROM (SELECT *, {"battery_pct" if "battery_pct" in recent else "NULL::DOUBLE AS battery_pct"} FROM recent) r
        LEFT JOIN devices d ON d.device_id = r.device_id
         AND (d.valid_from IS NULL OR r.ts >= d.valid_from) AND (d.valid_to IS NULL OR r.ts < d.valid_to)
        LEFT JOIN import_batches b ON b.batch_id = r.batch_id
        ORDER BY holder, r.device_id""").df()
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    frame["age_minutes"] = (pd.Timestamp(at) - frame["ts"]).dt.total_seconds() / 60
    frame["is_stale"] = frame["age_minutes"] > stale_minutes
    stored_battery = _stored_battery(con, at)
    frame["battery_pct"] = frame["pending_battery"].astype(float).fillna(frame["device_id"].map(stored_battery))
    return frame.drop(columns=["pending_battery"])


def _pending_frame(pending: list[dict] | None, at: datetime) -> pd.DataFrame:
    """The last clean journal position per device at `at` (same accuracy rule as the stored fixes)."""
    columns = ["device_id", "ts", "lat", "lon", "accuracy_m", "batch_id", "battery_pct"]
    if not pending:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(pending).reindex(columns=columns)
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    frame = frame.astype({"lat": float, "lon": float, "accuracy_m": float, "battery_pct": float})
    keep = (frame["ts"] <= pd.Timestamp(at)) & (
        frame["accuracy_m"].isna() | (frame["accuracy_m"] <= DEFAULT_RULES.accuracy_max_m)
    )
    frame = frame[keep].sort_values("ts")
    # the battery reading of the device's newest entry that had one, on its newest position
    battery = frame.dropna(subset=["battery_pct"]).groupby("device_id")["battery_pct"].last()
    frame = frame.groupby("device_id", as_index=False).tail(1).reset_index(drop=True)
    frame["battery_pct"] = frame["device_id"].map(battery)
    return frame


def _stored_battery(con: duckdb.DuckDBPyConnection, at: datetime) -> dict[str, float]:
    try:
        rows = con.execute(
            "SELECT device_id, battery_pct FROM live_devices WHERE battery_pct IS NOT NULL AND battery_at <= $at",
            {"at": at},
        ).fetchall()
    except duckdb.CatalogException:  # a store from before live positions
        return {}
    return dict(rows)


def nearest_trackers(
    con: duckdb.DuckDBPyConnection,
    lat: float,
    lon: float,
    at: datetime | None = None,
    stale_minutes: float = STALE_MINUTES,
    pending: list[dict] | None = None,
) -> pd.DataFrame:
    """Trackers by who is nearest to (lat, lon): the current positions by distance first, then the stale
    ones by distance (a stale position is no evidence of where someone is now). Adds `distance_m`."""
    frame = last_positions(con, at, stale_minutes, pending)
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
