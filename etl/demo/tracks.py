"""Demo tracker data: the two wardens' shifts, routes past hot spots and mailboxes, GPS fixes.

A shift is planned as a list of knots (time, position): the office, the mailbox round by bike, stops
of 5-20 minutes at hot spots, patrol walks, back to the office. Fixes are then sampled every 10-30 s
along the knots with numpy (interpolation, correlated GPS noise), so two years of fixes take seconds.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from dataclasses import dataclass

import numpy as np

from etl.demo import geography as geo
from etl.demo.scenario import Timeline, is_working_day

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
WARDENS = ("GW-A", "GW-B")
SWAP_MONTH = 14  # GW-B's tracker is replaced in this month (validity periods)
SPARE_DEVICE = "TRK-199"  # tested once by the coordinator, never lent: no warden mapping
WALK_KMH = (4.2, 5.6)
BIKE_KMH = (12.0, 18.0)
BIKE_FROM_M = 1200  # longer legs are cycled
STOP_MINUTES = (5, 20)
BOX_STOP_MINUTES = (1, 3)
FIX_INTERVAL_S = (10, 30)
GPS_SIGMA_M = 2.5  # slowly varying error (multipath, satellites): correlated over a minute
GPS_WHITE_M = 0.8

# Hot spots the wardens seldom or never plan: their routes also keep clear of them, so the
# coverage pages show a real gap there rather than a stream of pass-throughs.
AVOID = tuple(h for h in geo.HOTSPOTS if h.visit_chance < 0.05)
AVOID_MARGIN_M = 40

# Evening shifts (summer Fridays) go where youth and noise are: hot spot -> chance of a stop.
EVENING_VISITS = {
    "Gemeentepark Asse": 0.8,
    "Station Asse": 0.7,
    "Station Zellik": 0.6,
    "Gemeenteplein Asse": 0.6,
    "Sportcentrum Asse": 0.4,
}


@dataclass
class Shift:
    warden: str
    device: str
    day: dt.date
    start_utc: int  # epoch seconds
    end_utc: int
    box_round: bool
    evening: bool


def _utc(day: dt.date, hour: int, minute: int = 0) -> int:
    return int(dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BRUSSELS).timestamp())


def iso(epoch_s: int) -> str:
    return dt.datetime.fromtimestamp(epoch_s, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def swap_moment(timeline: Timeline) -> int:
    """05:00 local on the first working day from the 10th of the swap month: before the shift."""
    day = timeline.first_day(SWAP_MONTH) + dt.timedelta(days=9)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return _utc(day, 5)


def device_rows(timeline: Timeline) -> list[dict]:
    swap = iso(swap_moment(timeline))
    return [
        {"device_id": "TRK-101", "warden": "GW-A", "valid_from": "", "valid_to": ""},
        {"device_id": "TRK-102", "warden": "GW-B", "valid_from": "", "valid_to": swap},
        {"device_id": "TRK-103", "warden": "GW-B", "valid_from": swap, "valid_to": ""},
    ]


def _absent_days(rng, timeline: Timeline, warden_index: int) -> set[dt.date]:
    """Holidays in blocks (the two wardens never both in summer) plus scattered leave and sickness."""
    absent = set()
    for year in sorted({d.year for d in timeline.days()}):
        summer = dt.date(year, 7, 8 if warden_index == 0 else 29) + dt.timedelta(days=int(rng.integers(0, 7)))
        absent |= {summer + dt.timedelta(days=k) for k in range(14)}
        other = dt.date(year, 2 if warden_index == 0 else 10, 1) + dt.timedelta(days=int(rng.integers(0, 50)))
        absent |= {other + dt.timedelta(days=k) for k in range(7)}
    absent |= {d for d in timeline.days() if rng.random() < 0.05}
    return absent


def plan_shifts(rng, timeline: Timeline) -> list[Shift]:
    swap = swap_moment(timeline)
    absent = [_absent_days(rng, timeline, i) for i in range(len(WARDENS))]
    shifts = []
    for day in timeline.days():
        if not is_working_day(day):
            continue
        present = [i for i in range(len(WARDENS)) if day not in absent[i]]
        if not present:
            continue
        evening_warden = day.isocalendar().week % 2 if day.month in (6, 7, 8) and day.weekday() == 4 else None
        day_shift = [i for i in present if i != evening_warden]
        box_warden = (day.toordinal() % 2) if (day.toordinal() % 2) in day_shift else (day_shift or [None])[0]
        for i in present:
            device = "TRK-101" if i == 0 else ("TRK-102" if _utc(day, 5) < swap else "TRK-103")
            evening = i == evening_warden
            start, end = (_utc(day, 15), _utc(day, 23)) if evening else (_utc(day, 8), _utc(day, 16))
            start += int(rng.integers(-600, 600))
            end += int(rng.integers(-900, 600))
            shifts.append(Shift(WARDENS[i], device, day, start, end, i == box_warden and not evening, evening))
    return shifts


def _box_tour() -> list[int]:
    """Nearest-neighbour tour of the 13 mailboxes from the office: the daily emptying round."""
    left = list(range(len(geo.PROBLEEMBOXES)))
    lat, lon = geo.OFFICE.lat, geo.OFFICE.lon
    tour = []
    while left:
        nearest = min(left, key=lambda b: geo.metres(lat, lon, geo.PROBLEEMBOXES[b].lat, geo.PROBLEEMBOXES[b].lon))
        tour.append(nearest)
        left.remove(nearest)
        lat, lon = geo.PROBLEEMBOXES[nearest].lat, geo.PROBLEEMBOXES[nearest].lon
    return tour


class Route:
    """Knots of one shift: times (epoch s), positions, and the speed on the segment ending there."""

    def __init__(self, rng, start: int, lat: float, lon: float, bike: bool):
        self.rng = rng
        self.t = [float(start)]
        self.lat = [lat]
        self.lon = [lon]
        self.speed = [0.0]
        self.bike = bike
        self.stops: list[tuple[str, float, float]] = []  # (hot spot, arrival, departure)

    @property
    def now(self) -> float:
        return self.t[-1]

    def _knot(self, seconds: float, lat: float, lon: float, speed_kmh: float):
        self.t.append(self.t[-1] + max(seconds, 1.0))
        self.lat.append(lat)
        self.lon.append(lon)
        self.speed.append(speed_kmh)

    def travel_seconds(self, lat: float, lon: float) -> float:
        # an L-shaped path is up to 1.4 x the straight line; plan with the worst case
        distance = geo.metres(self.lat[-1], self.lon[-1], lat, lon) * 1.4
        kmh = BIKE_KMH[0] if (self.bike or distance > BIKE_FROM_M) else WALK_KMH[0]
        return distance / (kmh / 3.6)

    def go(self, lat: float, lon: float, destination: geo.HotSpot | None = None):
        """Along two street-like legs (first north-south or east-west, by chance) to the target,
        taking the other corner (or the straight line) when one would cross an avoided hot spot.
        A warden works inside the municipality: legs that stay inside Asse's border are preferred, and
        where none does (Asse bends) the walk goes by way of a village centre."""
        straight = geo.metres(self.lat[-1], self.lon[-1], lat, lon)
        if straight < 5:
            return
        kmh = float(self.rng.uniform(*(BIKE_KMH if (self.bike or straight > BIKE_FROM_M) else WALK_KMH)))
        here = (self.lat[-1], self.lon[-1])
        flip = self.rng.random() < 0.5
        clear = self._options(here, (lat, lon), destination, flip)
        legs = next((o for o in clear if geo.path_inside([here, *o])), None)
        if legs is None and straight > 150:
            legs = self._by_way_of_a_centre(here, (lat, lon), destination, flip)
        for leg_lat, leg_lon in legs or clear[0]:
            metres = geo.metres(self.lat[-1], self.lon[-1], leg_lat, leg_lon)
            if metres >= 1:
                self._knot(metres / (kmh / 3.6), leg_lat, leg_lon, kmh)

    @staticmethod
    def _options(here, there, destination, flip: bool) -> list[list[tuple[float, float]]]:
        (lat, lon), straight = there, geo.metres(*here, *there)
        options = [[(lat, here[1]), (lat, lon)], [(here[0], lon), (lat, lon)]]
        if flip:
            options.reverse()
        options.append([(lat, lon)])
        if straight <= 150:
            options = [[(lat, lon)]]
        return [o for o in options if clear_of_avoided(here, o, destination)] or options[:1]

    def _by_way_of_a_centre(self, here, there, destination, flip: bool):
        """Legs from `here` to `there` through as few village centres as needed, each piece inside Asse
        (a breadth-first search over the centres); None when no such way exists."""

        def inside_legs(a, b, avoid_for):
            return next((o for o in self._options(a, b, avoid_for, flip) if geo.path_inside([a, *o])), None)

        paths = {here: []}
        frontier = [here]
        while frontier:
            reached = []
            for place in frontier:
                end = inside_legs(place, there, destination)
                if end is not None and place != here:
                    return paths[place] + end
                for centre in geo.CENTRES:
                    legs = None if centre in paths else inside_legs(place, centre, None)
                    if legs is not None:
                        paths[centre] = paths[place] + legs
                        reached.append(centre)
            frontier = reached
        return None

    def stay(self, seconds: float, around_m: float = 0.0):
        """Stand or stroll within `around_m` of the current place (a few slow knots)."""
        lat0, lon0 = self.lat[-1], self.lon[-1]
        pieces = int(self.rng.integers(2, 5)) if around_m > 0 else 1
        for k in range(pieces):
            if around_m > 0 and k < pieces - 1:
                north, east = self.rng.uniform(-around_m, around_m, 2).tolist()
                lat, lon = geo.offset(lat0, lon0, north, east)
                if not geo.inside_asse(lat, lon):  # a stroll at a hot spot on the border stays on our side
                    lat, lon = lat0, lon0
            else:
                lat, lon = lat0, lon0
            metres = geo.metres(self.lat[-1], self.lon[-1], lat, lon)
            self._knot(seconds / pieces, float(lat), float(lon), metres / max(seconds / pieces, 1) * 3.6)

    def visit(self, spot: geo.HotSpot):
        north, east = (self.rng.uniform(-0.3, 0.3, 2) * spot.radius_m).tolist()
        lat, lon = geo.offset(spot.lat, spot.lon, north, east)
        if not geo.inside_asse(lat, lon):
            lat, lon = spot.lat, spot.lon
        self.go(lat, lon, destination=spot)
        arrival = self.now
        self.stay(float(self.rng.uniform(*STOP_MINUTES)) * 60, around_m=spot.radius_m * 0.3)
        self.stops.append((spot.name, arrival, self.now))


def _in_box(spot: geo.HotSpot, lat1: float, lon1: float, lat2: float, lon2: float) -> bool:
    reach_lat = (spot.radius_m + AVOID_MARGIN_M) / geo.M_PER_DEG_LAT
    reach_lon = (spot.radius_m + AVOID_MARGIN_M) / geo.M_PER_DEG_LON
    return (
        min(lat1, lat2) - reach_lat <= spot.lat <= max(lat1, lat2) + reach_lat
        and min(lon1, lon2) - reach_lon <= spot.lon <= max(lon1, lon2) + reach_lon
    )


def clear_of_avoided(
    start: tuple[float, float], path: list[tuple[float, float]], destination: geo.HotSpot | None = None
) -> bool:
    """Whether a path (points every 15 m) stays out of every avoided hot spot but its destination."""
    points = [start] + path
    for (lat1, lon1), (lat2, lon2) in zip(points[:-1], points[1:]):
        near = [spot for spot in AVOID if spot is not destination and _in_box(spot, lat1, lon1, lat2, lon2)]
        if not near:
            continue
        steps = int(geo.metres(lat1, lon1, lat2, lon2) // 15) + 2
        share = np.linspace(0, 1, steps)
        lat, lon = lat1 + (lat2 - lat1) * share, lon1 + (lon2 - lon1) * share
        for spot in near:
            if np.any(geo.distance_m(lat, lon, spot.lat, spot.lon) < spot.radius_m + AVOID_MARGIN_M):
                return False
    return True


def _patrol_point(rng, lat: float, lon: float) -> tuple[float, float]:
    """A street 300-900 m further on, inside Asse: the walk between hot spots."""
    for _ in range(20):
        angle = float(rng.uniform(0, 2 * math.pi))
        distance = float(rng.uniform(300, 900))
        cand_lat, cand_lon = geo.offset(lat, lon, distance * math.cos(angle), distance * math.sin(angle))
        if geo.inside_asse(cand_lat, cand_lon) and clear_of_avoided((lat, lon), [(float(cand_lat), float(cand_lon))]):
            return float(cand_lat), float(cand_lon)
    return geo.OFFICE.lat, geo.OFFICE.lon


def route_for(rng, shift: Shift, box_tour: list[int]) -> Route:
    route = Route(rng, shift.start_utc, geo.OFFICE.lat, geo.OFFICE.lon, bike=shift.box_round)
    route.stay(float(rng.uniform(10, 25)) * 60)  # briefing, e-mail, equipment
    latest = shift.end_utc - 10 * 60
    if shift.box_round:
        for b in box_tour:
            box = geo.PROBLEEMBOXES[b]
            route.go(box.lat, box.lon)
            route.stay(float(rng.uniform(*BOX_STOP_MINUTES)) * 60)
        route.bike = False
    chances = EVENING_VISITS if shift.evening else {h.name: h.visit_chance for h in geo.HOTSPOTS}
    wanted = [geo.hotspot(name) for name, p in chances.items() if rng.random() < p]
    while wanted:
        here = (route.lat[-1], route.lon[-1])
        spot = min(wanted, key=lambda h: geo.metres(here[0], here[1], h.lat, h.lon))
        wanted.remove(spot)
        back = geo.metres(spot.lat, spot.lon, geo.OFFICE.lat, geo.OFFICE.lon) * 1.4 / (BIKE_KMH[0] / 3.6)
        if route.now + route.travel_seconds(spot.lat, spot.lon) + STOP_MINUTES[1] * 60 + back > latest:
            continue
        route.visit(spot)
    # fill the rest of the shift with patrol walks, keeping time to get back
    while True:
        lat, lon = _patrol_point(rng, route.lat[-1], route.lon[-1])
        back = geo.metres(lat, lon, geo.OFFICE.lat, geo.OFFICE.lon) * 1.4 / (BIKE_KMH[0] / 3.6)
        if route.now + route.travel_seconds(lat, lon) + back + 5 * 60 > latest:
            break
        route.go(lat, lon)
        route.stay(float(rng.uniform(0.5, 3)) * 60, around_m=10)  # a word with a resident
    route.bike = True
    route.go(geo.OFFICE.lat, geo.OFFICE.lon)
    if route.now < shift.end_utc:
        route.stay(shift.end_utc - route.now)  # reports written at the office
    return route


@dataclass
class Fixes:
    device: np.ndarray  # index into `devices`
    t: np.ndarray  # epoch seconds
    lat: np.ndarray
    lon: np.ndarray
    accuracy_m: np.ndarray
    speed_kmh: np.ndarray
    devices: list[str]


def _sample(rng, route: Route) -> tuple[np.ndarray, ...]:
    knot_t = np.asarray(route.t)
    span = knot_t[-1] - knot_t[0]
    steps = rng.integers(FIX_INTERVAL_S[0], FIX_INTERVAL_S[1] + 1, int(span / FIX_INTERVAL_S[0]) + 2)
    t = knot_t[0] + np.concatenate([[0], np.cumsum(steps)])
    t = t[t <= knot_t[-1]]
    lat = np.interp(t, knot_t, route.lat)
    lon = np.interp(t, knot_t, route.lon)
    segment = np.clip(np.searchsorted(knot_t, t, side="right"), 1, len(knot_t) - 1)
    true_speed = np.asarray(route.speed)[segment]
    # GPS error drifts slowly: a random value per minute, interpolated, plus a little white noise
    minutes = np.arange(0, span + 120, 60)
    north = np.interp(t - knot_t[0], minutes, rng.normal(0, GPS_SIGMA_M, minutes.size))
    east = np.interp(t - knot_t[0], minutes, rng.normal(0, GPS_SIGMA_M, minutes.size))
    accuracy = rng.uniform(3.5, 9.0, t.size)
    poor = rng.random(t.size) < 0.03  # under trees, between buildings
    accuracy[poor] = rng.uniform(15, 40, poor.sum())
    white = np.where(poor, accuracy / 5, GPS_WHITE_M)
    lat, lon = geo.offset(lat, lon, north + rng.normal(0, 1, t.size) * white, east + rng.normal(0, 1, t.size) * white)
    speed = np.where(
        true_speed > 2.5, np.maximum(true_speed + rng.normal(0, 0.6, t.size), 0.0), np.abs(rng.normal(0, 0.3, t.size))
    )
    return t.astype(np.int64), lat, lon, accuracy, speed


def simulate(rng, timeline: Timeline) -> tuple[Fixes, list[Shift], list[dict]]:
    shifts = plan_shifts(rng, timeline)
    tour = _box_tour()
    devices = ["TRK-101", "TRK-102", "TRK-103", SPARE_DEVICE]
    parts = []
    stops = []
    for shift in shifts:
        route = route_for(rng, shift, tour)
        parts.append((devices.index(shift.device),) + _sample(rng, route))
        stops += [
            {
                "hotspot": name,
                "warden": shift.warden,
                "device_id": shift.device,
                "arrival": int(arrival),
                "departure": int(departure),
            }
            for name, arrival, departure in route.stops
        ]
    # the spare tracker: one hour switched on and walked around the office by the coordinator
    test_day = timeline.first_day(6) + dt.timedelta(days=2)
    while not is_working_day(test_day):
        test_day += dt.timedelta(days=1)
    spare = Route(rng, _utc(test_day, 10), geo.OFFICE.lat, geo.OFFICE.lon, bike=False)
    for _ in range(4):
        spare.go(*_patrol_point(rng, spare.lat[-1], spare.lon[-1]))
    spare.go(geo.OFFICE.lat, geo.OFFICE.lon)
    parts.append((devices.index(SPARE_DEVICE),) + _sample(rng, spare))
    fixes = Fixes(
        np.concatenate([np.full(p[1].size, p[0]) for p in parts]),
        *(np.concatenate([p[k] for p in parts]) for k in range(1, 6)),
        devices=devices,
    )
    return fixes, shifts, stops
