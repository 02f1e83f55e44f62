"""The map's own layers: boundaries, hot spots as circles, report points as GeoJSON."""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone

import pandas as pd
import pytest

from analytics import layers
from civ import territory
from civ.store import open_for_writing, reading
from etl.hotspots import load_hotspots_file

LAT, LON = 50.9106, 4.2043  # near the station of Asse


def haversine_m(lat1, lon1, lat2, lon2, radius_m=6371008.8):
    """Written out here, so that the circle is checked against an independent distance."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * radius_m * math.asin(math.sqrt(h))


@pytest.fixture
def store(db):
    open_for_writing(db).close()
    territory.set_territory(db, ["23002"])  # the demo's municipality: its six deelgemeenten
    return db


def test_circle_ring_is_closed_and_every_vertex_lies_at_the_radius():
    ring = layers.circle_ring(LAT, LON, 150, segments=32)
    assert len(ring) == 33 and ring[0] == ring[-1]
    for lon, lat in ring:
        assert haversine_m(LAT, LON, lat, lon) == pytest.approx(150, abs=0.05)
    # the first vertex is due north: same longitude, higher latitude
    assert ring[0][0] == pytest.approx(LON, abs=1e-7) and ring[0][1] > LAT


def test_circle_ring_refuses_a_radius_of_zero():
    with pytest.raises(ValueError):
        layers.circle_ring(LAT, LON, 0)


def test_point_hot_spot_becomes_its_watched_circle_and_a_polygon_stays_as_drawn(store, tmp_path):
    square = [[LON, LAT], [LON + 0.002, LAT], [LON + 0.002, LAT + 0.001], [LON, LAT + 0.001], [LON, LAT]]
    path = tmp_path / "h.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "Station Asse", "kind": "station", "radius_m": 120},
                        "geometry": {"type": "Point", "coordinates": [LON, LAT]},
                    },
                    {
                        "type": "Feature",
                        "properties": {"name": "Park Ter Linden", "kind": "park"},
                        "geometry": {"type": "Polygon", "coordinates": [square]},
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    assert load_hotspots_file(store, path).loaded == 2
    with reading(store) as con:
        collection = layers.hotspots_geojson(con)
    by_name = {f["properties"]["name"]: f for f in collection["features"]}
    station, park = by_name["Station Asse"], by_name["Park Ter Linden"]
    assert station["geometry"]["type"] == "Polygon"
    assert station["properties"] == {
        "hotspot_id": "station-asse",
        "name": "Station Asse",
        "kind": "station",
        "radius_m": 120.0,
        "shape": "circle",
    }
    ring = station["geometry"]["coordinates"][0]
    assert len(ring) == layers.CIRCLE_SEGMENTS + 1
    assert max(abs(haversine_m(LAT, LON, lat, lon) - 120) for lon, lat in ring) < 0.05
    assert park["geometry"] == {"type": "Polygon", "coordinates": [square]}
    assert park["properties"]["shape"] == "area"


def test_no_hot_spots_is_an_empty_collection(store):
    with reading(store) as con:
        assert layers.hotspots_geojson(con) == {"type": "FeatureCollection", "features": []}


def test_areas_are_the_six_sub_municipalities_and_the_municipality(store):
    with reading(store) as con:
        subs = layers.areas_geojson(con)
        whole = layers.areas_geojson(con, "municipality")
        bounds = layers.territory_bounds(con)
        with pytest.raises(ValueError):
            layers.areas_geojson(con, "province")
    assert sorted(f["properties"]["name"] for f in subs["features"]) == [
        "Asse",
        "Bekkerzeel",
        "Kobbegem",
        "Mollem",
        "Relegem",
        "Zellik",
    ]
    assert all(f["properties"]["level"] == "submunicipality" for f in subs["features"])
    assert [f["properties"]["code"] for f in whole["features"]] == ["23002"]
    # the bounds hold every vertex of every sub-municipality
    (south, west), (north, east) = bounds
    for feature in subs["features"]:
        for lon, lat in feature["geometry"]["coordinates"][0]:
            assert south - 1e-9 <= lat <= north + 1e-9 and west - 1e-9 <= lon <= east + 1e-9


def test_report_points_travel_as_columns_with_the_instant_in_seconds():
    late = datetime(2026, 10, 31, 23, 30, tzinfo=timezone.utc)
    points = pd.DataFrame(
        {
            "report": ["canonical:1", "canonical:2", "canonical:3"],
            "lat": [50.9102, 50.8876, 50.91234567],
            "lon": [4.1985, 4.2709, 4.20000049],
            "reported_at": pd.to_datetime([late, datetime(2026, 7, 14, 12, 5, tzinfo=timezone.utc), late]),
            "category": ["sluikstort", "graffiti", "sluikstort"],
            "category_label": ["Sluikstort", "Graffiti", "Sluikstort"],
            "channel": ["email", "probleembox", "email"],
            "status": ["open", "afgesloten", "open"],
        }
    )
    columns = layers.report_points_columns(points)
    assert columns["lon"] == [4.1985, 4.2709, 4.2] and columns["lat"] == [50.9102, 50.8876, 50.912346]
    assert columns["t"] == [int(late.timestamp()), 1784030700, int(late.timestamp())]
    # each point's codes, read back through the lookup lists
    decoded = [
        (columns["categories"][c], columns["channels"][k], columns["statuses"][s])
        for c, k, s in zip(columns["category"], columns["channel"], columns["status"])
    ]
    assert decoded == [
        ("sluikstort", "email", "open"),
        ("graffiti", "probleembox", "afgesloten"),
        ("sluikstort", "email", "open"),
    ]
    assert len(columns["categories"]) == 2
    assert "report" not in columns and "description" not in columns
    json.dumps(columns)  # plain Python values only: the page sends it as it is


def test_no_report_points_is_empty_columns():
    empty = pd.DataFrame(columns=["report", "lat", "lon", "reported_at", "category", "channel", "status"])
    columns = layers.report_points_columns(empty)
    assert columns["lon"] == [] and columns["categories"] == []


@pytest.mark.parametrize(
    "municipalities, placed, expected",
    [
        (["23002"], True, "Adressenregister (Digitaal Vlaanderen)"),
        (["21004", "23002"], True, "Adressenregister (Digitaal Vlaanderen), UrbIS (paradigm.brussels)"),
        (["25072", "62063"], True, "ICAR (SPW)"),  # Walloon Brabant and Liège
        (["23002"], False, None),  # a register, but no report placed by it: nothing to name
    ],
)
def test_the_map_names_the_address_registers_its_placed_reports_come_from(store, municipalities, placed, expected):
    con = open_for_writing(store)
    try:
        con.execute(
            "INSERT INTO address_register_loads (file_name, file_sha256, loaded_at, projection, municipalities, "
            "rows_in, kept) VALUES ('openaddress.zip', 'x', now(), 'EPSG:31370', ?, 1, 1)",
            [municipalities],
        )
        con.execute(
            "INSERT INTO reports (source, source_id, batch_id, reported_at, reported_precision, category_code, "
            "channel_code, status, lat, lon, gas_finding, content_hash, location_source) "
            "VALUES ('canonical', 'r1', 1, now(), 'minute', 'sluikstort', 'email', 'open', 50.91, 4.2, false, 'h', ?)",
            ["address_nearest_number" if placed else "given"],
        )
    finally:
        con.close()
    with reading(store) as con:
        assert layers.address_sources(con) == expected
