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

from analytics.layers import circle_ring

CIRCLE_SEGMENTS = 48
EMPTY = {"type": "FeatureCollection", "features": []}


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


def tracks_geojson(tracks: dict[str, pd.DataFrame], colours: dict[str, str]) -> dict:
    """One LineString per holder (its 1-minute positions of the day), pieces split where the tracker fell
    silent for more than 10 minutes (no straight line drawn across a gap)."""
    features = []
    for holder, rows in tracks.items():
        if rows.empty:
            continue
        stamps = pd.to_datetime(rows["minute"], utc=True).dt.as_unit("s").astype("int64").to_numpy()
        points = np.column_stack([rows["lon"].to_numpy().round(5), rows["lat"].to_numpy().round(5)])
        pieces = np.split(points, np.flatnonzero(np.diff(stamps) > 600) + 1)
        lines = [piece.tolist() for piece in pieces if len(piece) >= 2]
        if lines:
            features.append(
                {
                    "type": "Feature",
                    "id": holder,
                    "geometry": {"type": "MultiLineString", "coordinates": lines},
                    "properties": {"holder": holder, "colour": colours.get(holder, "#1f5f8b")},
                }
            )
    return {"type": "FeatureCollection", "features": features}


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
