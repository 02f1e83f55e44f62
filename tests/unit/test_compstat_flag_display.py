"""What the CompStat page's flag tooltip and the meeting pack's 'expected' column show: the yardstick of
the test that set the flag. Where the seasonal model flags, that is the model's expectation, range and
p-value, with last year's count beside it; without a model (year to date), last year's test.

The store: one category with 30 reports in each of the 36 months before October 2026 except 12 in
October 2025, and 60 in October 2026. The model (fitted on the 36 months, with a yearly season) expects
between 20 and 30 (the low October pulls its October down a little); last year's comparison about 12.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from analytics.compstat import compstat_table
from analytics.periods import Period
from dashboards.components import compstat_grid
from dashboards.i18n import fmt_float, fmt_int, fmt_p
from dashboards.report.contents import _compstat_row
from dashboards.report.sections import expected_text
from etl.demo import ensure_demo_territory
from etl.reports import load_reports_file

HEADER = "id;datum;categorie;kanaal;lat;lon;status;afgesloten_op;gas"


def _month_starts(first: date, count: int) -> list[date]:
    return [date(first.year + (first.month - 1 + k) // 12, (first.month - 1 + k) % 12 + 1, 1) for k in range(count)]


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    rows = []
    for month in _month_starts(date(2023, 10, 1), 37):
        count = 60 if month == date(2026, 10, 1) else 12 if month == date(2025, 10, 1) else 30
        for k in range(count):
            day = 1 + k % 27  # days 1–27 at midday: far from any month edge
            rows.append(f"S{month:%Y%m}-{k};{day:02d}/{month:%m/%Y} 12:00;Sluikstort;post;50,91;4,19;open;;nee")
    folder = tmp_path_factory.mktemp("compstat-display")
    path = folder / "meldingen.csv"
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    db = folder / "civ.duckdb"
    ensure_demo_territory(db)  # the located rows lie in Asse
    assert load_reports_file(db, path).loaded == len(rows)
    with duckdb.connect(str(db), read_only=True) as con:
        month = compstat_table(con, Period.parse("2026-10"))
        year_to_date = compstat_table(con, Period.parse("ytd:2026-10"))
    return month.to_dict("records")[0], year_to_date.to_dict("records")[0]


def test_the_month_is_flagged_by_the_model_which_expects_between_twenty_and_thirty(table):
    record, _ = table
    assert (record["current"], record["last_year"]) == (60, 12)
    assert record["flag_test"] == "model" and record["flag"] == "up"
    assert 20 < record["model_expected"] < 30.5
    assert record["model_low"] < record["model_expected"] < record["model_high"] < 60
    # last year's test has a range of its own: the two yardsticks can be told apart
    assert (record["expected_low"], record["expected_high"]) != (record["model_low"], record["model_high"])


def test_the_flag_tooltip_shows_the_models_expectation_and_last_year_beside_it(table):
    record, _ = table
    tip = compstat_grid.row(record, "nl")["flag_tip"]
    assert tip == (
        f"Seizoensmodel: verwacht {fmt_float(record['model_expected'])} "
        f"(95 %: {fmt_int(record['model_low'])}–{fmt_int(record['model_high'])}); "
        f"p-waarde {fmt_p(record['model_p'])}; na correctie voor het aantal rijen {fmt_p(record['model_q'])}. "
        f"Vorig jaar 12 (p-waarde {fmt_p(record['p_value'])})"
    )
    assert "verwacht 12" not in tip and "verwacht 1," not in tip  # the model's expectation, not last year's
    english = compstat_grid.row(record, "en")["flag_tip"]
    assert english.startswith("Seasonal model: expected ") and "Last year 12" in english


def test_the_packs_expected_column_is_the_models_expectation_and_range(table):
    record, _ = table
    row = _compstat_row(record)
    assert (row.expected_low, row.expected_high) == (record["model_low"], record["model_high"])
    assert row.p_value == record["model_p"]
    assert row.last_year == 12
    assert expected_text(row) == f"{round(record['model_expected'])} ({record['model_low']}–{record['model_high']})"


def test_without_a_model_the_tooltip_and_the_pack_keep_last_years_test(table):
    _, record = table  # year to date: no model, last year's comparison sets the flag
    assert record["flag_test"] == "last_year"
    tip = compstat_grid.row(record, "nl")["flag_tip"]
    assert tip == f"p-waarde {fmt_p(record['p_value'])}; na correctie voor het aantal rijen {fmt_p(record['q_value'])}"
    row = _compstat_row(record)
    assert row.expected is None
    assert expected_text(row) == f"{record['expected_low']}–{record['expected_high']}"
