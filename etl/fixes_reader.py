"""A plain fixes CSV read by DuckDB's typed `read_csv`: the fast path of etl/fixes.py.

The line reader (etl/formats/delimited.py) keeps every line's exact text and splits it in SQL, which
costs four times what DuckDB's own CSV reader needs to parse the same file. Yet the text is needed
only for the rows that are refused, so a plain file (UTF-8, one column per field, no skip pattern,
no decimal comma) is read typed instead:

- the positions, accuracy and speed as DOUBLE; lines whose fields do not parse (wrong field count,
  a letter in a number, a whitespace-only line) land in DuckDB's rejects table with their line number;
- the device and the time stay text and go through the very SQL the line reader's rows go through
  (trim, `etl.timestamps.timestamp_sql`), so a time means the same on both paths;
- a row that is not plainly clean (a rule fails, or a text field holds a quote, which the line
  reader would unquote) is a *suspect*: suspects and rejected lines are read again as text and
  judged by the line reader's rules (etl.fixes._validation_sql), so every reason and every raw text
  in the quarantine is exactly what the line reader gives.

Row numbers: DuckDB keeps the file's order and skips empty lines without a word, so the n-th typed row
is the n-th line after the header that was neither rejected nor empty. The loader counts the file's
lines; when rows + rejected lines fall short of them (empty lines in the middle), it uses the line
reader for the whole file instead.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from civ import store
from etl import territory_check
from etl.formats import delimited
from etl.timestamps import untrimmed_timestamp_sql

NUMBER_FIELDS = {"lat": "lat", "lon": "lon", "accuracy_m": "accuracy_m", "speed_kmh": "speed_kmh"}
# in the reason column of fx_checked for a row the line reader must judge; replaced before anything is stored
SUSPECT = "(typed: judge the text)"
_DECIMAL_COMMA = re.compile(r"^\s*[-+]?\d*,\d+\s*$")


@dataclass
class TypedRead:
    """What the typed read left: fx_typed (one row per accepted line, in file order) and
    fx_skipped (row_number of each rejected line)."""

    source: delimited.DelimitedFile
    device: str | None  # --device, for a file without a device column
    first_rowid: int
    skipped: int


def read_typed(
    con: duckdb.DuckDBPyConnection,
    source: delimited.DelimitedFile | None,
    device: str | None,
    skip,
    zone: str | None = None,
) -> TypedRead | None:
    """Read `source` typed into fx_typed (device_id, ts, lat, lon, accuracy_m, speed_kmh, plain: no
    quote and no stray field); None (nothing left behind) when the file needs the line reader."""
    if not _plain(source, skip):
        return None
    width = len(source.header) + source.trailing_empty
    numbers = {source.index(name) for name in NUMBER_FIELDS if source.index(name) is not None}
    types = {f"c{i}": "DOUBLE" if i in numbers else "VARCHAR" for i in range(width)}
    columns = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in types.items()) + "}"
    for table in ("fx_rejects", "fx_reject_scans"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    # the lines are counted while DuckDB reads (it leaves the interpreter free meanwhile)
    with ThreadPoolExecutor(1) as pool:
        lines = pool.submit(data_lines, source.path, source.header_lines)
        _read(con, source, columns, _fields_sql(source, [n for n, kind in types.items() if kind == "VARCHAR"], zone))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE fx_skipped AS SELECT DISTINCT line - ? AS row_number FROM fx_rejects",
        [source.header_lines],
    )
    first_rowid, rows = store.first_row(con, "SELECT coalesce(min(rowid), 0), count(*) FROM fx_typed")
    skipped = store.scalar(con, "SELECT count(*) FROM fx_skipped")
    if rows + skipped != lines.result():
        # empty lines in the middle: the typed rows' line numbers are unknown
        for table in ("fx_typed", "fx_skipped", "fx_rejects", "fx_reject_scans"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
        return None
    return TypedRead(source, device, int(first_rowid), int(skipped))


def _fields_sql(source: delimited.DelimitedFile, text_columns: list[str], zone: str | None) -> str:
    """The fields fx_typed keeps: the time parsed at once (its text would double the table), the device
    trimmed as the line reader trims it, and whether the line is plain."""

    def column(name: str) -> str:
        index = source.index(name)
        return "NULL" if index is None else f"c{index}"

    extra = [f"c{i}" for i in range(len(source.header), len(source.header) + source.trailing_empty)]
    # the line reader unquotes a field and splits a line with a quote by another rule: such a line is a suspect
    no_quotes = " AND ".join(f"NOT coalesce(contains({c}, '\"'), false)" for c in text_columns) or "true"
    blank_extras = " AND ".join(f"coalesce(trim({c}), '') = ''" for c in extra) or "true"
    return f"""nullif(trim({column("device_id")}), '') AS device_id,
               {untrimmed_timestamp_sql(column("timestamp"), zone, epoch_seconds=True)} AS ts,
               {column("lat")} AS lat, {column("lon")} AS lon,
               {column("accuracy_m")}::DOUBLE AS accuracy_m, {column("speed_kmh")}::DOUBLE AS speed_kmh,
               {no_quotes} AND {blank_extras} AS plain"""


def _read(con: duckdb.DuckDBPyConnection, source: delimited.DelimitedFile, columns: str, fields: str) -> None:
    # no quote and no escape: one line is one row, as for the line reader; a projection keeps the order
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE fx_typed AS
        SELECT {fields} FROM read_csv(?, delim = ?, quote = '', escape = '', header = false, skip = ?,
                               auto_detect = false, columns = {columns}, encoding = 'utf-8',
                               store_rejects = true, rejects_table = 'fx_rejects',
                               rejects_scan = 'fx_reject_scans')""",
        [str(source.path), source.separator, source.header_lines],
    )


def _plain(source: delimited.DelimitedFile | None, skip) -> bool:
    if source is None or skip is not None or source.encoding != "utf-8":
        return False
    if any(len(fields) > 1 for fields in source.joined.values()):
        return False  # a date and a time column joined: the line reader's field SQL does that
    # a decimal comma (a ';' file from a Flemish spreadsheet) would reject every line: the line reader
    # reads those at its own speed
    indexes = [i for i in (source.index(name) for name in NUMBER_FIELDS) if i is not None]
    fields = [row[i] for row in delimited.sample_rows(source) for i in indexes if i < len(row) and row[i].strip()]
    return sum(1 for f in fields if _DECIMAL_COMMA.match(f)) * 2 <= len(fields)


def data_lines(path: Path, header_lines: int) -> int:
    """The lines after the header as DuckDB counts them; empty lines at the end do not count (they
    shift no row number)."""
    newlines, tail = 0, b""
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 24):
            newlines += chunk.count(b"\n")
            tail = (tail[-4096:] + chunk[-4096:])[-4096:]
    trailing = tail[len(tail.rstrip(b"\r\n")) :].count(b"\n")
    return max(0, newlines - trailing + 1 - header_lines)


def checked_sql(typed: TypedRead, check: territory_check.TerritoryCheck) -> str:
    """fx_checked's rows (the shape of etl.fixes._validation_sql) from fx_typed: the clean rows with
    reason NULL, every other one with reason SUSPECT."""
    device = (
        "device_id"
        if typed.source.index("device_id") is not None
        else "(SELECT nullif(trim(device_id), '') FROM fx_device)"
    )
    # the n-th typed row is the n-th line neither rejected nor empty: add the rejected lines before it
    row_number = "ordinal + coalesce(k.before, 0)" if typed.skipped else "ordinal"
    skips = (
        ""
        if not typed.skipped
        else """ASOF LEFT JOIN (
                    SELECT max(j) AS before, threshold FROM (
                        SELECT row_number() OVER (ORDER BY row_number) AS j,
                               row_number - row_number() OVER (ORDER BY row_number) AS threshold
                        FROM fx_skipped) GROUP BY threshold) k ON t.ordinal > k.threshold"""
    )
    return f"""
        WITH t AS (
            SELECT rowid - {typed.first_rowid} + 1 AS ordinal, {device} AS device_id,
                   ts, lat, lon, accuracy_m, speed_kmh, plain
            FROM fx_typed),
        g AS (
            SELECT t.*, {territory_check.class_sql(check, "g", "lat", "lon")} AS territory_class
            FROM t CROSS JOIN fx_territory g)
        SELECT {row_number} AS row_number, device_id, ts, lat, lon, accuracy_m, speed_kmh, territory_class,
               CASE WHEN plain AND device_id IS NOT NULL AND ts IS NOT NULL
                         AND lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180 AND NOT (lat = 0 AND lon = 0)
                         AND (accuracy_m IS NULL OR (isfinite(accuracy_m) AND accuracy_m >= 0))
                         AND (speed_kmh IS NULL OR (isfinite(speed_kmh) AND speed_kmh >= 0))
                         AND territory_class <> 0
                    THEN NULL ELSE '{SUSPECT}' END AS reason
        FROM g t {skips}"""
