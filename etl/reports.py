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

import dataclasses
import json
import os
import re

import duckdb
import numpy as np
import pandas as pd

from civ import store, territory
from civ.errors import UnusableInput
from civ.reference import normalise_labels, per_distinct
from etl.formats import ReportFormat, canonical, detect, require_columns
from etl.geocoding import place_reports, with_address_columns
from etl.number_shapes import belgian_crs
from etl.profiles import Profile, check_values, profile_hash
from etl.progress import Progress
from etl.progress import report as report_progress
from etl.pseudonyms import load_key, pseudonym, pseudonymise
from etl.tables import RawTable, joined_fields, normalise_header, read_table, skip_matching_rows
from etl.timestamps import (
    checked_zone,
    hours_minutes_sql,
    timestamp_problem_sql,
    timestamp_sql,
)

_YES_NO = {
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
_PERSONAL_COLUMNS = ("reporter", "melder", "naam_melder")


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
    table = read_table(
        path,
        known=known,
        header_row=file_options.get("header_row"),
        encoding=file_options.get("encoding"),
        sheet=file_options.get("sheet"),
        delimiter=file_options.get("delimiter"),
        decimal=file_options.get("decimal"),
    )
    if profile:
        profile.check_columns(table.columns)
    if id_column:
        if normalise_header(id_column) not in table.columns:
            raise UnusableInput(f"--id-column '{id_column}' staat niet in het bestand (wel: {', '.join(table.header)})")
        mapping["id"] = [normalise_header(id_column)]
    table = skip_matching_rows(table, profile)
    if mapping:
        report_format = dataclasses.replace(canonical.FORMAT, name=str(file_options.get("source", "canonical")))
    else:
        report_format = detect(table, fmt)
    zone = checked_zone(tz or (profile.timezone if profile else None) or report_format.default_tz)
    box = parse_bbox(bbox)
    table = _pseudonymise_personal_columns(table, load_key(db))
    warnings, used = [], None
    if report_format.stage is canonical.FORMAT.stage:
        if not mapping:
            require_columns(
                table,
                "canonical",
                {
                    "reported_at/datum": canonical.COLUMNS["reported_at"],
                    "category/categorie": canonical.COLUMNS["category"],
                },
            )
        used = canonical.resolve_columns(table, mapping)
        staged = canonical.stage_mapped(table, used)
        if "id" not in used and len(staged):
            warnings.append(NO_ID_WARNING)
    else:
        staged = report_format.stage(table)
    values = profile.values if profile else {}
    rows_in = len(staged) + len(table.malformed)
    report_progress(progress, "read", rows_in, rows_in)

    placed = []
    # x/y in the system the profile states, else the one their size shows (Lambert 72 when unclear)
    coordinate_system = str(file_options.get("crs") or belgian_crs(staged["x_text"], staged["y_text"]) or "EPSG:31370")

    def load(con: duckdb.DuckDBPyConnection, batch_id: int) -> store.BatchCounts:
        check_values(profile, con)
        _record_details(con, batch_id, table, profile)
        counts = _load_staged(
            con,
            batch_id,
            staged,
            table.malformed,
            report_format,
            zone,
            box,
            values,
            coordinate_system,
            progress,
        )
        placed.append(place_reports(con, batch_id))  # addresses to points, in the same transaction
        if placed[-1].considered:
            counts.remarks = _record_geocoding_remarks(con, batch_id)
        report_progress(progress, "stored", counts.rows_in, counts.rows_in)
        return counts

    options = {"tz": zone, "bbox": bbox, "profile": profile_hash(profile), "id_column": id_column}
    result = store.run_batch(
        db, kind="reports", file=path, fmt=report_format.name, options=options, load=load, is_demo=is_demo
    )
    result.warnings = warnings
    if placed and placed[-1].considered:
        result.geocoding = placed[-1].as_json()
    if used is not None:
        result.columns_used = {field: [table.header[table.columns.index(c)] for c in cs] for field, cs in used.items()}
        taken = {c for cs in used.values() for c in cs}
        result.columns_ignored = [h for h, c in zip(table.header, table.columns) if c not in taken]
    return result


def _record_details(con, batch_id: int, table: RawTable, profile: Profile | None) -> None:
    """What `quarantine retry` needs to read this batch's refused rows again."""
    con.execute(
        "INSERT OR REPLACE INTO batch_details (batch_id, header, delimiter, profile_name) VALUES (?, ?, ?, ?)",
        [
            batch_id,
            json.dumps(table.header or table.columns, ensure_ascii=False),
            table.delimiter,
            profile.name if profile else None,
        ],
    )


def _pseudonymise_personal_columns(table: RawTable, key: bytes) -> RawTable:
    """Replace reporter identities by pseudonyms before anything is staged, raw text included."""
    personal = [c for c in table.columns if c in _PERSONAL_COLUMNS]
    if not personal:
        return table
    frame = table.frame.copy()
    for column in personal:
        frame[column] = pseudonymise(frame[column], key).fillna("")
    frame["raw_text"] = joined_fields(frame, table.columns, table.delimiter)
    malformed = table.malformed.copy()
    if len(malformed):
        positions = [table.columns.index(c) for c in personal]
        malformed["raw_text"] = [_mask_fields(text, table.delimiter, positions, key) for text in malformed["raw_text"]]
    return dataclasses.replace(table, frame=frame, malformed=malformed)


def _mask_fields(text: str, delimiter: str, positions: list[int], key: bytes) -> str:
    fields = text.split(delimiter)
    for position in positions:
        if position < len(fields) and fields[position].strip():
            fields[position] = pseudonym(key, fields[position])
    return delimiter.join(fields)


def _lookups(
    con: duckdb.DuckDBPyConnection,
    staged: pd.DataFrame,
    report_format: ReportFormat,
    values: dict[str, dict[str, str]] | None = None,
    crs: str = "EPSG:31370",
) -> pd.DataFrame:
    """Map labels to codes (a few distinct values each, so Python dictionaries); a profile's
    [values.…] tables come first."""
    values = values or {}

    def aliases(table: str, code: str) -> dict[str, str]:
        rows = con.execute(
            f"SELECT alias, {code}, source FROM {table} WHERE source IN ('*', ?) ORDER BY source = '*' DESC",
            [report_format.name],
        ).fetchall()
        return {alias: value for alias, value, _ in rows}  # format-specific rows come last and win

    frame = staged.copy()
    categories = aliases("category_aliases", "category_code") | values.get("category", {})
    category_key = normalise_labels(frame["category_text"])
    frame["category_code"] = category_key.map(categories).astype("string")
    if report_format.unknown_category:
        frame["category_code"] = frame["category_code"].mask(
            frame["category_code"].isna() & frame["category_text"].notna(), report_format.unknown_category
        )

    channels = aliases("channel_aliases", "channel_code") | values.get("channel", {})
    channel_key = normalise_labels(frame["channel_text"])
    mailbox = per_distinct(channel_key, lambda key: key.str.extract(_MAILBOX, expand=False))
    frame["channel_detail"] = frame["channel_detail"].fillna(mailbox.str.zfill(2)).astype("string")
    frame["channel_code"] = channel_key.map(channels).astype("string").mask(mailbox.notna(), "probleembox")
    statuses = aliases("status_aliases", "status_code") | values.get("status", {})
    frame["status_code"] = normalise_labels(frame["status_text"]).map(statuses).astype("string")
    frame["gas_value"] = normalise_labels(frame["gas_text"]).map(_YES_NO).astype("boolean")

    areas = con.execute("SELECT code, name, level FROM areas ORDER BY level = 'submunicipality'").fetchall()
    area_names = {}
    for code, name, _level in areas:  # sub-municipalities come last and win a shared name (Merchtem)
        area_names[name.lower()] = code
        area_names[code.lower()] = code
    for label, target in values.get("area", {}).items():
        area_names[label] = area_names.get(target.lower(), target)
    area_key = per_distinct(
        frame["area_text"], lambda text: normalise_labels(text).str.replace(r"\s*\(.*\)$", "", regex=True)
    )
    frame["area_code_given"] = area_key.map(area_names).astype("string")
    frame["lam_lat"], frame["lam_lon"] = _lambert_to_wgs84(frame["x_text"], frame["y_text"], crs)
    return frame


def _lambert_to_wgs84(x_text: pd.Series, y_text: pd.Series, crs: str = "EPSG:31370") -> tuple[np.ndarray, np.ndarray]:
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


def _territory(
    con, box, frame: pd.DataFrame
) -> tuple[tuple[float, float, float, float], str, territory.Outline | None]:
    """The box checked in SQL, the name in the reason, and the outline checked after (none with --bbox).
    A store without a territory refuses the load; the file's points (`frame`) propose one."""
    if box:
        return box, f"kader {','.join(str(v) for v in box)}", None
    found = territory.require(con, *_points_given(frame))
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
    return f"nullif(array_to_string(list_filter([{', '.join(parts)}], lambda p: p IS NOT NULL), '; '), '')"


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
        SELECT * EXCLUDE (lat, lon, closed_parsed),
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
    con, batch_id, staged, malformed, report_format, zone, box, values=None, crs: str = "EPSG:31370", progress=None
) -> store.BatchCounts:
    frame = with_address_columns(_lookups(con, staged, report_format, values, crs))
    (west, south, east, north), territory_name, outline = _territory(con, box, frame)
    for name in ("stage", "checked", "located_area", "candidates", "resolved"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    con.register("stage_frame", frame)
    con.execute("CREATE TEMP TABLE stage AS SELECT * FROM stage_frame")
    con.unregister("stage_frame")
    con.execute(
        _validation_sql(report_format, zone),
        {"west": west, "south": south, "east": east, "north": north, "territory": territory_name},
    )
    _check_outline(con, outline, territory_name)
    _assign_areas(con)

    quarantined = store.quarantine_rows(
        con, batch_id, "SELECT row_number, raw_text, reason FROM checked WHERE reason IS NOT NULL"
    )
    if len(malformed):
        con.register("malformed_frame", malformed)
        quarantined += store.quarantine_rows(con, batch_id, "SELECT row_number, raw_text, reason FROM malformed_frame")
        con.unregister("malformed_frame")
    report_progress(progress, "checked", len(staged) + len(malformed), len(staged) + len(malformed))

    con.execute("""
        CREATE TEMP TABLE candidates AS
        WITH valid AS (
            SELECT c.*, coalesce(c.area_code_given, a.area_code) AS area_code,
                   coalesce(c.source_id, 'gen-' || md5(c.raw_text) || '-' ||
                            row_number() OVER (PARTITION BY c.source_id IS NULL, c.raw_text ORDER BY c.row_number)) AS sid,
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
        SELECT *, row_number() OVER w AS occurrence, first_value(row_number) OVER w AS first_row,
               first_value(content_hash) OVER w AS first_hash
        FROM hashed WINDOW w AS (PARTITION BY sid ORDER BY row_number)""")
    conflicts = store.quarantine_rows(
        con,
        batch_id,
        """
        SELECT row_number, raw_text,
               'melding-id ' || sid || ' staat al op rij ' || first_row || ' van dit bestand, met andere gegevens' AS reason
        FROM candidates WHERE occurrence > 1 AND content_hash <> first_hash""",
    )
    quarantined += conflicts
    in_file_repeats = store.scalar(
        con, "SELECT count(*) FROM candidates WHERE occurrence > 1 AND content_hash = first_hash"
    )
    con.execute(
        """
        CREATE TEMP TABLE resolved AS
        SELECT c.*, CASE WHEN r.source_id IS NULL THEN 'insert'
                         WHEN r.content_hash = c.content_hash THEN 'same' ELSE 'update' END AS action
        FROM candidates c LEFT JOIN reports r ON r.source = ? AND r.source_id = c.sid
        WHERE c.occurrence = 1""",
        [report_format.name],
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
    con.execute(
        f"""
        INSERT OR REPLACE INTO reports ({columns})
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
        rows_in=len(staged) + len(malformed),
        loaded=loaded,
        quarantined=quarantined,
        duplicates=duplicates,
        updated=actions.get("update", 0),
        remarks=remarks,
    )
