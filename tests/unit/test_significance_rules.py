"""CompStat's last-year comparison carries the period lengths into every figure of its row, not only
into the flag: the p-value is the conditional binomial's with the exposure share, and the expected
range is the stated Gamma–Poisson predictive interval (NegBin(reference + 1, 1 / (1 + ratio))) with
ratio = this period's days / the reference's days. Both computed here with scipy from those rules.

Written for the mutants of analytics/significance.py that survived `make mutate` (benchmarks/results.md):
dropping either period length from the p-value, or the ratio from the expected range.
"""

from __future__ import annotations

import pytest
from scipy import stats

from analytics.significance import change_flags, conditional_binomial_p, expected_range, mann_kendall, sen_slope


def _two_sided_binomial(current: int, reference: int, share: float) -> float:
    n = current + reference
    return min(1.0, 2 * min(stats.binom.cdf(current, n, share), stats.binom.sf(current - 1, n, share)))


def _range(reference: int, ratio: float) -> tuple[int, int]:
    low, high = stats.nbinom(reference + 1, 1 / (1 + ratio)).ppf([0.025, 0.975]).astype(int)
    return int(low), int(high)


@pytest.mark.parametrize(
    ("current", "reference", "current_days", "reference_days"),
    [(20, 10, 20, 10), (31, 12, 31, 30), (5, 30, 7, 28)],
)
def test_p_value_and_expected_range_use_both_period_lengths(current, reference, current_days, reference_days):
    row = change_flags([current], [reference], current_days=[current_days], reference_days=[reference_days]).iloc[0]
    share = current_days / (current_days + reference_days)
    assert row["p_value"] == pytest.approx(_two_sided_binomial(current, reference, share))
    assert (row["expected_low"], row["expected_high"]) == _range(reference, current_days / reference_days)
    assert row["q_value"] == pytest.approx(row["p_value"])  # one row: Benjamini–Hochberg leaves p as it is


def test_ranges_are_whole_numbers_for_a_table_and_for_one_row():
    flags = change_flags([20, 7], [10, 6], current_days=[20, 31], reference_days=[10, 30])
    assert str(flags["expected_low"].dtype) == "int64" and str(flags["expected_high"].dtype) == "int64"
    low, high = expected_range(10, 2.0)
    assert (type(low), type(high)) == (int, int) and (low, high) == _range(10, 2.0)


def test_the_percentage_is_against_the_exposure_adjusted_expectation_to_one_decimal():
    # 7 against 6 over equal periods: +16,666… % shown as 16,7; over 31 against 30 days 6 · 31/30 = 6,2 expected
    assert change_flags([7], [6]).iloc[0]["pct_change"] == 16.7
    assert change_flags([7], [6], current_days=[31], reference_days=[30]).iloc[0]["pct_change"] == round(
        (7 - 6 * 31 / 30) / (6 * 31 / 30) * 100, 1
    )


def test_equal_lengths_give_the_plain_comparison():
    row = change_flags([20], [10]).iloc[0]
    assert row["p_value"] == pytest.approx(_two_sided_binomial(20, 10, 0.5))
    assert (row["expected_low"], row["expected_high"]) == _range(10, 1.0)


def test_no_rows_give_an_empty_table_with_whole_number_ranges():
    # a filter without any report: the page shows an empty table, not an error
    flags = change_flags([], [])
    assert flags.empty
    assert list(flags.columns) == [
        "p_value",
        "q_value",
        "flag",
        "expected_low",
        "expected_high",
        "pct_change",
        "too_few",
    ]
    assert str(flags["expected_low"].dtype) == "int64" and str(flags["expected_high"].dtype) == "int64"


@pytest.mark.parametrize(("reference", "pct"), [(4, None), (5, 100.0), (6, 100.0)])
def test_a_percentage_needs_at_least_five_reports_last_year(reference, pct):
    # README: with fewer than 5 reports last year no percentage; 5 is enough
    row = change_flags([2 * reference], [reference]).iloc[0]
    assert row["pct_change"] == pct
    assert bool(row["too_few"]) is (pct is None)


def test_a_single_report_is_tested_with_its_exposure_and_no_report_at_all_is_no_change():
    # 0 now against 1 before, this period 9 days, the reference 1: under no change the report falls in
    # this period with probability 0,9, so none here has probability 0,1; two-sided: 0,2
    assert conditional_binomial_p(0, 1, 9, 1) == pytest.approx(0.2)
    assert conditional_binomial_p(0, 0, 9, 1) == 1.0
    # one pair in, one number out (a float, as the tables and the JSON carry it)
    assert isinstance(conditional_binomial_p(3, 4), float)


# --- the trend tests at the short end of a series ------------------------------------------------------


def test_mann_kendall_starts_at_three_values_and_says_nothing_below():
    # two values (gaps dropped): no test, every figure neutral, all keys present
    assert mann_kendall([1.0, float("nan"), 5.0]) == {
        "s": 0,
        "var_s": 0.0,
        "z": 0.0,
        "p_value": 1.0,
        "tau": 0.0,
        "n": 2,
    }
    # three rising values: S = 3, Var(S) = 3·2·11/18, z = (3 − 1)/√Var, tau 1 (by hand from the formulas)
    result = mann_kendall([1.0, 2.0, 3.0])
    var_s = 3 * 2 * 11 / 18
    assert (result["s"], result["n"], result["tau"]) == (3, 3, 1.0)
    assert result["var_s"] == pytest.approx(var_s)
    assert result["z"] == pytest.approx(2 / var_s**0.5)
    assert result["p_value"] == pytest.approx(2 * stats.norm.sf(2 / var_s**0.5))
    # no change at all: S = 0 and z = 0, not a division by a zero variance
    assert mann_kendall([4.0, 4.0, 4.0])["z"] == 0.0


def test_sen_slope_starts_at_two_values():
    assert all(v != v for v in sen_slope([7.0]))  # one value: no slope (NaN)
    slope, low, high = sen_slope([1.0, 2.0, 4.0])  # pairwise slopes 1, 1,5 and 2: the median 1,5 per step
    assert slope == pytest.approx(1.5) and low <= slope <= high
    assert sen_slope([3.0, 1.0]) == (-2.0, -2.0, -2.0)
