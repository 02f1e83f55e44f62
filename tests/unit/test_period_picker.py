"""Which periods the CompStat picker offers, and how a period is seen as another kind."""

from __future__ import annotations

from datetime import date

from analytics.periods import Period
from dashboards.components import period_picker

ON = date(2026, 11, 26)  # a Thursday in November 2026


def test_latest_is_the_last_complete_period_of_each_kind():
    assert period_picker.latest("month", ON).code == "2026-10"
    assert period_picker.latest("week", ON).code == "2026-W47"  # 16–22 November
    assert period_picker.latest("ytd", ON).code == "ytd:2026-10"
    assert period_picker.latest("week", date(2026, 11, 23)).code == "2026-W47"  # on Monday: last week is complete


def test_a_month_seen_as_a_week_is_its_last_full_week():
    october = Period.parse("2026-10")  # 31 October 2026 is a Saturday
    assert period_picker.as_kind(october, "week", ON).code == "2026-W43"  # 19–25 October
    assert period_picker.as_kind(Period.parse("2026-05"), "week", ON).code == "2026-W22"  # 31 May is a Sunday
    assert period_picker.as_kind(october, "ytd", ON).code == "ytd:2026-10"


def test_a_week_seen_as_a_month_is_the_month_of_its_thursday():
    assert period_picker.as_kind(Period.parse("2026-W01"), "month", ON).code == "2026-01"  # Mon 29 Dec 2025
    assert period_picker.as_kind(Period.parse("2025-W01"), "month", ON).code == "2025-01"  # Mon 30 Dec 2024
    assert period_picker.as_kind(Period.parse("ytd:2026-03"), "month", ON).code == "2026-03"


def test_never_later_than_the_last_complete_period():
    running = Period.parse("2026-11")
    assert period_picker.as_kind(running, "ytd", ON).code == "ytd:2026-10"
    assert period_picker.as_kind(Period.parse("2026-W48"), "month", ON).code == "2026-10"


def test_choices_run_from_the_newest_back_to_the_first_report():
    months = period_picker.choices("month", "2025-03-14", Period.parse("2026-10"), "nl", ON)
    assert months[0] == {"label": "oktober 2026", "value": "2026-10"}
    assert months[-1]["value"] == "2025-03" and len(months) == 20
    ytd = [o["value"] for o in period_picker.choices("ytd", "2025-11-02", Period.parse("ytd:2026-10"), "nl", ON)]
    assert ytd[:2] == ["ytd:2026-10", "ytd:2026-09"] and ytd[-1] == "ytd:2025-11"
    weeks = period_picker.choices("week", "2026-10-01", Period.parse("2026-W47"), "en", ON)
    assert weeks[0]["value"] == "2026-W47" and weeks[-1]["value"] == "2026-W40"


def test_a_period_from_a_link_outside_the_data_is_still_offered():
    old = Period.parse("2019-06")
    months = period_picker.choices("month", "2025-03-14", old, "nl", ON)
    assert months[0]["value"] == "2019-06"


def test_a_link_with_an_unreadable_period_falls_back_and_says_so():
    assert period_picker.parse("2026-W43") == (Period.parse("2026-W43"), True)
    fallback, understood = period_picker.parse("oktober")
    assert fallback.kind == "month" and not understood
    assert period_picker.parse(None)[1] is True
