"""Defined hot spots (station, squares, parks, glass containers, schools) from a GeoJSON FeatureCollection.

Each feature is a row: `properties.name` (required), `properties.kind` (optional, free text such
as station, plein, park, glasbol, school) and a WGS84 geometry:
- a Point with `properties.radius_m` between 5 and 2000 m: the watched circle;
- a Polygon or MultiPolygon: the radius is the distance from its centroid to its farthest
  vertex, so the circle encloses the whole area (what the analytics use as a quick pre-filter).
The id is the slug of the name ("Station Merchtem" → `station-merchtem`): loading the same name again
replaces the hot spot (counted loaded and updated) unless nothing changed (duplicate). The centre
must lie inside the territory's outline (civ/territory.py, with its tolerance) — a hot spot elsewhere
is almost always a typo or coordinates in the wrong system. Shapely does the geometry; the files are small.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from pathlib import Path

import duckdb
import pandas as pd
import shapely
import shapely.geometry
import shapely.validation

from civ import store, territory
from civ.errors import UnusableInput

RADIUS_MIN_M, RADIUS_MAX_M = 5, 2000
EARTH_RADIUS_M = 6371008.8
GEOMETRY_TYPES = ("Point", "Polygon", "MultiPolygon")
_INVALIDITY_NL = {
    "Ring Self-intersection": "een ring snijdt zichzelf",
    "Self-intersection": "de rand snijdt zichzelf",
    "Too few points": "te weinig punten",
    "Hole lies outside shell": "een gat ligt buiten de buitenrand",
    "Nested holes": "gaten liggen in elkaar",
    "Nested shells": "vlakken liggen in elkaar",
    "Interior is disconnected": "het vlak is in losse stukken gesneden",
    "Duplicate Rings": "een ring komt twee keer voor",
    "Invalid Coordinate": "ongeldige coördinaat",
}


def slug(name: str) -> str:
    """'Station Merchtem' -> 'station-merchtem'; accents dropped ('Gemeenteplein Zellik-Noord' stays readable)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance, the same formula the fixes use in SQL."""
    h = (math.sin(math.radians(lat2 - lat1) / 2) ** 2
         + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


def _read_collection(path: Path) -> list:
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise UnusableInput(f"{path.name} is geen tekstbestand; verwacht een GeoJSON FeatureCollection") from None
    except json.JSONDecodeError as error:
        raise UnusableInput(f"{path.name} is geen geldige JSON (regel {error.lineno}, kolom {error.colno}: "
                            f"{error.msg}); verwacht een GeoJSON FeatureCollection") from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection" \
            or not isinstance(document.get("features"), list):
        raise UnusableInput(f"{path.name} is geen GeoJSON FeatureCollection (verwacht "
                            f'{{"type": "FeatureCollection", "features": [...]}})')
    crs = json.dumps(document.get("crs") or "")
    if crs != '""' and not re.search(r"CRS84|4326", crs):
        raise UnusableInput(f"{path.name} gebruikt coördinatenstelsel {crs}; bewaar het als WGS84 (EPSG:4326)")
    return document["features"]


def _explain_invalid(geometry) -> str:
    text = shapely.validation.explain_validity(geometry)
    place = re.search(r"\[(\S+) (\S+)\]", text)
    where = f" (bij {float(place.group(2)):.6f}, {float(place.group(1)):.6f})" if place else ""
    label = next((nl for en, nl in _INVALIDITY_NL.items() if text.startswith(en)), re.sub(r"\[.*", "", text))
    return f"geometrie is ongeldig: {label}{where}"


def _radius(properties: dict, problems: list[str]) -> float | None:
    value = properties.get("radius_m")
    if value is None or str(value).strip() == "":
        problems.append("radius_m ontbreekt (verplicht voor een punt)")
        return None
    try:
        radius = float(str(value).strip().replace(",", "."))
    except ValueError:
        problems.append(f"radius_m '{value}' is geen getal")
        return None
    if not RADIUS_MIN_M <= radius <= RADIUS_MAX_M:
        problems.append(f"radius_m {value} ligt niet tussen {RADIUS_MIN_M} en {RADIUS_MAX_M} m")
        return None
    return radius


def _row(feature, inside, territory: str) -> tuple[dict | None, list[str]]:
    """The hotspots row of one feature, or the Dutch reasons it cannot be one."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return None, ["element is geen GeoJSON-Feature"]
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        return None, ["properties is geen object"]
    problems = []
    name = str(properties.get("name") or "").strip()
    if not name:
        problems.append("naam ontbreekt")
    elif not slug(name):
        problems.append(f"naam '{name}' geeft geen bruikbare sleutel (gebruik letters of cijfers)")
    geometry = feature.get("geometry")
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if geometry is None:
        return None, problems + ["geometrie ontbreekt"]
    if kind not in GEOMETRY_TYPES:
        return None, problems + [f"geometrietype '{kind}' wordt niet ondersteund (Point, Polygon of MultiPolygon)"]
    try:
        shape = shapely.geometry.shape(geometry)
    except Exception as error:      # shapely raises several types for malformed coordinates
        return None, problems + [f"geometrie is onleesbaar ({error})"]
    west, south, east, north = shape.bounds if not shape.is_empty else (math.nan,) * 4
    if shape.is_empty or not all(map(math.isfinite, (west, south, east, north))):
        return None, problems + ["geometrie heeft geen coördinaten"]
    if west < -180 or east > 180 or south < -90 or north > 90:
        return None, problems + ["coördinaten liggen buiten lengte -180..180 en breedte -90..90: "
                                 "WGS84 verwacht (misschien Lambert 72?)"]
    if not shape.is_valid:
        problems.append(_explain_invalid(shape))
    if kind == "Point":
        radius = _radius(properties, problems)
        lat, lon = shape.y, shape.x
    else:
        centre = shape.centroid
        lat, lon = centre.y, centre.x
        vertices = shapely.get_coordinates(shape)
        radius = max(distance_m(lat, lon, y, x) for x, y in vertices)
    if not inside(lat, lon):
        problems.append(f"middelpunt {lat:.6f}, {lon:.6f} ligt buiten het grondgebied ({territory})")
    if problems:
        return None, problems
    if kind == "Point":      # the box of the watched circle, for quick spatial filters
        dlat = radius / (math.pi * EARTH_RADIUS_M / 180)
        dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
        south, west, north, east = lat - dlat, lon - dlon, lat + dlat, lon + dlon
    category = str(properties.get("kind") or "").strip().lower() or None
    return {"hotspot_id": slug(name), "name": name, "kind": category,
            "geojson": json.dumps(geometry, sort_keys=True, separators=(",", ":")),
            "center_lat": lat, "center_lon": lon, "radius_m": radius,
            "min_lat": south, "min_lon": west, "max_lat": north, "max_lon": east}, []


def load_hotspots_file(db: str | Path, path: str | Path, is_demo: bool = False) -> store.LoadResult:
    """Load one GeoJSON FeatureCollection of hot spots as one batch; see the module docstring."""
    path = Path(path)
    if not path.is_file():
        raise UnusableInput(f"bestand {path} bestaat niet")
    features = _read_collection(path)

    def load(con: duckdb.DuckDBPyConnection, batch_id: int) -> store.BatchCounts:
        found = territory.require(con)
        return _store(con, batch_id, features, lambda lat, lon: bool(found.outline.contains([lat], [lon])[0]),
                      found.place)

    return store.run_batch(db, kind="hotspots", file=path, fmt="geojson", options={}, load=load, is_demo=is_demo)


def _same(row: dict, other: dict) -> bool:
    return all(row[k] == other[k] for k in ("name", "kind", "geojson", "radius_m"))


def _store(con, batch_id: int, features: list, inside, place: str) -> store.BatchCounts:
    stored = {r[0]: dict(zip(("hotspot_id", "name", "kind", "geojson", "radius_m"), r)) for r in con.execute(
        "SELECT hotspot_id, name, kind, geojson, radius_m FROM hotspots").fetchall()}
    seen: dict[str, tuple[int, dict]] = {}
    writes, rejected, duplicates, updated = [], [], 0, 0
    for number, feature in enumerate(features, start=1):
        raw = json.dumps(feature, ensure_ascii=False)
        row, problems = _row(feature, inside, place)
        if row is None:
            rejected.append((number, raw, "; ".join(problems)))
        elif row["hotspot_id"] in seen:
            first_number, first = seen[row["hotspot_id"]]
            if _same(row, first):
                duplicates += 1
            else:
                rejected.append((number, raw, f"hotspot '{row['hotspot_id']}' staat al in rij {first_number} "
                                              f"van dit bestand, met andere gegevens"))
        else:
            seen[row["hotspot_id"]] = (number, row)
            earlier = stored.get(row["hotspot_id"])
            if earlier and _same(row, earlier):
                duplicates += 1
                continue
            updated += earlier is not None
            writes.append(row)
    for row in writes:
        con.execute("DELETE FROM hotspots WHERE hotspot_id = ?", [row["hotspot_id"]])
        con.execute("INSERT INTO hotspots (hotspot_id, name, kind, geojson, center_lat, center_lon, radius_m, "
                    "min_lat, min_lon, max_lat, max_lon, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [row[k] for k in ("hotspot_id", "name", "kind", "geojson", "center_lat", "center_lon",
                                      "radius_m", "min_lat", "min_lon", "max_lat", "max_lon")] + [batch_id])
    frame = pd.DataFrame(rejected, columns=["row_number", "raw_text", "reason"], dtype=object)
    con.register("hs_rejected", frame)
    quarantined = store.quarantine_rows(con, batch_id, "SELECT CAST(row_number AS BIGINT) AS row_number, "
                                        "CAST(raw_text AS VARCHAR) AS raw_text, CAST(reason AS VARCHAR) AS reason "
                                        "FROM hs_rejected")
    con.unregister("hs_rejected")
    return store.BatchCounts(rows_in=len(features), loaded=len(writes), quarantined=quarantined,
                             duplicates=duplicates, updated=updated)
