"""Where dates are cut: calendar periods in Europe/Brussels, as the users count them.

The store keeps UTC instants; a report at 2026-10-31 23:30 UTC is 1 November 00:30 in Belgium and so
belongs to November. Every month, week or year boundary of the project is made here.

A period is a half-open range of local dates [start, end). Its kinds:
- `month`  '2026-10'   a calendar month;
- `week`   '2026-W43'  an ISO week (Monday to Sunday; week 1 holds the year's first Thursday);
- `ytd`    'ytd:2026-10' year to date: 1 January to the end of that month;
- `days`   '2026-10-01..2026-10-07' any run of whole local days, both named days included.

Series (trends, effects) are runs of consecutive months or ISO weeks: `period_of`, `next`,
`complete_periods` and `bin_sql` below cut them, here and nowhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from civ.i18n import month_name

LOCAL_TZ_NAME = "Europe/Brussels"
LOCAL_TZ = ZoneInfo(LOCAL_TZ_NAME)


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The local month [start, end) as UTC instants (midnight in Brussels, summer time included)."""
    return Period.month(year, month).utc_bounds()


def local_month_sql(column: str) -> str:
    """SQL for the first day (local TIMESTAMP) of the Brussels month a TIMESTAMPTZ column falls in.

    `column` must be a fixed identifier from the calling module, never text from a request.
    """
    if not column.replace("_", "").replace(".", "").isalnum():
        raise ValueError(f"not a column name: {column!r}")
    return f"date_trunc('month', timezone('{LOCAL_TZ_NAME}', {column}))"


def local_week_sql(column: str) -> str:
    """SQL for the Monday (local TIMESTAMP) of the ISO week a TIMESTAMPTZ column falls in, in Brussels."""
    if not column.replace("_", "").replace(".", "").isalnum():
        raise ValueError(f"not a column name: {column!r}")
    return f"date_trunc('week', timezone('{LOCAL_TZ_NAME}', {column}))"


SERIES_KINDS = ("month", "week")


def bin_sql(column: str, kind: str) -> str:
    """SQL for the first local day (as DATE) of the month or ISO week holding a TIMESTAMPTZ column."""
    if kind not in SERIES_KINDS:
        raise ValueError(f"reeks per 'month' of 'week', niet {kind!r}")
    cut = local_month_sql(column) if kind == "month" else local_week_sql(column)
    return f"CAST({cut} AS DATE)"


def periods_per_year(kind: str) -> float:
    """12 months or 52,18 ISO weeks in an average year: turns a slope per period into one per year."""
    return 12.0 if kind == "month" else 365.25 / 7.0


def period_of(day: date, kind: str) -> Period:
    """The month or ISO week holding a local date."""
    if kind == "month":
        return Period.month(day.year, day.month)
    if kind == "week":
        year, week, _ = day.isocalendar()
        return Period.iso_week(year, week)
    raise ValueError(f"reeks per 'month' of 'week', niet {kind!r}")


def complete_periods(first_day: date, last_day: date, kind: str, max_years: float | None = None) -> list[Period]:
    """The consecutive months or weeks lying wholly inside the local dates [first_day, last_day].

    A series shows complete periods only: a month of which the export holds ten days would read as a
    fall. With `max_years`, only the most recent periods of that many years are kept.
    """
    first = period_of(first_day, kind)
    if first.start < first_day:
        first = first.next()
    last = period_of(last_day, kind)
    if last.end - timedelta(days=1) > last_day:
        last = last.previous()
    periods = []
    current = first
    while current.start <= last.start:
        periods.append(current)
        current = current.next()
    if max_years is not None:
        periods = periods[-int(round(max_years * periods_per_year(kind))) :]
    return periods


def local_day_sql(column: str) -> str:
    """SQL for the local (Brussels) calendar date of a TIMESTAMPTZ column, as a DATE.

    `column` must be a fixed identifier from the calling module, never text from a request.
    """
    if not column.replace("_", "").replace(".", "").isalnum():
        raise ValueError(f"not a column name: {column!r}")
    return f"CAST(timezone('{LOCAL_TZ_NAME}', {column}) AS DATE)"


def local_midnight_sql(day_expression: str) -> str:
    """SQL for the UTC instant (TIMESTAMPTZ) at which a local DATE expression begins in Brussels.

    A day is 23, 24 or 25 hours long: the day after is `local_midnight_sql(day + 1)`, never
    midnight plus 24 hours. `day_expression` must come from the calling module, never a request.
    """
    return f"timezone('{LOCAL_TZ_NAME}', CAST({day_expression} AS TIMESTAMP))"


def local_date(instant: datetime) -> date:
    """The calendar date in Brussels of an instant (naive instants are taken as UTC)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=timezone.utc)
    return instant.astimezone(LOCAL_TZ).date()


def _local_midnight_utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ).astimezone(timezone.utc)


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


@dataclass(frozen=True)
class Period:
    kind: str  # 'month', 'week' or 'ytd'
    start: date  # first local day
    end: date  # first local day after the period

    # constructors ---------------------------------------------------------------------------
    @classmethod
    def month(cls, year: int, month: int) -> Period:
        next_year, next_month = _add_months(year, month, 1)
        return cls("month", date(year, month, 1), date(next_year, next_month, 1))

    @classmethod
    def iso_week(cls, year: int, week: int) -> Period:
        monday = date.fromisocalendar(year, week, 1)
        return cls("week", monday, monday + timedelta(days=7))

    @classmethod
    def year_to_date(cls, year: int, month: int) -> Period:
        return cls("ytd", date(year, 1, 1), cls.month(year, month).end)

    @classmethod
    def between(cls, first_day: date, last_day: date) -> Period:
        """The local days from `first_day` to `last_day`, both included (a single day: twice the same)."""
        if last_day < first_day:
            raise ValueError(f"einddatum {last_day:%d/%m/%Y} ligt voor begindatum {first_day:%d/%m/%Y}")
        return cls("days", first_day, last_day + timedelta(days=1))

    @classmethod
    def parse(cls, text: str) -> Period:
        """'2026-10', '2026-W43', 'ytd:2026-10' or '2026-10-01..2026-10-07'; ValueError otherwise."""
        text = str(text).strip()
        try:
            if match := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", text):
                return cls.between(date.fromisoformat(match[1]), date.fromisoformat(match[2]))
            if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
                return cls.month(int(match[1]), int(match[2]))
            if match := re.fullmatch(r"(\d{4})-W(\d{1,2})", text, flags=re.IGNORECASE):
                return cls.iso_week(int(match[1]), int(match[2]))
            if match := re.fullmatch(r"ytd:(\d{4})-(\d{2})", text, flags=re.IGNORECASE):
                return cls.year_to_date(int(match[1]), int(match[2]))
        except ValueError:
            pass
        raise ValueError(f"periode '{text}' onbekend: gebruik JJJJ-MM, JJJJ-Wnn of ytd:JJJJ-MM")

    @classmethod
    def last_complete_month(cls, today: date | None = None) -> Period:
        today = today or datetime.now(LOCAL_TZ).date()
        year, month = _add_months(today.year, today.month, -1)
        return cls.month(year, month)

    # relatives ------------------------------------------------------------------------------
    def previous(self) -> Period | None:
        """The period just before: last month, last week. Year to date has none."""
        if self.kind == "month":
            return Period.month(*_add_months(self.start.year, self.start.month, -1))
        if self.kind == "week":
            return Period("week", self.start - timedelta(days=7), self.start)
        if self.kind == "days":
            return Period("days", self.start - timedelta(days=self.days), self.start)
        return None

    def next(self) -> Period:
        """The month or week just after (not defined for year to date)."""
        if self.kind == "month":
            return Period.month(*_add_months(self.start.year, self.start.month, 1))
        if self.kind == "week":
            return Period("week", self.end, self.end + timedelta(days=7))
        raise ValueError("year to date has no next period")

    def same_period_last_year(self) -> Period:
        if self.kind == "month":
            return Period.month(self.start.year - 1, self.start.month)
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            weeks_last_year = date(year - 1, 12, 28).isocalendar()[1]  # 28 Dec is always in the last week
            return Period.iso_week(year - 1, min(week, weeks_last_year))
        if self.kind == "days":

            def year_before(day: date) -> date:
                return (
                    day.replace(year=day.year - 1)
                    if (day.month, day.day) != (2, 29)
                    else day.replace(year=day.year - 1, day=28)
                )

            return Period("days", year_before(self.start), year_before(self.end))
        last_day = self.end - timedelta(days=1)
        return Period.year_to_date(self.start.year - 1, last_day.month)

    def comparisons(self) -> tuple[Period | None, Period]:
        """What CompStat compares the period with: (the period before, the same period last year);
        a year to date has no period before."""
        return self.previous(), self.same_period_last_year()

    def year_to_date_period(self) -> Period:
        """1 January of the year of the period's last day, up to the end of this period."""
        return Period("ytd", date((self.end - timedelta(days=1)).year, 1, 1), self.end)

    def month_of_last_day(self) -> Period:
        """The month holding the period's last day (the month itself for a month)."""
        return self if self.kind == "month" else Period.month(self.last_day.year, self.last_day.month)

    def earlier(self) -> Period:
        """The period of the same kind one step back: last month, last week, and for a year to date
        the one that ends a month earlier (January's steps back to the previous year's December)."""
        if self.kind == "ytd":
            month = Period.month(self.end.year, self.end.month).previous().previous()
            return Period.year_to_date(month.start.year, month.start.month)
        return self.previous()

    def as_kind(self, kind: str, today: date | None = None) -> Period:
        """The same moment seen as another kind — October as its last full week, or as the year to
        October — never later than the last complete period of that kind."""
        period = self
        if kind != self.kind:
            last_day = self.last_day
            if kind == "week":
                sunday = last_day - timedelta(days=(last_day.weekday() + 1) % 7)
                period = Period.iso_week(*sunday.isocalendar()[:2])
            else:
                anchor = self.start + timedelta(days=3) if self.kind == "week" else last_day  # a week's Thursday
                period = (
                    Period.month(anchor.year, anchor.month)
                    if kind == "month"
                    else Period.year_to_date(anchor.year, anchor.month)
                )
        newest = latest_complete(kind, today)
        return newest if period.end > newest.end else period

    # values ---------------------------------------------------------------------------------
    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def middle(self) -> date:
        """The middle day: where a period sits on a time axis and in the seasonal cycle."""
        return self.start + timedelta(days=self.days // 2)

    def overlap_days(self, first: date, last: date | None) -> int:
        """How many days of this period lie in the local dates [first, last] (last None: open end)."""
        end = self.end if last is None else min(self.end, last + timedelta(days=1))
        return max(0, (end - max(self.start, first)).days)

    def utc_bounds(self) -> tuple[datetime, datetime]:
        return _local_midnight_utc(self.start), _local_midnight_utc(self.end)

    @property
    def code(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "days":
            return f"{self.start:%Y-%m-%d}..{self.end - timedelta(days=1):%Y-%m-%d}"
        return f"ytd:{self.end - timedelta(days=1):%Y-%m}"

    def label(self, lang: str = "nl") -> str:
        if self.kind == "month":
            return f"{month_name(self.start.month, lang)} {self.start.year}"
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            last = self.end - timedelta(days=1)
            return f"week {week} {year} ({self.start:%d/%m}–{last:%d/%m})"
        last = self.end - timedelta(days=1)
        if self.kind == "days" and last == self.start:
            return f"{self.start:%d/%m/%Y}"
        return f"{self.start:%d/%m/%Y}–{last:%d/%m/%Y}"


def local_today() -> date:
    return datetime.now(LOCAL_TZ).date()


def latest_complete(kind: str, today: date | None = None) -> Period:
    """The last complete period of a kind: last month, last ISO week, year to the end of last month."""
    today = today or local_today()
    month = Period.last_complete_month(today)
    if kind == "week":
        return Period.iso_week(*(today - timedelta(days=7)).isocalendar()[:2])
    if kind == "ytd":
        return Period.year_to_date(month.start.year, month.start.month)
    return month
