"""The region's view: CompStat flags and emerging hot spots for every municipality of a Parquet lake.

plan.py    what one task computes (the municipality's own analytics, on a frame)
local.py   the plan in one process: the reference
spark.py   the plan on Apache Spark (`applyInPandas`), any master: local[N], standalone, Kubernetes
context    below: the small tables every task needs (categories, defined hot spots, first month)

`run_region` reads the lake, runs the plan on the engine asked for and writes the results as
Parquet under `out`: compstat/month=…/, hotspots/month=…/ and runs/month=…/ (one row per hot-spot
task: reports used, candidates, seconds).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa

from analytics.region.plan import (
    COMPSTAT_COLUMNS,
    HOTSPOT_COLUMNS,
    RUN_COLUMNS,
    compstat_first_month,
    first_month_back,
    month_span,
)
from civ.errors import UnusableInput
from civ.lake import read_table, replace_partition

ENGINES = ("local", "spark")
DEFAULT_MASTER = "local[*]"
ARROW_TYPES = {"string": pa.string(), "double": pa.float64(), "bigint": pa.int64(), "boolean": pa.bool_()}


def lake_context(lake: str | os.PathLike) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """(per NIS code: categories, defined hot spots and first month with data; the municipalities
    (nis, name); the region's categories)."""
    manifests = read_table(lake, "exports")
    if manifests is None:
        raise UnusableInput(f"{lake} is geen meer van de regio: geen exports (python -m etl export --lake {lake})")
    manifests = manifests.to_pandas()
    categories = _by_nis(read_table(lake, "categories"))
    hotspots = _by_nis(read_table(lake, "hotspots"))
    areas = _by_nis(read_table(lake, "areas"))
    context, names = {}, []
    for row in manifests.itertuples():
        defined = hotspots.get(
            row.nis, pd.DataFrame(columns=["name", "geojson", "center_lat", "center_lon", "radius_m"])
        )
        context[row.nis] = {
            "categories": categories.get(
                row.nis, pd.DataFrame(columns=["code", "label_nl", "label_en", "category_group"])
            ),
            "hotspots": defined.sort_values("name")[
                ["name", "geojson", "center_lat", "center_lon", "radius_m"]
            ].reset_index(drop=True),
            "data_start": row.first_located_month,
        }
        own = areas.get(row.nis)
        municipal = own[own["level"] == "municipality"] if own is not None else pd.DataFrame()
        names.append({"nis": row.nis, "name": municipal["name"].iloc[0] if len(municipal) else row.nis})
    region_categories = (
        pd.concat([c["categories"] for c in context.values()], ignore_index=True)
        .drop_duplicates("code")
        .sort_values("code")
        .reset_index(drop=True)
    )
    return context, pd.DataFrame(names, columns=["nis", "name"]), region_categories


def _by_nis(table) -> dict[str, pd.DataFrame]:
    if table is None:
        return {}
    frame = table.to_pandas()
    return {nis: part.drop(columns="nis").reset_index(drop=True) for nis, part in frame.groupby("nis", sort=True)}


def months_to_read(months: list[str], history_months: int) -> tuple[str, str]:
    return min(compstat_first_month(months[0]), first_month_back(months[0], history_months)), months[-1]


def run_region(
    lake: str | os.PathLike,
    months: str,
    engine: str = "local",
    master: str = DEFAULT_MASTER,
    out: str | os.PathLike | None = None,
    params: dict | None = None,
    alpha: float = 0.05,
) -> dict:
    """Run the region's plan; write its results under `out` (default: <lake>/results); a summary."""
    from analytics.hotspots.detector import EmergingHotspots

    started = time.perf_counter()
    if engine not in ENGINES:
        raise UnusableInput(f"motor '{engine}' onbekend: kies local of spark")
    if not Path(lake).is_dir():
        raise UnusableInput(f"meer {lake} bestaat niet")
    targets = month_span(months)
    estimator = EmergingHotspots(**(params or {}))
    params = estimator.get_params()
    context, municipalities, categories = lake_context(lake)
    span = months_to_read(targets, int(estimator.history_months))
    out = Path(out) if out is not None else Path(lake) / "results"
    if engine == "spark":
        from analytics.region.spark import run_spark

        summary = run_spark(lake, targets, span, context, municipalities, categories, params, alpha, out, master)
    else:
        from analytics.region.local import run_local

        summary = run_local(lake, targets, span, context, municipalities, categories, params, alpha, out)
    return {
        "engine": engine,
        "master": master if engine == "spark" else None,
        "lake": str(lake),
        "out": str(out),
        "months": targets,
        "municipalities": len(context),
        **summary,
        "parameters": params,
        "seconds": round(time.perf_counter() - started, 2),
    }


def write_month_partitions(
    out: Path, name: str, frame: pd.DataFrame, columns: dict[str, str], months: list[str]
) -> None:
    """Replace each month's partition of a result table (an empty month is written empty)."""
    schema = pa.schema([(c, ARROW_TYPES[k]) for c, k in columns.items() if c != "month"])
    for month in months:
        part = frame[frame["month"] == month].drop(columns="month")
        replace_partition(
            out / name / f"month={month}", pa.Table.from_pandas(part, schema=schema, preserve_index=False)
        )


def read_results(out: str | os.PathLike, name: str) -> pd.DataFrame:
    """A result table of `out` (compstat, hotspots or runs), with its month column."""
    import pyarrow.dataset as ds

    root = Path(out) / name
    if not root.is_dir():
        return pd.DataFrame()
    dataset = ds.dataset(
        str(root),
        format="parquet",
        ignore_prefixes=[".", "_"],
        partitioning=ds.partitioning(pa.schema([("month", pa.string())]), flavor="hive"),
    )
    return dataset.to_table().to_pandas()


def summarise(compstat: pd.DataFrame, hotspots: pd.DataFrame, runs: pd.DataFrame) -> dict:
    flags = compstat["flag"].value_counts() if len(compstat) else pd.Series(dtype=int)
    own = compstat["flag_municipality"].value_counts() if len(compstat) else pd.Series(dtype=int)
    return {
        "compstat_rows": int(len(compstat)),
        "flags": {"up": int(flags.get("up", 0)), "down": int(flags.get("down", 0))},
        "flags_municipality": {"up": int(own.get("up", 0)), "down": int(own.get("down", 0))},
        "hotspot_tasks": int(len(runs)),
        "hotspots": int(len(hotspots)),
        "emerging": int(hotspots["emerging"].sum()) if len(hotspots) else 0,
        "task_seconds": round(float(runs["seconds"].sum()), 3) if len(runs) else 0.0,
    }


__all__ = ["COMPSTAT_COLUMNS", "HOTSPOT_COLUMNS", "RUN_COLUMNS", "read_results", "run_region"]
