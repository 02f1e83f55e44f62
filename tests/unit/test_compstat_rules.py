"""Each documented counting and testing rule of CompStat, on a case where the rule decides.

Every test fails when its rule is taken out (checked by hand; listed in benchmarks/results.md):
the exposure (period length) in the conditional binomial test, the cut at Brussels' midnight, the
month-precision reports left out of weeks, and the seasonal model's flag with its calibration
(the full power curve: analytics/evaluation/compstat_power.py, in benchmarks/results.md).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pytest
from scipy import stats

from analytics.compstat import compstat_table
from analytics.compstat_model import model_flags, predict
from analytics.evaluation.compstat_power import simulate, starts
from analytics.periods import Period
from analytics.significance import change_flags, conditional_binomial_p
from etl.demo import ensure_demo_territory
from etl.reports import load_reports_file

# --- exposure: the period lengths are part of the null -------------------------------------------


def test_twice_the_days_and_twice_the_reports_is_no_change():
    # 20 reports in 20 days against 10 in 10: the same daily rate. Independent: the two-sided
    # binomial tail of 20 of 30 at p = 20/30, doubled smaller tail
    share = 20 / 30
    expected = min(1.0, 2 * min(stats.binom.cdf(20, 30, share), stats.binom.sf(19, 30, share)))
    assert conditional_binomial_p(20, 10, 20, 10) == pytest.approx(expected)
    assert expected == pytest.approx(1.0)
    # ignoring the days would call 20 against 10 a doubling (p about 0,1)
    assert conditional_binomial_p(20, 10) < 0.1
    flags = change_flags([20, 60], [10, 30], current_days=[20, 20], reference_days=[10, 10])
    assert list(flags["flag"]) == ["none", "none"]
    assert list(flags["pct_change"]) == [0.0, 0.0]


# --- the store: Brussels' midnight and month precision ------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    rows = [
        # 1 October 2026 00:30 in Brussels is 30 September 22:30 UTC: an October report
        "A1;01/10/2026 00:30;Sluikstort;post;50,91;4,19;open;;nee",
        # 30 September 23:30 in Brussels (21:30 UTC): September
        "A2;30/09/2026 23:30;Sluikstort;post;50,91;4,19;open;;nee",
        # three reports in ISO week 2026-W42 (12–18 October); one of them will be known by month only
        "B1;14/10/2026 10:00;Geluidshinder;post;50,91;4,19;open;;nee",
        "B2;15/10/2026 10:00;Geluidshinder;post;50,91;4,19;open;;nee",
        "B3;16/10/2026 10:00;Geluidshinder;post;50,91;4,19;open;;nee",
    ]
    folder = tmp_path_factory.mktemp("compstat-rules")
    path = folder / "meldingen.csv"
    path.write_text("id;datum;categorie;kanaal;lat;lon;status;afgesloten_op;gas\n" + "\n".join(rows) + "\n")
    db = folder / "civ.duckdb"
    ensure_demo_territory(db)  # the planted reports lie in Asse
    assert load_reports_file(db, path).loaded == len(rows)
    with duckdb.connect(str(db)) as con:
        # what a police-uk row looks like in the store: its month only (stored on the month's first day)
        con.execute("UPDATE reports SET reported_precision = 'month' WHERE source_id = 'B3'")
        assert con.execute("SELECT count(*) FROM reports WHERE reported_precision = 'month'").fetchone()[0] == 1
    return db


def _current(db, code: str, category: str) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        table = compstat_table(con, Period.parse(code))
    row = table[table["category"] == category]
    return int(row["current"].iloc[0]) if len(row) else 0


def test_months_are_cut_at_midnight_in_brussels(store):
    assert _current(store, "2026-10", "sluikstort") == 1
    assert _current(store, "2026-09", "sluikstort") == 1


def test_reports_known_by_month_only_count_in_the_month_not_in_its_weeks(store):
    assert _current(store, "2026-10", "geluidshinder") == 3
    assert _current(store, "2026-W42", "geluidshinder") == 2


# --- the seasonal model -------------------------------------------------------------------------------


def test_the_model_expects_what_a_smooth_series_predicts():
    # 36 months that follow exp(a + b·years) exactly (no season, no noise): the model's expectation for
    # month 37 is that curve, computed here from the months' middles in years
    first = starts()
    middles = np.array([(s.toordinal() + 15) for s in first], dtype=float)
    years = (middles - middles[0]) / 365.25
    counts = 30.0 * np.exp(0.2 * years)
    model = predict(counts[:-1], first[:-1], first[-1], "month")
    assert model["expected"] == pytest.approx(counts[-1], rel=1e-3)
    assert model["low"] < counts[-1] < model["high"]


def test_the_flag_is_the_models_and_last_years_stays_beside_it():
    first = starts()
    histories = np.array([np.full(36, 30), np.full(36, 30)])
    # a month 31 days long like the others: 60 is far above 30 a month, 31 is not
    flags = model_flags([60, 31], histories, first[:-1], first[-1], "month")
    assert list(flags["model_flag"]) == ["up", "none"]
    assert flags["model_expected"].iloc[0] == pytest.approx(30.0, rel=1e-6)
    # too short a history: no model, no flag of its own
    short = model_flags([60], np.full((1, 11), 30), first[:11], first[11], "month")
    assert short["model_flag"].iloc[0] is None


def test_under_no_change_at_most_five_percent_of_rows_are_flagged():
    result = simulate(runs=30, change=0.0, seed=1)
    assert result["rows_flagged"]["model"] <= 0.05


def test_a_real_change_is_flagged_more_often_than_by_last_years_comparison():
    result = simulate(runs=30, change=1.0, seed=2)
    # a doubling of about 30 a month among 15 rows: the model flags it in about three runs of four
    # (the full curve and an oracle's in benchmarks/results.md), last year's comparison in about half
    assert result["first_row_up"]["model"] >= 0.7
    assert result["first_row_up"]["model"] > result["first_row_up"]["last_year"] + 0.1
