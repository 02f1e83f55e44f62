"""The CompStat model flags all rows of a table at once (issue 19: one design and one predictive
distribution for every row instead of one per row); each row must keep exactly what it gets alone."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pandas as pd
import pytest

from analytics.compstat_model import history_counts, model_flags, predict
from analytics.evaluation.compstat_power import starts
from analytics.periods import Period
from analytics.significance import benjamini_hochberg
from etl.demo import ensure_demo_territory
from etl.reports import load_reports_file

BRUSSELS = ZoneInfo("Europe/Brussels")


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


@pytest.fixture(scope="module")
def two_years(tmp_path_factory):
    """Reports from January 2025 to November 2026 (none in the future) in two categories, some without a place (no area), and some at the edges of
    Brussels months in winter and in summer time."""
    rng = np.random.default_rng(7)
    rows = []
    for i in range(700):
        stamp = datetime(2025, 1, 1, tzinfo=BRUSSELS) + timedelta(minutes=int(rng.integers(0, 698 * 24 * 60)))
        rows.append((stamp, "Sluikstort" if i % 3 else "Geluidshinder", i % 5 != 0))
    edges = ["31/03/2026 23:30", "01/04/2026 00:30", "31/10/2026 23:59", "01/11/2026 00:01", "31/12/2025 23:45"]
    # the Sundays the clocks change and the Mondays after them (ISO weeks)
    edges += ["29/03/2026 23:30", "30/03/2026 00:15", "25/10/2026 23:59", "26/10/2026 00:01", "25/10/2026 02:30"]
    for day in edges:
        rows.append((datetime.strptime(day, "%d/%m/%Y %H:%M").replace(tzinfo=BRUSSELS), "Sluikstort", True))
    lines = [
        f"R{i};{stamp:%d/%m/%Y %H:%M};{category};post;{'50,91' if placed else ''};{'4,19' if placed else ''};open;;nee"
        for i, (stamp, category, placed) in enumerate(rows)
    ]
    folder = tmp_path_factory.mktemp("history")
    path = folder / "meldingen.csv"
    path.write_text("id;datum;categorie;kanaal;lat;lon;status;afgesloten_op;gas\n" + "\n".join(lines) + "\n")
    db = folder / "civ.duckdb"
    ensure_demo_territory(db)  # the located rows lie in Asse
    assert load_reports_file(db, path).loaded == len(rows)
    return db


@pytest.mark.parametrize(
    "keys, period",
    [
        (["category_code"], "2027-01"),
        (["area_code"], "2027-01"),
        (["category_code", "area_code"], "2027-01"),
        (["category_code"], "2026-W49"),
    ],
)
def test_the_history_counts_each_brussels_period_of_each_row(two_years, keys, period):
    judged = Period.parse(period)
    with duckdb.connect(str(two_years), read_only=True) as con:
        history, starts = history_counts(con, judged, keys, "true", [], "true")
        stored = con.execute("SELECT reported_at, category_code, area_code FROM reports").fetchall()
    # independent: each report's month or ISO week in Brussels by zoneinfo, counted per key; no key, no
    # history; only the periods before the one judged
    expected = Counter()
    for reported_at, category, area in stored:
        key = tuple({"category_code": category, "area_code": area}[k] for k in keys)
        local = reported_at.astimezone(BRUSSELS).date()
        first_day = date(local.year, local.month, 1) if judged.kind == "month" else local - timedelta(local.weekday())
        if None not in key and first_day < judged.start:
            expected[key + (first_day,)] += 1
    if judged.kind == "month":
        assert starts[0] == date(2025, 1, 1) and starts[-1] == date(2026, 12, 1) and len(starts) == 24
    else:
        assert starts[0] == date(2024, 12, 30) and starts[-1] == date(2026, 11, 23) and len(starts) == 100
    found = Counter()
    for record in history.to_dict("records"):
        key = tuple(record[k] for k in keys)
        for i, start in enumerate(starts):
            if record[f"h{i}"]:
                found[key + (start,)] = record[f"h{i}"]
    assert found == expected
    assert sum(expected.values()) > 500
