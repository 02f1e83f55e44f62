"""The records of a delimited text file (CSV), read by DuckDB straight into a temp table, with exactly the
rows, row numbers and raw texts Python's `csv.reader` gives (etl/tables.py's rules).

Why this shape: a million-row export must not pass through Python line by line. DuckDB reads every line
of the file as one text (fast, parallel, order kept) and SQL splits a line at the separator. That split
is exactly `csv.reader`'s for a line that holds the separator and no quote, which is nearly every line
of an export. The other lines — with a quote (a quoted field, perhaps over several lines), or without
the separator (a blank line, a note) — go through `csv.reader` itself, fed with exactly those lines and
the lines a quoted field spans, so their records are the ones `csv.reader` reads from the whole file.

The result, for the loader to stage:
- temp table `<name>` (row_number, raw_text, one VARCHAR column per normalised header name): the records
  with the header's number of fields (trailing empty fields, as Excel writes them, dropped);
- temp table `<name>_malformed` (row_number, raw_text, reason): records with another number of fields.
Row 1 is the first record after the header; blank lines are not records and take no number. The raw
text is the record's fields joined by the separator (what the quarantine shows and `quarantine retry`
reads back).

Text: UTF-8 (with or without BOM) is read as it is; UTF-16, Windows-1252 (or a file that is not valid
UTF-8) and a profile's stated encoding are first written out as UTF-8. Lines ended by a lone carriage return
(Excel for Mac) are read as ordinary line ends; a file that mixes line ends (or holds the control character
\x01) is read by `csv.reader` whole: DuckDB's lines would differ.
"""

from __future__ import annotations

import csv
import itertools
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from civ.errors import UnusableInput
from etl.tables import detect_encoding, read_header

HEAD_LINES = 200
# what Python's str.strip() removes (the old reader's notion of a blank field), for SQL's trim
WHITESPACE = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
_FETCH_AHEAD = 256  # continuation lines fetched at once when a quoted field spans lines


@dataclass
class RecordFile:
    """A delimited text file as `inspect` found it: the header, and how `read_records` reads the rest."""

    columns: list[str]  # normalised header names: the record table's columns after row_number, raw_text
    header: list[str]  # the header as the file spells it
    delimiter: str
    encoding: str
    title_lines: int = 0
    header_line: int = 1
    text_file: Path | None = None  # the file DuckDB reads (a UTF-8 copy when the file is not UTF-8)
    copied: bool = False  # text_file is a temporary copy, removed by remove_copy
    skip_lines: int = 1  # lines up to and including the header record
    newline: str = "\n"
    ends_with_newline: bool = True
    whole_text: list | None = None  # (number, fields) of every record, when csv.reader read the whole text

    def remove_copy(self) -> None:
        """The temporary UTF-8 copy, if one was made, is gone."""
        if self.copied and self.text_file is not None:
            self.text_file.unlink(missing_ok=True)


def sql_strip(expression: str) -> str:
    """SQL for Python's `text.strip()` of `expression`. Trimming a set of characters costs ten times a
    plain copy, so only a text that begins or ends with one of them is trimmed (nearly none is)."""
    edge = f"contains('{WHITESPACE}', left({expression}, 1)) OR contains('{WHITESPACE}', right({expression}, 1))"
    return f"CASE WHEN {edge} THEN trim({expression}, '{WHITESPACE}') ELSE {expression} END"


def quoted(name: str) -> str:
    """A column name as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def inspect(
    path: str | Path,
    known: set[str] | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> RecordFile | None:
    """The header of the delimited text file `path` and how to read its records (before any store is
    opened, so an unusable file writes nothing); None for a file without any text. UnusableInput for
    unreadable text or an unusable header."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnusableInput(f"kan {path} niet lezen: {error.strerror}") from error
    head = data[:8192]
    encoding = encoding or detect_encoding(head)
    if b"\x00" in head and not encoding.startswith("utf-16"):
        raise UnusableInput(f"{path.name} is geen tekstbestand (CSV) en geen Excel-bestand (XLSX)")
    text, as_read = _decode(data, encoding, path.name)
    del data
    return inspect_text(
        text, path.name, encoding.replace("-sig", ""), known, header_row, delimiter, path if as_read else None
    )


_UNIVERSAL_NEWLINE = re.compile(r"\r\n?")


def inspect_text(
    text: str,
    name: str,
    encoding: str,
    known: set[str] | None = None,
    header_row: int | None = None,
    delimiter: str | None = None,
    same_file: Path | None = None,
) -> RecordFile | None:
    """`inspect` for a text already in memory (an XLSX sheet as text, the head of a file); `same_file`: a
    UTF-8 file with exactly this text, which DuckDB then reads instead of a copy."""
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        # lone carriage returns end lines too (Excel for Mac's "CSV (Macintosh)"): universal newlines, as
        # Python's own text files read them; the copy DuckDB reads is then this text, not the file
        text, same_file = _UNIVERSAL_NEWLINE.sub("\n", text), None
    head_lines = text.split("\n", HEAD_LINES)[:HEAD_LINES]
    found = read_header([line.rstrip("\r") for line in head_lines], name, known, header_row, delimiter)
    if found is None:
        return None
    file = RecordFile(found.names, found.spelled, found.separator, encoding, found.title_lines, found.index + 1)
    crlf = text.count("\r\n")
    # mixed line ends (DuckDB's lines would differ), or the character DuckDB's
    # line reader splits at (_read_lines): csv.reader reads the whole text
    if 0 < crlf < text.count("\n") or "\x01" in text:
        file.whole_text = _records_of_text(text, found.index, found.separator, len(found.names))
        return file
    file.newline = "\r\n" if crlf else "\n"
    file.ends_with_newline = text.endswith("\n")
    file.skip_lines = found.index + _header_record_lines(head_lines, found.index, found.separator)
    file.text_file, file.copied = (same_file, False) if same_file else (_utf8_copy(text), True)
    return file


def read_records(con: duckdb.DuckDBPyConnection, file: RecordFile, table: str) -> tuple[int, int]:
    """The records of `file` into the temp tables `table` and `table`_malformed (module docstring);
    returns how many of each."""
    if file.whole_text is not None:
        _store_records(con, table, None, file.whole_text, file.delimiter, file.columns)
    else:
        _read_lines(con, table, file.text_file, file.skip_lines)
        records, continued = _quoted_records(
            con, table, file.delimiter, file.newline, file.ends_with_newline, len(file.columns)
        )
        _store_records(con, table, continued, records, file.delimiter, file.columns)
    return tuple(
        con.execute(f"SELECT (SELECT count(*) FROM {table}), (SELECT count(*) FROM {table}_malformed)").fetchall()[0]
    )


def as_table(file: RecordFile):
    """The records as an etl/tables.RawTable (every cell as text), for the loaders that work in pandas."""
    from etl.tables import RawTable

    con = duckdb.connect()
    try:
        read_records(con, file, "rd")
        names = ", ".join(quoted(c) for c in file.columns)
        frame = con.execute(
            f"SELECT {names}{', ' if names else ''}row_number, raw_text FROM rd ORDER BY row_number"
        ).df()
        malformed = con.execute("SELECT row_number, raw_text, reason FROM rd_malformed ORDER BY row_number").df()
    finally:
        con.close()
        file.remove_copy()
    frame = frame.astype({c: "string" for c in file.columns + ["raw_text"]} | {"row_number": "int64"})
    return RawTable(
        file.columns, frame, malformed, file.delimiter, file.encoding, file.header, file.title_lines, file.header_line
    )


def _header_record_lines(lines: list[str], index: int, separator: str) -> int:
    """How many lines the header record takes (more than one when a quoted name holds a line break)."""
    reader = csv.reader((line + "\n" for line in lines[index:]), delimiter=separator)
    next(reader, None)
    return max(reader.line_num, 1)


def _decode(data: bytes, encoding: str, name: str) -> tuple[str, bool]:
    """The file's text, and whether DuckDB can read the file as it is (plain UTF-8)."""
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        try:
            # Belgian Excel exports are often Windows-1252; it decodes every byte but five
            return data.decode("cp1252"), False
        except UnicodeDecodeError as error:
            raise UnusableInput(f"{name}: tekens niet leesbaar als {encoding} of Windows-1252") from error
    plain_utf8 = encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig")
    return text.lstrip("\ufeff"), plain_utf8


def _utf8_copy(text: str) -> Path:
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", suffix=".csv", delete=False)
    with handle:
        handle.write(text)
    return Path(handle.name)


def _read_lines(con: duckdb.DuckDBPyConnection, table: str, source: Path, header_lines: int) -> None:
    """`table`_lines (line_no, line): every line after the header, 1 = the line right after it; an
    empty line is NULL."""
    # \x01 as delimiter and no quoting: DuckDB hands over each line whole (etl/formats/delimited.py)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {table}_text AS
        SELECT line FROM read_csv(?, delim = '\x01', quote = '', escape = '', header = false,
                                  skip = ?, auto_detect = false, columns = {{'line': 'VARCHAR'}},
                                  strict_mode = false, encoding = 'utf-8')""",
        [str(source), header_lines],
    )
    # rowids follow the file's order; inside a transaction they start at a large offset
    first = con.execute(f"SELECT coalesce(min(rowid), 0) FROM {table}_text").fetchall()[0][0]
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {table}_lines AS SELECT rowid - {int(first)} + 1 AS line_no, line "
        f"FROM {table}_text"
    )


def _quoted_records(
    con: duckdb.DuckDBPyConnection, table: str, separator: str, newline: str, ends_with_newline: bool, width: int
) -> tuple[list[tuple[int, list[str]]] | None, list[int]]:
    """The records `csv.reader` reads from the lines SQL does not split (with a quote, or without the
    separator), as (first line, fields), blank records left out; and the lines a quoted field took from
    the lines SQL would split (they belong to the record above them). None for the records when every
    line is one SQL splits (the usual export). A quote left open swallows lines (`unclosed_quote`): those
    lines are then read one by one, SQL splitting the ones it can."""
    flagged = con.execute(
        f"""SELECT line_no, line FROM {table}_lines
            WHERE line IS NOT NULL AND (contains(line, '"') OR NOT contains(line, ?)) ORDER BY line_no""",
        [separator],
    ).fetchall()
    if not flagged:
        return None, []
    last_line = con.execute(f"SELECT count(*) FROM {table}_lines").fetchall()[0][0]
    fetched: dict[int, str] = {}

    def text_of(line_no: int) -> str:
        if line_no not in fetched:
            rows = con.execute(
                f"SELECT line_no, line FROM {table}_lines WHERE line_no BETWEEN ? AND ?",
                [line_no, line_no + _FETCH_AHEAD],
            ).fetchall()
            fetched.clear()
            fetched.update((number, line or "") for number, line in rows)
        return fetched[line_no]

    records: list[tuple[int, list[str]]] = []
    continued: list[int] = []
    # the line a record began on while csv.reader still reads it, and the lines it was given for it
    # (number, text, whether SQL would have split it)
    state = {"open_at": None, "line": 0, "own": []}

    def terminated(line_no: int, line: str) -> str:
        return line + newline if line_no < last_line or ends_with_newline else line

    def lines():
        for number, line in flagged:
            # a quoted field left open: the lines up to this one are part of it
            if state["open_at"] is not None:
                for between in range(state["line"] + 1, number):
                    continued.append(between)
                    state["line"] = between
                    state["own"].append((between, text_of(between), True))
                    yield terminated(between, text_of(between))
            else:
                state["open_at"], state["own"] = number, []
            state["line"] = number
            state["own"].append((number, line or "", False))
            yield terminated(number, line or "")
        if state["open_at"] is not None:  # a quote never closed: csv.reader reads to the end of the file
            for between in range(state["line"] + 1, last_line + 1):
                continued.append(between)
                state["own"].append((between, text_of(between), True))
                yield terminated(between, text_of(between))

    reader = csv.reader(lines(), delimiter=separator)
    for record in reader:
        began, own = state["open_at"], state["own"]
        state["open_at"] = None
        if not record or (len(record) == 1 and not record[0].strip()):
            continue
        if not unclosed_quote(record, [text for _, text, _ in own], separator, width):
            records.append((began, record))
            continue
        split_by_sql = {number for number, _, by_sql in own if by_sql}
        continued[:] = [number for number in continued if number not in split_by_sql]
        records.extend((number, text.split(separator)) for number, text, by_sql in own if not by_sql and text.strip())
    return records, continued


def _fits(fields: list[str], width: int) -> bool:
    """The header's number of fields, or more with only empty ones past it (Excel's trailing separators)."""
    return len(fields) == width or (len(fields) > width and not any(f.strip() for f in fields[width:]))


def unclosed_quote(record: list[str], lines: list[str], separator: str, width: int) -> bool:
    """Whether a record is a quote that was never meant to open a field: it runs over several lines, its first
    line alone has the header's number of fields, and either the record does not have them or its quotes do
    not pair up (an odd number: one was never closed, and took the rest of the file). The quote is then a
    character of the text, as in `5" scherm` or `"Grote hoop`: its lines are read one by one with the quote
    as a character, so the rows it would swallow are not lost inside one refused row."""
    if len(lines) < 2 or not _fits(lines[0].split(separator), width):
        return False
    return not _fits(record, width) or sum(line.count('"') for line in lines) % 2 == 1


def _records_of_text(text: str, header_index: int, separator: str, width: int) -> list[tuple[int, list[str]]]:
    """Every record of the text after the header line, by `csv.reader` alone, numbered in order (a quote
    left open: its lines one by one, as `_quoted_records` reads them)."""
    body = text.split("\n", header_index)[header_index] if header_index else text
    own: list[str] = []

    def lines():
        for line in _LINES.findall(body):
            own.append(line)
            yield line

    reader = csv.reader(lines(), delimiter=separator)
    next(reader, None)  # the header, read apart
    own.clear()
    records = []
    for record in reader:
        given, own[:] = [_LINE_END.sub("", line) for line in own], []
        if not unclosed_quote(record, given, separator, width):
            records.append(record)
        else:
            records.extend(line.split(separator) for line in given)
    records = [r for r in records if r and not (len(r) == 1 and not r[0].strip())]
    return list(zip(itertools.count(1), records))


_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_LINE_END = re.compile(r"(?:\r\n|\r|\n)$")


def _store_records(
    con: duckdb.DuckDBPyConnection,
    table: str,
    continued: list[int] | None,
    records: list[tuple[int, list[str]]] | None,
    separator: str,
    columns: list[str],
) -> None:
    """Number the records and put them in `table` (the header's number of fields) or `table`_malformed.

    `records`: csv.reader's (first line, fields), None when there are none; `continued`: the lines a
    quoted field took, None when csv.reader read the whole text (and `records` are all there are)."""
    separator_sql = "'" + separator.replace("'", "''") + "'"  # the separator as an SQL literal
    parts = []
    if continued is not None:
        skipped = ""
        if continued:
            con.register(f"{table}_continued", pd.DataFrame({"line_no": pd.Series(continued, dtype="int64")}))
            skipped = f"AND line_no NOT IN (SELECT line_no FROM {table}_continued)"
        parts.append(
            f"""SELECT line_no, line, string_split(line, {separator_sql}) AS fields FROM {table}_lines
                WHERE line IS NOT NULL AND contains(line, {separator_sql}) AND NOT contains(line, '"') {skipped}"""
        )
    if records is not None:
        python_rows = pa.table(
            {
                "line_no": pa.array([number for number, _ in records], pa.int64()),
                "fields": pa.array([fields for _, fields in records], pa.list_(pa.string())),
            }
        )
        con.register(f"{table}_python", python_rows)
        parts.append(f"SELECT line_no, NULL::VARCHAR AS line, fields FROM {table}_python")
    # row numbers count records, so blank lines take none: when every line is a record SQL splits, the
    # line number is the row number (no sort of a million rows)
    every_line_a_record = (
        records is None
        and continued is not None
        and not con.execute(f"SELECT count(*) FROM {table}_lines WHERE line IS NULL").fetchall()[0][0]
    )
    numbered = "line_no" if every_line_a_record else "row_number() OVER (ORDER BY line_no)"
    width = len(columns)
    # more fields than the header, all empty past its last name: the trailing separators Excel writes
    trailing_only = (
        f"len(fields) > {width} AND list_filter(fields[{width + 1}:], lambda f: {sql_strip('f')} <> '') = []"
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {table}_all AS
            SELECT {numbered} AS row_number, line, fields, len(fields) AS field_count,
                   len(fields) = {width} OR ({trailing_only}) AS fits
            FROM ({" UNION ALL ".join(parts)})"""
    )
    selected = ", ".join(f"fields[{i + 1}] AS {quoted(name)}" for i, name in enumerate(columns))
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {table} AS
            SELECT row_number,
                   CASE WHEN line IS NOT NULL AND field_count = {width} THEN line
                        ELSE array_to_string(fields[1:{width}], {separator_sql}) END AS raw_text,
                   {selected}
            FROM {table}_all WHERE fits"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {table}_malformed AS
            SELECT row_number, coalesce(line, array_to_string(fields, {separator_sql})) AS raw_text,
                   'rij heeft ' || field_count || ' velden in plaats van {width}' AS reason
            FROM {table}_all WHERE NOT fits"""
    )
    con.execute(f"DROP TABLE {table}_all")
    if records is not None:
        con.unregister(f"{table}_python")
    if continued:
        con.unregister(f"{table}_continued")


def drop_records(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """The reader's temp tables, once the loader has what it needs."""
    for name in (table, f"{table}_malformed", f"{table}_text"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    con.execute(f"DROP VIEW IF EXISTS {table}_lines")
