"""Each documented rule of the hot-spot detector, on a small constructed case where the rule decides.

Every test here fails when its rule is taken out of analytics/hotspots (checked by hand and listed
with the mutation run in benchmarks/results.md): the widening for overdispersion (phi), the seasonal
adjustment, a fresh footprint's surroundings' past, the scan correction (Bonferroni) and
Benjamini–Hochberg over the month's candidates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.hotspots import EmergingHotspots
from tests.unit.test_hotspots import (
    LAT0,
    LON0,
    M_LAT,
    M_LON,
    _cluster,
    _months,
    _reports,
)

SEASON = [0.4, 0.5, 0.7, 1.0, 1.3, 1.7, 1.8, 1.6, 1.1, 0.8, 0.6, 0.5]  # January … December


def _at_centre(result: pd.DataFrame, north_m=0.0, east_m=0.0, within_m=150.0) -> pd.DataFrame:
    lat, lon = LAT0 + north_m / M_LAT, LON0 + east_m / M_LON
    distance = np.hypot((result["lat"] - lat) * M_LAT, (result["lon"] - lon) * M_LON)
    return result[distance < within_m]


def _spread(month: str, count: int, seed: int, half_side_m: float, prefix: str) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return _reports(
        month,
        rng.uniform(-half_side_m, half_side_m, count),
        rng.uniform(-half_side_m, half_side_m, count),
        prefix=prefix,
    )


# --- overdispersion: a restless place needs more to stand out ---------------------------------------


def _place(counts: list[int], current: int) -> pd.DataFrame:
    months = _months("2026-10", len(counts) + 1)
    parts = [
        _cluster(m, n, 0, 0, seed=300 + k, spread_m=20) for k, (m, n) in enumerate(zip(months, counts + [current])) if n
    ]
    background = pd.concat([_spread(m, 40, 900 + k, 3000, f"bg{k}") for k, m in enumerate(months)])
    return pd.concat(parts + [background], ignore_index=True)


def test_a_restless_place_is_not_flagged_where_a_calm_one_with_the_same_mean_is():
    calm = [6, 7] * 11 + [6]  # 23 months around 6,5
    restless = [1, 12] * 11 + [1]  # the same mean, varying far more than Poisson
    current = 16
    calm_spot = _at_centre(EmergingHotspots().fit(_place(calm, current), month="2026-10").results_)
    restless_spot = _at_centre(EmergingHotspots().fit(_place(restless, current), month="2026-10").results_)
    assert calm_spot["emerging"].any()
    assert not restless_spot.empty and not restless_spot["emerging"].any(), restless_spot[["class", "p_value"]]
    # the same count against the same expectation: only the spread of the earlier months differs
    assert restless_spot["p_value"].min() > 20 * calm_spot["p_value"].min()


# --- seasonal adjustment: a place that follows the season is not emerging at its peak --------------------


def test_a_place_at_its_seasonal_peak_is_not_emerging_but_the_same_count_in_a_flat_territory_is():
    months = _months("2026-07", 24)

    def territory(seasonal: bool) -> pd.DataFrame:
        parts = []
        for k, m in enumerate(months):
            factor = SEASON[int(m[5:]) - 1] if seasonal else 1.0
            parts.append(_spread(m, int(round(120 * factor)), 500 + k, 3000, f"bg{k}"))
            # the place: 12 a month on average, following the season (the flat territory: the same
            # counts, and in July the same 22 reports)
            place = int(round(12 * SEASON[int(m[5:]) - 1])) if seasonal or m == "2026-07" else 12
            parts.append(_cluster(m, place, 0, 0, seed=600 + k, spread_m=20))
        return pd.concat(parts, ignore_index=True)

    seasonal = _at_centre(EmergingHotspots().fit(territory(True), month="2026-07").results_)
    flat = _at_centre(EmergingHotspots().fit(territory(False), month="2026-07").results_)
    assert int(seasonal.iloc[0]["current"]) >= 21 and int(flat.iloc[0]["current"]) >= 21
    assert not seasonal["emerging"].any(), seasonal[["class", "expected", "p_value"]]
    assert flat["emerging"].any(), flat[["class", "expected", "p_value"]]
    # the expectation follows the season: about July's share of the place's year
    assert seasonal.iloc[0]["expected"] > 1.4 * flat.iloc[0]["expected"]


# --- surroundings' past: a fresh footprint in a busy street ----------------------------------------------


def _ring(month: str, count: int, inner_m: float, outer_m: float, turn: float, prefix: str) -> pd.DataFrame:
    """Reports spread around a ring, more than `eps_m` apart (no cluster of their own)."""
    angle = turn + 2 * np.pi * np.arange(count) / count
    radius = np.linspace(inner_m, outer_m, count)
    return _reports(month, radius * np.sin(angle), radius * np.cos(angle), prefix=prefix)


def test_a_fresh_footprint_in_a_busy_street_is_judged_on_its_surroundings_past():
    from shapely import Point, Polygon

    months = _months("2026-10", 24)
    # a street with 7 reports a month around the spot, never a cluster of their own
    street = pd.concat([_ring(m, 7, 115, 185, 0.37 * k, f"ring{k}") for k, m in enumerate(months)])
    tight = _cluster("2026-10", 4, 0, 0, seed=11, spread_m=8)
    result = (
        EmergingHotspots()
        .fit(pd.concat([street, tight], ignore_index=True), month="2026-10", data_start=months[0])
        .results_
    )
    spot = _at_centre(result, within_m=60)
    assert len(spot) == 1 and spot.iloc[0]["source"] == "month" and int(spot.iloc[0]["current"]) == 4
    # nothing was ever reported inside the footprint itself: its expectation is the street's past
    # (the baseline year's reports within eps_m = 100 m of the footprint) scaled to its area, a month
    ring = np.asarray(spot.iloc[0]["geometry"]["coordinates"][0])
    footprint = Polygon(np.column_stack([(ring[:, 0] - LON0) * M_LON, (ring[:, 1] - LAT0) * M_LAT]))
    wide = footprint.buffer(100)
    baseline = street[street["report_id"].str.contains("|".join(months[-13:-1]))]
    around = sum(
        wide.contains(Point((lon - LON0) * M_LON, (lat - LAT0) * M_LAT))
        for lat, lon in zip(baseline["lat"], baseline["lon"])
    )
    assert around >= 36
    assert spot.iloc[0]["expected"] == pytest.approx(around * footprint.area / wide.area / 12, rel=0.1)
    # the same four reports in an empty field: nothing around, far more surprising
    alone = EmergingHotspots().fit(tight, month="2026-10", data_start=months[0]).results_
    assert alone.iloc[0]["class"] == "new" and alone.iloc[0]["expected"] < 0.01
    assert spot.iloc[0]["p_value"] > 100 * alone.iloc[0]["p_value"]


# --- the scan correction: the same cluster in a larger territory needs more ------------------------------


def test_the_same_fresh_cluster_counts_for_less_in_a_larger_territory():
    months = _months("2026-10", 24)
    local = pd.concat([_spread(m, 4, 700 + k, 300, f"near{k}") for k, m in enumerate(months)])
    cluster = _cluster("2026-10", 6, 0, 0, seed=12, spread_m=12)
    # far away (2,5–3 km) and thin: no clusters, nothing near the cluster; only the territory grows
    rng = np.random.default_rng(13)
    angle = rng.uniform(0, 2 * np.pi, 60)
    far_radius = rng.uniform(2500, 3000, 60)
    far = _reports("2025-06", far_radius * np.sin(angle), far_radius * np.cos(angle), prefix="far")
    small = (
        EmergingHotspots()
        .fit(pd.concat([local, cluster], ignore_index=True), month="2026-10", data_start=months[0])
        .results_
    )
    large = (
        EmergingHotspots()
        .fit(pd.concat([local, cluster, far], ignore_index=True), month="2026-10", data_start=months[0])
        .results_
    )
    small_spot, large_spot = _at_centre(small, within_m=60).iloc[0], _at_centre(large, within_m=60).iloc[0]
    assert small_spot["source"] == large_spot["source"] == "month"
    assert small_spot["emerging"] and not large_spot["emerging"]
    # the p-value grows with the number of footprint-sized places: the territories' areas (hulls of
    # all reports, widened by 50 m) computed here from the points in metres
    from shapely import MultiPoint

    def area(frame):
        points = np.column_stack([(frame["lon"] - LON0) * M_LON, (frame["lat"] - LAT0) * M_LAT])
        return MultiPoint(points).convex_hull.buffer(50).area

    ratio = area(pd.concat([local, cluster, far])) / area(pd.concat([local, cluster]))
    assert large_spot["p_value"] / small_spot["p_value"] == pytest.approx(ratio, rel=0.05)


# --- Benjamini–Hochberg over the month's candidates -----------------------------------------------------


def _bh(p):
    """Step-up: q_(i) = min over j >= i of p_(j) * m / j (written out, not the product's code)."""
    p = list(p)
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    q = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p[i] * m / rank)
        q[i] = running
    return q


def test_q_values_are_benjamini_hochberg_over_all_candidates_of_the_month():
    months = _months("2026-10", 24)
    parts = [_spread(m, 60, 40 + k, 3000, f"bg{k}") for k, m in enumerate(months)]
    # eight known places with a modest rise this month: raw p-values around 1 %, several candidates
    for place in range(8):
        north, east = -2400 + 650 * place, 1000 * (-1) ** place
        for k, m in enumerate(months):
            parts.append(_cluster(m, 5 if m != "2026-10" else 11, north, east, seed=1000 * place + k, spread_m=15))
    result = EmergingHotspots().fit(pd.concat(parts, ignore_index=True), month="2026-10").results_
    assert len(result) >= 8
    assert np.allclose(result["q_value"], _bh(result["p_value"]), rtol=1e-9)
    # and it matters here: some candidate's raw p-value passes 5 % while its q-value does not
    assert ((result["p_value"] <= 0.05) & (result["q_value"] > 0.05)).any() or (
        result["q_value"] > result["p_value"] * 1.5
    ).any()
    emerging = result[result["emerging"]]
    assert (emerging["q_value"] <= 0.05).all()


# --- a persistent place that gets worse over its last months is toenemend ---------------------------------


def test_a_persistent_place_that_gets_worse_over_three_months_is_intensifying_not_persistent():
    # the hidden case: about four reports a month for a year and a half, then about three
    # times that over the last three months, spreading a little
    months = _months("2026-10", 21)
    counts = [4, 5, 3, 4, 4, 5, 4, 3, 4, 4, 5, 4, 4, 3, 5, 4, 4, 4, 8, 12, 12]
    parts = [_spread(m, 60, 80 + k, 3000, f"bg{k}") for k, m in enumerate(months)]
    for k, (m, n) in enumerate(zip(months, counts)):
        parts.append(_cluster(m, n, 0, 0, seed=2000 + k, spread_m=30 if k < 18 else 50))
    result = EmergingHotspots().fit(pd.concat(parts, ignore_index=True), month="2026-10").results_
    spot = _at_centre(result, within_m=100)
    assert not spot.empty
    best = spot.sort_values("p_value").iloc[0]
    assert best["class"] == "intensifying", spot[["class", "current", "expected", "p_value", "reason"]]
    assert best["reason"].endswith("toenemend")
    # the footprint follows the place as it is now: it holds (nearly) all of this month's 12
    assert int(best["current"]) >= 11


def test_a_rise_over_three_months_is_tested_against_the_places_earlier_level():
    # the same place without spreading: this month alone (10) against a baseline that holds the rise
    # (about 5 a month) says little; the last three months (29) against the year before them say it
    months = _months("2026-10", 21)
    counts = [4, 5, 3, 4, 4, 5, 4, 3, 4, 4, 5, 4, 4, 3, 5, 4, 4, 4, 9, 10, 10]
    parts = [_spread(m, 60, 80 + k, 3000, f"bg{k}") for k, m in enumerate(months)]
    for k, (m, n) in enumerate(zip(months, counts)):
        parts.append(_cluster(m, n, 0, 0, seed=2000 + k, spread_m=25))
    result = EmergingHotspots().fit(pd.concat(parts, ignore_index=True), month="2026-10").results_
    best = _at_centre(result, within_m=100).sort_values("p_value").iloc[0]
    assert best["class"] == "intensifying", best[["class", "current", "expected", "p_value"]]
