"""The period filter of a page: kind (month, ISO week, year to date) and which one, newest first.

Which periods exist and where they start and end is analytics.periods' business; this module only
chooses which of them a picker offers: from the last *complete* one back to the first report, since
a month still running would be compared, half empty, with a full month last year.
"""

from __future__ import annotations

from datetime import date

from dash import dcc

from analytics.periods import Period, latest_complete
from dashboards.i18n import t

KINDS = ("month", "week", "ytd")
MOST_CHOICES = 260  # five years of weeks; months and YTD are fewer


def latest(kind: str, on: date | None = None) -> Period:
    """The last complete period of a kind (analytics.periods.latest_complete)."""
    return latest_complete(kind, on)


def as_kind(period: Period, kind: str, on: date | None = None) -> Period:
    """The same moment as another kind, never later than the last complete one (Period.as_kind)."""
    return period.as_kind(kind, on)


def choices(kind: str, first: str | None, selected: Period, lang: str, on: date | None = None) -> list[dict]:
    """Dropdown options for a kind, newest first, back to the first report (ISO date `first`).

    The selected period is always among them, even when a link asks for one outside the data.
    """
    first_day = date.fromisoformat(first) if first else None
    current = latest(kind, on)
    options = []
    while len(options) < MOST_CHOICES and (first_day is None or current.end > first_day):
        options.append({"label": current.label(lang), "value": current.code})
        current = current.earlier()
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
    return dcc.RadioItems(
        id=switch_id,
        value=chosen.kind,
        inline=True,
        className="segmented",
        options=[{"label": t(f"period.{k}", lang), "value": k} for k in KINDS],
    )


def dropdown(dropdown_id: str, chosen: Period, first: str | None, lang: str) -> dcc.Dropdown:
    return dcc.Dropdown(
        id=dropdown_id,
        value=chosen.code,
        clearable=False,
        className="period-dropdown",
        options=choices(chosen.kind, first, chosen, lang),
    )
