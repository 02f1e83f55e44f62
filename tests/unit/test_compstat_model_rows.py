"""The CompStat model flags all rows of a table at once (issue 19: one design and one predictive
distribution for every row instead of one per row); each row must keep exactly what it gets alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.compstat_model import model_flags, predict
from analytics.evaluation.compstat_power import starts
from analytics.significance import benjamini_hochberg


def test_every_row_of_a_table_gets_what_it_gets_on_its_own():
    rng = np.random.default_rng(19)
    first = starts()
    seasons = 1 + 0.4 * np.sin(2 * np.pi * np.arange(37) / 12)
    # rows of every kind: calm and restless (other phi), small and large, rising, all zero (no model)
    means = [3, 8, 30, 30, 80, 150, 0.4]
    histories = [rng.poisson(m * seasons[:-1]) for m in means]
    histories.append(rng.negative_binomial(2, 2 / (2 + 30 * seasons[:-1])))  # overdispersed
    histories.append(np.round(20 * np.exp(0.03 * np.arange(36))))  # a steady rise
    histories.append(np.zeros(36))
    histories = np.array(histories, dtype=float)
    current = np.array([5, 20, 31, 60, 70, 170, 0, 45, 70, 4], dtype=float)

    flags = model_flags(current, histories, first[:-1], first[-1], "month")

    alone = [predict(h, first[:-1], first[-1], "month") for h in histories]
    assert [a is None for a in alone] == [False] * 9 + [True]
    phis = {round(a["phi"], 6) for a in alone if a}
    assert len(phis) > 2  # the rows differ in dispersion, which the shared distribution must respect
    p_alone = np.array([a["p_of"](np.array([c]))[0] for a, c in zip(alone[:-1], current[:-1])])
    q_alone = benjamini_hochberg(p_alone)
    for i, a in enumerate(alone[:-1]):
        assert flags["model_expected"].iloc[i] == round(a["expected"], 1)
        assert (flags["model_low"].iloc[i], flags["model_high"].iloc[i]) == (a["low"], a["high"])
        assert flags["model_p"].iloc[i] == pytest.approx(p_alone[i], rel=1e-12, abs=1e-300)
        assert flags["model_q"].iloc[i] == pytest.approx(q_alone[i], rel=1e-12, abs=1e-300)
        expected_flag = "none" if q_alone[i] > 0.05 else ("up" if current[i] > a["expected"] else "down")
        assert flags["model_flag"].iloc[i] == expected_flag
    assert pd.isna(flags["model_flag"].iloc[-1]) and pd.isna(flags["model_p"].iloc[-1])
    assert set(flags["model_flag"].iloc[:-1]) >= {"up", "none"}


def test_a_table_with_no_rows_or_too_short_a_history_has_no_model():
    first = starts()
    assert model_flags([], np.zeros((0, 36)), first[:-1], first[-1], "month").empty
    short = model_flags([9, 40], np.full((2, 11), 10.0), first[:11], first[11], "month")
    assert short["model_flag"].isna().all()
