"""Addresses to places: a report with a street and number but no coordinates gets the point of the
official address register (etl/addresses.py loads it), all in SQL over DuckDB.

The rules, in the order they are tried (each report records which one placed it, `location_source`):

1. the street: the clerk's spelling normalised (case, accents, `str.`→straat, `stwg`→steenweg,
   `St.-`→Sint, hyphens, spaces, dots) and looked up among the register's Dutch, French and German names,
   after the street aliases (`python -m etl addresses alias`). Equal names in one territory (a Kerkstraat
   in Asse and one in Zellik) are told apart by the place (postname, municipality, sub-municipality) or
   the postcode; when that does not settle it, the report stays unlocated with a remark.
2. a close spelling only when no name matched and exactly one street name of the territory is that close:
   Damerau-Levenshtein distance ≤ 1 (≤ 2 for keys of 12+ letters) — see README for the threshold.
3. the number: same number, letter and box → `address`; same number with another letter or box, or the
   nearest number on the same side of the street (same parity) → `address_nearest_number`; no number,
   or no number on that side → the street's middle, `street`.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field

import duckdb
import numpy as np
import pandas as pd
import shapely
import shapely.geometry

from civ import store

# The report columns the readers fill (the mapping profile's field names) and their staging names.
ADDRESS_FIELDS = {
    "street": "street_text",
    "house_number": "house_number_text",
    "postcode": "postcode_text",
    "place": "place_text",
    "address": "address_text",
}
UNMATCHED_SHOWN = 10

# Keys: the same normalisation on both sides. RE2 has no look-ahead, so the abbreviations are replaced
# at word ends (`\b`) before everything that is not a letter or digit goes.
_MACROS = r"""
CREATE OR REPLACE TEMP MACRO civ_street_key(s) AS
    regexp_replace(
    regexp_replace(
    regexp_replace(
    regexp_replace(
    regexp_replace(lower(strip_accents(trim(s))),
        'stwg\b\.?', 'steenweg', 'g'),
        'stw\b\.?', 'steenweg', 'g'),
        'str\b\.?', 'straat', 'g'),
        '\bst\b\.?', 'sint', 'g'),
        '[^a-z0-9]+', '', 'g');
CREATE OR REPLACE TEMP MACRO civ_house_parts(h) AS
    regexp_extract(lower(trim(h)),
        '^(\d+)\s*([a-z]?)\s*(?:(?:/|bus|bte|boite|box|b)\s*\.?\s*([0-9a-z][0-9a-z.]*))?\s*$',
        ['num', 'letter', 'box']);
CREATE OR REPLACE TEMP MACRO civ_box_key(b) AS
    CASE WHEN b IS NULL OR trim(b) = '' THEN ''
         WHEN regexp_full_match(trim(b), '[0-9]+') THEN CAST(CAST(trim(b) AS BIGINT) AS VARCHAR)
         ELSE lower(replace(trim(b), ' ', '')) END;
CREATE OR REPLACE TEMP MACRO civ_address_parts(t) AS
    regexp_extract(t, '^\s*([^,0-9]*[^,0-9\s])\s*(\d[^,]*)?(?:,\s*(\d{4})?\s*([^,]*))?\s*$',
        ['street', 'num', 'postcode', 'place']);
"""


def define_macros(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_MACROS)


@dataclass
class GeocodeSummary:
    """What one geocoding pass did; `geocoded` counts address-level points (exact or nearest number)."""

    considered: int = 0
    geocoded: int = 0
    geocoded_street_level: int = 0
    not_geocoded: int = 0
    by_source: dict = field(default_factory=dict)
    unmatched_streets: list = field(default_factory=list)  # [{street, reports}] not in the register, most first
    seconds: float = 0.0

    def as_json(self) -> dict:
        return asdict(self)


def with_address_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The staging frame with the address columns, empty for formats that have none."""
    for column in ADDRESS_FIELDS.values():
        if column not in frame.columns:
            frame[column] = pd.Series(pd.NA, index=frame.index, dtype="string")
    if "area_text" in frame.columns:  # a deelgemeente column also tells equal street names apart
        frame["place_text"] = frame["place_text"].fillna(frame["area_text"])
    return frame


def place_reports(con: duckdb.DuckDBPyConnection, batch_id: int | None = None) -> GeocodeSummary:
    """Place the unlocated reports with an address (of one import, or all), in the caller's transaction."""
    where = "lat IS NULL AND (street IS NOT NULL OR address_text IS NOT NULL)"
    params = []
    if batch_id is not None:
        where += " AND batch_id = ?"
        params.append(batch_id)
    summary = locate(
        con,
        f"SELECT {{'source': source, 'source_id': source_id}} AS ref, street, house_number, "
        f"postcode, place, address_text FROM reports WHERE {where}",
        params,
    )
    if summary.considered:
        areas = _areas_of_points(con)
        con.register("geo_area_frame", areas)
        con.execute("""
            UPDATE reports SET lat = g.lat, lon = g.lon, location_source = g.location_source,
                   address_id = g.address_id, location_remark = g.location_remark,
                   area_code = coalesce(reports.area_code, a.area_code)
            FROM geo_result g LEFT JOIN geo_area_frame a USING (rid)
            WHERE reports.source = g.ref.source AND reports.source_id = g.ref.source_id""")
        con.unregister("geo_area_frame")
    return summary


def locate(con: duckdb.DuckDBPyConnection, rows_sql: str, params=()) -> GeocodeSummary:
    """Place the rows of `rows_sql` (columns ref, street, house_number, postcode, place, address_text; `ref`
    any key of the caller's) on the register. The answer is the temporary table `geo_result`: rid, ref, lat,
    lon, location_source, address_id, location_remark, street_unknown — one row per input row."""
    import time

    started = time.perf_counter()
    define_macros(con)
    for name in (
        "geo_raw",
        "geo_in",
        "geo_q",
        "geo_keys",
        "geo_exact",
        "geo_close",
        "geo_streets",
        "geo_chosen",
        "geo_placed",
        "geo_result",
    ):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    con.execute(
        f"""
        CREATE TEMP TABLE geo_raw AS
        WITH r AS (
            SELECT ref, street, house_number, postcode, place, address_text,
                   CASE WHEN street IS NULL THEN civ_address_parts(address_text) END AS parts
            FROM ({rows_sql})
        )
        SELECT row_number() OVER () AS rid, ref,
               coalesce(street, nullif(parts.street, '')) AS street_in,
               coalesce(house_number, nullif(parts.num, '')) AS number_in,
               trim(coalesce(postcode, nullif(parts.postcode, ''))) AS postcode_in,
               coalesce(place, nullif(parts.place, '')) AS place_in,
               address_text
        FROM r""",
        params,
    )
    # The street is chosen once per distinct (street, postcode, place) and the point once per distinct
    # (street, number): a million reports name a few tens of thousands of addresses.
    con.execute("""
        CREATE TEMP TABLE geo_q AS
        SELECT row_number() OVER () AS qid, * FROM (SELECT DISTINCT street_in, postcode_in, place_in FROM geo_raw)""")
    con.execute("""
        CREATE TEMP TABLE geo_in AS
        SELECT r.*, q.qid FROM geo_raw r JOIN geo_q q
          ON q.street_in IS NOT DISTINCT FROM r.street_in AND q.postcode_in IS NOT DISTINCT FROM r.postcode_in
         AND q.place_in IS NOT DISTINCT FROM r.place_in""")
    summary = GeocodeSummary(considered=store.scalar(con, "SELECT count(*) FROM geo_in"))
    if summary.considered == 0:
        return summary
    register_size = store.scalar(con, "SELECT count(*) FROM address_streets")
    # Keys per distinct spelling: a million reports carry a few thousand street spellings.
    con.execute("""
        CREATE TEMP TABLE geo_keys AS
        WITH spellings AS (SELECT DISTINCT street_in FROM geo_in WHERE street_in IS NOT NULL),
        keyed AS (SELECT street_in, civ_street_key(street_in) AS typed_key FROM spellings)
        SELECT k.street_in, k.typed_key, coalesce(a.street_key, k.typed_key) AS street_key
        FROM keyed k LEFT JOIN street_aliases a ON a.alias_key = k.typed_key""")
    _candidate_streets(con)
    _choose_street(con)
    _place_numbers(con)
    _write_back(con, register_size)
    counts = dict(
        con.execute("SELECT coalesce(location_source, 'none'), count(*) FROM geo_result GROUP BY ALL").fetchall()
    )
    summary.by_source = {k: counts.get(k, 0) for k in ("address", "address_nearest_number", "street")}
    summary.geocoded = summary.by_source["address"] + summary.by_source["address_nearest_number"]
    summary.geocoded_street_level = summary.by_source["street"]
    summary.not_geocoded = counts.get("none", 0)
    summary.unmatched_streets = [
        {"street": street, "reports": n}
        for street, n in con.execute(
            """SELECT i.street_in AS street, count(*) AS n FROM geo_result g
               JOIN geo_in i USING (rid) WHERE g.street_unknown
               GROUP BY ALL ORDER BY n DESC, street LIMIT ?""",
            [UNMATCHED_SHOWN],
        ).fetchall()
    ]
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _candidate_streets(con) -> None:
    """Every register street a report's spelling could mean: the same key, else one close key."""
    con.execute("""
        CREATE TEMP TABLE geo_exact AS
        SELECT DISTINCT k.street_in, s.street_id, s.name_key, s.place_keys, s.municipality_key, s.postcodes, s.place_label,
               s.middle_lat, s.middle_lon, false AS fuzzy
        FROM geo_keys k JOIN address_streets s ON s.name_key = k.street_key""")
    # A close spelling only for spellings that matched nothing, and only when exactly one register
    # name is that close. Compared only with names that share the first three or the last four letters
    # (one slip leaves one of the two intact) and are about as long, else the pairs would be billions;
    # the cheap Levenshtein first, then Damerau-Levenshtein (a swap of two letters is one slip).
    con.execute("""
        CREATE TEMP TABLE geo_close AS
        WITH unmatched AS (
            SELECT street_in, street_key FROM geo_keys
            WHERE street_in NOT IN (SELECT street_in FROM geo_exact) AND length(street_key) >= 4
        ), names AS (SELECT DISTINCT name_key FROM address_streets),
        pairs AS (
            SELECT u.street_in, u.street_key, n.name_key FROM unmatched u JOIN names n
              ON left(n.name_key, 3) = left(u.street_key, 3) AND abs(length(n.name_key) - length(u.street_key)) <= 2
            UNION
            SELECT u.street_in, u.street_key, n.name_key FROM unmatched u JOIN names n
              ON right(n.name_key, 4) = right(u.street_key, 4) AND abs(length(n.name_key) - length(u.street_key)) <= 2
        ), close AS (
            SELECT street_in, name_key FROM pairs
            WHERE levenshtein(name_key, street_key) <= 2
              AND damerau_levenshtein(name_key, street_key) <= CASE WHEN length(street_key) >= 12 THEN 2 ELSE 1 END
        ), single AS (
            SELECT street_in, any_value(name_key) AS name_key, count(*) AS names,
                   string_agg(name_key, ', ' ORDER BY name_key) AS keys
            FROM close GROUP BY street_in
        )
        SELECT * FROM single""")
    con.execute("""
        CREATE TEMP TABLE geo_streets AS
        SELECT * FROM geo_exact
        UNION ALL
        SELECT DISTINCT c.street_in, s.street_id, s.name_key, s.place_keys, s.municipality_key, s.postcodes, s.place_label,
               s.middle_lat, s.middle_lon, true AS fuzzy
        FROM geo_close c JOIN address_streets s ON s.name_key = c.name_key
        WHERE c.names = 1""")


def _choose_street(con) -> None:
    """One street per distinct (spelling, postcode, place), or none: `chosen` false, with the places the
    spelling could mean for the remark.

    A spelling with one street is that street. Else the place and postcode must point to exactly one:
    the postnames, the sub-municipality and the postcodes (level 2) tell more than the municipality's
    name (level 1), which equal names in one municipality share. Only equi-joins on (spelling, hint):
    a common name has candidates in dozens of municipalities, and a join of every combination with every
    candidate was 13 million rows for a million reports."""
    con.execute("""
        CREATE TEMP TABLE geo_chosen AS
        WITH per_spelling AS (
            SELECT street_in, count(DISTINCT street_id) AS streets, any_value(street_id) AS only_street,
                   string_agg(DISTINCT place_label, ', ' ORDER BY place_label) AS places, bool_or(fuzzy) AS fuzzy
            FROM geo_streets GROUP BY street_in
        ), hints AS (
            SELECT street_in, street_id, hint, max(level) AS level FROM (
                SELECT street_in, street_id, unnest(place_keys) AS hint, 2 AS level FROM geo_streets
                UNION ALL SELECT street_in, street_id, unnest(postcodes), 2 FROM geo_streets
                UNION ALL SELECT street_in, street_id, municipality_key, 1 FROM geo_streets
            ) WHERE hint IS NOT NULL GROUP BY ALL
        ), places AS (   -- a key per distinct place, not per report
            SELECT place_in, civ_street_key(place_in) AS place_key FROM (SELECT DISTINCT place_in FROM geo_q)
        ), several AS (
            SELECT q.qid, q.street_in, q.postcode_in, p.place_key
            FROM geo_q q JOIN per_spelling s USING (street_in) LEFT JOIN places p ON p.place_in = q.place_in
            WHERE s.streets > 1
        ), fitting AS (
            SELECT qid, street_id, max(level) AS level FROM (
                SELECT v.qid, h.street_id, h.level FROM several v
                JOIN hints h ON h.street_in = v.street_in AND h.hint = v.place_key
                UNION ALL
                SELECT v.qid, h.street_id, h.level FROM several v
                JOIN hints h ON h.street_in = v.street_in AND h.hint = v.postcode_in
            ) GROUP BY ALL
        ), winners AS (
            SELECT qid, count(*) AS fitting, any_value(street_id) AS street_id FROM (
                SELECT *, max(level) OVER (PARTITION BY qid) AS top FROM fitting
            ) WHERE level = top GROUP BY qid
        ), decided AS (
            SELECT q.qid, s.streets, s.places, s.fuzzy,
                   CASE WHEN s.streets = 1 THEN s.only_street WHEN w.fitting = 1 THEN w.street_id END AS street_id
            FROM geo_q q JOIN per_spelling s USING (street_in) LEFT JOIN winners w USING (qid)
        ), middles AS (
            SELECT street_id, any_value(middle_lat) AS middle_lat, any_value(middle_lon) AS middle_lon
            FROM geo_streets GROUP BY street_id
        )
        SELECT d.qid, d.street_id, m.middle_lat, m.middle_lon, d.fuzzy, d.streets, d.places,
               d.street_id IS NOT NULL AS chosen
        FROM decided d LEFT JOIN middles m USING (street_id)""")


def _place_numbers(con) -> None:
    """The register point for the chosen street and number: exact, nearest on the same side, middle."""
    con.execute("""
        CREATE TEMP TABLE geo_placed AS
        WITH distinct_wanted AS (
            SELECT DISTINCT c.street_id, c.middle_lat, c.middle_lon, i.number_in
            FROM geo_chosen c JOIN geo_in i USING (qid) WHERE c.chosen
        ), wanted AS (
            SELECT row_number() OVER () AS pid, *, civ_house_parts(number_in) AS parts FROM distinct_wanted
        ), parsed AS (
            SELECT pid, street_id, middle_lat, middle_lon, number_in,
                   coalesce(try_cast(nullif(parts.num, '') AS INTEGER),
                            try_cast(regexp_extract(trim(number_in), '^(\\d+)', 1) AS INTEGER)) AS number_int,
                   coalesce(parts.letter, '') AS letter, civ_box_key(nullif(parts.box, '')) AS box
            FROM wanted
        ), same_number AS (
            SELECT p.pid,
                   arg_min(struct_pack(address_id := a.address_id, lat := a.lat, lon := a.lon,
                                       house := a.house_number, exact := a.number_letter = p.letter),
                           [(a.number_letter <> p.letter)::INT, (a.box_key <> p.box)::INT,
                            (a.box_key <> '')::INT, (a.status <> 'current')::INT]) AS hit
            FROM parsed p JOIN addresses a ON a.street_id = p.street_id AND a.number_int = p.number_int
            GROUP BY p.pid
        ), nearest AS (
            SELECT p.pid,
                   arg_min(struct_pack(address_id := a.address_id, lat := a.lat, lon := a.lon,
                                       house := a.house_number, exact := false),
                           [abs(a.number_int - p.number_int), a.number_int, (a.number_letter <> '')::INT,
                            (a.box_key <> '')::INT, (a.status <> 'current')::INT]) AS hit
            FROM parsed p JOIN addresses a ON a.street_id = p.street_id
                 AND a.number_int % 2 = p.number_int % 2
            WHERE p.pid NOT IN (SELECT pid FROM same_number)
            GROUP BY p.pid
        )
        SELECT p.pid, p.street_id, p.number_in, p.number_int,
               coalesce(s.hit, n.hit) AS hit,
               CASE WHEN s.hit.exact THEN 'address' WHEN coalesce(s.hit, n.hit) IS NOT NULL
                    THEN 'address_nearest_number' ELSE 'street' END AS location_source,
               coalesce(s.hit.lat, n.hit.lat, p.middle_lat) AS lat,
               coalesce(s.hit.lon, n.hit.lon, p.middle_lon) AS lon
        FROM parsed p LEFT JOIN same_number s USING (pid) LEFT JOIN nearest n USING (pid)""")


def _write_back(con, register_size: int) -> None:
    no_register = "geen adressenregister geladen (python -m etl addresses load openaddress-bevlg.zip)"
    con.execute(
        """
        CREATE TEMP TABLE geo_result AS
        WITH ambiguous AS (
            SELECT qid, streets, fuzzy, places FROM geo_chosen WHERE NOT chosen
        ), close_many AS (
            SELECT street_in, keys FROM geo_close WHERE names > 1
        )
        SELECT i.rid, i.ref, p.lat, p.lon, p.location_source, p.hit.address_id AS address_id,
               c.qid IS NULL AND a.qid IS NULL AND m.street_in IS NULL AND i.street_in IS NOT NULL AS street_unknown,
               CASE
                 WHEN p.location_source = 'address' THEN NULL
                 WHEN p.location_source = 'address_nearest_number' AND p.hit.house IS NOT NULL THEN
                      'huisnummer ' || coalesce(i.number_in, '') || ' niet in het adressenregister: geplaatst op nummer '
                      || p.hit.house || ' aan dezelfde kant van de straat'
                 WHEN p.location_source = 'street' AND i.number_in IS NULL THEN
                      'geen huisnummer: geplaatst in het midden van de straat'
                 WHEN p.location_source = 'street' THEN
                      'huisnummer ' || i.number_in || ' niet gevonden (geen nummer aan die kant): '
                      || 'geplaatst in het midden van de straat'
                 WHEN $register_size = 0 THEN $no_register
                 WHEN i.street_in IS NULL THEN
                      'adres ''' || coalesce(i.address_text, '') || ''' niet leesbaar (verwacht: straat nummer, postcode plaats)'
                 WHEN a.qid IS NOT NULL THEN
                      'straat ''' || i.street_in || ''' komt meermaals voor (' || a.places || '): '
                      || 'vul deelgemeente of postcode in'
                 WHEN m.street_in IS NOT NULL THEN
                      'straat ''' || i.street_in || ''' niet gevonden; lijkt op meerdere straten: ' || m.keys
                 ELSE 'straat ''' || i.street_in || ''' niet gevonden in het adressenregister '
                      || '(spelling nakijken of een alias maken: python -m etl addresses alias)'
               END AS location_remark
        FROM geo_in i LEFT JOIN (SELECT qid, street_id FROM geo_chosen WHERE chosen) c USING (qid)
             LEFT JOIN geo_placed p ON p.street_id = c.street_id AND p.number_in IS NOT DISTINCT FROM i.number_in
             LEFT JOIN ambiguous a USING (qid) LEFT JOIN close_many m ON m.street_in = i.street_in""",
        {"register_size": register_size, "no_register": no_register},
    )


def _areas_of_points(con) -> pd.DataFrame:
    """Sub-municipality of each placed report (point in polygon), as the reports loader does for given points."""
    points = con.execute("SELECT rid, lat, lon FROM geo_result WHERE lat IS NOT NULL").df()
    codes = np.full(len(points), None, dtype=object)
    if len(points):
        for code, geojson in con.execute("SELECT code, geojson FROM areas WHERE level = 'submunicipality'").fetchall():
            polygon = shapely.geometry.shape(json.loads(geojson))
            inside = shapely.contains_xy(polygon, points["lon"].to_numpy(), points["lat"].to_numpy())
            codes[inside & (codes == None)] = code
    return pd.DataFrame({"rid": points["rid"].astype("int64"), "area_code": pd.Series(codes, dtype="string")})


def geocode_stored(db: str | os.PathLike, batch_id: int | None = None) -> GeocodeSummary:
    """`python -m etl geocode`: place the stored unlocated reports again (after a newer register or an alias)."""
    with store.long_write(db) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            summary = place_reports(con, batch_id)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return summary


def locate_addresses(con: duckdb.DuckDBPyConnection, entries: list[dict]) -> list[dict]:
    """Place a few addresses given as dicts (street, house_number, postcode, place, address_text), e.g. the
    hot spots of a list kept as addresses; one answer per entry, in order."""
    if not entries:
        return []
    columns = ["street", "house_number", "postcode", "place", "address_text"]
    frame = pd.DataFrame({c: pd.Series([_text(e.get(c)) for e in entries], dtype="string") for c in columns})
    frame.insert(0, "ref", range(len(entries)))
    con.register("geo_entries", frame)
    try:
        locate(con, "SELECT ref, street, house_number, postcode, place, address_text FROM geo_entries")
    finally:
        con.unregister("geo_entries")
    rows = con.execute(
        "SELECT lat, lon, location_source, address_id, location_remark FROM geo_result ORDER BY ref"
    ).fetchall()
    keys = ("lat", "lon", "location_source", "address_id", "location_remark")
    return [dict(zip(keys, row)) for row in rows]


ADDRESS_LEVEL = ("address", "address_nearest_number")


def footprint_problem(answer: dict, written: str) -> str | None:
    """Why a hot spot's or a project's footprint cannot take this answer of `locate_addresses`, in Dutch;
    None when it can. Only an address-level point will do: a street's middle is too vague for a circle."""
    if answer["location_source"] in ADDRESS_LEVEL:
        return None
    return f"adres '{written}' niet geplaatst: " + (answer["location_remark"] or "onbekend")


def _text(value) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None
