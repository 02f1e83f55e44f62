"""Delimited text (CSV with `,`, `;` or tab) read line by line in DuckDB, split into fields in SQL.

Why not `read_csv` with typed columns: every line of the file must reach the store or the
quarantine with its exact text and its line number, including lines with a wrong field count,
which `read_csv` would drop (or report apart, with approximate line text). So DuckDB reads each
line as one VARCHAR (fast, parallel, order kept) and SQL splits it; only lines that contain a
quote take the slower quote-aware path. (The fixes loader reads a plain file typed, etl/fixes_reader.py,
and sends only the lines it cannot vouch for here, with `load_lines(..., rows=)`.)

Rules a user can rely on:
- the header is found as for every other file (etl/tables.py `read_header`): the first line whose
  names match the loader's columns best, so title rows above it are skipped; names are normalised
  by the one header normaliser (`Datum/tijd` = `datum_tijd`, `Snelheid (km/u)` = `snelheid_km_u`),
  and each loader lists the aliases it accepts; a mapping profile can name the columns instead,
  and a field can be several columns joined with a space (a date column plus a time column);
- the separator is whichever of `;`, `,`, tab or `|` occurs most in the header;
- a trailing empty header column (a `;` at the end of every line) is no column;
- blank lines are not rows; row 1 is the line right after the header, and a row's number is
  its line in the file minus the header line (blank lines keep their place in the count);
- text is UTF-8 (with or without BOM), UTF-16 with a BOM, else read as Latin-1 (what Windows-1252
  exports mostly are).
"""

from __future__ import annotations

import codecs
import csv
import functools
import tempfile
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from civ.errors import UnusableInput
from etl.tables import detect_encoding, is_xlsx, read_header, xlsx_as_text

SNIFF_BYTES = 1 << 16
SEPARATOR_NAMES = {";": "puntkomma", ",": "komma", "\t": "tab", "|": "verticale streep"}


def sniff(path: str | Path) -> bytes:
    """The first 64 KB; UnusableInput when they look binary (a zip, an image, a database) and are
    not an XLSX (which `inspect` reads as its text)."""
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if is_xlsx(head):
        return head
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    if b"\x00" in head or control > len(head) // 100:
        raise UnusableInput(f"{Path(path).name} is geen tekstbestand (binaire inhoud)")
    return head


@dataclass
class DelimitedFile:
    path: Path
    separator: str
    encoding: str  # DuckDB's name: 'utf-8', 'utf-16' or 'latin-1'
    header_lines: int  # lines up to and including the header
    header: list[str]  # normalised names, in file order
    columns: dict[str, int]  # canonical name -> 0-based field index (the first, when joined)
    joined: dict[str, list[int]] = field(default_factory=dict)  # canonical name -> all its fields
    spelled: list[str] = field(default_factory=list)  # the header as the file spells it
    trailing_empty: int = 0  # empty header cells after the last name

    def index(self, name: str) -> int | None:
        return self.columns.get(name)

    def used(self) -> dict[str, list[str]]:
        return {name: [self.spelled[i] for i in self.joined.get(name, [index])] for name, index in self.columns.items()}

    def ignored(self) -> list[str]:
        taken = {i for name, index in self.columns.items() for i in self.joined.get(name, [index])}
        return [name for i, name in enumerate(self.spelled) if i not in taken]


def inspect(
    path: str | Path, aliases: dict[str, tuple[str, ...]], required: tuple[str, ...], expected: str, profile=None
) -> DelimitedFile | None:
    """Read the header and map it to canonical names; None for a file without any text.

    `aliases` maps each canonical column to the header spellings accepted for it; a `profile`
    (etl/profiles.py) names the columns itself. A missing `required` column makes the file unusable
    (exit 2), with `expected` shown as the template.
    """
    path = Path(path)
    head = sniff(path)
    mapping = profile.normalised_columns() if profile else {}
    known = {a for names in aliases.values() for a in names} | {c for cs in mapping.values() for c in cs}
    if is_xlsx(head):
        # a tracker portal's Excel export: its sheet as `;` text in a temporary file, read as a CSV
        text_path = _xlsx_as_csv_file(path, known, profile.file.get("sheet") if profile else None)
    elif _lone_carriage_returns(head):
        text_path = _universal_newlines_file(path)  # Excel for Mac's "CSV (Macintosh)"
    else:
        return _inspect_text(path, head, path.name, known, mapping, aliases, required, expected, profile)
    try:
        file = _inspect_text(
            text_path,
            text_path.read_bytes()[:SNIFF_BYTES],
            path.name,
            known,
            mapping,
            aliases,
            required,
            expected,
            profile,
        )
    except BaseException:
        text_path.unlink(missing_ok=True)
        raise
    if file is None:
        text_path.unlink(missing_ok=True)
    else:  # gone when the loader no longer holds the file, or at exit
        weakref.finalize(file, functools.partial(text_path.unlink, missing_ok=True))
    return file


def _inspect_text(
    path: Path, head: bytes, file_name: str, known: set[str], mapping: dict, aliases, required, expected, profile
) -> DelimitedFile | None:
    python_encoding = (profile.file.get("encoding") if profile else None) or detect_encoding(head)
    encoding = (
        "utf-16"
        if python_encoding.lower().startswith("utf-16")
        else "utf-8"
        if python_encoding.lower().replace("_", "-").startswith("utf-8")
        else "latin-1"
    )
    if encoding == "utf-8" and not (profile and profile.file.get("encoding")) and not _utf8_throughout(path):
        encoding = "latin-1"  # UTF-8 in the head only: a Windows export whose first accented letter comes late
    text = head.decode("latin-1" if encoding == "latin-1" else python_encoding, errors="replace").lstrip("\ufeff")
    lines = [line.rstrip("\r") for line in text.split("\n")]  # as DuckDB counts lines
    # the last line of the sample may be cut in the middle: never a header
    found = read_header(
        lines[:-1] if len(lines) > 1 else lines, file_name, known, profile.header_row if profile else None
    )
    if found is None:
        return None
    header_at, separator, header, cells, trailing = (
        found.index,
        found.separator,
        found.names,
        found.spelled,
        found.trailing_empty,
    )
    if profile:
        profile.check_columns(header)
    columns, joined = {}, {}
    for canonical, names in mapping.items():
        joined[canonical] = [header.index(n) for n in names]
        columns[canonical] = joined[canonical][0]
    for canonical, spellings in aliases.items():
        found = [i for i, name in enumerate(header) if name in spellings]
        if found and canonical not in columns:
            columns[canonical] = found[0]
    missing = [name for name in required if name not in columns]
    if missing:
        raise UnusableInput(
            f"{file_name}: kolom {', '.join(missing)} ontbreekt in de kopregel "
            f"(gevonden: {', '.join(header)}; verwacht {expected}"
            f"{'' if profile else ', of geef de kolommen op in een profiel: --profile'})"
        )
    return DelimitedFile(path, separator, encoding, header_at + 1, header, columns, joined, cells, trailing)


def _utf8_throughout(path: Path, chunk: int = 1 << 24) -> bool:
    """Whether the whole file is UTF-8 (DuckDB stops at the first byte that is not). Blocks of plain ASCII
    are only looked at, so a file of ten million fixes costs about the time to read it from the cache."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while block := handle.read(chunk):
                if not (block.isascii() and not decoder.getstate()[0]):  # ASCII needs no decoding
                    decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _lone_carriage_returns(head: bytes) -> bool:
    """Lines ended by a carriage return alone (not UTF-16, whose bytes this does not read)."""
    return b"\x00" not in head and head.count(b"\r") != head.count(b"\r\n")


def _universal_newlines_file(path: Path) -> Path:
    """A temporary copy of `path` whose lines end in a newline, as Python's text files read them: DuckDB's
    line reader then counts the same lines (`inspect` removes it with its DelimitedFile)."""
    data = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    handle = tempfile.NamedTemporaryFile("wb", suffix=path.suffix or ".csv", prefix="civ-lines-", delete=False)
    with handle:
        handle.write(data)
    return Path(handle.name)


def _xlsx_as_csv_file(path: Path, known: set[str], sheet: str | None) -> Path:
    """The XLSX's sheet as a temporary UTF-8 text file (`inspect` removes it with its DelimitedFile)."""
    text = xlsx_as_text(path, known, sheet, one_line_cells=True)
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".csv", prefix="civ-xlsx-", delete=False)
    with handle:
        handle.write(text)
    return Path(handle.name)


def load_lines(con: duckdb.DuckDBPyConnection, file: DelimitedFile, table: str, rows: str | None = None) -> None:
    """Temp view `table`(row_number, raw_text, fields) with one row per non-blank data line.

    Only the line text is stored (table `table`_text); the row number and the split into fields
    are views, so a 50-million-line file is held once, and a query that needs only raw_text (the
    quarantine) never splits. `rows` (SQL giving row_number) keeps only those lines: the few a
    typed read left for the line reader.
    """
    sep = file.separator
    # \x01 as delimiter and no quoting: DuckDB hands over each line whole.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {table}_text AS
        SELECT line FROM read_csv(?, delim = '\x01', quote = '', escape = '', header = false,
                                  skip = ?, auto_detect = false, columns = {{'line': 'VARCHAR'}},
                                  strict_mode = false, encoding = ?)""",
        [str(file.path), file.header_lines, file.encoding],
    )
    # rowids follow insertion order, which DuckDB keeps as file order; inside a transaction they
    # start at a large offset, hence the first one. The row number is computed in the view, not
    # stored: a copy of 10 million lines would cost seconds and half a gigabyte.
    first_rowid = int(con.execute(f"SELECT coalesce(min(rowid), 0) FROM {table}_text").fetchall()[0][0])
    con.execute(f"""CREATE OR REPLACE TEMP VIEW {table}_numbered AS
        SELECT rowid - {first_rowid} + 1 AS row_number, line AS raw_text FROM {table}_text
        -- = trim(line) <> '' (trim removes spaces only), with trim only for lines that start with one:
        -- five times faster on millions of lines
        WHERE line <> '' AND (NOT starts_with(line, ' ') OR trim(line) <> '')""")
    if rows is not None:
        con.execute(f"""CREATE OR REPLACE TEMP TABLE {table}_kept AS
            SELECT * FROM {table}_numbered SEMI JOIN ({rows}) r USING (row_number)""")
        con.execute(f"DROP TABLE {table}_text")  # the view above goes with it: the kept lines replace it
        con.execute(f"CREATE OR REPLACE TEMP VIEW {table}_numbered AS SELECT * FROM {table}_kept")
    # the separator is one of ',', ';', tab or '|' (never user text); only '|' is special in a regex
    pattern_sep = "\\|" if sep == "|" else sep
    quoted_field = f'(?:^|{pattern_sep})("(?:[^"]|"")*"|[^{pattern_sep}"]*)'
    con.execute(f"""CREATE OR REPLACE TEMP VIEW {table} AS
        SELECT row_number, raw_text,
               CASE WHEN contains(raw_text, '"')
                    THEN list_transform(regexp_extract_all(raw_text, '{quoted_field}', 1),
                             lambda x: CASE WHEN len(x) >= 2 AND starts_with(x, '"') AND ends_with(x, '"')
                                            THEN replace(x[2:-2], '""', '"') ELSE x END)
                    ELSE string_split(raw_text, '{sep}') END AS fields
        FROM {table}_numbered""")


def field_sql(file: DelimitedFile, name: str) -> str:
    """SQL for the canonical column `name` of a line (NULL when the file has no such column); a
    field made of several columns is their texts joined with a space."""
    index = file.index(name)
    if index is None:
        return "NULL::VARCHAR"
    indexes = file.joined.get(name, [index])
    if len(indexes) == 1:
        return f"fields[{index + 1}]"
    return "nullif(trim(concat_ws(' ', " + ", ".join(f"trim(fields[{i + 1}])" for i in indexes) + ")), '')"


def field_count_problem_sql(file: DelimitedFile) -> str:
    """SQL for the Dutch reason of a line whose field count differs from the header's."""
    n = len(file.header)
    sep = SEPARATOR_NAMES[file.separator]
    # a line with the header's trailing separators (or its own) has empty fields past the last column
    extra = (
        f" AND NOT (len(fields) BETWEEN {n} AND {n + max(file.trailing_empty, 1)} "
        f"AND list_filter(fields[{n + 1}:], lambda f: trim(f) <> '') = [])"
    )
    return (
        f"CASE WHEN len(fields) <> {n}{extra} THEN 'regel heeft ' || len(fields) || ' velden, "
        f"de kopregel {n} (scheidingsteken: {sep})' END"
    )


def sample_rows(file: DelimitedFile, count: int = 200) -> list[list[str]]:
    """The first data rows, split by the file's separator (from the first 64 KB)."""
    with open(file.path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    text = head.decode("latin-1" if file.encoding == "latin-1" else file.encoding, errors="replace").lstrip("\ufeff")
    lines = [line.rstrip("\r") for line in text.split("\n")][file.header_lines : -1]
    return [row for row in csv.reader([line for line in lines if line.strip()][:count], delimiter=file.separator)]


def join_date_and_time(
    file: DelimitedFile, name: str, date_names: tuple[str, ...], time_names: tuple[str, ...]
) -> None:
    """When the column found for `name` holds only times (14:30, 16u23) and a date column exists, or
    holds only dates and a time column exists, the field becomes the two joined: a time-only column
    is never the whole timestamp."""
    from etl.formats.canonical import date_and_time

    if name in file.joined or file.index(name) is None:
        return
    import pandas as pd

    rows = sample_rows(file)
    frame = pd.DataFrame(
        {h: [r[i] if i < len(r) else "" for r in rows] for i, h in enumerate(file.header)}, dtype="string"
    )
    current = file.header[file.index(name)]
    dates = [current] + [h for h in date_names if h in file.header and h != current]
    found = date_and_time(frame, dates, [h for h in time_names if h in file.header])
    if len(found) == 2:
        file.joined[name] = [file.header.index(c) for c in found]
        file.columns[name] = file.joined[name][0]
