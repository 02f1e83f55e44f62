"""Tracker fixes (CSV, GPX, NMEA) into the store: read → one staging shape → one SQL validation.

Every reader ends in the same staging table `fx_staging` (STAGING_COLUMNS): the row number in
the file, its raw text, a problem the reader already saw (wrong field count, point without time,
void NMEA fix) and the fields as text. From there one SQL step checks them, so a rule and its
Dutch reason are written once for all formats. A row the reader already rejected keeps that one
reason: its fields cannot be trusted, so listing them as missing would only blur the cause.

CSV: `device_id,timestamp,lat,lon[,accuracy_m,speed_kmh]` (header aliases in CSV_ALIASES),
`,` `;` or tab, decimal comma allowed; read by DuckDB line by line (etl/formats/delimited.py), so
tens of millions of rows never pass through Python. Times: ISO with offset, naive local times in
Europe/Brussels (ISO or dd/mm/yyyy), or Unix seconds. Positions match as numbers (50.91 = 50.910).

What happens to a row:
- a problem (reader's, or device/time/position unreadable) → quarantine, reasons joined by "; ";
- the same device, time and position again (in the file or already stored) → duplicate;
- the same device and time with another position → quarantine: a tracker is in one place at a time;
- otherwise stored, with an outlier flag when it is a physically impossible jump (etl/outliers.py).
- a position outside the territory (its outline widened by the reports' tolerance, or `--bbox`) →
  quarantine, with the territory's name in the reason: the store holds the centre's work, not a
  tracker's trip home (etl/territory_check.py does it for millions of rows).
Fixes of a device without a warden mapping are stored as they are; `fixes_attributed` names them
after the device until a mapping arrives.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from civ import reference, store
from civ.errors import UnusableInput
from etl import fixes_reader, outliers, retry, territory_check
from etl.formats import delimited
from etl.formats.gpx import read_gpx
from etl.formats.nmea import read_nmea
from etl.profiles import profile_hash
from etl.progress import Progress
from etl.progress import report as report_progress
from etl.tables import skip_problem_sql
from etl.timestamps import hours_minutes_sql, timestamp_problem_sql, timestamp_sql

FORMATS = ("csv", "gpx", "nmea")
STAGING_COLUMNS = (
    "row_number",
    "raw_text",
    "read_problem",
    "device_id",
    "ts_text",
    "lat_text",
    "lon_text",
    "accuracy_text",
    "speed_text",
)
CSV_TEMPLATE = "device_id,timestamp,lat,lon[,accuracy_m,speed_kmh]"
CSV_ALIASES = {
    "device_id": (
        "device_id",
        "device",
        "deviceid",
        "device_name",
        "tracker",
        "tracker_id",
        "toestel",
        "toestel_id",
        "unit_id",
        "imei",
        "tracker_imei",
        "gps_id",
        "serienummer",
    ),
    "timestamp": (
        "timestamp",
        "time",
        "ts",
        "datetime",
        "date_time",
        "utc",
        "gps_time",
        "tijd",
        "tijdstip",
        "datum_tijd",
        "datum_en_tijd",
        "datumtijd",
        "datum",
    ),
    "lat": ("lat", "latitude", "breedtegraad", "breedte"),
    "lon": ("lon", "lng", "long", "longitude", "lengtegraad", "lengte"),
    "accuracy_m": ("accuracy_m", "accuracy", "acc", "hacc", "nauwkeurigheid", "nauwkeurigheid_m"),
    # km/h, as the template says ('Snelheid (km/u)' normalises to snelheid_km_u)
    "speed_kmh": ("speed_kmh", "speed", "snelheid", "snelheid_kmh", "snelheid_km_u", "snelheid_km_h", "speed_km_h"),
}
DATE_COLUMNS = ("datum", "date", "dag")
TIME_COLUMNS = ("tijd", "time", "tijdstip", "uur")
TS_EXPECTED = "jjjj-mm-ddTuu:mm:ssZ, dd/mm/jjjj uu:mm:ss of Unix-seconden"


def detect_format(path: str | Path) -> str:
    """'gpx', 'nmea' or 'csv' from the extension and the first bytes; binary → UnusableInput."""
    path = Path(path)
    text = delimited.sniff(path).decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if path.suffix.lower() in (".gpx", ".xml") or text.startswith("<"):
        return "gpx"
    if path.suffix.lower() == ".nmea" or text.startswith("$"):
        return "nmea"
    return "csv"


def load_fixes_file(
    db: str | Path,
    path: str | Path,
    fmt: str = "auto",
    device: str | None = None,
    is_demo: bool = False,
    profile=None,
    box: tuple[float, float, float, float] | None = None,
    progress: Progress | None = None,
) -> store.LoadResult:
    """Load one file of tracker fixes as one batch; see the module docstring for the rules.

    `device` names the tracker of a GPX or NMEA file (required there) and of a CSV without a
    device_id column; a CSV's own device_id column wins over it. `box` (W, S, E, N) replaces the
    territory's outline, for a file from elsewhere. `progress(stage, rows done, rows in)` is called when
    the file is read, its rows checked and stored (etl.progress).
    """
    path = Path(path)
    if not path.is_file():
        raise UnusableInput(f"bestand {path} bestaat niet")
    if fmt == "auto":
        fmt = detect_format(path)
    elif fmt not in FORMATS:
        raise UnusableInput(f"onbekend formaat '{fmt}' voor posities (kies auto, csv, gpx of nmea)")
    else:
        delimited.sniff(path)
    # Read or at least inspect the file before the store is opened: an unusable file writes nothing.
    if fmt == "csv":
        source = delimited.inspect(path, CSV_ALIASES, ("timestamp", "lat", "lon"), CSV_TEMPLATE, profile)
        if source is not None:
            delimited.join_date_and_time(source, "timestamp", DATE_COLUMNS, TIME_COLUMNS)
        if source is not None and source.index("device_id") is None and not (device and device.strip()):
            # one tracker per file is what --device is for; a file of several trackers needs its column
            raise UnusableInput(
                f"{path.name} heeft geen kolom met het toestel (device_id, IMEI, toestel, tracker): "
                f'noem die kolom in een profiel (device_id = "KOLOM"), of geef voor een bestand '
                f"van één tracker het toestel op met --device"
            )

        def stage(con):
            _stage_csv(con, source, device, profile.skip_pattern if profile else None)
    else:
        rows = read_gpx(path, device) if fmt == "gpx" else read_nmea(path, device)

        def stage(con):
            _stage_rows(con, rows)

    # the tracker of a refused row, when its own text does not name it (--device, a GPX track's name)
    devices_sql = (
        "SELECT row_number, device_id FROM fx_staging"
        if fmt != "csv"
        else "SELECT row_number, (SELECT device_id FROM fx_device) AS device_id FROM fx_raw"
        if source is not None and source.index("device_id") is None
        else None
    )

    def load(con: duckdb.DuckDBPyConnection, batch_id: int) -> store.BatchCounts:
        skip, zone = (profile.skip_pattern, profile.timezone) if profile else (None, None)
        typed = fixes_reader.read_typed(con, source, device, skip, zone) if fmt == "csv" else None
        if typed is None:
            stage(con)
            if progress is not None:
                rows_read = store.scalar(con, "SELECT count(*) FROM fx_raw")
                report_progress(progress, "read", rows_read, rows_read)
        else:
            _device_table(con, device)
        if fmt == "csv" and source is not None:
            retry.record_source(con, batch_id, source.spelled, source.separator, profile)
        return _check_and_store(con, batch_id, zone, box, devices_sql, progress, typed)

    options = {"device": device, "profile": profile_hash(profile), "bbox": ",".join(map(str, box)) if box else None}
    result = store.run_batch(db, kind="fixes", file=path, fmt=fmt, options=options, load=load, is_demo=is_demo)
    if fmt == "csv" and source is not None:
        result.columns_used, result.columns_ignored = source.used(), source.ignored()
    return result


def _device_table(con, device: str | None) -> None:
    # The --device value reaches the SQL through a one-row table: a parameter, never SQL text.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE fx_device AS SELECT ?::VARCHAR AS device_id", [device.strip() if device else None]
    )


def _stage_csv(con, source: delimited.DelimitedFile | None, device: str | None, skip=None, rows=None) -> None:
    """fx_staging from the line reader: every line of `source`, or only the row numbers `rows` (SQL)."""
    if source is None:  # a file with no text at all: zero rows, not an error
        _stage_rows(con, [])
        return
    delimited.load_lines(con, source, "fx_lines", rows)
    # the raw text of a row without splitting it into fields: what the quarantine keeps
    con.execute("CREATE OR REPLACE TEMP VIEW fx_raw AS SELECT row_number, raw_text FROM fx_lines_numbered")
    _device_table(con, device)
    device_sql = (
        delimited.field_sql(source, "device_id")
        if source.index("device_id") is not None
        else "(SELECT device_id FROM fx_device)"
    )
    # the profile's skip_rows_matching (a totals row): quarantined with that reason, as for reports
    read_problem = skip_problem_sql(con, skip, delimited.field_count_problem_sql(source), "fx_skip")
    con.execute(f"""CREATE OR REPLACE TEMP VIEW fx_staging AS
        SELECT row_number, raw_text, {read_problem} AS read_problem,
               {device_sql} AS device_id,
               {_timestamp_field_sql(source)} AS ts_text,
               {delimited.field_sql(source, "lat")} AS lat_text,
               {delimited.field_sql(source, "lon")} AS lon_text,
               {delimited.field_sql(source, "accuracy_m")} AS accuracy_text,
               {delimited.field_sql(source, "speed_kmh")} AS speed_text
        FROM fx_lines""")


def _timestamp_field_sql(source: delimited.DelimitedFile) -> str:
    text = delimited.field_sql(source, "timestamp")
    # a separate time column is how portal exports write 16u23 or 14h30; one timestamp column never is
    return hours_minutes_sql(text) if len(source.joined.get("timestamp", [])) > 1 else text


def _stage_rows(con, rows: list[tuple]) -> None:
    frame = pd.DataFrame(rows, columns=list(STAGING_COLUMNS), dtype=object)
    con.register("fx_rows", frame)
    text_columns = ", ".join(f"CAST({c} AS VARCHAR) AS {c}" for c in STAGING_COLUMNS[1:])
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE fx_staging AS "
        f"SELECT CAST(row_number AS BIGINT) AS row_number, {text_columns} FROM fx_rows"
    )
    con.execute("CREATE OR REPLACE TEMP VIEW fx_raw AS SELECT row_number, raw_text FROM fx_staging")
    con.unregister("fx_rows")


def _number_problems(
    raw: str, value: str, label: str, *, required: bool, low: float | None = None, high: float | None = None
) -> list[str]:
    """SQL reasons for one numeric field: missing, not a number, outside [low, high] or negative."""
    quoted = f"'{label} ''' || {raw} || ''''"
    problems = [
        f"CASE WHEN {raw} IS NOT NULL AND ({value} IS NULL OR NOT isfinite({value})) "
        f"THEN {quoted} || ' is geen getal' END"
    ]
    if required:
        problems.insert(0, f"CASE WHEN {raw} IS NULL THEN '{label} ontbreekt' END")
    if low is not None:
        problems.append(
            f"CASE WHEN isfinite({value}) AND {value} NOT BETWEEN {low} AND {high} "
            f"THEN {quoted} || ' ligt niet tussen {low:g} en {high:g}' END"
        )
    else:
        problems.append(f"CASE WHEN isfinite({value}) AND {value} < 0 THEN {quoted} || ' is negatief' END")
    return problems


# True exactly when none of the problems of _validation_sql applies.
_CLEAN_ROW = """(read_problem IS NULL AND device_id IS NOT NULL AND ts IS NOT NULL
                AND lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180 AND NOT (lat = 0 AND lon = 0)
                AND (accuracy_text IS NULL OR (isfinite(accuracy_m) AND accuracy_m >= 0))
                AND (speed_text IS NULL OR (isfinite(speed_kmh) AND speed_kmh >= 0))
                AND territory_class <> 0)"""


def _validation_sql(check: territory_check.TerritoryCheck, zone: str | None = None) -> str:
    parsed_ts = timestamp_sql("ts_text", zone, epoch_seconds=True)
    problems = [
        "CASE WHEN device_id IS NULL THEN 'toestel-id ontbreekt' END",
        "CASE WHEN ts_text IS NULL THEN 'tijdstip ontbreekt' END",
        timestamp_problem_sql("ts_text", "ts", "tijdstip", TS_EXPECTED),
        *_number_problems("lat_text", "lat", "breedtegraad", required=True, low=-90, high=90),
        *_number_problems("lon_text", "lon", "lengtegraad", required=True, low=-180, high=180),
        # 0,0 is what many receivers write when they have no position at all
        "CASE WHEN lat = 0 AND lon = 0 THEN 'positie 0,0 (\"null island\"): de tracker had geen echte positie' END",
        *_number_problems("accuracy_text", "accuracy_m", "nauwkeurigheid (m)", required=False),
        *_number_problems("speed_text", "speed_kmh", "snelheid (km/u)", required=False),
        # a position that is no position at all already has its reason
        "CASE WHEN territory_class = 0 AND lat BETWEEN -90 AND 90 AND lon BETWEEN -180 AND 180 "
        f"AND NOT (lat = 0 AND lon = 0) THEN {territory_check.outside_reason_sql('lat', 'lon', 'name')} END",
    ]
    return f"""
        WITH s AS (
            SELECT row_number, read_problem,
                   nullif(trim(device_id), '') AS device_id, nullif(trim(ts_text), '') AS ts_text,
                   nullif(trim(lat_text), '') AS lat_text, nullif(trim(lon_text), '') AS lon_text,
                   nullif(trim(accuracy_text), '') AS accuracy_text, nullif(trim(speed_text), '') AS speed_text
            FROM fx_staging),
        p AS (
            SELECT *, {parsed_ts} AS ts,
                   -- a decimal comma is the only comma a single number can carry
                   try_cast(replace(lat_text, ',', '.') AS DOUBLE) AS lat,
                   try_cast(replace(lon_text, ',', '.') AS DOUBLE) AS lon,
                   try_cast(replace(accuracy_text, ',', '.') AS DOUBLE) AS accuracy_m,
                   try_cast(replace(speed_text, ',', '.') AS DOUBLE) AS speed_kmh
            FROM s),
        t AS (
            SELECT p.*, {territory_check.class_sql(check, "g", "lat", "lon")} AS territory_class, g.name
            FROM p CROSS JOIN fx_territory g)
        SELECT row_number, device_id, ts, lat, lon, accuracy_m, speed_kmh, territory_class,
               -- the reasons are spelled out only for rows that have one: on millions of clean rows
               -- the dozen CASEs of the full text cost more than reading the file
               CASE WHEN {_CLEAN_ROW} THEN NULL
                    ELSE coalesce(read_problem, nullif(concat_ws('; ', {", ".join(problems)}), '')) END AS reason
        FROM t"""


def _check_and_store(
    con: duckdb.DuckDBPyConnection,
    batch_id: int,
    zone: str | None = None,
    box=None,
    devices_sql: str | None = None,
    progress: Progress | None = None,
    typed: fixes_reader.TypedRead | None = None,
) -> store.BatchCounts:
    """Validate the staged rows (or the `typed` read's), quarantine the refused ones (with their tracker
    from `devices_sql`, for a retry, when their text does not name it), store the rest with their
    outlier flags."""
    check = territory_check.for_store(con, box)
    territory_check.prepare(con, check, "fx_territory")
    if typed is None:
        con.execute(f"CREATE OR REPLACE TEMP TABLE fx_checked AS {_validation_sql(check, zone)}")
    else:
        _check_typed(con, typed, check, zone, progress)
    _refine_edge_positions(con, check)
    rows_in = store.scalar(con, "SELECT count(*) FROM fx_checked")
    report_progress(progress, "checked", rows_in, rows_in)
    _classify(con)
    valid, set_aside, duplicates, conflicts = store.first_row(
        con,
        """
        SELECT (SELECT count(*) FROM fx_checked WHERE reason IS NULL),
               count(*) FILTER (WHERE outcome <> 'load'), count(*) FILTER (WHERE outcome = 'duplicate'),
               count(*) FILTER (WHERE outcome = 'conflict')
        FROM fx_class""",
    )
    quarantined = 0
    if rows_in - valid + conflicts:  # a clean file of millions of rows skips the join with its text
        if typed is not None:  # the typed read kept no text: the refused lines are read again
            _stage_csv(con, typed.source, typed.device, rows=_REFUSED_ROWS)
        quarantined = store.quarantine_rows(
            con,
            batch_id,
            """
            SELECT q.row_number, r.raw_text, q.reason
            FROM (SELECT row_number, reason FROM fx_checked WHERE reason IS NOT NULL
                  UNION ALL
                  SELECT row_number, conflict_reason FROM fx_class WHERE outcome = 'conflict') q
            JOIN fx_raw r ON r.row_number = q.row_number
            ORDER BY q.row_number""",
        )
        if devices_sql:
            retry.record_devices(con, batch_id, devices_sql)
    # A big file's text is no longer needed: free it before the series work.
    con.execute("DROP TABLE IF EXISTS fx_lines_text")
    max_speed = float(reference.setting(con, "max_speed_kmh") or 130)
    outliers.store_with_flags(con, batch_id, max_speed)
    report_progress(progress, "stored", rows_in, rows_in)
    return store.BatchCounts(rows_in=rows_in, loaded=valid - set_aside, quarantined=quarantined, duplicates=duplicates)


_REFUSED_ROWS = """SELECT row_number FROM fx_checked WHERE reason IS NOT NULL
                   UNION ALL SELECT row_number FROM fx_class WHERE outcome = 'conflict'"""


def _check_typed(con, typed: fixes_reader.TypedRead, check, zone: str | None, progress: Progress | None) -> None:
    """fx_checked from a typed read: its clean rows as they are, the suspects and the rejected lines
    judged by the line reader's own rules on their text (_validation_sql), so reasons never differ."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE fx_checked AS {fixes_reader.checked_sql(typed, check)}")
    suspects = """SELECT row_number FROM fx_checked WHERE reason = ?
                  UNION ALL SELECT row_number FROM fx_skipped"""
    con.execute(f"CREATE OR REPLACE TEMP TABLE fx_suspects AS {suspects}", [fixes_reader.SUSPECT])
    if store.scalar(con, "SELECT count(*) FROM fx_suspects"):
        _stage_csv(con, typed.source, typed.device, rows="SELECT row_number FROM fx_suspects")
        con.execute(f"CREATE OR REPLACE TEMP TABLE fx_judged AS {_validation_sql(check, zone)}")
        con.execute("DELETE FROM fx_checked WHERE reason = ?", [fixes_reader.SUSPECT])
        con.execute("INSERT INTO fx_checked SELECT * FROM fx_judged")
    con.execute("DROP TABLE fx_typed")
    if progress is not None:
        rows_read = store.scalar(con, "SELECT count(*) FROM fx_checked")
        report_progress(progress, "read", rows_read, rows_read)


def _refine_edge_positions(con: duckdb.DuckDBPyConnection, check: territory_check.TerritoryCheck) -> None:
    """Positions in a grid cell the territory's edge crosses, tested against the outline itself."""
    outside = territory_check.refine(
        con, check, "SELECT row_number, lat, lon FROM fx_checked WHERE reason IS NULL AND territory_class = 2"
    )
    if not len(outside):
        return
    con.execute("CREATE OR REPLACE TEMP TABLE fx_outside (row_number BIGINT)")
    con.executemany("INSERT INTO fx_outside VALUES (?)", [[int(n)] for n in outside])
    reason = territory_check.outside_reason_sql("lat", "lon", "(SELECT name FROM fx_territory)")
    con.execute(f"""UPDATE fx_checked SET reason = {reason}, territory_class = 0
                    WHERE row_number IN (SELECT row_number FROM fx_outside)""")


def _classify(con: duckdb.DuckDBPyConnection) -> None:
    """fx_class: the valid rows that share their device and moment with another row of the file or a
    stored fix, each as 'load', 'duplicate' or 'conflict' (same device and time, other place);
    fx_load: the valid rows to store (every valid row not set aside in fx_class).

    Only those few rows are judged one by one: a 10-million-row file with a handful of repeated
    lines costs one grouping of its keys, not a copy of every row with its verdict (which cost
    seconds and gigabytes)."""
    con.execute("""CREATE OR REPLACE TEMP TABLE fx_ranges AS
        SELECT device_id, min(ts) AS lo, max(ts) AS hi FROM fx_checked WHERE reason IS NULL GROUP BY device_id""")
    lo, hi = store.first_row(con, "SELECT min(lo), max(hi) FROM fx_ranges")
    # The fixes table has no index: the constant time bounds let DuckDB skip row groups by their
    # min/max, and the join keeps only the devices and periods this batch touches.
    con.execute(
        """CREATE OR REPLACE TEMP TABLE fx_stored AS
        SELECT f.device_id, f.ts, f.lat, f.lon, f.is_outlier, f.outlier_reason
        FROM fixes f JOIN fx_ranges r ON f.device_id = r.device_id AND f.ts BETWEEN r.lo AND r.hi
        WHERE f.ts BETWEEN ? AND ?""",
        [lo, hi],
    )
    # Within the file the first row at a device's moment wins; a stored fix wins over the file.
    con.execute("""CREATE OR REPLACE TEMP TABLE fx_class AS
        WITH shared AS (
            SELECT device_id, ts FROM fx_checked WHERE reason IS NULL GROUP BY device_id, ts HAVING count(*) > 1
            UNION
            SELECT device_id, ts FROM fx_stored),
        candidates AS (
            SELECT c.* FROM fx_checked c SEMI JOIN shared s ON s.device_id = c.device_id AND s.ts = c.ts
            WHERE c.reason IS NULL),
        firsts AS (
            SELECT device_id, ts, min(row_number) AS first_row,
                   arg_min(lat, row_number) AS first_lat, arg_min(lon, row_number) AS first_lon
            FROM candidates GROUP BY device_id, ts),
        stored AS (SELECT DISTINCT ON (device_id, ts) device_id, ts, lat, lon FROM fx_stored),
        judged AS (
            SELECT c.row_number, s.ts IS NOT NULL AS is_stored, s.lat AS stored_lat, s.lon AS stored_lon,
                   f.first_row, f.first_lat, f.first_lon,
                   CASE WHEN s.ts IS NOT NULL THEN
                            CASE WHEN s.lat = c.lat AND s.lon = c.lon THEN 'duplicate' ELSE 'conflict' END
                        WHEN c.row_number = f.first_row THEN 'load'
                        WHEN c.lat = f.first_lat AND c.lon = f.first_lon THEN 'duplicate'
                        ELSE 'conflict' END AS outcome
            FROM candidates c
            JOIN firsts f ON f.device_id = c.device_id AND f.ts = c.ts
            LEFT JOIN stored s ON s.device_id = c.device_id AND s.ts = c.ts)
        SELECT row_number, outcome,
               CASE WHEN outcome = 'conflict' THEN 'toestel heeft al een positie op dit tijdstip ('
                   || CASE WHEN is_stored THEN 'opgeslagen: ' || stored_lat || ', ' || stored_lon
                           ELSE 'rij ' || first_row || ': ' || first_lat || ', ' || first_lon END
                   || ')' END AS conflict_reason
        FROM judged""")
    con.execute("""CREATE OR REPLACE TEMP VIEW fx_load AS
        SELECT c.device_id, c.ts, c.lat, c.lon, c.accuracy_m, c.speed_kmh
        FROM fx_checked c ANTI JOIN (SELECT row_number FROM fx_class WHERE outcome <> 'load') x
             ON x.row_number = c.row_number
        WHERE c.reason IS NULL""")


def load_rows(con: duckdb.DuckDBPyConnection, batch_id: int, rows: list[tuple]) -> store.BatchCounts:
    """Check and store rows already read (STAGING_COLUMNS, fields as text) inside the caller's
    transaction and batch: the live positions go through exactly the rules of a file import."""
    _stage_rows(con, rows)
    return _check_and_store(con, batch_id, devices_sql="SELECT row_number, device_id FROM fx_staging")
