"""The territory: the municipalities a centre (or a police zone) works for, their areas, outline and name.

It is data in the store, never code: `python -m etl territory set --nis 23052` (or the set-up page)
picks municipalities from Statbel's boundaries shipped in assets/geo/ (all 304 municipalities and 1,119
deelgemeenten of Flanders and Brussels); `python -m etl areas load FILE` replaces the deelgemeenten
by a centre's own areas (wijken, police districts). Either way every stored report gets its area again,
in the same transaction, and the change is audited.

Settings it keeps (table `settings`): `territory_nis` (comma-separated NIS codes), `territory_name`
(what the app and pack call the organisation), `territory_bbox` (W,S,E,N), `territory_outline` (GeoJSON,
WGS84), `territory_source` (the boundary source, for the map attribution), `areas_source`.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import duckdb
import numpy as np
import shapely
import shapely.geometry

from civ import accounts, store
from civ.errors import UnusableInput

BOUNDARIES_FILE = Path(__file__).resolve().parents[1] / "assets" / "geo" / "flanders-brussels-boundaries.geojson.gz"
STATBEL_SOURCE = "Statbel (Algemene Directie Statistiek), statistische sectoren 2025"
STATBEL_AREAS = "statbel-deelgemeenten"  # setting `areas_source` when the areas are Statbel's deelgemeenten
# A point this close outside the outline still belongs to the territory: a report on the border
# street, GPS noise, and the few metres the shipped outlines were simplified by.
TOLERANCE_M = 100.0
# A file's located points propose a territory (when none is set) from the municipalities holding at
# least this share of them: a few stray points in a neighbour do not make it part of the territory.
PROPOSAL_MIN_SHARE = 0.01
PROPOSAL_SAMPLE = 20_000  # points looked at, evenly spread over the file: enough to name the municipalities
M_PER_DEG = 111_320.0


@lru_cache(maxsize=1)
def boundaries() -> dict[str, dict]:
    """NIS code -> feature of the shipped Statbel boundaries (municipalities and deelgemeenten)."""
    with gzip.open(BOUNDARIES_FILE, "rt", encoding="utf-8") as handle:
        collection = json.load(handle)
    return {f["properties"]["nis"]: f for f in collection["features"]}


def municipalities() -> list[dict]:
    """[{nis, name}] of every shipped municipality, by name: the set-up page's list."""
    return sorted(
        (
            {"nis": nis, "name": f["properties"]["name"]}
            for nis, f in boundaries().items()
            if f["properties"]["level"] == "municipality"
        ),
        key=lambda m: (m["name"], m["nis"]),
    )


def deelgemeenten(nis: str) -> list[dict]:
    return sorted(
        (
            f
            for f in boundaries().values()
            if f["properties"]["level"] == "submunicipality" and f["properties"]["parent"] == nis
        ),
        key=lambda f: f["properties"]["nis"],
    )


@dataclass
class Outline:
    """The territory's outline widened by `tolerance_m`, tested in a local metric frame (vectorised)."""

    geometry: shapely.Geometry  # WGS84
    tolerance_m: float = TOLERANCE_M
    _frame: tuple = field(init=False, repr=False)

    def __post_init__(self):
        lat0 = (self.geometry.bounds[1] + self.geometry.bounds[3]) / 2
        scale_x = M_PER_DEG * math.cos(math.radians(lat0))
        local = shapely.transform(self.geometry, lambda xy: xy * [scale_x, M_PER_DEG])
        widened = local.buffer(self.tolerance_m)
        shapely.prepare(widened)
        self._frame = (scale_x, widened)

    def widened_bounds(self) -> tuple[float, float, float, float]:
        """(W, S, E, N) in degrees of the outline with its tolerance."""
        scale_x, widened = self._frame
        west, south, east, north = widened.bounds
        return west / scale_x, south / M_PER_DEG, east / scale_x, north / M_PER_DEG

    def contains(self, lat, lon) -> np.ndarray:
        scale_x, widened = self._frame
        lat = np.asarray(lat, dtype=float)
        lon = np.asarray(lon, dtype=float)
        return shapely.contains_xy(widened, lon * scale_x, lat * M_PER_DEG)


@dataclass
class Territory:
    name: str
    municipalities: list[dict]  # [{nis, name}]
    areas: list[dict]  # [{code, name, municipality}]
    bbox: list[float]  # [W, S, E, N]
    source: str
    outline: Outline | None = None

    @property
    def place(self) -> str:
        """The territory as a place: 'Merchtem'; a zone: 'Merchtem, Opwijk en Wemmel'."""
        return _joined([m["name"] for m in self.municipalities])

    def as_json(self) -> dict:
        return {"name": self.name, "municipalities": self.municipalities, "areas": self.areas, "bbox": self.bbox}


def setting(con, key: str) -> str | None:
    rows = con.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchall()
    return rows[0][0] if rows else None


def is_set(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(setting(con, "territory_nis"))


def current(con: duckdb.DuckDBPyConnection) -> Territory | None:
    """The store's territory, None before `territory set`."""
    codes = setting(con, "territory_nis")
    if not codes:
        return None
    rows = con.execute("SELECT code, name, level, parent_code FROM areas ORDER BY level, code").fetchall()
    names = {code: name for code, name, _level, _parent in rows}
    outline_text = setting(con, "territory_outline")
    return Territory(
        name=setting(con, "territory_name") or "",
        municipalities=[{"nis": nis, "name": names.get(nis, nis)} for nis in codes.split(",")],
        areas=[
            {"code": code, "name": name, "municipality": parent}
            for code, name, level, parent in rows
            if level == "submunicipality"
        ],
        bbox=[float(v) for v in (setting(con, "territory_bbox") or "0,0,0,0").split(",")],
        source=setting(con, "territory_source") or STATBEL_SOURCE,
        outline=Outline(shapely.geometry.shape(json.loads(outline_text))) if outline_text else None,
    )


def display_name(con: duckdb.DuckDBPyConnection) -> str:
    """What pages, titles and the pack call the organisation: 'CIV Merchtem'; '' before set-up."""
    return setting(con, "territory_name") or ""


def place_name(con: duckdb.DuckDBPyConnection) -> str:
    """The territory as a place: 'Merchtem'; a zone: 'Merchtem, Opwijk en Wemmel'."""
    codes = (setting(con, "territory_nis") or "").split(",")
    rows = dict(con.execute("SELECT code, name FROM areas WHERE level = 'municipality'").fetchall())
    return _joined([rows.get(nis, nis) for nis in codes if nis])


def boundary_source(con: duckdb.DuckDBPyConnection) -> str:
    """The source of the boundaries a map draws, for its attribution: Statbel's, plus the file of a
    centre's own areas when they replace the deelgemeenten ('Statbel (…) + wijken.geojson')."""
    source = setting(con, "territory_source") or STATBEL_SOURCE
    areas = setting(con, "areas_source")
    return f"{source} + {areas}" if areas and areas != STATBEL_AREAS else source


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1] if names else ""


def default_name(names: list[str]) -> str:
    return "CIV " + _joined(names)


# ---------------------------------------------------------------------------------------------
# Changing the territory


def _checked_codes(nis_codes: list[str]) -> list[dict]:
    known = boundaries()
    features, unknown = [], []
    for nis in dict.fromkeys(str(c).strip() for c in nis_codes):
        feature = known.get(nis)
        if feature is None or feature["properties"]["level"] != "municipality":
            unknown.append(nis)
        else:
            features.append(feature)
    if unknown:
        raise UnusableInput(
            f"onbekende NIS-code(s) {', '.join(unknown)}: geen gemeente van Vlaanderen of Brussel "
            "(bv. 23052 voor Merchtem; de lijst: python -m etl territory list)"
        )
    if not features:
        raise UnusableInput("geef minstens één gemeente: --nis CODE")
    return features


def _area_rows(features: list[dict], level: str, parent_of) -> list[list]:
    rows = []
    for feature in features:
        geometry = shapely.geometry.shape(feature["geometry"])
        min_lon, min_lat, max_lon, max_lat = geometry.bounds
        rows.append(
            [
                feature["properties"]["code"],
                feature["properties"]["name"],
                level,
                parent_of(feature),
                json.dumps(feature["geometry"], separators=(",", ":")),
                min_lat,
                min_lon,
                max_lat,
                max_lon,
            ]
        )
    return rows


def _as_area(feature: dict) -> dict:
    return {
        "type": "Feature",
        "geometry": feature["geometry"],
        "properties": {
            "code": feature["properties"]["nis"],
            "name": feature["properties"]["name"],
            "parent": feature["properties"]["parent"],
        },
    }


def set_territory(db: str | os.PathLike, nis_codes: list[str], name: str | None = None, by: str | None = None) -> dict:
    """Make the store's territory these municipalities, with their deelgemeenten as areas.

    Unknown codes raise UnusableInput before anything is opened. Returns the summary the CLI prints."""
    municipality_features, areas, name = _statbel_change(nis_codes, name)
    codes = ", ".join(f["properties"]["code"] for f in municipality_features)
    return apply_change(
        db,
        municipality_features,
        areas,
        name,
        STATBEL_SOURCE,
        STATBEL_AREAS,
        by,
        "territory_set",
        f"{name}: {codes}",
    )


def apply_in(
    con: duckdb.DuckDBPyConnection,
    municipality_features: list[dict],
    area_features: list[dict],
    name: str,
    source: str,
    areas_source: str,
) -> dict:
    """The change itself, in the caller's open transaction: areas, settings, every report's area."""
    outline = shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in municipality_features])
    west, south, east, north = (round(v, 6) for v in outline.bounds)
    con.execute("DELETE FROM areas")
    rows = _area_rows(municipality_features, "municipality", lambda f: None)
    rows += _area_rows(area_features, "submunicipality", lambda f: f["properties"].get("parent"))
    con.executemany("INSERT INTO areas VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    settings = {
        "territory_nis": ",".join(f["properties"]["code"] for f in municipality_features),
        "territory_name": name,
        "territory_bbox": f"{west},{south},{east},{north}",
        "territory_outline": shapely.to_geojson(outline.simplify(0.00005)),
        "territory_source": source,
        "areas_source": areas_source,
        # read by code from before the territory existed (the pack's cover)
        "municipality": _joined([f["properties"]["name"] for f in municipality_features]),
    }
    con.executemany("INSERT OR REPLACE INTO settings VALUES (?, ?)", list(settings.items()))
    return reassign_reports(con)


def apply_change(db, municipality_features, area_features, name, source, areas_source, by, event, detail) -> dict:
    started = time.perf_counter()
    with store.long_write(db) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            counts = apply_in(con, municipality_features, area_features, name, source, areas_source)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        summary = current(con).as_json()
    accounts.audit(db, by, event, f"{detail}; {sum(counts.values())} meldingen opnieuw toegewezen")
    summary["reports_by_area"] = counts
    summary["seconds"] = round(time.perf_counter() - started, 2)
    return summary


def area_codes_of(con: duckdb.DuckDBPyConnection, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """The area (level submunicipality) holding each point, else the nearest within TOLERANCE_M; None outside."""
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    rows = con.execute("SELECT code, geojson FROM areas WHERE level = 'submunicipality' ORDER BY code").fetchall()
    codes = np.full(len(lat), None, dtype=object)
    if not rows or not len(lat):
        return codes
    polygons = [shapely.geometry.shape(json.loads(g)) for _, g in rows]
    labels = np.array([c for c, _ in rows], dtype=object)
    # prepared polygons, one vectorised test each (faster than a tree query for a few dozen areas);
    # in code order, so the lowest area code wins a point on a shared border: the same answer every time
    for code, polygon in zip(labels, polygons):
        west, south, east, north = polygon.bounds
        candidates = np.flatnonzero((codes == None) & (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north))
        if len(candidates):
            shapely.prepare(polygon)
            codes[candidates[shapely.contains_xy(polygon, lon[candidates], lat[candidates])]] = code
    # between two simplified outlines there are slivers of a few metres: the nearest area then
    missing = np.flatnonzero(codes == None)
    if len(missing):
        max_degrees = TOLERANCE_M / (M_PER_DEG * math.cos(math.radians(float(np.nanmean(lat[missing])))))
        near_point, near_polygon = shapely.STRtree(polygons).query_nearest(
            shapely.points(lon[missing], lat[missing]), max_distance=max_degrees, all_matches=False
        )
        codes[missing[near_point]] = labels[near_polygon]
    return codes


def reassign_reports(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Every located report gets the area its point lies in; reports without a place keep a named area
    only when it still exists. Returns {area code or '': reports}."""
    located = con.execute("SELECT source, source_id, lat, lon FROM reports WHERE lat IS NOT NULL").df()
    located["area_code"] = area_codes_of(con, located["lat"].to_numpy(), located["lon"].to_numpy())
    con.execute("CREATE OR REPLACE TEMP TABLE new_area (source VARCHAR, source_id VARCHAR, area_code VARCHAR)")
    con.register("new_area_frame", located[["source", "source_id", "area_code"]])
    con.execute("INSERT INTO new_area SELECT * FROM new_area_frame")
    con.unregister("new_area_frame")
    con.execute("""UPDATE reports SET area_code = n.area_code FROM new_area n
                   WHERE reports.source = n.source AND reports.source_id = n.source_id""")
    con.execute("""UPDATE reports SET area_code = NULL
                   WHERE lat IS NULL AND area_code IS NOT NULL
                     AND area_code NOT IN (SELECT code FROM areas WHERE level = 'submunicipality')""")
    con.execute("DROP TABLE new_area")
    return {
        code or "": n
        for code, n in con.execute(
            "SELECT area_code, count(*) FROM reports GROUP BY area_code ORDER BY area_code NULLS FIRST"
        ).fetchall()
    }


def require(con: duckdb.DuckDBPyConnection, lat=None, lon=None) -> Territory:
    """The territory a loader checks against. Before any `territory set` a load is refused (never a
    territory guessed in silence): UnusableInput with the command to run, and, when the file's located
    points (`lat`, `lon`) lie in shipped municipalities, those NIS codes in it."""
    found = current(con)
    if found is not None:
        return found
    raise UnusableInput(missing_message(lat, lon))


def missing_message(lat=None, lon=None) -> str:
    """'stel eerst het grondgebied in: python -m etl territory set --nis …', with the NIS codes the
    points propose (most points first) when there are any."""
    proposal = proposed_municipalities(lat, lon) if lat is not None and lon is not None else []
    if not proposal:
        return (
            "stel eerst het grondgebied in: python -m etl territory set --nis CODE "
            "(de NIS-code van de gemeente, bv. 23052; de lijst: python -m etl territory list)"
        )
    flags = " ".join(f"--nis {p['nis']}" for p in proposal)
    where = _joined([f"{p['name']} ({p['nis']}, {p['points']} punten)" for p in proposal])
    return (
        f"stel eerst het grondgebied in: python -m etl territory set {flags} "
        f"(de gelokaliseerde rijen van dit bestand liggen in {where})"
    )


@lru_cache(maxsize=1)
def _municipality_tree() -> tuple[shapely.STRtree, list[dict]]:
    features = [f for f in boundaries().values() if f["properties"]["level"] == "municipality"]
    return shapely.STRtree([shapely.geometry.shape(f["geometry"]) for f in features]), features


def proposed_municipalities(lat, lon, min_share: float = PROPOSAL_MIN_SHARE) -> list[dict]:
    """[{nis, name, points}] of the shipped municipalities holding at least `min_share` of the located
    points (a sample of at most PROPOSAL_SAMPLE of them), most points first."""
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    present = np.flatnonzero(~(np.isnan(lat) | np.isnan(lon)))
    if not len(present):
        return []
    sample = present[np.linspace(0, len(present) - 1, min(len(present), PROPOSAL_SAMPLE)).astype(int)]
    tree, features = _municipality_tree()
    _points, holders = tree.query(shapely.points(lon[sample], lat[sample]), predicate="within")
    if not len(holders):
        return []
    counts = np.bincount(holders, minlength=len(features))
    chosen = [i for i in np.argsort(-counts, kind="stable") if counts[i] and counts[i] >= min_share * len(sample)]
    return [
        {
            "nis": features[i]["properties"]["nis"],
            "name": features[i]["properties"]["name"],
            "points": int(round(counts[i] * len(present) / len(sample))),  # the sample's count, scaled up
        }
        for i in chosen
    ]


def _statbel_change(nis_codes: list[str], name: str | None) -> tuple[list[dict], list[dict], str]:
    features = _checked_codes(nis_codes)
    areas = [_as_area(f) for m in features for f in deelgemeenten(m["properties"]["nis"])]
    name = (name or "").strip() or default_name([f["properties"]["name"] for f in features])
    return [_as_area(f) for f in features], areas, name


def upgrade_older_store(con: duckdb.DuckDBPyConnection) -> None:
    """A store made before the territory was data held one municipality's areas: that is its territory."""
    if is_set(con):
        return
    codes = [c for (c,) in con.execute("SELECT code FROM areas WHERE level = 'municipality' ORDER BY code").fetchall()]
    if not codes or any(c not in boundaries() for c in codes):
        return
    municipality_features, areas, name = _statbel_change(codes, None)
    con.execute("BEGIN TRANSACTION")
    try:
        apply_in(con, municipality_features, areas, name, STATBEL_SOURCE, STATBEL_AREAS)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
