"""The official address register: BOSA's BeSt-Address open data (`openaddress-bevlg.zip` for Flanders,
`-bebru` Brussels, `-bewal` Wallonia), one CSV, also zipped.

Only the territory's municipalities are kept (a region is ~3,5 million rows; a municipality tens of
thousands), only current and proposed addresses (retired and rejected ones place nothing). The WGS84
columns are read by name; the projected pair may be Lambert 72 (`EPSG:31370_x/_y`, until October 2026)
or Lambert 2008 (`EPSG:3812_x/_y`, since) and is only checked for presence. One transaction: a newer file
replaces the rows of the municipalities it brings, or nothing changes.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import shapely
import shapely.geometry

from civ import store, territory
from civ.errors import UnusableInput
from etl.geocoding import define_macros

REQUIRED = [
    "EPSG:4326_lat",
    "EPSG:4326_lon",
    "address_id",
    "box_number",
    "house_number",
    "municipality_id",
    "municipality_name_nl",
    "postcode",
    "postname_nl",
    "street_id",
    "streetname_nl",
    "status",
]
OPTIONAL = [
    "municipality_name_fr",
    "municipality_name_de",
    "postname_fr",
    "streetname_fr",
    "streetname_de",
    "region_code",
]
PROJECTIONS = {"EPSG:31370": "Lambert 72", "EPSG:3812": "Lambert 2008"}
KEPT_STATUSES = ("current", "proposed")
REGISTER_MEMORY = "1GB"  # DuckDB's memory for the register load (environment CIV_REGISTER_MEMORY)
# Belgium with a margin of a few kilometres (WGS84): a point outside is a broken file, not an address.
BELGIUM = {"south": 49.45, "north": 51.55, "west": 2.50, "east": 6.45}


def territory_municipalities(con: duckdb.DuckDBPyConnection) -> list[str]:
    """NIS codes of the territory's municipalities (`etl territory set`); none before it is set."""
    found = territory.current(con)
    return [m["nis"] for m in found.municipalities] if found else []


@contextmanager
def _csv_of(path: Path) -> Iterator[Path]:
    """The CSV itself, or the one CSV inside a zip, unpacked to a temporary file (streamed, not in memory)."""
    if not zipfile.is_zipfile(path):
        yield path
        return
    with zipfile.ZipFile(path) as archive:
        members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
        if len(members) != 1:
            raise UnusableInput(
                f"{path.name}: verwacht één CSV-bestand in het zip-bestand, gevonden: "
                f"{', '.join(m.filename for m in members) or 'geen'}"
            )
        with tempfile.TemporaryDirectory(prefix="civ-addresses-") as folder:
            target = Path(folder) / "register.csv"
            with archive.open(members[0]) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
            yield target


def _header(path: Path, shown_name: str) -> tuple[list[str], str]:
    """The header's column names and the projected pair it carries, or UnusableInput naming what is missing."""
    with open(path, "rb") as handle:
        first = handle.readline(64 * 1024)
    try:
        line = first.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise UnusableInput(
            f"{shown_name} is geen CSV van het adressenregister (BeSt-Address): eerste regel is geen tekst"
        ) from None
    columns = [c.strip().strip('"') for c in line.split(",")]
    missing = [c for c in REQUIRED if c not in columns]
    projections = [code for code in PROJECTIONS if f"{code}_x" in columns and f"{code}_y" in columns]
    if missing or not projections:
        if not projections:
            missing.append("EPSG:31370_x/_y of EPSG:3812_x/_y")
        raise UnusableInput(
            f"{shown_name} is geen CSV van het adressenregister (BeSt-Address van BOSA): "
            f"kolom(men) {', '.join(missing)} ontbreken"
        )
    return columns, projections[0]


def load_register(db: str | os.PathLike, path: str | os.PathLike, nis: list[str] | None = None) -> dict:
    """`python -m etl addresses load FILE`: the territory's addresses in, the older ones of those
    municipalities out, in one transaction. Returns counts per status and municipality."""
    started = time.perf_counter()
    path = Path(path)
    if not path.is_file():
        raise UnusableInput(f"bestand {path} bestaat niet")
    with _csv_of(path) as csv_path:
        columns, projection = _header(csv_path, path.name)
        with store.long_write(db) as con:
            codes = [str(c).strip() for c in nis] if nis else territory_municipalities(con)
            if not codes:
                raise UnusableInput("geen gemeenten in het grondgebied: geef hun NIS-codes met --nis (bv. --nis 23002)")
            # A region's file is 3,5 million rows: DuckDB spills to <db>.tmp beyond this rather than hold
            # them all (the load must stay under 2 GB on a shared server).
            con.execute("SET memory_limit = ?", [os.environ.get("CIV_REGISTER_MEMORY", REGISTER_MEMORY)])
            con.execute("BEGIN TRANSACTION")
            try:
                summary = _load(con, csv_path, path, columns, projection, codes)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
    summary["seconds"] = round(time.perf_counter() - started, 2)
    return summary


def _column(columns: list[str], name: str) -> str:
    return f'"{name}"' if name in columns else "NULL"


def _load(con, csv_path: Path, path: Path, columns: list[str], projection: str, codes: list[str]) -> dict:
    define_macros(con)
    for name in ("register_rows",):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    c = {name: _column(columns, name) for name in REQUIRED + OPTIONAL}
    try:
        # Every column as text (the file's types are not ours to trust), the territory filtered while reading.
        con.execute(
            f"""
            CREATE TEMP TABLE register_rows AS
            SELECT trim({c["address_id"]}) AS address_id, trim({c["street_id"]}) AS street_id,
                   trim({c["municipality_id"]}) AS municipality_nis,
                   nullif(trim({c["municipality_name_nl"]}), '') AS municipality_name_nl,
                   nullif(trim({c["municipality_name_fr"]}), '') AS municipality_name_fr,
                   nullif(trim({c["postcode"]}), '') AS postcode,
                   nullif(trim({c["postname_nl"]}), '') AS postname_nl,
                   nullif(trim({c["postname_fr"]}), '') AS postname_fr,
                   nullif(trim({c["streetname_nl"]}), '') AS street_nl,
                   nullif(trim({c["streetname_fr"]}), '') AS street_fr,
                   nullif(trim({c["streetname_de"]}), '') AS street_de,
                   trim({c["house_number"]}) AS house_number, nullif(trim({c["box_number"]}), '') AS box_number,
                   lower(trim({c["status"]})) AS status, {c["region_code"]} AS region_code,
                   try_cast({c["EPSG:4326_lat"]} AS DOUBLE) AS lat, try_cast({c["EPSG:4326_lon"]} AS DOUBLE) AS lon
            FROM read_csv(?, header = true, delim = ',', quote = '"', all_varchar = true, parallel = true)
            WHERE trim({c["municipality_id"]}) IN (SELECT unnest(?::VARCHAR[]))""",
            [str(csv_path), codes],
        )
    except duckdb.Error as error:
        raise UnusableInput(
            f"{path.name} is niet leesbaar als CSV van het adressenregister: {str(error).splitlines()[0]}"
        ) from None
    rows_in = _data_lines(csv_path)
    territory_rows = store.scalar(con, "SELECT count(*) FROM register_rows")
    if territory_rows == 0:
        regions = (
            [
                r[0]
                for r in con.execute(
                    "SELECT DISTINCT region_code FROM read_csv(?, header = true, all_varchar = true) "
                    "WHERE region_code IS NOT NULL ORDER BY 1 LIMIT 5",
                    [str(csv_path)],
                ).fetchall()
            ]
            if "region_code" in columns
            else []
        )
        raise UnusableInput(
            f"{path.name} bevat geen enkel adres van de gemeenten {', '.join(codes)} van het "
            f"grondgebied (gewest van het bestand: {', '.join(regions) or 'onbekend'}); "
            "neem het bestand van het juiste gewest (openaddress-bevlg/-bebru/-bewal)"
        )
    outside = con.execute(
        """
        SELECT count(*), any_value(address_id), any_value(lat), any_value(lon) FROM register_rows
        WHERE lat IS NOT NULL AND lon IS NOT NULL
          AND NOT (lat BETWEEN $south AND $north AND lon BETWEEN $west AND $east)""",
        BELGIUM,
    ).fetchall()[0]
    if outside[0]:
        raise UnusableInput(
            f"{path.name}: {outside[0]} adressen liggen buiten België (bv. adres {outside[1]} op "
            f"{outside[2]}, {outside[3]}); kolommen EPSG:4326_lat/_lon verwisseld of geen WGS84?"
        )
    per_municipality = _counts(con)
    con.execute("DELETE FROM addresses WHERE municipality_nis IN (SELECT DISTINCT municipality_nis FROM register_rows)")
    con.execute(
        "DELETE FROM address_streets WHERE municipality_nis IN (SELECT DISTINCT municipality_nis FROM register_rows)"
    )
    # Current before proposed when one id comes twice; the street's name in Dutch, else French. Only the
    # ids that do come twice go through the window: over every row (all 17 columns) it was 13 of the
    # load's 34 CPU seconds for a region, for a handful of ids.
    columns = """address_id, street_id, municipality_nis, coalesce(municipality_name_nl, municipality_name_fr),
               postcode, coalesce(postname_nl, postname_fr), street_nl, street_fr, street_de,
               house_number, box_number, try_cast(nullif(number_parts.num, '') AS INTEGER),
               lower(number_parts.letter), civ_box_key(box_number), status, lat, lon"""
    con.execute(f"""
        INSERT INTO addresses
        WITH parsed AS (
            SELECT *, regexp_extract(house_number, '^(\\d+)\\s*([A-Za-z]*)', ['num', 'letter']) AS number_parts
            FROM register_rows
            WHERE status IN {KEPT_STATUSES} AND lat IS NOT NULL AND lon IS NOT NULL AND address_id <> ''
                  AND street_id <> ''
        ), twice AS (
            SELECT address_id FROM parsed GROUP BY address_id HAVING count(*) > 1
        )
        SELECT {columns} FROM parsed WHERE address_id NOT IN (SELECT address_id FROM twice)
        UNION ALL
        SELECT * FROM (
            SELECT {columns} FROM parsed WHERE address_id IN (SELECT address_id FROM twice)
            QUALIFY row_number() OVER (PARTITION BY address_id ORDER BY status = 'current' DESC) = 1
        )""")
    _build_streets(con)
    kept = store.scalar(
        con,
        "SELECT count(*) FROM addresses WHERE municipality_nis IN "
        "(SELECT DISTINCT municipality_nis FROM register_rows)",
    )
    streets = store.scalar(
        con,
        "SELECT count(DISTINCT street_id) FROM address_streets WHERE municipality_nis IN "
        "(SELECT DISTINCT municipality_nis FROM register_rows)",
    )
    loaded_codes = sorted(m["nis"] for m in per_municipality)
    con.execute(
        """INSERT INTO address_register_loads (file_name, file_sha256, loaded_at, projection, municipalities,
                                                       rows_in, kept)
                   VALUES (?, ?, now(), ?, ?, ?, ?)""",
        [path.name, store.file_sha256(path), projection, loaded_codes, rows_in, kept],
    )
    status_totals: dict[str, int] = {}
    for municipality in per_municipality:
        for status, n in municipality["status"].items():
            status_totals[status] = status_totals.get(status, 0) + n
    return {
        "file": str(path),
        "projection": projection,
        "rows_in": rows_in,
        "territory_rows": territory_rows,
        "kept": kept,
        "streets": streets,
        "status": status_totals,
        "municipalities": per_municipality,
        "missing_municipalities": sorted(set(codes) - set(loaded_codes)),
    }


def _data_lines(path: Path) -> int:
    """Rows of the file: its lines but the header (BOSA quotes no line breaks); a read, not a parse."""
    lines, last = 0, b"\n"
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n") - 1


def _counts(con) -> list[dict]:
    rows = con.execute("""
        SELECT municipality_nis, any_value(coalesce(municipality_name_nl, municipality_name_fr)),
               coalesce(status, ''), count(*) FILTER (WHERE lat IS NOT NULL AND lon IS NOT NULL),
               count(*) FILTER (WHERE lat IS NULL OR lon IS NULL)
        FROM register_rows GROUP BY ALL ORDER BY 1, 3""").fetchall()
    result: dict[str, dict] = {}
    for nis, name, status, located, unlocated in rows:
        entry = result.setdefault(nis, {"nis": nis, "name": name, "status": {}, "without_coordinates": 0})
        entry["status"][status or "onbekend"] = located + unlocated
        entry["without_coordinates"] += unlocated
        entry["kept"] = entry.get("kept", 0) + (located if status in KEPT_STATUSES else 0)
    return list(result.values())


def _build_streets(con) -> None:
    """Streets of the municipalities just loaded: each spelling's key, its places and its middle."""
    con.execute("DROP TABLE IF EXISTS street_points")
    con.execute("""
        CREATE TEMP TABLE street_points AS
        WITH loaded AS (
            SELECT * FROM addresses WHERE municipality_nis IN (SELECT DISTINCT municipality_nis FROM register_rows)
        ), mean AS (
            SELECT street_id, avg(lat) AS mean_lat, avg(lon) AS mean_lon FROM loaded GROUP BY street_id
        )
        SELECT l.street_id, any_value(l.municipality_nis) AS municipality_nis,
               -- one row for both coordinates; on a tie the lower number (0.63: cos of Belgium's latitude)
               arg_min({'lat': l.lat, 'lon': l.lon}, [(l.lat - m.mean_lat) ^ 2 + ((l.lon - m.mean_lon) * 0.63) ^ 2,
                                                     l.number_int, hash(l.address_id)]) AS middle,
               coalesce(list(DISTINCT l.postcode) FILTER (WHERE l.postcode IS NOT NULL), []) AS postcodes,
               -- keys of the few distinct names, not of every address (a regular expression each)
               list_transform(coalesce(list(DISTINCT l.postname) FILTER (WHERE l.postname IS NOT NULL), []),
                              lambda name: civ_street_key(name)) AS place_keys,
               civ_street_key(mode(l.municipality_name)) AS municipality_key,
               concat_ws(' ', mode(l.postcode), mode(coalesce(l.postname, l.municipality_name))) AS place_label
        FROM loaded l JOIN mean m USING (street_id)
        GROUP BY l.street_id""")
    # The sub-municipality (deelgemeente) the street's middle lies in is a place too: postnames do not
    # always tell Asse from Mollem (both 1730), the areas of the territory do.
    areas = _submunicipality_of_streets(con)
    con.register("street_area_frame", areas)
    con.execute("""
        INSERT INTO address_streets
        WITH names AS (
            SELECT DISTINCT a.street_id, unnest([a.street_nl, a.street_fr, a.street_de]) AS street_name
            FROM addresses a WHERE a.street_id IN (SELECT street_id FROM street_points)
        )
        SELECT n.street_id, p.municipality_nis, n.street_name, civ_street_key(n.street_name),
               list_distinct(p.place_keys || CASE WHEN s.area_name IS NULL THEN [] ELSE [civ_street_key(s.area_name)] END),
               p.municipality_key,
               CASE WHEN s.area_name IS NULL OR civ_street_key(p.place_label) LIKE '%' || civ_street_key(s.area_name)
                    THEN p.place_label ELSE p.place_label || ' (' || s.area_name || ')' END,
               p.postcodes, p.middle.lat, p.middle.lon
        FROM names n JOIN street_points p USING (street_id) LEFT JOIN street_area_frame s USING (street_id)
        WHERE n.street_name IS NOT NULL""")
    con.unregister("street_area_frame")


def _submunicipality_of_streets(con) -> pd.DataFrame:
    points = con.execute("SELECT street_id, middle.lat AS middle_lat, middle.lon AS middle_lon FROM street_points").df()
    names = np.full(len(points), None, dtype=object)
    if len(points):
        for name, geojson in con.execute("SELECT name, geojson FROM areas WHERE level = 'submunicipality'").fetchall():
            polygon = shapely.geometry.shape(json.loads(geojson))
            inside = shapely.contains_xy(polygon, points["middle_lon"].to_numpy(), points["middle_lat"].to_numpy())
            names[inside & (names == None)] = name
    return pd.DataFrame({"street_id": points["street_id"], "area_name": pd.Series(names, dtype="string")})


def add_alias(db: str | os.PathLike, alias: str, street_name: str) -> dict:
    """`python -m etl addresses alias "Stwg op Brussel" "Brusselsesteenweg"`: a clerk's spelling -> a register street."""
    if not alias.strip() or not street_name.strip():
        raise UnusableInput("geef de schrijfwijze en de straatnaam van het adressenregister")
    with store.long_write(db) as con:
        define_macros(con)
        alias_key, street_key = con.execute(
            "SELECT civ_street_key(?), civ_street_key(?)", [alias, street_name]
        ).fetchall()[0]
        known = con.execute(
            "SELECT any_value(street_name), count(DISTINCT street_id) FROM address_streets WHERE name_key = ?",
            [street_key],
        ).fetchall()[0]
        if not known[1]:
            raise UnusableInput(
                f"straat '{street_name}' staat niet in het adressenregister van het grondgebied "
                "(laad het eerst: python -m etl addresses load openaddress-bevlg.zip)"
            )
        if alias_key == street_key:
            raise UnusableInput(f"'{alias}' wordt al als '{known[0]}' herkend: geen alias nodig")
        con.execute(
            "INSERT OR REPLACE INTO street_aliases VALUES (?, ?, ?, ?, now())",
            [alias_key, alias.strip(), known[0], street_key],
        )
    return {"alias": alias.strip(), "street": known[0], "streets": known[1]}
