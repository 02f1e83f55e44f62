"""The project register as analytics reads it: what a project targets, its phases in a series, the
counts of its target and of its comparison, and which charts it concerns.

Target and comparison (what the effect estimate compares; analytics/effects.py):
- a project in a sub-municipality: its categories there, against the same categories in the other
  sub-municipalities over the same periods;
- a project on a defined hot spot: its categories inside the hot spot's footprint (a point's watched
  radius, or its polygon), against the same categories elsewhere in the territory;
- a project at an address (placed on the address register, etl/projects.py): the same, with the circle
  of its `radius_m` around the register's point as the footprint;
- a project on the whole territory: its categories, against all other categories;
- a project on every category of the whole territory has nothing to compare with.
Reports without a location count only in whole-territory designs (they have no place to be in or out).

Phases: a period (month or ISO week) belongs to the phase holding most of its days — before the
start, during [start, end], after the end; a tie goes to 'during'.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import duckdb
import numpy as np
import pandas as pd
import shapely
import shapely.geometry
from pyproj import Transformer

from analytics.periods import Period, bin_sql
from civ import territory


@dataclass(frozen=True)
class Project:
    name: str
    type: str | None
    start: date
    end: date | None
    categories: tuple[str, ...]  # empty: every category
    area: str | None  # sub-municipality code or hotspot_id; None: whole territory
    area_kind: str | None  # 'area', 'hotspot', 'address' or None
    area_name: str  # 'Brussegem', 'Station Merchtem', 'heel Merchtem', 'Markt 1, 1785 Merchtem (100 m)'
    submunicipality: str | None  # the sub-municipality it lies in (a hot spot's centre), or None
    circle: tuple[float, float, float] | None = None  # an address project's lat, lon, radius_m

    @property
    def design(self) -> str:
        if self.area_kind == "area":
            return "area"
        if self.area_kind in ("hotspot", "address"):  # a circle around an address is a footprint too
            return "hotspot"
        return "territory" if self.categories else "none"


@lru_cache(maxsize=1)
def _to_metres() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:31370", always_xy=True)  # Belgian Lambert 72


def _area_shapes(con) -> list[tuple[str, shapely.Geometry]]:
    return [
        (code, shapely.geometry.shape(json.loads(geo)))
        for code, geo in con.execute("SELECT code, geojson FROM areas WHERE level = 'submunicipality'").fetchall()
    ]


def register(con: duckdb.DuckDBPyConnection) -> list[Project]:
    """Every project of the store, by start date."""
    areas = dict(con.execute("SELECT code, name FROM areas").fetchall())
    hotspots = {
        r[0]: r[1:] for r in con.execute("SELECT hotspot_id, name, center_lat, center_lon FROM hotspots").fetchall()
    }
    shapes = None
    projects = []
    whole = f"heel {territory.place_name(con)}" if territory.is_set(con) else "heel het grondgebied"
    for name, kind, start, end, categories, area, area_kind, *circle in con.execute(
        "SELECT name, type, start_date, end_date, categories, area, area_kind, lat, lon, radius_m "
        "FROM projects ORDER BY start_date, name"
    ).fetchall():
        submunicipality, area_name = None, whole
        centre = None
        if area_kind == "area":
            submunicipality, area_name = area, areas.get(area, area)
        elif area_kind == "hotspot" and area in hotspots:
            area_name, *centre = hotspots[area]
        elif area_kind == "address" and None not in circle:
            centre = circle[:2]
            area_name = f"{area} ({f'{circle[2]:g}'.replace('.', ',')} m)"
        if centre is not None:
            shapes = shapes if shapes is not None else _area_shapes(con)
            point = shapely.Point(centre[1], centre[0])
            submunicipality = next((code for code, shape in shapes if shape.contains(point)), None)
        projects.append(
            Project(
                name,
                kind,
                start,
                end,
                tuple(categories or ()),
                area,
                area_kind,
                area_name,
                submunicipality,
                tuple(circle) if area_kind == "address" and None not in circle else None,
            )
        )
    return projects


def find(con: duckdb.DuckDBPyConnection, name: str) -> Project:
    """The project of that name (case and spaces forgiven); ValueError listing the known ones."""
    projects = register(con)
    wanted = " ".join(str(name).split()).casefold()
    for project in projects:
        if project.name.casefold() == wanted:
            return project
    known = ", ".join(f"'{p.name}'" for p in projects) or "geen (laad ze met python -m etl projects)"
    raise ValueError(f"project '{name}' onbekend; gekend: {known}")


def concerns(project: Project, categories: set[str] | None, area: str | None) -> bool:
    """Does a chart of these categories (None: all) and this sub-municipality (None: all) show the
    project? It does when they share a category and a place."""
    shares_category = not project.categories or categories is None or bool(categories & set(project.categories))
    shares_place = area is None or project.submunicipality is None or project.submunicipality == area
    return shares_category and shares_place


# --- phases ----------------------------------------------------------------------------------------
def phase_of(period: Period, start: date, end: date | None) -> str:
    """The phase holding most of the period's days (a tie goes to 'during')."""
    before = period.overlap_days(date.min, start - timedelta(days=1))
    during = period.overlap_days(start, end)
    after = period.overlap_days(end + timedelta(days=1), None) if end is not None else 0
    best = max(during, before, after)
    return "during" if during == best else "before" if before == best else "after"


# --- counts ----------------------------------------------------------------------------------------
def _footprint(con, project: Project) -> shapely.Geometry:
    """The project's target area in Lambert 72 metres: its hot spot's footprint, or its address's circle."""
    if project.circle is not None:
        lat, lon, radius_m = project.circle
        x, y = _to_metres().transform(lon, lat)
        return shapely.Point(x, y).buffer(float(radius_m), quad_segs=32)
    geojson, lat, lon, radius_m = con.execute(
        "SELECT geojson, center_lat, center_lon, radius_m FROM hotspots WHERE hotspot_id = ?", [project.area]
    ).fetchall()[0]
    geometry = json.loads(geojson)
    transform = _to_metres().transform
    if geometry.get("type") in ("Polygon", "MultiPolygon"):
        return shapely.transform(
            shapely.geometry.shape(geometry), lambda xy: np.column_stack(transform(xy[:, 0], xy[:, 1]))
        )
    x, y = transform(lon, lat)
    return shapely.Point(x, y).buffer(float(radius_m), quad_segs=32)


def counts(con: duckdb.DuckDBPyConnection, project: Project, periods: list[Period], kind: str) -> pd.DataFrame:
    """Per period: start, code, phase, target, comparison (reports), under the project's design."""
    frame = pd.DataFrame(
        {
            "start": [p.start for p in periods],
            "code": [p.code for p in periods],
            "phase": [phase_of(p, project.start, project.end) for p in periods],
        }
    )
    if not periods:
        return frame.assign(target=[], comparison=[])
    low, high = periods[0].utc_bounds()[0], periods[-1].utc_bounds()[1]
    precision = "r.reported_precision <> 'month'" if kind == "week" else "true"
    # no categories named: the project concerns every category (as the projects file documents)
    targeted = "true" if not project.categories else "list_contains(?, r.category_code)"
    base = f"FROM reports r WHERE r.reported_at >= ? AND r.reported_at < ? AND {precision}"
    cats = [list(project.categories)] if project.categories else []
    if project.design == "area":
        rows = con.execute(
            f"""
            SELECT {bin_sql("r.reported_at", kind)} AS start, count(*) FILTER (WHERE r.area_code = ?) AS target,
                   count(*) FILTER (WHERE r.area_code <> ?) AS comparison
            {base} AND r.area_code IS NOT NULL AND {targeted} GROUP BY 1""",
            [project.area, project.area, low, high, *cats],
        ).df()
    elif project.design == "hotspot":
        located = con.execute(
            f"""
            SELECT {bin_sql("r.reported_at", kind)} AS start, r.lat, r.lon
            {base} AND r.lat IS NOT NULL AND {targeted}""",
            [low, high, *cats],
        ).df()
        shape = _footprint(con, project)
        x, y = _to_metres().transform(located["lon"].to_numpy(), located["lat"].to_numpy())
        inside = shapely.contains_xy(shape, np.asarray(x), np.asarray(y)) if len(located) else np.array([], bool)
        rows = (
            located.assign(target=inside.astype(int), comparison=(~inside).astype(int))
            .groupby("start", as_index=False)[["target", "comparison"]]
            .sum()
        )
    elif project.design == "territory":
        rows = con.execute(
            f"""
            SELECT {bin_sql("r.reported_at", kind)} AS start, count(*) FILTER (WHERE {targeted}) AS target,
                   count(*) FILTER (WHERE NOT {targeted}) AS comparison
            {base} GROUP BY 1""",
            [*cats, *cats, low, high],
        ).df()
    else:
        rows = con.execute(
            f"""
            SELECT {bin_sql("r.reported_at", kind)} AS start, count(*) AS target, 0 AS comparison
            {base} GROUP BY 1""",
            [low, high],
        ).df()
    rows["start"] = pd.to_datetime(rows["start"]).dt.date
    out = frame.merge(rows, on="start", how="left")
    out[["target", "comparison"]] = out[["target", "comparison"]].fillna(0).astype(int)
    return out


def concerning(con: duckdb.DuckDBPyConnection, categories: set[str] | None, area: str | None) -> list[Project]:
    """The projects a chart of these categories and this sub-municipality should show shaded."""
    return [p for p in register(con) if concerns(p, categories, area)]
