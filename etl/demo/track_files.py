"""The tracker files as a platform exports them: devices.csv, and fixes.csv with its flaws.

fixes.csv gets what real exports carry: a few single fixes thrown kilometres away (impossible
jumps the loader must flag as outliers) and a few lines repeated verbatim (duplicates).
"""

from __future__ import annotations

import csv

import duckdb
import numpy as np
import pandas as pd
import shapely
import shapely.geometry

from etl.demo import geography as geo
from etl.demo.scenario import Timeline
from etl.demo.tracks import SPARE_DEVICE, Fixes, device_rows, iso, swap_moment

SPIKES = 24  # single fixes thrown kilometres away: impossible jumps
DUPLICATES = 15  # lines the tracker platform exported twice


def _plant_errors(rng, fixes: Fixes) -> tuple[np.ndarray, list[dict], np.ndarray]:
    """Spikes (a fix kilometres away) and indices of lines to repeat; both away from shift edges."""
    n = fixes.t.size
    gap_before = np.diff(fixes.t, prepend=fixes.t[0] - 10**6)
    gap_after = np.diff(fixes.t, append=fixes.t[-1] + 10**6)
    inner = np.flatnonzero(
        (gap_before > 0) & (gap_before < 60) & (gap_after > 0) & (gap_after < 60) & (np.arange(n) % 97 > 3)
    )
    chosen = rng.choice(inner, size=SPIKES + DUPLICATES, replace=False)
    spikes = np.sort(chosen[:SPIKES])
    repeat = np.sort(chosen[SPIKES:])
    angle = rng.uniform(0, 2 * np.pi, SPIKES)
    jump = rng.uniform(3000, 25000, SPIKES)
    fixes.lat[spikes], fixes.lon[spikes], jump = geo.spikes_inside(fixes.lat[spikes], fixes.lon[spikes], jump, angle)
    planted = [
        {
            "device_id": fixes.devices[fixes.device[i]],
            "timestamp": iso(int(fixes.t[i])),
            "lat": round(float(fixes.lat[i]), 6),
            "lon": round(float(fixes.lon[i]), 6),
            "jump_m": round(float(j)),
        }
        for i, j in zip(spikes, jump)
    ]
    return spikes, planted, repeat


def _write_fix_lines(path, device_names: list[str], device, t, lat, lon, accuracy_m, speed_kmh) -> None:
    frame = pd.DataFrame(
        {
            "device": device.astype(np.int64),
            "t": t,
            "lat": np.rint(lat * 1e6).astype(np.int64),
            "lon": np.rint(lon * 1e6).astype(np.int64),
            "acc": np.rint(accuracy_m * 10).astype(np.int64),
            "speed": np.rint(speed_kmh * 10).astype(np.int64),
        }
    )
    write_fix_frame(path, device_names, frame)


def write_fix_frame(path, device_names: list[str], frame: pd.DataFrame, header: bool = True) -> None:
    """A million lines in about a second: DuckDB formats and writes (Python f-strings take ~4 s).
    `frame` holds device (index into device_names), t (epoch s) and the numbers as scaled integers
    (lat, lon × 1e6; acc and, when present, speed × 10) so every line has fixed decimals, the same
    bytes every run."""
    speed = (
        ",\n                         (speed // 10)::VARCHAR || '.' || (speed % 10)::VARCHAR AS speed_kmh"
        if "speed" in frame.columns
        else ""
    )
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = true")
        con.execute("SET enable_progress_bar = false")  # no bar in a log that is not a terminal
        con.register("demo_fixes", frame)
        con.execute(
            f"""
            COPY (SELECT $names[device + 1] AS device_id,
                         strftime(make_timestamp(t * 1000000), '%Y-%m-%dT%H:%M:%SZ') AS timestamp,
                         (lat // 1000000)::VARCHAR || '.' || lpad((lat % 1000000)::VARCHAR, 6, '0') AS lat,
                         (lon // 1000000)::VARCHAR || '.' || lpad((lon % 1000000)::VARCHAR, 6, '0') AS lon,
                         (acc // 10)::VARCHAR || '.' || (acc % 10)::VARCHAR AS accuracy_m{speed}
                  FROM demo_fixes)
            TO '{str(path).replace("'", "''")}' (HEADER {str(header).lower()}, DELIMITER ',', QUOTE '', ESCAPE '')""",
            {"names": device_names},
        )
    finally:
        con.close()


def write_fixes(path, rng, fixes: Fixes) -> tuple[dict, np.ndarray]:
    """Write fixes.csv with its planted spikes and repeated lines; return its ground truth and
    the indices of the spiked fixes (for the observed coverage, which leaves them out)."""
    spikes, spike_truth, repeat = _plant_errors(rng, fixes)
    order = np.sort(np.concatenate([np.arange(fixes.t.size), repeat]), kind="stable")
    stamps = np.char.add(np.datetime_as_string(fixes.t[repeat].astype("datetime64[s]"), unit="s"), "Z")
    device_names = np.asarray(fixes.devices)[fixes.device]
    _write_fix_lines(
        path,
        fixes.devices,
        fixes.device[order],
        fixes.t[order],
        fixes.lat[order],
        fixes.lon[order],
        fixes.accuracy_m[order],
        fixes.speed_kmh[order],
    )
    rows = int(order.size)
    per_device = {
        name: int((device_names == name).sum() + (device_names[repeat] == name).sum()) for name in fixes.devices
    }
    return {
        "file": "fixes.csv",
        "rows": rows,
        "unique_rows": int(fixes.t.size),
        "rows_per_device": per_device,
        "spikes": spike_truth,
        "duplicate_lines": [
            {"device_id": str(device_names[i]), "timestamp": str(stamp)} for i, stamp in zip(repeat, stamps)
        ],
        "expected_load": {"rows_in": rows, "duplicates": int(repeat.size), "outliers": len(spike_truth)},
    }, spikes


def observed_coverage(fixes: Fixes, spikes: np.ndarray) -> dict[str, dict]:
    """Per defined hot spot: fixes inside it and distinct local days with a fix inside (no spikes)."""
    keep = np.ones(fixes.t.size, dtype=bool)
    keep[spikes] = False
    lat, lon, t = fixes.lat[keep], fixes.lon[keep], fixes.t[keep]
    local_day = (t + 3600).astype("datetime64[s]").astype("datetime64[D]")  # close enough for day counts
    result = {}
    for spot in geo.HOTSPOTS:
        if spot.polygon_m:
            polygon = shapely.geometry.shape(spot.geometry())
            inside = shapely.contains_xy(polygon, lon, lat)
        else:
            inside = geo.distance_m(lat, lon, spot.lat, spot.lon) <= spot.radius_m
        result[spot.name] = {
            "fixes_inside": int(inside.sum()),
            "days_with_fix_inside": int(np.unique(local_day[inside]).size),
        }
    return result


def write_devices(path, timeline: Timeline) -> dict:
    rows = device_rows(timeline)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["device_id", "warden", "valid_from", "valid_to"], lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)
    return {
        "file": "devices.csv",
        "rows": len(rows),
        "devices": rows,
        "swap_at": iso(swap_moment(timeline)),
        "unmapped_devices": [SPARE_DEVICE],
    }
