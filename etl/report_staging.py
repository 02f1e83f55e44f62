"""A file of reports to the temp table `stage` the validation reads (etl/reports.py), in the store's
transaction, with DuckDB doing the work on the rows.

A CSV is read by etl/records.py straight into DuckDB; an XLSX is read by etl/tables.py and its rows are
handed to DuckDB; from there both take the same steps, in SQL: rows matching the profile's
skip_rows_matching go to the quarantine, reporter identities become pseudonyms (each distinct identity
hashed once), the canonical template's fields are taken from their columns (the other formats map their
rows in pandas, etl/formats), and labels become codes by joining small tables made from each column's
distinct values (a million rows hold a few dozen labels). Lambert x/y become degrees in pyproj, only for
the rows that have them.

Temp tables it leaves: `stage` (formats.STAGING_COLUMNS, the address columns and the codes) and
`rd_malformed` (row_number, raw_text, reason): the rows that did not fit the header or were skipped.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

import duckdb
import numpy as np
import pandas as pd

from civ.reference import normalise_labels, per_distinct
from etl import records
from etl.formats import STAGING_COLUMNS, ReportFormat, canonical
from etl.geocoding import ADDRESS_FIELDS, with_address_columns
from etl.number_shapes import SAMPLE, belgian_crs, decimal_sign
from etl.pseudonyms import pseudonym
from etl.records import RecordFile, quoted, sql_strip
from etl.tables import RawTable, skip_reason

RECORDS = "rd"  # the reader's temp table; `rd_malformed` beside it
PERSONAL_COLUMNS = ("reporter", "melder", "naam_melder")
YES_NO = {
    "ja": True,
    "j": True,
    "yes": True,
    "y": True,
    "true": True,
    "waar": True,
    "1": True,
    "x": True,
    "nee": False,
    "n": False,
    "no": False,
    "false": False,
    "onwaar": False,
    "0": False,
}
_MAILBOX = re.compile(r"^pro\W?bleem\s*box\W*(\d{1,2})$")
_TEXT_COLUMNS = [c for c in STAGING_COLUMNS if c != "row_number"] + list(ADDRESS_FIELDS.values())


@dataclasses.dataclass
class Source:
    """A file of reports as read before the store is opened: a CSV's header (its rows are read in the
    store's transaction), or a whole XLSX sheet."""

    columns: list[str]
    header: list[str]
    delimiter: str
    text: RecordFile | None = None
    sheet: RawTable | None = None
    decimal: str | None = None


@dataclasses.dataclass
class Staged:
    """What staging found: rows in the file, the columns each field came from (canonical), the x/y system."""

    rows_in: int
    used: dict[str, list[str]] | None
    staged_rows: int
    crs: str


def read_rows(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    """The file's rows into the temp tables `rd` (row_number, raw_text, one column per header name) and
    `rd_malformed`."""
    if source.text is not None:
        records.read_records(con, source.text, RECORDS)
        return
    table = source.sheet
    con.register("rd_sheet", table.frame)
    columns = ", ".join(f"{quoted(c)}::VARCHAR AS {quoted(c)}" for c in table.columns)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {RECORDS} AS SELECT row_number::BIGINT AS row_number, "
        f"raw_text::VARCHAR AS raw_text{', ' if columns else ''}{columns} FROM rd_sheet"
    )
    con.unregister("rd_sheet")
    con.register("rd_sheet_malformed", table.malformed)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {RECORDS}_malformed AS SELECT row_number::BIGINT AS row_number, "
        "raw_text::VARCHAR AS raw_text, reason::VARCHAR AS reason FROM rd_sheet_malformed"
    )
    con.unregister("rd_sheet_malformed")


def skip_matching_rows(con: duckdb.DuckDBPyConnection, pattern: re.Pattern | None) -> None:
    """Rows matching the profile's skip_rows_matching (a totals row) go to the quarantine with that
    reason: accounted for, never loaded (the same rule as etl/tables.skip_problem_sql for the other kinds)."""
    if pattern is None:
        return
    con.execute(
        f"""INSERT INTO {RECORDS}_malformed SELECT row_number, raw_text, $reason FROM {RECORDS}
            WHERE regexp_matches(coalesce(raw_text, ''), $pattern)""",
        {"reason": skip_reason(pattern), "pattern": pattern.pattern},
    )
    con.execute(
        f"DELETE FROM {RECORDS} WHERE regexp_matches(coalesce(raw_text, ''), $pattern)", {"pattern": pattern.pattern}
    )


def pseudonymise(con: duckdb.DuckDBPyConnection, source: Source, key: bytes) -> None:
    """Reporter identities become pseudonyms before anything is staged, raw text included; each distinct
    identity is hashed once."""
    personal = [c for c in source.columns if c in PERSONAL_COLUMNS]
    if not personal:
        return
    replaced = []
    for column in personal:
        values = [row[0] for row in con.execute(f"SELECT DISTINCT {quoted(column)} FROM {RECORDS}").fetchall()]
        names = pd.DataFrame(
            {
                "identity": pd.Series(values, dtype="string"),
                "pseudonym": pd.Series(
                    [pseudonym(key, v.strip()) if v is not None and v.strip() else "" for v in values], dtype="string"
                ),
            }
        )
        con.register(f"rd_names_{len(replaced)}", names)
        replaced.append(column)
    joins = " ".join(
        f"LEFT JOIN rd_names_{i} n{i} ON r.{quoted(c)} IS NOT DISTINCT FROM n{i}.identity"
        for i, c in enumerate(replaced)
    )
    fields = [
        f"coalesce(n{replaced.index(c)}.pseudonym, '')" if c in replaced else f"coalesce(r.{quoted(c)}, '')"
        for c in source.columns
    ]
    separator = "'" + source.delimiter.replace("'", "''") + "'"
    swapped = ", ".join(f"n{i}.pseudonym AS {quoted(c)}" for i, c in enumerate(replaced))
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {RECORDS} AS
            SELECT r.* REPLACE ({swapped}, concat_ws({separator}, {", ".join(fields)}) AS raw_text)
            FROM {RECORDS} r {joins}"""
    )
    for i in range(len(replaced)):
        con.unregister(f"rd_names_{i}")
    malformed = con.execute(f"SELECT row_number, raw_text, reason FROM {RECORDS}_malformed").df()
    if len(malformed):
        positions = [source.columns.index(c) for c in personal]
        malformed["raw_text"] = [_mask_fields(t, source.delimiter, positions, key) for t in malformed["raw_text"]]
        con.register("rd_masked", malformed)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {RECORDS}_malformed AS SELECT * FROM rd_masked")
        con.unregister("rd_masked")


def _mask_fields(text: str, delimiter: str, positions: list[int], key: bytes) -> str:
    fields = text.split(delimiter)
    for position in positions:
        if position < len(fields) and fields[position].strip():
            fields[position] = pseudonym(key, fields[position])
    return delimiter.join(fields)


def sample_table(con: duckdb.DuckDBPyConnection, source: Source, rows: int = 5000) -> RawTable:
    """The first rows as a RawTable: what the column resolution looks at (etl/formats/canonical.py)."""
    frame = con.execute(f"SELECT * FROM {RECORDS} ORDER BY row_number LIMIT {int(rows)}").df()
    return _raw_table(source, frame)


def whole_table(con: duckdb.DuckDBPyConnection, source: Source) -> RawTable:
    """Every row as a RawTable, for the formats that map their rows in pandas (police-uk, open311)."""
    return _raw_table(source, con.execute(f"SELECT * FROM {RECORDS} ORDER BY row_number").df())


def counted_table(con: duckdb.DuckDBPyConnection, source: Source) -> RawTable:
    """A RawTable with as many (empty) rows as the file has records, for etl/formats.require_columns."""
    rows = con.execute(
        f"SELECT (SELECT count(*) FROM {RECORDS}) + (SELECT count(*) FROM {RECORDS}_malformed)"
    ).fetchall()
    return _raw_table(source, pd.DataFrame(index=range(rows[0][0])))


def _raw_table(source: Source, frame: pd.DataFrame) -> RawTable:
    frame = frame.astype({c: "string" for c in source.columns + ["raw_text"] if c in frame.columns})
    malformed = pd.DataFrame(columns=["row_number", "raw_text", "reason"])
    return RawTable(source.columns, frame, malformed, source.delimiter, "", source.header, decimal=source.decimal)


def _field_sql(columns: list[str], present: list[str]) -> str:
    """etl/profiles.joined in SQL: the columns stripped, joined with a space, empty as NULL."""
    parts = [sql_strip(f"coalesce({quoted(c)}, '')") for c in columns if c in present]
    if not parts:
        return "NULL::VARCHAR"
    text = parts[0]
    for part in parts[1:]:
        text = sql_strip(f"{text} || ' ' || {part}")
    return f"nullif({text}, '')"


# the staging columns whose labels become codes, and the canonical field each comes from
LABEL_FIELDS = {
    "category_text": "category",
    "channel_text": "channel",
    "status_text": "status",
    "gas_text": "gas",
    "area_text": "area",
}


def stage_canonical(con: duckdb.DuckDBPyConnection, source: Source, used: dict[str, list[str]]) -> dict[str, str]:
    """etl/formats/canonical.stage_mapped in SQL: temp view `stage_input` from `rd`. Returns, per label
    column, SQL for its distinct values: the field computed on the distinct texts of its columns only."""

    def field(name: str) -> str:
        return _field_sql(used.get(name, []), source.columns)

    fields = {name: field(name) for name in canonical.COLUMNS}
    # x/y written with thousands separators ('150.123,45') are read by the decimal sign stated, else shown
    sign = source.decimal or decimal_sign(
        pd.Series(_first_values(con, fields["x"]) + _first_values(con, fields["y"]), dtype="string")
    )
    thousands = {",": "'.'", ".": "','"}.get(sign)
    for name in ("x", "y"):
        fields[name] = f"replace({fields[name]}, {thousands}, '')" if thousands else fields[name]
    # a deelgemeente column also tells equal street names apart (etl/geocoding.with_address_columns)
    fields["place"] = f"coalesce({fields['place']}, {fields['area']})"
    address = ", ".join(f"{fields[name]} AS {column}" for name, column in ADDRESS_FIELDS.items())
    # a view: each query computes only the fields it reads, and the checks read them all once
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW stage_input AS
            SELECT row_number, raw_text, {fields["id"]} AS source_id, {fields["reported_at"]} AS reported_text,
                   {fields["closed_at"]} AS closed_text, {fields["category"]} AS category_text,
                   {fields["category"]} AS source_category, {fields["channel"]} AS channel_text,
                   {fields["mailbox"]} AS channel_detail, {fields["status"]} AS status_text,
                   {fields["lat"]} AS lat_text, {fields["lon"]} AS lon_text,
                   {fields["x"]} AS x_text, {fields["y"]} AS y_text,
                   {fields["area"]} AS area_text, {fields["description"]} AS description, {fields["gas"]} AS gas_text,
                   {fields["reporter"]} AS reporter_text, {address}
            FROM {RECORDS}"""
    )
    distinct = {}
    for column, name in LABEL_FIELDS.items():
        present = [quoted(c) for c in used.get(name, []) if c in source.columns]
        distinct[column] = (
            f"SELECT DISTINCT {fields[name]} AS value FROM (SELECT DISTINCT {', '.join(present)} FROM {RECORDS})"
            if present
            else "SELECT NULL::VARCHAR AS value"
        )
    return distinct


def _first_values(con: duckdb.DuckDBPyConnection, field_sql: str) -> list[str]:
    """The first SAMPLE non-empty values of a field, in file order."""
    rows = con.execute(
        f"""SELECT value FROM (SELECT row_number, {field_sql} AS value FROM {RECORDS})
            WHERE value IS NOT NULL ORDER BY row_number LIMIT {SAMPLE}"""
    ).fetchall()
    return [row[0] for row in rows]


def stage_frame(con: duckdb.DuckDBPyConnection, staged: pd.DataFrame) -> dict[str, str]:
    """A format's staging frame (etl/formats) as the temp table `stage_input`; returns, per label column,
    SQL for its distinct values."""
    frame = with_address_columns(staged)
    con.register("stage_frame", frame)
    text = ", ".join(f"{c}::VARCHAR AS {c}" for c in _TEXT_COLUMNS)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE stage_input AS SELECT row_number::BIGINT AS row_number, {text} FROM stage_frame"
    )
    con.unregister("stage_frame")
    return {column: f"SELECT DISTINCT {column} AS value FROM stage_input" for column in LABEL_FIELDS}


def coordinate_system(con: duckdb.DuckDBPyConnection, stated: str | None) -> tuple[str, pd.DataFrame]:
    """The x/y system (the profile's, else the one their size shows, else Lambert 72) and the rows that
    have x or y (row_number, x_text, y_text), with the first rows of the file."""
    xy = con.execute(
        f"""SELECT row_number, x_text, y_text FROM stage_input
            WHERE x_text IS NOT NULL OR y_text IS NOT NULL
               OR row_number IN (SELECT row_number FROM stage_input ORDER BY row_number LIMIT {SAMPLE})
            ORDER BY row_number"""
    ).df()
    xy = xy.astype({"x_text": "string", "y_text": "string"})
    return str(stated or belgian_crs(xy["x_text"], xy["y_text"]) or "EPSG:31370"), xy


def lambert_to_wgs84(x_text: pd.Series, y_text: pd.Series, crs: str = "EPSG:31370") -> tuple[np.ndarray, np.ndarray]:
    """x/y in Lambert 72, or in the profile's `crs`, as WGS84 lat/lon."""
    x = pd.to_numeric(x_text.str.replace(",", ".", regex=False), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    y = pd.to_numeric(y_text.str.replace(",", ".", regex=False), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    lat = np.full(len(x), np.nan)
    lon = np.full(len(x), np.nan)
    present = ~(np.isnan(x) | np.isnan(y))
    if present.any():
        from etl.profiles import crs_transformer

        to_wgs84 = crs_transformer(crs)
        lon[present], lat[present] = to_wgs84.transform(x[present], y[present])
    return lat, lon


def _codes(
    con: duckdb.DuckDBPyConnection, distinct_sql: str, name: str, transform: Callable[[pd.Series], dict]
) -> None:
    """Temp table `name`(text, …): each distinct value (`distinct_sql`) once, with what `transform` (string
    Series of the distinct values -> columns) makes of it."""
    values = [r[0] for r in con.execute(f"SELECT value FROM ({distinct_sql}) WHERE value IS NOT NULL").fetchall()]
    distinct = pd.Series(values, dtype="string")
    con.register(f"{name}_frame", pd.DataFrame({"text": distinct, **transform(distinct)}))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_frame")
    con.unregister(f"{name}_frame")


def lookups(
    con: duckdb.DuckDBPyConnection,
    report_format: ReportFormat,
    values: dict[str, dict[str, str]] | None,
    xy: pd.DataFrame,
    crs: str,
    distinct: dict[str, str],
) -> None:
    """Temp table `stage`: `stage_input` with labels mapped to codes (a profile's [values.…] tables come
    first) and Lambert x/y as degrees."""
    values = values or {}

    def aliases(table: str, code: str) -> dict[str, str]:
        rows = con.execute(
            f"SELECT alias, {code}, source FROM {table} WHERE source IN ('*', ?) ORDER BY source = '*' DESC",
            [report_format.name],
        ).fetchall()
        return {alias: value for alias, value, _ in rows}  # format-specific rows come last and win

    categories = aliases("category_aliases", "category_code") | values.get("category", {})
    channels = aliases("channel_aliases", "channel_code") | values.get("channel", {})
    statuses = aliases("status_aliases", "status_code") | values.get("status", {})
    area_names = {}
    areas = con.execute("SELECT code, name, level FROM areas ORDER BY level = 'submunicipality'").fetchall()
    for code, name, _level in areas:  # sub-municipalities come last and win a shared name (Merchtem)
        area_names[name.lower()] = code
        area_names[code.lower()] = code
    for label, target in values.get("area", {}).items():
        area_names[label] = area_names.get(target.lower(), target)

    def category(text: pd.Series) -> dict:
        code = normalise_labels(text).map(categories).astype("string")
        if report_format.unknown_category:
            code = code.mask(code.isna(), report_format.unknown_category)
        return {"code": code}

    def channel(text: pd.Series) -> dict:
        key = normalise_labels(text)
        mailbox = per_distinct(key, lambda k: k.str.extract(_MAILBOX, expand=False))
        return {
            "mailbox": mailbox.str.zfill(2).astype("string"),
            "code": key.map(channels).astype("string").mask(mailbox.notna(), "probleembox"),
        }

    def area(text: pd.Series) -> dict:
        key = normalise_labels(text).str.replace(r"\s*\(.*\)$", "", regex=True)
        return {"code": key.map(area_names).astype("string")}

    _codes(con, distinct["category_text"], "codes_category", category)
    _codes(con, distinct["channel_text"], "codes_channel", channel)
    _codes(
        con,
        distinct["status_text"],
        "codes_status",
        lambda t: {"code": normalise_labels(t).map(statuses).astype("string")},
    )
    _codes(
        con, distinct["gas_text"], "codes_gas", lambda t: {"value": normalise_labels(t).map(YES_NO).astype("boolean")}
    )
    _codes(con, distinct["area_text"], "codes_area", area)
    located = xy[xy["x_text"].notna() & xy["y_text"].notna()]
    lat, lon = lambert_to_wgs84(located["x_text"], located["y_text"], crs)
    con.register(
        "lambert_frame",
        pd.DataFrame({"row_number": located["row_number"].to_numpy(), "lam_lat": lat, "lam_lon": lon}),
    )
    con.execute("CREATE OR REPLACE TEMP TABLE lambert_points AS SELECT * FROM lambert_frame")
    con.unregister("lambert_frame")
    # a view: the checks read it once (etl/reports.py)
    con.execute("""
        CREATE OR REPLACE TEMP VIEW stage AS
        SELECT s.* REPLACE (coalesce(s.channel_detail, ch.mailbox) AS channel_detail),
               cat.code AS category_code, ch.code AS channel_code, st.code AS status_code, gas.value AS gas_value,
               ar.code AS area_code_given, lp.lam_lat::DOUBLE AS lam_lat, lp.lam_lon::DOUBLE AS lam_lon
        FROM stage_input s
        LEFT JOIN codes_category cat ON s.category_text = cat.text
        LEFT JOIN codes_channel ch ON s.channel_text = ch.text
        LEFT JOIN codes_status st ON s.status_text = st.text
        LEFT JOIN codes_gas gas ON s.gas_text = gas.text
        LEFT JOIN codes_area ar ON s.area_text = ar.text
        LEFT JOIN lambert_points lp ON s.row_number = lp.row_number""")


def discard(source: Source | None) -> None:
    """The reader's temporary copy of a file that is not UTF-8, if one is left."""
    if source is not None and source.text is not None:
        source.text.remove_copy()
