"""Honest change flags for counts: is this period really different from the same period last year?

NYPD-style tables flag +100 % on 1 → 2. We flag a row only when an exact test says the change is
unlikely to be noise, after correcting for the many rows tested at once.

The test (per row)
    H0: the reports of this period and of the same period last year come from Poisson processes
    with the same daily rate. Conditional on their sum n, the count of this period is then
    Binomial(n, p) with p = days_current / (days_current + days_last_year) (the conditional
    binomial test of Przyborowski & Wilenski, exact, two-sided by doubling the smaller tail).
    Comparing with the same period last year keeps seasonality out of the flag.

The correction
    Benjamini–Hochberg over all rows tested together (false-discovery rate `alpha`, default 5 %).

The expected range
    What this period would hold if nothing had changed, given last year's count y: the 95 %
    predictive interval of a Poisson count whose rate is only known through y (Poisson–gamma
    mixing with a flat prior: negative binomial with y + 1 successes). Shown beside the count; it is
    per row and not corrected, so a count just outside it need not be flagged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

MIN_REPORTS_FOR_PERCENT = 5


def conditional_binomial_p(current, reference, current_days=1.0, reference_days=1.0):
    """Two-sided exact p-value of H0 'same rate' for two Poisson counts over given exposures.

    Vectorised over arrays; a scalar in gives a float out. Two-sided by doubling the smaller tail.
    """
    current = np.asarray(current, dtype=float)
    total = current + np.asarray(reference, dtype=float)
    share = np.asarray(current_days, dtype=float) / (
        np.asarray(current_days, dtype=float) + np.asarray(reference_days, dtype=float)
    )
    lower = stats.binom.cdf(current, total, share)
    upper = stats.binom.sf(current - 1, total, share)
    p = np.minimum(1.0, 2.0 * np.minimum(lower, upper))
    p = np.where(total == 0, 1.0, p)
    return float(p) if p.ndim == 0 else p


def benjamini_hochberg(p_values) -> np.ndarray:
    """Adjusted p-values (q-values); a row is significant at FDR alpha when q <= alpha.

    The one Benjamini–Hochberg of the project (CompStat, trends, hot spots): scipy's.
    """
    p = np.asarray(p_values, dtype=float)
    if p.size == 0:
        return p
    return np.asarray(stats.false_discovery_control(p, method="bh"), dtype=float)


def mann_kendall(values) -> dict:
    """Mann–Kendall trend test. H0: the values are independent and identically distributed (no
    monotone trend). S = Σ_{i<j} sign(x_j − x_i); Var(S) with the tie correction
    [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18; z with continuity correction; two-sided normal p.
    Returns s, var_s, z, p_value, tau (Kendall's tau-a = S / (n(n−1)/2)). The one Mann–Kendall of
    the project (the trends page; the hot spots use a score test on their counts instead).
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n < 3:
        return {"s": 0, "var_s": 0.0, "z": 0.0, "p_value": 1.0, "tau": 0.0, "n": n}
    i, j = np.triu_indices(n, k=1)
    s = int(np.sign(x[j] - x[i]).sum())
    _, ties = np.unique(x, return_counts=True)
    var_s = (n * (n - 1) * (2 * n + 5) - np.sum(ties * (ties - 1) * (2 * ties + 5))) / 18.0
    z = 0.0 if s == 0 or var_s <= 0 else (s - np.sign(s)) / np.sqrt(var_s)
    return {
        "s": s,
        "var_s": float(var_s),
        "z": float(z),
        "p_value": float(2.0 * stats.norm.sf(abs(z))),
        "tau": s / (n * (n - 1) / 2.0),
        "n": n,
    }


def sen_slope(values, level: float = 0.95) -> tuple[float, float, float]:
    """Sen's slope (median of all pairwise slopes, per step) with its interval (scipy's theilslopes:
    Sen 1968, the ranks of the ordered slopes from Kendall's variance)."""
    x = np.asarray(values, dtype=float)
    if len(x) < 2:
        return float("nan"), float("nan"), float("nan")
    result = stats.theilslopes(x, np.arange(len(x), dtype=float), alpha=level)
    return float(result.slope), float(result.low_slope), float(result.high_slope)


def expected_range(reference, ratio=1.0, level: float = 0.95):
    """Predictive interval for this period's count given `reference` over 1/ratio the exposure.

    Vectorised: arrays in, two integer arrays out; scalars in, a pair of ints out.
    """
    # rate ~ Gamma(reference + 1, 1/ratio) ; count | rate ~ Poisson  =>  NegBin(reference + 1, 1/(1+ratio))
    distribution = stats.nbinom(np.asarray(reference) + 1, 1.0 / (1.0 + np.asarray(ratio, dtype=float)))
    tail = (1.0 - level) / 2.0
    low, high = distribution.ppf(tail).astype(int), distribution.ppf(1.0 - tail).astype(int)
    return (int(low), int(high)) if np.ndim(low) == 0 else (low, high)


def change_flags(current, reference, current_days=1.0, reference_days=1.0, alpha: float = 0.05) -> pd.DataFrame:
    """Per row: p_value, q_value, flag ('up'|'down'|'none'), expected_low/high, pct_change.

    `pct_change` is None when the reference has fewer than MIN_REPORTS_FOR_PERCENT reports: a
    percentage on a handful of reports says more about chance than about the street.
    """
    current = np.asarray(current, dtype=int)
    reference = np.asarray(reference, dtype=int)
    current_days = np.broadcast_to(np.asarray(current_days, dtype=float), current.shape)
    reference_days = np.broadcast_to(np.asarray(reference_days, dtype=float), current.shape)
    p = np.atleast_1d(conditional_binomial_p(current, reference, current_days, reference_days))
    q = benjamini_hochberg(p)
    ratio = current_days / np.where(reference_days > 0, reference_days, 1.0)
    low, high = expected_range(reference, ratio) if len(reference) else (np.array([], int), np.array([], int))
    expected = reference * ratio
    significant = q <= alpha
    flag = np.where(
        significant & (current > expected), "up", np.where(significant & (current < expected), "down", "none")
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(reference >= MIN_REPORTS_FOR_PERCENT, (current - expected) / expected * 100.0, np.nan)
    return pd.DataFrame(
        {
            "p_value": p,
            "q_value": q,
            "flag": flag,
            "expected_low": np.atleast_1d(low),
            "expected_high": np.atleast_1d(high),
            "pct_change": [None if np.isnan(v) else round(float(v), 1) for v in pct],
            "too_few": reference < MIN_REPORTS_FOR_PERCENT,
        }
    )
