"""The demo's map of Asse: real sub-municipality boundaries, invented but plausible places on them.

The boundaries are the real Statbel ones (assets/geo). The places (hot spots, the 13 Pro?bleembox
mailboxes, the wardens' office, village centres) are demo choices: near where such places are in
Asse, each checked to lie inside the sub-municipality it is named after (`check_places`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely
import shapely.geometry

from civ.geometry import METRES_PER_DEGREE_LAT, metres_per_degree_lon
from civ.reference import area_name

# The demo's own boundaries (Statbel, as they were when the demo was made): the scenario's places
# were chosen on them. The store's territory is the shipped Statbel file (civ/territory.py).
SUBMUNICIPALITY_FILE = Path(__file__).resolve().parents[2] / "assets" / "geo" / "asse-submunicipalities-wgs84.geojson"

# Local flat-earth frame around Asse: metres per degree. Errors stay below 0.1 % over 10 km,
# far under GPS noise, and keep every distance computation a vectorised multiply.
LAT0 = 50.905
M_PER_DEG_LAT = METRES_PER_DEGREE_LAT
M_PER_DEG_LON = metres_per_degree_lon(LAT0)


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    polygon: shapely.Polygon


@lru_cache(maxsize=1)
def areas() -> tuple[Area, ...]:
    features = json.loads(SUBMUNICIPALITY_FILE.read_text(encoding="utf-8"))["features"]
    result = []
    for feature in sorted(features, key=lambda f: f["properties"]["code"]):
        polygon = shapely.geometry.shape(feature["geometry"])
        shapely.prepare(polygon)
        result.append(Area(feature["properties"]["code"], area_name(feature["properties"]["naam"]), polygon))
    return tuple(result)


def area_index(name: str) -> int:
    return [a.name for a in areas()].index(name)


def area_of(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Index into areas() of the sub-municipality holding each point; -1 outside Asse."""
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    result = np.full(lat.shape, -1, dtype=np.int64)
    for index, area in enumerate(areas()):
        inside = shapely.contains_xy(area.polygon, lon, lat)
        result[inside & (result < 0)] = index
    return result


def distance_m(lat1, lon1, lat2, lon2) -> np.ndarray:
    return np.hypot((np.asarray(lat2) - lat1) * M_PER_DEG_LAT, (np.asarray(lon2) - lon1) * M_PER_DEG_LON)


def metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """distance_m for plain floats: the route planner calls it hundreds of thousands of times."""
    return math.hypot((lat2 - lat1) * M_PER_DEG_LAT, (lon2 - lon1) * M_PER_DEG_LON)


def offset(lat, lon, north_m, east_m):
    return lat + north_m / M_PER_DEG_LAT, lon + east_m / M_PER_DEG_LON


@lru_cache(maxsize=1)
def _asse() -> shapely.Geometry:
    union = shapely.union_all([a.polygon for a in areas()]).buffer(0)
    shapely.prepare(union)
    return union


def inside_asse(lat: float, lon: float) -> bool:
    return bool(shapely.contains_xy(_asse(), lon, lat))


@lru_cache(maxsize=1)
def _asse_and_its_border_streets() -> shapely.Geometry:
    # about 30-45 m beyond the border: a street along it still counts as walking inside (the loader
    # allows 100 m; the rest is room for the GPS error)
    widened = _asse().buffer(0.0004)
    shapely.prepare(widened)
    return widened


def path_inside(points: list[tuple[float, float]], step_m: float = 25.0) -> bool:
    """Whether the straight pieces between `points` (lat, lon) stay inside Asse or on a street along its
    border, looked at every `step_m`."""
    for (lat1, lon1), (lat2, lon2) in zip(points, points[1:]):
        n = max(2, int(metres(lat1, lon1, lat2, lon2) / step_m) + 1)
        lon, lat = np.linspace(lon1, lon2, n), np.linspace(lat1, lat2, n)
        if not shapely.contains_xy(_asse_and_its_border_streets(), lon, lat).all():
            return False
    return True


def walk_inside(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of a route that cuts across a bend of Asse's border follow the border there instead
    (the nearest point on it): the loader refuses fixes outside the territory, and a demo warden works
    inside it. The border moves continuously, so no jump appears where a route leaves and re-enters."""
    lat, lon = np.asarray(lat, dtype=float).copy(), np.asarray(lon, dtype=float).copy()
    outside = np.flatnonzero(~shapely.contains_xy(_asse(), lon, lat))
    if outside.size:
        border = _asse().boundary
        points = shapely.points(lon[outside], lat[outside])
        on_border = shapely.line_interpolate_point(border, shapely.line_locate_point(border, points))
        lon[outside], lat[outside] = shapely.get_x(on_border), shapely.get_y(on_border)
    return lat, lon


MIN_SPIKE_M = 2500.0  # at a fix every 10-60 s, still far beyond any warden's speed


def spikes_inside(lat, lon, jump_m, angle):
    """Receiver errors thrown `jump_m` along `angle` that land inside Asse: the loader refuses a fix
    outside the territory, so a spike meant to show the outlier flag must stay in. Where the drawn
    throw leaves Asse, the eight compass turns of it, then half the distance (not below MIN_SPIKE_M),
    are tried in turn, without drawing again: the rest of the demo stays as its seed makes it.
    Returns (lat, lon, jump_m) as arrays; a spike with no landing inside keeps its drawn place."""
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    out_lat, out_lon, out_jump = lat.copy(), lon.copy(), np.asarray(jump_m, dtype=float).copy()
    for i, (la, lo, jump, turn) in enumerate(zip(lat, lon, out_jump, angle)):
        tries = [
            (distance, turn + k * np.pi / 4)
            for distance in (jump, max(jump / 2, MIN_SPIKE_M), MIN_SPIKE_M)
            for k in range(8)
        ]
        for distance, direction in tries:
            north, east = offset(la, lo, distance * np.cos(direction), distance * np.sin(direction))
            if inside_asse(north, east):
                out_lat[i], out_lon[i], out_jump[i] = north, east, distance
                break
        else:
            out_lat[i], out_lon[i] = offset(la, lo, jump * np.cos(turn), jump * np.sin(turn))
    return out_lat, out_lon, out_jump


def sample_near(
    rng: np.random.Generator,
    area_idx: np.ndarray,
    centre_lat: np.ndarray,
    centre_lon: np.ndarray,
    sigma_m: np.ndarray,
    max_radius_m: np.ndarray | None = None,
):
    """Gaussian points around each centre that fall inside the given sub-municipality.

    Rejected draws are redrawn (vectorised); the few that never land inside after many tries
    (a centre near a border with a wide sigma) fall back to uniform points in the area.
    """
    n = len(area_idx)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    todo = np.arange(n)
    sigma_m = np.broadcast_to(np.asarray(sigma_m, dtype=float), (n,))
    limit = None if max_radius_m is None else np.broadcast_to(np.asarray(max_radius_m, dtype=float), (n,))
    for _ in range(60):
        if todo.size == 0:
            break
        north = rng.normal(0.0, sigma_m[todo])
        east = rng.normal(0.0, sigma_m[todo])
        if limit is not None:
            # radial clip keeps a planted cluster inside its stated footprint
            r = np.hypot(north, east)
            scale = np.where(r > limit[todo], limit[todo] / np.maximum(r, 1e-9) * rng.uniform(0.3, 1.0, todo.size), 1.0)
            north, east = north * scale, east * scale
        cand_lat, cand_lon = offset(centre_lat[todo], centre_lon[todo], north, east)
        ok = area_of(cand_lat, cand_lon) == area_idx[todo]
        lat[todo[ok]] = cand_lat[ok]
        lon[todo[ok]] = cand_lon[ok]
        todo = todo[~ok]
    if todo.size:
        lat[todo], lon[todo] = sample_uniform(rng, area_idx[todo])
    return lat, lon


def sample_uniform(rng: np.random.Generator, area_idx: np.ndarray):
    """Uniform points inside each point's sub-municipality (rejection in its bounding box)."""
    n = len(area_idx)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    for index, area in enumerate(areas()):
        wanted = np.flatnonzero(area_idx == index)
        min_lon, min_lat, max_lon, max_lat = area.polygon.bounds
        while wanted.size:
            cand_lon = rng.uniform(min_lon, max_lon, wanted.size * 3)
            cand_lat = rng.uniform(min_lat, max_lat, wanted.size * 3)
            ok = np.flatnonzero(shapely.contains_xy(area.polygon, cand_lon, cand_lat))[: wanted.size]
            lat[wanted[: ok.size]] = cand_lat[ok]
            lon[wanted[: ok.size]] = cand_lon[ok]
            wanted = wanted[ok.size :]
    return lat, lon


@dataclass(frozen=True)
class HotSpot:
    """A defined hot spot as the CIV would list it; `visit_chance` is the share of day shifts
    in which a warden plans a stop there (0 = never: the coverage gap the demo must show)."""

    name: str
    kind: str
    area: str
    lat: float
    lon: float
    radius_m: float
    visit_chance: float
    polygon_m: tuple[tuple[float, float], ...] = field(default=())  # (east, north) corners, metres

    def geometry(self) -> dict:
        if not self.polygon_m:
            return {"type": "Point", "coordinates": [round(self.lon, 6), round(self.lat, 6)]}
        ring = [offset(self.lat, self.lon, north, east) for east, north in self.polygon_m]
        ring.append(ring[0])
        return {"type": "Polygon", "coordinates": [[[round(float(lo), 6), round(float(la), 6)] for la, lo in ring]]}


def _rectangle(width_m: float, height_m: float, angle_deg: float) -> tuple[tuple[float, float], ...]:
    a = math.radians(angle_deg)
    corners = [
        (-width_m / 2, -height_m / 2),
        (width_m / 2, -height_m / 2),
        (width_m / 2, height_m / 2),
        (-width_m / 2, height_m / 2),
    ]
    return tuple(
        (round(x * math.cos(a) - y * math.sin(a), 1), round(x * math.sin(a) + y * math.cos(a), 1)) for x, y in corners
    )


HOTSPOTS: tuple[HotSpot, ...] = (
    HotSpot("Station Asse", "station", "Asse", 50.9114, 4.2035, 150, 0.55),
    HotSpot("Gemeenteplein Asse", "plein", "Asse", 50.9105, 4.1985, 120, 0.55),
    HotSpot("Gemeentepark Asse", "park", "Asse", 50.9082, 4.2012, 110, 0.45, _rectangle(200, 130, 20)),
    HotSpot("Schoolomgeving Asse-centrum", "school", "Asse", 50.9135, 4.1950, 100, 0.30),
    HotSpot("Sportcentrum Asse", "sport", "Asse", 50.9058, 4.1898, 140, 0.15, _rectangle(240, 160, -10)),
    HotSpot("Station Zellik", "station", "Zellik", 50.8903, 4.2750, 120, 0.45),
    HotSpot("Dorpsplein Zellik", "plein", "Zellik", 50.8878, 4.2772, 100, 0.35),
    HotSpot("Glasbolsite Zellik", "glasbol", "Zellik", 50.8830, 4.2650, 60, 0.20),
    HotSpot("Glasbolsite Mollem", "glasbol", "Mollem", 50.9270, 4.2260, 60, 0.15),
    HotSpot("Kerkplein Mollem", "plein", "Mollem", 50.9305, 4.2195, 100, 0.15),
    HotSpot("Glasbolsite Kobbegem", "glasbol", "Kobbegem", 50.9060, 4.2540, 60, 0.02),
    HotSpot("Dorpsplein Bekkerzeel", "plein", "Bekkerzeel", 50.8837, 4.2390, 100, 0.015),
    HotSpot("Schoolomgeving Relegem", "school", "Relegem", 50.9050, 4.2830, 100, 0.0),
)


def hotspot(name: str) -> HotSpot:
    return next(h for h in HOTSPOTS if h.name == name)


@dataclass(frozen=True)
class Place:
    name: str
    area: str
    lat: float
    lon: float


# The 13 street mailboxes, numbered as the channel text carries them ("Pro?bleembox 07").
# Kept at least 200 m from every defined hot spot, so a mailbox stop never counts as a hot-spot visit.
PROBLEEMBOXES: tuple[Place, ...] = (
    Place("01", "Asse", 50.8980, 4.2100),  # Kalkoven
    Place("02", "Asse", 50.9230, 4.1890),  # Walfergem
    Place("03", "Asse", 50.9200, 4.1700),  # Krokegem
    Place("04", "Asse", 50.9165, 4.2010),  # centrum-noord
    Place("05", "Asse", 50.9010, 4.1800),  # Bloemendal
    Place("06", "Mollem", 50.9335, 4.2160),  # station Mollem
    Place("07", "Mollem", 50.9225, 4.2310),
    Place("08", "Kobbegem", 50.9095, 4.2505),  # kerk
    Place("09", "Kobbegem", 50.9140, 4.2450),
    Place("10", "Relegem", 50.8995, 4.2780),  # kerk
    Place("11", "Zellik", 50.8950, 4.2650),
    Place("12", "Zellik", 50.8800, 4.2800),
    Place("13", "Bekkerzeel", 50.8872, 4.2330),
)

# Where the wardens start and end their shift: the CIV sits in the police station of Zellik.
OFFICE = Place("Politiekantoor Zellik", "Zellik", 50.8862, 4.2712)

# Residential cores: (lat, lon, sigma_m, weight within the area). Reports cluster where people live.
VILLAGE_CORES: dict[str, tuple[tuple[float, float, float, float], ...]] = {
    "Asse": (
        (50.9105, 4.1990, 700, 0.50),
        (50.9230, 4.1890, 450, 0.15),
        (50.9200, 4.1700, 450, 0.10),
        (50.8980, 4.2100, 450, 0.15),
        (50.9010, 4.1800, 450, 0.10),
    ),
    "Mollem": ((50.9310, 4.2190, 600, 1.0),),
    "Kobbegem": ((50.9095, 4.2505, 550, 1.0),),
    "Relegem": ((50.9005, 4.2790, 500, 1.0),),
    "Zellik": ((50.8885, 4.2745, 650, 0.70), (50.8800, 4.2800, 450, 0.30)),
    "Bekkerzeel": ((50.8850, 4.2380, 450, 1.0),),
}

# The village centres a walk goes by when no straight or L-shaped way between two places stays inside Asse.
CENTRES = tuple(cores[0][:2] for cores in VILLAGE_CORES.values())

# Share of the reports with a location per sub-municipality (roughly its share of inhabitants).
AREA_WEIGHTS = {"Asse": 0.42, "Zellik": 0.27, "Mollem": 0.10, "Kobbegem": 0.08, "Relegem": 0.07, "Bekkerzeel": 0.06}


def check_places() -> list[str]:
    """Every place inside its named sub-municipality, mailboxes away from hot spots; returns problems."""
    problems = []
    named = [(h.name, h.area, h.lat, h.lon) for h in HOTSPOTS]
    named += [(f"Pro?bleembox {p.name}", p.area, p.lat, p.lon) for p in PROBLEEMBOXES]
    named.append((OFFICE.name, OFFICE.area, OFFICE.lat, OFFICE.lon))
    for name, area, lat, lon in named:
        index = int(area_of(np.array([lat]), np.array([lon]))[0])
        if index < 0 or areas()[index].name != area:
            problems.append(f"{name} ligt niet in {area}")
    for h in HOTSPOTS:
        if h.polygon_m:
            polygon = shapely.geometry.shape(h.geometry())
            if not areas()[area_index(h.area)].polygon.contains(polygon):
                problems.append(f"{h.name}: polygoon niet volledig in {h.area}")
    for box in PROBLEEMBOXES:
        for h in HOTSPOTS:
            if distance_m(box.lat, box.lon, h.lat, h.lon) < h.radius_m + 100:
                problems.append(f"Pro?bleembox {box.name} te dicht bij {h.name}")
    return problems
