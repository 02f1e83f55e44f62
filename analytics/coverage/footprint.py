"""Whether points lie inside a defined hot spot: the exact test behind visits and "reports in its footprint".

A hot spot is a Point with a watched radius (a circle, measured with the haversine distance that
etl.hotspots uses) or a (Multi)Polygon. The store keeps each one's bounding box; callers first
select candidate points by that box in DuckDB (cheap, `bbox_join_sql`), then this module decides
exactly with numpy (circles) and shapely's vectorised `intersects_xy` (polygons; a point on the
edge counts as inside).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import shapely
import shapely.errors
import shapely.geometry

from civ.geometry import METRES_PER_DEGREE_LAT, haversine_m


@dataclass(frozen=True)
class HotSpot:
    hotspot_id: str
    name: str
    kind: str | None
    lat: float  # centre
    lon: float
    radius_m: float  # points: the watched radius; polygons: the enclosing radius
    polygon: shapely.Geometry | None  # None for a point with a radius
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # south, west, north, east (stored)

    @property
    def is_circle(self) -> bool:
        return self.polygon is None


def hotspots(con: duckdb.DuckDBPyConnection) -> list[HotSpot]:
    """The defined hot spots, ordered by name."""
    rows = con.execute("""SELECT hotspot_id, name, kind, geojson, center_lat, center_lon, radius_m,
                                 min_lat, min_lon, max_lat, max_lon
                          FROM hotspots ORDER BY name, hotspot_id""").fetchall()
    result = []
    for hotspot_id, name, kind, geojson, lat, lon, radius_m, *box in rows:
        polygon = None
        try:
            geometry = json.loads(geojson)
            if geometry.get("type") in ("Polygon", "MultiPolygon"):
                polygon = shapely.geometry.shape(geometry)
                shapely.prepare(polygon)
        except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException):
            polygon = None  # not loaded through etl.hotspots: the stored centre and radius stand in
        result.append(
            HotSpot(
                hotspot_id, name, kind, float(lat), float(lon), float(radius_m), polygon, tuple(float(v) for v in box)
            )
        )
    return result


def hotspot_boxes(
    con: duckdb.DuckDBPyConnection, margin_m: float = 0.0, hotspot_ids: list[str] | None = None
) -> pd.DataFrame:
    """hotspot_id and its stored bounding box widened by `margin_m` on every side (for a bbox join)."""
    frame = con.execute("""SELECT hotspot_id, min_lat, min_lon, max_lat, max_lon FROM hotspots
                           ORDER BY hotspot_id""").df()
    if hotspot_ids is not None:
        frame = frame[frame["hotspot_id"].isin(hotspot_ids)]
    dlat = margin_m / METRES_PER_DEGREE_LAT
    dlon = dlat / np.cos(np.radians((frame["min_lat"] + frame["max_lat"]) / 2))
    return pd.DataFrame(
        {
            "hotspot_id": frame["hotspot_id"],
            "lo_lat": frame["min_lat"] - dlat,
            "hi_lat": frame["max_lat"] + dlat,
            "lo_lon": frame["min_lon"] - dlon,
            "hi_lon": frame["max_lon"] + dlon,
        }
    ).reset_index(drop=True)


# Buckets of about 550 x 580 m for the candidates of visits (analytics/coverage/scan.py): a fix meets only
# the boxes of its own bucket, then the box test.
BUCKETS_PER_DEGREE_LAT = 200
BUCKETS_PER_DEGREE_LON = 120


def box_frame(spots: list[HotSpot], margin_m: float = 0.0) -> pd.DataFrame:
    """Per hot spot: `h` (its index in `spots`), `hotspot_id` and its box widened by `margin_m`."""
    rows = []
    for h, spot in enumerate(spots):
        south, west, north, east = spot.box
        dlat = margin_m / METRES_PER_DEGREE_LAT
        dlon = dlat / max(math.cos(math.radians((south + north) / 2)), 1e-6)
        rows.append((h, spot.hotspot_id, south - dlat, north + dlat, west - dlon, east + dlon))
    return pd.DataFrame(rows, columns=["h", "hotspot_id", "lo_lat", "hi_lat", "lo_lon", "hi_lon"]).astype(
        {"h": "int32"}
    )


def bbox_join_sql(points: str, boxes: str) -> str:
    """A join condition: point alias `points` (lat, lon) inside box alias `boxes` (hotspot_boxes)."""
    return (
        f"{points}.lat BETWEEN {boxes}.lo_lat AND {boxes}.hi_lat "
        f"AND {points}.lon BETWEEN {boxes}.lo_lon AND {boxes}.hi_lon"
    )


def inside_sorted(spots: list[HotSpot], h: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Like `inside`, for rows sorted by `h` (index into `spots`): each hot spot is one slice, no masks."""
    result = np.zeros(lat.shape, dtype=bool)
    edges = np.searchsorted(h, np.arange(len(spots) + 1))
    for index, spot in enumerate(spots):
        a, b = edges[index], edges[index + 1]
        if a == b:
            continue
        if spot.is_circle:
            result[a:b] = haversine_m(lat[a:b], lon[a:b], spot.lat, spot.lon) <= spot.radius_m
        else:
            result[a:b] = shapely.intersects_xy(spot.polygon, lon[a:b], lat[a:b])
    return result


def inside(spots: list[HotSpot], hotspot_id, lat, lon) -> np.ndarray:
    """For each row (hot spot id, lat, lon): is the point inside that hot spot? Vectorised per hot spot."""
    hotspot_id = np.asarray(hotspot_id, dtype=object)
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    result = np.zeros(lat.shape, dtype=bool)
    for spot in spots:
        rows = np.flatnonzero(hotspot_id == spot.hotspot_id)
        if rows.size == 0:
            continue
        if spot.is_circle:
            result[rows] = haversine_m(lat[rows], lon[rows], spot.lat, spot.lon) <= spot.radius_m
        else:
            result[rows] = shapely.intersects_xy(spot.polygon, lon[rows], lat[rows])
    return result
