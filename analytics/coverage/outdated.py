"""Whether the coverage tables are behind the store, read-only and cheap: new fixes batches, a changed
warden mapping or hot spot, other rules (the fingerprints kept in coverage_state)."""

from __future__ import annotations

import duckdb

from analytics.coverage.detection import DEFAULT_RULES, VisitRules

TABLES = ("visits", "duty_days", "presence_cells")


def _has_tables(con) -> bool:
    names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    return {"coverage_batches", "coverage_state", *TABLES} <= names


def hotspot_prints(con) -> dict[str, str]:
    return {
        f"hotspot:{h}": v
        for h, v in con.execute("SELECT hotspot_id, md5(geojson || '|' || radius_m::VARCHAR) FROM hotspots").fetchall()
    }


def device_prints(con) -> dict[str, str]:
    return {
        f"device:{d}": v
        for d, v in con.execute("""
        SELECT device_id, md5(string_agg(warden_code || '|' || coalesce(valid_from::VARCHAR, '') || '|'
                                         || coalesce(valid_to::VARCHAR, ''), ';' ORDER BY valid_from NULLS FIRST))
        FROM devices GROUP BY device_id""").fetchall()
    }


def _changed(stored: dict, current: dict, prefix: str) -> list[str]:
    keys = {k for k in stored if k.startswith(prefix)} | set(current)
    return sorted(k[len(prefix) :] for k in keys if stored.get(k) != current.get(k))


def pending(con: duckdb.DuckDBPyConnection, rules: VisitRules = DEFAULT_RULES) -> dict:
    """What a refresh would do, read-only and cheap: {'batches', 'devices', 'hotspots', 'full'}.

    Empty lists and full False: the tables are up to date with the fixes, devices and hot spots.
    """
    if not _has_tables(con):
        return {"batches": [], "devices": [], "hotspots": [], "full": True, "missing_tables": True}
    stored = dict(con.execute("SELECT key, value FROM coverage_state").fetchall())
    batches = [
        r[0]
        for r in con.execute("""
        SELECT batch_id FROM import_batches
        WHERE kind = 'fixes' AND finished_at IS NOT NULL
          AND batch_id NOT IN (SELECT batch_id FROM coverage_batches)
        ORDER BY batch_id""").fetchall()
    ]
    full = stored.get("rules") != rules.fingerprint()
    return {
        "batches": batches,
        "full": full,
        "devices": _changed(stored, device_prints(con), "device:"),
        "hotspots": _changed(stored, hotspot_prints(con), "hotspot:"),
    }


def is_pending(status: dict) -> bool:
    return bool(status["full"] or status["batches"] or status["devices"] or status["hotspots"])
