"""The daily overview: where each warden was on one day — duty, distance, track and a timeline.

Personal data: a track is where one (pseudonymous) warden walked; the pages show it only to whom
`dashboards.access.can_see_individual_tracks()` allows. Everything here is per local (Brussels) day.

The timeline has three kinds of bars besides moving (the background):
- `visit`: a visit to a defined hot spot (the materialised visits);
- `still`: at least `STILL_MINUTES` standing still outside hot spots (1-minute mean positions moving
  less than `VisitRules.min_step_m` a minute): the office, a break, a talk with a resident;
- `gap`: no fix for at least `GAP_MINUTES` between the first and the last fix (tracker off, no signal).
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd

from analytics.coverage.visits import DEFAULT_RULES
from analytics.periods import Period, local_day_sql
from civ.geometry import haversine_m

STILL_MINUTES = 10
GAP_MINUTES = 5


def duty_days(con: duckdb.DuckDBPyConnection, period: Period, warden: str | None = None) -> pd.DataFrame:
    """Per holder and local day: `holder`, `day`, `first_fix`, `last_fix` (UTC), `duty_minutes` (first
    to last fix), `distance_km`, `hotspots_visited` (distinct), `visits`, `hotspot_minutes`."""
    start, end = period.utc_bounds()
    frame = con.execute(
        f"""
        WITH d AS (SELECT holder, day, min(first_fix) AS first_fix, max(last_fix) AS last_fix,
                          sum(distance_km) AS distance_km
                   FROM duty_days WHERE day >= $first AND day < $last
                     AND (CAST($warden AS VARCHAR) IS NULL OR holder = CAST($warden AS VARCHAR)
                          OR device_id = CAST($warden AS VARCHAR))
                   GROUP BY holder, day),
        v AS (SELECT holder, {local_day_sql("started_at")} AS day, count(DISTINCT hotspot_id) AS hotspots_visited,
                     count(*) AS visits, sum(minutes) AS hotspot_minutes
              FROM visits WHERE started_at >= $start AND started_at < $end GROUP BY ALL)
        SELECT d.holder, d.day, d.first_fix, d.last_fix,
               (epoch(d.last_fix) - epoch(d.first_fix)) / 60 AS duty_minutes, d.distance_km,
               coalesce(v.hotspots_visited, 0) AS hotspots_visited, coalesce(v.visits, 0) AS visits,
               coalesce(v.hotspot_minutes, 0) AS hotspot_minutes
        FROM d LEFT JOIN v USING (holder, day)
        ORDER BY d.day, d.holder""",
        {"first": period.start, "last": period.end, "start": start, "end": end, "warden": warden or None},
    ).df()
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    return frame


def _day_minutes(con, day: date) -> pd.DataFrame:
    """Clean fixes of the local day as 1-minute mean positions per holder (the track that is drawn)."""
    start, end = Period.between(day, day).utc_bounds()
    return con.execute(
        """
        SELECT f.holder, f.device_id, time_bucket(INTERVAL 1 MINUTE, f.ts) AS minute,
               avg(f.lat) AS lat, avg(f.lon) AS lon, count(*) AS fixes
        FROM fixes_attributed f
        WHERE f.ts >= ? AND f.ts < ? AND NOT f.is_outlier AND (f.accuracy_m IS NULL OR f.accuracy_m <= ?)
        GROUP BY ALL ORDER BY f.holder, minute""",
        [start, end, DEFAULT_RULES.accuracy_max_m],
    ).df()


def day_tracks(con: duckdb.DuckDBPyConnection, day: date) -> dict[str, pd.DataFrame]:
    """Per holder: its 1-minute mean positions of the day (`minute` UTC, `lat`, `lon`), in time order."""
    minutes = _day_minutes(con, day)
    return {
        holder: rows[["minute", "lat", "lon"]].reset_index(drop=True)
        for holder, rows in minutes.groupby("holder", sort=True)
    }


def day_timeline(con: duckdb.DuckDBPyConnection, day: date) -> pd.DataFrame:
    """The day's bars per holder: `holder`, `kind` ('visit', 'still', 'gap'), `start`, `end` (UTC),
    `minutes`, `hotspot` (name, for visits). Ordered by holder and start. Vectorised over all holders."""
    columns = ["holder", "kind", "start", "end", "minutes", "hotspot"]
    minutes = _day_minutes(con, day)
    visits = con.execute(
        """
        SELECT v.holder, 'visit' AS kind, v.started_at AS start, v.ended_at AS "end", v.minutes, h.name AS hotspot
        FROM visits v JOIN hotspots h USING (hotspot_id)
        WHERE v.started_at >= ? AND v.started_at < ? ORDER BY v.holder, v.started_at""",
        list(Period.between(day, day).utc_bounds()),
    ).df()
    visits["start"] = pd.to_datetime(visits["start"], utc=True)
    visits["end"] = pd.to_datetime(visits["end"], utc=True)
    bars = [visits[columns]]
    if not minutes.empty:
        one = pd.Timedelta(minutes=1)
        m = minutes.assign(minute=pd.to_datetime(minutes["minute"], utc=True)).sort_values(["minute"])
        # inside a visit of the same holder? (the last visit started before the minute's end, not yet over)
        if visits.empty:
            m["in_visit"] = False
        else:
            probe = m.assign(probe=m["minute"] + one).sort_values("probe")
            hits = pd.merge_asof(
                probe,
                visits[["holder", "start", "end"]].sort_values("start"),
                left_on="probe",
                right_on="start",
                by="holder",
                direction="backward",
            )
            hits["in_visit"] = hits["end"].notna() & (hits["end"] > hits["minute"])
            m = hits.drop(columns=["probe", "start", "end"])
        m = m.sort_values(["holder", "minute"]).reset_index(drop=True)
        same = m["holder"].eq(m["holder"].shift())
        lat, lon = m["lat"].to_numpy(), m["lon"].to_numpy()
        step = np.full(len(m), np.inf)
        step[1:] = haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:])
        gap = m["minute"].diff()
        still = (same & (gap <= one) & (step < DEFAULT_RULES.min_step_m) & ~m["in_visit"].astype(bool)).to_numpy()
        # runs of still minutes: a run starts at the minute before its first still step
        run = np.cumsum(np.concatenate([[True], still[1:] != still[:-1]]) | ~same.to_numpy())
        runs = pd.DataFrame({"holder": m["holder"], "run": run, "still": still, "minute": m["minute"]})
        runs = runs[runs["still"]].groupby(["holder", "run"]).agg(first=("minute", "min"), last=("minute", "max"))
        runs["start"] = runs["first"] - one
        runs["end"] = runs["last"] + one
        runs = runs[(runs["end"] - runs["start"]) >= pd.Timedelta(minutes=STILL_MINUTES)].reset_index()
        bars.append(
            pd.DataFrame(
                {
                    "holder": runs["holder"],
                    "kind": "still",
                    "start": runs["start"],
                    "end": runs["end"],
                    "minutes": (runs["end"] - runs["start"]).dt.total_seconds() / 60,
                    "hotspot": None,
                }
            )
        )
        silent = same & (gap - one >= pd.Timedelta(minutes=GAP_MINUTES))
        ends = m.loc[silent, "minute"]
        starts = m["minute"].shift()[silent] + one
        bars.append(
            pd.DataFrame(
                {
                    "holder": m.loc[silent, "holder"],
                    "kind": "gap",
                    "start": starts,
                    "end": ends,
                    "minutes": (ends - starts).dt.total_seconds() / 60,
                    "hotspot": None,
                }
            )
        )
    bars = [b for b in bars if not b.empty]
    if not bars:
        return pd.DataFrame(columns=columns)
    frame = pd.concat(bars, ignore_index=True)
    frame["start"] = pd.to_datetime(frame["start"], utc=True)
    frame["end"] = pd.to_datetime(frame["end"], utc=True)
    return frame.sort_values(["holder", "start"]).reset_index(drop=True)


def days_with_fixes(con: duckdb.DuckDBPyConnection, limit: int = 400) -> list[date]:
    """The most recent local days with a duty day stored, newest first (for the date picker)."""
    return [
        r[0] for r in con.execute("SELECT DISTINCT day FROM duty_days ORDER BY day DESC LIMIT ?", [limit]).fetchall()
    ]


def months_with_duty(con: duckdb.DuckDBPyConnection) -> list[Period]:
    """The local months with at least one duty day, newest first."""
    rows = con.execute("SELECT DISTINCT year(day), month(day) FROM duty_days ORDER BY 1 DESC, 2 DESC").fetchall()
    return [Period.month(int(y), int(m)) for y, m in rows]


def holders(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Everyone with a duty day: `holder`, `is_warden`, `last_day`; wardens first, then devices."""
    return con.execute("""
        SELECT d.holder, w.warden_code IS NOT NULL AS is_warden, max(d.day) AS last_day
        FROM duty_days d LEFT JOIN wardens w ON w.warden_code = d.holder
        GROUP BY ALL ORDER BY is_warden DESC, d.holder""").df()
