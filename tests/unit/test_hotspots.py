"""Emerging hot spots: known answers on frames the test builds, the class rules, and the quality bar."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.base import clone

from analytics.hotspots import EmergingHotspots
from analytics.hotspots.classes import Evidence, classify
from analytics.hotspots.statistics import (
    dispersion,
    excess_test,
    expected_shape,
    recent_level_p,
    seasonal_strength,
    trend_z,
)

# A 6 km square around Asse in a local metric frame: metres to degrees near 50.9 N.
LAT0, LON0 = 50.905, 4.22
M_LAT = 111_320.0
M_LON = 111_320.0 * math.cos(math.radians(LAT0))


def _at(north_m, east_m):
    return LAT0 + np.asarray(north_m) / M_LAT, LON0 + np.asarray(east_m) / M_LON


def _month_start(month: str) -> pd.Timestamp:
    # the 10th at noon in Brussels: well inside the local month whatever the summer time
    return pd.Timestamp(f"{month}-10 12:00", tz="Europe/Brussels").tz_convert("UTC")


def _reports(month: str, north_m, east_m, category="sluikstort", group="afval", prefix="r") -> pd.DataFrame:
    lat, lon = _at(north_m, east_m)
    n = len(lat)
    start = _month_start(month)
    return pd.DataFrame(
        {
            "report_id": [f"{prefix}-{month}-{i}" for i in range(n)],
            "lat": lat,
            "lon": lon,
            "reported_at": [start + pd.Timedelta(hours=i) for i in range(n)],
            "category": category,
            "category_group": group,
            "category_label": category.capitalize(),
        }
    )


def _months(last: str, count: int) -> list[str]:
    end = pd.Period(last, "M")
    return [str(end - k) for k in range(count - 1, -1, -1)]


def _background(months: list[str], per_month: int, seed: int, category="sluikstort", group="afval") -> pd.DataFrame:
    """Reports spread evenly over the 6 km square, the same rate every month."""
    rng = np.random.default_rng(seed)
    frames = [
        _reports(
            m,
            rng.uniform(-3000, 3000, per_month),
            rng.uniform(-3000, 3000, per_month),
            category,
            group,
            prefix=f"bg{seed}",
        )
        for m in months
    ]
    return pd.concat(frames, ignore_index=True)


def _cluster(
    month: str,
    count: int,
    north_m: float,
    east_m: float,
    seed: int,
    spread_m: float = 30.0,
    category="sluikstort",
    group="afval",
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return _reports(
        month,
        north_m + rng.normal(0, spread_m, count),
        east_m + rng.normal(0, spread_m, count),
        category,
        group,
        prefix=f"cl{seed}",
    )


# --- known answers ---------------------------------------------------------------------------


def test_a_cluster_in_otherwise_empty_data_is_found_new_with_its_centre():
    reports = _cluster("2026-10", 10, north_m=500, east_m=-800, seed=1)
    # the data cover two years (nothing was reported before this month), so the past is known to be empty
    result = EmergingHotspots().fit(reports, month="2026-10", data_start="2024-11").results_
    assert len(result) == 1
    spot = result.iloc[0]
    lat, lon = _at(500, -800)
    error_m = math.hypot((spot["lat"] - lat) * M_LAT, (spot["lon"] - lon) * M_LON)
    centre_of_reports = math.hypot((reports["lat"].mean() - lat) * M_LAT, (reports["lon"].mean() - lon) * M_LON)
    assert error_m <= centre_of_reports + 25
    assert (spot["class"], bool(spot["emerging"]), int(spot["current"])) == ("new", True, 10)
    assert spot["reason"].startswith("10 meldingen sluikstort in oktober 2026 binnen ")
    assert spot["reason"].endswith("voorheen geen concentratie: nieuw")
    # the footprint holds every report and its radius reaches them all
    assert spot["geometry"]["type"] == "Polygon" and spot["radius_m"] >= 50


def test_a_new_cluster_stands_out_of_a_steady_background():
    months = _months("2026-10", 24)
    reports = pd.concat([_background(months, 40, seed=3), _cluster("2026-10", 9, -1200, 1500, seed=4)])
    result = EmergingHotspots().fit(reports, month="2026-10").results_
    emerging = result[result["emerging"]]
    assert len(emerging) == 1
    spot = emerging.iloc[0]
    lat, lon = _at(-1200, 1500)
    assert math.hypot((spot["lat"] - lat) * M_LAT, (spot["lon"] - lon) * M_LON) < 60
    assert spot["class"] == "new" and spot["current"] >= 9
    assert spot["expected"] < 1.0 and spot["p_value"] < 1e-4


def test_a_steady_concentration_is_persistent_not_emerging():
    months = _months("2026-10", 24)
    steady = pd.concat([_cluster(m, 8, 0, 0, seed=100 + k) for k, m in enumerate(months)])
    reports = pd.concat([_background(months, 40, seed=5), steady])
    result = EmergingHotspots().fit(reports, month="2026-10").results_
    at_centre = result[np.hypot((result["lat"] - LAT0) * M_LAT, (result["lon"] - LON0) * M_LON) < 100]
    assert not at_centre.empty
    assert set(at_centre["class"]) == {"persistent"} and not at_centre["emerging"].any()
    history = at_centre.iloc[0]["history"]
    # the footprint holds the concentration: 8 a month, now and then one stray report outside it
    assert [h["month"] for h in history] == months
    assert all(7 <= h["count"] <= 10 for h in history) and sum(h["count"] for h in history) >= 0.97 * 8 * 24


def test_the_month_is_cut_in_brussels_time():
    # 30 September 2026 23:30 UTC is 1 October 01:30 in Asse: an October report
    reports = _cluster("2026-10", 6, 0, 0, seed=7)
    reports.loc[0, "reported_at"] = pd.Timestamp("2026-09-30 23:30", tz="UTC")
    reports.loc[1, "reported_at"] = pd.Timestamp("2026-09-30 21:30", tz="UTC")  # 23:30 local: September
    result = EmergingHotspots().fit(reports, month="2026-10", data_start="2025-10").results_
    history = {h["month"]: h["count"] for h in result.iloc[0]["history"] if h["count"]}
    assert history == {"2026-09": 1, "2026-10": 5}


def test_the_same_data_gives_the_same_answer_in_any_row_order():
    months = _months("2026-10", 24)
    reports = pd.concat(
        [
            _background(months, 40, seed=8),
            _cluster("2026-10", 9, 800, 800, seed=9),
            pd.concat([_cluster(m, 6, -900, 0, seed=200 + k) for k, m in enumerate(months)]),
        ]
    )
    first = EmergingHotspots().fit(reports, month="2026-10").results_
    shuffled = reports.sample(frac=1.0, random_state=1).reset_index(drop=True)
    second = EmergingHotspots().fit(shuffled, month="2026-10").results_
    columns = ["id", "class", "current", "expected", "p_value", "q_value", "lat", "lon", "radius_m", "reason"]
    pd.testing.assert_frame_equal(first[columns], second[columns])
    assert first["id"].is_unique


def test_estimator_only_stores_its_parameters():
    estimator = EmergingHotspots(eps_m=80, min_samples=5)
    assert estimator.get_params()["eps_m"] == 80 and estimator.get_params()["min_samples"] == 5
    assert not hasattr(estimator, "results_")
    assert clone(estimator).get_params() == estimator.get_params()
    with pytest.raises(ValueError, match="min_samples"):
        EmergingHotspots(min_samples=1).fit(_cluster("2026-10", 5, 0, 0, seed=1), month="2026-10")


def test_a_week_is_refused():
    with pytest.raises(ValueError, match="kalendermaand"):
        EmergingHotspots().fit(_cluster("2026-10", 5, 0, 0, seed=1), month="2026-W40")


# --- class rules on constructed histories ------------------------------------------------------


def _evidence(
    history: list[int], current: int, expected: float = 3.0, excess=False, rising=False, falling=False, fresh=False
) -> Evidence:
    return Evidence(
        current=current,
        expected=expected,
        baseline_hot=tuple(v >= 4 for v in history),
        excess=excess,
        rising=rising,
        falling=falling,
        min_samples=4,
        fresh=fresh,
    )


@pytest.mark.parametrize(
    "history, current, flags, expected_class",
    [
        ([0] * 12, 9, {"excess": True}, "new"),
        ([0] * 11 + [9], 14, {"excess": True}, "new"),  # second month of a new run
        ([0] * 9 + [5, 6, 7], 14, {"excess": True}, "intensifying"),  # run longer than new_run_months
        ([5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 9, {"excess": True}, "intensifying"),  # a concentration before
        ([4] * 12, 9, {"rising": True}, "intensifying"),  # rising share, above expected
        ([4] * 12, 3, {"rising": True}, "historical"),  # rising, but not now a concentration
        ([6] * 12, 6, {}, "persistent"),
        ([6] * 9 + [3, 3, 3], 4, {}, "persistent"),  # 9 of 12 = 75 %
        ([9, 9, 8, 8, 7, 7, 6, 6, 5, 4, 3, 2], 1, {"falling": True}, "diminishing"),
        ([6] * 12, 0, {"falling": True}, "historical"),  # gone: nothing left this month
        ([6] * 12, 2, {}, "historical"),
        ([6, 0, 0, 5, 0, 0, 7, 0, 0, 0, 4, 0], 5, {}, "sporadic"),
        ([0] * 12, 4, {}, "sporadic"),
    ],
)
def test_class_rules(history, current, flags, expected_class):
    assert classify(_evidence(history, current, expected=3.0, **flags)) == expected_class


def test_a_rising_share_needs_more_than_expected_this_month():
    assert classify(_evidence([4] * 12, 5, expected=6.0, rising=True)) == "persistent"


def test_emerging_needs_a_concentration_this_month():
    assert classify(_evidence([0] * 12, 3, excess=True)) == "sporadic"


# --- the statistics against independent computations -------------------------------------------


def test_excess_test_is_the_exact_conditional_binomial():
    # 9 this month, 24 over 12 flat baseline months: Binomial(33, 1/13) upper tail at 9
    expected, p = excess_test(9, 24, 1.0, 12.0)
    assert expected == pytest.approx(2.0)
    assert p == pytest.approx(stats.binom.sf(8, 33, 1 / 13))


def test_overdispersion_makes_the_excess_test_more_careful():
    _, poisson = excess_test(12, 48, 1.0, 12.0)
    _, wide = excess_test(12, 48, 1.0, 12.0, phi=2.0)
    assert wide > poisson
    flat = np.ones(12)
    assert dispersion(np.full(12, 5), flat) == 1.0
    assert dispersion(np.array([0, 12, 1, 11, 0, 13, 2, 10, 0, 12, 1, 10]), flat) > 5


def test_trend_z_is_the_score_of_the_multinomial_likelihood():
    # independent: the derivative and curvature of the conditional log-likelihood at b = 0, numerically
    x = np.array([3.0, 1.0, 4.0, 2.0, 5.0, 9.0, 2.0, 6.0, 7.0, 8.0])
    pi = np.array([1.0, 1.2, 0.8, 1.0, 1.5, 1.1, 0.7, 1.0, 1.3, 0.9])
    t = np.arange(len(x))

    def loglik(b):
        w = pi * np.exp(b * t)
        return float((x * np.log(w / w.sum())).sum())

    h = 1e-4
    score = (loglik(h) - loglik(-h)) / (2 * h)
    information = -(loglik(h) - 2 * loglik(0.0) + loglik(-h)) / h**2
    assert trend_z(x, pi) == pytest.approx(score / math.sqrt(information), rel=1e-4)
    assert trend_z(x, pi, phi=4.0) == pytest.approx(trend_z(x, pi) / 2)
    assert trend_z(np.arange(12.0), np.ones(12)) > 4 and trend_z(np.arange(12.0)[::-1], np.ones(12)) < -4
    assert trend_z(np.full(12, 3.0), np.ones(12)) == pytest.approx(0.0)
    # the season is taken out: counts that follow their expected shape exactly show no trend
    assert trend_z(np.arange(1.0, 13.0) * 2, np.arange(1.0, 13.0)) == pytest.approx(0.0)


def test_recent_level_compares_the_last_months_with_the_earlier_level():
    # ten months at 4 a month, then 6, 9 and 12: the last three months (27) against 40 in ten months
    counts = np.array([4.0] * 10 + [6, 9, 12])
    flat = np.ones(13)
    expected = stats.binom.sf(27 - 1, 27 + 40, 3 / 13)
    assert recent_level_p(counts, flat, 3) == pytest.approx(expected)
    # a rise that is over (this month back at the earlier level) is no flag
    assert recent_level_p(np.array([4.0] * 10 + [12, 12, 4]), flat, 3) == 1.0
    # overdispersion makes it more careful
    assert recent_level_p(counts, flat, 3, phi=2.0) > expected


def test_seasonal_strength_tells_a_seasonal_place_from_a_flat_one():
    season = np.tile([0.4, 0.5, 0.7, 1.0, 1.3, 1.7, 1.8, 1.6, 1.1, 0.8, 0.6, 0.5], 2)
    elsewhere = np.round(season * 100)[None, :]
    shape = expected_shape(np.ones((1, 24)), elsewhere)
    assert seasonal_strength(np.round(season * 20), shape) >= 0.9
    assert seasonal_strength(np.full(24, 20.0), shape) <= 0.1
    assert seasonal_strength(np.array([1.0, 0, 0, 0] * 6), shape) == 1.0  # too few reports: assume the season


# --- the quality bar of issue 4, measured as `python -m analytics evaluate` does ------------------


@pytest.mark.slow
def test_evaluate_meets_the_quality_bar(tmp_path):
    from analytics.evaluation.demo import evaluate

    result = evaluate(work_dir=tmp_path)
    assert result["recall"] >= 0.9, result["planted"]
    assert not result["stable_ever_emerging"], result["stable"]
    assert result["null_false_flags"] <= 1, result["null_flags"]
    classes = {spot["key"]: spot["class_last_month"] for spot in result["planted"]}
    expected = {spot["key"]: spot["expected_class"] for spot in result["planted"]}
    assert classes == expected
    assert result["meets_bar"]
