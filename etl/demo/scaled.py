"""The demo at the scale of a police zone: `python -m etl demo --scale N`.

The everyday demo has two wardens and a few thousand reports a month at most; the product must stay
fast for a zone with a hundred trackers and a million reports. Scale N keeps the demo's map (its
sub-municipalities and defined hot spots) and multiplies the volume:

- N × 2 trackers (the demo's two wardens), each on one 8 h 20 min shift a working day with a fix
  every 15 s (2.000 fixes), over `days` working days (default 250, a year): at N = 50 that is
  100 trackers and 50.000.000 fixes. Walks from hot spot to hot spot with stops of 5-20 minutes,
  GPS noise, and the flaws real exports carry: a few lines repeated verbatim (duplicates) and a few
  fixes thrown kilometres away (impossible jumps);
- N × 20.000 reports over five years up to the demo's last month (1.000.000 at N = 50), canonical
  CSV, a third gathered around the hot spots and the rest spread over the sub-municipalities, with
  a seasonal rhythm.

Everything is written in chunks (a few days of fixes, one month of reports at a time), so memory
stays flat whatever N is; the fixes are split into files of `file_days` days each (in time order,
so each file's load touches only its own period of the store). Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd

from etl.demo import geography as geo
from etl.demo import write_hotspots
from etl.demo.reports import CATEGORY_CODES
from etl.demo.scenario import Timeline, is_working_day
from etl.demo.track_files import write_fix_frame
from etl.demo.tracks import BRUSSELS

TRACKERS_PER_SCALE = 2  # the demo's two wardens
REPORTS_PER_SCALE = 20_000
REPORT_MONTHS = 60  # five years: what a zone has stored when it reaches a million
NEAR_HOTSPOT_SHARE = 0.3
FIX_EVERY_S = 15
FIXES_PER_SHIFT = 2_000  # 8 h 20 min at 15 s
DEFAULT_DAYS = 250  # working days: about a year
DEFAULT_FILE_DAYS = 50  # 10.000.000 fixes per file at scale 50
CHUNK_DAYS = 5
DUPLICATE_SHARE = 0.001  # lines the platform exported twice
SPIKE_SHARE = 0.0001  # fixes thrown kilometres away
WALK_MS, BIKE_MS, BIKE_FROM_M = 1.3, 4.0, 1200
SEASON = (0.85, 0.85, 0.95, 1.0, 1.1, 1.2, 1.25, 1.2, 1.1, 1.0, 0.9, 0.85)  # January .. December
CHANNELS = ("e-mail", "telefoon", "politie", "gemeentedienst", "vaststelling", "loket", "facebook")


def write_scaled_files(
    out_dir: str | os.PathLike,
    scale: int,
    days: int = DEFAULT_DAYS,
    file_days: int = DEFAULT_FILE_DAYS,
    seed: int = 20111,
    end_month: str | None = None,
) -> dict:
    """Write hotspots.geojson, devices.csv, reports.csv and fixes-NN.csv for `scale` into `out_dir`."""
    if scale < 1 or days < 1 or file_days < 1:
        raise ValueError("scale, days and file_days must be at least 1")
    started = time.perf_counter()
    timeline = Timeline.ending(end_month)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report_rng, track_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    write_hotspots(out / "hotspots.geojson")
    trackers = scale * TRACKERS_PER_SCALE
    devices = [f"TRK-{i:03d}" for i in range(1, trackers + 1)]
    pd.DataFrame(
        {
            "device_id": devices,
            "warden": [f"GW-{i:03d}" for i in range(1, trackers + 1)],
            "valid_from": "",
            "valid_to": "",
        }
    ).to_csv(out / "devices.csv", index=False)
    reports = write_reports(out / "reports.csv", report_rng, scale * REPORTS_PER_SCALE, timeline)
    shift_days = working_days(timeline.end, days)
    fix_files = []
    for number, first in enumerate(range(0, len(shift_days), file_days), start=1):
        path = out / f"fixes-{number:02d}.csv"
        rows = write_fixes(path, track_rng, devices, shift_days[first : first + file_days])
        fix_files.append(
            {
                "path": str(path),
                "rows": rows,
                "first_day": shift_days[first].isoformat(),
                "last_day": shift_days[min(first + file_days, len(shift_days)) - 1].isoformat(),
            }
        )
    summary = {
        "out_dir": str(out),
        "scale": scale,
        "seed": seed,
        "end_month": timeline.end_month,
        "trackers": trackers,
        "days": len(shift_days),
        "reports": {"path": str(out / "reports.csv"), **reports},
        "fixes": fix_files,
        "fix_rows": sum(f["rows"] for f in fix_files),
        "hotspots": str(out / "hotspots.geojson"),
        "devices": str(out / "devices.csv"),
        "seconds": round(time.perf_counter() - started, 1),
    }
    (out / "scaled.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return summary


def load_scaled(
    db: str | os.PathLike,
    scale: int,
    days: int = DEFAULT_DAYS,
    seed: int = 20111,
    end_month: str | None = None,
    out_dir: str | os.PathLike | None = None,
) -> dict:
    """Write the scaled files (default `demo-files-scaleN/` next to the database) and load them with
    the loaders the command line uses, as `load_demo` does for the everyday demo."""
    from etl.demo import ensure_demo_territory
    from etl.devices import load_devices_file
    from etl.fixes import load_fixes_file
    from etl.hotspots import load_hotspots_file
    from etl.reports import load_reports_file

    started = time.perf_counter()
    out = Path(out_dir) if out_dir is not None else Path(db).resolve().parent / f"demo-files-scale{scale}"
    written = write_scaled_files(out, scale, days=days, seed=seed, end_month=end_month)
    ensure_demo_territory(db)
    loads = [
        load_hotspots_file(db, written["hotspots"], is_demo=True),
        load_devices_file(db, written["devices"], is_demo=True),
        load_reports_file(db, written["reports"]["path"], fmt="canonical", is_demo=True),
    ]
    loads += [load_fixes_file(db, f["path"], fmt="csv", is_demo=True) for f in written["fixes"]]
    return {
        "out_dir": str(out),
        "seed": seed,
        "scale": scale,
        "end_month": written["end_month"],
        "loads": [result.as_json() for result in loads],
        "seconds": round(time.perf_counter() - started, 2),
    }


def working_days(end: dt.date, count: int) -> list[dt.date]:
    """The `count` working days (no weekends, no Belgian holidays) before `end`, oldest first."""
    days, day = [], end - dt.timedelta(days=1)
    while len(days) < count:
        if is_working_day(day):
            days.append(day)
        day -= dt.timedelta(days=1)
    return days[::-1]


# --- reports -------------------------------------------------------------------------------------
def write_reports(path: Path, rng: np.random.Generator, count: int, timeline: Timeline) -> dict:
    """`count` canonical reports (`;`, dd/mm/jjjj uu:mm Brussels time) over the REPORT_MONTHS months
    up to the timeline's end, a month at a time."""
    last = pd.Period(timeline.end_month, "M")
    months = pd.period_range(last - (REPORT_MONTHS - 1), last, freq="M")
    weight = np.array([SEASON[m.month - 1] * m.days_in_month for m in months])
    per_month = rng.multinomial(count, weight / weight.sum())
    spots = geo.HOTSPOTS
    spot_lat = np.array([s.lat for s in spots])
    spot_lon = np.array([s.lon for s in spots])
    area_weights = np.array([geo.AREA_WEIGHTS.get(a.name, 0.05) for a in geo.areas()])
    first_id = 0
    path.unlink(missing_ok=True)
    for index, (month, n) in enumerate(zip(months, per_month)):
        begin = month.start_time
        reported = begin + pd.to_timedelta(np.sort(rng.integers(0, month.days_in_month * 1440, n)), unit="m")
        # a share near a defined hot spot, the rest anywhere in a sub-municipality (weighted as the demo is)
        near = rng.random(n) < NEAR_HOTSPOT_SHARE
        spot = rng.integers(0, len(spots), n)
        lat, lon = geo.offset(spot_lat[spot], spot_lon[spot], rng.normal(0, 150, n), rng.normal(0, 150, n))
        spread = np.flatnonzero(~near)
        lat[spread], lon[spread] = geo.sample_uniform(
            rng, rng.choice(len(area_weights), spread.size, p=area_weights / area_weights.sum())
        )
        located = rng.random(n) > 0.1
        status = rng.choice(["afgesloten", "open", "in behandeling"], size=n, p=[0.72, 0.18, 0.10])
        closed = reported + pd.to_timedelta(rng.exponential(6 * 1440, n).astype(int) + 30, unit="m")
        frame = pd.DataFrame(
            {
                "id": np.char.add("S", np.arange(first_id, first_id + n).astype(str)),
                "datum": reported.strftime("%d/%m/%Y %H:%M"),
                "categorie": rng.choice(CATEGORY_CODES, size=n),
                "kanaal": rng.choice(CHANNELS, size=n),
                "lat": np.where(located, np.round(lat, 6).astype(str), ""),
                "lon": np.where(located, np.round(lon, 6).astype(str), ""),
                "status": status,
                "afgesloten_op": np.where(status == "afgesloten", closed.strftime("%d/%m/%Y %H:%M"), ""),
            }
        )
        frame.to_csv(path, sep=";", index=False, mode="a", header=index == 0)
        first_id += n
    return {"rows": int(count)}


# --- fixes ---------------------------------------------------------------------------------------
def _shift(rng: np.random.Generator, spot_lat: np.ndarray, spot_lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One shift's positions at every fix: from hot spot to hot spot, stops of 5-20 minutes."""
    end = FIXES_PER_SHIFT * FIX_EVERY_S
    spot = rng.integers(spot_lat.size)
    t, lat, lon = [0.0], [spot_lat[spot]], [spot_lon[spot]]
    while t[-1] < end:
        t.append(t[-1] + rng.uniform(5, 20) * 60)
        lat.append(lat[-1])
        lon.append(lon[-1])
        spot = rng.integers(spot_lat.size)
        to_lat, to_lon = geo.offset(spot_lat[spot], spot_lon[spot], *rng.normal(0, 15, 2))
        metres = geo.metres(lat[-1], lon[-1], to_lat, to_lon)
        t.append(t[-1] + metres / (BIKE_MS if metres > BIKE_FROM_M else WALK_MS))
        lat.append(to_lat)
        lon.append(to_lon)
    grid = np.arange(FIXES_PER_SHIFT) * FIX_EVERY_S
    return geo.walk_inside(np.interp(grid, t, lat), np.interp(grid, t, lon))


def write_fixes(path: Path, rng: np.random.Generator, devices: list[str], days: list[dt.date]) -> int:
    """Every tracker on every day, CHUNK_DAYS days at a time: DuckDB formats each chunk into a part
    file, which is appended to `path` (DuckDB's COPY cannot append)."""
    spot_lat = np.array([s.lat for s in geo.HOTSPOTS])
    spot_lon = np.array([s.lon for s in geo.HOTSPOTS])
    part = path.with_suffix(".part.csv")
    rows = 0
    with open(path, "wb") as target:
        target.write(b"device_id,timestamp,lat,lon,accuracy_m\n")
        for first in range(0, len(days), CHUNK_DAYS):
            frame = _fix_chunk(rng, len(devices), days[first : first + CHUNK_DAYS], spot_lat, spot_lon)
            write_fix_frame(part, devices, frame, header=False)
            with open(part, "rb") as source:
                shutil.copyfileobj(source, target, 1 << 22)
            rows += len(frame)
    part.unlink(missing_ok=True)
    return rows


def _fix_chunk(rng, trackers: int, days: list[dt.date], spot_lat, spot_lon) -> pd.DataFrame:
    devices, stamps, lats, lons = [], [], [], []
    for day in days:
        for tracker in range(trackers):
            # shifts start between 07:00 and 13:00 local, the same hour for a tracker every day
            start = int(dt.datetime(day.year, day.month, day.day, 7 + tracker % 7, tzinfo=BRUSSELS).timestamp())
            lat, lon = _shift(rng, spot_lat, spot_lon)
            devices.append(np.full(FIXES_PER_SHIFT, tracker))
            stamps.append(start + np.arange(FIXES_PER_SHIFT) * FIX_EVERY_S + rng.integers(-3, 4, FIXES_PER_SHIFT))
            lats.append(lat)
            lons.append(lon)
    device, t = np.concatenate(devices), np.concatenate(stamps)
    n = t.size
    lat = np.concatenate(lats) + rng.normal(0, 4, n) / geo.M_PER_DEG_LAT
    lon = np.concatenate(lons) + rng.normal(0, 4, n) / geo.M_PER_DEG_LON
    spikes = rng.random(n) < SPIKE_SHARE
    angle, jump = rng.uniform(0, 2 * np.pi, spikes.sum()), rng.uniform(3000, 25000, spikes.sum())
    lat[spikes], lon[spikes], _ = geo.spikes_inside(lat[spikes], lon[spikes], jump, angle)
    accuracy = np.where(rng.random(n) < 0.03, rng.uniform(15, 45, n), rng.uniform(3, 9, n))
    order = np.sort(np.concatenate([np.arange(n), np.flatnonzero(rng.random(n) < DUPLICATE_SHARE)]), kind="stable")
    return pd.DataFrame(
        {
            "device": device[order],
            "t": t[order],
            "lat": np.rint(lat[order] * 1e6).astype(np.int64),
            "lon": np.rint(lon[order] * 1e6).astype(np.int64),
            "acc": np.rint(accuracy[order] * 10).astype(np.int64),
        }
    )
