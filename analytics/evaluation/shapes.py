"""A second pattern generator, not the demo's: other places, sizes, growth curves and backgrounds.

The detector's defaults were chosen while looking at the demo (etl/demo). To see whether it works on
patterns it was not tuned on, this generator draws for every seed a different territory and
different patterns, directly as a report frame (no files, no store: quick):

background     a square territory of 4–8 km, 120–500 reports a month over four categories in two
               groups, a yearly season of random strength (0–45 %) and phase, uniform positions;
stable places  2–4 concentrations (3–12 reports a month, 50–150 m across) with the background's
               season and no change: never to be called new or intensifying;
new            nothing until a random month in the evaluated year, then a step, a ramp or an
               exponential rise to 8–16 reports a month, 40–150 m across;
intensifying   a place with 2–5 reports a month from the start, rising from a random month by a
               factor 3–5 along a step, a ramp or an exponential curve;
worsening      a persistent place (3–6 reports a month for a year and a half or more) that rises
               to 2,5–3,5 times its level over the last months of the data and spreads a little:
               the police chief's *toenemend*, not *blijvend*.

The month a planted pattern *should* be flagged (`emerges_month`) is not picked by hand: it is the
first month in which an oracle that knows the place and its earlier level exactly would see the
month's expected count, or the sum of the months since the rise began (at most three), as
significant (one-sided Poisson test at 0,1 %) 9 times out of 10. For a new place, whose position
nobody knows beforehand, the earlier level is the background's in its area (its radius + 50 m)
and the test's 5 % is shared over all such areas of the territory (Bonferroni): no method that
has to find the place can do better than that oracle by much. A flag
there earlier (from the first month the rate rose above its earlier level, `rises_from`) is right
too. The ground truth has the shape of the demo's ground_truth.json, so one scorer serves both.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from analytics.periods import Period

CATEGORIES = (
    ("sluikstort", "afval"),
    ("zwerfvuil", "afval"),
    ("geluidshinder", "overlast"),
    ("hangjongeren", "overlast"),
)
MONTHS = 24
ORACLE_ALPHA = 0.001
ORACLE_POWER = 0.9
ORACLE_WINDOW = 3
SCAN_ALPHA = 0.05  # a new place: 5 % over all places of its size in the territory
METRES_PER_DEGREE_LAT = 111_320.0


def _months(end_month: str) -> list[Period]:
    months = [Period.parse(end_month)]
    for _ in range(MONTHS - 1):
        months.insert(0, months[0].previous())
    return months


def _curve(rng: np.random.Generator, start: int, base: float, top: float) -> np.ndarray:
    """Monthly rates: `base` until `start`, then up to `top` along a random step, ramp or exponential."""
    rate = np.full(MONTHS, float(base))
    kind = rng.choice(["step", "ramp", "exponential"])
    length = int(rng.integers(2, 5))
    for m in range(start, MONTHS):
        done = min(1.0, (m - start + 1) / length)
        if kind == "step":
            rate[m] = top
        elif kind == "ramp":
            rate[m] = base + (top - base) * done
        else:
            rate[m] = base * (top / base) ** done if base > 0 else top * done**2
    return rate


def emerges(rate: np.ndarray, earlier: float, start: int, alpha: float = ORACLE_ALPHA) -> int | None:
    """The first month where an oracle test against `earlier` has 90 % power (see the docstring).

    The oracle knows the rise began in month `start` and tests this month alone and the months
    since `start` (at most `ORACLE_WINDOW`, this one included) summed, each against `earlier` a month.
    """
    for m in range(start, len(rate)):
        if rate[m] <= earlier:
            continue
        for window in range(1, min(ORACLE_WINDOW, m - start + 1) + 1):
            null = max(earlier, 0.5 / window) * window
            critical = stats.poisson.isf(alpha, null) + 1  # smallest sum with p <= alpha
            if stats.poisson.sf(critical - 1, rate[m - window + 1 : m + 1].sum()) >= ORACLE_POWER:
                return m
    return None


def generate(seed: int, end_month: str = "2026-10", planted: bool = True) -> tuple[pd.DataFrame, dict]:
    """(reports frame for EmergingHotspots.fit, ground truth like the demo's ground_truth.json)."""
    rng = np.random.default_rng([seed, 22])
    months = _months(end_month)
    centre_lat, centre_lon = 50.80 + rng.uniform(0, 0.2), 3.5 + rng.uniform(0, 1.5)
    side_m = rng.uniform(4000, 8000)
    season = 1 + rng.uniform(0, 0.45) * np.sin(2 * np.pi * (np.arange(MONTHS) - rng.uniform(0, 12)) / 12)
    per_month = rng.uniform(120, 500)
    weights = rng.dirichlet(np.full(len(CATEGORIES), 4.0))
    parts = []

    def at(m: int, count: int, lat: float, lon: float, radius_m: float, category: int) -> None:
        if count <= 0:
            return
        r = radius_m * np.sqrt(rng.random(count))
        angle = rng.uniform(0, 2 * np.pi, count)
        parts.append(
            _reports(
                rng,
                months[m],
                lat + r * np.sin(angle) / METRES_PER_DEGREE_LAT,
                lon + r * np.cos(angle) / (METRES_PER_DEGREE_LAT * math.cos(math.radians(lat))),
                np.full(count, category),
            )
        )

    for m in range(MONTHS):
        count = rng.poisson(per_month * season[m])
        north = rng.uniform(-side_m / 2, side_m / 2, count)
        east = rng.uniform(-side_m / 2, side_m / 2, count)
        parts.append(
            _reports(
                rng,
                months[m],
                centre_lat + north / METRES_PER_DEGREE_LAT,
                centre_lon + east / (METRES_PER_DEGREE_LAT * math.cos(math.radians(centre_lat))),
                rng.choice(len(CATEGORIES), size=count, p=weights),
            )
        )

    taken: list[tuple[float, float]] = []

    def place() -> tuple[float, float]:
        """A position inside the territory at least 700 m from every other planted place."""
        while True:
            north, east = rng.uniform(-0.4, 0.4, 2) * side_m
            if all(math.hypot(north - a, east - b) >= 700 for a, b in taken):
                taken.append((north, east))
                return (
                    centre_lat + north / METRES_PER_DEGREE_LAT,
                    centre_lon + east / (METRES_PER_DEGREE_LAT * math.cos(math.radians(centre_lat))),
                )

    stable = []
    for k in range(int(rng.integers(2, 5))):
        lat, lon = place()
        rate, radius, category = rng.uniform(3, 12), rng.uniform(25, 75), int(rng.integers(len(CATEGORIES)))
        for m in range(MONTHS):
            at(m, rng.poisson(rate * season[m]), lat, lon, radius, category)
        stable.append({"name": f"stabiel {k + 1}", "centre": {"lat": lat, "lon": lon}})

    spots = []
    if planted:
        evaluated = range(MONTHS - 12, MONTHS)
        for kind in ("new", "intensifying", "worsening"):
            lat, lon = place()
            category = int(rng.integers(len(CATEGORIES)))
            radius = rng.uniform(20, 75)
            if kind == "new":
                start = int(rng.integers(evaluated.start + 1, MONTHS - 1))
                rate = _curve(rng, start, 0.0, rng.uniform(8, 16))
                earlier = 0.0
            elif kind == "intensifying":
                base = rng.uniform(2, 5)
                start = int(rng.integers(evaluated.start, MONTHS - 3))
                rate = _curve(rng, start, base, base * rng.uniform(3, 5))
                earlier = base
            else:
                base = rng.uniform(3, 6)
                start = MONTHS - 3
                rate = _curve(rng, start, base, base * rng.uniform(2.5, 3.5))
                earlier = base
            counts = []
            for m in range(MONTHS):
                spread = 1.3 if kind == "worsening" and m >= start else 1.0
                count = int(rng.poisson(rate[m]))
                at(m, count, lat, lon, radius * spread, category)
                counts.append(count)
            if kind == "new":
                # where a new place will appear is not known beforehand: its earlier level is the
                # background's in its area, and the oracle pays for looking at every such area
                area = math.pi * (radius + 50) ** 2
                background = per_month * weights[category] * area / side_m**2
                emerge = emerges(rate, background, start, SCAN_ALPHA * area / side_m**2)
            else:
                emerge = emerges(rate, earlier, start)
            spots.append(
                {
                    "key": f"{kind}_{seed}",
                    "name": f"{kind} ({CATEGORIES[category][0]})",
                    "category": CATEGORIES[category][0],
                    "class": "new" if kind == "new" else "intensifying",
                    "emerging": True,
                    "emerges_month": months[emerge].code if emerge is not None else None,
                    "rises_from": months[start].code,
                    "centre": {"lat": lat, "lon": lon},
                    "planted_monthly": {p.code: c for p, c in zip(months, counts)},
                    "shape": kind,
                }
            )
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    frame["category_group"] = frame["category"].map(dict(CATEGORIES))
    frame["report_id"] = [f"s{seed}-{i}" for i in range(len(frame))]
    truth = {
        "emerging_hotspots": spots,
        "stable_concentrations": stable,
        "data_start": months[0].code,
        "months": [p.code for p in months],
    }
    return frame, truth


def _reports(rng: np.random.Generator, month: Period, lat, lon, categories) -> pd.DataFrame:
    """Reports at these positions on random days and daytime hours of the month (UTC)."""
    start, end = month.utc_bounds()
    count = len(lat)
    # a margin of a day at both ends: a report is never near a month edge in any time zone
    span = (end - start).total_seconds() - 2 * 86400
    offsets = pd.to_timedelta(86400 + rng.uniform(0, span, count), unit="s")
    return pd.DataFrame(
        {
            "lat": np.asarray(lat, dtype=float),
            "lon": np.asarray(lon, dtype=float),
            "reported_at": pd.Timestamp(start) + offsets,
            "category": [CATEGORIES[int(c)][0] for c in categories],
        }
    )
