"""Where dates are cut: local months, ISO weeks across new year, year to date in leap years."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from analytics.periods import Period, month_bounds

UTC = timezone.utc


def test_a_report_at_0030_on_the_first_in_summer_belongs_to_that_month():
    start, end = Period.parse("2026-07").utc_bounds()
    report = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)  # 1 July 00:30 in Brussels (UTC+2)
    assert start <= report < end
    assert start == datetime(2026, 6, 30, 22, 0, tzinfo=UTC)


def test_month_boundaries_follow_the_clock_change():
    # October 2026: starts in summer time (UTC+2), ends in winter time (UTC+1)
    assert month_bounds(2026, 10) == (
        datetime(2026, 9, 30, 22, 0, tzinfo=UTC),
        datetime(2026, 10, 31, 23, 0, tzinfo=UTC),
    )
    assert Period.parse("2026-10").days == 31


def test_december_rolls_into_january():
    december = Period.parse("2026-12")
    assert (december.start, december.end) == (date(2026, 12, 1), date(2027, 1, 1))
    assert Period.parse("2027-01").previous() == december


@pytest.mark.parametrize(
    "code, monday, sunday",
    [
        ("2026-W01", date(2025, 12, 29), date(2026, 1, 4)),  # week 1 starts in the old year
        ("2026-W53", date(2026, 12, 28), date(2027, 1, 3)),  # 2026 has 53 ISO weeks
        ("2021-W01", date(2021, 1, 4), date(2021, 1, 10)),  # 1-3 Jan 2021 belong to 2020-W53
    ],
)
def test_iso_weeks_across_new_year(code, monday, sunday):
    week = Period.parse(code)
    assert (week.start, week.end, week.code) == (monday, sunday + timedelta(days=1), code)


def test_previous_week_of_week_one_is_the_last_week_of_the_year_before():
    assert Period.parse("2021-W01").previous().code == "2020-W53"


def test_week_53_compares_with_the_last_week_of_a_52_week_year():
    assert Period.parse("2026-W53").same_period_last_year().code == "2025-W52"


def test_year_to_date_in_a_leap_year_counts_29_february():
    ytd = Period.parse("ytd:2024-02")
    assert (ytd.start, ytd.end, ytd.days) == (date(2024, 1, 1), date(2024, 3, 1), 60)
    last_year = ytd.same_period_last_year()
    assert (last_year.start, last_year.end, last_year.days) == (date(2023, 1, 1), date(2023, 3, 1), 59)


def test_year_to_date_of_a_month_runs_from_first_january():
    assert Period.parse("2026-10").year_to_date_period() == Period("ytd", date(2026, 1, 1), date(2026, 11, 1))


def test_last_complete_month_on_the_26th_of_november_is_october():
    assert Period.last_complete_month(date(2026, 11, 26)).code == "2026-10"
    assert Period.last_complete_month(date(2027, 1, 1)).code == "2026-12"


@pytest.mark.parametrize("text", ["2026-13", "oktober", "2026-W54", "ytd:2026", ""])
def test_unknown_period_text_is_refused_with_the_expected_forms(text):
    with pytest.raises(ValueError, match="JJJJ-MM"):
        Period.parse(text)


def test_labels_are_dutch_first():
    assert Period.parse("2026-10").label() == "oktober 2026"
    assert Period.parse("2026-10").label("en") == "October 2026"
    assert Period.parse("ytd:2026-10").label() == "01/01/2026–31/10/2026"
