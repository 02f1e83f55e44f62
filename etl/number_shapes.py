"""What a file's numbers say about themselves: the decimal sign they are written with, and the
coordinate system their x/y lie in (for Belgium the projected systems do not overlap, so the size of the
numbers tells them apart). Used when neither the profile nor the user says; a stated value always wins."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from etl.tables import plain_number

# Belgium's extent in each system a Belgian export uses for x/y (metres), with room for the border
BELGIAN_EXTENTS = {
    "EPSG:31370": ((10_000, 310_000), (10_000, 260_000)),  # Lambert 72
    "EPSG:3812": ((510_000, 810_000), (510_000, 760_000)),  # Lambert 2008
    "EPSG:25831": ((400_000, 800_000), (5_450_000, 5_750_000)),  # UTM 31N (ETRS89)
    "EPSG:4326": ((2.0, 7.0), (49.0, 52.0)),  # degrees written as x = longitude, y = latitude
}
_COMMA_DECIMAL = re.compile(r"^-?\d{1,3}(\.\d{3})+,\d+$|^-?\d+,(\d{1,2}|\d{4,})$")
_POINT_DECIMAL = re.compile(r"^-?\d{1,3}(,\d{3})+\.\d+$|^-?\d+\.(\d{1,2}|\d{4,})$")
SAMPLE = 500


def decimal_sign(values: pd.Series) -> str | None:
    """',' or '.' when the written numbers show it without doubt ('150.123,45', '50,9105'; '4.19'), else
    None (both are read). Three digits after a single sign ('1.234') could be a thousands separator and
    decide nothing."""
    text = values.dropna().astype(str).str.strip().head(SAMPLE)
    commas = int(text.str.match(_COMMA_DECIMAL).sum())
    points = int(text.str.match(_POINT_DECIMAL).sum())
    if commas and not points:
        return ","
    if points and not commas:
        return "."
    return None


def belgian_crs(x: pd.Series, y: pd.Series) -> str | None:
    """The system whose Belgian extent holds (nearly) every x/y pair, or None when none or several do."""
    sign = decimal_sign(pd.concat([x, y], ignore_index=True))
    # thousands separators out (etl/tables.plain_number), then a comma left is the decimal sign
    xs, ys = (
        pd.to_numeric(
            plain_number(v.head(SAMPLE).astype(str), sign).str.replace(",", ".", regex=False), errors="coerce"
        )
        for v in (x, y)
    )
    both = xs.notna() & ys.notna()
    if not both.any():
        return None
    xs, ys = xs[both].to_numpy(), ys[both].to_numpy()
    fitting = [
        code
        for code, ((x_low, x_high), (y_low, y_high)) in BELGIAN_EXTENTS.items()
        if np.mean((xs >= x_low) & (xs <= x_high) & (ys >= y_low) & (ys <= y_high)) >= 0.9
    ]
    return fitting[0] if len(fitting) == 1 else None
