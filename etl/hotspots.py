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
A feature without geometry but with `properties.address` ("Markt 1, 1785 Merchtem") and `radius_m` is
placed on the address register's point (etl/geocoding.py); only an address-level point will do.

As municipalities keep them (issue 16):
- property names are compared case-insensitively and through the one header normaliser, with Dutch
  aliases: `Naam`, `radius`, `Straal (m)`, `soort`, `type`;
- a GeoJSON `crs` member (a QGIS export in Lambert 72, `urn:ogc:def:crs:EPSG::31370`) or the profile's
  `crs` is honoured: coordinates are transformed to WGS84 with pyproj;
- a LineString (a street drawn as a line) becomes the area within `line_buffer_m` (profile, default
  25 m) of the line;
- a list (CSV or XLSX: `Naam;Adres;Straal (m);Soort` with lat/lon or x/y columns, x/y in the profile's
  `crs`, default Lambert 72) is read like every other table; a row with only an address is placed on the
  address register (etl/geocoding.py) or quarantined with the reason, never silently dropped.
"""

from __future__ import annotations

import json
import math
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import shapely
import shapely.geometry
import shapely.validation

from civ import store, territory
from civ.errors import UnusableInput
from civ.geometry import box_around, haversine_m
from etl import retry
from etl.batches import remember_replaced

RADIUS_MIN_M, RADIUS_MAX_M = 5, 2000
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


LINE_BUFFER_M = 25.0
_PROPERTY_ALIASES = {
    "name": ("name", "naam", "titel", "title", "omschrijving"),
    "radius_m": ("radius_m", "radius", "straal", "straal_m", "straal_meter", "buffer_m"),
    "kind": ("kind", "soort", "type", "categorie", "category"),
}
_TABLE_ALIASES = {
    **_PROPERTY_ALIASES,
    "lat": ("lat", "latitude", "breedtegraad"),
    "lon": ("lon", "lng", "longitude", "lengtegraad"),
    "x": ("x", "x_lambert", "lambert_x", "x_lambert72"),
    "y": ("y", "y_lambert", "lambert_y", "y_lambert72"),
    "address": ("address", "adres", "locatie"),
    "street": ("street", "straat"),
    "house_number": ("house_number", "huisnummer"),
    "postcode": ("postcode",),
    "place": ("place", "plaats", "gemeente"),
}


def _wgs84_crs(crs_text: str) -> bool:
    return bool(re.search(r"CRS84|(^|\D)4326$", crs_text.strip()))


def _declared_crs(document: dict, path: Path) -> str | None:
    """The CRS a GeoJSON's (pre-2016) `crs` member names, or None for WGS84 / none."""
    crs = document.get("crs")
    if not crs:
        return None
    name = (crs.get("properties") or {}).get("name") if isinstance(crs, dict) else None
    if not isinstance(name, str):
        raise UnusableInput(f"{path.name}: het crs-lid noemt geen coördinatenstelsel ({json.dumps(crs)})")
    epsg = re.search(r"EPSG:+(\d+)$", name)
    text = f"EPSG:{epsg.group(1)}" if epsg else name
    return None if _wgs84_crs(text) else text


def _to_wgs84(geometry: dict, transformer) -> dict:
    shape = shapely.geometry.shape(geometry)
    moved = shapely.transform(shape, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))
    return shapely.geometry.mapping(moved)


def _buffer_line(geometry: dict, buffer_m: float) -> dict:
    """A (Multi)LineString in WGS84 as the polygon within `buffer_m` metres of it (a local projection)."""
    from pyproj import Transformer

    line = shapely.geometry.shape(geometry)
    centre = line.centroid
    local = f"+proj=aeqd +lat_0={centre.y} +lon_0={centre.x} +datum=WGS84 +units=m"
    there = Transformer.from_crs("EPSG:4326", local, always_xy=True)
    back = Transformer.from_crs(local, "EPSG:4326", always_xy=True)

    def move(transformer):
        return lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))

    area = shapely.transform(shapely.transform(line, move(there)).buffer(buffer_m), move(back))
    return shapely.geometry.mapping(area)


def _normalised_properties(properties) -> dict:
    """Our names for a feature's properties, found case-insensitively among the aliases."""
    from etl.tables import normalise_header

    if not isinstance(properties, dict):
        return properties
    by_key = {normalise_header(k): v for k, v in properties.items()}
    found = dict(properties)
    for ours, aliases in _PROPERTY_ALIASES.items():
        value = next((by_key[a] for a in aliases if by_key.get(a) not in (None, "")), None)
        if value is not None:
            found[ours] = value
    return found


def _prepared(feature, transformer, buffer_m: float):
    """A feature with our property names, WGS84 coordinates and lines buffered to areas."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return feature
    feature = dict(feature, properties=_normalised_properties(feature.get("properties") or {}))
    geometry = feature.get("geometry")
    if isinstance(geometry, dict) and geometry.get("coordinates") is not None:
        try:
            if transformer is not None:
                geometry = _to_wgs84(geometry, transformer)
            if geometry.get("type") in ("LineString", "MultiLineString"):
                geometry = _buffer_line(geometry, buffer_m)
        except Exception:  # malformed coordinates: _row says so in Dutch
            return feature
        feature["geometry"] = json.loads(json.dumps(geometry))  # tuples → lists, as a file has them
    return feature


def _read_table_features(path: Path, profile) -> tuple[list, dict, list]:
    """Rows of a CSV/XLSX list of hot spots as features (raw text kept for the quarantine), the
    columns used per field and the columns ignored."""
    from etl.profiles import crs_transformer
    from etl.tables import read_table, skip_matching_rows

    mapping = profile.normalised_columns() if profile else {}
    known = {a for names in _TABLE_ALIASES.values() for a in names} | {c for cs in mapping.values() for c in cs}
    options = profile.file if profile else {}
    with _with_address_header(path, known, profile) as readable:
        table = read_table(
            readable,
            known=known,
            header_row=options.get("header_row"),
            encoding=options.get("encoding"),
            sheet=options.get("sheet"),
            delimiter=options.get("delimiter"),
        )
    if profile:
        profile.check_columns(table.columns)
    table = skip_matching_rows(table, profile)
    columns = {
        ours: mapping.get(ours) or next(([a] for a in aliases if a in table.columns), [])
        for ours, aliases in _TABLE_ALIASES.items()
    }
    if not columns["name"] and not (columns["address"] or columns["street"]):
        raise UnusableInput(
            f"{path.name}: geen kolom met de naam van de hotspot (Naam, name); gevonden: {', '.join(table.header)}"
        )
    from etl.profiles import joined

    frame = table.frame
    values = {ours: joined(frame, names) for ours, names in columns.items()}
    xy_transformer = crs_transformer(str(options.get("crs", "EPSG:31370")))
    features = []
    for i in range(len(frame)):

        def value(ours, i=i):
            text = values[ours].iloc[i]
            return None if text is pd.NA or text is None else str(text)

        # a list kept as addresses names each hot spot by its address
        name = value("name") or value("address") or " ".join(v for v in (value("street"), value("house_number")) if v)
        properties = {"name": name or None, "radius_m": value("radius_m"), "kind": value("kind")}
        geometry = None
        lat, lon, x, y = value("lat"), value("lon"), value("x"), value("y")
        try:
            if lat and lon:
                geometry = {
                    "type": "Point",
                    "coordinates": [float(lon.replace(",", ".")), float(lat.replace(",", "."))],
                }
            elif x and y:
                east, north = xy_transformer.transform(float(x.replace(",", ".")), float(y.replace(",", ".")))
                geometry = {"type": "Point", "coordinates": [east, north]}
        except ValueError:
            geometry = {"type": "Point", "coordinates": "onleesbaar"}
        address = " ".join(
            v
            for v in (value("address"), value("street"), value("house_number"), value("postcode"), value("place"))
            if v
        )
        fields = {
            "street": value("street"),
            "house_number": value("house_number"),
            "postcode": value("postcode"),
            "place": value("place"),
            "address_text": value("address"),
        }
        features.append(
            {
                "type": "Feature",
                "properties": properties,
                "geometry": geometry,
                "_raw": frame["raw_text"].iloc[i],
                "_row": int(frame["row_number"].iloc[i]),
                "_address": address or None,
                "_address_fields": fields if address else None,
            }
        )
    for _, malformed in table.malformed.iterrows():
        features.append(
            {"_raw": malformed["raw_text"], "_row": int(malformed["row_number"]), "_problem": malformed["reason"]}
        )
    spelled = dict(zip(table.columns, table.header))
    used = {ours: [spelled[c] for c in names] for ours, names in columns.items() if names}
    taken = {c for names in columns.values() for c in names}
    return features, used, [spelled[c] for c in table.columns if c not in taken], (table.header, table.delimiter)


_ADDRESS_LINE = re.compile(r"^\s*(?P<address>[^;\t]*[A-Za-z][^;\t]*\d[^;\t]*)[;\t]\s*(?P<radius>[^;\t]+?)\s*$")


@contextmanager
def _with_address_header(path: Path, known: set[str], profile) -> Iterator[Path]:
    """A list kept as lines of address and radius (`Markt 1, 1785 Merchtem; 100 m`) has no header line:
    read it as the columns `adres;straal`. Any other file as it is."""
    from etl.tables import detect_encoding, normalise_header

    if profile is not None or path.suffix.lower() not in (".csv", ".txt", ""):
        yield path
        return
    data = path.read_bytes()  # a list of hot spots: small
    try:
        text = data.decode(detect_encoding(data[:8192]))
    except UnicodeDecodeError:
        yield path
        return
    first = next((line for line in text.lstrip("\ufeff").splitlines() if line.strip()), "")
    line = _ADDRESS_LINE.match(first)
    fields = re.split(r"[;\t]", first)
    if not line or radius_m(line["radius"])[1] or any(normalise_header(f) in known for f in fields):
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="civ-hotspots-") as folder:
        headed = Path(folder) / path.name
        delimiter = ";" if ";" in first else "\t"
        headed.write_text(f"adres{delimiter}straal\n" + text.lstrip("\ufeff"), encoding="utf-8")
        yield headed


def _read_collection(path: Path) -> list:
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise UnusableInput(f"{path.name} is geen tekstbestand; verwacht een GeoJSON FeatureCollection") from None
    except json.JSONDecodeError as error:
        raise UnusableInput(
            f"{path.name} is geen geldige JSON (regel {error.lineno}, kolom {error.colno}: "
            f"{error.msg}); verwacht een GeoJSON FeatureCollection"
        ) from None
    if (
        not isinstance(document, dict)
        or document.get("type") != "FeatureCollection"
        or not isinstance(document.get("features"), list)
    ):
        raise UnusableInput(
            f"{path.name} is geen GeoJSON FeatureCollection (verwacht "
            f'{{"type": "FeatureCollection", "features": [...]}})'
        )
    return document


def _read_features(path: Path, profile) -> tuple[list, dict | None, list | None, tuple | None]:
    """Features in WGS84 with our property names, from GeoJSON or from a list (CSV/XLSX); for a list
    also the columns used and ignored, and its header and delimiter (for a retry of refused rows)."""
    from etl.profiles import crs_transformer

    head = path.read_bytes()[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not (path.suffix.lower() in (".geojson", ".json") or head.startswith(b"{")):
        return _read_table_features(path, profile)
    document = _read_collection(path)
    options = profile.file if profile else {}
    crs = options.get("crs") or _declared_crs(document, path)
    transformer = crs_transformer(str(crs)) if crs and not _wgs84_crs(str(crs)) else None
    buffer_m = float(options.get("line_buffer_m", LINE_BUFFER_M))
    return [_prepared(f, transformer, buffer_m) for f in document["features"]], None, None, None


def _explain_invalid(geometry) -> str:
    text = shapely.validation.explain_validity(geometry)
    place = re.search(r"\[(\S+) (\S+)\]", text)
    where = f" (bij {float(place.group(2)):.6f}, {float(place.group(1)):.6f})" if place else ""
    label = next((nl for en, nl in _INVALIDITY_NL.items() if text.startswith(en)), re.sub(r"\[.*", "", text))
    return f"geometrie is ongeldig: {label}{where}"


def radius_m(value) -> tuple[float | None, str | None]:
    """A radius as lists write it ('100', '100 m', '100m', '12,5 meter') in metres, or the Dutch problem."""
    text = re.sub(r"\s*(m|meter|meters)\.?$", "", str(value).strip(), flags=re.IGNORECASE)
    try:
        radius = float(text.replace(",", "."))
    except ValueError:
        return None, f"radius_m '{value}' is geen getal"
    if not RADIUS_MIN_M <= radius <= RADIUS_MAX_M:
        return None, f"radius_m {value} ligt niet tussen {RADIUS_MIN_M} en {RADIUS_MAX_M} m"
    return radius, None


def _radius(properties: dict, problems: list[str]) -> float | None:
    value = properties.get("radius_m")
    if value is None or str(value).strip() == "":
        problems.append("radius_m ontbreekt (verplicht voor een punt)")
        return None
    radius, problem = radius_m(value)
    if problem:
        problems.append(problem)
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
        if kind in ("LineString", "MultiLineString"):
            return None, problems + ["lijn kon niet gebufferd worden (coördinaten onleesbaar)"]
        return None, problems + [f"geometrietype '{kind}' wordt niet ondersteund (Point, Polygon of MultiPolygon)"]
    try:
        shape = shapely.geometry.shape(geometry)
    except Exception as error:  # shapely raises several types for malformed coordinates
        return None, problems + [f"geometrie is onleesbaar ({error})"]
    west, south, east, north = shape.bounds if not shape.is_empty else (math.nan,) * 4
    if shape.is_empty or not all(map(math.isfinite, (west, south, east, north))):
        return None, problems + ["geometrie heeft geen coördinaten"]
    if west < -180 or east > 180 or south < -90 or north > 90:
        return None, problems + [
            "coördinaten liggen buiten lengte -180..180 en breedte -90..90: WGS84 verwacht (misschien Lambert 72?)"
        ]
    if not shape.is_valid:
        problems.append(_explain_invalid(shape))
    if kind == "Point":
        radius = _radius(properties, problems)
        lat, lon = shape.y, shape.x
    else:
        centre = shape.centroid
        lat, lon = centre.y, centre.x
        vertices = shapely.get_coordinates(shape)
        radius = max(haversine_m(lat, lon, y, x) for x, y in vertices)
    if not inside(lat, lon):
        problems.append(f"middelpunt {lat:.6f}, {lon:.6f} ligt buiten het grondgebied ({territory})")
    if problems:
        return None, problems
    if kind == "Point":  # the box of the watched circle, for quick spatial filters
        south, west, north, east = box_around(lat, lon, radius)
    category = str(properties.get("kind") or "").strip().lower() or None
    return {
        "hotspot_id": slug(name),
        "name": name,
        "kind": category,
        "geojson": json.dumps(geometry, sort_keys=True, separators=(",", ":")),
        "center_lat": lat,
        "center_lon": lon,
        "radius_m": radius,
        "min_lat": south,
        "min_lon": west,
        "max_lat": north,
        "max_lon": east,
    }, []


def load_hotspots_file(db: str | Path, path: str | Path, is_demo: bool = False, profile=None) -> store.LoadResult:
    """Load one file of hot spots (GeoJSON or a list) as one batch; see the module docstring."""
    from etl.profiles import profile_hash

    path = Path(path)
    if not path.is_file():
        raise UnusableInput(f"bestand {path} bestaat niet")
    features, used, ignored, source = _read_features(path, profile)

    def load(con: duckdb.DuckDBPyConnection, batch_id: int) -> store.BatchCounts:
        if source is not None:
            retry.record_source(con, batch_id, source[0], source[1], profile)
        found = territory.require(con, *_centres(features))
        return _store(
            con, batch_id, features, lambda lat, lon: bool(found.outline.contains([lat], [lon])[0]), found.place
        )

    result = store.run_batch(
        db,
        kind="hotspots",
        file=path,
        fmt="geojson" if used is None else "list",
        options={"profile": profile_hash(profile)},
        load=load,
        is_demo=is_demo,
    )
    result.columns_used, result.columns_ignored = used, ignored
    return result


def _centres(features: list) -> tuple[list[float], list[float]]:
    """lat, lon of the features' centres that can be read: only to propose a territory when none is set."""
    lat, lon = [], []
    for feature in features:
        try:
            centre = shapely.geometry.shape(feature["geometry"]).centroid
            lat.append(centre.y), lon.append(centre.x)
        except Exception:  # unreadable geometry: that row is refused later with its own reason
            continue
    return lat, lon


def _placed_by_address(con, features: list) -> dict[int, tuple[dict, dict]]:
    """Features without geometry but with an address: index -> (the feature with its point, how placed)."""
    from etl.geocoding import locate_addresses

    wanted = {}
    for i, f in enumerate(features):
        if not isinstance(f, dict) or f.get("geometry") is not None:
            continue
        properties = f.get("properties") if isinstance(f.get("properties"), dict) else {}
        if f.get("_address_fields"):  # a list's own street, number, postcode, place columns
            wanted[i] = f["_address_fields"]
        elif properties.get("address") or properties.get("adres"):
            wanted[i] = {"address_text": properties.get("address") or properties.get("adres")}
    answers = locate_addresses(con, list(wanted.values()))
    placed = {}
    for (index, _properties), answer in zip(wanted.items(), answers):
        feature = features[index]
        if answer["lat"] is not None:
            feature = {**feature, "geometry": {"type": "Point", "coordinates": [answer["lon"], answer["lat"]]}}
        placed[index] = (feature, answer)
    return placed


def _same(row: dict, other: dict) -> bool:
    return all(row[k] == other[k] for k in ("name", "kind", "geojson", "radius_m"))


def _store(con, batch_id: int, features: list, inside, place: str) -> store.BatchCounts:
    from etl.geocoding import footprint_problem

    stored = {
        r[0]: dict(zip(("hotspot_id", "name", "kind", "geojson", "radius_m"), r))
        for r in con.execute("SELECT hotspot_id, name, kind, geojson, radius_m FROM hotspots").fetchall()
    }
    seen: dict[str, tuple[int, dict]] = {}
    writes, rejected, duplicates, updated = [], [], 0, 0
    placed = _placed_by_address(con, features)
    for number, original in enumerate(features, start=1):
        extra = {
            k: original.pop(k)
            for k in ("_raw", "_row", "_address", "_address_fields", "_problem")
            if isinstance(original, dict) and k in original
        }
        feature, location = placed.get(number - 1, (original, None))
        if isinstance(feature, dict):
            feature = {k: v for k, v in feature.items() if not k.startswith("_")}
        number = extra.get("_row", number)
        raw = extra.get("_raw") or json.dumps(original, ensure_ascii=False)
        if "_problem" in extra:
            rejected.append((number, raw, extra["_problem"]))
            continue
        problem = location and footprint_problem(
            location, extra.get("_address") or (original.get("properties") or {}).get("address") or ""
        )
        if problem:
            rejected.append((number, raw, problem))
            continue
        row, problems = _row(feature, inside, place)
        if row is not None:
            row["location_source"] = location["location_source"] if location else "given"
            row["address_id"] = location["address_id"] if location else None
        if row is None:
            rejected.append((number, raw, "; ".join(problems)))
        elif row["hotspot_id"] in seen:
            first_number, first = seen[row["hotspot_id"]]
            if _same(row, first):
                duplicates += 1
            else:
                rejected.append(
                    (
                        number,
                        raw,
                        f"hotspot '{row['hotspot_id']}' staat al in rij {first_number} "
                        f"van dit bestand, met andere gegevens",
                    )
                )
        else:
            seen[row["hotspot_id"]] = (number, row)
            earlier = stored.get(row["hotspot_id"])
            if earlier and _same(row, earlier):
                duplicates += 1
                continue
            updated += earlier is not None
            writes.append(row)
    for row in writes:
        remember_replaced(con, batch_id, "hotspots", "hotspot_id = ?", [row["hotspot_id"]])  # for undo
        con.execute("DELETE FROM hotspots WHERE hotspot_id = ?", [row["hotspot_id"]])
        con.execute(
            "INSERT INTO hotspots (hotspot_id, name, kind, geojson, center_lat, center_lon, radius_m, "
            "min_lat, min_lon, max_lat, max_lon, batch_id, location_source, address_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                row[k]
                for k in (
                    "hotspot_id",
                    "name",
                    "kind",
                    "geojson",
                    "center_lat",
                    "center_lon",
                    "radius_m",
                    "min_lat",
                    "min_lon",
                    "max_lat",
                    "max_lon",
                )
            ]
            + [batch_id, row["location_source"], row["address_id"]],
        )
    frame = pd.DataFrame(rejected, columns=["row_number", "raw_text", "reason"], dtype=object)
    con.register("hs_rejected", frame)
    quarantined = store.quarantine_rows(
        con,
        batch_id,
        "SELECT CAST(row_number AS BIGINT) AS row_number, "
        "CAST(raw_text AS VARCHAR) AS raw_text, CAST(reason AS VARCHAR) AS reason "
        "FROM hs_rejected",
    )
    con.unregister("hs_rejected")
    return store.BatchCounts(
        rows_in=len(features), loaded=len(writes), quarantined=quarantined, duplicates=duplicates, updated=updated
    )
