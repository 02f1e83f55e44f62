"""Reports on the map: a square grid of counts in metres, the points themselves, one cell's reports.

The grid is laid in a local metric frame around the territory (equirectangular at 50.92° N; over
the 15 km of a police zone its distortion stays under 0.1 %), so a 250 m cell is 250 m on the street.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.compstat import Filters, _precision_clause
from analytics.memo import by_data_version
from analytics.periods import Period
from civ.geometry import METRES_PER_DEGREE_LAT, metres_per_degree_lon

ORIGIN_LAT, ORIGIN_LON = 50.92, 4.20
# the one sphere of civ.geometry, so a cell edge and a hot spot's radius measure the same metre
METRES_PER_DEGREE_LON = metres_per_degree_lon(ORIGIN_LAT)
DEFAULT_CELL_M = 250


def _cell_sql(cell_m: float) -> tuple[str, str]:
    column = f"CAST(floor((r.lon - {ORIGIN_LON}) * {METRES_PER_DEGREE_LON} / {float(cell_m)}) AS INTEGER)"
    row = f"CAST(floor((r.lat - {ORIGIN_LAT}) * {METRES_PER_DEGREE_LAT} / {float(cell_m)}) AS INTEGER)"
    return column, row


def cell_polygon(column: int, row: int, cell_m: float = DEFAULT_CELL_M) -> list[list[float]]:
    """The cell's ring as [lon, lat] pairs (GeoJSON order), closed."""
    west = ORIGIN_LON + column * cell_m / METRES_PER_DEGREE_LON
    east = ORIGIN_LON + (column + 1) * cell_m / METRES_PER_DEGREE_LON
    south = ORIGIN_LAT + row * cell_m / METRES_PER_DEGREE_LAT
    north = ORIGIN_LAT + (row + 1) * cell_m / METRES_PER_DEGREE_LAT
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


@by_data_version()
def grid_counts(
    con: duckdb.DuckDBPyConnection, period: Period, filters: Filters = Filters(), cell_m: float = DEFAULT_CELL_M
) -> pd.DataFrame:
    """Per cell with reports: `cell` ('col:row'), `column`, `row`, `current`, `last_year`, `change`."""
    column, row = _cell_sql(cell_m)
    start, end = period.utc_bounds()
    ly_start, ly_end = period.same_period_last_year().utc_bounds()
    where, params = filters.where()
    frame = con.execute(
        f"""
        SELECT {column} AS "column", {row} AS "row",
               count(*) FILTER (WHERE r.reported_at >= ? AND r.reported_at < ?) AS current,
               count(*) FILTER (WHERE r.reported_at >= ? AND r.reported_at < ?) AS last_year
        FROM reports r
        WHERE r.lat IS NOT NULL AND ((r.reported_at >= ? AND r.reported_at < ?) OR (r.reported_at >= ? AND r.reported_at < ?))
          AND {_precision_clause(period)} AND {where}
        GROUP BY ALL""",
        [start, end, ly_start, ly_end, start, end, ly_start, ly_end] + params,
    ).df()
    frame["cell"] = frame["column"].astype(str) + ":" + frame["row"].astype(str)
    frame["change"] = frame["current"] - frame["last_year"]
    return frame.sort_values("current", ascending=False).reset_index(drop=True)


def grid_geojson(frame: pd.DataFrame, cell_m: float = DEFAULT_CELL_M) -> dict:
    """The grid as a GeoJSON FeatureCollection with the counts as properties."""
    features = [
        {
            "type": "Feature",
            "id": cell.cell,
            "geometry": {"type": "Polygon", "coordinates": [cell_polygon(cell.column, cell.row, cell_m)]},
            "properties": {
                "cell": cell.cell,
                "current": int(cell.current),
                "last_year": int(cell.last_year),
                "change": int(cell.change),
            },
        }
        for cell in frame.itertuples()
    ]
    return {"type": "FeatureCollection", "features": features}


@by_data_version()
def report_points(con: duckdb.DuckDBPyConnection, period: Period, filters: Filters = Filters()) -> pd.DataFrame:
    """Located reports of the period (no description, no reporter): for the clustered marker layer."""
    start, end = period.utc_bounds()
    where, params = filters.where()
    return con.execute(
        f"""
        SELECT r.source || ':' || r.source_id AS report, r.lat, r.lon, r.reported_at, r.category_code AS category,
               k.label_nl AS category_label, r.channel_code AS channel, r.status
        FROM reports r JOIN categories k ON k.code = r.category_code
        WHERE r.lat IS NOT NULL AND r.reported_at >= ? AND r.reported_at < ? AND {_precision_clause(period)} AND {where}
        ORDER BY r.reported_at""",
        [start, end] + params,
    ).df()


def reports_in_cell(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    cell: str,
    filters: Filters = Filters(),
    cell_m: float = DEFAULT_CELL_M,
) -> pd.DataFrame:
    """The period's reports in one grid cell ('col:row'): date, category, channel, status."""
    try:
        column_index, row_index = (int(v) for v in str(cell).split(":"))
    except ValueError:
        raise ValueError(f"cel '{cell}' onbekend") from None
    column, row = _cell_sql(cell_m)
    start, end = period.utc_bounds()
    where, params = filters.where()
    return con.execute(
        f"""
        SELECT r.reported_at, k.label_nl AS category_label, k.label_en AS category_label_en,
               r.channel_code AS channel, r.channel_detail AS mailbox, r.status
        FROM reports r JOIN categories k ON k.code = r.category_code
        WHERE r.lat IS NOT NULL AND r.reported_at >= ? AND r.reported_at < ?
          AND {column} = ? AND {row} = ? AND {_precision_clause(period)} AND {where}
        ORDER BY r.reported_at""",
        [start, end, column_index, row_index] + params,
    ).df()
