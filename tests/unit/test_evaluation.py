"""The detector's evaluation over realisations: its intervals, its oracle and a small fixed set.

The full set (20 seeds of both generators, and 20 held-back seeds) runs in `make bench`
(benchmarks/validity.py); here one seed of the second generator over its last four months.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from analytics.evaluation import quality, shapes


def test_proportion_interval_is_clopper_pearson():
    # independent: the beta quantiles of the exact interval
    result = quality.proportion(17, 20)
    assert result["share"] == pytest.approx(0.85)
    assert result["low"] == pytest.approx(stats.beta.ppf(0.025, 17, 4))
    assert result["high"] == pytest.approx(stats.beta.ppf(0.975, 18, 3))
    assert quality.proportion(0, 0)["share"] is None


def test_null_flag_rate_has_the_exact_poisson_interval():
    # 3 flags in 240 months: 0,15 per 12 months, interval from the gamma quantiles
    result = quality.rate_per_12(3, 240)
    assert result["per_12"] == pytest.approx(0.15)
    assert result["low"] == pytest.approx(stats.gamma.ppf(0.025, 3) / 20)
    assert result["high"] == pytest.approx(stats.gamma.ppf(0.975, 4) / 20)
    assert quality.rate_per_12(0, 120)["low"] == 0.0


def test_the_oracle_month_is_the_first_with_ninety_percent_power():
    # 4 a month, then 12 from month 10: one month of 12 against 4, two of 24 against 8 are not yet sure
    # at 0,1 % nine times in ten; three months of 36 against 12 are
    rate = np.array([4.0] * 10 + [12.0] * 4)

    def power(window):
        critical = stats.poisson.isf(0.001, 4 * window) + 1
        return stats.poisson.sf(critical - 1, 12 * window)

    assert power(1) < 0.9 and power(2) < 0.9 <= power(3)
    assert shapes.emerges(rate, 4.0, 10) == 12


def test_the_second_generator_plants_what_its_truth_says():
    frame, truth = shapes.generate(5)
    null_frame, _ = shapes.generate(5, planted=False)
    assert {"lat", "lon", "reported_at", "category", "category_group"} <= set(frame.columns)
    assert [s["shape"] for s in truth["emerging_hotspots"]] == ["new", "intensifying", "worsening"]
    # the planted counts are the difference between the planted and the null data (same background)
    planted_total = sum(sum(s["planted_monthly"].values()) for s in truth["emerging_hotspots"])
    assert len(frame) - len(null_frame) == planted_total


@pytest.mark.slow
def test_a_small_fixed_set_finds_the_worsening_place_without_false_flags():
    # seed 3 of the second generator, its last four months: the worsening place is due in October
    result = quality.run_shapes(3, months=4)
    worsening = next(s for s in result["planted"] if s["shape"] == "worsening")
    assert worsening["oracle_month"] == "2026-10" and worsening["found_in_oracle_month"]
    assert worsening["classes"]["2026-10"] == "intensifying"
    assert result["null_false_flags"] == 0
    assert result["precision"] >= 0.9
