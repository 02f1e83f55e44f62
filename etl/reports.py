"""Load a file of reports (meldingen): read → stage → validate in SQL → quarantine / dedupe → upsert.

Every row of the file ends as exactly one of: loaded (new or an update of the same id from the
same source), quarantined with a Dutch reason, or a duplicate (same id and same content again).
"""
from __future__ import annotations

import os
import re

import duckdb
import numpy as np
import pandas as pd

from civ import store, territory
from civ.errors import UnusableInput
from civ.reference import normalise_labels, per_distinct
from etl.formats import ReportFormat, detect
from etl.pseudonyms import load_key, pseudonym, pseudonymise
from etl.tables import RawTable, joined_fields, read_table
from etl.timestamps import checked_zone, timestamp_problem_sql, timestamp_sql

_STATUS = {
    "open": "open", "nieuw": "open", "new": "open", "gemeld": "open", "te behandelen": "open",
    "in behandeling": "in_behandeling", "lopend": "in_behandeling", "in progress": "in_behandeling",
    "pending": "in_behandeling", "assigned": "in_behandeling", "started": "in_behandeling",
    "afgesloten": "afgesloten", "gesloten": "afgesloten", "closed": "afgesloten", "opgelost": "afgesloten",
    "afgehandeld": "afgesloten", "resolved": "afgesloten", "done": "afgesloten", "klaar": "afgesloten",
    "onbekend": "onbekend", "unknown": "onbekend", "unspecified": "onbekend",
}
_YES_NO = {"ja": True, "j": True, "yes": True, "y": True, "true": True, "waar": True, "1": True, "x": True,
           "nee": False, "n": False, "no": False, "false": False, "onwaar": False, "0": False}
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


def load_reports_file(db: str | os.PathLike, path: str | os.PathLike, fmt: str = "auto",
                      bbox: str | None = None, tz: str | None = None, is_demo: bool = False) -> store.LoadResult:
    table = read_table(path)
    report_format = detect(table, fmt)
    zone = checked_zone(tz or report_format.default_tz)
    box = parse_bbox(bbox)
    table = _pseudonymise_personal_columns(table, load_key(db))
    staged = report_format.stage(table)

    def load(con: duckdb.DuckDBPyConnection, batch_id: int) -> store.BatchCounts:
        return _load_staged(con, batch_id, staged, table.malformed, report_format, zone, box)

    return store.run_batch(db, kind="reports", file=path, fmt=report_format.name,
                           options={"tz": zone, "bbox": bbox}, load=load, is_demo=is_demo)


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
    return RawTable(table.columns, frame, malformed, table.delimiter, table.encoding)


def _mask_fields(text: str, delimiter: str, positions: list[int], key: bytes) -> str:
    fields = text.split(delimiter)
    for position in positions:
        if position < len(fields) and fields[position].strip():
            fields[position] = pseudonym(key, fields[position])
    return delimiter.join(fields)


def _lookups(con: duckdb.DuckDBPyConnection, staged: pd.DataFrame, report_format: ReportFormat) -> pd.DataFrame:
    """Map labels to codes (a few distinct values each, so Python dictionaries)."""
    def aliases(table: str, code: str) -> dict[str, str]:
        rows = con.execute(f"SELECT alias, {code}, source FROM {table} WHERE source IN ('*', ?) "
                           f"ORDER BY source = '*' DESC", [report_format.name]).fetchall()
        return {alias: value for alias, value, _ in rows}  # format-specific rows come last and win

    frame = staged.copy()
    categories = aliases("category_aliases", "category_code")
    category_key = normalise_labels(frame["category_text"])
    frame["category_code"] = category_key.map(categories).astype("string")
    if report_format.unknown_category:
        frame["category_code"] = frame["category_code"].mask(
            frame["category_code"].isna() & frame["category_text"].notna(), report_format.unknown_category)

    channels = aliases("channel_aliases", "channel_code")
    channel_key = normalise_labels(frame["channel_text"])
    mailbox = per_distinct(channel_key, lambda key: key.str.extract(_MAILBOX, expand=False))
    frame["channel_detail"] = frame["channel_detail"].fillna(mailbox.str.zfill(2)).astype("string")
    frame["channel_code"] = channel_key.map(channels).astype("string").mask(mailbox.notna(), "probleembox")
    frame["status_code"] = normalise_labels(frame["status_text"]).map(_STATUS).astype("string")
    frame["gas_value"] = normalise_labels(frame["gas_text"]).map(_YES_NO).astype("boolean")

    areas = con.execute("SELECT code, name, level FROM areas ORDER BY level = 'submunicipality'").fetchall()
    area_names = {}
    for code, name, _level in areas:  # sub-municipalities come last and win a shared name (Merchtem)
        area_names[name.lower()] = code
        area_names[code.lower()] = code
    area_key = per_distinct(frame["area_text"], lambda text: normalise_labels(text).str.replace(r"\s*\(.*\)$", "", regex=True))
    frame["area_code_given"] = area_key.map(area_names).astype("string")
    frame["lam_lat"], frame["lam_lon"] = _lambert_to_wgs84(frame["x_text"], frame["y_text"])
    return frame


def _lambert_to_wgs84(x_text: pd.Series, y_text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    x = pd.to_numeric(x_text.str.replace(",", ".", regex=False), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    y = pd.to_numeric(y_text.str.replace(",", ".", regex=False), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    lat = np.full(len(x), np.nan)
    lon = np.full(len(x), np.nan)
    present = ~(np.isnan(x) | np.isnan(y))
    if present.any():
        from pyproj import Transformer
        to_wgs84 = Transformer.from_crs("EPSG:31370", "EPSG:4326", always_xy=True)
        lon[present], lat[present] = to_wgs84.transform(x[present], y[present])
    return lat, lon


def _territory(con, box) -> tuple[tuple[float, float, float, float], str, territory.Outline | None]:
    """The box checked in SQL, the name in the reason, and the outline checked after (none with --bbox)."""
    if box:
        return box, f"kader {','.join(str(v) for v in box)}", None
    found = territory.require(con)
    outline = found.outline
    west, south, east, north = outline.widened_bounds() if outline else found.bbox
    return (west, south, east, north), found.place, outline


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
    con.execute("""UPDATE checked SET reason = 'locatie ' || replace(round(o.lat, 5)::VARCHAR, '.', ',') || ' / '
                          || replace(round(o.lon, 5)::VARCHAR, '.', ',') || ' ligt buiten het grondgebied: ' || ?
                   FROM outside_frame o WHERE checked.row_number = o.row_number""", [name])
    con.unregister("outside_frame")


def _validation_sql(report_format: ReportFormat, zone: str) -> str:
    reported = timestamp_sql("reported_text", zone, day_first=report_format.day_first, excel_serial=True)
    closed = timestamp_sql("closed_text", zone, day_first=report_format.day_first, excel_serial=True)
    expected = report_format.expected_date
    inside = "(lon BETWEEN $west AND $east AND lat BETWEEN $south AND $north)"
    swapped_inside = "(lat BETWEEN $west AND $east AND lon BETWEEN $south AND $north)"
    problems = [
        "CASE WHEN reported_text IS NULL THEN 'meldingsdatum ontbreekt' END",
        timestamp_problem_sql("reported_text", "reported_at", "meldingsdatum", expected),
        "CASE WHEN reported_at > now() + INTERVAL 1 DAY THEN 'meldingsdatum ' || reported_text || ' ligt in de toekomst' END",
        timestamp_problem_sql("closed_text", "closed_at", "afsluitdatum", expected),
        "CASE WHEN closed_at < reported_at THEN 'afsluitdatum ' || closed_text || "
        "' ligt vóór de meldingsdatum ' || reported_text END",
        "CASE WHEN category_text IS NULL THEN 'categorie ontbreekt' "
        "WHEN category_code IS NULL THEN 'categorie ''' || category_text || ''' is onbekend' END",
        "CASE WHEN channel_text IS NOT NULL AND channel_code IS NULL "
        "THEN 'kanaal ''' || channel_text || ''' is onbekend' END",
        "CASE WHEN status_text IS NOT NULL AND status_code IS NULL "
        "THEN 'status ''' || status_text || ''' is onbekend (open, in behandeling, afgesloten)' END",
        "CASE WHEN gas_text IS NOT NULL AND gas_value IS NULL THEN 'GAS-waarde ''' || gas_text || ''' is geen ja of nee' END",
        "CASE WHEN area_text IS NOT NULL AND area_code_given IS NULL "
        "THEN 'deelgemeente ''' || area_text || ''' is onbekend' END",
        f"""CASE
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
            WHEN NOT {inside} AND {swapped_inside}
                 THEN 'breedte- en lengtegraad lijken verwisseld (' || coalesce(lat_text, '') || ' / ' || coalesce(lon_text, '') || ')'
            WHEN NOT {inside}
                 THEN 'locatie ' || replace(round(lat, 5)::VARCHAR, '.', ',') || ' / ' || replace(round(lon, 5)::VARCHAR, '.', ',')
                      || ' ligt buiten het grondgebied: ' || $territory
        END""",
    ]
    return f"""
        CREATE TEMP TABLE checked AS
        WITH parsed AS (
            SELECT *, {reported} AS reported_at, {closed} AS closed_at,
                   try_cast(replace(lat_text, ',', '.') AS DOUBLE) AS lat_num,
                   try_cast(replace(lon_text, ',', '.') AS DOUBLE) AS lon_num
            FROM stage
        ), located AS (
            SELECT *, CASE WHEN lat_text IS NULL THEN lam_lat ELSE lat_num END AS lat,
                      CASE WHEN lat_text IS NULL THEN lam_lon ELSE lon_num END AS lon
            FROM parsed
        )
        SELECT *, nullif(array_to_string(list_filter([{', '.join(problems)}], lambda p: p IS NOT NULL), '; '), '') AS reason
        FROM located"""


def _assign_areas(con: duckdb.DuckDBPyConnection) -> None:
    """Sub-municipality of each located report that did not name one (point in polygon)."""
    points = con.execute("SELECT row_number, lat, lon FROM checked WHERE reason IS NULL AND lat IS NOT NULL "
                         "AND area_code_given IS NULL").df()
    if points.empty:
        con.execute("CREATE TEMP TABLE located_area (row_number BIGINT, area_code VARCHAR)")
        return
    codes = territory.area_codes_of(con, points["lat"].to_numpy(), points["lon"].to_numpy())
    located_area = pd.DataFrame({"row_number": points["row_number"], "area_code": codes})
    con.register("located_area_frame", located_area)
    con.execute("CREATE TEMP TABLE located_area AS SELECT * FROM located_area_frame")
    con.unregister("located_area_frame")


def _load_staged(con, batch_id, staged, malformed, report_format, zone, box) -> store.BatchCounts:
    (west, south, east, north), territory_name, outline = _territory(con, box)
    frame = _lookups(con, staged, report_format)
    for name in ("stage", "checked", "located_area", "candidates", "resolved"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    con.register("stage_frame", frame)
    con.execute("CREATE TEMP TABLE stage AS SELECT * FROM stage_frame")
    con.unregister("stage_frame")
    con.execute(_validation_sql(report_format, zone),
                {"west": west, "south": south, "east": east, "north": north, "territory": territory_name})
    _check_outline(con, outline, territory_name)
    _assign_areas(con)

    quarantined = store.quarantine_rows(con, batch_id, "SELECT row_number, raw_text, reason FROM checked "
                                                       "WHERE reason IS NOT NULL")
    if len(malformed):
        con.register("malformed_frame", malformed)
        quarantined += store.quarantine_rows(con, batch_id, "SELECT row_number, raw_text, reason FROM malformed_frame")
        con.unregister("malformed_frame")

    con.execute("""
        CREATE TEMP TABLE candidates AS
        WITH valid AS (
            SELECT c.*, coalesce(c.area_code_given, a.area_code) AS area_code,
                   coalesce(c.source_id, 'gen-' || md5(c.raw_text) || '-' ||
                            row_number() OVER (PARTITION BY c.source_id IS NULL, c.raw_text ORDER BY c.row_number)) AS sid
            FROM checked c LEFT JOIN located_area a USING (row_number)
            WHERE c.reason IS NULL
        ), hashed AS (
            SELECT *, md5(concat_ws('|', reported_at, category_code, source_category, channel_code, channel_detail,
                                    status_code, closed_at, lat, lon, area_code, description, gas_value,
                                    reporter_text)) AS content_hash
            FROM valid
        )
        SELECT *, row_number() OVER w AS occurrence, first_value(row_number) OVER w AS first_row,
               first_value(content_hash) OVER w AS first_hash
        FROM hashed WINDOW w AS (PARTITION BY sid ORDER BY row_number)""")
    conflicts = store.quarantine_rows(con, batch_id, """
        SELECT row_number, raw_text,
               'melding-id ' || sid || ' staat al op rij ' || first_row || ' van dit bestand, met andere gegevens' AS reason
        FROM candidates WHERE occurrence > 1 AND content_hash <> first_hash""")
    quarantined += conflicts
    in_file_repeats = store.scalar(con, "SELECT count(*) FROM candidates WHERE occurrence > 1 "
                                        "AND content_hash = first_hash")
    con.execute("""
        CREATE TEMP TABLE resolved AS
        SELECT c.*, CASE WHEN r.source_id IS NULL THEN 'insert'
                         WHEN r.content_hash = c.content_hash THEN 'same' ELSE 'update' END AS action
        FROM candidates c LEFT JOIN reports r ON r.source = ? AND r.source_id = c.sid
        WHERE c.occurrence = 1""", [report_format.name])
    actions = dict(con.execute("SELECT action, count(*) FROM resolved GROUP BY action").fetchall())
    con.execute("""
        INSERT OR REPLACE INTO reports
            (source, source_id, batch_id, reported_at, reported_precision, category_code, source_category,
             channel_code, channel_detail, status, closed_at, lat, lon, area_code, description, gas_finding,
             reporter_hash, content_hash)
        SELECT ?, sid, ?, reported_at, ?, category_code, source_category,
               coalesce(channel_code, 'onbekend'), channel_detail,
               coalesce(status_code, CASE WHEN closed_at IS NOT NULL THEN 'afgesloten' ELSE 'open' END),
               closed_at, lat, lon, area_code, description, coalesce(gas_value, false), reporter_text, content_hash
        FROM resolved WHERE action IN ('insert', 'update')""",
                [report_format.name, batch_id, report_format.precision])
    loaded = actions.get("insert", 0) + actions.get("update", 0)
    duplicates = in_file_repeats + actions.get("same", 0)
    return store.BatchCounts(rows_in=len(staged) + len(malformed), loaded=loaded, quarantined=quarantined,
                             duplicates=duplicates, updated=actions.get("update", 0))
