"""The region's Parquet lake: its layout, and writing and reading its Hive partitions.

Several centres export into one lake (`python -m etl export`); the region reads it
(`python -m analytics region`, on Spark or locally). One folder per table; partition folders
`nis=<municipality NIS code>` and, for the monthly tables, `month=<YYYY-MM>` (the Brussels month):

    reports/nis=23002/month=2026-10/part-0.parquet    pseudonymised reports (no description, no reporter)
    coverage/nis=23002/month=2026-10/part-0.parquet   per defined hot spot: visits, minutes, days visited
    duty/nis=23002/month=2026-10/part-0.parquet       the month's duty-day totals of all trackers together
    categories/ channels/ areas/ hotspots/ exports/ nis=23002/part-0.parquet   (replaced by each export)

Partition values are text (a NIS code is a code, not a number): readers are told so (`PARTITION_SCHEMA`).
A partition is replaced as a whole: written beside it, then renamed into place, so a reader sees the
old month or the new one, never half of each.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

MONTHLY_TABLES = ("reports", "coverage", "duty")
MUNICIPAL_TABLES = ("categories", "channels", "areas", "hotspots", "exports")
PARTITION_SCHEMA = pa.schema([("nis", pa.string()), ("month", pa.string())])


def partition_dir(lake: str | os.PathLike, table: str, nis: str, month: str | None = None) -> Path:
    folder = Path(lake) / table / f"nis={nis}"
    return folder / f"month={month}" if month is not None else folder


def replace_partition(folder: Path, table: pa.Table) -> None:
    """Write `table` as the whole content of `folder` (atomic rename; the old content goes)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.parent / f".{folder.name}.{uuid.uuid4().hex}.tmp"
    staging.mkdir()
    pq.write_table(table, staging / "part-0.parquet")
    retired = folder.parent / f".{folder.name}.{uuid.uuid4().hex}.old"
    if folder.exists():
        folder.rename(retired)
    staging.rename(folder)
    shutil.rmtree(retired, ignore_errors=True)


def read_table(
    lake: str | os.PathLike, table: str, months: tuple[str, str] | None = None, columns: list[str] | None = None
) -> pa.Table:
    """One table of the lake with its partition columns (`nis`, and `month` for the monthly tables),
    optionally only the months in [first, last]. An absent table reads as None."""
    root = Path(lake) / table
    if not root.is_dir() or not any(root.glob("nis=*")):
        return None
    names = PARTITION_SCHEMA.names if table in MONTHLY_TABLES else ["nis"]
    partitioning = ds.partitioning(pa.schema([PARTITION_SCHEMA.field(n) for n in names]), flavor="hive")
    dataset = ds.dataset(
        str(root), format="parquet", partitioning=partitioning, exclude_invalid_files=True, ignore_prefixes=[".", "_"]
    )
    condition = None
    if months is not None:
        condition = (ds.field("month") >= months[0]) & (ds.field("month") <= months[1])
    return dataset.to_table(columns=columns, filter=condition)
