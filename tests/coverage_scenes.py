"""Synthetic warden tracks with a known truth, written as files and loaded through the ETL.

A `Walk` is the noise-free path (knots of time and position). The truth of a scene — when the
warden was really inside each hot spot — is computed here from that path at one-second steps with
a flat-earth distance and shapely, independently of analytics/coverage. The fixes file gets what
real exports carry: GPS noise of several metres, sampling every 15-30 s, one wild jump, repeated
lines, rows out of order, a stretch of poor-accuracy fixes.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import shapely
import shapely.geometry

M_PER_DEG_LAT = 111_195.0


def offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    return lat + north_m / M_PER_DEG_LAT, lon + east_m / (M_PER_DEG_LAT * np.cos(np.radians(lat)))


def flat_distance_m(lat1, lon1, lat2, lon2):
    north = (np.asarray(lat2) - lat1) * M_PER_DEG_LAT
    east = (np.asarray(lon2) - lon1) * M_PER_DEG_LAT * math.cos(math.radians(lat1))
    return np.hypot(north, east)


@dataclass
class Spot:
    name: str
    lat: float
    lon: float
    radius_m: float | None = None  # a point with a radius
    half_east_m: float | None = None  # or a rectangle of 2*half_east x 2*half_north
    half_north_m: float | None = None

    def feature(self) -> dict:
        if self.radius_m is not None:
            return {
                "type": "Feature",
                "properties": {"name": self.name, "kind": "plein", "radius_m": self.radius_m},
                "geometry": {"type": "Point", "coordinates": [self.lon, self.lat]},
            }
        return {
            "type": "Feature",
            "properties": {"name": self.name, "kind": "park"},
            "geometry": shapely.geometry.mapping(self.polygon()),
        }

    def polygon(self) -> shapely.Polygon:
        corners = [
            offset(self.lat, self.lon, n * self.half_north_m, e * self.half_east_m)
            for n, e in ((-1, -1), (-1, 1), (1, 1), (1, -1), (-1, -1))
        ]
        return shapely.Polygon([(lon, lat) for lat, lon in corners])

    def contains(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        if self.radius_m is not None:
            return flat_distance_m(self.lat, self.lon, lat, lon) <= self.radius_m
        return shapely.contains_xy(self.polygon(), lon, lat)


@dataclass
class Walk:
    """A noise-free path: knots (epoch seconds, lat, lon), linear in between."""

    t: list[float]
    lat: list[float]
    lon: list[float]
    metres: float = 0.0  # path length, the truth for the distance

    @classmethod
    def start(cls, when: datetime, lat: float, lon: float) -> Walk:
        return cls([when.timestamp()], [lat], [lon])

    def to(self, lat: float, lon: float, kmh: float) -> Walk:
        metres = float(flat_distance_m(self.lat[-1], self.lon[-1], lat, lon))
        self.metres += metres
        self.t.append(self.t[-1] + metres / (kmh / 3.6))
        self.lat.append(lat)
        self.lon.append(lon)
        return self

    def stay(self, minutes: float) -> Walk:
        self.t.append(self.t[-1] + minutes * 60)
        self.lat.append(self.lat[-1])
        self.lon.append(self.lon[-1])
        return self

    def at(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.interp(t, self.t, self.lat), np.interp(t, self.t, self.lon)

    def true_visits(self, spot: Spot, merge_gap_s: float = 300, min_s: float = 60) -> list[tuple[float, float]]:
        """(start, end) epoch seconds of the real presence in the spot, at one-second steps."""
        t = np.arange(self.t[0], self.t[-1] + 1, 1.0)
        inside = spot.contains(*self.at(t))
        edges = np.diff(np.concatenate([[0], inside.astype(np.int8), [0]]))
        runs = [[t[a], t[b - 1] + 1] for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1))]
        merged: list[list[float]] = []
        for run in runs:
            if merged and run[0] - merged[-1][1] < merge_gap_s:
                merged[-1][1] = run[1]
            else:
                merged.append(run)
        return [(a, b) for a, b in merged if b - a >= min_s]


@dataclass
class Fixes:
    """Sampled fixes of one device with the flaws of a real export."""

    device: str
    t: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    accuracy: np.ndarray
    extra_lines: list[str] = field(default_factory=list)

    @classmethod
    def sample(
        cls,
        walk: Walk,
        device: str,
        rng: np.random.Generator,
        every_s=(15, 30),
        noise_m: float = 4.0,
        skip: tuple[float, float] | None = None,
    ) -> Fixes:
        steps = rng.integers(every_s[0], every_s[1] + 1, int((walk.t[-1] - walk.t[0]) / every_s[0]) + 2)
        t = walk.t[0] + np.concatenate([[0], np.cumsum(steps)])
        t = t[t <= walk.t[-1]]
        if skip:  # the receiver lost its position for a while
            t = t[(t < skip[0]) | (t > skip[1])]
        lat, lon = walk.at(t)
        north, east = rng.normal(0, noise_m, (2, t.size))
        lat, lon = offset(lat, lon, north, east)
        return cls(device, t, np.asarray(lat), np.asarray(lon), rng.uniform(3, 9, t.size))

    def add(self, t: float, lat: float, lon: float, accuracy: float) -> None:
        self.t = np.append(self.t, t)
        self.lat = np.append(self.lat, lat)
        self.lon = np.append(self.lon, lon)
        self.accuracy = np.append(self.accuracy, accuracy)

    def lines(
        self, rng: np.random.Generator, duplicates: int = 10, shuffle: bool = True, offset_hours: dict | None = None
    ) -> list[str]:
        lines = []
        for t, lat, lon, acc in zip(self.t, self.lat, self.lon, self.accuracy):
            stamp = datetime.fromtimestamp(float(t), timezone.utc)
            if offset_hours:  # local time with its offset, as some platforms export
                hours = offset_hours(stamp)
                local = stamp.astimezone(timezone(__import__("datetime").timedelta(hours=hours)))
                text = local.isoformat(timespec="seconds")
            else:
                text = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
            lines.append(f"{self.device},{text},{lat:.7f},{lon:.7f},{acc:.1f}")
        if duplicates:
            lines += [lines[i] for i in rng.choice(len(lines), duplicates, replace=False)]
        if shuffle:
            rng.shuffle(lines)
        return lines


def write_fixes(path: Path, lines: list[str]) -> Path:
    path.write_text("device_id,timestamp,lat,lon,accuracy_m\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_hotspots(path: Path, spots: list[Spot]) -> Path:
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": [s.feature() for s in spots]}), encoding="utf-8"
    )
    return path


def write_devices(path: Path, rows: list[str]) -> Path:
    path.write_text("device_id,warden,valid_from,valid_to\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


# The scene of the unit tests: in Asse, around the station.
PLEIN = Spot("Plein Test", 50.9114, 4.2035, radius_m=80)
PARK = Spot("Park Test", 50.9080, 4.2100, half_east_m=80, half_north_m=50)
NOOIT = Spot("Nooit Bezocht", 50.9050, 4.2830, radius_m=100)
OFFICE = (50.9100, 4.2200)


def working_day(when: datetime) -> Walk:
    """A morning: office, a stop at the plein, the park with a short step outside, a bike ride past the
    plein (a pass-through), a long stop at the plein, back to the office."""
    walk = Walk.start(when, *OFFICE).stay(5)
    walk.to(*offset(PLEIN.lat, PLEIN.lon, 20, 0), 4.5).stay(12)
    walk.to(PARK.lat, PARK.lon, 4.5).stay(8)
    walk.to(*offset(PARK.lat, PARK.lon, 0, 140), 4.5).stay(1)  # outside the park for about 2 minutes
    walk.to(PARK.lat, PARK.lon, 4.5).stay(6)
    # by bike along a 100 m chord of the plein at 18 km/h: 20 s inside, far enough either side
    # (1,5 km) that it does not merge with a stop
    west = offset(PLEIN.lat, PLEIN.lon, 62, -1500)
    east = offset(PLEIN.lat, PLEIN.lon, 62, 1500)
    walk.to(*west, 15).to(*east, 18)
    walk.to(*offset(PLEIN.lat, PLEIN.lon, -10, 10), 15).stay(25)
    walk.to(*OFFICE, 15).stay(10)
    return walk
