"""One municipality of a police zone: what the zone's figures become when a pack is made for it alone.

The zone's hot-spot run, its defined hot spots and the dosage per hot spot are computed once for the
whole zone (a cluster across a municipal border is found once); a municipality's view keeps the ones
whose centre lies in its outline (with the territory's tolerance), and the dosage shares are taken
again over the hot spots kept, so they add up to 1 within the municipality as they do in the zone.
Counts of reports are narrowed by `Filters(area=nis)` in analytics.compstat, not here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import shapely

from civ import territory
from civ.errors import UnusableInput


@dataclass
class MunicipalityScope:
    nis: str
    name: str
    area_codes: frozenset[str]  # its areas (deelgemeenten or the centre's own areas within it)
    outline: territory.Outline

    def contains(self, lat, lon) -> np.ndarray:
        return self.outline.contains(lat, lon)


def scope_of(con: duckdb.DuckDBPyConnection, nis: str) -> MunicipalityScope:
    """The municipality `nis` of the store's territory; UnusableInput naming the territory's codes otherwise."""
    nis = str(nis).strip()
    rows = dict(
        (code, (name, geometry))
        for code, name, geometry in con.execute(
            "SELECT code, name, geojson FROM areas WHERE level = 'municipality' ORDER BY code"
        ).fetchall()
    )
    if nis not in rows:
        known = ", ".join(f"{code} ({name})" for code, (name, _) in rows.items()) or "geen: stel het grondgebied in"
        raise UnusableInput(f"gemeente {nis} hoort niet bij het grondgebied; kies uit {known}")
    name, geometry = rows[nis]
    areas = frozenset(
        code
        for (code,) in con.execute(
            "SELECT code FROM areas WHERE level = 'submunicipality' AND parent_code = ?", [nis]
        ).fetchall()
    )
    return MunicipalityScope(nis, name, areas, territory.Outline(shapely.geometry.shape(json.loads(geometry))))


def points_within(frame: pd.DataFrame, scope: MunicipalityScope, lat: str = "lat", lon: str = "lon") -> pd.DataFrame:
    """The rows of `frame` whose point lies in the municipality (outline plus tolerance)."""
    if frame.empty:
        return frame
    inside = scope.contains(frame[lat].to_numpy(dtype=float), frame[lon].to_numpy(dtype=float))
    return frame[inside].reset_index(drop=True)


def dosage_within(frame: pd.DataFrame, scope: MunicipalityScope) -> pd.DataFrame:
    """analytics.coverage.dosage.hotspot_dosage restricted to the municipality's defined hot spots, with
    `demand_share`, `dosage_share` and `gap` taken over those hot spots only (same order rule)."""
    kept = points_within(frame, scope)
    if kept.empty:
        return kept
    kept = kept.copy()
    kept["demand_share"] = kept["reports"] / max(int(kept["reports"].sum()), 1)
    kept["dosage_share"] = kept["minutes"] / max(float(kept["minutes"].sum()), 1e-9)
    kept["gap"] = kept["demand_share"] - kept["dosage_share"]
    return kept.sort_values(["gap", "name"], ascending=[False, True]).reset_index(drop=True)


def geography_within(geography: dict, scope: MunicipalityScope) -> dict:
    """The pack's map layers ({'municipality', 'areas', 'hotspots'} FeatureCollections) for the
    municipality: its outline, its areas, the defined hot spots whose centre lies in it. The maps are
    framed by what they draw, so this is also the frame."""

    def kept(collection: dict, keep) -> dict:
        return {**collection, "features": [f for f in collection["features"] if keep(f)]}

    def centre_inside(feature: dict) -> bool:
        point = shapely.geometry.shape(feature["geometry"]).centroid
        return bool(scope.contains([point.y], [point.x])[0])

    return {
        **geography,
        "municipality": kept(geography["municipality"], lambda f: f["properties"]["code"] == scope.nis),
        "areas": kept(geography["areas"], lambda f: f["properties"]["code"] in scope.area_codes),
        "hotspots": kept(geography["hotspots"], centre_inside),
    }
