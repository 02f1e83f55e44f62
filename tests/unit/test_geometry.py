"""civ/geometry.py: one distance in numpy and in SQL, the same metres; civ/formatting.py's signed per cent."""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pytest

from civ.formatting import signed_pct
from civ.geometry import EARTH_RADIUS_M, METRES_PER_DEGREE_LAT, box_around, haversine_m, haversine_sql

ASSE = (50.9114, 4.2035)


def _spherical_law_of_cosines(lat1, lon1, lat2, lon2):
    """An independent great-circle formula (fine at these distances in double precision)."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    return EARTH_RADIUS_M * math.acos(
        min(1.0, math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl))
    )


@pytest.mark.parametrize("north_m, east_m", [(150, 0), (0, 150), (1200, -800), (-5000, 7000)])
def test_haversine_agrees_with_an_independent_formula_and_the_sql(north_m, east_m):
    lat2 = ASSE[0] + north_m / METRES_PER_DEGREE_LAT
    lon2 = ASSE[1] + east_m / (METRES_PER_DEGREE_LAT * math.cos(math.radians(ASSE[0])))
    expected = _spherical_law_of_cosines(*ASSE, lat2, lon2)
    assert haversine_m(*ASSE, lat2, lon2) == pytest.approx(expected, abs=0.01)
    assert isinstance(haversine_m(*ASSE, lat2, lon2), float)
    sql = duckdb.sql(
        f"SELECT {haversine_sql('a', 'b', 'c', 'd')} FROM (SELECT {ASSE[0]} a, {ASSE[1]} b, {lat2} c, {lon2} d)"
    ).fetchall()[0][0]
    assert sql == pytest.approx(haversine_m(*ASSE, lat2, lon2), abs=1e-6)


def test_vectorised_and_a_missing_coordinate_gives_no_distance_in_sql():
    lats = np.array([ASSE[0], ASSE[0] + 0.001])
    assert haversine_m(lats, ASSE[1], ASSE[0], ASSE[1]).tolist() == pytest.approx([0.0, 0.001 * METRES_PER_DEGREE_LAT])
    assert duckdb.sql(f"SELECT {haversine_sql('NULL::DOUBLE', '4.2', '50.9', '4.2')}").fetchall()[0][0] is None


def test_the_box_holds_the_circle():
    south, west, north, east = box_around(*ASSE, 150)
    assert haversine_m(south, ASSE[1], *ASSE) == pytest.approx(150, abs=0.01)
    assert haversine_m(ASSE[0], east, *ASSE) >= 149.9 and haversine_m(ASSE[0], west, *ASSE) >= 149.9


@pytest.mark.parametrize(
    "value, text",
    [(-34.6, "−35 %"), (8.2, "+8 %"), (0.3, "0 %"), (1234.4, "+1.234 %"), (None, "–"), (float("nan"), "–")],
)
def test_signed_percentage(value, text):
    assert signed_pct(value) == text
