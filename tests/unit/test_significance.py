"""The change flag: quiet on noise, loud on a real doubling."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from analytics.significance import (
    benjamini_hochberg,
    change_flags,
    conditional_binomial_p,
    expected_range,
)


def test_no_change_flags_few_rows_near_the_nominal_rate():
    rng = np.random.default_rng(2026)
    simulations, rows = 400, 25
    any_flag = raw_significant = 0
    for _ in range(simulations):
        rates = rng.uniform(2, 60, rows)
        flags = change_flags(rng.poisson(rates), rng.poisson(rates))
        any_flag += (flags["flag"] != "none").any()
        raw_significant += (flags["p_value"] <= 0.05).sum()
    # Benjamini-Hochberg under the global null: P(any flag) <= 5 %; the raw test holds its 5 % level
    assert any_flag / simulations <= 0.07
    assert raw_significant / (simulations * rows) <= 0.06


def test_a_doubling_from_60_to_120_reports_is_flagged_up_among_20_rows():
    # "enough": at 30 -> 60 the power among 20 rows is only about half; at 60 -> 120 it is near certain
    rng = np.random.default_rng(11)
    hits = 0
    for _ in range(200):
        last_year = rng.poisson(np.full(20, 60))
        current = rng.poisson(np.r_[120, np.full(19, 60)])
        hits += change_flags(current, last_year)["flag"].iloc[0] == "up"
    assert hits / 200 >= 0.9


def test_one_to_two_is_not_a_hundred_percent_rise():
    flags = change_flags([2], [1])
    assert flags["flag"][0] == "none" and flags["too_few"][0] and flags["pct_change"][0] is None


def test_a_fall_is_flagged_down():
    assert change_flags([5, 30], [40, 30])["flag"].tolist() == ["down", "none"]


def test_exact_p_value_matches_the_binomial_distribution():
    # 12 against 3 over equal days: two-sided exact binomial of 12 successes in 15 at p = 0.5
    assert conditional_binomial_p(12, 3) == pytest.approx(2 * stats.binom.sf(11, 15, 0.5))


def test_unequal_period_lengths_change_the_null():
    # 31 days against 30: 31 against 30 reports is exactly what equal rates predict
    assert conditional_binomial_p(31, 30, 31, 30) == pytest.approx(1.0)


def test_benjamini_hochberg_matches_the_textbook_example():
    p = [0.01, 0.04, 0.03, 0.005]
    assert benjamini_hochberg(p) == pytest.approx([0.02, 0.04, 0.04, 0.02])


def test_expected_range_covers_about_95_percent_of_repeat_years():
    rng = np.random.default_rng(5)
    rate = 20
    inside = 0
    for _ in range(2000):
        low, high = expected_range(rng.poisson(rate))
        inside += low <= rng.poisson(rate) <= high
    assert 0.93 <= inside / 2000 <= 0.995
