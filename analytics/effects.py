"""Did a project work? Its target before against during/after, against a comparison over the same
periods (difference-in-differences on counts), with a confidence interval; the words in analytics/verdicts.py.

The model (per month, or per ISO week for projects shorter than two months)
    target_t ~ Poisson(exp(α_target + γ_t + δ·during_t + δ'·after_t)),
    comparison_t ~ Poisson(exp(α_comparison + γ_t)).
    γ_t, one term per period, takes up everything target and comparison share: season, trend,
    holidays, a change in how reports are registered. Conditional on target_t + comparison_t this is
    exactly a logistic regression of the target's share (the period terms drop out), which is how it
    is fitted. With two years of data or more the share also gets a yearly harmonic, so a target
    whose season differs from the comparison's (summer categories against winter ones) is not
    mistaken for an effect.
    effect_pct = 100·(exp(δ) − 1): the change against what the comparison says the target would have
    had without the project. Interval: Wald on the quasi-binomial scale (dispersion phi >= 1, the
    counts' own overdispersion), Student t on the residual degrees of freedom.

The test
    H0: δ = 0 (the target moved like the comparison). A verdict of 'minder meldingen' or
    'meer meldingen' needs the interval to exclude 0; otherwise 'geen meetbaar effect', also when
    the target had fewer than `min_before` reports before the start, or when the reports counted
    plus those expected in the phase are fewer than `min_phase` (too few to tell anything from
    chance, and too few for a Wald interval to be trusted).

During and after
    A project with an end date is estimated with one δ for 'since the start' and, when the after
    phase has data, with separate δ's for during and after. When those differ (Wald test, level
    alpha) the headline is 'during' (a campaign whose effect stopped with it); otherwise the
    pooled 'since the start', which rests on more data.

What the design assumes (say it when presenting): without the project the target would have moved
like the comparison (parallel trends), and the project did not move the comparison (no spill-over).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.base import BaseEstimator

from analytics import projects as register
from analytics.glm import fit_glm
from analytics.periods import Period
from analytics.projects import Project
from analytics.trends import series_periods
from analytics.verdicts import EFFECT_TEXTS_NL, category_names, result_sentence

SHORT_PROJECT_DAYS = 61
MIN_BEFORE_REPORTS = 10
MIN_PHASE_REPORTS = 10.0  # counted + expected in the phase


class InterventionEffect(BaseEstimator):
    """Difference-in-differences estimate of a project's effect on counts.

    Parameters
    ----------
    level : confidence level of the intervals (0.95).
    alpha : level of the during-versus-after test (0.05).
    seasonal : 'auto' (a yearly harmonic on the share from 1,9 years of data), True or False.
    min_before, min_phase : below these the verdict is 'geen meetbaar effect' (too few).
    periods_per_year : 12 for months, 365.25/7 for weeks (only to judge the span for `seasonal`).

    `fit(X)` takes a DataFrame with `start`, `phase` ('before', 'during', 'after'), `target`,
    `comparison` (one row per period, in order). Learned: phases_ (one row per phase with counts,
    expected, effect_pct, lower, upper, p_value, verdict_code), headline_ (the row reported),
    differ_p_ (during vs after), dispersion_, harmonic_, expected_ (per period, without the project).
    """

    def __init__(
        self,
        level: float = 0.95,
        alpha: float = 0.05,
        seasonal="auto",
        min_before: int = MIN_BEFORE_REPORTS,
        min_phase: float = MIN_PHASE_REPORTS,
        periods_per_year: float = 12.0,
    ):
        self.level = level
        self.alpha = alpha
        self.seasonal = seasonal
        self.min_before = min_before
        self.min_phase = min_phase
        self.periods_per_year = periods_per_year

    # -------------------------------------------------------------------------------------------
    def _design(self, frame: pd.DataFrame, indicators: list[str]) -> np.ndarray:
        columns = [np.ones(len(frame))]
        if self.harmonic_:
            middle = pd.to_datetime(pd.Series(list(frame["start"]))) + pd.Timedelta(days=3)
            angle = 2 * np.pi * ((middle.dt.day_of_year - 1) / 365.25).to_numpy()
            columns += [np.sin(angle), np.cos(angle)]
        for name in indicators:
            columns.append(
                frame["phase"].isin(["during", "after"] if name == "since_start" else [name]).to_numpy(dtype=float)
            )
        return np.column_stack(columns)

    def _fit(self, frame: pd.DataFrame, indicators: list[str]):
        design = self._design(frame, indicators)
        target = frame["target"].to_numpy(dtype=float).copy()
        trials = target + frame["comparison"].to_numpy(dtype=float)
        # A phase without a single target report would send δ to −∞: add half a report to it
        # (Haldane's correction), which keeps the estimate finite and on the side of caution.
        for j in range(len(indicators)):
            column = design[:, -len(indicators) + j].astype(bool)
            if column.any() and target[column].sum() == 0:
                target[column] += 0.5 / column.sum()
                trials[column] += 0.5 / column.sum()
        used = trials > 0
        fit = fit_glm(design[used], target[used], family="binomial", trials=trials[used])
        return fit, design

    def fit(self, X: pd.DataFrame, y=None) -> InterventionEffect:
        frame = X.reset_index(drop=True)
        phases_present = [p for p in ("during", "after") if (frame["phase"] == p).any()]
        span_years = len(frame) / self.periods_per_year
        self.harmonic_ = bool(self.seasonal) if self.seasonal != "auto" else span_years >= 1.9
        rows = {"before": self._counts(frame, "before")}
        self.differ_p_ = None
        self.dispersion_ = None
        self.expected_ = np.full(len(frame), np.nan)
        before = rows["before"]
        if not phases_present or before["periods"] == 0 or frame["comparison"].sum() == 0:
            for phase in phases_present:
                rows[phase] = self._counts(frame, phase)
            self.phases_ = pd.DataFrame(list(rows.values()))
            self.headline_ = (rows.get("during") or rows["before"]) | {"verdict_code": "too_few"}
            return self
        # one δ since the start; and δ's for during and after apart when both have periods
        pooled_name = "since_start" if len(phases_present) == 2 else phases_present[0]
        pooled, design = self._fit(frame, [pooled_name])
        self.dispersion_ = pooled.phi
        column = design.shape[1] - 1
        odds_without = np.exp(design[:, :column] @ pooled.coef[:column])
        self.expected_ = frame["comparison"].to_numpy(dtype=float) * odds_without
        estimates = {pooled_name: self._estimate(pooled, column, frame, pooled_name)}
        if len(phases_present) == 2:
            apart, _ = self._fit(frame, ["during", "after"])
            first = apart.coef.shape[0] - 2
            estimates["during"] = self._estimate(apart, first, frame, "during")
            estimates["after"] = self._estimate(apart, first + 1, frame, "after")
            difference = apart.coef[first] - apart.coef[first + 1]
            variance = apart.phi * (
                apart.cov_unscaled[first, first]
                + apart.cov_unscaled[first + 1, first + 1]
                - 2 * apart.cov_unscaled[first, first + 1]
            )
            if variance > 0:
                self.differ_p_ = float(2 * stats.t.sf(abs(difference) / np.sqrt(variance), max(apart.df_resid, 1)))
        for name, estimate in estimates.items():
            counts = self._counts(frame, name)
            expected = self._expected_in(
                frame, name, estimates[name]["coef"], estimates[name]["fit"], estimates[name]["index"], design
            )
            rows[name] = (
                counts | {"expected": expected} | self._verdict(estimate, before["target"], counts["target"] + expected)
            )
        self.phases_ = pd.DataFrame([{k: v for k, v in row.items()} for row in rows.values()])
        if len(phases_present) == 2 and self.differ_p_ is not None and self.differ_p_ < self.alpha:
            self.headline_ = rows["during"]
        else:
            self.headline_ = rows[pooled_name]
        return self

    # -------------------------------------------------------------------------------------------
    def _counts(self, frame: pd.DataFrame, name: str) -> dict:
        mask = frame["phase"].isin(["during", "after"] if name == "since_start" else [name])
        part = frame[mask]
        return {
            "phase": name,
            "first": part["start"].min() if len(part) else None,
            "last_start": part["start"].max() if len(part) else None,
            "periods": int(mask.sum()),
            "target": int(part["target"].sum()),
            "comparison": int(part["comparison"].sum()),
            "expected": None,
            "effect_pct": None,
            "lower": None,
            "upper": None,
            "p_value": None,
            "verdict_code": None,
        }

    def _estimate(self, fit, index: int, frame, name) -> dict:
        return {
            "coef": float(fit.coef[index]),
            "se": fit.se(index),
            "t": fit.t_quantile(self.level),
            "p": fit.wald_p(index),
            "fit": fit,
            "index": index,
        }

    def _expected_in(self, frame, name, coef, fit, index, design) -> float:
        """What the target would have had in the phase without the project: comparison × the odds
        the model gives the target with the project's term left out."""
        mask = frame["phase"].isin(["during", "after"] if name == "since_start" else [name]).to_numpy()
        base = design[:, : 1 + 2 * self.harmonic_]
        odds = np.exp(base @ fit.coef[: base.shape[1]])
        return float((frame["comparison"].to_numpy(dtype=float) * odds)[mask].sum())

    def _verdict(self, estimate: dict, before_target: int, phase_reports: float) -> dict:
        half = estimate["t"] * estimate["se"]
        out = {
            "effect_pct": 100 * float(np.expm1(estimate["coef"])),
            "lower": 100 * float(np.expm1(estimate["coef"] - half)),
            "upper": 100 * float(np.expm1(estimate["coef"] + half)),
            "p_value": estimate["p"],
        }
        if before_target < self.min_before or phase_reports < self.min_phase:
            code = "too_few"
        elif out["upper"] < 0:
            code = "decrease"
        elif out["lower"] > 0:
            code = "increase"
        else:
            code = "none"
        return out | {"verdict_code": code}


# --- from the store -------------------------------------------------------------------------------
def project_kind(project: Project) -> str:
    """Months, or ISO weeks for a project shorter than two months (a month would blur it)."""
    if project.end is not None and (project.end - project.start).days + 1 < SHORT_PROJECT_DAYS:
        return "week"
    return "month"


def project_effect(con, name: str, kind: str = "auto", level: float = 0.95, years: float = 5) -> dict:
    """The effect of one project as a plain dict: the JSON contract of `python -m analytics effect`.

    Keys: project, type, start, end, categories, area, area_kind, area_name, design, comparison,
    kind, level, phase, effect_pct, lower, upper, p_value, verdict, verdict_code, sentence,
    differ_p, dispersion, notes, phases (list: phase, first, last, periods, target, comparison,
    expected, effect_pct, lower, upper, p_value, verdict_code), series (list: code, start, phase,
    target, comparison, expected).
    """
    project = register.find(con, name)
    kind = project_kind(project) if kind == "auto" else kind
    periods = series_periods(con, kind, years)
    frame = register.counts(con, project, periods, kind)
    model = InterventionEffect(level=level, periods_per_year=12.0 if kind == "month" else 365.25 / 7).fit(frame)
    headline = dict(model.headline_)
    before_target = int(model.phases_.loc[model.phases_["phase"] == "before", "target"].sum())
    notes = []
    if (
        kind == "week"
        and con.execute("SELECT count(*) FROM reports WHERE reported_precision = 'month'").fetchall()[0][0]
    ):
        notes.append("weekly_month_precision")
    if project.design == "none":
        notes.append("nothing_to_compare")
    if not periods or project.start > periods[-1].end:
        notes.append("not_started")
    if model.harmonic_:
        notes.append("seasonal")

    def clean(value, digits=1):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        if isinstance(value, (float, np.floating)):
            return round(float(value), digits)
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value

    phases = []
    for row in model.phases_.to_dict("records"):
        last = (
            None
            if row["last_start"] is None or pd.isna(row["last_start"])
            else Period.parse(frame.loc[frame["start"] == row["last_start"], "code"].iloc[0]).end - pd.Timedelta(days=1)
        )
        # Too few reports: no number, as the verdict says (a percentage on a handful is noise).
        told = clean(row["verdict_code"]) not in ("too_few", None)
        phases.append(
            {
                "phase": row["phase"],
                "first": clean(row["first"]),
                "last": clean(last),
                "periods": row["periods"],
                "target": row["target"],
                "comparison": row["comparison"],
                "expected": clean(row["expected"]),
                "effect_pct": clean(row["effect_pct"]) if told else None,
                "lower": clean(row["lower"]) if told else None,
                "upper": clean(row["upper"]) if told else None,
                "p_value": clean(row["p_value"], 4) if told else None,
                "verdict_code": clean(row["verdict_code"]),
            }
        )
    code = headline.get("verdict_code") or "too_few"
    numbers = code in ("decrease", "increase", "none")
    result = {
        "project": project.name,
        "type": project.type,
        "start": project.start.isoformat(),
        "end": None if project.end is None else project.end.isoformat(),
        "categories": list(project.categories),
        "area": project.area,
        "area_kind": project.area_kind,
        "area_name": project.area_name,
        "design": project.design,
        "comparison": EFFECT_TEXTS_NL[f"comparison.{project.design}"],
        "kind": kind,
        "level": level,
        "before_target": before_target,
        "phase": headline["phase"],
        "effect_pct": clean(headline.get("effect_pct")) if numbers else None,
        "lower": clean(headline.get("lower")) if numbers else None,
        "upper": clean(headline.get("upper")) if numbers else None,
        "p_value": clean(headline.get("p_value"), 4) if numbers else None,
        "verdict": EFFECT_TEXTS_NL[f"verdict.{code}"],
        "verdict_code": code,
        "sentence": None,
        "differ_p": clean(model.differ_p_, 4),
        "dispersion": clean(model.dispersion_, 3),
        "notes": [EFFECT_TEXTS_NL[f"note.{n}"] for n in notes],
        "note_codes": notes,
        "phases": phases,
        "series": [
            {
                "code": c,
                "start": s.isoformat(),
                "phase": p,
                "target": int(t),
                "comparison": int(k),
                "expected": clean(e, 2),
            }
            for c, s, p, t, k, e in zip(
                frame["code"], frame["start"], frame["phase"], frame["target"], frame["comparison"], model.expected_
            )
        ],
    }
    result["sentence"] = result_sentence(project, result, category_names(con, project))
    return result
