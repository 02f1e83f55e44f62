"""`python -m etl export`: the store's share for the region, as Parquet in the region's lake.

What leaves the municipality (the personal-data rule: a region needs counts and places, not people):
- reports, pseudonymised: when, what, which channel, status, where; no description, no reporter
  pseudonym, no label as the source spelled it, no import bookkeeping. `report_id` is the source's
  record number (`source:source_id`, as the hot spots' ids use it), never a person;
- the reference tables (categories, channels), the territory's areas and the defined hot spots;
- per defined hot spot and month: visits, their minutes, visits of 10 minutes or more and the days
  with a visit; per month: the duty-day totals of all trackers together. No fix, no device, no
  warden: nothing that rebuilds a warden's day.

Every month of the store is written, each replacing its partition (re-exporting a month replaces it;
months the lake has and the store no longer has, after the retention cut, stay). Layout: civ/lake.py.
"""

from __future__ import annotations

import os
import re
import time
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from civ.errors import UnusableInput
from civ.lake import partition_dir, read_table, replace_partition
from civ.reference import setting
from civ.store import first_row, reading

# Where the municipality's NIS code is kept once the territory is configurable (issue 15); until then
# the exporting centre names it with --nis.
LOCAL_MONTH = "strftime(timezone('Europe/Brussels', {column}), '%Y-%m')"  # the month the users count in
DOSE_MINUTES = 10  # a visit of 10 minutes or more counts as a dose (analytics/coverage)

REPORT_COLUMNS = """source || ':' || source_id AS report_id, reported_at, reported_precision, category_code,
                    channel_code, channel_detail, status, closed_at, lat, lon, area_code, gas_finding"""


def resolve_nis(con, given: str | None) -> str:
    """The municipality's NIS code: the --nis flag when given (the user says which municipality these
    reports are, e.g. a store whose territory was never set), else the store's territory."""
    stored = setting(con, "territory_nis")  # comma-separated for a police zone (civ/territory.py)
    if stored and "," in stored and not given:
        raise UnusableInput(
            f"het grondgebied is een politiezone ({stored}); de export naar het meer gaat per "
            "gemeente: geef de gemeente met --nis (één databank per gemeente)"
        )
    nis = (given or stored or "").strip()
    if not nis:
        raise UnusableInput("geef de NIS-code van de gemeente met --nis (bv. --nis 23052 voor Merchtem)")
    if not re.fullmatch(r"\d{5}", nis):
        raise UnusableInput(f"NIS-code '{nis}' onbekend: een gemeente heeft een code van vijf cijfers (bv. 23002)")
    return nis


def _has_table(con, name: str) -> bool:
    row = first_row(con, "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name])
    return bool(row and row[0])


def _by_month(table: pa.Table) -> dict[str, pa.Table]:
    months = sorted(set(table.column("month").to_pylist())) if table.num_rows else []
    return {m: table.filter(pc.equal(table["month"], m)).drop_columns(["month"]) for m in months}


def export_lake(db: str | os.PathLike, lake: str | os.PathLike, nis: str | None = None) -> dict:
    """Write the store's share into the lake; a summary of what was written."""
    started = time.perf_counter()
    if not Path(db).exists():
        raise UnusableInput(f"database {db} bestaat niet; laad eerst gegevens (python -m etl demo)")
    with reading(db) as con:
        nis = resolve_nis(con, nis)
        reports = con.sql(
            f"SELECT {REPORT_COLUMNS}, {LOCAL_MONTH.format(column='reported_at')} AS month "
            "FROM reports ORDER BY reported_at, report_id"
        ).to_arrow_table()
        first = first_row(
            con, f"SELECT min({LOCAL_MONTH.format(column='reported_at')}) FROM reports WHERE lat IS NOT NULL"
        )
        tables = {
            "categories": con.sql(
                "SELECT code, label_nl, label_en, category_group, gas_relevant FROM categories ORDER BY code"
            ).to_arrow_table(),
            "channels": con.sql("SELECT code, label_nl, label_en FROM channels ORDER BY code").to_arrow_table(),
            "areas": con.sql(
                "SELECT code, name, level, parent_code, geojson FROM areas ORDER BY code"
            ).to_arrow_table(),
            "hotspots": con.sql(
                "SELECT hotspot_id, name, kind, geojson, center_lat, center_lon, radius_m "
                "FROM hotspots ORDER BY hotspot_id"
            ).to_arrow_table(),
        }
        coverage = duty = None
        if _has_table(con, "visits"):
            coverage = con.sql(f"""
                SELECT {LOCAL_MONTH.format(column="started_at")} AS month, hotspot_id, count(*) AS visits,
                       sum(minutes) AS visit_minutes,
                       count(*) FILTER (WHERE minutes >= {DOSE_MINUTES}) AS visits_10min,
                       count(DISTINCT CAST(timezone('Europe/Brussels', started_at) AS DATE)) AS days_visited
                FROM visits GROUP BY ALL ORDER BY month, hotspot_id""").to_arrow_table()
            duty = con.sql("""
                SELECT strftime(day, '%Y-%m') AS month, count(*) AS duty_days, sum(minutes) AS duty_minutes,
                       sum(distance_km) AS distance_km
                FROM duty_days GROUP BY ALL ORDER BY month""").to_arrow_table()
    lake = Path(lake)
    report_months = _by_month(reports)
    for month, part in report_months.items():
        replace_partition(partition_dir(lake, "reports", nis, month), part)
    coverage_months = _by_month(coverage) if coverage is not None else {}
    for month, part in coverage_months.items():
        replace_partition(partition_dir(lake, "coverage", nis, month), part)
    for month, part in (_by_month(duty) if duty is not None else {}).items():
        replace_partition(partition_dir(lake, "duty", nis, month), part)
    for name, table in tables.items():
        replace_partition(partition_dir(lake, name, nis), table)
    first_located = _first_located(lake, nis, first[0] if first else None)
    manifest = pa.table(
        {
            "exported_at": [datetime.now(timezone.utc)],
            "first_located_month": [first_located],
            "months": [len(report_months)],
            "reports": [reports.num_rows],
        }
    )
    replace_partition(partition_dir(lake, "exports", nis), manifest)
    return {
        "lake": str(lake),
        "nis": nis,
        "months": sorted(report_months),
        "reports": reports.num_rows,
        "hotspots": tables["hotspots"].num_rows,
        "coverage_rows": sum(t.num_rows for t in coverage_months.values()),
        "first_located_month": first_located,
        "seconds": round(time.perf_counter() - started, 2),
    }


def _first_located(lake: Path, nis: str, exported: str | None) -> str | None:
    """The first month with a located report, over this export and earlier ones (the store may have cut
    old months that the lake keeps): the hot spots' history starts there (months before are unknown)."""
    earlier = read_table(lake, "exports")
    if earlier is not None:
        rows = earlier.filter(pc.equal(earlier["nis"], nis)).column("first_located_month").to_pylist()
        exported = min([m for m in rows + [exported] if m], default=None)
    return exported
