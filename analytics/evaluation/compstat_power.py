"""CompStat's flag by simulation: how often it fires under no change, and how often on a real change.

One simulated table: a row per category with base rates `BASES` (5 to 80 reports a month; the
first row about 30), each a series of 36 months of history and the month judged, Poisson counts
around a yearly season (±30 %) and a slow trend (+5 % a year); the month judged sits mid-season,
so its expectation is the row's base. The first row's month judged is multiplied by 1 + change.
Every row is flagged as compstat_table flags it (analytics.compstat_model.model_flags: seasonal
model of the 36 months before, exact predictive tail, Benjamini–Hochberg over the rows); beside it
the old flag (the same month last year, exact conditional binomial, Benjamini–Hochberg) and an
oracle that knows each row's true mean (exact Poisson tail, Benjamini–Hochberg): no test can do
much better than the oracle.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from scipy import stats

from analytics.compstat_model import model_flags
from analytics.periods import Period
from analytics.significance import benjamini_hochberg, change_flags

BASES = (30, 5, 8, 12, 15, 20, 25, 40, 50, 60, 80, 10, 18, 35, 45)
CHANGES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
MONTHS = 37


def starts(first: date = date(2023, 10, 1), count: int = MONTHS) -> list[date]:
    months = [Period.month(first.year, first.month)]
    for _ in range(count - 1):
        months.append(months[-1].next())
    return [m.start for m in months]


def series_mean(base: float, amplitude: float = 0.3, trend: float = 0.05) -> np.ndarray:
    t = np.arange(MONTHS)
    return base * (1 + amplitude * np.sin(2 * np.pi * t / 12)) * np.exp(trend * (t - MONTHS + 1) / 12)


def table(rng: np.random.Generator, change: float = 0.0, bases=BASES) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(histories rows × 36, counts of the month judged, true means of the month judged)."""
    means = np.array([series_mean(b) for b in bases])
    means[0, -1] *= 1 + change
    counts = rng.poisson(means)
    return counts[:, :-1], counts[:, -1], means[:, -1]


def simulate(runs: int, change: float, seed: int, bases=BASES) -> dict:
    """Shares over `runs` tables: rows flagged (any direction; under no change all are false) and the
    first row flagged up, for the model, last year's comparison and the oracle."""
    rng = np.random.default_rng(seed)
    first = starts()
    flagged = {"model": 0, "last_year": 0, "oracle": 0}
    first_up = dict.fromkeys(flagged, 0)
    for _ in range(runs):
        histories, current, truth = table(rng, change, bases)
        model = model_flags(current, histories, first[:-1], first[-1], "month")["model_flag"].to_numpy()
        last = change_flags(current, histories[:, -12])["flag"].to_numpy()
        base_means = np.array([series_mean(b)[-1] for b in bases])
        lower = stats.poisson.cdf(current, base_means)
        upper = stats.poisson.sf(current - 1, base_means)
        q = benjamini_hochberg(np.minimum(1.0, 2 * np.minimum(lower, upper)))
        oracle = np.where(q <= 0.05, np.where(current > base_means, "up", "down"), "none")
        for name, flags in (("model", model), ("last_year", last), ("oracle", oracle)):
            flagged[name] += int((flags != "none").sum())
            first_up[name] += int(flags[0] == "up")
    rows = runs * len(bases)
    return {
        "change": change,
        "runs": runs,
        "rows_flagged": {k: v / rows for k, v in flagged.items()},
        "first_row_up": {k: v / runs for k, v in first_up.items()},
    }


def power_curve(runs: int = 200, changes=CHANGES, seed: int = 22) -> list[dict]:
    return [simulate(runs, change, seed + k) for k, change in enumerate(changes)]


def format_curve(curve: list[dict]) -> list[str]:
    """A Markdown table: change, first row flagged up (model, last year, oracle), rows flagged."""
    lines = [
        "| verandering | model (nieuw) | vorig jaar (oud) | orakel | rijen gevlagd (model) |",
        "|---|---|---|---|---|",
    ]
    for point in curve:
        up, rows = point["first_row_up"], point["rows_flagged"]
        lines.append(
            f"| +{point['change'] * 100:.0f} % | {up['model']:.2f} | {up['last_year']:.2f} | "
            f"{up['oracle']:.2f} | {rows['model']:.3f} |"
        )
    return lines
