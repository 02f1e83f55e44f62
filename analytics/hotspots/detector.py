"""EmergingHotspots: this month's concentrations of reports, and which of them are new or growing.

One `fit` for one month:
1. Candidates (candidates.py): DBSCAN clusters in metres per category group and over all
   categories, this month and in each baseline month, linked into places; a footprint per place.
2. Tests (statistics.py), per candidate, on the reports of its categories within its footprint:
   the excess test of this month against the `baseline_months` before (the territory's seasonal
   profile of those categories, scaled by how seasonal this place itself has been, and widened for
   places whose counts vary more than Poisson), and a trend score test over its history.
   A footprint drawn around this month's reports (a place without earlier clusters) was chosen
   because this month is busy there: its past is taken from its surroundings when they were
   busier, and its p-value is multiplied by the number of footprint-sized places and searches
   (a Bonferroni scan correction); it gets no trend (its last month is high by choice).
   A place that was a concentration before is also tested on its recent months (this one and the
   `RECENT_MONTHS` - 1 before) against its own earlier level, and its excess p-value is the
   smaller of the two times two: a place that gets worse over a few months is *intensifying*,
   not *persistent*, even though the months of its rise are in its baseline.
3. Correction: Benjamini–Hochberg at false-discovery rate `alpha` over all candidates of the
   month, separately for the excess and the trend p-values.
4. Classes and the Dutch reason (classes.py).

Deterministic: the reports are sorted before clustering and no step draws random numbers.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from analytics.hotspots import footprints
from analytics.hotspots.candidates import (
    ALL,
    EXPLAINED_SHARE,
    RECENT_MONTHS,
    Candidate,
    find_candidates,
)
from analytics.hotspots.classes import EMERGING, Evidence, classify, reason
from analytics.hotspots.statistics import (
    dispersion,
    excess_test,
    expected_shape,
    recent_level_p,
    seasonal_strength,
    trend_p_values,
    trend_z,
)
from analytics.periods import LOCAL_TZ_NAME, Period
from analytics.significance import benjamini_hochberg
from civ.i18n import translate_or

MIN_TREND_MONTHS = 6  # a trend needs half a year of history
RESULT_COLUMNS = [
    "id",
    "month",
    "category_group",
    "lat",
    "lon",
    "radius_m",
    "geometry",
    "class",
    "emerging",
    "current",
    "expected",
    "p_value",
    "q_value",
    "trend_z",
    "trend_p",
    "hot_months",
    "categories",
    "history",
    "on_defined_hotspot",
    "reason",
    "reason_en",
    "source",
]


class EmergingHotspots(BaseEstimator):
    """Emerging hot spots of one month, from reports with a location.

    Parameters (defaults for a municipality of some 30.000 inhabitants and a few hundred reports
    a month)
    eps_m : float, 100
        DBSCAN neighbourhood in metres: a square, a street section, a bottle-bank site.
    min_samples : int, 4
        Reports (the report itself included) within `eps_m` that make a concentration; also the
        monthly count from which a footprint counts as a concentration in a month.
    buffer_m : float, 50
        How far the footprint reaches beyond the convex hull of its reports.
    baseline_months : int, 12
        Months before the current one that say what the footprint "had before".
    history_months : int, 24
        Months of history returned per hot spot and used by the trend test (current included).
    alpha : float, 0.05
        False-discovery rate of the Benjamini–Hochberg correction over the month's candidates.
    new_run_months : int, 2
        A run of concentration months this long before the current month still counts as new.
    persistent_share, historical_share : float, 0.75 and 0.5
        Share of the baseline months a footprint must have been a concentration in to be
        persistent, or historical / diminishing.
    by_group, all_categories : bool, True and True
        Search per category group, and over all categories together.

    Attributes after `fit`
    results_ : DataFrame, one row per hot spot (RESULT_COLUMNS), most significant first
    month_ : Period
    history_labels_ : list of 'YYYY-MM', the months of every `history`
    n_reports_ : int, located reports used (history window)
    n_candidates_ : int
    """

    def __init__(
        self,
        eps_m: float = 100.0,
        min_samples: int = 4,
        buffer_m: float = 50.0,
        baseline_months: int = 12,
        history_months: int = 24,
        alpha: float = 0.05,
        new_run_months: int = 2,
        persistent_share: float = 0.75,
        historical_share: float = 0.5,
        by_group: bool = True,
        all_categories: bool = True,
    ):
        self.eps_m = eps_m
        self.min_samples = min_samples
        self.buffer_m = buffer_m
        self.baseline_months = baseline_months
        self.history_months = history_months
        self.alpha = alpha
        self.new_run_months = new_run_months
        self.persistent_share = persistent_share
        self.historical_share = historical_share
        self.by_group = by_group
        self.all_categories = all_categories

    # ------------------------------------------------------------------------------------------
    def fit(
        self,
        X: pd.DataFrame,
        y=None,
        month: str | Period | None = None,
        defined_hotspots: pd.DataFrame | None = None,
        data_start: str | None = None,
    ) -> EmergingHotspots:
        """Detect the hot spots of `month` ('YYYY-MM'; default: the month of the last report).

        X: one row per report with `lat`, `lon` (WGS84; rows without are ignored), `reported_at`
        (timezone-aware, or naive UTC) and `category` (code); optional `category_group`,
        `category_label` (Dutch label, for the reasons) and `report_id` (for stable ids).
        defined_hotspots: rows with `name`, `geojson`, `center_lat`, `center_lon`, `radius_m`.
        data_start: 'YYYY-MM', the first month the data covers (a month without reports after it
        counts as zero, a month before it as unknown); default: the month of the first report in X.
        """
        self._check_params()
        frame, labels = self._prepare(X, month, data_start)
        self.month_ = self._month
        self.history_labels_ = labels
        self.n_reports_ = len(frame)
        candidates = self._candidates(frame)
        self.n_candidates_ = len(candidates)
        areas = footprints.defined_areas(defined_hotspots)
        self.results_ = self._evaluate(frame, candidates, areas)
        return self

    # ------------------------------------------------------------------------------------------
    def _check_params(self) -> None:
        if not self.eps_m > 0 or not self.buffer_m >= 0:
            raise ValueError("eps_m moet groter dan 0 zijn en buffer_m minstens 0")
        if int(self.min_samples) < 2:
            raise ValueError("min_samples moet minstens 2 zijn")
        if int(self.baseline_months) < 1 or int(self.history_months) <= int(self.baseline_months):
            raise ValueError("baseline_months moet minstens 1 zijn en history_months groter dan baseline_months")
        if not 0 < self.alpha < 1:
            raise ValueError("alpha moet tussen 0 en 1 liggen")

    def _prepare(self, X: pd.DataFrame, month, data_start) -> tuple[pd.DataFrame, list[str]]:
        missing = {"lat", "lon", "reported_at", "category"} - set(X.columns)
        if missing:
            raise ValueError(f"kolommen ontbreken: {', '.join(sorted(missing))}")
        frame = X[X["lat"].notna() & X["lon"].notna()].copy()
        stamps = pd.to_datetime(frame["reported_at"], utc=True)
        frame["reported_at"] = stamps
        if month is None:
            if frame.empty:
                raise ValueError("geen meldingen met een locatie")
            last = stamps.max().tz_convert(LOCAL_TZ_NAME)
            month = f"{last.year:04d}-{last.month:02d}"
        period = month if isinstance(month, Period) else Period.parse(month)
        if period.kind != "month":
            raise ValueError("hotspots werken per kalendermaand: gebruik JJJJ-MM")
        months = [period]
        for _ in range(int(self.history_months) - 1):
            months.insert(0, months[0].previous())
        self._month = period
        # month index of each report: where it falls between the months' UTC bounds (periods.py cuts)
        bounds = [m.utc_bounds()[0] for m in months] + [period.utc_bounds()[1]]
        edges = np.array([b.replace(tzinfo=None) for b in bounds], dtype="datetime64[ns]")
        instants = stamps.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
        index = np.searchsorted(edges, instants, side="right") - 1
        frame["t"] = index
        frame = frame[(index >= 0) & (index < len(months))]
        if "category_group" not in frame:
            frame["category_group"] = frame["category"]
        if "category_label" not in frame:
            frame["category_label"] = frame["category"].astype(str).str.replace("_", " ")
        if "category_label_en" not in frame:
            frame["category_label_en"] = frame["category_label"]
        if "report_id" not in frame:
            frame["report_id"] = (
                frame["reported_at"].astype("int64").astype(str)
                + ":"
                + frame["lat"].round(6).astype(str)
                + ":"
                + frame["lon"].round(6).astype(str)
                + ":"
                + frame["category"].astype(str)
            )
        frame["report_id"] = frame["report_id"].astype(str)
        frame = frame.sort_values(["t", "reported_at", "report_id"], kind="mergesort").reset_index(drop=True)
        frame["x"], frame["y"] = footprints.to_metres(frame["lat"].to_numpy(), frame["lon"].to_numpy())
        codes, categories = pd.factorize(frame["category"], sort=True)
        frame["c"] = codes
        self._categories = list(categories)
        first_rows = frame.drop_duplicates("c").set_index("c")
        self._labels = [str(first_rows.at[i, "category_label"]) for i in range(len(categories))]
        self._labels_en = [str(first_rows.at[i, "category_label_en"]) for i in range(len(categories))]
        self._category_groups = [str(first_rows.at[i, "category_group"]) for i in range(len(categories))]
        # months before the first report are unknown, not zero: the history starts with the data
        self._first_t = int(frame["t"].min()) if len(frame) else len(months) - 1
        if data_start is not None:
            codes = [m.code for m in months]
            start = Period.parse(str(data_start)).code
            self._first_t = 0 if start <= codes[0] else codes.index(start) if start in codes else len(months) - 1
        return frame, [m.code for m in months]

    def _candidates(self, frame: pd.DataFrame) -> list[Candidate]:
        now = len(self.history_labels_) - 1
        return find_candidates(
            frame,
            now=now,
            first_baseline=max(now - int(self.baseline_months), self._first_t),
            eps_m=float(self.eps_m),
            min_samples=int(self.min_samples),
            buffer_m=float(self.buffer_m),
            by_group=self.by_group,
            all_categories=self.all_categories,
        )

    # ------------------------------------------------------------------------------------------
    def _evaluate(self, frame: pd.DataFrame, candidates: list[Candidate], areas) -> pd.DataFrame:
        months = len(self.history_labels_)
        now = months - 1
        first = self._first_t
        n_cat = len(self._categories)
        baseline = slice(max(now - int(self.baseline_months), first), now)
        t, c = frame["t"].to_numpy(), frame["c"].to_numpy()
        x, y = frame["x"].to_numpy(), frame["y"].to_numpy()
        territory = np.zeros((n_cat, months), dtype=np.int64)
        np.add.at(territory, (c, t), 1)
        territory_m2 = footprints.footprint(x, y, self.buffer_m).area if len(frame) else 1.0
        searches = len({candidate.group for candidate in candidates})
        window = slice(first, months)
        group_of = frame["category_group"].to_numpy(dtype=object)
        indexes = {}
        for group in sorted({candidate.group for candidate in candidates}):
            rows = np.arange(len(frame)) if group == ALL else np.flatnonzero(group_of == group)
            indexes[group] = (footprints.PointIndex(x[rows], y[rows], rows), np.unique(c[rows]))
        for candidate in candidates:
            index, categories_in = indexes[candidate.group]
            inside = index.within(candidate.polygon)
            counts = np.zeros((n_cat, months), dtype=np.int64)
            np.add.at(counts, (c[inside], t[inside]), 1)
            own = counts[categories_in][:, window]
            shape = expected_shape(own, territory[categories_in][:, window] - own)
            history = counts.sum(axis=0)
            observed = history[window]
            lam = seasonal_strength(observed[:-1], shape[:-1])
            pi = shape**lam
            base = slice(baseline.start - first, baseline.stop - first)
            # how restless the place is, measured before the run of concentration months that leads up to
            # now: a rise in progress must not pass for noise and hide itself
            hot = observed[base] >= self.min_samples
            run = len(hot) - (np.flatnonzero(~hot)[-1] + 1) if (~hot).any() else len(hot)
            calm = slice(base.start, base.stop - run)
            phi = dispersion(observed[calm], pi[calm])
            before = float(observed[base].sum())
            places, exposure = 1.0, 1.0
            if candidate.source == "month":
                # A footprint drawn around this month's reports hugs them, and its own past is then
                # emptier than the street it lies in: take the past of its surroundings (one `eps_m`
                # wider, scaled to the footprint's area) when that is higher. And it is the busiest of
                # the many places and groups the search looked at: Bonferroni over the footprint-sized
                # places of the territory, times the searches (a scan correction).
                wide = candidate.polygon.buffer(float(self.eps_m), quad_segs=8)
                around = index.within(wide)
                in_base = (t[around] >= baseline.start) & (t[around] < baseline.stop)
                surroundings = float(in_base.sum())
                if surroundings * candidate.polygon.area / wide.area > before:
                    # tested against the surroundings' own count over their larger area (the exposure),
                    # not against that count shrunk to the footprint: the same expectation, and the
                    # test knows it rests on all the reports around it
                    before, exposure = surroundings, candidate.polygon.area / wide.area
                places = max(1.0, territory_m2 / candidate.polygon.area) * searches
            expected, p_raw = excess_test(
                int(observed[-1]), before, float(pi[-1]), float(pi[base].sum()) / exposure, phi
            )
            p_excess = min(1.0, p_raw * places)
            p_level = 1.0
            if candidate.source != "month":
                # A place that was already a concentration and gets worse over a few months: its last
                # months are in its baseline and lift the expectation the month is tested against.
                # So also the recent months (this one included) against the place's own earlier
                # level, when this month itself is above that level; the smaller of the two p-values
                # times two (Bonferroni over the two tests).
                p_level = recent_level_p(observed[base.start :], pi[base.start :], RECENT_MONTHS, phi)
                p_excess = min(1.0, 2.0 * min(p_excess, p_level))
            z = trend_z(observed, pi, phi) if len(observed) >= MIN_TREND_MONTHS else 0.0
            candidate.stats = {
                "counts": counts,
                "history": history,
                "expected": expected,
                "p_excess": p_excess,
                "p_raw": p_raw,
                "p_level": p_level,
                "places": places,
                "trend_z": z,
                "season": lam,
                "dispersion": phi,
            }
        if not candidates:
            return pd.DataFrame(columns=RESULT_COLUMNS)
        q_excess = benjamini_hochberg([k.stats["p_excess"] for k in candidates])
        up, down = trend_p_values([k.stats["trend_z"] for k in candidates])
        trend_p = np.minimum(1.0, 2 * np.minimum(up, down))
        q_trend = benjamini_hochberg(trend_p)
        rows = []
        ids = frame["report_id"].to_numpy(dtype=object)
        for k, candidate, qe, qt in zip(range(len(candidates)), candidates, q_excess, q_trend):
            rows.append(self._result(ids, candidate, qe, qt, trend_p[k], baseline, areas))
        results = pd.DataFrame(rows, columns=RESULT_COLUMNS)
        # no defined hot spot is None, not NaN (pandas would otherwise make a string column of it)
        results["on_defined_hotspot"] = pd.Series(
            [r[RESULT_COLUMNS.index("on_defined_hotspot")] for r in rows], dtype=object
        )
        results["_rank"] = ~results["emerging"]
        results = (
            results.sort_values(
                ["_rank", "p_value", "current", "id"], ascending=[True, True, False, True], kind="mergesort"
            )
            .drop(columns="_rank")
            .reset_index(drop=True)
        )
        return results

    def _result(self, ids: np.ndarray, candidate: Candidate, q_excess, q_trend, trend_p, baseline, areas) -> list:
        s = candidate.stats
        history = s["history"]
        now = len(history) - 1
        z = s["trend_z"]
        evidence = Evidence(
            current=int(history[now]),
            expected=float(s["expected"]),
            baseline_hot=tuple(bool(v >= self.min_samples) for v in history[baseline]),
            excess=bool(q_excess <= self.alpha),
            # a trend needs a footprint not drawn around this month's reports (those start high by choice)
            # and a trend alone is no rise: the recent months must also be above the place's earlier
            # level (a stable place's two years can look like a slow trend by chance)
            rising=bool(q_trend <= self.alpha and z > 0 and candidate.source != "month" and s["p_level"] <= self.alpha),
            falling=bool(q_trend <= self.alpha and z < 0),
            min_samples=int(self.min_samples),
            fresh=candidate.source == "month",
        )
        klass = classify(evidence, self.new_run_months, self.persistent_share, self.historical_share)
        cx, cy, radius = footprints.centre_and_radius(candidate.polygon)
        lat, lon = footprints.to_degrees([cx], [cy])
        mix = self._category_mix(s)
        key = "|".join([self.month_.code, candidate.group, candidate.source] + sorted(ids[candidate.members].tolist()))
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
        return [
            f"{self.month_.code}-{_slug(candidate.group)}-{digest}",
            self.month_.code,
            candidate.group,
            round(float(lat[0]), 6),
            round(float(lon[0]), 6),
            round(radius, 1),
            footprints.to_geojson(candidate.polygon),
            klass,
            klass in EMERGING,
            evidence.current,
            round(evidence.expected, 3),
            float(s["p_excess"]),
            float(q_excess),
            round(float(z), 3),
            float(trend_p),
            evidence.hot_months,
            mix,
            [
                {"month": label, "count": int(v)}
                for label, v in zip(self.history_labels_[self._first_t :], history[self._first_t :])
            ],
            footprints.on_defined(candidate.polygon, areas),
            reason(evidence, klass, _what(candidate.group, mix, "nl"), self.month_.label("nl"), radius),
            reason(evidence, klass, _what(candidate.group, mix, "en"), self.month_.label("en"), radius, "en"),
            candidate.source,
        ]

    def _category_mix(self, s: dict) -> list[dict]:
        """Categories of the footprint this month (or over its history when this month is empty)."""
        counts = s["counts"]
        column = counts[:, -1] if counts[:, -1].sum() else counts.sum(axis=1)
        order = sorted(np.flatnonzero(column), key=lambda i: (-column[i], self._categories[i]))
        return [
            {
                "category": self._categories[i],
                "label": self._labels[i],
                "label_en": self._labels_en[i],
                "group": self._category_groups[i],
                "count": int(column[i]),
            }
            for i in order
        ]


def _what(group: str, mix: list[dict], lang: str) -> str:
    """The categories in words: the main one when it has two thirds, else the group with its main ones."""
    if not mix:
        return group
    total = sum(m["count"] for m in mix)
    names = [_lower_first(m.get(f"label_{lang}") or m["label"]) for m in mix]  # 'label' is Dutch
    if mix[0]["count"] >= EXPLAINED_SHARE * total:
        return names[0]
    head = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
    if group == ALL:
        return f"({head})"
    return f"{translate_or(f'hotspots.reason.group.{group}', group, lang)} ({head})"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in str(text).lower()).strip("-") or "x"
