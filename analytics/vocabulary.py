"""What the filters of a page can choose from: sub-municipalities, category groups, categories,
channels, and the span of the reports. Read-only look-ups of the store's reference tables.
"""

from __future__ import annotations

import duckdb
import pandas as pd


def submunicipalities(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """`code`, `name` of what an area filter offers: the areas (deelgemeenten) by name; for a police
    zone each municipality first, then its areas ('Merchtem · Brussegem')."""
    rows = con.execute("""SELECT a.code, a.name, m.code AS municipality, m.name AS municipality_name
                          FROM areas a LEFT JOIN areas m ON m.code = a.parent_code
                          WHERE a.level = 'submunicipality' ORDER BY m.name, a.name""").df()
    zone = con.execute("SELECT code, name FROM areas WHERE level = 'municipality' ORDER BY name").fetchall()
    if len(zone) < 2:
        return rows.sort_values("name")[["code", "name"]].reset_index(drop=True)
    listed = []
    for code, name in zone:
        listed.append({"code": code, "name": name})
        listed += [
            {"code": r.code, "name": f"{name} · {r.name}"} for r in rows[rows["municipality"] == code].itertuples()
        ]
    return pd.DataFrame(listed, columns=["code", "name"])


def is_zone(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the territory is several municipalities (a police zone): CompStat then also per municipality."""
    return con.execute("SELECT count(*) FROM areas WHERE level = 'municipality'").fetchone()[0] > 1


def municipality_of_area(con: duckdb.DuckDBPyConnection, code: str | None) -> str | None:
    """In a police zone, the municipality (NIS code) an area filter's choice lies in: the municipality
    itself or the one holding the chosen deelgemeente. None for one municipality or for the whole zone."""
    if not code or not is_zone(con):
        return None
    found = con.execute(
        """SELECT CASE WHEN level = 'municipality' THEN code ELSE parent_code END FROM areas
           WHERE code = ? AND level IN ('municipality', 'submunicipality')""",
        [code],
    ).fetchone()
    return found[0] if found else None


def category_groups(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The category groups ('afval', 'overlast', ...) in alphabetical order."""
    return [
        row[0]
        for row in con.execute("SELECT DISTINCT category_group FROM categories ORDER BY category_group").fetchall()
    ]


def categories(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """`code`, `label_nl`, `label_en`, `category_group` of every category."""
    return con.execute("SELECT code, label_nl, label_en, category_group FROM categories ORDER BY label_nl").df()


def channels(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """`code`, `label_nl`, `label_en` of every channel, by Dutch label."""
    return con.execute("SELECT code, label_nl, label_en FROM channels ORDER BY label_nl").df()


def reporting_span(con: duckdb.DuckDBPyConnection) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """First and last `reported_at` in the store (UTC), or (None, None) without reports."""
    first, last = con.execute("SELECT min(reported_at), max(reported_at) FROM reports").fetchone()
    as_utc = lambda v: (
        None
        if v is None
        else pd.Timestamp(v).tz_convert("UTC")
        if pd.Timestamp(v).tzinfo
        else pd.Timestamp(v).tz_localize("UTC")
    )
    return as_utc(first), as_utc(last)
