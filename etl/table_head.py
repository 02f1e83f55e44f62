"""The head of a large table, and the labels of its columns counted without loading it.

The import page shows the first rows of an upload and, for the label columns, every distinct label with
its rows. A 1.000.000-row export read whole (etl/tables.py `read_table`: every record into pandas) takes
seconds of interpreter time in the request. Here the preview parses only the first megabyte (or the first
rows of a worksheet) with the same header finder and record reader as the load, and the labels are
counted by DuckDB streaming over the file (its CSV reader runs outside the interpreter lock), so no
request holds the server for the whole file.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from civ.errors import UnusableInput
from etl import tables

HEAD_BYTES = 1 << 17  # 128 KB: the header search's 30 lines and the preview's rows, many times over
HEAD_SHEET_ROWS = 400  # header search (30 rows) + title rows + the preview's rows, with room to spare
_COUNT_CHUNK = 1 << 22


@dataclass
class Head:
    table: tables.RawTable  # the header and the first records, parsed as the load parses them
    whole: bool  # the head is the whole file
    rows_estimate: int  # data rows in the whole file (lines after the header; exact when `whole`)


def read_head(
    path: str | Path,
    known: set[str] | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    delimiter: str | None = None,
) -> Head:
    """The header and the first records of a CSV or XLSX, read from its start only."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(HEAD_BYTES + 1)
    except OSError as error:
        raise UnusableInput(f"kan {path} niet lezen: {error.strerror}") from error
    if data.startswith(tables._ZIP_MAGIC):
        return _sheet_head(path, known, header_row, sheet)
    whole = len(data) <= HEAD_BYTES
    encoding = encoding or tables.detect_encoding(data[:8192])
    if b"\x00" in data[:8192] and not encoding.startswith("utf-16"):
        raise UnusableInput(f"{path.name} is geen tekstbestand (CSV) en geen Excel-bestand (XLSX)")
    text = _decoded_head(data[:HEAD_BYTES], encoding, whole, path.name)
    table = tables._read_delimited(text, encoding.replace("-sig", ""), path.name, known, header_row, delimiter)
    if whole:
        return Head(table, True, table.rows_in)
    lines = _line_count(path, encoding) - table.header_line
    return Head(table, False, max(lines, table.rows_in))


def _decoded_head(data: bytes, encoding: str, whole: bool, name: str) -> str:
    """The bytes as text, cut after the last complete line when the file goes on."""
    for codec in (encoding, "cp1252"):
        try:
            text = codecs.getincrementaldecoder(codec)().decode(data, final=whole)
            break
        except (UnicodeDecodeError, LookupError):
            continue
    else:
        raise UnusableInput(f"{name}: tekens niet leesbaar als {encoding} of Windows-1252")
    text = text.lstrip("\ufeff")
    return text if whole else text[: text.rfind("\n") + 1]


def _line_count(path: Path, encoding: str) -> int:
    """Lines in the file, read in chunks (a 60 MB file in a few hundredths of a second)."""
    newline = "\n".encode(encoding.replace("-sig", "")) if encoding.startswith("utf-16") else b"\n"
    newline = newline.lstrip(b"\xff\xfe").lstrip(b"\xfe\xff") if encoding == "utf-16" else newline
    count, last = 0, b""
    with path.open("rb") as handle:
        while chunk := handle.read(_COUNT_CHUNK):
            count += chunk.count(newline)
            last = chunk
    return count + (1 if last and not last.endswith(newline) else 0)


def _sheet_head(path: Path, known: set[str] | None, header_row: int | None, sheet_name: str | None) -> Head:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise UnusableInput(f"{path.name} is geen leesbaar Excel-bestand: {error}") from error
    try:
        if sheet_name is not None and sheet_name not in book.sheetnames:
            raise UnusableInput(f"{path.name} heeft geen werkblad '{sheet_name}' (wel: {', '.join(book.sheetnames)})")
        limit = max(HEAD_SHEET_ROWS, (header_row or 0) + HEAD_SHEET_ROWS)
        candidates = [book[sheet_name]] if sheet_name is not None else list(book.worksheets)
        heads = [(_rows(s, limit), s.max_row or 0) for s in candidates]
        lines, max_row = max(heads, key=lambda head: tables._header_matches(head[0], known))
    finally:
        book.close()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    width = max((len(cells) for cells in lines[:30]), default=0)
    for cells in lines:
        writer.writerow(cells + [""] * (width - len(cells)) if any(cells) else [])
    table = tables._read_delimited(buffer.getvalue(), "xlsx", path.name, known, header_row)
    whole = len(lines) < limit
    return Head(table, whole, table.rows_in if whole else max(max_row - table.header_line, table.rows_in))


def _rows(sheet, limit: int) -> list[list[str]]:
    lines = []
    for row in sheet.iter_rows(values_only=True, max_row=limit):
        cells = [tables._cell_text(v) for v in row]
        while cells and cells[-1] == "":
            cells.pop()
        lines.append(cells)
    return lines


def _utf8(path: Path, encoding: str) -> tuple[Path, bool]:
    """The file as UTF-8 for DuckDB's reader: itself, or a copy beside it decoded as the load decodes it
    (Windows-1252, UTF-16: DuckDB reads neither as the load does). (path, whether it is a copy)."""
    if encoding.startswith("utf-8"):
        return path, False
    copy = path.with_name(path.name + ".utf8.tmp")
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    with path.open("rb") as source, copy.open("w", encoding="utf-8", newline="") as target:
        while chunk := source.read(_COUNT_CHUNK):
            target.write(decoder.decode(chunk))
        target.write(decoder.decode(b"", final=True))
    return copy, True


def count_labels(path: str | Path, head: Head, columns: list[str]) -> dict[str, list[tuple[str, int]]]:
    """column -> [(label, rows)], most rows first, for the named (normalised) columns of a delimited file,
    counted by DuckDB over the whole file after the header line. Labels are trimmed; empty cells are no label."""
    import duckdb

    table = head.table
    indexes = {c: table.columns.index(c) for c in columns if c in table.columns}
    if not indexes:
        return {}
    # one more column than the header: rows with a trailing separator still fit
    names = {f"c{i}": "VARCHAR" for i in range(len(table.columns) + 1)}
    # one scan of the file: each row gives one (column, label) pair per label column
    cells = ", ".join(f"trim(c{index}, ' \t\r\n')" for index in indexes.values())
    positions = ", ".join(str(i) for i in range(len(indexes)))
    source, transcoded = _utf8(Path(path), table.encoding)
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        found = con.execute(
            f"""WITH rows AS (
                    SELECT * FROM read_csv(?, delim = ?, quote = '"', escape = '"', header = false, skip = ?,
                                           columns = {names!r}, null_padding = true, strict_mode = false,
                                           ignore_errors = true, encoding = ?, auto_detect = false)
                ), pairs AS (
                    SELECT unnest([{positions}]) AS col, unnest([{cells}]) AS label FROM rows
                )
                SELECT col, label, count(*) AS n FROM pairs WHERE label <> ''
                GROUP BY col, label ORDER BY col, n DESC, label""",
            [str(source), table.delimiter, table.header_line, "utf-8"],
        ).fetchall()
    finally:
        con.close()
        if transcoded:
            source.unlink(missing_ok=True)
    result: dict[str, list[tuple[str, int]]] = {c: [] for c in indexes}
    names_by_position = list(indexes)
    for position, label, rows in found:
        result[names_by_position[position]].append((label, int(rows)))
    return result
