"""One series of counts: its expected band, its anomalies and its trend — estimators on arrays.

The model (quasi-Poisson regression, log link)
    log E[count_t] = b0 + b1·t + Σ_k (a_k sin 2πk·f_t + c_k cos 2πk·f_t)
    t = years since the start of the series, f_t = the period's middle as a fraction of the year.
    Two harmonics when the series spans 1,9 years or more (enough to tell season from trend),
    none otherwise. Overdispersion: Pearson dispersion phi >= 1 (see analytics/glm.py).

The expected band (per point)
    H0: the count of period t is an ordinary draw from the model — its expectation taken from the
    fit *without that point* (leave-one-out), so a spike cannot hide itself by pulling the model up.
    The band is the `level` predictive interval: a negative binomial with the model's mean, the
    dispersion's variance and the uncertainty of the mean itself. Points flagged in one pass are
    left out of the next fit (the first pass takes its dispersion from the median residual), so a
    spike does not widen the band around itself or another; at most a tenth of the points is left out.
    p_value: two-sided tail probability of the count under H0. anomaly: the count is unlikely
    after Benjamini–Hochberg over all points of the series (false-discovery rate `alpha`), so a
    five-year weekly series does not raise a dozen false alarms; `outside` only says it is
    outside the band.

The trend test
    H0: b1 = 0 (no change of level over the years, after season). Wald test of the model's trend
    term, fitted without the anomalies left out above; the standard error is the larger of the
    quasi-Poisson one and a Newey–West one (neighbouring months resemble each other, which a plain
    test ignores),
    Student t on the residual degrees of freedom. Reported as % per year with its interval, and as
    reports per year: the average yearly count × (exp(b1) − 1).
    Beside it, for those who prefer no model: Mann–Kendall on the deseasonalised counts with
    Sen's slope (`mann_kendall`, `sen_slope`).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from analytics.glm import (
    fit_glm,
    leave_one_out_eta,
    newey_west_cov,
    predictive_interval,
)
from analytics.periods import periods_per_year
from analytics.significance import benjamini_hochberg, mann_kendall, sen_slope
from analytics.wording import about, number, p_text
from civ.i18n import texts_of

MIN_PERIODS = {"month": 12, "week": 26}
MIN_REPORTS_FOR_TREND = 20


def _robust_dispersion(fit, counts) -> float:
    """Dispersion from the median absolute Pearson residual, (1,4826·MAD)², never below 1: one or two
    spikes cannot inflate it (a trimmed mean of squares did worse on simulated spikes)."""
    residuals = (np.asarray(counts, dtype=float) - fit.mu) / np.sqrt(np.maximum(fit.mu, 1e-9))
    mad = np.median(np.abs(residuals - np.median(residuals)))
    return max(1.0, float((1.4826 * mad) ** 2))


# --- the seasonal model --------------------------------------------------------------------------
class SeasonalModel(BaseEstimator):
    """Expected band, anomalies and trend of one series of counts per month or ISO week.

    Parameters
    ----------
    kind : 'month' or 'week' — the length of one period.
    harmonics : int or 'auto' — seasonal harmonics; 'auto' is 2 from 1,9 years of data on (a two-year export cut to complete weeks is 103 weeks), else 0.
    level : coverage of the expected band (0.95).
    alpha : false-discovery rate for anomalies and significance level of the trend (0.05).

    `fit(X)` takes a DataFrame with `start` (first day of each period, consecutive) and `count`.
    Learned: expected_, lower_, upper_, p_value_, q_value_, outside_, anomaly_ (one per period),
    harmonics_, dispersion_, coef_, trend_ (dict), fitted_ (False when too short or empty).
    """

    def __init__(self, kind: str = "month", harmonics="auto", level: float = 0.95, alpha: float = 0.05):
        self.kind = kind
        self.harmonics = harmonics
        self.level = level
        self.alpha = alpha

    # design ------------------------------------------------------------------------------------
    def _design(self, starts: list[date]) -> np.ndarray:
        middles = pd.to_datetime(pd.Series(starts)) + pd.to_timedelta(15 if self.kind == "month" else 3, unit="D")
        years = ((middles - middles.iloc[0]).dt.days / 365.25).to_numpy()
        fraction = ((middles.dt.day_of_year - 1) / 365.25).to_numpy()
        columns = [np.ones(len(starts)), years - years.mean()]
        for k in range(1, self.harmonics_ + 1):
            columns += [np.sin(2 * np.pi * k * fraction), np.cos(2 * np.pi * k * fraction)]
        return np.column_stack(columns)

    def fit(self, X: pd.DataFrame, y=None) -> SeasonalModel:
        if self.kind not in MIN_PERIODS:
            raise ValueError("kind must be 'month' or 'week'")
        counts = np.asarray(X["count"], dtype=float)
        n = len(counts)
        per_year = periods_per_year(self.kind)
        if self.harmonics == "auto":
            self.harmonics_ = 2 if n / per_year >= 1.9 else 0
        else:
            self.harmonics_ = int(self.harmonics)
        nan = np.full(n, np.nan)
        self.expected_, self.lower_, self.upper_, self.p_value_, self.q_value_ = nan, nan, nan, nan, nan
        self.outside_, self.anomaly_ = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
        self.dispersion_, self.coef_ = float("nan"), None
        self.fitted_ = n >= MIN_PERIODS[self.kind] and counts.sum() > 0
        self.trend_ = self._no_trend(counts, "te_kort" if n < MIN_PERIODS[self.kind] else "te_weinig")
        if not self.fitted_:
            return self
        design = self._design(list(X["start"]))
        # Anomalies are rare by definition: at most a tenth of the points is left out of the fit.
        # A series where more stand out is not described by the model (reports bunched on a few
        # days, say); then nothing is left out and the band is as wide as the series is irregular.
        most_excluded = max(1, n // 10)
        flagged = np.zeros(n, dtype=bool)
        for step in range(4):
            keep = ~flagged
            fit = fit_glm(design[keep], counts[keep])
            # First pass: a dispersion the spikes cannot inflate (median absolute residual);
            # later passes: the ordinary one, from the points that are not anomalies.
            phi = _robust_dispersion(fit, counts[keep]) if step == 0 else fit.phi
            eta = design @ fit.coef
            eta_var = np.einsum("ij,jk,ik->i", design, fit.cov_unscaled, design)
            loo_eta, loo_var = leave_one_out_eta(fit, design[keep], counts[keep])
            eta[keep], eta_var[keep] = loo_eta, loo_var
            mean = np.exp(np.clip(eta, -30.0, 30.0))
            low, high, p_of = predictive_interval(mean, phi * eta_var, phi, self.level)
            p = p_of(counts)
            q = benjamini_hochberg(p)
            new_flagged = q <= self.alpha
            if new_flagged.sum() > most_excluded:
                new_flagged = np.zeros(n, dtype=bool)
            if step > 0 and (new_flagged == flagged).all():
                break
            flagged = new_flagged
        self.expected_, self.lower_, self.upper_ = mean, low, high
        self.p_value_, self.q_value_ = p, q
        self.outside_ = (counts < low) | (counts > high)
        self.anomaly_ = q <= self.alpha
        left_out = flagged
        trend_fit = fit_glm(design[~left_out], counts[~left_out])
        self.dispersion_, self.coef_ = trend_fit.phi, trend_fit.coef
        self.trend_ = self._trend(trend_fit, design, counts, per_year, left_out)
        return self

    # trend ------------------------------------------------------------------------------------
    def _no_trend(self, counts, reason: str) -> dict:
        return {
            "direction": reason,
            "pct_per_year": None,
            "pct_lower": None,
            "pct_upper": None,
            "reports_per_year": None,
            "p_value": None,
            "mk_tau": None,
            "mk_p_value": None,
            "sen_slope_per_year": None,
            "sen_lower": None,
            "sen_upper": None,
            "total": int(np.sum(counts)),
        }

    def _trend(self, fit, design, counts, per_year, left_out) -> dict:
        if counts.sum() < MIN_REPORTS_FOR_TREND:
            return self._no_trend(counts, "te_weinig")
        keep = ~left_out
        robust = newey_west_cov(fit, design[keep], counts[keep])
        se = max(fit.se(1), float(np.sqrt(max(robust[1, 1], 0.0))))
        slope = float(fit.coef[1])
        p = fit.wald_p(1, se)
        half = fit.t_quantile(1.0 - self.alpha) * se
        mean_per_year = float(counts[keep].mean()) * per_year
        # Mann–Kendall on the counts with the season divided out (the model's harmonics, mean 1).
        seasonal = np.exp(design[:, 2:] @ fit.coef[2:]) if design.shape[1] > 2 else np.ones(len(counts))
        adjusted = counts / seasonal
        mk = mann_kendall(adjusted)
        sen, sen_low, sen_high = sen_slope(adjusted)
        direction = "geen" if p >= self.alpha else ("stijgt" if slope > 0 else "daalt")
        return {
            "direction": direction,
            "pct_per_year": 100.0 * np.expm1(slope),
            "pct_lower": 100.0 * np.expm1(slope - half),
            "pct_upper": 100.0 * np.expm1(slope + half),
            "reports_per_year": mean_per_year * float(np.expm1(slope)),
            "p_value": p,
            "mk_tau": mk["tau"],
            "mk_p_value": mk["p_value"],
            "sen_slope_per_year": sen * per_year,
            "sen_lower": sen_low * per_year,
            "sen_upper": sen_high * per_year,
            "total": int(counts.sum()),
        }


# The words of a trend ('trend.<key>' in civ/messages/trends.py); the pages pass them in their language.
TREND_TEXTS_NL = texts_of("trend.")


def trend_sentence(label: str, trend: dict, plural: bool = False, texts: dict | None = None) -> str:
    """The words a user repeats: 'Sluikstort stijgt met ongeveer 29 meldingen per jaar
    (+8 % per jaar, p = 0,012).' — or 'geen duidelijke trend'. `texts`: the pieces in another
    language (default Dutch); numbers are Belgian whatever the language."""
    texts = texts or TREND_TEXTS_NL
    direction = trend["direction"]
    if direction == "te_kort":
        return texts["too_short"].format(label=label)
    if direction == "te_weinig":
        return texts["too_few"].format(label=label)
    if direction == "geen":
        return texts["none"].format(label=label, p=p_text(trend["p_value"]))
    key = ("up" if direction == "stijgt" else "down") + ("_plural" if plural else "")
    pct = trend["pct_per_year"]
    return texts[key].format(
        label=label,
        amount=about(trend["reports_per_year"]),
        pct=f"{'+' if pct > 0 else '−'}{number(abs(pct))} %",
        p=p_text(trend["p_value"]),
    )
