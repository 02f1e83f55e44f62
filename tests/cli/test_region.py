"""The region: three centres export into one lake; `analytics region` on Spark (local[2], a real JVM)
and in one process give the same flags and hot spots, and the same as each centre's own store.

One SparkSession for the module, and the Spark comparisons in one test (so that `pytest -n 2` starts
Spark in one worker only); small data (three municipalities × 14 months, about 150 reports a
month each); the region is run over the last three months.
"""

from __future__ import annotations

import contextlib
import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.dataset as ds
import pytest

from analytics.cli import main as analytics_main
from etl.cli import main as etl_main

MONTHS = pd.period_range("2025-09", "2026-10", freq="M")  # 14 months
REGION_MONTHS = "2026-08..2026-10"
NIS = ["23002", "23052", "23060"]
CATEGORIES = ["sluikstort", "zwerfvuil", "hondenpoep", "glasbol"]
SECRET_WORDS = ("GEHEIM-OMSCHRIJVING", "Jan Melder", "TRK-777", "GW-Z")


def _reports_csv(path: Path, seed: int) -> None:
    """Background all over Asse, a concentration every month near the station, one that starts in the last
    month in another place (per municipality elsewhere), and for the first municipality a jump of
    `sluikstort` in October 2026 against October 2025 (a CompStat flag)."""
    rng = np.random.default_rng(seed)
    rows = []
    new_lat, new_lon = 50.8985 + 0.004 * seed, 4.2150 + 0.003 * seed
    for index, month in enumerate(MONTHS):
        days = month.days_in_month

        def when(n, days=days, month=month):
            minutes = rng.integers(0, days * 1440, n)
            return [(month.start_time + pd.Timedelta(minutes=int(m))).strftime("%d/%m/%Y %H:%M") for m in minutes]

        n = int(rng.poisson(110))
        lat, lon = rng.uniform(50.895, 50.925, n), rng.uniform(4.175, 4.235, n)
        cats = rng.choice(CATEGORIES, n)
        stamps = when(n)
        steady = int(rng.poisson(7))
        lat = np.concatenate([lat, 50.9114 + rng.normal(0, 0.0003, steady)])
        lon = np.concatenate([lon, 4.2035 + rng.normal(0, 0.0004, steady)])
        cats = np.concatenate([cats, ["zwerfvuil"] * steady])
        stamps += when(steady)
        if index == len(MONTHS) - 1:
            fresh = 14
            lat = np.concatenate([lat, new_lat + rng.normal(0, 0.0002, fresh)])
            lon = np.concatenate([lon, new_lon + rng.normal(0, 0.0003, fresh)])
            cats = np.concatenate([cats, ["sluikstort"] * fresh])
            stamps += when(fresh)
            if seed == 1:
                extra = 40
                lat = np.concatenate([lat, rng.uniform(50.895, 50.925, extra)])
                lon = np.concatenate([lon, rng.uniform(4.175, 4.235, extra)])
                cats = np.concatenate([cats, ["sluikstort"] * extra])
                stamps += when(extra)
        for k in range(len(lat)):
            located = k % 13 != 0
            rows.append(
                {
                    "id": f"M{seed}-{index:02d}-{k:04d}",
                    "datum": stamps[k],
                    "categorie": cats[k],
                    "kanaal": "e-mail",
                    "lat": f"{lat[k]:.6f}" if located else "",
                    "lon": f"{lon[k]:.6f}" if located else "",
                    "status": "open",
                    "omschrijving": f"GEHEIM-OMSCHRIJVING {k}",
                    "melder": "Jan Melder",
                }
            )
    pd.DataFrame(rows).to_csv(path, sep=";", index=False)


def _tracker_files(folder: Path) -> tuple[Path, Path]:
    """One warden standing 20 minutes at Station Asse (a visit), then walking off."""
    devices = folder / "devices.csv"
    devices.write_text("device_id,warden,valid_from,valid_to\nTRK-777,GW-Z,,\n", encoding="utf-8")
    start = datetime(2026, 10, 6, 9, 0, tzinfo=timezone.utc)
    lines = ["device_id,timestamp,lat,lon"]
    for step in range(120):
        lat = 50.9114 if step < 80 else 50.9114 + 0.0003 * (step - 79)
        stamp = (start + timedelta(seconds=15 * step)).strftime("%Y-%m-%dT%H:%M:%SZ")
        lines.append(f"TRK-777,{stamp},{lat:.6f},4.203500")
    fixes = folder / "fixes.csv"
    fixes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return devices, fixes


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    from analytics.coverage import refresh_visits
    from etl.demo import ensure_demo_territory, write_hotspots

    folder = tmp_path_factory.mktemp("region")
    lake = folder / "lake"
    write_hotspots(folder / "hotspots.geojson")
    devices, fixes = _tracker_files(folder)
    stores = {}
    for seed, nis in enumerate(NIS, start=1):
        db = folder / f"{nis}.duckdb"
        _reports_csv(folder / f"reports-{nis}.csv", seed)
        ensure_demo_territory(db)  # every municipality's reports here are drawn on the demo's map
        for args in (
            ["hotspots", str(folder / "hotspots.geojson")],
            ["reports", str(folder / f"reports-{nis}.csv")],
            ["devices", str(devices)],
            ["fixes", str(fixes)],
        ):
            assert etl_main(args + ["--db", str(db), "--json"]) == 0
        refresh_visits(db)
        assert etl_main(["export", "--lake", str(lake), "--nis", nis, "--db", str(db), "--json"]) == 0
        stores[nis] = db
    return {"lake": lake, "stores": stores, "folder": folder}


@pytest.fixture(scope="module")
def spark():
    from analytics.region.spark import session

    spark, _ = session("local[2]")
    yield spark
    spark.stop()


def _last_json(capsys) -> dict | list:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def _read(out: Path, name: str) -> pd.DataFrame:
    from analytics.region import read_results

    return read_results(out, name)


@pytest.fixture(scope="module")
def results(region, spark):
    # capsys is per test: the module's two runs print into a buffer of their own
    outs = {}
    for engine in ("local", "spark"):
        out = region["folder"] / f"out-{engine}"
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            assert (
                analytics_main(
                    [
                        "region",
                        "--lake",
                        str(region["lake"]),
                        "--months",
                        REGION_MONTHS,
                        "--engine",
                        engine,
                        "--master",
                        "local[2]",
                        "--out",
                        str(out),
                        "--json",
                    ]
                )
                == 0
            )
        outs[engine] = {"summary": json.loads(buffer.getvalue().strip().splitlines()[-1]), "out": out}
    return outs


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys).reset_index(drop=True)


def _same_compstat_flags(results):
    local = _sorted(_read(results["local"]["out"], "compstat"), ["month", "nis", "category"])
    spark = _sorted(_read(results["spark"]["out"], "compstat"), ["month", "nis", "category"])
    assert len(local) and len(local) == len(spark)
    for column in ("month", "nis", "category", "current", "last_year", "flag", "flag_municipality"):
        assert local[column].astype(str).tolist() == spark[column].astype(str).tolist(), column
    for column in ("p_value", "q_value", "q_value_municipality"):
        np.testing.assert_allclose(local[column].to_numpy(float), spark[column].to_numpy(float), rtol=0, atol=1e-12)
    assert results["spark"]["summary"]["flags"] == results["local"]["summary"]["flags"]


def _same_hot_spots(results):
    local = _sorted(_read(results["local"]["out"], "hotspots"), ["month", "nis", "id"])
    spark = _sorted(_read(results["spark"]["out"], "hotspots"), ["month", "nis", "id"])
    assert len(local) and local["id"].tolist() == spark["id"].tolist()
    assert local["class"].tolist() == spark["class"].tolist()
    np.testing.assert_allclose(local["p_value"].to_numpy(float), spark["p_value"].to_numpy(float), rtol=0, atol=1e-12)
    np.testing.assert_allclose(local["q_value"].to_numpy(float), spark["q_value"].to_numpy(float), rtol=0, atol=1e-12)
    runs = _read(results["spark"]["out"], "runs")
    assert len(runs) == 3 * 3  # municipality × month, one task each
    assert results["spark"]["summary"]["hotspot_tasks"] == 9


def _equal_to_each_centres_own_compstat(region, results, capsys):
    table = _read(results["spark"]["out"], "compstat")
    region_p = []
    for nis, db in region["stores"].items():
        for month in REGION_MONTHS.split(".."):
            assert analytics_main(["compstat", "--month", month, "--db", str(db), "--json"]) == 0
            own = pd.DataFrame(_last_json(capsys))
            mine = table[(table["nis"] == nis) & (table["month"] == month)].set_index("category")
            assert sorted(own["category"]) == sorted(mine.index)
            for row in own.itertuples():
                assert mine.at[row.category, "current"] == row.current
                assert mine.at[row.category, "last_year"] == row.last_year
                assert mine.at[row.category, "ytd"] == row.ytd
                assert abs(mine.at[row.category, "p_value"] - row.p_value) < 1e-12
                assert abs(mine.at[row.category, "q_value_municipality"] - row.q_value) < 1e-12
                assert mine.at[row.category, "flag_municipality"] == row.flag
            region_p += mine["p_value"].tolist()
    # the region's correction is Benjamini–Hochberg over all its rows of a month (here computed by hand)
    month = table[table["month"] == "2026-10"].sort_values("p_value")
    p = month["p_value"].to_numpy()
    ranked = np.minimum.accumulate((p * len(p) / np.arange(1, len(p) + 1))[::-1])[::-1]
    np.testing.assert_allclose(month["q_value"].to_numpy(), np.minimum(ranked, 1.0), atol=1e-12)
    jump = table[(table["nis"] == "23002") & (table["month"] == "2026-10") & (table["category"] == "sluikstort")]
    assert jump["flag"].tolist() == ["up"]


def _equal_to_each_centres_own_hot_spots(region, results, capsys):
    table = _read(results["spark"]["out"], "hotspots")
    emerging = 0
    for nis, db in region["stores"].items():
        for month in ("2026-08", "2026-09", "2026-10"):
            assert analytics_main(["hotspots", "--month", month, "--db", str(db), "--json"]) == 0
            own = pd.DataFrame(_last_json(capsys))
            mine = table[(table["nis"] == nis) & (table["month"] == month)].set_index("id")
            assert sorted(own["id"]) == sorted(mine.index), (nis, month)
            for row in own.to_dict("records"):
                assert mine.at[row["id"], "class"] == row["class"]
                assert abs(mine.at[row["id"], "p_value"] - row["p_value"]) < 1e-12
                assert abs(mine.at[row["id"], "q_value"] - row["q_value"]) < 1e-12
            emerging += int(own["emerging"].sum()) if len(own) else 0
    assert emerging >= 3  # the planted new concentration of each municipality in October


def test_region_on_spark_equals_local_and_each_centres_own_store(region, results, capsys):
    # one test: under `pytest -n 2` the Spark runs (the `results` fixture) then happen in one worker only
    _same_compstat_flags(results)
    _same_hot_spots(results)
    _equal_to_each_centres_own_compstat(region, results, capsys)
    _equal_to_each_centres_own_hot_spots(region, results, capsys)


def test_export_holds_no_description_reporter_device_or_fix(region):
    lake = region["lake"]
    tables = {
        p.name: ds.dataset(str(p), format="parquet", partitioning="hive", ignore_prefixes=[".", "_"]).to_table()
        for p in lake.iterdir()
        if p.is_dir()
    }
    assert {"reports", "coverage", "hotspots", "categories", "areas"} <= set(tables)
    columns = {c for t in tables.values() for c in t.column_names}
    assert not columns & {"description", "reporter_hash", "device_id", "holder", "warden_code", "ts", "fixes"}
    for name, table in tables.items():
        text = table.to_pandas().astype(str).to_csv()
        assert not any(word in text for word in SECRET_WORDS), name
    # the visit is there, as a count per hot spot and month
    coverage = tables["coverage"].to_pandas()
    assert coverage["visits"].sum() == 3 and set(coverage["month"]) == {"2026-10"}
    reports = tables["reports"].to_pandas()
    assert len(reports) == sum(pd.read_csv(region["folder"] / f"reports-{n}.csv", sep=";").shape[0] for n in NIS)


def test_export_again_replaces_the_month(region, tmp_path):
    lake = region["lake"]
    db = region["stores"]["23002"]
    before = sorted(p.relative_to(lake) for p in lake.rglob("*.parquet"))
    assert etl_main(["export", "--lake", str(lake), "--nis", "23002", "--db", str(db), "--json"]) == 0
    after = sorted(p.relative_to(lake) for p in lake.rglob("*.parquet"))
    assert before == after
    reports = ds.dataset(str(lake / "reports"), format="parquet", partitioning="hive").to_table().to_pandas()
    assert reports.groupby("report_id").size().max() == 1


def test_export_of_a_police_zone_without_nis_is_refused(region, capsys, tmp_path):
    import shutil

    zone = tmp_path / "zone.duckdb"
    shutil.copyfile(region["stores"]["23002"], zone)
    assert etl_main(["territory", "set", "--nis", "23002", "--nis", "23052", "--db", str(zone)]) == 0
    capsys.readouterr()
    assert etl_main(["export", "--lake", str(region["folder"] / "x"), "--db", str(zone)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("fout: ") and "--nis" in err[0]
    assert not (region["folder"] / "x").exists()


@pytest.mark.parametrize("months", ["2026-10..2026-01", "2026-13", "oktober"])
def test_region_with_unusable_months_says_so_and_writes_nothing(region, capsys, months):
    out = region["folder"] / "nothing"
    assert analytics_main(["region", "--lake", str(region["lake"]), "--months", months, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("fout: ")
    assert not out.exists()


def test_region_on_a_folder_that_is_no_lake_says_so(tmp_path, capsys):
    assert analytics_main(["region", "--lake", str(tmp_path), "--months", "2026-10"]) == 2
    assert capsys.readouterr().err.startswith("fout: ")
