"""The register of projects (interventions) whose effect the core group wants to see.

CSV or XLSX with columns `name,type,start,end,categories,area`: `categories` separated by `;`
(Dutch labels or codes; empty = all categories), `area` a sub-municipality or a defined hot spot
(empty = the whole territory). A project with the same name again replaces the earlier version.
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
from etl.tables import read_table
from etl.timestamps import timestamp_problem_sql, timestamp_sql

COLUMNS = {
    "name": ["name", "naam", "project"],
    "type": ["type", "soort"],
    "start": ["start", "begin", "startdatum", "van"],
    "end": ["end", "einde", "einddatum", "tot"],
    "categories": ["categories", "categorieen", "categorie", "category"],
    "area": ["area", "gebied", "deelgemeente", "hotspot"],
}


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
    )
    if profile:
        profile.check_columns(table.columns)
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
    territory.require(con)  # a project's area is one of the territory's
    aliases = dict(con.execute("SELECT alias, category_code FROM category_aliases WHERE source = '*'").fetchall())
    areas = {
        normalise_label(n): c
        for c, n in con.execute("SELECT code, name FROM areas WHERE level = 'submunicipality'").fetchall()
    }
    areas |= {normalise_label(c): c for c in areas.values()}
    hotspots = {}
    for hotspot_id, name in con.execute("SELECT hotspot_id, name FROM hotspots").fetchall():
        hotspots[normalise_label(name)] = hotspot_id
        hotspots[normalise_label(hotspot_id)] = hotspot_id
    codes, areas_out, kinds, problems = [], [], [], []
    for categories, area in zip(staged["categories"], staged["area"]):
        labels = [p.strip() for p in str(categories).split(";") if p.strip()] if pd.notna(categories) else []
        unknown = [label for label in labels if normalise_label(label) not in aliases]
        codes.append(sorted({aliases[normalise_label(label)] for label in labels if label not in unknown}))
        problem = [f"categorie '{label}' is onbekend" for label in unknown]
        key = normalise_label(area) if pd.notna(area) else None
        if key is None:
            areas_out.append(None), kinds.append(None)
        elif key in areas:
            areas_out.append(areas[key]), kinds.append("area")
        elif key in hotspots:
            areas_out.append(hotspots[key]), kinds.append("hotspot")
        else:
            areas_out.append(None), kinds.append(None)
            problem.append(f"gebied '{area}' is geen deelgemeente en geen gekende hotspot")
        problems.append("; ".join(problem) or None)
    return staged.assign(category_codes=codes, area_code=areas_out, area_kind=kinds, lookup_problem=problems)


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
                 AND e.categories = p.category_codes AND e.area IS NOT DISTINCT FROM p.area_code AS same
        FROM project_stage p LEFT JOIN projects e ON e.name = p.name
        WHERE p.reason IS NULL ORDER BY p.row_number""").fetchall()
    loaded = updated = duplicates = 0
    first_row: dict[str, int] = {}
    for row_number, raw_text, name, kind, start_date, end_date, codes, area, area_kind, existed, same in rows:
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
            "INSERT OR REPLACE INTO projects VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [name, kind, start_date, end_date, codes, area, area_kind, batch_id],
        )
        loaded += 1
        updated += bool(existed)
    return store.BatchCounts(
        rows_in=len(staged) + len(malformed),
        loaded=loaded,
        quarantined=quarantined,
        duplicates=duplicates,
        updated=updated,
    )
