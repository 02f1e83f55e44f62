"""Reference data every store carries: categories, channels, their aliases, areas, default settings.

Kept as CSV in civ/reference_data/ and as GeoJSON in assets/geo/ (the same files the maps draw), and
upserted on every start so that a new release's labels reach existing stores.
"""
from __future__ import annotations

import csv
import hashlib
import importlib.resources
import json
import re
from pathlib import Path

import duckdb
import pandas as pd
import shapely.geometry

GEO_DIR = Path(__file__).resolve().parents[1] / "assets" / "geo"
MUNICIPALITY_FILE = GEO_DIR / "asse-municipality-wgs84.geojson"
SUBMUNICIPALITY_FILE = GEO_DIR / "asse-submunicipalities-wgs84.geojson"
POLICE_ZONE_FILE = GEO_DIR / "amow-municipalities-wgs84.geojson"


def _rows(name: str) -> list[dict]:
    text = importlib.resources.files("civ.reference_data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def normalise_label(text: str) -> str:
    """How labels are compared: lower case, single spaces, underscores as spaces."""
    return re.sub(r"\s+", " ", str(text).replace("_", " ")).strip().lower()


def normalise_labels(values: pd.Series) -> pd.Series:
    """normalise_label for a whole column; missing stays missing."""
    return per_distinct(values, lambda text: text.str.replace("_", " ", regex=False)
                        .str.replace(r"\s+", " ", regex=True).str.strip().str.lower())


def per_distinct(values: pd.Series, transform) -> pd.Series:
    """`transform` (string Series -> Series) applied to each distinct value once and mapped back.

    A column of labels has a few dozen distinct values in a million rows: string work per row
    cost seconds per column on a million reports; per distinct value it is instant."""
    text = values.astype("string")
    distinct = pd.Series(text.dropna().unique(), dtype="string")
    return text.map(dict(zip(distinct, transform(distinct)))).astype("string")


def area_name(raw_name: str) -> str:
    """'Mollem (Asse)' -> 'Mollem'; 'Asse (Dg.)' -> 'Asse'."""
    return re.sub(r"\s*\(.*\)\s*$", "", raw_name).strip()


def _features(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def _fingerprint() -> str:
    """A hash of every reference file: the upsert runs only when one of them changed."""
    digest = hashlib.sha256()
    folder = importlib.resources.files("civ.reference_data")
    for name in sorted(e.name for e in folder.iterdir() if e.name.endswith(".csv")):
        digest.update(folder.joinpath(name).read_bytes())
    for path in (MUNICIPALITY_FILE, SUBMUNICIPALITY_FILE, POLICE_ZONE_FILE):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    fingerprint = _fingerprint()
    if setting(con, "reference_fingerprint") == fingerprint:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        _ensure_categories(con)
        _ensure_channels(con)
        _ensure_statuses(con)
        _ensure_areas(con)
        _ensure_settings(con)
        con.execute("INSERT OR REPLACE INTO settings VALUES ('reference_fingerprint', ?)", [fingerprint])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _ensure_categories(con):
    categories = _rows("categories.csv")
    con.executemany("INSERT OR REPLACE INTO categories VALUES (?, ?, ?, ?, ?)",
                    [[c["code"], c["label_nl"], c["label_en"], c["category_group"], c["gas_relevant"] == "true"]
                     for c in categories])
    aliases = {("*", normalise_label(v), c["code"]) for c in categories
               for v in (c["code"], c["label_nl"], c["label_en"])}
    aliases |= {(a["source"], normalise_label(a["alias"]), a["category_code"]) for a in _rows("category_aliases.csv")}
    con.executemany("INSERT OR REPLACE INTO category_aliases VALUES (?, ?, ?)", sorted(aliases))


def _ensure_channels(con):
    channels = _rows("channels.csv")
    con.executemany("INSERT OR REPLACE INTO channels VALUES (?, ?, ?)",
                    [[c["code"], c["label_nl"], c["label_en"]] for c in channels])
    aliases = {("*", normalise_label(v), c["code"]) for c in channels for v in (c["code"], c["label_nl"], c["label_en"])}
    aliases |= {(a["source"], normalise_label(a["alias"]), a["channel_code"]) for a in _rows("channel_aliases.csv")}
    con.executemany("INSERT OR REPLACE INTO channel_aliases VALUES (?, ?, ?)", sorted(aliases))


def _ensure_statuses(con):
    statuses = _rows("statuses.csv")
    con.executemany("INSERT OR REPLACE INTO statuses VALUES (?, ?, ?, ?)",
                    [[s["code"], s["label_nl"], s["label_en"], s["status_class"]] for s in statuses])
    aliases = {("*", normalise_label(v), s["code"]) for s in statuses for v in (s["code"], s["label_nl"], s["label_en"])}
    aliases |= {(a["source"], normalise_label(a["alias"]), a["status_code"]) for a in _rows("status_aliases.csv")}
    con.executemany("INSERT OR REPLACE INTO status_aliases VALUES (?, ?, ?)", sorted(aliases))


def _area_row(feature: dict, level: str, parent: str | None) -> list:
    geometry = shapely.geometry.shape(feature["geometry"])
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    return [feature["properties"]["code"], area_name(feature["properties"]["naam"]), level, parent,
            json.dumps(feature["geometry"]), min_lat, min_lon, max_lat, max_lon]


def _ensure_areas(con):
    municipality = _features(MUNICIPALITY_FILE)[0]
    rows = [_area_row(municipality, "municipality", None)]
    rows += [_area_row(f, "submunicipality", municipality["properties"]["code"])
             for f in _features(SUBMUNICIPALITY_FILE)]
    con.executemany("INSERT OR REPLACE INTO areas VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def police_zone_bbox() -> tuple[float, float, float, float]:
    """(west, south, east, north) of police zone AMOW: Asse, Merchtem, Opwijk, Wemmel."""
    union = shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in _features(POLICE_ZONE_FILE)])
    return tuple(round(v, 6) for v in union.bounds)


def _ensure_settings(con):
    defaults = {
        "territory_bbox": ",".join(str(v) for v in police_zone_bbox()),
        "territory_name": "politiezone AMOW (Asse, Merchtem, Opwijk, Wemmel)",
        "municipality": "Asse",
        "max_speed_kmh": "130",
    }
    for key, value in defaults.items():
        con.execute("INSERT OR IGNORE INTO settings VALUES (?, ?)", [key, value])


def setting(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    rows = con.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchall()
    return rows[0][0] if rows else None
