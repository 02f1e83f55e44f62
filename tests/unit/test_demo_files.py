"""The demo FILES: deterministic, inside Asse, seasonal, with the planted patterns really in them.

These tests read the written files back on their own (csv module, pandas, shapely on the boundary
file) rather than trusting the generator's arrays. Loading into the store is tested elsewhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
import shapely.geometry

from civ.errors import UnusableInput
from etl.demo import FILES, write_demo_files
from etl.demo.scenario import Timeline

END_MONTH = "2026-10"
BOUNDARIES = Path(__file__).resolve().parents[2] / "assets" / "geo" / "asse-submunicipalities-wgs84.geojson"
FAKE_REPORTER = re.compile(r"^(melder\d{4}@voorbeeld\.be|(wijkteam|dienst|extern)-[a-z]+@voorbeeld\.be|GW-[AB]|)$")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    write_demo_files(out, seed=20111, end_month=END_MONTH)
    return out


@pytest.fixture(scope="module")
def truth(demo) -> dict:
    return json.loads((demo / "ground_truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sub_municipalities() -> dict[str, shapely.Geometry]:
    features = json.loads(BOUNDARIES.read_text(encoding="utf-8"))["features"]
    return {re.sub(r"\s*\(.*\)$", "", f["properties"]["naam"]): shapely.geometry.shape(f["geometry"]) for f in features}


@pytest.fixture(scope="module")
def report_rows(demo) -> list[list[str]]:
    with open(demo / "reports.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    return rows[1:]


@pytest.fixture(scope="module")
def valid_reports(report_rows, truth) -> pd.DataFrame:
    """Valid rows only (the ground truth's bad and repeated rows left out), parsed independently."""
    skip = {b["row_number"] for b in truth["reports"]["bad_rows"]}
    skip |= {d["row_number"] for d in truth["reports"]["duplicate_rows"]}
    # rows kept with a remark (null island) are real reports, loaded without a location
    unlocated = {b["row_number"] for b in truth["reports"]["remark_rows"]}
    rows = [
        r if number not in unlocated else r[:4] + ["", ""] + r[6:]
        for number, r in enumerate(report_rows, start=1)
        if number not in skip
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "id",
            "reported_at",
            "category",
            "channel",
            "lat",
            "lon",
            "status",
            "closed_at",
            "area",
            "description",
            "gas",
            "reporter",
        ],
    )
    frame["when"] = pd.to_datetime(frame["reported_at"], format="%d/%m/%Y %H:%M")
    frame["lat_f"] = pd.to_numeric(frame["lat"].str.replace(",", "."), errors="coerce")
    frame["lon_f"] = pd.to_numeric(frame["lon"].str.replace(",", "."), errors="coerce")
    return frame


def _digests(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in FILES}


def test_the_same_seed_and_month_give_the_same_bytes_and_another_seed_does_not(demo, tmp_path):
    again = write_demo_files(tmp_path / "again", seed=20111, end_month=END_MONTH)
    assert _digests(Path(again["out_dir"])) == _digests(demo)
    other = write_demo_files(tmp_path / "other", seed=7, end_month=END_MONTH)
    other_digests = _digests(Path(other["out_dir"]))
    for name in ("reports.csv", "fixes.csv", "ground_truth.json"):
        assert other_digests[name] != _digests(demo)[name], name


def test_the_null_version_plants_no_hot_spots_and_no_effects(tmp_path):
    written = write_demo_files(tmp_path / "null", seed=20111, end_month=END_MONTH, planted=False)
    truth = json.loads((Path(written["out_dir"]) / "ground_truth.json").read_text(encoding="utf-8"))
    assert truth["planted"] is False
    assert truth["emerging_hotspots"] == [] and truth["spikes"] == []
    assert all(p["planted_effect"] is None for p in truth["projects"])


def test_the_period_is_the_24_months_up_to_the_end_month(truth, valid_reports):
    assert truth["months"][0] == "2024-11" and truth["months"][-1] == END_MONTH and len(truth["months"]) == 24
    assert valid_reports["when"].min() >= pd.Timestamp("2024-11-01")
    assert valid_reports["when"].max() < pd.Timestamp("2026-11-01")


def test_without_an_end_month_the_demo_ends_with_the_last_complete_month():
    assert Timeline.ending(None, today=dt.date(2026, 1, 15)).end_month == "2025-12"
    assert Timeline.ending(None, today=dt.date(2026, 3, 1)).label(0) == "2024-03"
    with pytest.raises(UnusableInput):
        Timeline.ending("2026-13")


def test_row_counts_in_the_ground_truth_match_the_files(demo, truth, report_rows):
    def data_lines(name):
        with open(demo / name, encoding="utf-8", newline="") as handle:
            return sum(1 for _ in handle) - 1

    assert truth["files"]["reports.csv"] == len(report_rows)
    assert truth["files"]["fixes.csv"] == data_lines("fixes.csv")
    assert truth["files"]["devices.csv"] == data_lines("devices.csv")
    with open(demo / "projects.csv", encoding="utf-8", newline="") as handle:
        assert truth["files"]["projects.csv"] == len(list(csv.DictReader(handle)))
    hotspots = json.loads((demo / "hotspots.geojson").read_text(encoding="utf-8"))
    assert truth["files"]["hotspots.geojson"] == len(hotspots["features"])
    expected = truth["reports"]["expected_load"]
    assert expected["rows_in"] == expected["loaded"] + expected["quarantined"] + expected["duplicates"]
    assert expected["rows_in"] == len(report_rows)


def test_reports_number_150_to_350_a_month(valid_reports):
    per_month = valid_reports.groupby(valid_reports["when"].dt.to_period("M")).size()
    assert len(per_month) == 24
    assert per_month.min() >= 150 and per_month.max() <= 350


def test_every_located_report_lies_in_asse_in_the_sub_municipality_it_names(valid_reports, sub_municipalities):
    located = valid_reports.dropna(subset=["lat_f", "lon_f"])
    assert 0.05 < 1 - len(located) / len(valid_reports) < 0.15  # about one in ten has no location
    for name, polygon in sub_municipalities.items():
        rows = located[located["area"] == name]
        assert shapely.contains_xy(polygon, rows["lon_f"].to_numpy(), rows["lat_f"].to_numpy()).all(), name
    assert set(located["area"]) <= set(sub_municipalities)


def test_the_bad_rows_are_where_the_ground_truth_says_and_are_really_bad(demo, truth, report_rows, sub_municipalities):
    asse = shapely.union_all(list(sub_municipalities.values()))
    bad = {b["kind"]: b for b in truth["reports"]["bad_rows"] + truth["reports"]["remark_rows"]}
    assert 5 <= len(bad) <= 10 and [b["kind"] for b in truth["reports"]["remark_rows"]] == ["nul_eiland"]
    for entry in bad.values():
        assert ";".join(report_rows[entry["row_number"] - 1]) == entry["raw"]
        assert entry["expected_reason"]
    row = {kind: report_rows[b["row_number"] - 1] for kind, b in bad.items()}
    assert row["ongeldige_datum"][1].startswith("31/02/")
    assert row["geen_datum"][1] == ""
    assert row["onbekende_categorie"][2] == "Kapotte schommel"
    assert len(row["te_weinig_velden"]) < 12
    brussels = row["buiten_grondgebied"]
    assert not asse.contains(shapely.Point(float(brussels[5].replace(",", ".")), float(brussels[4].replace(",", "."))))
    swapped = row["lat_lon_verwisseld"]
    lat, lon = float(swapped[4].replace(",", ".")), float(swapped[5].replace(",", "."))
    assert asse.contains(shapely.Point(lat, lon))  # right once swapped back
    assert (row["nul_eiland"][4], row["nul_eiland"][5]) == ("0", "0")
    duplicate = truth["reports"]["duplicate_rows"][0]
    assert report_rows[duplicate["row_number"] - 1] == report_rows[duplicate["duplicate_of_row"] - 1]


def test_categories_channels_and_gas_use_the_documented_spellings(valid_reports, truth):
    vocabulary = truth["vocabulary"]
    assert set(valid_reports["category"]) <= set(vocabulary["report_categories"])
    assert set(valid_reports["channel"]) <= set(vocabulary["report_channels"])
    boxes = {c for c in valid_reports["channel"] if c.startswith("Pro?bleembox")}
    assert boxes == {f"Pro?bleembox {n:02d}" for n in range(1, 14)}
    assert set(valid_reports["gas"]) == {"ja", "nee"}
    assert set(valid_reports["status"]) <= set(vocabulary["report_statuses"])
    findings = valid_reports[valid_reports["gas"] == "ja"]
    assert (findings["channel"] == "vaststelling").mean() > 0.7  # GAS findings come from the wardens
    closed = valid_reports[valid_reports["status"] == "afgesloten"]
    assert (closed["closed_at"] != "").all()
    assert (pd.to_datetime(closed["closed_at"], format="%d/%m/%Y %H:%M") >= closed["when"]).all()


def test_reporters_are_invented_tokens_never_names(report_rows):
    reporters = {r[11] for r in report_rows if len(r) == 12}
    assert all(FAKE_REPORTER.match(r) for r in reporters), sorted(r for r in reporters if not FAKE_REPORTER.match(r))[
        :5
    ]


def test_vegetation_peaks_in_june_and_noise_on_weekend_evenings(valid_reports):
    vegetation = valid_reports[valid_reports["category"] == "Hinderlijke begroeiing"]["when"].dt.month
    assert (vegetation == 6).sum() > 3 * (vegetation == 1).sum()
    noise = valid_reports[valid_reports["category"] == "Geluidshinder"]["when"]
    evening = (noise.dt.hour >= 20) | (noise.dt.hour < 2)
    morning = (noise.dt.hour >= 6) & (noise.dt.hour < 12)
    weekend = noise.dt.day_of_week.isin([4, 5])
    assert evening.sum() > 1.3 * morning.sum()
    assert (noise.dt.month.isin([6, 7, 8])).sum() > (noise.dt.month.isin([1, 2, 3])).sum()
    assert weekend.mean() > 2 / 7


def test_the_dog_fouling_campaign_lowers_reports_in_zellik_and_nowhere_else(demo, valid_reports):
    with open(demo / "projects.csv", encoding="utf-8", newline="") as handle:
        campaign = next(p for p in csv.DictReader(handle) if p["categories"] == "Hondenpoep")
    assert campaign["area"] == "Zellik"
    start = pd.Timestamp(campaign["start"])
    dog = valid_reports[valid_reports["category"] == "Hondenpoep"]
    before, after = dog["when"] < start, dog["when"] >= start
    # equal windows: the 12 months before the start against the months from it
    months_before = 12
    months_after = (pd.Timestamp("2026-11-01").to_period("M") - start.to_period("M")).n
    zellik = dog["area"] == "Zellik"
    elsewhere = (dog["area"] != "Zellik") & (dog["area"] != "")
    rate = lambda mask, window, months: (mask & window).sum() / months
    zellik_change = rate(zellik, after, months_after) / rate(zellik, before, months_before)
    elsewhere_change = rate(elsewhere, after, months_after) / rate(elsewhere, before, months_before)
    assert zellik_change < 0.8 * elsewhere_change
    assert 0.8 < elsewhere_change < 1.25


def test_planted_hot_spots_have_the_counts_and_history_the_ground_truth_claims(truth, valid_reports):
    by_class = {h["class"]: h for h in truth["emerging_hotspots"]}
    assert set(by_class) == {"new", "intensifying", "persistent", "diminishing"}
    month = valid_reports["when"].dt.strftime("%Y-%m")
    for spot in truth["emerging_hotspots"]:
        rows = valid_reports[
            valid_reports["category"].map(truth["vocabulary"]["report_categories"]) == spot["category"]
        ]
        lat, lon = rows["lat_f"].to_numpy(), rows["lon_f"].to_numpy()
        distance = np.hypot(
            (lat - spot["centre"]["lat"]) * 111_320,
            (lon - spot["centre"]["lon"]) * 111_320 * np.cos(np.radians(spot["centre"]["lat"])),
        )
        inside = month[rows.index][distance <= spot["radius_m"]].value_counts()
        for label, count in spot["in_footprint_monthly"].items():
            assert inside.get(label, 0) == count, (spot["name"], label)
            assert count >= spot["planted_monthly"][label]
    new = by_class["new"]
    history = [c for label, c in new["in_footprint_monthly"].items() if label < new["emerges_month"]]
    assert sum(history) == 0 and new["in_footprint_monthly"][END_MONTH] >= 9
    intensifying = list(by_class["intensifying"]["in_footprint_monthly"].values())
    assert np.mean(intensifying[-3:]) > 2.5 * np.mean(intensifying[:12]) > 0
    diminishing = list(by_class["diminishing"]["in_footprint_monthly"].values())
    assert np.mean(diminishing[-3:]) < 0.3 * np.mean(diminishing[:12])


def test_defined_hot_spots_lie_in_the_sub_municipality_they_name(demo, sub_municipalities):
    features = json.loads((demo / "hotspots.geojson").read_text(encoding="utf-8"))["features"]
    assert 10 <= len(features) <= 15
    for feature in features:
        geometry = shapely.geometry.shape(feature["geometry"])
        assert sub_municipalities[feature["properties"]["area"]].contains(geometry), feature["properties"]["name"]
        assert feature["properties"]["kind"]
        if geometry.geom_type == "Point":
            assert feature["properties"]["radius_m"] > 0


@pytest.fixture(scope="module")
def fixes(demo) -> pd.DataFrame:
    frame = pd.read_csv(demo / "fixes.csv", dtype={"device_id": str, "timestamp": str})
    stamps = pd.to_datetime(frame["timestamp"], format="%Y-%m-%dT%H:%M:%SZ").to_numpy()
    frame["t"] = stamps.astype("datetime64[s]").astype("int64")
    return frame


def test_fix_speeds_are_walking_or_cycling_except_the_planted_spikes(fixes, truth):
    spikes = {(s["device_id"], s["timestamp"]) for s in truth["fixes"]["spikes"]}
    is_spike = pd.Series(list(zip(fixes["device_id"], fixes["timestamp"]))).isin(spikes).to_numpy()
    assert is_spike.sum() == len(spikes) >= 5
    clean = fixes[~is_spike].drop_duplicates()
    assert len(fixes) - is_spike.sum() - len(clean) == len(truth["fixes"]["duplicate_lines"]) >= 5
    # sampling: every 10-30 s within a shift (spikes have a normal time, only a wrong place)
    unique = fixes.drop_duplicates()
    same = unique["device_id"].to_numpy()[1:] == unique["device_id"].to_numpy()[:-1]
    steps = np.diff(unique["t"].to_numpy())[same]
    assert steps.min() > 0  # sorted per device, no repeats left
    assert ((steps[steps < 60] >= 10) & (steps[steps < 60] <= 30)).all()
    same_device = clean["device_id"].to_numpy()[1:] == clean["device_id"].to_numpy()[:-1]
    seconds = np.diff(clean["t"].to_numpy())[same_device]
    lat, lon = clean["lat"].to_numpy(), clean["lon"].to_numpy()
    metres = np.hypot(np.diff(lat) * 111_320, np.diff(lon) * 111_320 * np.cos(np.radians(50.9)))[same_device]
    within_shift = seconds <= 60
    speed = metres[within_shift] / seconds[within_shift] * 3.6
    assert np.quantile(speed, 0.999) < 22 and speed.max() < 30
    assert ((speed > 3) & (speed < 7)).mean() > 0.15  # walking
    assert ((speed > 11) & (speed < 20)).mean() > 0.1  # cycling
    # and the spikes really are impossible jumps from the fix before them
    order = fixes.index[is_spike] - 1
    before = fixes.loc[order]
    jumps = np.hypot(
        (fixes.loc[is_spike, "lat"].to_numpy() - before["lat"].to_numpy()) * 111_320,
        (fixes.loc[is_spike, "lon"].to_numpy() - before["lon"].to_numpy()) * 70_000,
    )
    assert (jumps / np.maximum(fixes.loc[is_spike, "t"].to_numpy() - before["t"].to_numpy(), 1) * 3.6 > 150).all()


def test_every_fix_but_the_planted_spikes_lies_inside_asse(fixes, truth, sub_municipalities):
    # a warden works inside the municipality: the loader refuses positions outside the territory (100 m)
    spikes = {(s["device_id"], s["timestamp"]) for s in truth["fixes"]["spikes"]}
    walked = fixes[~pd.Series(list(zip(fixes["device_id"], fixes["timestamp"]))).isin(spikes).to_numpy()]
    asse = shapely.union_all(list(sub_municipalities.values()))
    outside = ~shapely.contains_xy(asse.buffer(100 / 70_000), walked["lon"].to_numpy(), walked["lat"].to_numpy())
    assert outside.sum() == 0, walked[outside].head()


def test_the_tracker_swap_is_a_validity_period_and_the_spare_tracker_is_unmapped(demo, fixes, truth):
    with open(demo / "devices.csv", encoding="utf-8", newline="") as handle:
        devices = {d["device_id"]: d for d in csv.DictReader(handle)}
    assert {d["warden"] for d in devices.values()} == {"GW-A", "GW-B"}
    swap = devices["TRK-102"]["valid_to"]
    assert swap and swap == devices["TRK-103"]["valid_from"]
    assert (fixes.loc[fixes["device_id"] == "TRK-102", "timestamp"] < swap).all()
    assert (fixes.loc[fixes["device_id"] == "TRK-103", "timestamp"] >= swap).all()
    unmapped = set(fixes["device_id"]) - set(devices)
    assert unmapped == set(truth["devices"]["unmapped_devices"]) == {"TRK-199"}


def test_shifts_are_on_working_days_and_some_hot_spots_go_unvisited(fixes, truth):
    local = pd.to_datetime(fixes["timestamp"], format="%Y-%m-%dT%H:%M:%SZ", utc=True).dt.tz_convert("Europe/Brussels")
    assert local.dt.day_of_week.max() <= 4
    assert local.dt.hour.min() >= 7 and local.dt.hour.max() <= 23
    coverage = truth["coverage"]
    never = [name for name, c in coverage.items() if c["frequency"] == "nooit"]
    assert never and all(coverage[name]["fixes_inside"] == 0 for name in never)
    rarely = [name for name, c in coverage.items() if c["frequency"] == "zelden"]
    often = [name for name, c in coverage.items() if c["frequency"] == "regelmatig"]
    assert max(coverage[n]["planned_stops"] for n in rarely) * 3 < min(coverage[n]["planned_stops"] for n in often)
    assert 0.8e6 < len(fixes) < 1.6e6


def test_projects_name_their_areas_as_the_boundaries_and_hot_spots_do(demo, sub_municipalities):
    features = json.loads((demo / "hotspots.geojson").read_text(encoding="utf-8"))["features"]
    hotspot_names = {f["properties"]["name"] for f in features}
    with open(demo / "projects.csv", encoding="utf-8", newline="") as handle:
        projects = list(csv.DictReader(handle))
    assert len(projects) >= 4
    for project in projects:
        assert project["area"] in set(sub_municipalities) | hotspot_names | {""}
        dt.date.fromisoformat(project["start"])
        assert not project["end"] or dt.date.fromisoformat(project["end"]) >= dt.date.fromisoformat(project["start"])
    assert (demo / "projects.csv").read_text(encoding="utf-8").splitlines()[1].startswith('"')
