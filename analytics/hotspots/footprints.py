"""Footprints in metres: the Belgian Lambert 72 plane (EPSG:31370), and back to WGS84 for the map.

Belgian police and municipal data speak Lambert 72 and the wardens measure in metres, so the
clustering and every buffer and radius happen there; GeoJSON leaves as WGS84 longitude/latitude.
"""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import shapely
import shapely.geometry
from pyproj import Transformer
from scipy.spatial import ConvexHull, QhullError

METRIC_CRS = "EPSG:31370"


@lru_cache(maxsize=1)
def _to_metres() -> Transformer:
    return Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)


@lru_cache(maxsize=1)
def _to_degrees() -> Transformer:
    return Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)


def to_metres(lat, lon) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 degrees to Lambert 72 (x east, y north) in metres."""
    x, y = _to_metres().transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def to_degrees(x, y) -> tuple[np.ndarray, np.ndarray]:
    """Lambert 72 metres back to (lat, lon) degrees."""
    lon, lat = _to_degrees().transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)


def footprint(x: np.ndarray, y: np.ndarray, buffer_m: float) -> shapely.Polygon:
    """The convex hull of the points, widened by `buffer_m` (a single point becomes a circle)."""
    points = np.column_stack([x, y])
    hull = None
    if len(points) >= 3:
        try:
            # scipy's Qhull is much quicker than building thousands of shapely points first
            vertices = points[ConvexHull(points).vertices]
            hull = shapely.Polygon(vertices)
        except QhullError:  # all on one line
            hull = None
    if hull is None:
        hull = shapely.MultiPoint(np.unique(points, axis=0)).convex_hull
    polygon = hull.buffer(buffer_m, quad_segs=8)
    shapely.prepare(polygon)
    return polygon


def centre_and_radius(polygon: shapely.Polygon) -> tuple[float, float, float]:
    """(x, y, radius_m): the polygon's centroid and the distance to its farthest vertex."""
    centre = polygon.centroid
    ring = np.asarray(polygon.exterior.coords)
    radius = float(np.hypot(ring[:, 0] - centre.x, ring[:, 1] - centre.y).max())
    return float(centre.x), float(centre.y), radius


def inside(polygon: shapely.Polygon, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Which points lie in the footprint (the bounding box first: most points are far away)."""
    min_x, min_y, max_x, max_y = polygon.bounds
    near = (x >= min_x) & (x <= max_x) & (y >= min_y) & (y <= max_y)
    result = np.zeros(len(x), dtype=bool)
    if near.any():
        result[near] = shapely.contains_xy(polygon, x[near], y[near])
    return result


class PointIndex:
    """Points sorted by x, so the points of a footprint are found from its bounding box without a
    scan of them all (a month of a large city has tens of thousands of reports, a footprint a few)."""

    def __init__(self, x: np.ndarray, y: np.ndarray, rows: np.ndarray):
        order = np.argsort(x, kind="stable")
        self.x, self.y, self.rows = x[order], y[order], rows[order]

    def within(self, polygon: shapely.Geometry) -> np.ndarray:
        """Row numbers (ascending) of the points inside the polygon."""
        min_x, min_y, max_x, max_y = polygon.bounds
        lo, hi = np.searchsorted(self.x, [min_x, max_x], side="left")[0], np.searchsorted(self.x, max_x, side="right")
        ys = self.y[lo:hi]
        near = np.flatnonzero((ys >= min_y) & (ys <= max_y))
        if near.size == 0:
            return np.zeros(0, dtype=self.rows.dtype)
        keep = shapely.contains_xy(polygon, self.x[lo:hi][near], ys[near])
        return np.sort(self.rows[lo:hi][near[keep]])


def to_geojson(polygon: shapely.Polygon, digits: int = 6) -> dict:
    """The footprint as a GeoJSON Polygon in WGS84 (lon, lat), rounded to about 10 cm."""
    ring = np.asarray(polygon.exterior.coords)
    lat, lon = to_degrees(ring[:, 0], ring[:, 1])
    coordinates = [[round(float(a), digits), round(float(b), digits)] for a, b in zip(lon, lat)]
    return {"type": "Polygon", "coordinates": [coordinates]}


def defined_areas(defined) -> list[tuple[str, shapely.Geometry]]:
    """Defined hot spots (rows with name, geojson, center_lat, center_lon, radius_m) as metric shapes:
    a Point becomes the circle it watches, a polygon stays itself."""
    areas = []
    if defined is None:
        return areas
    for row in defined.itertuples():
        shape = None
        try:
            geometry = json.loads(row.geojson) if isinstance(row.geojson, str) else None
        except (TypeError, ValueError):
            geometry = None
        if geometry and geometry.get("type") in ("Polygon", "MultiPolygon"):
            degrees = shapely.geometry.shape(geometry)
            shape = shapely.transform(degrees, lambda xy: np.column_stack(_to_metres().transform(xy[:, 0], xy[:, 1])))
        if shape is None or shape.is_empty:
            x, y = to_metres([row.center_lat], [row.center_lon])
            shape = shapely.Point(float(x[0]), float(y[0])).buffer(float(row.radius_m), quad_segs=16)
        areas.append((str(row.name), shape))
    return areas


def on_defined(polygon: shapely.Polygon, areas: list[tuple[str, shapely.Geometry]]) -> str | None:
    """The defined hot spot the footprint overlaps most (by area), or None."""
    best, best_area = None, 0.0
    for name, shape in areas:
        overlap = polygon.intersection(shape).area if polygon.intersects(shape) else 0.0
        if overlap > best_area:
            best, best_area = name, overlap
    return best
