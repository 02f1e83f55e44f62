"""CompStat's flag with power: this period against a seasonal model of the periods before it.

Last year's count alone is a weak yardstick: one month of some 30 reports against one other month
leaves a change of +60 % unflagged half the time. Here each row's expectation comes from the
periods before the one judged (up to `MODEL_PERIODS` = 36 months, or 156 ISO weeks), with the trends
page's model (analytics/seasonal.py): quasi-Poisson regression, log link, a linear trend and two
yearly harmonics (none when the history is shorter than 1,9 years), fitted *without* the period
judged.

The test (per row)
    H0: this period's count is an ordinary draw from the model. Its distribution: the predictive
    negative binomial of analytics.glm.predictive_interval (mean from the fit, variance phi·mean
    plus the uncertainty of the mean itself). p: two-sided exact tail of that distribution.
    The expected value and the 95 % range are that distribution's mean and quantiles.
The correction
    Benjamini–Hochberg over all rows tested together (5 %), as for last year's comparison.
Rows with fewer than `MIN_MODEL_PERIODS` periods of history (or no report in them) get no model:
their flag stays the comparison with the same period last year (analytics/significance.py).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import numpy as np
import pandas as pd

from analytics.glm import fit_glm, predictive_interval
from analytics.periods import Period, periods_per_year
from analytics.significance import benjamini_hochberg

MODEL_PERIODS = {"month": 36, "week": 156}
MIN_MODEL_PERIODS = {"month": 12, "week": 26}
LEVEL = 0.95


def design(starts: list[date], kind: str, harmonics: int) -> np.ndarray:
    """Intercept, years since the first period, `harmonics` yearly sine/cosine pairs (the trends
    page's design: analytics.seasonal.SeasonalModel)."""
    middles = pd.to_datetime(pd.Series(starts)) + pd.to_timedelta(15 if kind == "month" else 3, unit="D")
    years = ((middles - middles.iloc[0]).dt.days / 365.25).to_numpy()
    fraction = ((middles.dt.day_of_year - 1) / 365.25).to_numpy()
    columns = [np.ones(len(starts)), years]
    for k in range(1, harmonics + 1):
        columns += [np.sin(2 * np.pi * k * fraction), np.cos(2 * np.pi * k * fraction)]
    return np.column_stack(columns)


def _design_for(starts: list[date], now: date, kind: str) -> np.ndarray | None:
    """The design of the periods `starts` plus the period judged (last row); None when too short."""
    if len(starts) < MIN_MODEL_PERIODS[kind]:
        return None
    harmonics = 2 if len(starts) / periods_per_year(kind) >= 1.9 else 0
    return design(list(starts) + [now], kind, harmonics)


def _fit(y: np.ndarray, X: np.ndarray) -> tuple[float, float, float] | None:
    """(mean, log-scale variance of the mean, phi) for the last row of `X`, fitted on the rows before."""
    if y.sum() <= 0:
        return None
    fit = fit_glm(X[:-1], y)
    x_now = X[-1]
    eta = float(x_now @ fit.coef)
    eta_variance = float(x_now @ fit.cov_unscaled @ x_now) * fit.phi
    return float(np.exp(np.clip(eta, -30.0, 30.0))), eta_variance, fit.phi


def predict(history, starts: list[date], now: date, kind: str) -> dict | None:
    """Expected count, 95 % range and the p-value function for the period starting `now`, from the
    counts of the periods starting at `starts` (before `now`); None when there is too little."""
    y = np.asarray(history, dtype=float)
    X = _design_for(list(starts), now, kind) if len(y) == len(starts) else None
    fitted = None if X is None else _fit(y, X)
    if fitted is None:
        return None
    mean, eta_variance, phi = fitted
    low, high, p_of = predictive_interval(np.array([mean]), np.array([eta_variance]), phi, LEVEL)
    return {"expected": mean, "low": int(low[0]), "high": int(high[0]), "p_of": p_of, "phi": phi}


def model_flags(
    current, histories: np.ndarray, starts: list[date], now: date, kind: str, alpha: float = 0.05
) -> pd.DataFrame:
    """Per row: model_expected, model_low, model_high, model_p, model_q, model_flag ('up', 'down',
    'none'; None without a model). `histories`: rows × periods before `now`, oldest first."""
    current = np.asarray(current, dtype=float)
    n = len(current)
    expected, low, high, p = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    # One design for every row (they share the periods) and one predictive distribution for all rows
    # (scipy's per-call overhead): per row only the fit itself. The same numbers as `predict` row by row.
    histories = np.asarray(histories, dtype=float)
    X = _design_for(list(starts), now, kind) if n and histories.shape[1] == len(starts) else None
    fitted = [None if X is None else _fit(histories[i], X) for i in range(n)]
    rows = [i for i, f in enumerate(fitted) if f is not None]
    if rows:
        means, eta_variances, phis = (np.array(column, dtype=float) for column in zip(*(fitted[i] for i in rows)))
        # phi differs per row: predictive_interval works element-wise, so an array of them is one per row
        lows, highs, p_of = predictive_interval(means, eta_variances, phis, LEVEL)
        expected[rows], low[rows], high[rows] = means, lows, highs
        p[rows] = p_of(current[rows])
    tested = ~np.isnan(p)
    q = np.full(n, np.nan)
    if tested.any():
        q[tested] = benjamini_hochberg(p[tested])
    flag = np.where(~tested, None, np.where(q <= alpha, np.where(current > expected, "up", "down"), "none"))
    return pd.DataFrame(
        {
            "model_expected": [None if np.isnan(v) else round(float(v), 1) for v in expected],
            "model_low": [None if np.isnan(v) else int(v) for v in low],
            "model_high": [None if np.isnan(v) else int(v) for v in high],
            "model_p": [None if np.isnan(v) else float(v) for v in p],
            "model_q": [None if np.isnan(v) else float(v) for v in q],
            "model_flag": flag,
        }
    )


def history_periods(period: Period) -> list[Period]:
    """The up to 36 months (156 weeks) before `period`, oldest first."""
    periods = []
    current = period
    for _ in range(MODEL_PERIODS[period.kind]):
        current = current.previous()
        periods.insert(0, current)
    return periods


def history_counts(
    con,
    period: Period,
    keys: list[str],
    where: str,
    params: list,
    precision_clause: str,
    key_sql: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, list[date]]:
    """Counts per key and period over the history window: a frame (keys + one column per period
    start, as 'h0', 'h1', …) and the periods' first days. Periods before the first report in the
    store are left out (unknown, not zero)."""
    periods = history_periods(period)
    edges = [p.utc_bounds()[0] for p in periods] + [period.utc_bounds()[0]]
    first = con.execute("SELECT min(reported_at) FROM reports").fetchone()[0]
    days = _days_to_periods(edges)
    # One row per key with its periods' numbers and counts as lists: filling the array here is a few loops
    # of numpy, where pandas' pivot_table took a third of the table's time. A row without a key (a report
    # without an area, per area) has no history, as pivot_table, which leaves missing keys out, had it.
    frame = con.execute(
        f"""
        WITH days AS (SELECT unnest(?::BIGINT[]) AS day, unnest(?::INTEGER[]) AS before_cut,
                             unnest(?::INTEGER[]) AS after_cut, unnest(?::BIGINT[]) AS cut_us)
        SELECT {", ".join(keys)}, list(bin) AS bins, list(n) AS counts
        FROM (SELECT {", ".join((key_sql or {}).get(k, "r." + k) for k in keys)},
                     CASE WHEN epoch_us(r.reported_at) >= d.cut_us THEN d.after_cut ELSE d.before_cut END AS bin,
                     count(*) AS n
              FROM reports r JOIN days d ON d.day = epoch_us(r.reported_at) // {DAY_US}
              WHERE r.reported_at >= ? AND r.reported_at < ? AND {precision_clause} AND {where}
              GROUP BY ALL)
        WHERE {" AND ".join(f"{k} IS NOT NULL" for k in keys)}
        GROUP BY ALL ORDER BY ALL""",
        [*days, edges[0], edges[-1]] + params,
    ).df()
    if first is not None:
        first_day = pd.Timestamp(first).tz_convert("Europe/Brussels").date()
        periods = [p for p in periods if p.end > first_day]
    skipped = len(edges) - 1 - len(periods)  # the periods before the first report: a prefix
    starts = [p.start for p in periods]
    if frame.empty:
        return pd.DataFrame(columns=keys), starts
    counts = np.zeros((len(frame), len(edges) - 1), dtype=np.int64)
    for row, (bins, ns) in enumerate(zip(frame["bins"], frame["counts"])):
        counts[row, np.asarray(bins, dtype=np.int64)] = ns
    history = pd.DataFrame(counts[:, skipped:], columns=[f"h{i}" for i in range(len(starts))])
    return pd.concat([frame[keys].reset_index(drop=True), history], axis=1), starts


DAY_US = 86_400_000_000


def _days_to_periods(edges: list) -> tuple[list[int], list[int], list[int], list[int]]:
    """For every UTC day from the first edge to the last: the period (index into the edges) its first
    moment falls in, the period its last moment falls in, and the UTC microsecond where the second begins.
    A report's period is then one join on its UTC day and one comparison, the same cut as Brussels' local
    midnight (the edges are local midnights, from Period.utc_bounds) without converting every report's
    time zone, which was most of the history's query. A day holds at most one edge: periods last a week
    or more."""
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    edges_us = np.array([(edge - epoch) // timedelta(microseconds=1) for edge in edges], dtype=np.int64)
    days = np.arange(edges_us[0] // DAY_US, (edges_us[-1] - 1) // DAY_US + 1, dtype=np.int64)
    before = np.searchsorted(edges_us, days * DAY_US, side="right") - 1
    after = np.searchsorted(edges_us, days * DAY_US + DAY_US - 1, side="right") - 1
    if np.any(after - before > 1):
        raise ValueError("a period shorter than a day")
    cut = np.where(after > before, edges_us[np.clip(after, 0, len(edges_us) - 1)], days * DAY_US)
    return days.tolist(), before.tolist(), after.tolist(), cut.tolist()
