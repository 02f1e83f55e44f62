"""Load a centre's own areas (wijken, police districts) in place of the deelgemeenten: `etl areas load FILE`.

GeoJSON or a shapefile (or anything GDAL reads, through pyogrio) in any CRS pyproj knows: the file's
own (.prj, GeoJSON `crs`) or `--crs EPSG:NNNN`. Each area keeps a name (`--name-field`) and a code
(`--code-field`, else made from the name), and belongs to the municipality of the territory it
overlaps most. Every stored report is given its area again, in the same transaction.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import shapely
import shapely.geometry

from civ import territory
from civ.errors import UnusableInput

NAME_FIELDS = ("naam", "name", "wijk", "NAAM", "NAME", "Naam", "Name")
CODE_FIELDS = ("code", "id", "CODE", "ID", "Code")


def _read(path: Path) -> tuple[list[dict], str | None]:
    """(features as GeoJSON-like dicts, the file's CRS or None)."""
    if path.suffix.lower() in (".geojson", ".json"):
        try:
            collection = json.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise UnusableInput(f"{path.name} is geen leesbare GeoJSON: {error}") from None
        if not isinstance(collection, dict) or not isinstance(collection.get("features"), list):
            raise UnusableInput(f"{path.name} is geen GeoJSON FeatureCollection")
        crs = ((collection.get("crs") or {}).get("properties") or {}).get("name")
        return collection["features"], crs
    try:
        import pyogrio
    except ImportError:
        raise UnusableInput("een shapefile lezen vraagt pyogrio (pip install pyogrio); of geef GeoJSON") from None
    try:
        frame = pyogrio.read_dataframe(path)
    except Exception as error:  # GDAL's own messages: unreadable, not a dataset
        raise UnusableInput(f"{path.name} kan niet gelezen worden als grenzenbestand: {error}") from None
    crs = frame.crs.to_string() if frame.crs is not None else None
    features = json.loads(frame.to_json(drop_id=True))["features"]
    return features, crs


def _field(features: list[dict], given: str | None, candidates: tuple[str, ...], what: str, flag: str) -> str | None:
    fields = sorted({key for f in features for key in (f.get("properties") or {})})
    if given:
        if given not in fields:
            raise UnusableInput(
                f"het veld '{given}' ({what}) staat niet in het bestand; velden: {', '.join(fields) or 'geen'}"
            )
        return given
    found = next((c for c in candidates if c in fields), None)
    if found is None and what == "naam":
        raise UnusableInput(f"geen naamveld gevonden; kies er een met {flag} (velden: {', '.join(fields) or 'geen'})")
    return found


def _to_wgs84(crs_text: str | None):
    if crs_text is None:
        return None
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        crs = CRS.from_user_input(crs_text)
    except CRSError:
        raise UnusableInput(f"onbekend coördinatenstelsel '{crs_text}' (bv. EPSG:31370 voor Lambert 72)") from None
    if crs.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return None
    transformer = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return lambda xy: _stacked(transformer.transform(xy[:, 0], xy[:, 1]))


def _stacked(pair):
    import numpy as np

    return np.column_stack(pair)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "gebied"


def load_areas_file(
    db: str | os.PathLike,
    path: str | os.PathLike,
    name_field: str | None = None,
    code_field: str | None = None,
    crs: str | None = None,
    by: str | None = None,
) -> dict:
    """Replace the territory's areas by the polygons of `path`; returns the territory summary."""
    path = Path(path)
    if not path.exists():
        raise UnusableInput(f"bestand {path} bestaat niet")
    features, file_crs = _read(path)
    features = [f for f in features if f.get("geometry")]
    if not features:
        raise UnusableInput(f"{path.name} bevat geen vlakken")
    name_key = _field(features, name_field, NAME_FIELDS, "naam", "--name-field")
    code_key = _field(features, code_field, CODE_FIELDS, "code", "--code-field")
    transform = _to_wgs84(crs or file_crs)

    from civ import store

    with store.reading(db) as con:  # the territory to fit in, read before writing
        current = territory.current(con)
        municipalities = con.execute(
            "SELECT code, name, geojson FROM areas WHERE level = 'municipality' ORDER BY code"
        ).fetchall()
    if current is None:
        raise UnusableInput("stel eerst het grondgebied in: python -m etl territory set --nis CODE")
    outlines = [(code, shapely.geometry.shape(json.loads(g))) for code, _, g in municipalities]

    areas, codes, outside = [], set(), []
    for feature in features:
        geometry = shapely.geometry.shape(feature["geometry"])
        if transform is not None:
            geometry = shapely.transform(geometry, transform)
        geometry = shapely.make_valid(geometry)
        if geometry.geom_type not in ("Polygon", "MultiPolygon"):
            raise UnusableInput(f"{path.name}: alleen vlakken (Polygon/MultiPolygon), geen {geometry.geom_type}")
        properties = feature.get("properties") or {}
        name = str(properties.get(name_key) or "").strip()
        if not name:
            raise UnusableInput(f"{path.name}: een vlak zonder naam in het veld '{name_key}'")
        overlap = [(geometry.intersection(outline).area, code) for code, outline in outlines]
        best_area, parent = max(overlap)
        if best_area <= 0:
            outside.append(name)
            continue
        code = (
            str(properties.get(code_key)).strip() if code_key and properties.get(code_key) is not None else _slug(name)
        )
        if code in codes:
            raise UnusableInput(
                f"{path.name}: de code '{code}' komt twee keer voor (kies een ander veld met --code-field)"
            )
        codes.add(code)
        areas.append(
            {
                "type": "Feature",
                "geometry": json.loads(shapely.to_geojson(shapely.set_precision(geometry, 1e-6))),
                "properties": {"code": code, "name": name, "parent": parent},
            }
        )
    if outside:
        raise UnusableInput(
            f"{len(outside)} gebied(en) liggen niet op het grondgebied {current.name} "
            f"({', '.join(outside[:5])}{' …' if len(outside) > 5 else ''}); verkeerd --crs?"
        )
    municipality_features = [
        {"type": "Feature", "geometry": json.loads(g), "properties": {"code": c, "name": n}}
        for c, n, g in municipalities
    ]
    return territory.apply_change(
        db,
        municipality_features,
        areas,
        current.name,
        current.source,
        path.name,
        by,
        "areas_loaded",
        f"{path.name}: {len(areas)} gebieden",
    )
