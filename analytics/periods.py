"""Where dates are cut: calendar periods in Europe/Brussels, as the users count them.

The store keeps UTC instants; a report at 2026-10-31 23:30 UTC is 1 November 00:30 in Asse and so
belongs to November. Every month, week or year boundary of the project is made here.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

LOCAL_TZ_NAME = "Europe/Brussels"
LOCAL_TZ = ZoneInfo(LOCAL_TZ_NAME)


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The local month [start, end) as UTC instants (midnight in Brussels, summer time included)."""
    start = datetime(year, month, 1, tzinfo=LOCAL_TZ)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=LOCAL_TZ)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def local_month_sql(column: str) -> str:
    """SQL for the first day (local TIMESTAMP) of the Brussels month a TIMESTAMPTZ column falls in.

    `column` must be a fixed identifier from the calling module, never text from a request.
    """
    if not column.replace("_", "").replace(".", "").isalnum():
        raise ValueError(f"not a column name: {column!r}")
    return f"date_trunc('month', timezone('{LOCAL_TZ_NAME}', {column}))"
