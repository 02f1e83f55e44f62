"""The period filter of a page: kind (month, ISO week, year to date) and which one, newest first.

Which periods exist and where they start and end is analytics.periods' business; this module only
chooses which of them a picker offers: from the last *complete* one back to the first report, since
a month still running would be compared, half empty, with a full month last year.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from dash import dcc

from analytics.periods import LOCAL_TZ, Period
from dashboards.i18n import t

KINDS = ("month", "week", "ytd")
MOST_CHOICES = 260          # five years of weeks; months and YTD are fewer


def today() -> date:
    return datetime.now(LOCAL_TZ).date()


def latest(kind: str, on: date | None = None) -> Period:
    """The last complete period of a kind: last month, last ISO week, year to the end of last month."""
    on = on or today()
    month = Period.last_complete_month(on)
    if kind == "week":
        return Period.iso_week(*(on - timedelta(days=7)).isocalendar()[:2])
    if kind == "ytd":
        return Period.year_to_date(month.start.year, month.start.month)
    return month


def as_kind(period: Period, kind: str, on: date | None = None) -> Period:
    """The same moment seen as another kind — October as its last full week, or as YTD to October —
    never later than the last complete period of that kind."""
    if kind != period.kind:
        last_day = period.end - timedelta(days=1)
        if kind == "week":
            sunday = last_day - timedelta(days=(last_day.weekday() + 1) % 7)
            period = Period.iso_week(*sunday.isocalendar()[:2])
        else:
            anchor = period.start + timedelta(days=3) if period.kind == "week" else last_day   # a week's Thursday
            period = (Period.month(anchor.year, anchor.month) if kind == "month"
                      else Period.year_to_date(anchor.year, anchor.month))
    newest = latest(kind, on)
    return newest if period.end > newest.end else period


def choices(kind: str, first: str | None, selected: Period, lang: str, on: date | None = None) -> list[dict]:
    """Dropdown options for a kind, newest first, back to the first report (ISO date `first`).

    The selected period is always among them, even when a link asks for one outside the data.
    """
    first_day = date.fromisoformat(first) if first else None
    current = latest(kind, on)
    options = []
    while len(options) < MOST_CHOICES and (first_day is None or current.end > first_day):
        options.append({"label": current.label(lang), "value": current.code})
        if kind == "ytd":
            month = Period.month(current.end.year, current.end.month).previous().previous()
            current = Period.year_to_date(month.start.year, month.start.month)
        else:
            current = current.previous()
        if first_day is None and len(options) >= 24:
            break
    if selected.kind == kind and selected.code not in {o["value"] for o in options}:
        options.insert(0, {"label": selected.label(lang), "value": selected.code})
    return options


def parse(value: str | None) -> tuple[Period, bool]:
    """(period, understood) of a URL's `period`: absent or unreadable means the last complete month."""
    if value:
        try:
            return Period.parse(value), True
        except ValueError:
            pass
    return latest("month"), value is None


def kind_switch(switch_id: str, chosen: Period, lang: str) -> dcc.RadioItems:
    return dcc.RadioItems(id=switch_id, value=chosen.kind, inline=True, className="segmented",
                          options=[{"label": t(f"period.{k}", lang), "value": k} for k in KINDS])


def dropdown(dropdown_id: str, chosen: Period, first: str | None, lang: str) -> dcc.Dropdown:
    return dcc.Dropdown(id=dropdown_id, value=chosen.code, clearable=False, className="period-dropdown",
                        options=choices(chosen.kind, first, chosen, lang))
