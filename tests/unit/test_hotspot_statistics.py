"""Each formula of analytics/hotspots/statistics.py against the same formula written out here.

The oracles are plain Python loops over the definitions in the module's docstring (and scipy's binomial
and beta distributions for the tails), not the module's numpy; the cases are unequal in every axis so that a
sum over the wrong axis, a swapped argument, a boundary `<` for `<=` or a dropped pseudo report shows.
These tests are what `make mutate` runs against the module (its survivors are in benchmarks/results.md).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from analytics.hotspots import statistics as hs

OWN = np.array([[3, 0, 1, 4, 2], [0, 5, 1, 0, 1]])  # categories x months: 10 and 7 reports
ELSEWHERE = np.array([[10, 20, 0, 40, 5], [7, 0, 3, 1, 9]])


def shape_by_hand(own, elsewhere) -> list[float]:
    categories, months = len(own), len(own[0])
    weights = [sum(own[c]) for c in range(categories)]
    if sum(weights) == 0:
        weights = [1] * categories
    shape = []
    for t in range(months):
        total = 0.0
        for c in range(categories):
            row = [e + 1.0 for e in elsewhere[c]]  # one pseudo report a month
            total += weights[c] * row[t] / sum(row)
        shape.append(total)
    return shape


def test_the_expected_shape_is_each_categorys_profile_elsewhere_weighted_by_the_places_own_reports():
    assert hs.expected_shape(OWN, ELSEWHERE) == pytest.approx(shape_by_hand(OWN.tolist(), ELSEWHERE.tolist()))
    # the profile of the second category alone: its months elsewhere plus one, times its 7 reports
    alone = hs.expected_shape(OWN[1:], ELSEWHERE[1:])
    assert alone == pytest.approx([7 * (e + 1) / (20 + 5) for e in ELSEWHERE[1]])
    assert alone.sum() == pytest.approx(7)


def test_a_place_without_reports_weighs_every_category_once():
    empty = np.zeros_like(OWN)
    assert hs.expected_shape(empty, ELSEWHERE) == pytest.approx(shape_by_hand(empty.tolist(), ELSEWHERE.tolist()))
    assert hs.expected_shape(empty, ELSEWHERE).sum() == pytest.approx(2)


def strength_by_hand(counts, shape) -> float:
    """The grid value of lam with the highest conditional multinomial log-likelihood (the first on ties)."""
    best, best_ll = 1.0, -math.inf
    for step in range(21):
        lam = step / 20
        powered = [s**lam for s in shape]
        ll = sum(x * math.log(p / sum(powered)) for x, p in zip(counts, powered))
        if ll > best_ll + 1e-12:
            best, best_ll = lam, ll
    return best


SHAPE = [1.0, 2.0, 4.0, 8.0, 4.0, 2.0]


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([1, 2, 4, 8, 4, 2], 1.0),  # follows the territory's season exactly
        ([4, 4, 4, 4, 4, 4], 0.0),  # a flat rate all year
        ([2, 3, 4, 6, 4, 3], None),  # in between: the grid's best
        ([6, 3, 2, 1, 2, 3], 0.0),  # against the season: the flat rate is the closest allowed
    ],
)
def test_the_seasonal_strength_is_the_maximum_likelihood_power_of_the_territorys_shape(counts, expected):
    found = hs.seasonal_strength(np.array(counts), np.array(SHAPE))
    assert found == strength_by_hand(counts, SHAPE)
    if expected is not None:
        assert found == expected
    else:
        assert 0.0 < found < 1.0


def test_the_seasonal_strength_needs_twelve_reports_and_three_months_and_a_season():
    twelve = [1, 2, 3, 6]  # 12 reports against a rising shape that they follow only half
    shape = [1.0, 4.0, 9.0, 16.0]
    assert hs.seasonal_strength(np.array(twelve), np.array(shape)) == strength_by_hand(twelve, shape) < 1.0
    eleven = [1, 2, 3, 5]
    assert hs.seasonal_strength(np.array(eleven), np.array(shape)) == 1.0  # too few to learn from
    three_months = [4, 4, 4]
    assert hs.seasonal_strength(np.array(three_months), np.array([1.0, 2.0, 4.0])) == 0.0
    assert hs.seasonal_strength(np.array([6, 6]), np.array([1.0, 2.0])) == 1.0  # two months
    assert hs.seasonal_strength(np.array([4, 4, 4, 4]), np.array([3.0, 3.0, 3.0, 3.0])) == 1.0  # no season


def dispersion_by_hand(counts, weights) -> float:
    total, weight = sum(counts), sum(weights)
    pearson = 0.0
    for x, w in zip(counts, weights):
        mu = total * w / weight
        pearson += (x - mu) ** 2 / mu
    return max(1.0, pearson / (len(counts) - 1))


def test_dispersion_is_pearsons_statistic_per_degree_of_freedom_against_the_expected_shape():
    restless, weights = [0, 9, 1, 7, 2], [1.0, 1.5, 1.0, 2.0, 0.5]
    phi = hs.dispersion(np.array(restless), np.array(weights))
    assert phi == pytest.approx(dispersion_by_hand(restless, weights)) and phi > 2
    calm = [3, 3, 3, 3, 3]  # less varied than Poisson: never below 1
    assert hs.dispersion(np.array(calm), np.ones(5)) == 1.0


def test_dispersion_needs_four_months_twelve_reports_and_a_shape():
    four = [0, 8, 1, 3]  # exactly 12 reports over exactly 4 months: measured
    weights = [1.0, 1.0, 2.0, 1.0]
    measured = hs.dispersion(np.array(four), np.array(weights))
    assert measured == pytest.approx(dispersion_by_hand(four, weights)) and measured > 1
    assert hs.dispersion(np.array([0, 8, 1, 2]), np.array(weights)) == 1.0  # 11 reports
    assert hs.dispersion(np.array([0, 11, 1]), np.array([1.0, 1.0, 1.0])) == 1.0  # 3 months
    assert hs.dispersion(np.array(four), np.zeros(4)) == 1.0


@pytest.mark.parametrize(
    ("current", "baseline", "pi_now", "pi_baseline"),
    [(9, 30, 1.0, 12.0), (4, 30, 1.5, 11.0), (2, 3, 0.7, 6.2), (15, 60, 2.0, 10.0)],
)
def test_the_excess_test_is_the_exact_conditional_binomial(current, baseline, pi_now, pi_baseline):
    expected, p = hs.excess_test(current, baseline, pi_now, pi_baseline)
    assert expected == pytest.approx(baseline * pi_now / pi_baseline)
    share = pi_now / (pi_now + pi_baseline)
    exact = stats.binomtest(current, current + baseline, share, alternative="greater").pvalue
    assert p == pytest.approx(exact, rel=1e-9)


@pytest.mark.parametrize("phi", [1.7, 3.0])
def test_with_overdispersion_the_counts_are_divided_by_phi_and_the_tail_taken_in_its_continuous_form(phi):
    current, baseline, pi_now, pi_baseline = 9, 30, 1.0, 12.0
    expected, p = hs.excess_test(current, baseline, pi_now, pi_baseline, phi)
    share = pi_now / (pi_now + pi_baseline)
    # P(X >= k) of a binomial is the beta distribution's cdf at the share: I_share(k, n - k + 1)
    assert p == pytest.approx(stats.beta.cdf(share, current / phi, baseline / phi + 1), rel=1e-9)
    assert p > hs.excess_test(current, baseline, pi_now, pi_baseline)[1]  # a restless place needs more
    assert expected == pytest.approx(baseline * pi_now / pi_baseline)  # the expectation does not change


def test_the_excess_test_without_reports_or_without_a_baseline_shape_is_never_significant():
    assert hs.excess_test(0, 30, 1.0, 12.0) == (pytest.approx(2.5), 1.0)
    assert hs.excess_test(5, 0, 1.0, 0.0) == (0.0, 1.0)
    # no baseline reports but a baseline shape: five reports in a quiet place are very unlikely
    expected, p = hs.excess_test(5, 0, 1.0, 12.0)
    assert expected == 0.0 and p == pytest.approx((1 / 13) ** 5)


def recent_by_hand(counts, weights, recent):
    earlier, earlier_w = sum(counts[:-recent]), sum(weights[:-recent])
    if len(counts) < 2 * recent or earlier_w <= 0:
        return 1.0
    if counts[-1] <= earlier * weights[-1] / earlier_w:
        return 1.0
    share = sum(weights[-recent:]) / sum(weights)
    return stats.binomtest(sum(counts[-recent:]), sum(counts), share, alternative="greater").pvalue


def test_the_recent_level_tests_the_last_months_against_the_places_earlier_level():
    counts = [4, 3, 5, 4, 4, 3, 6, 9, 12]  # about four a month, then three months rising
    weights = [1.0, 1.0, 1.2, 1.0, 0.8, 1.0, 1.0, 1.1, 1.0]
    p = hs.recent_level_p(np.array(counts), np.array(weights), 3)
    assert p == pytest.approx(recent_by_hand(counts, weights, 3), rel=1e-9) and p < 0.01
    # over the last month alone the same place is less certain: a rise of three months is more evidence
    assert hs.recent_level_p(np.array(counts), np.array(weights), 1) == pytest.approx(
        recent_by_hand(counts, weights, 1), rel=1e-9
    )
    widened = hs.recent_level_p(np.array(counts), np.array(weights), 3, phi=2.0)
    share = sum(weights[-3:]) / sum(weights)
    recent, earlier = sum(counts[-3:]), sum(counts[:-3])  # 27 against 23
    assert widened == pytest.approx(stats.beta.cdf(share, recent / 2.0, earlier / 2.0 + 1), rel=1e-9)
    assert widened > p


def test_a_rise_that_is_over_or_a_short_history_is_no_flag():
    weights = np.ones(6)
    over = [4, 4, 4, 12, 12, 4]  # the current month is back at the earlier level (4 of 4 expected)
    assert hs.recent_level_p(np.array(over), weights, 3) == 1.0
    just_above = [4, 4, 4, 12, 12, 5]
    assert hs.recent_level_p(np.array(just_above), weights, 3) == pytest.approx(
        recent_by_hand(just_above, [1.0] * 6, 3), rel=1e-9
    )
    assert hs.recent_level_p(np.array([4, 4, 12, 12, 12]), np.ones(5), 3) == 1.0  # 2 earlier months only
    assert hs.recent_level_p(np.array([4, 4, 4, 9, 9, 9]), np.array([0, 0, 0, 1.0, 1.0, 1.0]), 3) == 1.0


def kendall_z_by_hand(values) -> float:
    x = [round(v, 9) for v in values]
    n = len(x)
    s = sum((x[j] > x[i]) - (x[j] < x[i]) for i in range(n) for j in range(i + 1, n))
    ties = [x.count(v) for v in set(x)]
    var = (n * (n - 1) * (2 * n + 5) - sum(t * (t - 1) * (2 * t + 5) for t in ties)) / 18
    return 0.0 if s == 0 else (s - (1 if s > 0 else -1)) / math.sqrt(var)


@pytest.mark.parametrize(
    "values",
    [
        [1.0, 2.0, 2.0, 3.5, 3.0, 5.0],
        [5.0, 4.0, 4.0, 4.0, 1.0],
        [0.1 + 0.2, 0.3, 0.3, 1.0],  # equal after adjustment (0.30000000000000004): a tie
        [2.0, 1.0, 3.0, 0.5],
    ],
)
def test_the_trend_z_is_mann_kendall_with_ties_and_continuity_correction(values):
    assert hs.mann_kendall_z(np.array(values)) == pytest.approx(kendall_z_by_hand(values))


def test_the_trend_needs_four_months():
    assert hs.mann_kendall_z(np.array([1.0, 2.0, 3.0])) == 0.0
    assert hs.mann_kendall_z(np.array([1.0, 2.0, 3.0, 4.0])) == pytest.approx(5 / math.sqrt(4 * 3 * 13 / 18))


def test_trend_p_values_are_the_normal_tails_rising_and_falling():
    z = np.array([-2.0, 0.0, 1.5])
    rising, falling = hs.trend_p_values(z)
    assert rising == pytest.approx([0.5 * math.erfc(v / math.sqrt(2)) for v in z])
    assert falling == pytest.approx([0.5 * math.erfc(-v / math.sqrt(2)) for v in z])


# The detector hands these functions shapes normalised to a sum of one, with unequal months: the cases
# below are in that form, so a rule that holds only for weights of about one a month would show.
NORMALISED = np.array([0.05, 0.1, 0.2, 0.15, 0.1, 0.25, 0.15])


def test_dispersion_with_a_normalised_shape():
    restless = [0, 3, 9, 1, 0, 12, 2]
    measured = hs.dispersion(np.array(restless), NORMALISED)
    assert measured == pytest.approx(dispersion_by_hand(restless, NORMALISED.tolist())) and measured > 1


def test_the_excess_test_with_a_normalised_shape_and_a_single_report():
    expected, p = hs.excess_test(4, 10, 0.2, 0.8)
    assert expected == pytest.approx(2.5)
    assert p == pytest.approx(stats.binomtest(4, 14, 0.2, alternative="greater").pvalue, rel=1e-9)
    expected, p = hs.excess_test(1, 0, 1.0, 12.0)  # one report where none came before
    assert (expected, p) == (0.0, pytest.approx(1 / 13))


def test_reports_in_a_month_the_shape_gives_no_weight_are_as_unlikely_as_can_be():
    assert hs.excess_test(3, 10, 0.0, 5.0) == (0.0, 0.0)
    assert hs.excess_test(3, 10, 0.0, 0.0) == (0.0, 0.0)
    assert hs.excess_test(0, 10, 0.0, 5.0) == (0.0, 1.0)  # and none there is no news at all


@pytest.mark.parametrize("last_weight", [0.3, 2.0])
def test_the_current_month_is_judged_against_its_own_weight_of_the_earlier_level(last_weight):
    weights = [1.0, 1.0, 1.0, 0.5, 0.7, last_weight]
    earlier = 12  # 4 a month over weight 3
    level_now = earlier * last_weight / 3  # 1,2 or 8 expected this month
    for current in (math.floor(level_now), math.floor(level_now) + 1):
        counts = [4, 4, 4, 6, 6, current]
        p = hs.recent_level_p(np.array(counts), np.array(weights), 3)
        assert p == pytest.approx(recent_by_hand(counts, weights, 3), rel=1e-9)
        assert (p == 1.0) == (current <= level_now)


def test_the_recent_level_with_a_normalised_shape_and_a_quiet_start():
    counts = [0, 0, 0, 2, 1, 2, 3, 5, 6]
    weights = [0.0, 0.0, 0.0, 0.1, 0.1, 0.1, 0.2, 0.2, 0.3]  # the earliest months weigh nothing
    p = hs.recent_level_p(np.array(counts), np.array(weights), 3)
    assert p == pytest.approx(recent_by_hand(counts, weights, 3), rel=1e-9)
    assert p < 1.0


def test_adjusted_counts_equal_to_nine_decimals_are_ties():
    near = [1.0, 1.0 + 3e-10, 2.0, 3.0]  # one value divided by a shape that differs in its last digits
    tied = [1.0, 1.0, 2.0, 3.0]
    assert hs.mann_kendall_z(np.array(near)) == pytest.approx(kendall_z_by_hand(tied))
    assert hs.mann_kendall_z(np.array(near)) != pytest.approx(hs.mann_kendall_z(np.array([1.0, 1.1, 2.0, 3.0])))
