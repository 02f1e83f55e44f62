"""The register of projects (interventions) whose effect the core group wants to see.

CSV or XLSX with columns `name,type,start,end,categories,area`: `categories` separated by `;`
(Dutch labels or codes; empty = all categories), `area` a sub-municipality or a defined hot spot
(empty = the whole territory). A project with the same name again replaces the earlier version.

A project at an address (`address`: 'Markt 1, 1785 Merchtem', or `street` + `house_number`, with
`postcode` and `place` as for reports) is placed on the address register's point like a report or a hot
spot (etl/geocoding.py); its footprint is the circle of `radius_m` (default 100 m) around that point.
Like a hot spot it needs an address-level point: a street's middle or no match is quarantined with the
geocoder's remark; `area` then only tells equal street names apart.
"""

from __future__ import annotations

import os

import duckdb
import pandas as pd

from civ import store, territory
from civ.reference import normalise_label
from etl import retry
from etl.batches import remember_replaced
from etl.formats import require_columns
from etl.profiles import joined, profile_hash
from etl.tables import read_table, skip_matching_rows
from etl.timestamps import timestamp_problem_sql, timestamp_sql

COLUMNS = {
    "name": ["name", "naam", "project"],
    "type": ["type", "soort"],
    "start": ["start", "begin", "startdatum", "van"],
    "end": ["end", "einde", "einddatum", "tot"],
    "categories": ["categories", "categorieen", "categorie", "category"],
    "area": ["area", "gebied", "deelgemeente", "hotspot"],
    "address": ["address", "adres", "locatie"],
    "street": ["street", "straat", "straatnaam"],
    "house_number": ["house_number", "huisnummer", "huisnr", "nr"],
    "postcode": ["postcode"],
    "place": ["place", "plaats", "woonplaats"],
    "radius_m": ["radius_m", "radius", "straal", "straal_m"],
}
ADDRESS_COLUMNS = ("address", "street", "house_number", "postcode", "place")
PLACE_COLUMNS = {
    "lat": "Float64",
    "lon": "Float64",
    "radius_m": "Float64",
    "location_source": "string",
    "address_id": "string",
    "location_remark": "string",
}
PROJECT_RADIUS_M = 100.0  # the footprint around an address when the file gives no radius


def load_projects_file(
    db: str | os.PathLike, path: str | os.PathLike, is_demo: bool = False, profile=None
) -> store.LoadResult:
    mapping = profile.normalised_columns() if profile else {}
    file_options = profile.file if profile else {}
    known = {a for names in COLUMNS.values() for a in names} | {c for cs in mapping.values() for c in cs}
    table = read_table(
        path,
        known=known,
        header_row=file_options.get("header_row"),
        encoding=file_options.get("encoding"),
        sheet=file_options.get("sheet"),
        delimiter=file_options.get("delimiter"),
    )
    if profile:
        profile.check_columns(table.columns)
    table = skip_matching_rows(table, profile)
    columns = {
        key: mapping.get(key) or next(([a] for a in aliases if a in table.columns), [])
        for key, aliases in COLUMNS.items()
    }
    require_columns(
        table, "projecten", {"name": columns["name"] or COLUMNS["name"], "start": columns["start"] or COLUMNS["start"]}
    )
    frame = table.frame
    staged = pd.DataFrame(
        {
            "row_number": frame["row_number"],
            "raw_text": frame["raw_text"],
            **{key: joined(frame, names) for key, names in columns.items()},
        }
    )

    def load(con: duckdb.DuckDBPyConnection, batch_id: int) -> store.BatchCounts:
        retry.record_source(con, batch_id, table.header or table.columns, table.delimiter, profile)
        return _load(con, batch_id, staged, table.malformed)

    result = store.run_batch(
        db,
        kind="projects",
        file=path,
        fmt="projects",
        options={"profile": profile_hash(profile)},
        load=load,
        is_demo=is_demo,
    )
    result.columns_used = {
        key: [table.header[table.columns.index(c)] for c in names] for key, names in columns.items() if names
    }
    taken = {c for names in columns.values() for c in names}
    result.columns_ignored = [h for h, c in zip(table.header, table.columns) if c not in taken]
    return result


def _resolve(con, staged: pd.DataFrame) -> pd.DataFrame:
    """Category labels and area names to codes; problems as Dutch text per row."""
    found = territory.require(con)  # a project's area is one of the territory's
    aliases = dict(con.execute("SELECT alias, category_code FROM category_aliases WHERE source = '*'").fetchall())
    areas = {
        normalise_label(n): c
        for c, n in con.execute("SELECT code, name FROM areas WHERE level = 'submunicipality'").fetchall()
    }
    areas |= {normalise_label(c): c for c in areas.values()}
    hotspots, outside = {}, set()
    for hotspot_id, name, lat, lon in con.execute(
        "SELECT hotspot_id, name, center_lat, center_lon FROM hotspots"
    ).fetchall():
        hotspots[normalise_label(name)] = hotspot_id
        hotspots[normalise_label(hotspot_id)] = hotspot_id
        # a hot spot loaded under an earlier territory: checked on the outline, as reports and hot spots are
        if found.outline is not None and not found.outline.contains([lat], [lon])[0]:
            outside.add(hotspot_id)
    elsewhere = _places_elsewhere({m["nis"] for m in found.municipalities})
    located = _placed_by_address(con, staged)
    codes, areas_out, kinds, problems = [], [], [], []
    for categories, area, (written, placement) in zip(staged["categories"], staged["area"], located):
        labels = [p.strip() for p in str(categories).split(";") if p.strip()] if pd.notna(categories) else []
        unknown = [label for label in labels if normalise_label(label) not in aliases]
        codes.append(sorted({aliases[normalise_label(label)] for label in labels if label not in unknown}))
        problem = [f"categorie '{label}' is onbekend" for label in unknown]
        key = normalise_label(area) if pd.notna(area) else None
        if written is not None:  # the address is the place; `area` only helped choose the street
            areas_out.append(written), kinds.append("address")
            problem += placement["problems"]
        elif key is None:
            areas_out.append(None), kinds.append(None)
        elif key in areas:
            areas_out.append(areas[key]), kinds.append("area")
        elif key in hotspots and hotspots[key] in outside:
            areas_out.append(None), kinds.append(None)
            problem.append(f"hotspot '{area}' ligt buiten het grondgebied: {found.place}")
        elif key in hotspots:
            areas_out.append(hotspots[key]), kinds.append("hotspot")
        elif key in elsewhere:
            areas_out.append(None), kinds.append(None)
            problem.append(f"gebied '{area}' ligt buiten het grondgebied: {found.place}")
        else:
            areas_out.append(None), kinds.append(None)
            problem.append(f"gebied '{area}' is geen deelgemeente en geen gekende hotspot")
        problems.append("; ".join(problem) or None)
    # as text even with no rows (a file whose rows were all skipped): SQL then still sees VARCHAR columns
    as_text = lambda values: pd.Series(values, index=staged.index, dtype=object)
    return staged.assign(
        category_codes=codes,
        area_code=as_text(areas_out),
        area_kind=as_text(kinds),
        lookup_problem=as_text(problems),
        **{
            column: pd.Series([placement.get(column) for _, placement in located], index=staged.index, dtype=dtype)
            for column, dtype in PLACE_COLUMNS.items()
        },
    )


def _placed_by_address(con, staged: pd.DataFrame) -> list[tuple[str | None, dict]]:
    """Per row: the address as written (None: the row gives none) and where the register puts it, with
    the Dutch problems that keep it out (not placed at address level, a bad radius)."""
    from etl.geocoding import footprint_problem, locate_addresses
    from etl.hotspots import radius_m

    def text(value) -> str | None:
        return None if value is None or pd.isna(value) or not str(value).strip() else str(value).strip()

    rows = staged.to_dict("records")
    entries, wanted = [], []
    for i, row in enumerate(rows):
        fields = {column: text(row.get(column)) for column in ADDRESS_COLUMNS}
        if fields["address"] or fields["street"]:
            # equal street names are told apart by the place, else by the project's sub-municipality
            fields["place"] = fields["place"] or text(row.get("area"))
            entries.append({**fields, "address_text": fields.pop("address")})
            wanted.append(i)
    answers = dict(zip(wanted, locate_addresses(con, entries)))
    located = []
    for i, row in enumerate(rows):
        if i not in answers:
            located.append((None, {}))
            continue
        answer = answers[i]
        written = text(row.get("address")) or " ".join(
            v for v in (text(row.get(c)) for c in ("street", "house_number", "postcode", "place")) if v
        )
        problems = [p for p in [footprint_problem(answer, written)] if p]
        radius, radius_problem = (
            (PROJECT_RADIUS_M, None) if text(row.get("radius_m")) is None else radius_m(row.get("radius_m"))
        )
        problems += [radius_problem] if radius_problem else []
        located.append((written, {**answer, "radius_m": radius, "problems": problems}))
    return located


def _places_elsewhere(own_municipalities: set[str]) -> set[str]:
    """Normalised names of the shipped municipalities and deelgemeenten outside the territory's
    municipalities: a project there is refused as outside the territory, not as an unknown area."""
    inside = {
        normalise_label(f["properties"]["name"])
        for nis, f in territory.boundaries().items()
        if nis in own_municipalities or f["properties"].get("parent") in own_municipalities
    }
    names = {normalise_label(f["properties"]["name"]) for f in territory.boundaries().values()}
    return names - inside


def _load(con, batch_id, staged, malformed) -> store.BatchCounts:
    resolved = _resolve(con, staged)
    con.execute("DROP TABLE IF EXISTS project_stage")
    con.register("project_frame", resolved)
    start, end = timestamp_sql("start"), timestamp_sql('"end"')
    con.execute(f"""
        CREATE TEMP TABLE project_stage AS
        SELECT *, nullif(array_to_string(list_filter([
                   CASE WHEN name IS NULL THEN 'projectnaam ontbreekt' END,
                   CASE WHEN start IS NULL THEN 'startdatum ontbreekt' END,
                   {timestamp_problem_sql("start", "start_ts", "startdatum", "dd/mm/jjjj")},
                   {timestamp_problem_sql('"end"', "end_ts", "einddatum", "dd/mm/jjjj")},
                   CASE WHEN end_ts < start_ts THEN 'einddatum ' || "end" || ' ligt vóór de startdatum ' || start END,
                   lookup_problem], lambda p: p IS NOT NULL), '; '), '') AS reason
        FROM (SELECT *, {start} AS start_ts, {end} AS end_ts FROM project_frame)""")
    con.unregister("project_frame")
    quarantined = store.quarantine_rows(
        con, batch_id, "SELECT row_number, raw_text, reason FROM project_stage WHERE reason IS NOT NULL"
    )
    if len(malformed):
        con.register("malformed_frame", malformed)
        quarantined += store.quarantine_rows(con, batch_id, "SELECT * FROM malformed_frame")
        con.unregister("malformed_frame")
    rows = con.execute("""
        SELECT p.row_number, p.raw_text, p.name, p.type, CAST(timezone('Europe/Brussels', p.start_ts) AS DATE),
               CAST(timezone('Europe/Brussels', p.end_ts) AS DATE), p.category_codes, p.area_code, p.area_kind,
               e.name IS NOT NULL AS existed,
               e.name IS NOT NULL AND e.type IS NOT DISTINCT FROM p.type
                 AND e.start_date = CAST(timezone('Europe/Brussels', p.start_ts) AS DATE)
                 AND e.end_date IS NOT DISTINCT FROM CAST(timezone('Europe/Brussels', p.end_ts) AS DATE)
                 AND e.categories = p.category_codes AND e.area IS NOT DISTINCT FROM p.area_code
                 AND e.lat IS NOT DISTINCT FROM p.lat AND e.lon IS NOT DISTINCT FROM p.lon
                 AND e.radius_m IS NOT DISTINCT FROM p.radius_m AS same,
               p.lat, p.lon, p.radius_m, p.location_source, p.address_id, p.location_remark
        FROM project_stage p LEFT JOIN projects e ON e.name = p.name
        WHERE p.reason IS NULL ORDER BY p.row_number""").fetchall()
    loaded = updated = duplicates = remarks = 0
    first_row: dict[str, int] = {}
    for row_number, raw_text, name, kind, start_date, end_date, codes, area, area_kind, existed, same, *place in rows:
        if name in first_row:
            con.execute(
                "INSERT INTO quarantine VALUES (?, ?, ?, ?)",
                [batch_id, row_number, raw_text, f"project '{name}' staat al op rij {first_row[name]} van dit bestand"],
            )
            quarantined += 1
            continue
        first_row[name] = row_number
        if same:
            duplicates += 1
            continue
        if existed:
            remember_replaced(con, batch_id, "projects", "name = ?", [name])  # for etl batches undo
        con.execute(
            "INSERT OR REPLACE INTO projects (name, type, start_date, end_date, categories, area, area_kind, "
            "batch_id, lat, lon, radius_m, location_source, address_id, location_remark) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [name, kind, start_date, end_date, codes, area, area_kind, batch_id, *place],
        )
        loaded += 1
        updated += bool(existed)
        if place[-1] is not None:  # placed on the nearest number: loaded with the geocoder's remark
            con.execute(
                "INSERT INTO row_remarks (batch_id, row_number, record_key, remark) VALUES (?, ?, ?, ?)",
                [batch_id, row_number, name, place[-1]],
            )
            remarks += 1
    return store.BatchCounts(
        rows_in=len(staged) + len(malformed),
        loaded=loaded,
        quarantined=quarantined,
        duplicates=duplicates,
        updated=updated,
        remarks=remarks,
    )
