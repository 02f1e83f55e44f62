"""analytics/glm.py, our own IRLS, against statsmodels (a dev-only cross-check, requirements-dev.txt):
the same coefficients, covariance, dispersion, hat values and Newey–West sandwich on the same data."""

from __future__ import annotations

import numpy as np
import pytest

sm = pytest.importorskip("statsmodels.api")

from analytics.glm import fit_glm, newey_west_cov  # after the skip


def _trend_design(n: int, rng) -> np.ndarray:
    """Intercept, a linear trend and a yearly season, as the trend models use."""
    t = np.arange(n, dtype=float)
    return np.column_stack([np.ones(n), t / 12.0, np.sin(2 * np.pi * t / 12), np.cos(2 * np.pi * t / 12)])


@pytest.fixture
def poisson_data():
    rng = np.random.default_rng(14)
    X = _trend_design(60, rng)
    mean = np.exp(X @ np.array([3.0, -0.08, 0.3, -0.1]))
    # overdispersed counts (gamma-mixed Poisson), so the dispersion is above 1 and really estimated
    y = rng.poisson(mean * rng.gamma(4.0, 0.25, size=len(mean))).astype(float)
    return X, y


def test_poisson_fit_matches_statsmodels(poisson_data):
    X, y = poisson_data
    ours = fit_glm(X, y, family="poisson")
    theirs = sm.GLM(y, X, family=sm.families.Poisson()).fit(tol=1e-12)
    np.testing.assert_allclose(ours.coef, theirs.params, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(ours.mu, theirs.fittedvalues, rtol=1e-7)
    # (X'WX)⁻¹: statsmodels' covariance with the scale fixed at 1
    np.testing.assert_allclose(ours.cov_unscaled, theirs.cov_params() / theirs.scale, rtol=1e-6)
    assert ours.df_resid == theirs.df_resid
    assert ours.phi == pytest.approx(max(1.0, theirs.pearson_chi2 / theirs.df_resid), rel=1e-7)
    assert ours.phi > 1.0  # the data are overdispersed: the check is not the floor
    np.testing.assert_allclose(ours.leverage, theirs.get_influence().hat_matrix_diag, rtol=1e-6, atol=1e-12)
    se_theirs = np.sqrt(np.diag(theirs.cov_params()) / theirs.scale * ours.phi)
    np.testing.assert_allclose([ours.se(i) for i in range(X.shape[1])], se_theirs, rtol=1e-6)


def test_binomial_with_trials_matches_statsmodels():
    rng = np.random.default_rng(22)
    n = 40
    phase = (np.arange(n) >= 20).astype(float)
    X = np.column_stack([np.ones(n), phase, np.arange(n) / 10.0])
    trials = rng.integers(20, 80, size=n).astype(float)
    p = 1 / (1 + np.exp(-(X @ np.array([-0.4, -0.6, 0.05]))))
    y = rng.binomial(trials.astype(int), p).astype(float)
    ours = fit_glm(X, y, family="binomial", trials=trials)
    theirs = sm.GLM(np.column_stack([y, trials - y]), X, family=sm.families.Binomial()).fit(tol=1e-12)
    np.testing.assert_allclose(ours.coef, theirs.params, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(ours.mu, theirs.fittedvalues * trials, rtol=1e-7)
    np.testing.assert_allclose(ours.cov_unscaled, theirs.cov_params() / theirs.scale, rtol=1e-6)
    assert ours.phi == pytest.approx(max(1.0, theirs.pearson_chi2 / theirs.df_resid), rel=1e-7)


def test_newey_west_matches_statsmodels_hac(poisson_data):
    X, y = poisson_data
    ours = fit_glm(X, y, family="poisson")
    lags = 3
    theirs = sm.GLM(y, X, family=sm.families.Poisson()).fit(
        tol=1e-12, cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": False}
    )
    np.testing.assert_allclose(newey_west_cov(ours, X, y, lags=lags), theirs.cov_params(), rtol=1e-5)


def test_an_unknown_family_is_refused(poisson_data):
    X, y = poisson_data
    with pytest.raises(ValueError):
        fit_glm(X, y, family="gamma")
