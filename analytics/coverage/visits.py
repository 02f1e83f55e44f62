"""From fixes to visits, duty days and presence cells, materialised in DuckDB and kept up to date incrementally.

**A visit** (one tracker continuously inside one defined hot spot) is defined in
analytics/coverage/detection.py, with the rules and the numpy that finds visits in candidate fixes.
analytics/coverage/scan.py reads the fixes of the recomputed windows once and makes the visits, duty
days and presence cells from that one read.

**Duty days** (per tracker, holder and Brussels date): first and last fix, minutes with a fix, and
distance — the path through the tracker's 1-minute mean positions, steps under `min_step_m`
counted as standing still (GPS drift of a warden at a desk is no distance). **Presence cells**:
minutes per 250 m cell of analytics.grid, from the same 1-minute mean positions.

**Incremental.** `coverage_batches` lists the fixes batches already processed. `refresh()` takes
the time range of each new batch per device, plus the stored fix just before and just after it
(the loader may have changed their outlier flags), widens each by the reach of a change (a merge
gap and two edges) and by every stored visit it touches, and recomputes the visits in those
windows (a visit reaching a window's edge sends that device back to its whole series), and the
duty days and presence cells of the local days they touch. A changed warden mapping redoes
that device; a changed or new hot spot redoes that hot spot's visits; other rules redo everything.
So an incremental refresh gives exactly what a full rebuild gives (tested).

**After retention** (etl/retention.py deleted raw fixes before the setting `fixes_retained_from`)
nothing computed from the deleted fixes can be computed again, so no refresh touches it: visits that
started before that moment and duty days and presence cells of the local days up to and including
it are kept as they were computed (with the hot-spot outline and warden mapping of that time); a
redrawn hot spot, a new warden mapping or new rules redo only what comes after. A recomputed visit
that overlaps a kept one (a visit across the cut-off) is left out: the kept one is whole.
`RefreshResult.kept_before` tells callers so they can say it.

**When it runs.** etl/ never imports analytics/, so loading fixes does not refresh. The refresh runs
(1) from `python -m analytics coverage`, (2) when the app starts, after the schema migration and
before serving, and (3) from the coverage pages when `pending()` says batches are waiting: they
show what is stored with the banner "bezig met bijwerken" and start `refresh_visits()` in the
background, which holds the write lock only for its own short transaction.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import duckdb

from analytics.coverage import footprint, scan
from analytics.coverage.detection import DEFAULT_RULES, VisitRules, with_holder
from analytics.coverage.outdated import device_prints, hotspot_prints, is_pending, pending
from analytics.coverage.scan import islands
from analytics.periods import local_date, local_day_sql, local_midnight_sql
from civ import reference, store
from civ.errors import UnusableInput

NEIGHBOUR_SEARCH = timedelta(days=4)  # where the fix before or after a new batch is looked for first (weekends)


@dataclass
class RefreshResult:
    batches: list[int] = field(default_factory=list)  # fixes batches processed now
    full: bool = False  # everything rebuilt
    devices: list[str] = field(default_factory=list)  # devices with changed ranges
    hotspots: list[str] = field(default_factory=list)  # hot spots redone over all fixes
    visits: int = 0  # visits stored after the refresh
    kept_before: str | None = None  # fixes_retained_from: what came before is kept as it was

    @property
    def changed(self) -> bool:
        return self.full or bool(self.batches or self.devices or self.hotspots)


# --- the incremental refresh --------------------------------------------------------------------
def _device_spans(con, devices: list[str] | None = None) -> None:
    """Temp table cv_span(device_id, first_ts, last_ts): every stored fix of the devices."""
    where = "" if devices is None else "WHERE device_id IN (SELECT unnest($devices))"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE cv_span AS
                    SELECT device_id, min(ts) AS first_ts, max(ts) AS last_ts FROM fixes {where} GROUP BY device_id""",
        {} if devices is None else {"devices": devices},
    )


def _reach(rules: VisitRules) -> timedelta:
    """How far in time a change of fixes can change a visit: a merge gap plus the edges of two fixes."""
    return timedelta(minutes=rules.merge_gap_minutes, seconds=2 * rules.edge_cap_seconds + 60)


def _fetch_windows(con, rules: VisitRules) -> None:
    """cv_fetch: the time windows per device whose visits are recomputed for the ranges in cv_work.

    Each range widened by the reach of a change, then, until nothing changes, by every stored visit it
    overlaps plus the reach again, so no stored visit lies within reach of a window's edge (a known
    visit is never cut in two); overlapping windows merged."""
    reach = _reach(rules)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cv_padded AS SELECT device_id, lo - $r AS lo, hi + $r AS hi FROM cv_work",
        {"r": reach},
    )
    for _ in range(8):
        con.execute(
            """CREATE OR REPLACE TEMP TABLE cv_padded_next AS
            SELECT w.device_id, least(w.lo, min(v.started_at) - $r) AS lo, greatest(w.hi, max(v.ended_at) + $r) AS hi
            FROM cv_padded w LEFT JOIN visits v
              ON v.device_id = w.device_id AND v.ended_at >= w.lo AND v.started_at <= w.hi
            GROUP BY w.device_id, w.lo, w.hi""",
            {"r": reach},
        )
        grown = store.scalar(
            con,
            """SELECT count(*) FROM cv_padded_next n
                                     WHERE NOT EXISTS (SELECT 1 FROM cv_padded w WHERE w.device_id = n.device_id
                                                       AND w.lo = n.lo AND w.hi = n.hi)""",
        )
        con.execute("DROP TABLE cv_padded")
        con.execute("ALTER TABLE cv_padded_next RENAME TO cv_padded")
        if not grown:
            break
    islands(con, "cv_padded", "cv_fetch")


def _redo(con, rules: VisitRules, spots: list[footprint.HotSpot]) -> None:
    """Replace the stored visits overlapping the ranges of temp table cv_work(device_id, lo, hi), and the
    duty days and presence cells of the local days those ranges touch, from one scan of the fixes.

    Every visit found in a window is stored and every stored visit overlapping a window is replaced.
    A found visit that reaches a window's edge might go on outside it: then that device's ranges
    become its whole series and everything is computed once more (rare: the windows already hold
    every stored visit they touch)."""
    reach = _reach(rules)
    for attempt in range(2):
        _fetch_windows(con, rules)
        has_days = _day_windows(con)
        scanned = scan.scan_windows(con, rules, spots, "cv_fetch", "cv_days" if has_days else None)
        found = with_holder(con, scanned.visits)
        con.register("cv_new_visits", found)
        try:
            if attempt == 0 and not _whole_series(con):
                # An edge matters only where the device has fixes just outside it (a day's first fix at a
                # hot spot, after a night without fixes, is the true start of that visit).
                lo, hi = store.first_row(con, "SELECT min(flo), max(fhi) FROM cv_fetch")
                cut = [
                    r[0]
                    for r in con.execute(
                        """
                    WITH outside AS (
                        SELECT w."window", bool_or(f.ts < w.flo) AS before, bool_or(f.ts > w.fhi) AS after
                        FROM cv_fetch w JOIN fixes f ON f.device_id = w.device_id
                         AND (f.ts BETWEEN w.flo - $reach AND w.flo OR f.ts BETWEEN w.fhi AND w.fhi + $reach)
                        WHERE f.ts BETWEEN $lo - $reach AND $hi + $reach AND f.ts <> w.flo AND f.ts <> w.fhi
                        GROUP BY w."window")
                    SELECT DISTINCT w.device_id FROM cv_new_visits v JOIN cv_fetch w ON w."window" = v."window"
                    JOIN outside o ON o."window" = w."window"
                    WHERE (v.started_at < w.flo + $reach AND o.before)
                       OR (v.ended_at > w.fhi - $reach AND o.after)""",
                        {"reach": reach, "lo": lo, "hi": hi},
                    ).fetchall()
                ]
                if cut:
                    con.execute(
                        """INSERT INTO cv_work SELECT device_id, first_ts, last_ts FROM cv_span
                                   WHERE device_id IN (SELECT unnest($d))""",
                        {"d": cut},
                    )
                    continue
            con.execute(f"""DELETE FROM visits USING cv_fetch w
                            WHERE visits.device_id = w.device_id AND visits.started_at <= w.fhi
                              AND visits.ended_at >= w.flo AND {_AFTER_CUTOFF}""")
            _store_visits(con, "cv_new_visits")
        finally:
            con.unregister("cv_new_visits")
        if has_days:
            for table in ("duty_days", "presence_cells"):
                con.execute(f"""DELETE FROM {table} USING cv_days w
                                WHERE {table}.device_id = w.device_id AND {table}.{_DAY_AFTER_CUTOFF}
                                  AND {table}.day BETWEEN {local_day_sql("w.flo")} AND {local_day_sql("w.fhi")} - 1""")
            scan.store_days(con, scanned)
        return


def _whole_series(con) -> bool:
    """Does every window of cv_fetch hold all of its device's stored fixes (cv_span)? Then no visit can go on
    outside a window and the edge check, a scan of the fixes, is skipped (a full rebuild: about a tenth of it)."""
    return not store.scalar(
        con,
        """SELECT count(*) FROM cv_fetch w LEFT JOIN cv_span s ON s.device_id = w.device_id
           WHERE s.device_id IS NULL OR w.flo > s.first_ts OR w.fhi < s.last_ts""",
    )


def _day_windows(con) -> bool:
    """cv_days(window, device_id, flo, fhi): the local days touched by cv_work(device_id, lo, hi), from local
    midnight to local midnight, merged per device. False when there are none."""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE cv_dayspan AS
        SELECT device_id, {local_day_sql("lo")} AS first_day, {local_day_sql("hi")} AS last_day FROM cv_work""")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE cv_dayrange AS
        SELECT device_id, {local_midnight_sql("first_day")} AS lo,
               {local_midnight_sql("last_day + INTERVAL 1 DAY")} AS hi FROM cv_dayspan""")
    islands(con, "cv_dayrange", "cv_days")
    return store.scalar(con, "SELECT count(*) FROM cv_days WHERE flo IS NOT NULL") > 0


def _work_from_batches(con, batches: list[int]) -> None:
    """cv_work += per device, the range of each new batch widened to the stored fix before and after it
    (the loader may have changed their outlier flags). Looked for within a few days first, where the
    fixes table's time order lets DuckDB skip most of it; only when none is there, in all of the device's fixes."""
    if not batches:
        return
    con.execute(
        """CREATE OR REPLACE TEMP TABLE cv_batch_ranges AS
                   SELECT device_id, batch_id, min(ts) AS lo, max(ts) AS hi FROM fixes
                   WHERE batch_id IN (SELECT unnest($b)) GROUP BY ALL""",
        {"b": batches},
    )
    lo, hi = store.first_row(con, "SELECT min(lo), max(hi) FROM cv_batch_ranges")
    if lo is None:
        return
    con.execute(
        """CREATE OR REPLACE TEMP TABLE cv_neighbours AS
        SELECT r.device_id, r.batch_id, r.lo, r.hi,
               max(f.ts) FILTER (WHERE f.ts < r.lo) AS before, min(f.ts) FILTER (WHERE f.ts > r.hi) AS after
        FROM cv_batch_ranges r LEFT JOIN (
            SELECT device_id, ts FROM fixes WHERE ts BETWEEN $lo - $near AND $hi + $near) f
          ON f.device_id = r.device_id AND f.ts BETWEEN r.lo - $near AND r.hi + $near
        GROUP BY ALL""",
        {"lo": lo, "hi": hi, "near": NEIGHBOUR_SEARCH},
    )
    # Not found nearby: search further, with a constant time bound so DuckDB skips the row groups that
    # cannot hold it (after the newest batch there is usually nothing at all, and nothing is read).
    for side, pick, compare, edge, widest in (("before", "max", "<", "lo", "max"), ("after", "min", ">", "hi", "min")):
        bound = store.scalar(con, f"SELECT {widest}({edge}) FROM cv_neighbours WHERE {side} IS NULL")
        if bound is None:
            continue
        con.execute(
            f"""UPDATE cv_neighbours SET {side} = x.found FROM (
                            SELECT n.device_id, n.batch_id, {pick}(f.ts) AS found
                            FROM cv_neighbours n JOIN fixes f ON f.device_id = n.device_id AND f.ts {compare} n.{edge}
                            WHERE n.{side} IS NULL AND f.ts {compare} $bound GROUP BY ALL) x
                        WHERE cv_neighbours.device_id = x.device_id AND cv_neighbours.batch_id = x.batch_id""",
            {"bound": bound},
        )
    # the neighbours as ranges of their own: a batch of this morning does not drag in last night's hours
    con.execute("""INSERT INTO cv_work SELECT device_id, lo, hi FROM cv_neighbours
                   UNION ALL SELECT device_id, before, before FROM cv_neighbours WHERE before IS NOT NULL
                   UNION ALL SELECT device_id, after, after FROM cv_neighbours WHERE after IS NOT NULL""")


# What retention left: rows computed from fixes that are gone are kept (temp table cv_kept, one row).
_AFTER_CUTOFF = "started_at >= (SELECT since FROM cv_kept)"
_DAY_AFTER_CUTOFF = "day > (SELECT last_kept_day FROM cv_kept)"


def _keep_before_cutoff(con) -> str | None:
    """Temp table cv_kept(since, last_kept_day) from the setting fixes_retained_from; returns the setting.

    Without retention: since = -infinity, so every clause above is true."""
    retained_from = reference.setting(con, "fixes_retained_from")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE cv_kept AS
                    SELECT since, CASE WHEN isfinite(since) THEN {local_day_sql("since")}
                                       ELSE DATE '-infinity' END AS last_kept_day
                    FROM (SELECT CAST($r AS TIMESTAMPTZ) AS since)""",
        {"r": retained_from or "-infinity"},
    )
    return retained_from


def retained_from(con) -> date | None:
    """The local (Brussels) day of the retention cut-off: visits before it were computed with the hot-spot
    outlines and warden mappings of their time and are never recomputed. None before any retention."""
    value = reference.setting(con, "fixes_retained_from")
    return local_date(datetime.fromisoformat(value)) if value else None


def _store_visits(con, relation: str) -> None:
    """Insert the visits of `relation` that retention does not protect: none that started before the
    cut-off, none that overlaps a kept visit of the same tracker and hot spot (kept whole)."""
    con.execute(f"""INSERT INTO visits SELECT n.hotspot_id, n.device_id, n.holder, n.started_at, n.ended_at,
                                              n.minutes, n.fixes
                    FROM {relation} n
                    WHERE n.{_AFTER_CUTOFF}
                      AND NOT EXISTS (SELECT 1 FROM visits k
                                      WHERE k.device_id = n.device_id AND k.hotspot_id = n.hotspot_id
                                        AND NOT k.{_AFTER_CUTOFF}
                                        AND k.ended_at >= n.started_at AND k.started_at <= n.ended_at)
                    ORDER BY n.started_at""")


def refresh(con: duckdb.DuckDBPyConnection, rules: VisitRules = DEFAULT_RULES) -> RefreshResult:
    """Bring visits, duty days and presence cells up to date on a read-write connection, in one transaction."""
    status = pending(con, rules)
    if status.get("missing_tables"):
        raise UnusableInput(
            "de databank heeft nog geen tabellen voor dekking; start de app of "
            "voer een import uit om het schema bij te werken"
        )
    result = RefreshResult()
    if not is_pending(status):
        return result
    spots = footprint.hotspots(con)
    con.execute("BEGIN TRANSACTION")
    try:
        result.kept_before = _keep_before_cutoff(con)
        con.execute("CREATE OR REPLACE TEMP TABLE cv_work (device_id VARCHAR, lo TIMESTAMPTZ, hi TIMESTAMPTZ)")
        if status["full"]:
            result.full = True
            con.execute(f"DELETE FROM visits WHERE {_AFTER_CUTOFF}")
            for table in ("duty_days", "presence_cells"):
                con.execute(f"DELETE FROM {table} WHERE {_DAY_AFTER_CUTOFF}")
            _device_spans(con)
            con.execute("INSERT INTO cv_work SELECT device_id, first_ts, last_ts FROM cv_span")
        else:
            devices = status["devices"]
            _device_spans(con)
            if devices:
                con.execute(
                    """INSERT INTO cv_work SELECT device_id, first_ts, last_ts FROM cv_span
                               WHERE device_id IN (SELECT unnest($d))""",
                    {"d": devices},
                )
            _work_from_batches(con, status["batches"])
            if status["hotspots"]:
                # A redrawn hot spot: its visits over every fix; a removed one: its visits go (both from the
                # retention cut-off on: older visits were computed from fixes that are gone).
                con.execute(
                    f"DELETE FROM visits WHERE hotspot_id IN (SELECT unnest($h)) AND {_AFTER_CUTOFF}",
                    {"h": status["hotspots"]},
                )
                redo = [s for s in spots if s.hotspot_id in set(status["hotspots"])]
                if redo:
                    con.execute("""CREATE OR REPLACE TEMP TABLE cv_fetch AS
                                   SELECT CAST(row_number() OVER (ORDER BY device_id) AS BIGINT) AS "window",
                                          device_id, first_ts AS flo, last_ts AS fhi FROM cv_span""")
                    con.register("cv_redone", with_holder(con, scan.visits_in_windows(con, rules, redo)))
                    _store_visits(con, "cv_redone")
                    con.unregister("cv_redone")
                result.hotspots = status["hotspots"]
        if store.scalar(con, "SELECT count(*) FROM cv_work"):
            _redo(con, rules, spots)
        result.devices = sorted(r[0] for r in con.execute("SELECT DISTINCT device_id FROM cv_work").fetchall())
        result.batches = status["batches"]
        con.execute("""INSERT INTO coverage_batches
                       SELECT batch_id, now() FROM import_batches
                       WHERE kind = 'fixes' AND finished_at IS NOT NULL
                         AND batch_id NOT IN (SELECT batch_id FROM coverage_batches)""")
        con.execute("DELETE FROM coverage_state")
        state = {"rules": rules.fingerprint(), **hotspot_prints(con), **device_prints(con)}
        con.executemany("INSERT INTO coverage_state VALUES (?, ?)", [[k, v] for k, v in sorted(state.items())])
        result.visits = store.scalar(con, "SELECT count(*) FROM visits")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for temp in (
            "cv_kept",
            "cv_work",
            "cv_span",
            "cv_fetch",
            "cv_padded",
            "cv_dayspan",
            "cv_dayrange",
            "cv_days",
            "cv_batch_ranges",
            "cv_neighbours",
            "cv_padded_next",
        ):
            con.execute(f"DROP TABLE IF EXISTS {temp}")
    return result


def rebuild(con: duckdb.DuckDBPyConnection, rules: VisitRules = DEFAULT_RULES) -> RefreshResult:
    """Forget everything derived and compute it again from all fixes (the reference for the incremental path)."""
    con.execute("DELETE FROM coverage_state WHERE key = 'rules'")
    return refresh(con, rules)


def refresh_visits(db_path: str | os.PathLike, rules: VisitRules = DEFAULT_RULES) -> RefreshResult:
    """Bring the coverage tables up to date, holding the write lock only while there is work.

    A read-only look first (tens of milliseconds): when nothing waits, the store is never opened for
    writing. A store without the coverage tables is migrated first (civ.store.open_for_writing).
    """
    with store.reading(db_path) as con:
        status = pending(con, rules)
    if not is_pending(status):
        return RefreshResult()
    con = store.open_for_writing(db_path) if status.get("missing_tables") else store.connect(db_path)
    try:
        return refresh(con, rules)
    finally:
        con.close()
