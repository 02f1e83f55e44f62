"""The map's own layers, from our store: sub-municipality boundaries, defined hot spots, report points.

The meeting room has no guaranteed internet, so the map is drawn from these layers alone: a tile
background, when there is one, is decoration. Everything here is GeoJSON in WGS84 with [lon, lat]
coordinates, read-only, and small enough to send to the browser as it is (the deelgemeenten of a municipality
are about 35 kB; hot spots are tens). Report points travel as columns (see report_points_columns).
"""

from __future__ import annotations

import json
import math
from functools import lru_cache

import duckdb
import pandas as pd

from civ.geometry import EARTH_RADIUS_M

CIRCLE_SEGMENTS = 64


def areas_geojson(con: duckdb.DuckDBPyConnection, level: str = "submunicipality") -> dict:
    """The areas of one level ('submunicipality' or 'municipality') as a FeatureCollection.

    Properties: `code` (NIS code), `name`, `level`. Ordered by code, so the layer is stable.
    """
    if level not in ("submunicipality", "municipality"):
        raise ValueError("level must be 'submunicipality' or 'municipality'")
    rows = con.execute("SELECT code, name, level, geojson FROM areas WHERE level = ? ORDER BY code", [level]).fetchall()
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": code,
                "geometry": json.loads(geometry),
                "properties": {"code": code, "name": name, "level": area_level},
            }
            for code, name, area_level, geometry in rows
        ],
    }


def territory_bounds(con: duckdb.DuckDBPyConnection) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the municipality (Leaflet's order), None without areas."""
    row = con.execute("""SELECT min(min_lat), min(min_lon), max(max_lat), max(max_lon) FROM areas
                         WHERE level = 'municipality'""").fetchone()
    if row is None or row[0] is None:
        row = con.execute("SELECT min(min_lat), min(min_lon), max(max_lat), max(max_lon) FROM areas").fetchone()
    if row is None or row[0] is None:
        return None
    south, west, north, east = row
    return [[south, west], [north, east]]


def base_geography(con: duckdb.DuckDBPyConnection) -> dict:
    """What every map is drawn on: the territory's bounds, the sub-municipalities, the municipality."""
    return {
        "bounds": territory_bounds(con),
        "areas": areas_geojson(con),
        "municipality": areas_geojson(con, "municipality"),
    }


def circle_ring(lat: float, lon: float, radius_m: float, segments: int = CIRCLE_SEGMENTS) -> list[list[float]]:
    """A closed ring of `segments` points at `radius_m` around (lat, lon), as [lon, lat] pairs.

    Points along a great circle at the given distance (the spherical destination formula), so the
    circle drawn is the circle the hot-spot analysis measures with its haversine distances.
    """
    if radius_m <= 0 or segments < 3:
        raise ValueError("radius_m must be positive and segments at least 3")
    return [list(point) for point in _ring(float(lat), float(lon), float(radius_m), int(segments))]


@lru_cache(maxsize=4096)
def _ring(lat: float, lon: float, radius_m: float, segments: int) -> tuple:
    """The ring's points, kept: the same hot spots are drawn on every map request."""
    phi1, lambda1 = math.radians(lat), math.radians(lon)
    delta = radius_m / EARTH_RADIUS_M
    ring = []
    for i in range(segments):
        bearing = 2 * math.pi * i / segments
        phi2 = math.asin(math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(bearing))
        lambda2 = lambda1 + math.atan2(
            math.sin(bearing) * math.sin(delta) * math.cos(phi1), math.cos(delta) - math.sin(phi1) * math.sin(phi2)
        )
        ring.append((round(math.degrees(lambda2), 7), round(math.degrees(phi2), 7)))
    return tuple(ring + [ring[0]])


def hotspots_geojson(con: duckdb.DuckDBPyConnection, segments: int = CIRCLE_SEGMENTS) -> dict:
    """The defined hot spots as polygons: a point hot spot becomes the circle of its `radius_m`.

    Properties: `hotspot_id`, `name`, `kind`, `radius_m`, `shape` ('circle' for a point with a
    radius, 'area' for a drawn polygon).
    """
    rows = con.execute("""SELECT hotspot_id, name, kind, geojson, center_lat, center_lon, radius_m
                          FROM hotspots ORDER BY name""").fetchall()
    features = []
    for hotspot_id, name, kind, geometry_text, _lat, _lon, radius_m in rows:
        geometry = json.loads(geometry_text)
        if geometry.get("type") == "Point":
            point_lon, point_lat = geometry["coordinates"][:2]
            geometry = {"type": "Polygon", "coordinates": [circle_ring(point_lat, point_lon, radius_m, segments)]}
            shape = "circle"
        else:
            shape = "area"
        features.append(
            {
                "type": "Feature",
                "id": hotspot_id,
                "geometry": geometry,
                "properties": {
                    "hotspot_id": hotspot_id,
                    "name": name,
                    "kind": kind,
                    "radius_m": float(radius_m),
                    "shape": shape,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def report_points_columns(points: pd.DataFrame) -> dict:
    """The frame of analytics.grid.report_points as columns, for the clustered marker layer.

    A busy month is tens of thousands of points: as GeoJSON features that is megabytes of JSON
    and most of a callback's time; as columns it is a few hundred kB, and the browser builds the
    features (assets/map.js, civMap.pointsToGeoJSON). Keys: `lon`, `lat` (degrees, 6 decimals),
    `t` (reported_at, seconds since 1970 UTC), and `category`, `channel`, `status` as indexes into
    the lists `categories`, `channels`, `statuses` (codes). No description and no reporter ever
    leave the store this way.
    """
    if points.empty:
        return {
            "lon": [],
            "lat": [],
            "t": [],
            "category": [],
            "categories": [],
            "channel": [],
            "channels": [],
            "status": [],
            "statuses": [],
        }
    stamps = pd.to_datetime(points["reported_at"], utc=True).dt.as_unit("s").astype("int64")
    columns = {"lon": points["lon"].round(6).tolist(), "lat": points["lat"].round(6).tolist(), "t": stamps.tolist()}
    for name, plural in (("category", "categories"), ("channel", "channels"), ("status", "statuses")):
        index, values = pd.factorize(points[name])
        columns[name], columns[plural] = index.tolist(), [str(v) for v in values]
    return columns


# The regional authentic source behind BOSA's BeSt-Address, by the first digits of a NIS code (the
# province): Brussels 21, Walloon Brabant 25 and the Walloon provinces 5, 6, 8, 9; the rest is Flemish.
_ADDRESS_SOURCES = {
    "flanders": "Adressenregister (Digitaal Vlaanderen)",
    "brussels": "UrbIS (paradigm.brussels)",
    "wallonia": "ICAR (SPW)",
}


def _region_of(nis: str) -> str:
    if nis.startswith("21"):
        return "brussels"
    if nis.startswith("25") or nis[:1] in ("5", "6", "8", "9"):
        return "wallonia"
    return "flanders"


def address_sources(con: duckdb.DuckDBPyConnection) -> str | None:
    """The regional address registers the map's placed reports come from ('Adressenregister (Digitaal
    Vlaanderen)'), or None when no report was placed by its address. Their licences ask for the source
    wherever placed reports are shown."""
    placed = con.execute(
        "SELECT EXISTS (SELECT 1 FROM reports WHERE location_source IN ('address', 'address_nearest_number', 'street'))"
    ).fetchall()[0][0]
    if not placed:
        return None
    codes = [r[0] for r in con.execute("SELECT DISTINCT unnest(municipalities) FROM address_register_loads").fetchall()]
    regions = sorted({_region_of(str(code)) for code in codes}, key=list(_ADDRESS_SOURCES).index)
    return ", ".join(_ADDRESS_SOURCES[r] for r in regions) or None
