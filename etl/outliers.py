"""Impossible jumps in a tracker's series: flagged and kept, never deleted.

A warden walks or cycles; a fix that lies far from both the fix before and the fix after it, at a
speed no warden reaches, is a receiver error (multipath near buildings, a cold start). The rule:

    a fix is an outlier when the jump from its previous fix AND the jump to its next fix are both
    longer than 100 m and faster than settings `max_speed_kmh` (130 km/u); at the start or end of
    a device's series the one neighbour that exists decides.

Requiring both sides flags a single spike but not the honest fixes around it (each of those has
one normal side). A jump of 100 m or less is never an outlier: that is within a receiver's own
scatter, and at fixes a second apart it would otherwise read as "too fast".

The flags are a function of the whole series, whatever order the files arrive in. A batch only
changes the neighbours of fixes inside its own time range and of the one stored fix just before
and just after it, so those are recomputed on the merged series (stored + new); one more stored
fix on each side is read as context only. Everything is SQL, on the batch's temp tables.
"""

from __future__ import annotations

import duckdb

from civ import reference, store
from civ.geometry import EARTH_RADIUS_M, haversine_sql

JUMP_MIN_M = 100
# No least()/greatest() here: they skip NULLs, and a missing neighbour must stay NULL, not become a jump.
_MACROS = f"""
CREATE OR REPLACE TEMP MACRO fx_distance_m(lat1, lon1, lat2, lon2) AS
    {haversine_sql("lat1", "lon1", "lat2", "lon2")};
-- The distance where it can matter, else 0: both are "not a jump" (100 m or less). The bound
-- R·(|Δlat| + |Δlon|) (radians) is never shorter than the great circle (along a meridian, then a
-- parallel); at 99 m it leaves the haversine's rounding a metre, and it spares the trigonometry of
-- the millions of steps a walking warden makes.
CREATE OR REPLACE TEMP MACRO fx_step_m(lat1, lon1, lat2, lon2) AS
    CASE WHEN {EARTH_RADIUS_M} * radians(abs(lat2 - lat1) + abs(lon2 - lon1)) <= {JUMP_MIN_M - 1} THEN 0
         ELSE fx_distance_m(lat1, lon1, lat2, lon2) END;
CREATE OR REPLACE TEMP MACRO fx_kmh(metres, seconds) AS
    metres / (CASE WHEN seconds < 0.001 THEN 0.001 ELSE seconds END) * 3.6;
CREATE OR REPLACE TEMP MACRO fx_is_jump(metres, seconds, max_kmh) AS
    metres > {JUMP_MIN_M} AND fx_kmh(metres, seconds) > max_kmh;
-- 'sprong van 4,2 km in 10 s (1512 km/u)': Dutch decimal comma, a unit a coordinator reads at once
CREATE OR REPLACE TEMP MACRO fx_jump_text(metres, seconds) AS
    'sprong van '
    || CASE WHEN metres >= 1000 THEN replace(printf('%.1f', metres / 1000), '.', ',') || ' km'
            ELSE printf('%d m', round(metres)::BIGINT) END
    || ' in '
    || CASE WHEN seconds < 120 THEN printf('%d s', round(seconds)::BIGINT)
            WHEN seconds < 7200 THEN printf('%d min', round(seconds / 60)::BIGINT)
            ELSE replace(printf('%.1f', seconds / 3600), '.', ',') || ' u' END
    || ' (' || round(fx_kmh(metres, seconds))::BIGINT || ' km/u)';
"""


def store_with_flags(con: duckdb.DuckDBPyConnection, batch_id: int | None, max_speed_kmh: float) -> int:
    """Insert the rows of fx_load into fixes, flagged; re-flag stored neighbours.

    Needs the temp tables of etl.fixes: fx_load (the batch's rows to store), fx_ranges (per device:
    lo, hi of the batch) and fx_stored (the stored fixes of those devices inside their range).
    The series work reads only device, time and position, and keeps only the rows whose flag is
    set or changes (a handful): the rows themselves go from fx_load to the store once.
    """
    con.execute(_MACROS)
    stored_struct = "{'ts': f.ts, 'lat': f.lat, 'lon': f.lon, 'is_outlier': f.is_outlier, 'reason': f.outlier_reason}"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE fx_flags AS
        WITH before AS (
            SELECT f.device_id, unnest(max_by({stored_struct}, f.ts, 2)) AS s
            FROM fixes f JOIN fx_ranges r ON f.device_id = r.device_id AND f.ts < r.lo
            GROUP BY f.device_id),
        after AS (
            SELECT f.device_id, unnest(min_by({stored_struct}, f.ts, 2)) AS s
            FROM fixes f JOIN fx_ranges r ON f.device_id = r.device_id AND f.ts > r.hi
            GROUP BY f.device_id),
        edges AS (
            SELECT device_id, s, row_number() OVER (PARTITION BY device_id ORDER BY s['ts'] DESC) AS k FROM before
            UNION ALL
            SELECT device_id, s, row_number() OVER (PARTITION BY device_id ORDER BY s['ts']) AS k FROM after),
        series AS (
            SELECT device_id, ts, lat, lon, true AS is_new, false AS context_only,
                   NULL::BOOLEAN AS old_outlier, NULL::VARCHAR AS old_reason
            FROM fx_load
            UNION ALL
            SELECT device_id, ts, lat, lon, false, false, is_outlier, outlier_reason FROM fx_stored
            UNION ALL
            -- the second fix outside the range: its own neighbours did not change, it only serves as one
            SELECT device_id, s['ts'], s['lat'], s['lon'], false, k = 2, s['is_outlier'], s['reason']
            FROM edges),
        n AS (
            SELECT *, lag(lat) OVER w AS prev_lat, lag(lon) OVER w AS prev_lon, lag(ts) OVER w AS prev_ts,
                      lead(lat) OVER w AS next_lat, lead(lon) OVER w AS next_lon, lead(ts) OVER w AS next_ts
            FROM series WINDOW w AS (PARTITION BY device_id ORDER BY ts)),
        d AS (
            SELECT *, fx_step_m(prev_lat, prev_lon, lat, lon) AS prev_m,
                      (epoch_us(ts) - epoch_us(prev_ts)) / 1e6 AS prev_s,
                      fx_step_m(lat, lon, next_lat, next_lon) AS next_m,
                      (epoch_us(next_ts) - epoch_us(ts)) / 1e6 AS next_s
            FROM n),
        j AS (
            SELECT *, fx_is_jump(prev_m, prev_s, $max) AS prev_jump, fx_is_jump(next_m, next_s, $max) AS next_jump,
                   coalesce(CASE WHEN prev_ts IS NULL THEN fx_is_jump(next_m, next_s, $max)
                                 WHEN next_ts IS NULL THEN fx_is_jump(prev_m, prev_s, $max)
                                 ELSE fx_is_jump(prev_m, prev_s, $max) AND fx_is_jump(next_m, next_s, $max)
                            END, false) AS flagged
            FROM d),
        flags AS (
            SELECT device_id, ts, is_new, context_only, old_outlier, old_reason, flagged AS is_outlier,
                   CASE WHEN flagged THEN CASE WHEN prev_jump THEN fx_jump_text(prev_m, prev_s)
                                               ELSE fx_jump_text(next_m, next_s) END END AS outlier_reason
            FROM j)
        SELECT device_id, ts, is_new, is_outlier, outlier_reason FROM flags
        WHERE CASE WHEN is_new THEN is_outlier
                   ELSE NOT context_only AND (is_outlier IS DISTINCT FROM old_outlier
                                              OR outlier_reason IS DISTINCT FROM old_reason) END""",
        {"max": max_speed_kmh},
    )
    # Written in time order: row groups then cover short periods, which keeps later range checks cheap.
    con.execute(
        """INSERT INTO fixes (device_id, ts, lat, lon, accuracy_m, speed_kmh, batch_id,
                                      is_outlier, outlier_reason)
                   SELECT l.device_id, l.ts, l.lat, l.lon, l.accuracy_m, l.speed_kmh, ?,
                          coalesce(f.is_outlier, false), f.outlier_reason
                   FROM fx_load l LEFT JOIN fx_flags f ON f.is_new AND f.device_id = l.device_id AND f.ts = l.ts
                   ORDER BY l.ts""",
        [batch_id],
    )
    return _update_stored_flags(con)


def reflag_after_removal(con: duckdb.DuckDBPyConnection) -> int:
    """After fixes were deleted (an undone batch), judge again the stored fixes whose neighbours
    changed: those left inside each device's removed span (fx_ranges) and the nearest one on each
    side. The same series rule as a load, with no new rows; returns how many flags changed."""
    con.execute("""CREATE OR REPLACE TEMP TABLE fx_stored AS
        SELECT f.device_id, f.ts, f.lat, f.lon, f.is_outlier, f.outlier_reason
        FROM fixes f JOIN fx_ranges r ON f.device_id = r.device_id AND f.ts BETWEEN r.lo AND r.hi""")
    con.execute("""CREATE OR REPLACE TEMP TABLE fx_load AS
        SELECT device_id, ts, lat, lon, accuracy_m, speed_kmh FROM fixes LIMIT 0""")
    max_speed = float(reference.setting(con, "max_speed_kmh") or 130)
    return store_with_flags(con, None, max_speed)


def _update_stored_flags(con: duckdb.DuckDBPyConnection) -> int:
    con.execute("""CREATE OR REPLACE TEMP TABLE fx_reflag AS
        SELECT device_id, ts, is_outlier, outlier_reason FROM fx_flags WHERE NOT is_new""")
    lo, hi = store.first_row(con, "SELECT min(ts), max(ts) FROM fx_reflag")
    if lo is not None:
        con.execute(
            """UPDATE fixes SET is_outlier = r.is_outlier, outlier_reason = r.outlier_reason
                       FROM fx_reflag r
                       WHERE fixes.device_id = r.device_id AND fixes.ts = r.ts AND fixes.ts BETWEEN ? AND ?""",
            [lo, hi],
        )
    return store.scalar(con, "SELECT count(*) FROM fx_reflag")
