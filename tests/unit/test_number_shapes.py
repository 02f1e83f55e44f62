"""Which decimal sign and which x/y system a file's numbers show (etl/number_shapes.py): points spread
over Belgium projected by pyproj in the test into each system a Belgian export uses, then recognised."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from etl.number_shapes import belgian_crs, decimal_sign

RNG = np.random.default_rng(3812)
LAT = RNG.uniform(49.6, 51.4, 200)
LON = RNG.uniform(2.7, 6.2, 200)


def _written(values: np.ndarray, decimal: str) -> pd.Series:
    text = pd.Series([f"{v:.2f}" for v in values])
    return text.str.replace(".", ",", regex=False) if decimal == "," else text


@pytest.mark.parametrize("crs", ["EPSG:31370", "EPSG:3812", "EPSG:25831", "EPSG:4326"])
@pytest.mark.parametrize("decimal", [",", "."])
def test_points_over_belgium_are_recognised_in_the_system_they_were_projected_to(crs, decimal):
    x, y = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(LON, LAT)
    if crs == "EPSG:4326":
        x, y = np.round(x, 5), np.round(y, 5)
    assert belgian_crs(_written(np.asarray(x), decimal), _written(np.asarray(y), decimal)) == crs


def test_points_outside_belgium_or_in_no_one_system_are_not_guessed():
    paris_x, paris_y = Transformer.from_crs("EPSG:4326", "EPSG:3812", always_xy=True).transform(2.35, 48.85)
    assert belgian_crs(pd.Series([str(paris_x)] * 5), pd.Series([str(paris_y)] * 5)) is None
    assert belgian_crs(pd.Series(["", None]), pd.Series(["", None])) is None


@pytest.mark.parametrize(
    "values, sign",
    [
        (["50,9105", "4,1985", "150.123,45"], ","),
        (["50.9105", "4.1985", "150,123.45"], "."),
        (["1.234", "5.678"], None),  # three digits after one sign: a thousands separator or a decimal
        (["50,91", "4.19"], None),  # both: the file does not say
        ([], None),
    ],
)
def test_the_decimal_sign_is_named_only_when_the_numbers_show_it(values, sign):
    assert decimal_sign(pd.Series(values, dtype=object)) == sign
