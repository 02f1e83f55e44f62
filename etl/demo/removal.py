"""`python -m etl demo remove`: take the demo data out of a store, so a centre that tried the demo goes on
with its own data in the same file. The demo's rows are those of its imports (import_batches.is_demo),
and removing them is undoing those imports (etl/batches.py), newest first, in one transaction: the
centre's own fixes mixed with demo fixes get their outlier flags judged again, and own reports or hot
spots a demo import replaced come back. What was derived from them (coverage visits, hot-spot runs) is
dropped too and rebuilt from what stays. The territory and the accounts stay as they are.
"""

from __future__ import annotations

import os

from civ import accounts, store

# table -> label in the summary: the rows the demo imports had there
BATCH_TABLES = {
    "reports": "meldingen",
    "fixes": "GPS-punten",
    "devices": "trackerkoppelingen",
    "hotspots": "hotspots",
    "projects": "projecten",
    "quarantine": "rijen in quarantaine",
}
# derived from reports, fixes and hot spots: rebuilt by the app (coverage) or a new run (hot spots)
DERIVED_TABLES = (
    "visits",
    "duty_days",
    "presence_cells",
    "coverage_batches",
    "coverage_state",
    "hotspot_results",
    "hotspot_runs",
)


def remove_demo(db: str | os.PathLike, by: str | None = None) -> dict:
    """Undo every demo import in one transaction. Returns {batches, rows: {label: n}, restored,
    outlier_flags_changed}."""
    from etl.batches import undo_in_transaction

    with store.long_write(db) as con:
        batches = con.execute(
            "SELECT batch_id, kind FROM import_batches WHERE is_demo ORDER BY batch_id DESC"
        ).fetchall()
        if not batches:
            return {"batches": 0, "rows": {}, "restored": 0, "outlier_flags_changed": 0}
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE demo_batches AS SELECT batch_id FROM import_batches WHERE is_demo"
            )
            rows = {
                label: store.scalar(
                    con, f"SELECT count(*) FROM {table} WHERE batch_id IN (SELECT batch_id FROM demo_batches)"
                )
                for table, label in BATCH_TABLES.items()
            }
            restored = flags_changed = 0
            for batch_id, kind in batches:  # newest first: a demo import that replaced demo rows goes first
                counts = undo_in_transaction(con, batch_id, kind, by or "demo remove")
                restored += counts.get("restored", 0)
                flags_changed += counts.get("outlier_flags_changed", 0)
            # demo rows an own import replaced: never to come back by a later undo of that own import
            con.execute("DELETE FROM report_versions WHERE batch_id IN (SELECT batch_id FROM demo_batches)")
            con.execute(
                "DELETE FROM replaced_rows WHERE json_extract(row_json, '$.batch_id')::INTEGER "
                "IN (SELECT batch_id FROM demo_batches)"
            )
            # wardens known only from the demo's tracker list
            rows["gemeenschapswachten"] = store.scalar(
                con, "SELECT count(*) FROM wardens WHERE warden_code NOT IN (SELECT warden_code FROM devices)"
            )
            con.execute("DELETE FROM wardens WHERE warden_code NOT IN (SELECT warden_code FROM devices)")
            # the demo imports themselves: no trace left to undo or retry
            con.execute("DELETE FROM batch_details WHERE batch_id IN (SELECT batch_id FROM demo_batches)")
            for table in DERIVED_TABLES:
                con.execute(f"DELETE FROM {table}")
            con.execute("DELETE FROM import_batches WHERE is_demo")
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    accounts.audit(
        db,
        by,
        "demo_removed",
        f"{len(batches)} demo-imports; " + ", ".join(f"{n} {label}" for label, n in rows.items()),
    )
    return {"batches": len(batches), "rows": rows, "restored": restored, "outlier_flags_changed": flags_changed}
