"""Reading tabular exports (CSV or XLSX) as they really come: any of `,` `;` tab `|`, UTF-8 (with or
without BOM), UTF-16 (Excel's "Unicode text") or Windows-1252, quoted fields with line breaks, rows
with a wrong number of fields, title rows above the header, a trailing empty header column.

The one header normaliser (`normalise_header`) and the one header finder (`find_header`) serve
every kind of file: reports, fixes, devices, hot spots and projects.

Every record becomes a row of strings with its row number (1 = first data row); records that do not
fit the header are kept aside with a reason, never dropped.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from civ.errors import UnusableInput

DELIMITERS = [";", ",", "\t", "|"]
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class RawTable:
    """All cells as text. `frame` has one column per header name plus `row_number`, `raw_text`."""

    columns: list[str]
    frame: pd.DataFrame
    malformed: pd.DataFrame  # row_number, raw_text, reason
    delimiter: str
    encoding: str
    header: list[str] = field(default_factory=list)  # the header as the file spells it
    title_lines: int = 0  # non-blank lines above the header
    header_line: int = 1  # 1-based line (XLSX: row) of the header
    decimal: str | None = None  # the decimal sign the user stated (',' or '.'); None: either is read

    @property
    def rows_in(self) -> int:
        return len(self.frame) + len(self.malformed)


def skip_matching_rows(table: RawTable, profile) -> RawTable:
    """Rows matching the profile's skip_rows_matching (a totals row) go to the quarantine with that
    reason: accounted for, never loaded, never silently gone."""
    pattern = profile.skip_pattern if profile else None
    if pattern is None or table.frame.empty:
        return table
    hit = table.frame["raw_text"].fillna("").map(lambda text: bool(pattern.search(text)))
    skipped = table.frame.loc[hit, ["row_number", "raw_text"]].assign(reason=skip_reason(pattern))
    malformed = pd.concat([table.malformed, skipped], ignore_index=True) if len(skipped) else table.malformed
    return replace(table, frame=table.frame.loc[~hit].reset_index(drop=True), malformed=malformed)


def skip_reason(pattern: re.Pattern) -> str:
    """The quarantine reason of a row the profile's skip_rows_matching skips, the same for every kind."""
    return f"rij overgeslagen: past bij skip_rows_matching '{pattern.pattern}' van het profiel"


def skip_problem_sql(con, pattern: re.Pattern | None, read_problem: str, name: str) -> str:
    """For the loaders that split lines in SQL (fixes, devices): `read_problem` (SQL over `raw_text`)
    with the skip reason first for a line matching the pattern; the pattern reaches SQL as data in the
    one-row temp table `name`, never as SQL text."""
    if pattern is None:
        return read_problem
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT ?::VARCHAR AS pattern, ?::VARCHAR AS reason",
        [pattern.pattern, skip_reason(pattern)],
    )
    return (
        f"CASE WHEN regexp_matches(raw_text, (SELECT pattern FROM {name})) THEN (SELECT reason FROM {name}) "
        f"ELSE {read_problem} END"
    )


def normalise_header(name: str) -> str:
    """'Created Date' -> 'created_date'; 'Datum melding' -> 'datum_melding'; 'Snelheid (km/u)' ->
    'snelheid_km_u'; 'Categorieën' -> 'categorieen'; 'Dossiernr.' -> 'dossiernr'."""
    plain = unicodedata.normalize("NFKD", str(name).strip().lstrip("\ufeff").lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", "_", plain).strip("_")


def detect_encoding(head: bytes) -> str:
    """Python codec of a text file from its first bytes: a BOM decides (UTF-8, UTF-16); UTF-16
    without BOM shows as every other byte zero; else UTF-8 when it decodes, else Windows-1252."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and head[0::2].count(0) == 0:
        return "utf-16-le"
    if len(head) >= 4 and head[0::2].count(0) > len(head) // 4 and head[1::2].count(0) == 0:
        return "utf-16-be"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        # a multi-byte character cut at the end of the sample is still UTF-8
        return "utf-8" if error.start >= len(head) - 3 else "cp1252"


def find_header(
    lines: list[str],
    known: set[str] | None = None,
    header_row: int | None = None,
    max_lines: int = 30,
    delimiter: str | None = None,
) -> tuple[int, str]:
    """(index of the header line in `lines`, separator).

    With `header_row` (1-based, as a profile says) that line. Else the first line among the first
    `max_lines` whose cells match most of the `known` column names; when none matches, the first
    line with the most non-empty cells. Title rows ("Meldingen januari 2026", an empty row) sit
    above it and are not data. A `delimiter` the user chose (a profile's `delimiter`) is taken as it is;
    else the one that occurs most in the line."""
    separator_of = (lambda _line: delimiter) if delimiter else _best_separator
    if header_row is not None:
        index = header_row - 1
        if not 0 <= index < len(lines) or not lines[index].strip():
            raise UnusableInput(f"header_row = {header_row}: die regel is leeg of bestaat niet")
        return index, separator_of(lines[index])
    best = None
    for index, line in enumerate(lines[:max_lines]):
        if not line.strip():
            continue
        separator = separator_of(line)
        cells = [normalise_header(c) for c in next(csv.reader([line], delimiter=separator), [])]
        filled = sum(1 for c in cells if c)
        matches = sum(1 for c in cells if known and c in known)
        score = (matches, filled if not known or matches == 0 else 0)
        if filled >= 2 and (best is None or score > best[0]):
            best = (score, index, separator)
    if best is None:
        first = next((i for i, line in enumerate(lines) if line.strip()), 0)
        return first, separator_of(lines[first]) if lines else ","
    return best[1], best[2]


@dataclass
class Header:
    """The header line of a delimited text as found and normalised, the same for every kind of file."""

    index: int  # 0-based line of the header among the lines given
    separator: str
    spelled: list[str]  # the names as the file spells them (stripped)
    names: list[str]  # normalised (normalise_header)
    trailing_empty: int  # empty cells after the last name (a trailing separator)
    title_lines: int  # non-blank lines above the header


def read_header(
    lines: list[str],
    name: str,
    known: set[str] | None = None,
    header_row: int | None = None,
    delimiter: str | None = None,
) -> Header | None:
    """Find the header among `lines` (find_header), split it, drop a trailing empty column and normalise
    the names; None for text without any line. Every reader of delimited text (reports, fixes, devices,
    hot spots, projects; CSV and XLSX) calls this one function, so a header means the same everywhere.

    Unusable (UnusableInput): a first line without any separator when no header row was given, and
    empty or repeated column names."""
    if not any(line.strip() for line in lines):
        return None
    index, separator = find_header(lines, known, header_row, delimiter=delimiter)
    if index == 0 and header_row is None and delimiter is None and not any(d in lines[0] for d in DELIMITERS):
        raise UnusableInput(f"{name}: geen kolommen gevonden in de kopregel (scheidingsteken ; , tab of |)")
    cells = next(csv.reader([lines[index]], delimiter=separator), [])
    trailing = 0
    while cells and not cells[-1].strip():
        cells, trailing = cells[:-1], trailing + 1  # a trailing separator, as the data rows have it
    names = [normalise_header(c) for c in cells]
    if len(set(names)) != len(names) or "" in names:
        raise UnusableInput(f"{name}: de kopregel heeft lege of dubbele kolomnamen: {[c.strip() for c in cells]}")
    title_lines = sum(1 for line in lines[:index] if line.strip(" \r" + separator))
    return Header(index, separator, [c.strip() for c in cells], names, trailing, title_lines)


def _best_separator(line: str) -> str:
    return max(DELIMITERS, key=line.count)


def read_table(
    path: str | Path,
    known: set[str] | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
) -> RawTable:
    """Every record of a CSV or XLSX as text; `known` column names help find the header line; `delimiter`
    (a CSV's separator as the user chose it) overrides the one found in the header line; `decimal` is
    kept with the table for the loaders that read numbers written with thousands separators."""
    path = Path(path)
    try:
        head = path.open("rb").read(8192)
    except OSError as error:
        raise UnusableInput(f"kan {path} niet lezen: {error.strerror}") from error
    if is_xlsx(head):
        table = _read_xlsx(path, known, header_row, sheet)
    else:
        # the one CSV reader (etl/records.py: DuckDB, csv.reader's records); here its rows become a DataFrame
        from etl import records

        file = records.inspect(path, known, header_row, encoding, delimiter)
        table = (
            _empty((encoding or detect_encoding(head)).replace("-sig", "")) if file is None else records.as_table(file)
        )
    table.decimal = decimal
    return table


def _read_delimited(
    text: str,
    encoding: str,
    name: str,
    known: set[str] | None = None,
    header_row: int | None = None,
    chosen_delimiter: str | None = None,
) -> RawTable:
    """A delimited text in memory (an XLSX sheet as text, the head of a file) read by the one CSV reader."""
    from etl import records

    file = records.inspect_text(text, name, encoding, known, header_row, chosen_delimiter)
    return _empty(encoding) if file is None else records.as_table(file)


def plain_number(text: pd.Series, decimal: str | None) -> pd.Series:
    """Numbers as written with a stated decimal sign, without thousands separators: with decimal ','
    '150.123,45' -> '150123,45'; with decimal '.' '150,123.45' -> '150123.45'. Without a stated sign the
    text is left as it is (the loaders read ',' and '.' both as the decimal sign)."""
    if decimal not in (",", "."):
        return text
    return text.str.replace("." if decimal == "," else ",", "", regex=False)


def joined_fields(frame: pd.DataFrame, columns: list[str], delimiter: str) -> pd.Series:
    """Each row's fields joined by the file's delimiter: the raw text kept with a quarantined row."""
    if frame.empty:
        return pd.Series(dtype="string")
    return functools.reduce(
        lambda acc, col: acc + delimiter + frame[col].fillna(""), columns[1:], frame[columns[0]].fillna("")
    )


def _empty(encoding: str) -> RawTable:
    frame = pd.DataFrame({"row_number": pd.Series(dtype="int64"), "raw_text": pd.Series(dtype="string")})
    return RawTable([], frame, pd.DataFrame(columns=["row_number", "raw_text", "reason"]), ",", encoding)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        # openpyxl gives naive datetimes for date-formatted cells: local time, ISO text
        # a date cell (midnight) as a date, so a separate time column can be joined to it
        if hasattr(value, "hour") and hasattr(value, "date") and (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ") if hasattr(value, "hour") and hasattr(value, "date") else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet_lines(sheet) -> list[list[str]]:
    lines = []
    for row in sheet.iter_rows(values_only=True):
        cells = [_cell_text(v) for v in row]
        while cells and cells[-1] == "":
            cells.pop()
        lines.append(cells)
    return lines


def _read_xlsx(path: Path, known: set[str] | None, header_row: int | None, sheet_name: str | None) -> RawTable:
    return _read_delimited(xlsx_as_text(path, known, sheet_name), "xlsx", path.name, known, header_row)


def is_xlsx(head: bytes) -> bool:
    """An XLSX (a zip) from its first bytes."""
    return head.startswith(_ZIP_MAGIC)


def xlsx_as_text(path: Path, known: set[str] | None, sheet_name: str | None, one_line_cells: bool = False) -> str:
    """The sheet (by name, else the one whose header matches `known` best) as `;`-separated text, one
    line per sheet row, empty rows kept as blank lines so row numbers stay those of the sheet.
    `one_line_cells`: a line break inside a cell becomes a space, for the loaders that read line by line."""
    import openpyxl  # only when an XLSX arrives

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise UnusableInput(f"{path.name} is geen leesbaar Excel-bestand: {error}") from error
    try:
        if sheet_name is not None:
            if sheet_name not in book.sheetnames:
                raise UnusableInput(
                    f"{path.name} heeft geen werkblad '{sheet_name}' (wel: {', '.join(book.sheetnames)})"
                )
            lines = _sheet_lines(book[sheet_name])
        else:
            # the sheet whose header matches our fields best; the first sheet on a tie
            candidates = [_sheet_lines(s) for s in book.worksheets]
            lines = max(candidates, key=lambda rows: _header_matches(rows, known))
    finally:
        book.close()
    if one_line_cells:
        lines = [[re.sub(r"\s*[\r\n]+\s*", " ", cell) for cell in cells] for cells in lines]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    width = max((len(cells) for cells in lines[:30]), default=0)
    for cells in lines:
        # empty rows keep their place (the header row number counts them); empty trailing cells are
        # simply absent in XLSX: pad to the widest row near the top
        writer.writerow(cells + [""] * (width - len(cells)) if any(cells) else [])
    return buffer.getvalue()


def _header_matches(rows: list[list[str]], known: set[str] | None) -> int:
    return max((sum(1 for c in cells if normalise_header(c) in (known or ())) for cells in rows[:30]), default=0)
