"""Reading the timestamps real exports carry, as DuckDB SQL expressions (fast on millions of rows).

Every expression returns a TIMESTAMPTZ (UTC) or NULL when the text is not a time.

Local times (no offset in the text) are read in the file's zone, by default Europe/Brussels.
Rule for the two hours a year that do not map one-to-one (documented in README, tested):
a local time that does not exist (spring forward, 02:30 on the last Sunday of March) or exists
twice (fall back, 02:30 on the last Sunday of October) is read as standard time, UTC+1 in
Brussels — what DuckDB's ICU does, and one rule for both cases.
"""

from __future__ import annotations

import re
import zoneinfo

from civ.errors import UnusableInput

DEFAULT_TZ = "Europe/Brussels"

_OFFSET = r"(Z|[+-]\d{2}(:?\d{2})?)$"
_ISO_LOCAL = [
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
_DAY_FIRST = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
]
_MONTH_FIRST = ["%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y"]


def checked_zone(tz: str | None) -> str:
    """The zone name, or UnusableInput when it is not an IANA zone (it is inlined into SQL)."""
    zone = tz or DEFAULT_TZ
    if zone not in zoneinfo.available_timezones():
        raise UnusableInput(f"onbekende tijdzone '{zone}' (bijvoorbeeld Europe/Brussels of America/New_York)")
    return zone


def _formats_sql(formats: list[str]) -> str:
    return "[" + ", ".join("'" + f + "'" for f in formats) + "]"


def _shape(time_format: str) -> str:
    """A regular expression every text that `time_format` parses matches (and a little more)."""
    pattern = re.escape(time_format)
    for directive, shape in (
        ("%Y", r"\d+"),
        ("%m", r"\d+"),
        ("%d", r"\d+"),
        ("%H", r"\d+"),
        ("%I", r"\d+"),
        ("%M", r"\d+"),
        ("%S", r"\d+"),
        ("%f", r"\d+"),
        ("%p", "[AaPp][Mm]"),
    ):
        pattern = pattern.replace(re.escape(directive), shape)
    return "^" + pattern.replace(r"\ ", r"\s*") + "$"


def _strptime_sql(column: str, formats: list[str]) -> str:
    """try_strptime(column, formats) with the same result, in a tenth of the time.

    DuckDB tries a list of formats one after the other, and each failure is costly: 16 formats
    took 6 s per million dates. So each text goes first to the format its shape matches (in list
    order); only when that one cannot read it does the whole list get its turn, as before."""
    every = _formats_sql(formats)
    branches = [
        f"WHEN regexp_full_match({column}, '{_shape(f)}') "
        f"THEN coalesce(try_strptime({column}, '{f}'), try_strptime({column}, {every}))"
        for f in formats
    ]
    return f"(CASE {' '.join(branches)} ELSE try_strptime({column}, {every}) END)"


def timestamp_sql(
    column: str,
    tz: str | None = None,
    *,
    day_first: bool = True,
    excel_serial: bool = False,
    epoch_seconds: bool = False,
) -> str:
    """SQL for `column` (VARCHAR, already trimmed) as TIMESTAMPTZ in UTC, NULL when unreadable."""
    zone = checked_zone(tz)
    formats = _ISO_LOCAL + (_DAY_FIRST if day_first else _MONTH_FIRST)
    branches = [
        # what trackers and our own exports write (2026-10-19T05:00:14Z): one strptime, no regex and
        # no general parse, a second saved per 10 million fixes; an impossible date is NULL either way
        f"WHEN {_utc_z_shape(column)} THEN {_utc_z_value(column)}",
        f"WHEN regexp_matches({column}, '^\\d{{4}}-\\d{{2}}-\\d{{2}}[T ].*{_OFFSET}') "
        f"THEN try_cast(replace({column}, 'Z', '+00:00') AS TIMESTAMPTZ)",
    ]
    if day_first:
        # the template's dd/mm/jjjj uu:mm (a million reports): one strptime instead of the shapes below,
        # which pick this format for such a text anyway (none before it in the list can read it)
        branches.append(
            f"WHEN length({column}) = 16 AND {column}[3] = '/' AND {column}[6] = '/' AND {column}[14] = ':' "
            f"THEN timezone('{zone}', coalesce(try_strptime({column}, '%d/%m/%Y %H:%M'), "
            f"try_strptime({column}, {_formats_sql(formats)})))"
        )
    if excel_serial:
        # Excel counts days from 30/12/1899; 20000..80000 covers 1954..2119
        branches.append(
            f"WHEN regexp_matches({column}, '^\\d{{5}}([.,]\\d+)?$') "
            f"AND try_cast(replace({column}, ',', '.') AS DOUBLE) BETWEEN 20000 AND 80000 "
            f"THEN timezone('{zone}', TIMESTAMP '1899-12-30' + to_microseconds("
            f"CAST(round(try_cast(replace({column}, ',', '.') AS DOUBLE) * 86400e6) AS BIGINT)))"
        )
    if epoch_seconds:
        branches.append(
            f"WHEN regexp_matches({column}, '^\\d{{9,10}}(\\.\\d+)?$') THEN to_timestamp(try_cast({column} AS DOUBLE))"
        )
    branches.append(f"ELSE timezone('{zone}', {_strptime_sql(column, formats)})")
    return "(CASE " + " ".join(branches) + " END)"


def _utc_z_shape(column: str) -> str:
    return f"length({column}) = 20 AND ends_with({column}, 'Z') AND {column}[11] = 'T'"


def _utc_z_value(column: str) -> str:
    return f"timezone('UTC', try_strptime({column}, '%Y-%m-%dT%H:%M:%SZ'))"


def untrimmed_timestamp_sql(column: str, tz: str | None = None, **options) -> str:
    """timestamp_sql(nullif(trim(column), ''), tz, **options), with the trackers' 2026-10-19T05:00:14Z
    read straight from the untrimmed text: a text that starts with a digit and ends in Z has nothing to
    trim, and trimming every other use of the column costs more than the parse (1 s per 2 million)."""
    return (
        f"(CASE WHEN {column}[1] BETWEEN '0' AND '9' AND {_utc_z_shape(column)} THEN {_utc_z_value(column)} "
        f"ELSE {timestamp_sql(f'nullif(trim({column}), {chr(39) * 2})', tz, **options)} END)"
    )


def date_shape_sql(column: str) -> str:
    """SQL: true when the text looks like a date (so a NULL parse means the date does not exist)."""
    return (
        f"regexp_matches({column}, '^(\\d{{1,2}}[/.-]\\d{{1,2}}[/.-]\\d{{4}}|\\d{{4}}-\\d{{1,2}}-\\d{{1,2}})"
        f"([T ]\\d{{1,2}}:\\d{{2}}(:\\d{{2}}(\\.\\d+)?)?( ?[AP]M)?)?{_OFFSET[:-1]}?$')"
    )


def timestamp_problem_sql(column: str, parsed: str, label: str, expected: str = "dd/mm/jjjj uu:mm") -> str:
    """SQL for a Dutch reason when `column` has text that `parsed` could not read, else NULL."""
    return (
        f"CASE WHEN {column} IS NOT NULL AND {parsed} IS NULL THEN "
        f"CASE WHEN {date_shape_sql(column)} "
        f"THEN '{label} ' || {column} || ' bestaat niet' "
        f"ELSE '{label} ''' || {column} || ''' is geen geldige datum (verwacht {expected})' END END"
    )


def hours_minutes_sql(column: str) -> str:
    """SQL: '16u23' / '14h30' / '16 u 23' as '16:23' (how Flemish exports write a time)."""
    # the letters are looked for first: most texts have none, and a search for a letter is cheaper than a regex
    letters = " OR ".join(f"contains({column}, '{letter}')" for letter in "uUhH")
    return (
        rf"CASE WHEN ({letters}) AND regexp_matches({column}, '\d\s*[uUhH]\s*\d') "
        rf"THEN regexp_replace({column}, '(\d{{1,2}})\s*[uUhH]\s*(\d{{2}})', '\1:\2', 'g') ELSE {column} END"
    )
