"""Reading tabular exports (CSV or XLSX) as they really come: any of `,` `;` tab `|`, UTF-8 or
Windows-1252, quoted fields with line breaks, rows with a wrong number of fields.

Every record becomes a row of strings with its row number (1 = first data row); records that do not
fit the header are kept aside with a reason, never dropped.
"""
from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass
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
    malformed: pd.DataFrame          # row_number, raw_text, reason
    delimiter: str
    encoding: str

    @property
    def rows_in(self) -> int:
        return len(self.frame) + len(self.malformed)


def normalise_header(name: str) -> str:
    """'Created Date' -> 'created_date'; 'Datum melding' -> 'datum_melding'."""
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower().lstrip("\ufeff")).strip("_")


def read_table(path: str | Path) -> RawTable:
    path = Path(path)
    try:
        head = path.open("rb").read(8192)
    except OSError as error:
        raise UnusableInput(f"kan {path} niet lezen: {error.strerror}") from error
    if head.startswith(_ZIP_MAGIC):
        return _read_xlsx(path)
    if b"\x00" in head:
        raise UnusableInput(f"{path.name} is geen tekstbestand (CSV) en geen Excel-bestand (XLSX)")
    text, encoding = _decode(path)
    return _read_delimited(text, encoding, path.name)


def _decode(path: Path) -> tuple[str, str]:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        # Belgian Excel exports are often Windows-1252; it decodes every byte but five
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as error:
            raise UnusableInput(f"{path.name}: tekens niet leesbaar als UTF-8 of Windows-1252") from error


def _sniff_delimiter(header_line: str, name: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    if counts[best] == 0:
        raise UnusableInput(f"{name}: geen kolommen gevonden in de eerste regel (scheidingsteken ; , tab of |)")
    return best


def _read_delimited(text: str, encoding: str, name: str) -> RawTable:
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        return _empty(encoding)
    delimiter = _sniff_delimiter(first_line, name)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(records)
    columns = [normalise_header(h) for h in header]
    if len(set(columns)) != len(columns) or "" in columns:
        raise UnusableInput(f"{name}: de kopregel heeft lege of dubbele kolomnamen: {header}")
    width = len(columns)
    good: list[list[str]] = []
    good_numbers: list[int] = []
    bad: list[tuple[int, str, str]] = []
    number = 0
    for record in records:
        if not record or (len(record) == 1 and not record[0].strip()):
            continue  # blank lines are not records
        number += 1
        if len(record) > width and not any(v.strip() for v in record[width:]):
            record = record[:width]  # trailing separators, as Excel writes them
        if len(record) != width:
            bad.append((number, delimiter.join(record), f"rij heeft {len(record)} velden in plaats van {width}"))
            continue
        good.append(record)
        good_numbers.append(number)
    frame = pd.DataFrame(good, columns=columns, dtype="string") if good else \
        pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
    frame["row_number"] = pd.Series(good_numbers, dtype="int64")
    frame["raw_text"] = joined_fields(frame, columns, delimiter)
    malformed = pd.DataFrame(bad, columns=["row_number", "raw_text", "reason"])
    return RawTable(columns, frame, malformed, delimiter, encoding)


def joined_fields(frame: pd.DataFrame, columns: list[str], delimiter: str) -> pd.Series:
    """Each row's fields joined by the file's delimiter: the raw text kept with a quarantined row."""
    if frame.empty:
        return pd.Series(dtype="string")
    return functools.reduce(lambda acc, col: acc + delimiter + frame[col].fillna(""),
                            columns[1:], frame[columns[0]].fillna(""))


def _empty(encoding: str) -> RawTable:
    frame = pd.DataFrame({"row_number": pd.Series(dtype="int64"), "raw_text": pd.Series(dtype="string")})
    return RawTable([], frame, pd.DataFrame(columns=["row_number", "raw_text", "reason"]), ",", encoding)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        # openpyxl gives naive datetimes for date-formatted cells: local time, ISO text
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path) -> RawTable:
    import openpyxl  # only when an XLSX arrives

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise UnusableInput(f"{path.name} is geen leesbaar Excel-bestand: {error}") from error
    sheet = book.worksheets[0]
    lines = []
    for row in sheet.iter_rows(values_only=True):
        cells = [_cell_text(v) for v in row]
        while cells and cells[-1] == "":
            cells.pop()
        lines.append(cells)
    book.close()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    width = len(lines[0]) if lines else 0
    for cells in lines:
        if any(cells):
            # empty trailing cells are simply absent in XLSX: pad to the header's width
            writer.writerow(cells + [""] * (width - len(cells)))
    return _read_delimited(buffer.getvalue(), "xlsx", path.name)
