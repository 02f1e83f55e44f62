"""The statistics behind an emerging hot spot, for one footprint at a time.

Every footprint is compared with the rest of the territory in the same categories, so what the
whole municipality does in a month (season, a bulky-waste collection that fell through, a slow
rise of dumping everywhere) does not by itself make one street look new. Without population data
the expected count of a place in a month is its usual share of its categories times what those
categories did elsewhere that month: the space-time permutation model (Kulldorff et al. 2005).

The territory's profile (`expected_shape`)
    S_t = sum_c H_c * (E_c,t + 1) / sum_t' (E_c,t' + 1): E_c,t the reports of category c elsewhere
    in month t, H_c the footprint's reports of c over the window. One pseudo report a month keeps
    the profile defined for a nearly empty category.

How seasonal this place is (`seasonal_strength`)
    Not every place follows its category: a party venue draws complaints all year while noise in
    gardens peaks in summer. The expected shape of the footprint is S_t ** lam, with lam between 0
    (no season: a flat rate) and 1 (the territory's profile), fitted by maximum likelihood on the
    footprint's own months *before* the current one (conditional multinomial likelihood, a grid of
    0.05). With fewer than `MIN_REPORTS_FOR_SEASON` reports there is nothing to learn from: lam = 1.

The excess test (`excess_test`: this month against the baseline months)
    H0: this month and the baseline months of the footprint come from a Poisson process with the
    expected shape above. Conditional on their total n, this month's count is Binomial(n, p) with
    p = pi_now / (pi_now + sum of pi over the baseline months). Exact, one-sided (we look for more).
    Reports vary more than Poisson counts (`dispersion`): when the baseline months did, the counts
    are first divided by that factor (quasi-Poisson), so a restless place needs more to stand out.
    The factor is measured on the baseline months before the run of concentration months that leads
    up to the current one, so that a rise in progress does not count as restlessness.

The trend test (`trend_z`)
    A score test of a log-linear trend in the footprint's monthly counts over its whole history,
    given their expected shape (season) and widened by the dispersion phi (Esri's Emerging Hot Spot
    Analysis uses Mann–Kendall here; on counts of a few a month the score test has more power).
    H0: no trend beyond the season; positive z: rising. A trend alone makes no emerging hot spot:
    the recent months must also be above the place's earlier level (`recent_level_p`).

None of these corrects for the many footprints tested at once: detector.py applies
`analytics.significance.benjamini_hochberg` over all candidates of the month.
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

PSEUDO_REPORTS = 1.0
MIN_REPORTS_FOR_SEASON = 12
_STRENGTHS = np.round(np.arange(0.0, 1.0001, 0.05), 2)


def expected_shape(own: np.ndarray, elsewhere: np.ndarray) -> np.ndarray:
    """S_t for the months of the window; `own` and `elsewhere` are (categories x months) counts."""
    own = np.asarray(own, dtype=float)
    profile = np.asarray(elsewhere, dtype=float) + PSEUDO_REPORTS
    profile = profile / profile.sum(axis=1, keepdims=True)
    weight = own.sum(axis=1, keepdims=True)
    if weight.sum() == 0:
        weight = np.ones_like(weight)
    return (weight * profile).sum(axis=0)


def seasonal_strength(counts: np.ndarray, shape: np.ndarray) -> float:
    """lam in [0, 1]: how closely the footprint's months followed the territory's profile."""
    x = np.asarray(counts, dtype=float)
    s = np.asarray(shape, dtype=float)
    if x.sum() < MIN_REPORTS_FOR_SEASON or len(x) < 3 or np.ptp(np.log(s)) == 0:
        return 1.0
    log_s = np.log(s)
    best, best_ll = 1.0, -np.inf
    for lam in _STRENGTHS:
        log_pi = lam * log_s
        log_pi = log_pi - np.log(np.exp(log_pi).sum())
        ll = float((x * log_pi).sum())
        if ll > best_ll + 1e-12:
            best, best_ll = float(lam), ll
    return best


def dispersion(counts, pi) -> float:
    """phi >= 1: how much more the baseline months varied than Poisson counts with that shape would.

    Pearson's statistic over the baseline months divided by its degrees of freedom (quasi-Poisson);
    1 when there are fewer than `MIN_REPORTS_FOR_SEASON` reports or fewer than 4 months.
    """
    x = np.asarray(counts, dtype=float)
    weights = np.asarray(pi, dtype=float)
    if len(x) < 4 or x.sum() < MIN_REPORTS_FOR_SEASON or weights.sum() <= 0:
        return 1.0
    mu = x.sum() * weights / weights.sum()
    return max(1.0, float(((x - mu) ** 2 / mu).sum() / (len(x) - 1)))


def excess_test(
    current: int, baseline_total: float, pi_now: float, pi_baseline: float, phi: float = 1.0
) -> tuple[float, float]:
    """(expected count this month, one-sided p-value) given the expected shape's weights.

    With phi = 1 the exact conditional binomial test. With phi > 1 (counts that vary more than
    Poisson, as real reports do: one neighbour reports five times in a week) the counts are divided
    by phi first (quasi-likelihood) and the binomial tail is taken in its continuous form,
    I_p(k, n - k + 1), the regularised incomplete beta function.
    """
    share = pi_now / (pi_now + pi_baseline) if (pi_now + pi_baseline) > 0 else 0.0
    expected = baseline_total * (pi_now / pi_baseline) if pi_baseline > 0 else 0.0
    if current <= 0:
        return expected, 1.0
    if share >= 1.0:
        return expected, 1.0
    k = current / phi
    n = (current + baseline_total) / phi
    p_value = float(special.betainc(k, n - k + 1.0, share)) if share > 0 else 0.0
    return expected, min(1.0, max(0.0, p_value))


def recent_level_p(counts, pi, recent: int, phi: float = 1.0) -> float:
    """One-sided p-value of 'the last `recent` months are above the place's earlier level'.

    `counts` and `pi`: the baseline months and the current one (last), oldest first. H0: the recent
    months and the earlier ones come from one Poisson process with the expected shape pi; the same
    conditional binomial as `excess_test` on the recent months' sum against the earlier months'.
    1 when the current month itself is not above what the earlier level predicts for it (a rise
    that is over is no flag), or when there are fewer than `recent` earlier months.
    """
    x = np.asarray(counts, dtype=float)
    w = np.asarray(pi, dtype=float)
    if len(x) < 2 * recent or w[:-recent].sum() <= 0:
        return 1.0
    earlier, earlier_pi = float(x[:-recent].sum()), float(w[:-recent].sum())
    if x[-1] <= earlier * w[-1] / earlier_pi:
        return 1.0
    return excess_test(int(x[-recent:].sum()), earlier, float(w[-recent:].sum()), earlier_pi, phi)[1]


def trend_z(counts, pi, phi: float = 1.0) -> float:
    """Score test of a log-linear trend in the counts given their expected shape (z; positive: rising).

    H0: log E[x_t] = a + log pi_t (the shape, no trend); H1 adds b·t. Conditional on the total N,
    the score for b at b = 0 is U = sum_t t (x_t - N w_t) with w = pi / sum pi, and its variance
    N sum_t w_t (t - tbar)^2 (tbar = sum_t w_t t), times phi for counts that vary more than Poisson.
    For Poisson counts this is the most powerful test against a slow rise (Mann–Kendall, rank based,
    gives away much of that power on counts of three or four a month). 0 for fewer than 4 months
    or no reports.
    """
    x = np.asarray(counts, dtype=float)
    w = np.asarray(pi, dtype=float)
    total = x.sum()
    if len(x) < 4 or total <= 0 or w.sum() <= 0:
        return 0.0
    w = w / w.sum()
    t = np.arange(len(x), dtype=float)
    centre = float((w * t).sum())
    variance = total * float((w * (t - centre) ** 2).sum()) * max(phi, 1.0)
    if variance <= 0:
        return 0.0
    return float(((t - centre) * (x - total * w)).sum() / np.sqrt(variance))


def trend_p_values(z) -> tuple[np.ndarray, np.ndarray]:
    """One-sided p-values (rising, falling) of trend z-scores."""
    z = np.asarray(z, dtype=float)
    return stats.norm.sf(z), stats.norm.cdf(z)
