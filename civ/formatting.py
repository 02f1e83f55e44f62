"""Numbers and dates the Belgian way, in every language, for every layer: 1.234,5 · −35 % · 31/10/2026.

The one place the app formats a figure: pages (through dashboards/i18n.py), command lines, the meeting
pack and the sentences analytics writes. Whatever the language, figures read the same in the meeting
and in the minutes; instants are shown in Brussels time (the store keeps UTC).

Why not Babel: its `nl_BE` agrees on numbers (1.234,5) but writes percentages without the space and
with a hyphen ('-35%', ours '−35 %') and short dates without the leading zero ('1/10/2026', ours
'01/10/2026', the dd/mm/jjjj the centres write); checked with Babel 2.18.0 (README, "One language layer").
"""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd

DISPLAY_TZ = "Europe/Brussels"
EMPTY = "–"  # an en dash for a missing figure
MINUS = "−"  # U+2212: a minus sign, not a hyphen


def missing(value) -> bool:
    """None, NaN, NaT or pandas' NA."""
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def number(value, digits: int = 0) -> str:
    """1234.5 -> '1.234,5' with `digits` decimals (thousands point, decimal comma); '–' when missing."""
    if missing(value) or (isinstance(value, float) and math.isinf(value)):
        return EMPTY
    text = f"{float(value):,.{digits}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def integer(value) -> str:
    """1234 -> '1.234' (rounded to a whole number)."""
    if missing(value):
        return EMPTY
    return f"{int(round(value)):,}".replace(",", ".")


def signed_pct(value) -> str:
    """A change in per cent, rounded: -34.6 -> '−35 %', 8.2 -> '+8 %', 0.3 -> '0 %'; '–' when missing."""
    if missing(value):
        return EMPTY
    rounded = round(float(value))
    sign = "+" if rounded > 0 else MINUS if rounded < 0 else ""
    return f"{sign}{integer(abs(rounded))} %"


def share_pct(share, digits: int = 1) -> str:
    """A share between 0 and 1: 0.873 -> '87,3 %'."""
    if missing(share):
        return EMPTY
    return f"{number(share * 100, digits)} %"


def local_time(value) -> pd.Timestamp | None:
    """A timestamp in Brussels time; naive values are taken as UTC, as the store keeps them."""
    if missing(value):
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return pd.Timestamp(value)  # a calendar date has no time zone to convert
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return stamp.tz_convert(DISPLAY_TZ)


def day(value) -> str:
    """An instant as its date in Brussels: 2026-10-31 23:30 UTC -> '01/11/2026'."""
    stamp = local_time(value)
    return EMPTY if stamp is None else stamp.strftime("%d/%m/%Y")


def moment(value, seconds: bool = False) -> str:
    """An instant in Brussels time, to the minute: '31/10/2026 14:05' (or ':07' seconds more)."""
    stamp = local_time(value)
    return EMPTY if stamp is None else stamp.strftime("%d/%m/%Y %H:%M" + (":%S" if seconds else ""))


def p_value(value) -> str:
    """A p-value the way a reader can take it in: '0,024', '0,0031', '< 0,0001'."""
    if missing(value):
        return EMPTY
    value = float(value)
    if value < 0.0001:
        return "< 0,0001"
    if value >= 0.01:
        return number(value, 2 if value >= 0.1 else 3)
    return number(value, 4)
