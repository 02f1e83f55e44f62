"""Stores of a territory other than the demo's, built from Statbel's ORIGINAL shapefiles (not the
shipped simplified file): the points a test plants, and the areas it expects them in, come from
polygons the code under test never reads.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
ORIGINALS = ROOT.parent.parent / "shared" / "data" / "boundaries" / "original-shapefiles"
MERCHTEM = "23052"
AMOW = ("23002", "23052", "23060", "23102")
HEADER = "id;datum;categorie;kanaal;lat;lon;status;afgesloten_op;deelgemeente;omschrijving;gas;melder\n"


@lru_cache(maxsize=2)
def originals(layer: str):
    """The shapefile `gemeente` or `deelgemeente` as a GeoDataFrame in Lambert 72 (EPSG:31370)."""
    import geopandas as gpd

    return gpd.read_file(ORIGINALS / f"{layer}.shp", engine="pyogrio").to_crs("EPSG:31370")


def to_wgs84(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lat, lon) of Lambert 72 metres."""
    from pyproj import Transformer

    lon, lat = Transformer.from_crs("EPSG:31370", "EPSG:4326", always_xy=True).transform(x, y)
    return np.asarray(lat), np.asarray(lon)


def sample_points(polygon, n: int, rng: np.random.Generator, margin_m: float = 30.0) -> np.ndarray:
    """n points (x, y) drawn uniformly in `polygon` shrunk by `margin_m` (clear of any border)."""
    inner = polygon.buffer(-margin_m)
    west, south, east, north = inner.bounds
    found = []
    while len(found) < n:
        xy = rng.uniform([west, south], [east, north], size=(4 * n, 2))
        found += [p for p in xy if inner.contains(shapely.Point(p))]
    return np.array(found[:n])


def deelgemeenten_of(municipalities: tuple[str, ...]):
    """The original deelgemeenten lying (by representative point) in these municipalities."""
    parts, towns = originals("deelgemeente"), originals("gemeente")
    chosen = towns[towns["geoitem"].isin(municipalities)]
    inside = parts.representative_point().apply(lambda p: chosen.contains(p).any())
    return parts[inside.to_numpy()]


def reports_csv(
    path: Path, points_by_key: dict[str, np.ndarray], start_day: int = 1, months: dict[str, str] | None = None
) -> dict[str, int]:
    """A canonical reports file with one report per point (Lambert x, y -> lat, lon), in October 2026
    or in the month `months[key]` ('MM/YYYY') gives a key."""
    lines, counts, number = [], {}, 0
    for key, xy in points_by_key.items():
        lat, lon = to_wgs84(xy[:, 0], xy[:, 1]) if len(xy) else (np.array([]), np.array([]))
        month = (months or {}).get(key, "10/2026")
        for la, lo in zip(lat, lon):
            number += 1
            day = start_day + number % 28
            lines.append(f"T{number};{day:02d}/{month} 10:00;Sluikstort;e-mail;{la:.7f};{lo:.7f};open;;;;;")
        counts[key] = len(xy)
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return counts
