"""The estimators outside the hot-spot package follow scikit-learn's contract: parameters from the
constructor (get_params/set_params/clone work), fit returns self, learned attributes end in `_` and
only exist after fit."""

from __future__ import annotations

import inspect
from datetime import date

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, clone

from analytics.coverage.dosage import StaffingEstimate
from analytics.effects import InterventionEffect
from analytics.seasonal import SeasonalModel

ESTIMATORS = [
    SeasonalModel(kind="week", harmonics=1, level=0.9),
    InterventionEffect(level=0.9, seasonal=False, min_before=5),
    StaffingEstimate(target_visits_per_week=3, minutes_per_visit=20),
]


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_parameters_come_from_the_constructor(estimator):
    assert isinstance(estimator, BaseEstimator)
    names = [n for n in inspect.signature(type(estimator).__init__).parameters if n != "self"]
    assert sorted(estimator.get_params()) == sorted(names)
    copy = clone(estimator)
    assert copy is not estimator and copy.get_params() == estimator.get_params()
    first = names[0]
    copy.set_params(**{first: estimator.get_params()[first]})
    assert not [a for a in vars(estimator) if a.endswith("_") and not a.startswith("_")]


def _months(n: int) -> list[date]:
    return [date(2024 + (m // 12), m % 12 + 1, 1) for m in range(n)]


def test_seasonal_fit_returns_self_with_learned_attributes():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"start": _months(30), "count": rng.poisson(20, 30)})
    model = SeasonalModel()
    assert model.fit(frame) is model
    assert len(model.expected_) == 30 and model.fitted_


def test_intervention_fit_returns_self_with_learned_attributes():
    rng = np.random.default_rng(4)
    phase = ["before"] * 12 + ["during"] * 6
    frame = pd.DataFrame(
        {"start": _months(18), "phase": phase, "target": rng.poisson(30, 18), "comparison": rng.poisson(60, 18)}
    )
    effect = InterventionEffect(seasonal=False)
    assert effect.fit(frame) is effect
    assert effect.phases_["phase"].tolist() == ["before", "during"]
    assert effect.phases_["target"].tolist() == [frame["target"][:12].sum(), frame["target"][12:].sum()]
    assert effect.headline_["phase"] == "during"
