"""Distances on the earth, once for every layer: the loaders, the analyses, the maps and the demo.

One sphere (the mean earth radius, IUGG) and one formula (haversine), in three forms: numpy (vectorised,
also for plain floats), SQL (DuckDB) and the metres-per-degree factors of a local flat frame. Over the
15 km of a police zone the sphere differs from the WGS84 ellipsoid by well under 0.5 %, far below GPS
scatter; what matters is that a hot spot's circle is measured, filtered and drawn with the same numbers.
"""

from __future__ import annotations

import math

import numpy as np

EARTH_RADIUS_M = 6371008.8  # mean radius (IUGG), metres
METRES_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_M / 180  # 111 195 m along a meridian


def metres_per_degree_lon(lat: float) -> float:
    """Metres per degree of longitude at latitude `lat` (on the same sphere)."""
    return METRES_PER_DEGREE_LAT * math.cos(math.radians(lat))


def haversine_m(lat1, lon1, lat2, lon2):
    """Great-circle distance in metres; numpy arrays or plain floats (then a float comes back)."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    # rounding can push h a hair above 1, where arcsin(sqrt()) has no value
    metres = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(1.0, h)))
    return float(metres) if np.ndim(metres) == 0 else metres


def haversine_sql(lat1: str, lon1: str, lat2: str, lon2: str) -> str:
    """The same distance as a DuckDB expression over the given column expressions (fixed names of the
    calling module, never user input). A missing coordinate gives NULL: no least(), which skips NULLs."""
    h = (
        f"(pow(sin(radians({lat2} - {lat1}) / 2), 2) + "
        f"cos(radians({lat1})) * cos(radians({lat2})) * pow(sin(radians({lon2} - {lon1}) / 2), 2))"
    )
    return f"(2 * {EARTH_RADIUS_M} * asin(sqrt(CASE WHEN {h} > 1 THEN 1.0 ELSE {h} END)))"


def box_around(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(south, west, north, east) of a circle: the quick pre-filter before an exact distance test."""
    dlat = radius_m / METRES_PER_DEGREE_LAT
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    return lat - dlat, lon - dlon, lat + dlat, lon + dlon
