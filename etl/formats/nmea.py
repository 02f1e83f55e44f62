"""NMEA 0183 logs as rows for the fixes staging table: one row per RMC sentence.

What counts as a row:
- `$GPRMC` / `$GNRMC` (and the same sentence from other satellite systems: GL, GA, GB, BD) —
  the "recommended minimum" fix with date, time (UTC), position and speed;
- a line that is not NMEA at all — quarantined as "onleesbare regel", so a damaged log shows up.

What is not a row: every other well-formed sentence (GGA, GSA, GSV, VTG, proprietary `$P…`).
They repeat what RMC says or describe satellites, and counting them would make a healthy log look
like it lost most of its lines. Blank lines are not rows either.

An RMC sentence needs a correct checksum (`*hh`): a logger that is switched off mid-write leaves a
truncated last line, and the checksum is how we tell. Status `V` (void) and mode `N` mean the
receiver itself says it had no position; those go to the quarantine with that reason.
Row numbers are line numbers in the file (1 = first line).
"""

from __future__ import annotations

import re
from functools import reduce
from pathlib import Path

from etl.formats.gpx import require_device

KNOTS_TO_KMH = 1.852
RMC_TALKERS = {"GP", "GN", "GL", "GA", "GB", "BD"}
_SENTENCE = re.compile(r"^\$([A-Z][A-Z0-9]{1,5}),([\x20-\x7e]*?)(?:\*([0-9A-Fa-f]{2}))?$")
_DATE = re.compile(r"^(\d{2})(\d{2})(\d{2})$")
_TIME = re.compile(r"^(\d{2})(\d{2})(\d{2}(?:\.\d+)?)$")


def checksum(body: str) -> str:
    """XOR of the characters between `$` and `*`, as two hex digits."""
    return f"{reduce(lambda acc, ch: acc ^ ord(ch), body, 0):02X}"


def _timestamp(date: str, time: str) -> str | None:
    d, t = _DATE.match(date), _TIME.match(time)
    if not d or not t:
        return f"{date} {time}".strip() or None  # the validation reports it as unreadable
    day, month, year = d.groups()
    century = "19" if int(year) >= 80 else "20"  # NMEA's two-digit year
    hour, minute, second = t.groups()
    return f"{century}{year}-{month}-{day}T{hour}:{minute}:{second}Z"


def _degrees(value: str, hemisphere: str, degree_digits: int, negative: str) -> str | None:
    """'5054.1234','N' -> '50.90205667'; unreadable text is passed on for the validation to name."""
    if not value:
        return None
    match = re.fullmatch(rf"(\d{{{degree_digits}}})(\d{{2}}(?:\.\d+)?)", value)
    if not match or float(match.group(2)) >= 60 or hemisphere not in (("N", "S") if negative == "S" else ("E", "W")):
        return f"{value} {hemisphere}".strip()
    degrees = int(match.group(1)) + float(match.group(2)) / 60
    return f"{-degrees if hemisphere == negative else degrees:.8f}"


def _speed(knots: str) -> str | None:
    try:
        return None if not knots else repr(float(knots) * KNOTS_TO_KMH)
    except ValueError:
        return knots


def _rmc_row(number: int, line: str, body: str, given_sum: str | None, fields: list[str], device: str):
    problem = None
    if given_sum is None:
        problem = "RMC-zin zonder controlegetal (regel afgebroken?)"
    elif given_sum.upper() != checksum(body):
        problem = f"controlegetal klopt niet (*{given_sum.upper()} in de regel, berekend *{checksum(body)})"
    elif len(fields) < 10:
        problem = f"onvolledige RMC-zin ({len(fields)} velden, minstens 10 nodig)"
    elif fields[2] == "V":
        problem = "ontvanger meldt geen geldige positie (status V)"
    elif fields[2] != "A":
        problem = f"onbekende status '{fields[2]}' in RMC-zin (verwacht A of V)"
    elif len(fields) > 12 and fields[12][:1] == "N":
        problem = "ontvanger meldt geen geldige positie (modus N)"
    if problem:
        return (number, line, problem, device, None, None, None, None, None)
    return (
        number,
        line,
        None,
        device,
        _timestamp(fields[9], fields[1]),
        _degrees(fields[3], fields[4], 2, "S"),
        _degrees(fields[5], fields[6], 3, "W"),
        None,
        _speed(fields[7]),
    )


def read_nmea(path: str | Path, device: str | None) -> list[tuple]:
    """Rows (row_number, raw_text, read_problem, device_id, ts_text, lat_text, lon_text,
    accuracy_text, speed_text)."""
    device = require_device(device, "NMEA")
    rows = []
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.decode("ascii", errors="replace").strip()
            if not line:
                continue
            match = _SENTENCE.match(line)
            if not match:
                rows.append((number, line, "onleesbare regel (geen NMEA-zin)", device, None, None, None, None, None))
                continue
            address, _, given_sum = match.groups()
            if address[2:] != "RMC" or address[:2] not in RMC_TALKERS:
                continue
            body = line[1:].split("*", 1)[0]
            rows.append(_rmc_row(number, line, body, given_sum, body.split(","), device))
    return rows
