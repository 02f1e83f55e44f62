"""Defined hot spots from GeoJSON: points with a radius, polygons, validation reasons, updates."""

from __future__ import annotations

import json

import pytest
from pyproj import Geod

from civ.errors import UnusableInput
from etl.hotspots import load_hotspots_file

# inside the police zone AMOW (Asse ~ 50.91 N, 4.20 E)
LAT, LON = 50.9105, 4.1980


def point(name, lat=LAT, lon=LON, **properties):
    return {
        "type": "Feature",
        "properties": {"name": name, **properties},
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


def polygon(name, ring, **properties):
    return {
        "type": "Feature",
        "properties": {"name": name, **properties},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def square(lat, lon, half):
    return [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]


def collection(tmp_path, name, features):
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def test_point_hot_spot_is_stored_under_the_slug_of_its_name(db, tmp_path, query):
    path = collection(
        tmp_path,
        "h.geojson",
        [point("Station Asse", radius_m=150, kind="Station"), point("Glasbol Zellik-Noord é", radius_m="25,5")],
    )
    result = load_hotspots_file(db, path)
    assert (result.rows_in, result.loaded, result.quarantined) == (2, 2, 0)
    stored = query(
        "SELECT hotspot_id, name, kind, center_lat, center_lon, radius_m, min_lat, max_lat "
        "FROM hotspots ORDER BY hotspot_id"
    )
    assert [r[:6] for r in stored] == [
        ("glasbol-zellik-noord-e", "Glasbol Zellik-Noord é", None, LAT, LON, 25.5),
        ("station-asse", "Station Asse", "station", LAT, LON, 150.0),
    ]
    # the box of the watched circle: 150 m is 0.00135 degrees of latitude
    assert stored[1][6] == pytest.approx(LAT - 150 / 111_195, abs=1e-6)
    assert stored[1][7] == pytest.approx(LAT + 150 / 111_195, abs=1e-6)


def test_polygon_radius_reaches_its_farthest_vertex_from_the_centroid(db, tmp_path, query):
    ring = square(LAT, LON, 0.001)
    path = collection(tmp_path, "park.geojson", [polygon("Park Ter Linden", ring, kind="park")])
    assert load_hotspots_file(db, path).loaded == 1
    ((lat, lon, radius),) = query("SELECT center_lat, center_lon, radius_m FROM hotspots")
    assert (lat, lon) == (pytest.approx(LAT, abs=1e-9), pytest.approx(LON, abs=1e-9))
    _, _, corner_m = Geod(ellps="WGS84").inv(LON, LAT, LON + 0.001, LAT + 0.001)  # ~ 132 m
    assert radius == pytest.approx(corner_m, rel=0.005)


def test_multipolygon_hot_spot_is_loaded(db, tmp_path, query):
    feature = {
        "type": "Feature",
        "properties": {"name": "Scholen centrum", "kind": "school"},
        "geometry": {
            "type": "MultiPolygon",
            "coordinates": [[square(LAT, LON, 0.0005)], [square(LAT + 0.004, LON, 0.0005)]],
        },
    }
    assert load_hotspots_file(db, collection(tmp_path, "m.geojson", [feature])).loaded == 1
    ((lat, radius),) = query("SELECT center_lat, radius_m FROM hotspots")
    assert lat == pytest.approx(LAT + 0.002, abs=1e-9)  # midway between two equal squares
    assert 250 < radius < 300  # 0.0025 degrees north and a bit east


def test_unusable_features_are_quarantined_with_dutch_reasons(db, tmp_path, query):
    bowtie = [[LON, LAT], [LON + 0.001, LAT + 0.001], [LON + 0.001, LAT], [LON, LAT + 0.001], [LON, LAT]]
    features = [
        point("", radius_m=50),  # 1
        point(
            "Plein",
        ),  # 2
        point("Plein", radius_m=3),  # 3
        point("Plein", radius_m="breed"),  # 4
        point("Eiffeltoren", lat=48.8584, lon=2.2945, radius_m=50),  # 5
        polygon("Vlinder", bowtie),  # 6
        {
            "type": "Feature",
            "properties": {"name": "Straat"},
            "geometry": {"type": "LineString", "coordinates": [[LON, LAT], [LON, LAT + 0.001]]},
        },  # 7: loads
        point("Lambert", lat=170000, lon=150000, radius_m=50),  # 8
        {"type": "Feature", "properties": {"name": "Leeg"}, "geometry": None},  # 9
        point(None, radius_m=2500),  # 10
        ["geen feature"],  # 11
    ]
    result = load_hotspots_file(db, collection(tmp_path, "bad.geojson", features))
    # a street drawn as a line is buffered to an area (issue 16): it loads, the other ten are refused
    assert (result.rows_in, result.loaded, result.quarantined) == (11, 1, 10)
    reasons = dict(query("SELECT row_number, reason FROM quarantine"))
    assert 7 not in reasons and query("SELECT hotspot_id FROM hotspots") == [("straat",)]
    assert reasons[1] == "naam ontbreekt"
    assert reasons[2] == "radius_m ontbreekt (verplicht voor een punt)"
    assert reasons[3] == "radius_m 3 ligt niet tussen 5 en 2000 m"
    assert reasons[4] == "radius_m 'breed' is geen getal"
    assert reasons[5].startswith("middelpunt 48.858400, 2.294500 ligt buiten het grondgebied (Asse")
    assert reasons[6].startswith("geometrie is ongeldig: de rand snijdt zichzelf (bij ")
    assert reasons[8].startswith("coördinaten liggen buiten lengte -180..180")
    assert reasons[9] == "geometrie ontbreekt"
    assert reasons[10] == "naam ontbreekt; radius_m 2500 ligt niet tussen 5 en 2000 m"
    assert reasons[11] == "element is geen GeoJSON-Feature"
    assert json.loads(query("SELECT raw_text FROM quarantine WHERE row_number = 3")[0][0]) == features[2]


def test_same_name_again_updates_unless_identical(db, tmp_path, query):
    load_hotspots_file(
        db, collection(tmp_path, "a.geojson", [point("Station Asse", radius_m=150), point("Markt", radius_m=80)])
    )
    result = load_hotspots_file(
        db, collection(tmp_path, "b.geojson", [point("Station Asse", radius_m=200), point("Markt", radius_m=80)])
    )
    assert (result.rows_in, result.loaded, result.updated, result.duplicates) == (2, 1, 1, 1)
    assert query("SELECT hotspot_id, radius_m FROM hotspots ORDER BY 1") == [("markt", 80.0), ("station-asse", 200.0)]


def test_same_name_twice_in_one_file_is_a_duplicate_or_a_conflict(db, tmp_path, query):
    result = load_hotspots_file(
        db,
        collection(
            tmp_path,
            "a.geojson",
            [point("Markt", radius_m=80), point("Markt", radius_m=80), point("MARKT", radius_m=90)],
        ),
    )
    assert (result.rows_in, result.loaded, result.duplicates, result.quarantined) == (3, 1, 1, 1)
    assert query("SELECT reason FROM quarantine") == [
        ("hotspot 'markt' staat al in rij 1 van dit bestand, met andere gegevens",)
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        ("niet { json", "geen geldige JSON"),
        ('{"type": "Feature", "geometry": null}', "geen GeoJSON FeatureCollection"),
        ("[1, 2]", "geen GeoJSON FeatureCollection"),
        # a declared CRS is transformed (issue 16); one pyproj does not know is unusable
        (
            '{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:999999"}}, '
            '"features": []}',
            "onbekend coördinatenstelsel",
        ),
    ],
)
def test_file_that_is_not_a_feature_collection_is_unusable_and_writes_nothing(bare_db, tmp_path, content, message):
    path = tmp_path / "h.geojson"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UnusableInput, match=message):
        load_hotspots_file(bare_db, path)
    assert not bare_db.exists()


def test_empty_feature_collection_loads_zero_rows(db, tmp_path):
    result = load_hotspots_file(db, collection(tmp_path, "empty.geojson", []))
    assert (result.status, result.rows_in) == ("nothing-loaded", 0)
