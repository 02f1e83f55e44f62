"""The region's plan on Apache Spark: Spark SQL reads and counts the lake, `applyInPandas` runs the
municipality's own analytics per group on the workers (plan.py), the results go back to Parquet.

- CompStat: counts per municipality × category × month (a Spark aggregation over the reports), each
  count joined to the target months whose windows it falls in, grouped by target month: one task per
  month over the whole region (Benjamini–Hochberg is over the region's rows, so a month is one group).
- Hot spots: each located report joined to the target months whose history holds it, grouped by
  municipality × target month: one `EmergingHotspots` fit per group.

Any master URL: `local[N]` on one machine, `spark://host:7077` (standalone), `k8s://…` (Kubernetes).
On a cluster the workers need the same Python packages as the driver (the image or environment of
requirements.txt) and the lake and --out on storage every node sees; this module ships the project's own
packages (analytics, civ) to them.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path

import pandas as pd

from analytics.region.plan import (
    COMPSTAT_COLUMNS,
    HOTSPOT_COLUMNS,
    RUN_COLUMNS,
    TASK_COLUMNS,
    compstat_first_month,
    compstat_task,
    ddl,
    first_month_back,
    hotspot_task,
)

ROOT = Path(__file__).resolve().parents[2]
SQL_CONF = {
    # the lake's timestamps are UTC instants; pandas gets them as UTC (the detector cuts Brussels months)
    "spark.sql.session.timeZone": "UTC",
    # partition values are codes: 'nis=23002' is text, not the number 23002
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
    # writing a month replaces that month only
    "spark.sql.sources.partitionOverwriteMode": "dynamic",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


def session(master: str):
    """(the active SparkSession, or a new one on `master`; whether it was made here)."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    # local workers import the project from its folder; cluster workers get it as a zip (below)
    paths = [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    builder = SparkSession.builder.master(master).appName("civ-compstat regio")
    for key, value in SQL_CONF.items():
        builder = builder.config(key, value)
    # pyspark 4.3 warns that it "does not yet fully support pandas >= 3": the plan's frames are plain
    # (strings, numbers, booleans, UTC timestamps) and the tests compare both engines on them
    warnings.filterwarnings("ignore", message=".*does not yet fully support pandas.*", category=FutureWarning)
    spark = builder.config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    if not master.startswith("local"):
        spark.sparkContext.addPyFile(_project_zip())
    return spark, True


def _project_zip() -> str:
    target = Path(tempfile.mkdtemp(prefix="civ-spark-")) / "civ_project.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for package in ("analytics", "civ"):
            for path in (ROOT / package).rglob("*"):
                if path.is_file() and "__pycache__" not in path.parts:
                    archive.write(path, path.relative_to(ROOT))
    return str(target)


def months_frame(spark, targets: list[str], first_of):
    return spark.createDataFrame(pd.DataFrame({"target": targets, "first": [first_of(m) for m in targets]}))


def run_spark(
    lake,
    targets: list[str],
    span: tuple[str, str],
    context: dict,
    municipalities: pd.DataFrame,
    categories: pd.DataFrame,
    params: dict,
    alpha: float,
    out: Path,
    master: str,
) -> dict:
    from pyspark.sql import functions as F

    from analytics.region import read_results, summarise

    spark, made_here = session(master)
    try:
        for key, value in SQL_CONF.items():
            spark.conf.set(key, value)
        # one shuffle partition per group up to a few per core: Spark's 200 by default are 200 tasks
        # per stage, most of them empty, each with its own scheduling cost
        groups = len(context) * len(targets)
        spark.conf.set(
            "spark.sql.shuffle.partitions", str(max(1, min(groups, 4 * spark.sparkContext.defaultParallelism)))
        )
        reports = spark.read.parquet(str(Path(lake) / "reports")).where(
            (F.col("month") >= span[0]) & (F.col("month") <= span[1])
        )
        counts = reports.groupBy("nis", "category_code", "month").agg(F.count(F.lit(1)).alias("reports"))
        windows = months_frame(spark, targets, compstat_first_month)
        per_month = counts.join(
            F.broadcast(windows), (counts["month"] >= windows["first"]) & (counts["month"] <= windows["target"])
        )

        def compstat_group(key: tuple, rows: pd.DataFrame) -> pd.DataFrame:
            return compstat_task(
                key[0], rows[["nis", "category_code", "month", "reports"]], municipalities, categories, alpha
            )

        compstat = per_month.groupBy("target").applyInPandas(compstat_group, ddl(COMPSTAT_COLUMNS))

        history = int(params["history_months"])
        located = reports.where(F.col("lat").isNotNull() & F.col("lon").isNotNull())
        histories = months_frame(spark, targets, lambda m: first_month_back(m, history))
        per_task = located.join(
            F.broadcast(histories), (located["month"] >= histories["first"]) & (located["month"] <= histories["target"])
        )

        def hotspot_group(key: tuple, rows: pd.DataFrame) -> pd.DataFrame:
            nis, month = key
            return hotspot_task(nis, month, rows, context, params)

        tasks = (
            per_task.select("nis", "target", "report_id", "reported_at", "category_code", "lat", "lon")
            .groupBy("nis", "target")
            .applyInPandas(hotspot_group, ddl(TASK_COLUMNS))
        )
        _clear_months(out, targets)
        compstat.write.mode("overwrite").partitionBy("month").parquet(str(out / "compstat"))
        # the tasks run once: their rows (hot spots, and one run row per task) are kept, then split
        tasks = tasks.persist()
        tasks.where(F.col("id").isNotNull()).select(*HOTSPOT_COLUMNS).write.mode("overwrite").partitionBy(
            "month"
        ).parquet(str(out / "hotspots"))
        tasks.where(F.col("id").isNull()).select("nis", "month", *RUN_COLUMNS).write.mode("overwrite").partitionBy(
            "month"
        ).parquet(str(out / "runs"))
        tasks.unpersist()
    finally:
        if made_here:
            spark.stop()
    frames = [read_results(out, name) for name in ("compstat", "hotspots", "runs")]
    frames = [f[f["month"].isin(targets)] if len(f) else f for f in frames]
    return summarise(*frames)


def _clear_months(out: Path, targets: list[str]) -> None:
    """A target month without hot spots writes no partition: its earlier results must not stay."""
    for name in ("compstat", "hotspots", "runs"):
        for month in targets:
            shutil.rmtree(out / name / f"month={month}", ignore_errors=True)
