"""`python -m etl demo remove`: take the demo data out of a store, so a centre that tried the demo goes on
with its own data in the same file. The demo's rows are those of its imports (import_batches.is_demo);
what was derived from them (coverage visits, hot-spot runs) is dropped too and rebuilt from what stays.
The territory and the accounts stay as they are.
"""

from __future__ import annotations

import os

from civ import accounts, store

# table -> label in the summary; every table here has a batch_id
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
    """Delete every row of a demo import in one transaction. Returns {batches, rows: {label: n}}."""
    with store.long_write(db) as con:
        batches = [b for (b,) in con.execute("SELECT batch_id FROM import_batches WHERE is_demo").fetchall()]
        if not batches:
            return {"batches": 0, "rows": {}}
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE demo_batches AS SELECT batch_id FROM import_batches WHERE is_demo"
            )
            rows = {}
            for table, label in BATCH_TABLES.items():
                rows[label] = store.scalar(
                    con, f"SELECT count(*) FROM {table} WHERE batch_id IN (SELECT batch_id FROM demo_batches)"
                )
                con.execute(f"DELETE FROM {table} WHERE batch_id IN (SELECT batch_id FROM demo_batches)")
            # wardens known only from the demo's tracker list
            rows["gemeenschapswachten"] = store.scalar(
                con, "SELECT count(*) FROM wardens WHERE warden_code NOT IN (SELECT warden_code FROM devices)"
            )
            con.execute("DELETE FROM wardens WHERE warden_code NOT IN (SELECT warden_code FROM devices)")
            # what an undo of those imports would have needed (etl/batches.py): gone with them
            con.execute("DELETE FROM row_remarks WHERE batch_id IN (SELECT batch_id FROM demo_batches)")
            con.execute("DELETE FROM batch_details WHERE batch_id IN (SELECT batch_id FROM demo_batches)")
            con.execute("DELETE FROM quarantine_devices WHERE batch_id IN (SELECT batch_id FROM demo_batches)")
            for table in ("report_versions", "replaced_rows"):
                con.execute(f"DELETE FROM {table} WHERE replaced_by_batch IN (SELECT batch_id FROM demo_batches)")
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
    return {"batches": len(batches), "rows": rows}
