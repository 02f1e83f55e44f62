"""Inside the territory, for millions of positions at once: a grid in SQL, the outline for the few
points near its edge.

The rule is the reports' (civ/territory.py): a point belongs to the territory when it lies inside the
outline widened by TOLERANCE_M; `--bbox W,S,E,N` replaces the outline by a box for foreign test files.
Testing ten million fixes against a polygon in Python costs seconds, so the widened outline is first
cut into square cells: a cell wholly inside is "in" (1), a cell that does not touch it is "out" (0),
and only a point in a cell the edge crosses (2) is tested exactly against the outline. The cell of a
point is arithmetic in SQL; a tracker that walks the streets of the territory rarely has a fix near
its edge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import numpy as np
import shapely

from civ import territory

OUT, IN, EDGE = 0, 1, 2
MAX_CELLS = 250_000  # a grid of at most this many cells (a list of bytes in a one-row table)
MIN_CELL_M = 50.0


@dataclass
class TerritoryCheck:
    name: str  # in the reason: the territory's place name, or 'kader W,S,E,N'
    box: tuple[float, float, float, float]  # W, S, E, N in degrees
    outline: territory.Outline | None = None


def for_store(con: duckdb.DuckDBPyConnection, box: tuple[float, float, float, float] | None = None) -> TerritoryCheck:
    """The store's territory (the demo's when none is set yet, as for reports), or `box` instead."""
    if box:
        return TerritoryCheck(f"kader {','.join(str(v) for v in box)}", tuple(box))
    found = territory.require(con)
    if found.outline is None:
        return TerritoryCheck(found.place, tuple(found.bbox))
    return TerritoryCheck(found.place, found.outline.widened_bounds(), found.outline)


def prepare(con: duckdb.DuckDBPyConnection, check: TerritoryCheck, table: str) -> None:
    """One-row temp table `table` with the grid: origin and cell size in the outline's metric frame,
    the number of columns and rows inside the border, the classes (row by row, with the border) as a
    list and the name for the reason."""
    if check.outline is None:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE {table} AS SELECT ?::DOUBLE AS west, ?::DOUBLE AS south,
                ?::DOUBLE AS east, ?::DOUBLE AS north, ?::VARCHAR AS name""",
            [*check.box, check.name],
        )
        return
    scale_x, widened = check.outline._frame
    x0, y0, x1, y1 = widened.bounds
    cell = max(MIN_CELL_M, math.sqrt((x1 - x0) * (y1 - y0) / MAX_CELLS))
    columns, rows = max(1, math.ceil((x1 - x0) / cell)), max(1, math.ceil((y1 - y0) / cell))
    xs = x0 + np.arange(columns) * cell
    ys = y0 + np.arange(rows) * cell
    left, bottom = (a.ravel() for a in np.meshgrid(xs, ys))  # row by row: index = row * columns + column
    boxes = shapely.box(left, bottom, left + cell, bottom + cell)
    inner = np.where(
        shapely.contains(widened, boxes), IN, np.where(shapely.intersects(widened, boxes), EDGE, OUT)
    ).astype(np.uint8)
    # a border of OUT cells all round: a point beyond the grid is clamped onto it, so the SQL reads each
    # coordinate once (no range test beside the lookup)
    classes = np.full((rows + 2, columns + 2), OUT, dtype=np.uint8)
    classes[1:-1, 1:-1] = inner.reshape(rows, columns)
    classes = classes.ravel()
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {table} AS
            SELECT ?::DOUBLE AS scale_x, ?::DOUBLE AS x0, ?::DOUBLE AS y0, ?::DOUBLE AS cell, ?::BIGINT AS columns,
                   ?::BIGINT AS rows, ?::UTINYINT[] AS classes, ?::VARCHAR AS name""",
        [scale_x, x0, y0, cell, columns, rows, classes.tolist(), check.name],
    )


def class_sql(check: TerritoryCheck, table: str, lat: str, lon: str) -> str:
    """SQL for the class of a position (0 out, 1 in, 2 near the edge: test it with `refine`). Needs the
    table of `prepare` joined as `g` (CROSS JOIN fx_territory g); reads `lat` and `lon` once each,
    because they may be expressions DuckDB computes again at every mention."""
    if check.outline is None:
        return f"CASE WHEN {lat} BETWEEN g.south AND g.north AND {lon} BETWEEN g.west AND g.east THEN 1 ELSE 0 END"
    # clamped in DOUBLE before the cast: NaN and infinity become the border too, never a cast error;
    # greatest() skips NULL, so a missing coordinate reads as the border (OUT): such a row has its reason
    column = f"(least(greatest(floor(({lon} * g.scale_x - g.x0) / g.cell), -1), g.columns) + 1)::BIGINT"
    row = f"(least(greatest(floor(({lat} * {territory.M_PER_DEG} - g.y0) / g.cell), -1), g.rows) + 1)::BIGINT"
    return f"g.classes[{row} * (g.columns + 2) + {column} + 1]"


def outside_reason_sql(lat: str, lon: str, name: str) -> str:
    """'positie 50,95 / 4,3 ligt buiten het grondgebied: Asse' (the reports' words); `name` is SQL for
    the territory's name, e.g. g.name."""
    return (
        f"'positie ' || replace(round({lat}, 5)::VARCHAR, '.', ',') || ' / ' "
        f"|| replace(round({lon}, 5)::VARCHAR, '.', ',') || ' ligt buiten het grondgebied: ' || {name}"
    )


def refine(con: duckdb.DuckDBPyConnection, check: TerritoryCheck, candidates_sql: str) -> np.ndarray:
    """Row numbers among `candidates_sql` (row_number, lat, lon: the points of edge cells) that lie
    outside the widened outline."""
    points = con.execute(candidates_sql).fetchnumpy()
    if check.outline is None or not len(points["row_number"]):
        return np.array([], dtype=np.int64)
    inside = check.outline.contains(points["lat"], points["lon"])
    return np.asarray(points["row_number"])[~inside]
