"""Load a file of reports (meldingen): read → stage → validate in SQL → quarantine / dedupe → upsert.

Every row of the file ends as exactly one of: loaded (new or an update of the same id from the
same source), quarantined with a Dutch reason, or a duplicate (same id and same content again).

Keep the report, flag the field. A row is refused (quarantined) only when the report itself is not
usable: no usable date, no category after mapping, a location outside the territory, a wrong number
of fields, a repeated id with other data. A wrong *secondary* field keeps the report: the field is
cleared or defaulted and a remark is stored with the row (table row_remarks): a closing date before
the report or in the future (dropped), a date-only closing date on the day of the report (read as
that day), an unknown status or channel (onbekend), unusable coordinates (unlocated), an unknown
area (the area of the point), a GAS value that is not yes or no (no).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from civ import store, territory
from civ.errors import UnusableInput
from etl import records, report_staging
from etl.formats import ReportFormat, canonical, detect, require_columns
from etl.geocoding import place_reports
from etl.profiles import Profile, check_values, profile_hash
from etl.progress import Progress
from etl.progress import report as report_progress
from etl.pseudonyms import load_key
from etl.tables import is_xlsx, normalise_header, read_table
from etl.timestamps import (
    checked_zone,
    hours_minutes_sql,
    timestamp_problem_sql,
    timestamp_sql,
)


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """'W,S,E,N' in degrees -> tuple, or UnusableInput with the expected form."""
    if text is None:
        return None
    try:
        west, south, east, north = (float(v) for v in str(text).split(","))
    except ValueError:
        raise UnusableInput(f"--bbox '{text}' moet vier getallen zijn: W,S,E,N (bv. 4.13,50.87,4.34,51.0)") from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise UnusableInput(f"--bbox '{text}': verwacht west < oost en zuid < noord, in graden")
    return west, south, east, north


_OTHER_FORMAT_COLUMNS = {"unique_key", "created_date", "complaint_type", "crime_id", "month", "crime_type"}
NO_ID_WARNING = (
    "geen id-kolom gevonden: elke melding krijgt een id uit de inhoud van de rij, dus een latere "
    "export met gewijzigde meldingen telt die dubbel; geef de kolom op met --id-column KOLOM "
    'of id = "KOLOM" in het profiel'
)


def load_reports_file(
    db: str | os.PathLike,
    path: str | os.PathLike,
    fmt: str = "auto",
    bbox: str | None = None,
    tz: str | None = None,
    is_demo: bool = False,
    profile: Profile | None = None,
    id_column: str | None = None,
    progress: Progress | None = None,
) -> store.LoadResult:
    """Load one file of reports as one batch; `progress(stage, rows done, rows in)` is called when the
    file is read, its rows checked and stored (etl.progress)."""
    mapping = profile.normalised_columns() if profile else {}
    file_options = profile.file if profile else {}
    known = canonical.known_columns() | _OTHER_FORMAT_COLUMNS | {c for cs in mapping.values() for c in cs}
    source = _open_source(path, known, file_options)
    try:
        return _load_source(db, path, source, fmt, bbox, tz, is_demo, profile, id_column, progress, mapping)
    finally:
        report_staging.discard(source)


def _open_source(path, known: set[str], file_options: dict) -> report_staging.Source:
    """The file's header (a CSV: its rows are read in the store's transaction) or a whole XLSX sheet,
    before the store is opened: an unusable file writes nothing."""
    try:
        head = Path(path).open("rb").read(8)
    except OSError as error:
        raise UnusableInput(f"kan {path} niet lezen: {error.strerror}") from error
    options = {k: file_options.get(k) for k in ("header_row", "encoding", "delimiter")}
    if is_xlsx(head):
        sheet = read_table(path, known=known, sheet=file_options.get("sheet"), **options)
        return report_staging.Source(sheet.columns, sheet.header, sheet.delimiter, sheet=sheet)
    text = records.inspect(path, known, **options)
    if text is None:  # no text at all: no rows
        sheet = read_table(path, known=known, **options)
        return report_staging.Source(sheet.columns, sheet.header, sheet.delimiter, sheet=sheet)
    return report_staging.Source(
        text.columns, text.header, text.delimiter, text=text, decimal=file_options.get("decimal")
    )


def _load_source(db, path, source, fmt, bbox, tz, is_demo, profile, id_column, progress, mapping) -> store.LoadResult:
    file_options = profile.file if profile else {}
    if source.sheet is not None:
        source.decimal = file_options.get("decimal")
    if profile:
        profile.check_columns(source.columns)
    if id_column:
        if normalise_header(id_column) not in source.columns:
            raise UnusableInput(
                f"--id-column '{id_column}' staat niet in het bestand (wel: {', '.join(source.header)})"
            )
        mapping["id"] = [normalise_header(id_column)]
    if mapping:
        report_format = dataclasses.replace(canonical.FORMAT, name=str(file_options.get("source", "canonical")))
    else:
        report_format = detect(source, fmt)
    zone = checked_zone(tz or (profile.timezone if profile else None) or report_format.default_tz)
    box = parse_bbox(bbox)
    required = {
        "reported_at/datum": canonical.COLUMNS["reported_at"],
        "category/categorie": canonical.COLUMNS["category"],
    }
    is_canonical = report_format.stage is canonical.FORMAT.stage
    if (
        is_canonical
        and not mapping
        and any(not any(a in source.columns for a in aliases) for aliases in required.values())
    ):
        # refused only when the file has rows, which only reading it shows (before the store is opened)
        with _rows_apart(source, profile) as con:
            require_columns(report_staging.counted_table(con, source), "canonical", required)
    key = load_key(db)
    warnings, found = [], []

    def load(con: duckdb.DuckDBPyConnection, batch_id: int) -> store.BatchCounts:
        check_values(profile, con)
        report_staging.read_rows(con, source)
        report_staging.skip_matching_rows(con, profile.skip_pattern if profile else None)
        report_staging.pseudonymise(con, source, key)
        if is_canonical:
            used = canonical.resolve_columns(report_staging.sample_table(con, source), mapping)
            distinct = report_staging.stage_canonical(con, source, used)
        else:
            used = None
            distinct = report_staging.stage_frame(con, report_format.stage(report_staging.whole_table(con, source)))
        staged_rows, malformed_rows = con.execute(
            "SELECT (SELECT count(*) FROM stage_input), (SELECT count(*) FROM rd_malformed)"
        ).fetchall()[0]
        if used is not None and "id" not in used and staged_rows:
            warnings.append(NO_ID_WARNING)
        rows_in = staged_rows + malformed_rows
        report_progress(progress, "read", rows_in, rows_in)
        # x/y in the system the profile states, else the one their size shows (Lambert 72 when unclear)
        crs, xy = report_staging.coordinate_system(con, file_options.get("crs"))
        report_staging.lookups(con, report_format, profile.values if profile else {}, xy, crs, distinct)
        _record_details(con, batch_id, source, profile)
        found.append(used)
        counts = _load_staged(con, batch_id, staged_rows, malformed_rows, report_format, zone, box, progress)
        found.append(place_reports(con, batch_id))  # addresses to points, in the same transaction
        if found[-1].considered:
            counts.remarks = _record_geocoding_remarks(con, batch_id)
        report_progress(progress, "stored", counts.rows_in, counts.rows_in)
        return counts

    options = {"tz": zone, "bbox": bbox, "profile": profile_hash(profile), "id_column": id_column}
    result = store.run_batch(
        db, kind="reports", file=path, fmt=report_format.name, options=options, load=load, is_demo=is_demo
    )
    result.warnings = warnings
    if found and found[-1].considered:
        result.geocoding = found[-1].as_json()
    used = found[0] if found else (_columns_of_loaded_file(source, profile, mapping) if is_canonical else None)
    if used is not None:
        result.columns_used = {
            field: [source.header[source.columns.index(c)] for c in cs] for field, cs in used.items()
        }
        taken = {c for cs in used.values() for c in cs}
        result.columns_ignored = [h for h, c in zip(source.header, source.columns) if c not in taken]
    return result


def _columns_of_loaded_file(source: report_staging.Source, profile: Profile | None, mapping: dict) -> dict:
    """The columns each field comes from, for a file loaded before (the load did not run again)."""
    with _rows_apart(source, profile) as con:
        return canonical.resolve_columns(report_staging.sample_table(con, source), mapping)


@contextlib.contextmanager
def _rows_apart(source: report_staging.Source, profile: Profile | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The file's rows read into a DuckDB of their own (not the store), the profile's skipped rows apart."""
    with duckdb.connect() as con:
        report_staging.read_rows(con, source)
        report_staging.skip_matching_rows(con, profile.skip_pattern if profile else None)
        yield con


def _record_details(con, batch_id: int, source: report_staging.Source, profile: Profile | None) -> None:
    """What `quarantine retry` needs to read this batch's refused rows again."""
    con.execute(
        "INSERT OR REPLACE INTO batch_details (batch_id, header, delimiter, profile_name) VALUES (?, ?, ?, ?)",
        [
            batch_id,
            json.dumps(source.header or source.columns, ensure_ascii=False),
            source.delimiter,
            profile.name if profile else None,
        ],
    )


def _territory(con, box) -> tuple[tuple[float, float, float, float], str, territory.Outline | None]:
    """The box checked in SQL, the name in the reason, and the outline checked after (none with --bbox).
    A store without a territory refuses the load; the file's points (temp table `stage`) propose one."""
    if box:
        return box, f"kader {','.join(str(v) for v in box)}", None
    found = territory.current(con) or territory.require(
        con, *_points_given(con.execute("SELECT lat_text, lon_text, lam_lat, lam_lon FROM stage").df())
    )
    outline = found.outline
    west, south, east, north = outline.widened_bounds() if outline else found.bbox
    return (west, south, east, north), found.place, outline


def _points_given(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """lat, lon as the file gives them (degrees, else Lambert x/y): only to propose a territory."""

    def number(column: str) -> np.ndarray:
        text = frame[column].astype("string").str.replace(",", ".", regex=False)
        return pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)

    lat, lon = number("lat_text"), number("lon_text")
    given = ~np.isnan(lat)
    return np.where(given, lat, frame["lam_lat"]), np.where(given, lon, frame["lam_lon"])


def _check_outline(con, outline: territory.Outline | None, name: str) -> None:
    """Inside the box is not inside the territory: a point in the box but outside the (widened) outline
    is quarantined with the same reason."""
    if outline is None:
        return
    points = con.execute("SELECT row_number, lat, lon FROM checked WHERE reason IS NULL AND lat IS NOT NULL").df()
    outside = points[~outline.contains(points["lat"].to_numpy(), points["lon"].to_numpy())]
    if outside.empty:
        return
    con.register("outside_frame", outside)
    con.execute(
        """UPDATE checked SET reason = 'locatie ' || replace(round(o.lat, 5)::VARCHAR, '.', ',') || ' / '
                          || replace(round(o.lon, 5)::VARCHAR, '.', ',') || ' ligt buiten het grondgebied: ' || ?
                   FROM outside_frame o WHERE checked.row_number = o.row_number""",
        [name],
    )
    con.unregister("outside_frame")


_DATE_ONLY_SQL = r"'^(\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{1,2}-\d{1,2}|\d{5})$'"


def _joined(parts: list[str]) -> str:
    """The parts that are not NULL joined by '; ', NULL when none is (concat_ws skips NULLs: no list per row)."""
    return f"nullif(concat_ws('; ', {', '.join(parts)}), '')"


def _validation_sql(report_format: ReportFormat, zone: str) -> str:
    reported = timestamp_sql("reported_text", zone, day_first=report_format.day_first, excel_serial=True)
    closed = timestamp_sql("closed_text", zone, day_first=report_format.day_first, excel_serial=True)
    expected = report_format.expected_date
    inside = "(lon BETWEEN $west AND $east AND lat BETWEEN $south AND $north)"
    swapped_inside = "(lat BETWEEN $west AND $east AND lon BETWEEN $south AND $north)"
    # refused: the report itself is not usable
    refusals = [
        "CASE WHEN reported_text IS NULL THEN 'meldingsdatum ontbreekt' END",
        timestamp_problem_sql("reported_text", "reported_at", "meldingsdatum", expected),
        "CASE WHEN reported_at > now() + INTERVAL 1 DAY THEN 'meldingsdatum ' || reported_text || ' ligt in de toekomst' END",
        "CASE WHEN category_text IS NULL THEN 'categorie ontbreekt' "
        "WHEN category_code IS NULL THEN 'categorie ''' || category_text || ''' is onbekend' END",
        f"""CASE
            WHEN coordinate_remark IS NOT NULL OR lat IS NULL THEN NULL
            WHEN NOT {inside} AND {swapped_inside}
                 THEN 'breedte- en lengtegraad lijken verwisseld (' || coalesce(lat_text, '') || ' / ' || coalesce(lon_text, '') || ')'
            WHEN NOT {inside}
                 THEN 'locatie ' || replace(round(lat, 5)::VARCHAR, '.', ',') || ' / ' || replace(round(lon, 5)::VARCHAR, '.', ',')
                      || ' ligt buiten het grondgebied: ' || $territory
        END""",
    ]
    # kept with a remark: a secondary field is cleared or defaulted, the report stays
    remarks = [
        "closed_remark",
        "CASE WHEN channel_text IS NOT NULL AND channel_code IS NULL "
        "THEN 'kanaal ''' || channel_text || ''' is onbekend: geladen als onbekend' END",
        "CASE WHEN status_text IS NOT NULL AND status_code IS NULL "
        "THEN 'status ''' || status_text || ''' is onbekend: geladen als onbekend' END",
        "CASE WHEN gas_text IS NOT NULL AND gas_value IS NULL "
        "THEN 'GAS-waarde ''' || gas_text || ''' is geen ja of nee: geladen als nee' END",
        # a place beside a street only tells equal street names apart: it need not be an area (Peizegem)
        "CASE WHEN area_text IS NOT NULL AND area_code_given IS NULL AND street_text IS NULL AND address_text IS NULL "
        "THEN 'deelgemeente ''' || area_text || ''' is onbekend: deelgemeente uit de locatie' END",
        "CASE WHEN coordinate_remark IS NOT NULL THEN coordinate_remark || ': zonder locatie geladen' END",
    ]
    same_day = f"timezone('{zone}', closed_parsed)::DATE = timezone('{zone}', reported_at)::DATE"
    closed_remark = f"""CASE
            WHEN closed_text IS NOT NULL AND closed_parsed IS NULL
                 THEN {timestamp_problem_sql("closed_text", "closed_parsed", "afsluitdatum", expected)}
                      || ': afsluitdatum weggelaten'
            WHEN closed_parsed < reported_at AND closed_date_only AND {same_day}
                 THEN 'afsluitdatum ' || closed_text || ' zonder uur, op de dag van de melding: gelezen als afgesloten op die dag'
            WHEN closed_parsed < reported_at
                 THEN 'afsluitdatum ' || closed_text || ' ligt vóór de meldingsdatum ' || reported_text
                      || ': afsluitdatum weggelaten'
            WHEN closed_parsed > now() + INTERVAL 1 DAY
                 THEN 'afsluitdatum ' || closed_text || ' ligt in de toekomst: afsluitdatum weggelaten'
        END"""
    return f"""
        CREATE TEMP TABLE checked AS
        WITH normalised AS (
            SELECT * REPLACE ({hours_minutes_sql("reported_text")} AS reported_text,
                              {hours_minutes_sql("closed_text")} AS closed_text)
            FROM stage
        ), parsed AS (
            SELECT *, {reported} AS reported_at, {closed} AS closed_parsed,
                   coalesce(regexp_matches(closed_text, {_DATE_ONLY_SQL}), false) AS closed_date_only,
                   try_cast(replace(lat_text, ',', '.') AS DOUBLE) AS lat_num,
                   try_cast(replace(lon_text, ',', '.') AS DOUBLE) AS lon_num
            FROM normalised
        ), located AS (
            SELECT *, CASE WHEN lat_text IS NULL THEN lam_lat ELSE lat_num END AS lat,
                      CASE WHEN lat_text IS NULL THEN lam_lon ELSE lon_num END AS lon
            FROM parsed
        ), flagged AS (
            SELECT *, CASE
                WHEN (lat_text IS NULL) <> (lon_text IS NULL) THEN 'alleen breedte- of lengtegraad ingevuld'
                WHEN lat_text IS NOT NULL AND lat_num IS NULL THEN 'breedtegraad ''' || lat_text || ''' is geen getal'
                WHEN lon_text IS NOT NULL AND lon_num IS NULL THEN 'lengtegraad ''' || lon_text || ''' is geen getal'
                WHEN lat_text IS NULL AND (x_text IS NULL) <> (y_text IS NULL) THEN 'alleen x of y (Lambert 72) ingevuld'
                WHEN lat_text IS NULL AND x_text IS NOT NULL AND lam_lat IS NULL
                     THEN 'Lambert 72-coördinaten ''' || x_text || ''', ''' || y_text || ''' zijn geen getallen'
                WHEN lat IS NULL THEN NULL
                WHEN abs(lat) < 1e-6 AND abs(lon) < 1e-6 THEN 'coördinaten 0, 0 (null island): geen echte locatie'
                WHEN abs(lat) > 90 OR abs(lon) > 180
                     THEN 'coördinaten ' || lat_text || ' / ' || lon_text || ' bestaan niet'
            END AS coordinate_remark
            FROM located
        ), judged AS (
            SELECT *, {closed_remark} AS closed_remark FROM flagged
        )
        -- only what the later steps read: every column kept is a million values written once more
        SELECT row_number, raw_text, source_id, reported_at, category_code, source_category, channel_code,
               channel_detail, status_code, status_text, description, gas_value, reporter_text, street_text,
               house_number_text, postcode_text, place_text, address_text, area_code_given,
               CASE WHEN coordinate_remark IS NULL THEN lat END AS lat,
               CASE WHEN coordinate_remark IS NULL THEN lon END AS lon,
               CASE WHEN closed_remark IS NULL THEN closed_parsed
                    WHEN closed_parsed < reported_at AND closed_date_only AND {same_day} THEN reported_at
               END AS closed_at,
               {_joined(refusals)} AS reason,
               {_joined(remarks)} AS remark
        FROM judged"""


def _assign_areas(con: duckdb.DuckDBPyConnection) -> None:
    """Sub-municipality of each located report that did not name one (point in polygon)."""
    points = con.execute(
        "SELECT row_number, lat, lon FROM checked WHERE reason IS NULL AND lat IS NOT NULL AND area_code_given IS NULL"
    ).df()
    if points.empty:
        con.execute("CREATE TEMP TABLE located_area (row_number BIGINT, area_code VARCHAR)")
        return
    codes = territory.area_codes_of(con, points["lat"].to_numpy(), points["lon"].to_numpy())
    located_area = pd.DataFrame({"row_number": points["row_number"], "area_code": codes})
    con.register("located_area_frame", located_area)
    con.execute("CREATE TEMP TABLE located_area AS SELECT * FROM located_area_frame")
    con.unregister("located_area_frame")


REPORT_COLUMNS = (
    "source",
    "source_id",
    "batch_id",
    "reported_at",
    "reported_precision",
    "category_code",
    "source_category",
    "channel_code",
    "channel_detail",
    "status",
    "closed_at",
    "lat",
    "lon",
    "area_code",
    "description",
    "gas_finding",
    "reporter_hash",
    "content_hash",
    "street",
    "house_number",
    "postcode",
    "place",
    "address_text",
    "location_source",
    "address_id",
    "location_remark",
)


def _rows_with_remarks(con, batch_id: int) -> int:
    """Rows of the batch loaded with at least one remark (a row may carry several)."""
    return store.scalar(con, "SELECT count(DISTINCT row_number) FROM row_remarks WHERE batch_id = ?", [batch_id])


def _record_geocoding_remarks(con, batch_id: int) -> int:
    """A report this load could not place on an address (unlocated, or only on its street) keeps the
    reason as a row remark; returns the batch's rows with a remark."""
    con.execute(
        """INSERT INTO row_remarks (batch_id, row_number, record_key, remark)
                   SELECT ?, c.row_number, r.source_id, r.location_remark
                   FROM reports r JOIN resolved c ON r.source_id = c.sid
                   WHERE r.batch_id = ? AND r.location_remark IS NOT NULL AND c.action IN ('insert', 'update')""",
        [batch_id, batch_id],
    )
    return _rows_with_remarks(con, batch_id)


def _load_staged(
    con, batch_id, staged_rows: int, malformed_rows: int, report_format, zone, box, progress=None
) -> store.BatchCounts:
    """The temp table `stage` (etl/report_staging.py) checked, quarantined, deduplicated and stored."""
    (west, south, east, north), territory_name, outline = _territory(con, box)
    for name in ("checked", "located_area", "candidates", "repeated"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    con.execute("DROP VIEW IF EXISTS resolved")
    con.execute(
        _validation_sql(report_format, zone),
        {"west": west, "south": south, "east": east, "north": north, "territory": territory_name},
    )
    _check_outline(con, outline, territory_name)
    _assign_areas(con)

    quarantined = store.quarantine_rows(
        con, batch_id, "SELECT row_number, raw_text, reason FROM checked WHERE reason IS NOT NULL"
    )
    if malformed_rows:
        quarantined += store.quarantine_rows(con, batch_id, "SELECT row_number, raw_text, reason FROM rd_malformed")
    report_progress(progress, "checked", staged_rows + malformed_rows, staged_rows + malformed_rows)

    # a generated id (content hash + occurrence) only for the rows without one: numbering the repeats of
    # each raw text sorts every row, which a file with ids does not need
    generated = store.scalar(con, "SELECT count(*) FROM checked WHERE reason IS NULL AND source_id IS NULL")
    sid = (
        "coalesce(c.source_id, 'gen-' || md5(c.raw_text) || '-' || "
        "row_number() OVER (PARTITION BY c.source_id IS NULL, c.raw_text ORDER BY c.row_number))"
        if generated
        else "c.source_id"
    )
    # an id already stored makes the row an update or a duplicate; the first load of a source has none
    earlier = store.scalar(
        con, "SELECT count(*) FROM (SELECT 1 FROM reports WHERE source = ? LIMIT 1)", [report_format.name]
    )
    stored = (
        """SELECT h.*, CASE WHEN r.source_id IS NULL THEN 'insert'
                            WHEN r.content_hash = h.content_hash THEN 'same' ELSE 'update' END AS action
           FROM hashed h LEFT JOIN reports r ON r.source = ? AND r.source_id = h.sid"""
        if earlier
        else "SELECT *, 'insert' AS action FROM hashed"
    )
    con.execute(
        f"""
        CREATE TEMP TABLE candidates AS
        WITH valid AS (
            SELECT c.row_number, c.raw_text, c.remark, c.reported_at, c.category_code, c.source_category,
                   c.channel_code, c.channel_detail, c.closed_at, c.lat, c.lon, c.description, c.gas_value,
                   c.reporter_text, c.street_text, c.house_number_text, c.postcode_text, c.place_text,
                   c.address_text, coalesce(c.area_code_given, a.area_code) AS area_code, {sid} AS sid,
                   coalesce(c.status_code, CASE WHEN c.status_text IS NOT NULL THEN 'onbekend'
                                                WHEN c.closed_at IS NOT NULL THEN 'afgesloten' ELSE 'open' END)
                       AS final_status
            FROM checked c LEFT JOIN located_area a USING (row_number)
            WHERE c.reason IS NULL
        ), hashed AS (
            SELECT *, md5(concat_ws('|', reported_at, category_code, source_category, channel_code, channel_detail,
                                    final_status, closed_at, lat, lon, area_code, description, gas_value,
                                    reporter_text, street_text, house_number_text, postcode_text, place_text,
                                    address_text)) AS content_hash
            FROM valid
        )
        {stored}""",
        [report_format.name] if earlier else [],
    )
    # an id again later in the file: the same data is a repeat, other data a conflict (quarantined)
    con.execute("""
        CREATE TEMP TABLE repeated AS
        SELECT c.row_number, c.raw_text, c.sid, d.first_row, c.content_hash = f.content_hash AS same
        FROM (SELECT sid, min(row_number) AS first_row FROM candidates GROUP BY sid HAVING count(*) > 1) d
        JOIN candidates c ON c.sid = d.sid AND c.row_number > d.first_row
        JOIN candidates f ON f.row_number = d.first_row""")
    conflicts = store.quarantine_rows(
        con,
        batch_id,
        """
        SELECT row_number, raw_text,
               'melding-id ' || sid || ' staat al op rij ' || first_row || ' van dit bestand, met andere gegevens' AS reason
        FROM repeated WHERE NOT same""",
    )
    quarantined += conflicts
    in_file_repeats = store.scalar(con, "SELECT count(*) FROM repeated WHERE same")
    # the first row of each id (all rows when no id repeats): what is inserted, updated or a duplicate
    con.execute(
        "CREATE TEMP VIEW resolved AS SELECT * FROM candidates"
        + (" ANTI JOIN repeated USING (row_number)" if store.scalar(con, "SELECT count(*) FROM repeated") else "")
    )
    actions = dict(con.execute("SELECT action, count(*) FROM resolved GROUP BY action").fetchall())
    # the version an update replaces is kept, so `etl batches undo` can put it back
    columns = ", ".join(REPORT_COLUMNS)
    con.execute(
        f"""INSERT INTO report_versions (replaced_by_batch, {columns})
                    SELECT ?, {", ".join("r." + c for c in REPORT_COLUMNS)}
                    FROM reports r JOIN resolved c ON r.source = ? AND r.source_id = c.sid
                    WHERE c.action = 'update'""",
        [batch_id, report_format.name],
    )
    # a plain INSERT when no stored report is replaced: no conflict handling per row
    con.execute(
        f"""
        INSERT {"OR REPLACE " if actions.get("update") else ""}INTO reports ({columns})
        SELECT ?, sid, ?, reported_at, ?, category_code, source_category,
               coalesce(channel_code, 'onbekend'), channel_detail, final_status,
               closed_at, lat, lon, area_code, description, coalesce(gas_value, false), reporter_text, content_hash,
               street_text, house_number_text, postcode_text, place_text, address_text,
               CASE WHEN lat IS NOT NULL THEN 'given' END, NULL, NULL
        FROM resolved WHERE action IN ('insert', 'update')""",
        [report_format.name, batch_id, report_format.precision],
    )
    con.execute(
        """INSERT INTO row_remarks (batch_id, row_number, record_key, remark)
                   SELECT ?, row_number, sid, remark FROM resolved
                   WHERE action IN ('insert', 'update') AND remark IS NOT NULL""",
        [batch_id],
    )
    remarks = _rows_with_remarks(con, batch_id)
    loaded = actions.get("insert", 0) + actions.get("update", 0)
    duplicates = in_file_repeats + actions.get("same", 0)
    return store.BatchCounts(
        rows_in=staged_rows + malformed_rows,
        loaded=loaded,
        quarantined=quarantined,
        duplicates=duplicates,
        updated=actions.get("update", 0),
        remarks=remarks,
    )
