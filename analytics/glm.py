"""Count regression for trends and effects: Poisson (log link) and binomial (logit link) by IRLS,
with quasi-likelihood dispersion and leave-one-out predictions.

Why our own forty lines and not statsmodels: the two models we need are the textbook ones, and
their by-products (the hat values for leave-one-out, the Newey–West sandwich) are a few lines of
numpy each; one dependency less to pin in the app. statsmodels is a dev-only cross-check:
tests/unit/test_glm.py fits the same data with both.

Quasi-likelihood: counts of reports vary more than Poisson (a busy week for one warden, a
neighbour who reports everything). The dispersion `phi` = Pearson χ² / (n − p), never taken below
1, scales every variance, so intervals widen with the data's own noise (McCullagh & Nelder §9).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

MAX_ITER = 100
TOL = 1e-10


@dataclass
class GlmFit:
    """A converged fit. `cov_unscaled` is (X'WX)⁻¹; multiply by `phi` for quasi-likelihood."""

    family: str
    coef: np.ndarray
    cov_unscaled: np.ndarray
    eta: np.ndarray  # linear predictor
    mu: np.ndarray  # fitted mean count (binomial: trials × probability)
    weights: np.ndarray  # IRLS weights at convergence
    phi: float  # dispersion, >= 1
    df_resid: int
    leverage: np.ndarray  # diagonal of the hat matrix

    def se(self, index: int, scaled: bool = True) -> float:
        variance = self.cov_unscaled[index, index] * (self.phi if scaled else 1.0)
        return float(np.sqrt(max(variance, 0.0)))

    def t_quantile(self, level: float) -> float:
        """Quantile for a two-sided `level` interval: Student t on the residual degrees of freedom
        (the dispersion is estimated), normal when there are many."""
        return float(stats.t.ppf(0.5 + level / 2.0, max(self.df_resid, 1)))

    def wald_p(self, index: int, se: float | None = None) -> float:
        se = self.se(index) if se is None else se
        if se == 0 or not np.isfinite(se):
            return 1.0
        return float(2.0 * stats.t.sf(abs(self.coef[index]) / se, max(self.df_resid, 1)))


def _mean(family: str, eta: np.ndarray, trials: np.ndarray | None) -> np.ndarray:
    if family == "poisson":
        return np.exp(np.clip(eta, -30.0, 30.0))
    return trials * (1.0 / (1.0 + np.exp(-np.clip(eta, -30.0, 30.0))))


def _variance(family: str, mu: np.ndarray, trials: np.ndarray | None) -> np.ndarray:
    if family == "poisson":
        return mu
    p = np.where(trials > 0, mu / np.where(trials > 0, trials, 1.0), 0.5)
    return trials * p * (1.0 - p)


def fit_glm(X, y, family: str = "poisson", trials=None, min_phi: float = 1.0) -> GlmFit:
    """Maximum-likelihood fit by iteratively reweighted least squares (canonical links, so the
    IRLS weight is the variance). Rank-deficient designs are handled by the pseudo-inverse."""
    if family not in ("poisson", "binomial"):
        raise ValueError("family must be 'poisson' or 'binomial'")
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n_trials = None if trials is None else np.asarray(trials, dtype=float)
    if family == "poisson":
        eta = np.log(np.maximum(y, 0.5))
    else:
        p0 = (y + 0.5) / (n_trials + 1.0)
        eta = np.log(p0 / (1.0 - p0))
    coef = np.linalg.lstsq(X, eta, rcond=None)[0]
    deviance_old = np.inf
    for _ in range(MAX_ITER):
        eta = X @ coef
        mu = _mean(family, eta, n_trials)
        w = np.maximum(_variance(family, mu, n_trials), 1e-10)
        z = eta + (y - mu) / w
        sw = np.sqrt(w)
        coef = np.linalg.lstsq(X * sw[:, None], z * sw, rcond=None)[0]
        deviance = float(np.sum(w * (z - X @ coef) ** 2))
        if abs(deviance - deviance_old) <= TOL * (1.0 + abs(deviance)):
            break
        deviance_old = deviance
    eta = X @ coef
    mu = _mean(family, eta, n_trials)
    w = np.maximum(_variance(family, mu, n_trials), 1e-10)
    cov = np.linalg.pinv(X.T @ (X * w[:, None]))
    leverage = np.einsum("ij,jk,ik->i", X, cov, X) * w
    rank = int(np.linalg.matrix_rank(X))
    df_resid = len(y) - rank
    pearson = float(np.sum((y - mu) ** 2 / w))
    phi = max(min_phi, pearson / df_resid) if df_resid > 0 else max(min_phi, 1.0)
    return GlmFit(family, coef, cov, eta, mu, w, phi, df_resid, leverage)


def leave_one_out_eta(fit: GlmFit, X, y) -> tuple[np.ndarray, np.ndarray]:
    """Each point's linear predictor from the fit without that point, and its (unscaled) variance.

    The one-step approximation (Pregibon 1981; Williams 1987): removing point i moves the
    coefficients by −(X'WX)⁻¹ xᵢ wᵢ eᵢ / (1 − hᵢ), with eᵢ the working residual, so
    η₋ᵢ = ηᵢ − hᵢ eᵢ / (1 − hᵢ) and Var(η₋ᵢ) = xᵢ'(X'WX − wᵢxᵢxᵢ')⁻¹xᵢ = qᵢ / (1 − hᵢ).
    Exact for least squares, within a few per cent of a refit for counts of a handful or more.
    """
    X = np.asarray(X, dtype=float)
    q = np.einsum("ij,jk,ik->i", X, fit.cov_unscaled, X)
    h = np.clip(fit.leverage, 0.0, 0.99)
    working = (np.asarray(y, dtype=float) - fit.mu) / fit.weights
    return fit.eta - h * working / (1.0 - h), q / (1.0 - h)


def newey_west_cov(fit: GlmFit, X, y, lags: int | None = None) -> np.ndarray:
    """Sandwich covariance robust to overdispersion and serial correlation (Bartlett kernel,
    lags = ⌊4 (n/100)^(2/9)⌋ by default): for a trend, where neighbouring months are alike."""
    X = np.asarray(X, dtype=float)
    scores = X * (np.asarray(y, dtype=float) - fit.mu)[:, None]
    n = len(scores)
    lags = int(np.floor(4.0 * (n / 100.0) ** (2.0 / 9.0))) if lags is None else lags
    meat = scores.T @ scores
    for lag in range(1, min(lags, n - 1) + 1):
        gamma = scores[lag:].T @ scores[:-lag]
        meat += (1.0 - lag / (lags + 1.0)) * (gamma + gamma.T)
    return fit.cov_unscaled @ meat @ fit.cov_unscaled


def predictive_interval(mean, eta_variance, phi: float, level: float = 0.95):
    """Where a new count falls: an overdispersed Poisson around `mean` (variance phi·mean), its mean
    itself uncertain on the log scale (variance `eta_variance`), matched to a negative binomial.

    Returns (low, high, p_two_sided_function) as arrays; `p(y)` is the two-sided tail probability.
    """
    mean = np.maximum(np.asarray(mean, dtype=float), 1e-12)  # a mean of exactly 0 has nowhere to go but 0
    # a log-scale variance beyond 5 (a factor e^2 either way) says 'unknown'; capped against overflow
    inflation = np.expm1(np.clip(np.asarray(eta_variance, dtype=float), 0.0, 5.0))
    variance = phi * mean + mean**2 * inflation
    excess = np.maximum(variance - mean, 1e-9 * np.maximum(mean, 1e-9))
    size = mean**2 / excess  # negative binomial r: variance = m + m²/r
    prob = size / (size + mean)
    dist = stats.nbinom(size, prob)
    tail = (1.0 - level) / 2.0
    low = np.where(mean > 0, dist.ppf(tail), 0.0)
    high = np.where(mean > 0, dist.ppf(1.0 - tail), 0.0)

    def p_value(observed):
        observed = np.asarray(observed, dtype=float)
        lower = dist.cdf(observed)
        upper = dist.sf(observed - 1.0)
        return np.minimum(1.0, 2.0 * np.minimum(lower, upper))

    return low, high, p_value
