"""The shipped Statbel boundaries (assets/geo/flanders-brussels-boundaries.geojson.gz) against the
original shapefiles they were built from (read here with geopandas, which the app never needs)."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import shapely
import shapely.geometry
from territory_scenes import originals, to_wgs84

from civ import territory


def test_every_municipality_and_deelgemeente_is_shipped_once_with_an_outline():
    shipped = territory.boundaries()
    towns, parts = originals("gemeente"), originals("deelgemeente")
    levels = [f["properties"]["level"] for f in shipped.values()]
    assert levels.count("municipality") == len(towns) == 304
    assert levels.count("submunicipality") == len(parts) == 1119
    assert set(shipped) == set(towns["geoitem"]) | set(parts["geoitem"])  # keys: NIS codes, unique
    for town in towns.itertuples():
        outline = shapely.geometry.shape(shipped[town.geoitem]["geometry"])
        assert outline.is_valid and outline.area > 0, town.naam
        assert territory.deelgemeenten(town.geoitem), f"{town.naam} heeft geen deelgemeente"


def test_a_point_inside_each_original_municipality_is_found_in_it():
    towns = originals("gemeente")
    points = towns.geometry.representative_point()
    lat, lon = to_wgs84(points.x.to_numpy(), points.y.to_numpy())
    for nis, la, lo in zip(towns["geoitem"], lat, lon):
        outline = shapely.geometry.shape(territory.boundaries()[nis]["geometry"])
        assert outline.contains(shapely.Point(lo, la)), nis


def test_a_point_inside_each_original_deelgemeente_gets_that_area():
    parts = originals("deelgemeente")
    con = duckdb.connect()
    con.execute("CREATE TABLE areas (code VARCHAR, level VARCHAR, geojson VARCHAR)")
    con.executemany(
        "INSERT INTO areas VALUES (?, 'submunicipality', ?)",
        [[nis, json.dumps(territory.boundaries()[nis]["geometry"])] for nis in parts["geoitem"]],
    )
    points = parts.geometry.representative_point()
    lat, lon = to_wgs84(points.x.to_numpy(), points.y.to_numpy())
    found = territory.area_codes_of(con, lat, lon)
    assert list(found) == list(parts["geoitem"])
    assert np.all(found != None)
