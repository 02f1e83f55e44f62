"""The daily overview's tracks are simplified on the server: no drawn line strays further than the
tolerance from any 1-minute position it stands for, gaps stay gaps, and far fewer points are sent."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analytics.coverage import layers

R = 6_371_008.8  # mean Earth radius: the test's own local frame, not civ.geometry's
ROUNDING_M = 1.0  # 5 decimals: at most 0,56 m north-south, 0,35 m east-west


def local_metres(lon, lat, lat0, lon0):
    k = math.pi / 180 * R
    return (np.asarray(lon) - lon0) * k * math.cos(math.radians(lat0)), (np.asarray(lat) - lat0) * k


def distance_to_line(px, py, lx, ly) -> np.ndarray:
    """Each point's distance to the nearest segment of the polyline (lx, ly), in metres."""
    ax, ay, bx, by = lx[:-1], ly[:-1], lx[1:], ly[1:]
    dx, dy = bx - ax, by - ay
    length2 = np.where(dx * dx + dy * dy == 0, 1e-12, dx * dx + dy * dy)
    t = np.clip(((px[:, None] - ax) * dx + (py[:, None] - ay) * dy) / length2, 0, 1)
    return np.hypot(px[:, None] - (ax + t * dx), py[:, None] - (ay + t * dy)).min(axis=1)


def walk(rng, minutes: int, lat0=50.92, lon0=4.20):
    """A warden's day: 78 m a minute along turning streets, stops of several minutes, 3 m GPS jitter."""
    heading = np.cumsum(np.where(rng.random(minutes) < 0.1, rng.normal(0, 1.5, minutes), 0.0))  # corners
    speed = np.where(rng.random(minutes) < 0.3, 0.0, 78.0)
    east = np.cumsum(speed * np.cos(heading)) + rng.normal(0, 3, minutes)
    north = np.cumsum(speed * np.sin(heading)) + rng.normal(0, 3, minutes)
    k = math.pi / 180 * R
    return lon0 + east / (k * math.cos(math.radians(lat0))), lat0 + north / k


def test_every_position_stays_within_the_tolerance_of_the_simplified_track():
    rng = np.random.default_rng(19)
    for tolerance in (3.0, layers.TRACK_TOLERANCE_M, 20.0):
        lon, lat = walk(rng, 480)
        kept = layers.simplify_track(lon, lat, tolerance).round(layers.TRACK_DECIMALS)
        lat0, lon0 = float(lat.mean()), float(lon.mean())
        px, py = local_metres(lon, lat, lat0, lon0)
        lx, ly = local_metres(kept[:, 0], kept[:, 1], lat0, lon0)
        assert distance_to_line(px, py, lx, ly).max() <= tolerance + ROUNDING_M
        assert len(kept) < len(lon) * (0.7 if tolerance < layers.TRACK_TOLERANCE_M else 0.25)  # the jitter goes
        assert np.allclose(kept[0], [lon[0], lat[0]], atol=1e-5) and np.allclose(
            kept[-1], [lon[-1], lat[-1]], atol=1e-5
        )


def test_tracks_keep_one_feature_per_warden_and_break_at_silences():
    rng = np.random.default_rng(7)
    frames = []
    for holder, silent_after in (("GW-A", 200), ("GW-B", None)):
        lon, lat = walk(rng, 400)
        minute = pd.date_range("2026-10-06 07:00", periods=400, freq="1min", tz="UTC")
        if silent_after:  # tracker off for half an hour
            minute = minute.where(np.arange(400) < silent_after, minute + pd.Timedelta(minutes=30))
        frames.append(pd.DataFrame({"holder": holder, "minute": minute, "lat": lat, "lon": lon}))
    minutes = pd.concat(frames, ignore_index=True).sample(frac=1, random_state=1)  # any order
    data = layers.minutes_tracks_geojson(minutes, {"GW-A": "#111111"})
    by_holder = {f["properties"]["holder"]: f for f in data["features"]}
    assert sorted(by_holder) == ["GW-A", "GW-B"]
    assert by_holder["GW-A"]["properties"]["colour"] == "#111111"
    assert len(by_holder["GW-A"]["geometry"]["coordinates"]) == 2  # no line across the silence
    assert len(by_holder["GW-B"]["geometry"]["coordinates"]) == 1
    for holder, feature in by_holder.items():
        mine = minutes[minutes["holder"] == holder].sort_values("minute")
        lat0, lon0 = float(mine["lat"].mean()), float(mine["lon"].mean())
        px, py = local_metres(mine["lon"], mine["lat"], lat0, lon0)
        nearest = np.full(len(mine), np.inf)
        for line in feature["geometry"]["coordinates"]:
            coords = np.array(line)
            assert (
                np.abs(coords * 10**layers.TRACK_DECIMALS - np.round(coords * 10**layers.TRACK_DECIMALS)) < 1e-6
            ).all()
            lx, ly = local_metres(coords[:, 0], coords[:, 1], lat0, lon0)
            nearest = np.minimum(nearest, distance_to_line(px, py, lx, ly))
        assert nearest.max() <= layers.TRACK_TOLERANCE_M + ROUNDING_M
    # the per-holder form gives the same features
    tracks = {
        h: g[["minute", "lat", "lon"]].sort_values("minute").reset_index(drop=True)
        for h, g in minutes.groupby("holder")
    }
    assert layers.tracks_geojson(tracks, {"GW-A": "#111111"}) == data
