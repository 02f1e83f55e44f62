"""The coverage maps' layers as GeoJSON (WGS84, [lon, lat]): base boundaries, hot spots with their
dosage, tracks of a day, last positions, report points. Built from our own store, so the maps work
without any tile server; properties are short because the browser receives them as they are.
"""

from __future__ import annotations

import json
import math

import duckdb
import numpy as np
import pandas as pd
import shapely

from analytics.layers import circle_ring
from civ.geometry import METRES_PER_DEGREE_LAT, metres_per_degree_lon

CIRCLE_SEGMENTS = 48
EMPTY = {"type": "FeatureCollection", "features": []}
# A day's track is simplified on the server (Douglas-Peucker): no drawn point lies further than this from
# the 1-minute position it stands for, far below what a street map at any zoom shows, and 100 tracks
# fit in a tenth of the bytes. Coordinates go out with 5 decimals (1,1 m north-south, 0,7 m east-west).
TRACK_TOLERANCE_M = 8.0
TRACK_DECIMALS = 5


def _geometry(text: str) -> dict:
    """The stored GeoJSON geometry; anything unreadable (a row not loaded through etl.hotspots) is {}."""
    try:
        geometry = json.loads(text)
    except (TypeError, ValueError):
        return {}
    return geometry if isinstance(geometry, dict) else {}


def _number(value, digits: int = 1):
    if value is None or (isinstance(value, float) and not math.isfinite(value)) or pd.isna(value):
        return None
    return round(float(value), digits)


def hotspots_geojson(con: duckdb.DuckDBPyConnection, dosage: pd.DataFrame, with_points: bool = True) -> dict:
    """The defined hot spots (points drawn as their circle) with the dosage of analytics.coverage.dosage:
    `name`, `visits`, `minutes`, `visits_10min`, `days` (since the last visit, null: never), `reports`.
    `with_points`: each hot spot also as a Point at its centre (a marker that stays visible zoomed out)."""
    shapes = dict(con.execute("SELECT hotspot_id, geojson FROM hotspots").fetchall())
    features = []
    for row in dosage.itertuples():
        geometry = _geometry(shapes[row.hotspot_id])
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            geometry = {
                "type": "Polygon",
                "coordinates": [circle_ring(row.lat, row.lon, row.radius_m, CIRCLE_SEGMENTS)],
            }
        days = None if pd.isna(row.days_since_last_visit) else int(row.days_since_last_visit)
        properties = {
            "id": row.hotspot_id,
            "name": row.name,
            "visits": int(row.visits),
            "minutes": round(float(row.minutes)),
            "visits_10min": int(row.visits_10min),
            "days": days,
            "reports": int(row.reports),
        }
        features.append({"type": "Feature", "id": row.hotspot_id, "geometry": geometry, "properties": properties})
        if with_points:
            features.append(
                {
                    "type": "Feature",
                    "id": f"{row.hotspot_id}:punt",
                    "properties": dict(properties),
                    "geometry": {"type": "Point", "coordinates": [round(row.lon, 6), round(row.lat, 6)]},
                }
            )
    return {"type": "FeatureCollection", "features": features}


def simplify_track(lon: np.ndarray, lat: np.ndarray, tolerance_m: float = TRACK_TOLERANCE_M) -> np.ndarray:
    """The points ([lon, lat] rows) of the path that Douglas-Peucker keeps at `tolerance_m` metres.

    Simplified in a local metric frame (equirectangular around the track's mean latitude, the sphere of
    civ.geometry: over a town the distortion stays far below a metre), so the tolerance is in metres in
    every direction; the points kept are original points, mapped back to degrees."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    if len(lon) < 3:
        return np.column_stack([lon, lat])
    lat0, lon0 = float(lat.mean()), float(lon.mean())
    x_scale = metres_per_degree_lon(lat0)
    line = shapely.LineString(np.column_stack([(lon - lon0) * x_scale, (lat - lat0) * METRES_PER_DEGREE_LAT]))
    kept = shapely.get_coordinates(shapely.simplify(line, tolerance_m, preserve_topology=False))
    return np.column_stack([kept[:, 0] / x_scale + lon0, kept[:, 1] / METRES_PER_DEGREE_LAT + lat0])


def _track_feature(
    holder: str, seconds: np.ndarray, lon: np.ndarray, lat: np.ndarray, colour: str, tolerance_m: float
) -> dict | None:
    """One holder's MultiLineString: pieces split where the tracker fell silent for more than 10 minutes
    (no straight line drawn across a gap), each simplified (simplify_track) and rounded to TRACK_DECIMALS."""
    cuts = np.flatnonzero(np.diff(seconds) > 600) + 1
    lines = [
        simplify_track(piece_lon, piece_lat, tolerance_m).round(TRACK_DECIMALS).tolist()
        for piece_lon, piece_lat in zip(np.split(lon, cuts), np.split(lat, cuts))
        if len(piece_lon) >= 2
    ]
    if not lines:
        return None
    return {
        "type": "Feature",
        "id": holder,
        "geometry": {"type": "MultiLineString", "coordinates": lines},
        "properties": {"holder": holder, "colour": colour},
    }


def _seconds(values) -> np.ndarray:
    return pd.to_datetime(pd.Series(values), utc=True).dt.as_unit("s").astype("int64").to_numpy()


def tracks_geojson(
    tracks: dict[str, pd.DataFrame], colours: dict[str, str], tolerance_m: float = TRACK_TOLERANCE_M
) -> dict:
    """One feature per holder (its 1-minute positions of the day, analytics.coverage.days.day_tracks) as a
    simplified MultiLineString (_track_feature)."""
    features = [
        _track_feature(
            holder,
            _seconds(rows["minute"]),
            rows["lon"].to_numpy(dtype=float),
            rows["lat"].to_numpy(dtype=float),
            colours.get(holder, "#1f5f8b"),
            tolerance_m,
        )
        for holder, rows in tracks.items()
        if not rows.empty
    ]
    return {"type": "FeatureCollection", "features": [f for f in features if f is not None]}


def minutes_tracks_geojson(
    minutes: pd.DataFrame, colours: dict[str, str], tolerance_m: float = TRACK_TOLERANCE_M
) -> dict:
    """tracks_geojson straight from a day's 1-minute positions (analytics.coverage.days.day_minutes: `holder`,
    `minute`, `lat`, `lon`), without a frame per holder: the same features, in holder order."""
    if minutes.empty:
        return EMPTY
    # holders as numbers (iterating 50.000 text values one by one cost more than the simplification)
    codes, names = pd.factorize(minutes["holder"], sort=True)
    seconds = _seconds(minutes["minute"])
    order = np.lexsort((seconds, codes))
    codes, seconds = codes[order], seconds[order]
    lon, lat = minutes["lon"].to_numpy(dtype=float)[order], minutes["lat"].to_numpy(dtype=float)[order]
    starts = np.flatnonzero(np.concatenate([[True], codes[1:] != codes[:-1]]))
    features = [
        _track_feature(
            names[codes[a]], seconds[a:b], lon[a:b], lat[a:b], colours.get(names[codes[a]], "#1f5f8b"), tolerance_m
        )
        for a, b in zip(starts, np.append(starts[1:], len(codes)))
    ]
    return {"type": "FeatureCollection", "features": [f for f in features if f is not None]}


def positions_geojson(positions: pd.DataFrame, age_labels: list[str]) -> dict:
    """Last positions as points: `holder`, `device`, `stale`, `age` (the text shown), `rank` (1 = nearest)."""
    features = []
    for rank, (row, label) in enumerate(zip(positions.itertuples(), age_labels), start=1):
        features.append(
            {
                "type": "Feature",
                "id": row.device_id,
                "geometry": {"type": "Point", "coordinates": [round(row.lon, 6), round(row.lat, 6)]},
                "properties": {
                    "holder": row.holder,
                    "device": row.device_id,
                    "stale": bool(row.is_stale),
                    "age": label,
                    "rank": rank,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def report_points_geojson(points: pd.DataFrame) -> dict:
    """Reports as points: `report` (source:id), `t` (ms since 1970 UTC), `category` (label)."""
    if points.empty:
        return EMPTY
    stamps = pd.to_datetime(points["reported_at"], utc=True).dt.as_unit("ms").astype("int64")
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                "properties": {"report": report, "t": int(t), "category": category},
            }
            for report, lat, lon, t, category in zip(
                points["report"], points["lat"], points["lon"], stamps, points["category_label"]
            )
        ],
    }


def recent_reports(con: duckdb.DuckDBPyConnection, start, end, limit: int = 500) -> pd.DataFrame:
    """Located reports in [start, end): `report`, `lat`, `lon`, `reported_at`, `category_label`,
    `category_label_en`, `status` — no description, no reporter. The newest `limit` ones."""
    return con.execute(
        """
        SELECT r.source || ':' || r.source_id AS report, r.lat, r.lon, r.reported_at,
               k.label_nl AS category_label, k.label_en AS category_label_en, r.status
        FROM reports r JOIN categories k ON k.code = r.category_code
        WHERE r.lat IS NOT NULL AND r.reported_at >= ? AND r.reported_at < ?
        ORDER BY r.reported_at DESC LIMIT ?""",
        [start, end, limit],
    ).df()


def circle_geojson(lat: float, lon: float, radius_m: float) -> dict:
    """The chosen place and its radius (the overview list's circle)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [circle_ring(lat, lon, radius_m, CIRCLE_SEGMENTS)]},
                "properties": {"kind": "radius"},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"kind": "centre"},
            },
        ],
    }


def hotspot_outlines_geojson(con: duckdb.DuckDBPyConnection) -> dict:
    """The defined hot spots as outlines (points as their circle): `id`, `name`, `tip` (the name)."""
    features = []
    for hotspot_id, name, geojson, lat, lon, radius_m in con.execute(
        "SELECT hotspot_id, name, geojson, center_lat, center_lon, radius_m FROM hotspots ORDER BY name"
    ).fetchall():
        geometry = _geometry(geojson)
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            geometry = {"type": "Polygon", "coordinates": [circle_ring(lat, lon, radius_m, CIRCLE_SEGMENTS)]}
        features.append(
            {
                "type": "Feature",
                "id": hotspot_id,
                "geometry": geometry,
                "properties": {"id": hotspot_id, "name": name, "tip": name},
            }
        )
    return {"type": "FeatureCollection", "features": features}
