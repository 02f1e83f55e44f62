"""Hot-spot runs in the store: the reports a run reads, and the runs it leaves behind.

A run is stored (tables of civ/schema/002_hotspot_runs.sql) with its month, its parameters and the
data cut-off it saw (the last import of reports or hot spots). Asking again for the same month,
parameters and cut-off gives the stored run back, so the meeting sees the flags computed for it;
after a new import the cut-off differs and a new run is made, and the old one stays to compare.

The write is one short transaction on a connection opened only for it (DuckDB allows one writer or
several readers): the detection itself runs on a read-only connection.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import OrderedDict
from datetime import datetime, timezone

import duckdb
import pandas as pd

from analytics.hotspots.detector import RESULT_COLUMNS, EmergingHotspots
from analytics.periods import Period, local_month_sql
from civ.errors import UnusableInput
from civ.store import first_row, open_for_writing, reading, store_identity

# Raised whenever the method changes what it finds for the same data: older runs are then not reused.
METHOD_VERSION = "2026.11-1"
JSON_COLUMNS = ("geometry", "categories", "history")


def months_back(period: Period, months: int) -> Period:
    """The first of the `months` months that end with `period`."""
    first = period
    for _ in range(months - 1):
        first = first.previous()
    return first


def report_frame(
    con: duckdb.DuckDBPyConnection, period: Period, months: int, category: str | None = None, street_level: bool = False
) -> pd.DataFrame:
    """Located reports of the `months` months up to `period`, as `EmergingHotspots.fit` takes them.

    `category`: a category code or a category group (already checked by `resolve_category`).
    `street_level`: also reports an address placed only at its street's middle (etl/geocoding.py); off by
    default, since a long street's middle would gather them into a hot spot that is nowhere.
    """
    start = months_back(period, months).utc_bounds()[0]
    end = period.utc_bounds()[1]
    where, params = "", [start, end]
    if not street_level:
        where = "AND r.location_source IS DISTINCT FROM 'street'"
    if category:
        where += " AND (r.category_code = ? OR k.category_group = ?)"
        params += [category, category]
    return con.execute(
        f"""
        SELECT r.source || ':' || r.source_id AS report_id, r.lat, r.lon, r.reported_at,
               r.category_code AS category, k.category_group, k.label_nl AS category_label,
               k.label_en AS category_label_en
        FROM reports r JOIN categories k ON k.code = r.category_code
        WHERE r.lat IS NOT NULL AND r.lon IS NOT NULL AND r.reported_at >= ? AND r.reported_at < ? {where}
        ORDER BY r.reported_at, report_id""",
        params,
    ).df()


def data_start(con: duckdb.DuckDBPyConnection) -> str | None:
    """The first local month with a located report: months before it are unknown, not empty."""
    row = first_row(
        con,
        f"SELECT strftime({local_month_sql('reported_at')}, '%Y-%m') FROM reports "
        "WHERE lat IS NOT NULL ORDER BY reported_at LIMIT 1",
    )
    return row[0] if row else None


def month_span(con: duckdb.DuckDBPyConnection) -> tuple[str | None, str | None]:
    """First and last local month ('YYYY-MM') with a located report; (None, None) without any."""
    month = local_month_sql("reported_at")
    row = first_row(
        con,
        f"SELECT strftime(min({month}), '%Y-%m'), strftime(max({month}), '%Y-%m') FROM reports WHERE lat IS NOT NULL",
    )
    return (row[0], row[1]) if row else (None, None)


def category_groups(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("SELECT DISTINCT category_group FROM categories ORDER BY 1").fetchall()]


def defined_hotspots(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT name, geojson, center_lat, center_lon, radius_m FROM hotspots ORDER BY name").df()


def resolve_category(con: duckdb.DuckDBPyConnection, text: str | None) -> str | None:
    """A category code or group name as given on the command line, checked against the store."""
    if text is None or not str(text).strip():
        return None
    value = str(text).strip().lower()
    codes = {row[0] for row in con.execute("SELECT code FROM categories").fetchall()}
    groups = {row[0] for row in con.execute("SELECT DISTINCT category_group FROM categories").fetchall()}
    if value in codes or value in groups:
        return value
    raise UnusableInput(
        f"categorie '{text}' onbekend; kies een code ({', '.join(sorted(codes)[:4])}, …) "
        f"of een groep ({', '.join(sorted(groups))})"
    )


def data_cutoff(con: duckdb.DuckDBPyConnection) -> dict:
    """What the data looked like: the last finished import of reports or hot spots, the latest report."""
    row = first_row(
        con,
        """SELECT batch_id, finished_at FROM import_batches
                            WHERE kind IN ('reports', 'hotspots') AND finished_at IS NOT NULL
                            ORDER BY batch_id DESC LIMIT 1""",
    )
    until = first_row(con, "SELECT max(reported_at) FROM reports")
    return {
        "last_batch_id": row[0] if row else None,
        "data_cutoff": row[1] if row else None,
        "reports_until": until[0] if until else None,
    }


def _parameters(estimator: EmergingHotspots) -> dict:
    return {**estimator.get_params(), "method_version": METHOD_VERSION}


def run_key(month: str, category: str | None, parameters: dict, cutoff: dict) -> str:
    stamp = cutoff["data_cutoff"].isoformat() if cutoff["data_cutoff"] is not None else ""
    return "|".join(
        [month, category or "", json.dumps(parameters, sort_keys=True), f"{cutoff['last_batch_id']}@{stamp}"]
    )


def _has_run_tables(con: duckdb.DuckDBPyConnection) -> bool:
    row = first_row(con, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'hotspot_runs'")
    return bool(row and row[0])


def find_run(con: duckdb.DuckDBPyConnection, key: str) -> int | None:
    if not _has_run_tables(con):
        return None  # a store from before schema 2: nothing stored yet
    row = first_row(con, "SELECT max(run_id) FROM hotspot_runs WHERE run_key = ?", [key])
    return row[0] if row else None


def load_run(con: duckdb.DuckDBPyConnection, run_id: int) -> tuple[dict, pd.DataFrame]:
    """A stored run and its results (in the detector's columns, JSON decoded)."""
    run = con.execute("SELECT * FROM hotspot_runs WHERE run_id = ?", [run_id]).df().to_dict("records")[0]
    run["parameters"] = json.loads(run["parameters"])
    frame = con.execute(
        """SELECT hotspot_id AS id, * EXCLUDE (hotspot_id) FROM hotspot_results
                           WHERE run_id = ? ORDER BY rank""",
        [run_id],
    ).df()
    for column in JSON_COLUMNS:
        frame[column] = frame[column].map(json.loads)
    frame["month"] = run["month"]
    frame["on_defined_hotspot"] = (
        frame["on_defined_hotspot"].astype(object).where(frame["on_defined_hotspot"].notna(), None)
    )
    return run, frame[RESULT_COLUMNS]


def list_runs(con: duckdb.DuckDBPyConnection, month: str | None = None) -> pd.DataFrame:
    """Stored runs, newest first (for comparing a later run with an earlier one)."""
    if not _has_run_tables(con):
        return pd.DataFrame(columns=["run_id", "created_at", "month", "category", "data_cutoff", "results"])
    return con.execute(
        """SELECT run_id, created_at, month, category, data_cutoff, reports_until, results, candidates
                          FROM hotspot_runs WHERE ? IS NULL OR month = ? ORDER BY run_id DESC""",
        [month, month],
    ).df()


def detect(
    con: duckdb.DuckDBPyConnection,
    month: str,
    category: str | None = None,
    params: dict | None = None,
    street_level: bool = False,
) -> tuple[dict, pd.DataFrame]:
    """Run the detector on the store (read-only is enough); nothing is written. `street_level`: also the
    reports placed only at a street's middle (report_frame)."""
    period = Period.parse(month)
    estimator = EmergingHotspots(**(params or {}))
    category = resolve_category(con, category)
    cutoff = data_cutoff(con)
    started = time.perf_counter()
    frame = report_frame(con, period, int(estimator.history_months), category, street_level=street_level)
    estimator.fit(frame, month=period, defined_hotspots=defined_hotspots(con), data_start=data_start(con))
    parameters = _with_street_level(_parameters(estimator), street_level)
    run = {
        "run_id": None,
        "created_at": datetime.now(timezone.utc),
        "month": period.code,
        "category": category,
        "parameters": parameters,
        **cutoff,
        "reports_used": int(estimator.n_reports_),
        "candidates": int(estimator.n_candidates_),
        "results": len(estimator.results_),
        "seconds": round(time.perf_counter() - started, 3),
        "run_key": run_key(period.code, category, parameters, cutoff),
    }
    return run, estimator.results_


def store_run(db: str | os.PathLike, run: dict, results: pd.DataFrame) -> int:
    """Write a run and its results in one short transaction; returns the run id."""
    return store_runs(db, [(run, results)])[0]


def store_runs(db: str | os.PathLike, runs: list[tuple[dict, pd.DataFrame]]) -> list[int]:
    """Write runs and their results in one short transaction (one wait for the file); their run ids."""
    con = open_for_writing(db)
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            run_ids = [_insert_run(con, run, results) for run, results in runs]
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return run_ids
    finally:
        con.close()


def _insert_run(con: duckdb.DuckDBPyConnection, run: dict, results: pd.DataFrame) -> int:
    rows = results.reset_index(drop=True).copy()
    rows.insert(0, "rank", range(1, len(rows) + 1))
    for column in JSON_COLUMNS:
        rows[column] = rows[column].map(lambda value: json.dumps(value, ensure_ascii=False))
    rows = rows.rename(columns={"id": "hotspot_id"}).drop(columns=["month"])
    run_id = first_row(
        con,
        """
        INSERT INTO hotspot_runs (created_at, month, category, parameters, data_cutoff, last_batch_id,
                                  reports_until, reports_used, candidates, results, seconds, run_key, territory)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                (SELECT value FROM settings WHERE key = 'territory_nis')) RETURNING run_id""",
        [
            run["created_at"],
            run["month"],
            run["category"],
            json.dumps(run["parameters"], sort_keys=True),
            run["data_cutoff"],
            run["last_batch_id"],
            run["reports_until"],
            run["reports_used"],
            run["candidates"],
            run["results"],
            run["seconds"],
            run["run_key"],
        ],
    )[0]
    con.register("new_results", rows)
    columns = ", ".join(["rank"] + [c for c in rows.columns if c != "rank"])
    con.execute(f"INSERT INTO hotspot_results (run_id, {columns}) SELECT ?, {columns} FROM new_results", [run_id])
    con.unregister("new_results")
    return run_id


def _with_street_level(parameters: dict, street_level: bool) -> dict:
    # recorded only when asked for, so the default runs keep the keys they were stored under
    return {**parameters, "street_level": True} if street_level else parameters


def hotspots_for_month(
    db: str | os.PathLike,
    month: str,
    category: str | None = None,
    params: dict | None = None,
    save: bool = True,
    street_level: bool = False,
) -> tuple[dict, pd.DataFrame]:
    """The stored run for this month, parameters and data cut-off; else a new run, stored when `save`.

    The returned run dict has `reused` (True when it came from the store) and `stored`. `street_level`: the
    reports placed only at a street's middle count too (a run of its own; off by default).
    """
    with reading(db) as con:
        period = Period.parse(month)
        if period.kind != "month":
            raise UnusableInput("hotspots werken per kalendermaand: gebruik --month JJJJ-MM")
        checked = resolve_category(con, category)
        parameters = _with_street_level(_parameters(EmergingHotspots(**(params or {}))), street_level)
        key = run_key(period.code, checked, parameters, data_cutoff(con))
        existing = find_run(con, key)
        if existing is not None:
            run, results = load_run(con, existing)
            return {**run, "reused": True, "stored": True}, results
        run, results = detect(con, period.code, checked, params, street_level=street_level)
    if save:
        run["run_id"] = store_run(db, run, results)
    return {**run, "reused": False, "stored": save}, results


def keep_recent_months_current(db: str | os.PathLike, months: int = 12) -> list[str]:
    """Store a run on the current data for each of the last `months` months that has none, newest first,
    so the page and the meeting pack find it ready; returns the months computed (others were stored).
    The detections only read; their runs are written together at the end, in one short transaction."""
    with reading(db) as con:
        first, last = month_span(con)
    if last is None:
        return []
    fresh, period = [], Period.parse(last)
    for _ in range(months):
        run, results = hotspots_for_month(db, period.code, save=False)
        if not run["reused"]:
            fresh.append((run, results))
        period = period.previous()
        if first is None or period.code < first:
            break
    if fresh:
        store_runs(
            db, [({k: v for k, v in run.items() if k not in ("reused", "stored")}, results) for run, results in fresh]
        )
    return [run["month"] for run, _ in fresh]


# The page asks for the same month many times (filters, language); a run of the detector is cached
# per store, month, parameters and data cut-off, so a new import is seen on the next request. Users
# asking for the same month at once wait for one detection instead of each running their own.
_CACHE: OrderedDict[tuple, tuple[dict, pd.DataFrame]] = OrderedDict()
_CACHE_SIZE = 16
_CACHE_LOCK = threading.Lock()
_DETECTING: dict[tuple, threading.Lock] = {}


def _cached(cache_key: tuple):
    with _CACHE_LOCK:
        if cache_key in _CACHE:
            _CACHE.move_to_end(cache_key)
            return _CACHE[cache_key]
    return None


def _detect_once(
    con: duckdb.DuckDBPyConnection, cache_key: tuple, month: str, params: dict | None
) -> tuple[dict, pd.DataFrame]:
    with _CACHE_LOCK:
        detecting = _DETECTING.setdefault(cache_key, threading.Lock())
    with detecting:
        found = _cached(cache_key)
        if found is not None:
            return found
        run, results = detect(con, month, None, params)
        with _CACHE_LOCK:
            _CACHE[cache_key] = found = ({**run, "reused": False, "stored": False}, results)
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
            _DETECTING.pop(cache_key, None)
    return found


def _earlier(con: duckdb.DuckDBPyConnection, store: str, month: str, parameters: dict):
    """The most recent result for this month and parameters on earlier data: cached, else stored."""
    prefix = "|".join([month, "", json.dumps(parameters, sort_keys=True), ""])
    with _CACHE_LOCK:
        for (cached_store, key), found in reversed(_CACHE.items()):
            if cached_store == store and key.startswith(prefix):
                return found
    if not _has_run_tables(con):
        return None
    row = first_row(
        con,
        "SELECT max(run_id) FROM hotspot_runs WHERE category IS NULL AND month = ? AND parameters = ?",
        [month, json.dumps(parameters, sort_keys=True)],
    )
    if not row or row[0] is None:
        return None
    run, results = load_run(con, row[0])
    return {**run, "reused": True, "stored": True}, results


def month_results(
    con: duckdb.DuckDBPyConnection, month: str, params: dict | None = None, allow_earlier: bool = False
) -> tuple[dict, pd.DataFrame]:
    """For the pages (read-only): the stored run when there is one, else a fresh detection (cached).

    `allow_earlier`: right after an import no run matches the new data, and a detection takes
    seconds. A page whose month is kept current by someone else (the served app's upkeep, which
    stores runs on the new data within seconds) then gets the latest result for the month on earlier
    data at once; its run says `earlier: True`, with the data it saw. The meeting pack does not allow
    it: it must state the data it names.
    """
    period = Period.parse(month)
    parameters = _parameters(EmergingHotspots(**(params or {})))
    key = run_key(period.code, None, parameters, data_cutoff(con))
    existing = find_run(con, key)
    if existing is not None:
        run, results = load_run(con, existing)
        return {**run, "reused": True, "stored": True}, results
    store = store_identity(con)
    cache_key = (store, key)
    found = _cached(cache_key)
    if found is not None:
        return found
    if allow_earlier:
        earlier = _earlier(con, store, period.code, parameters)
        if earlier is not None:
            return {**earlier[0], "earlier": True}, earlier[1]
    return _detect_once(con, cache_key, period.code, params)
