"""Visits from fixes: the rules of a visit and how the candidate fixes near the hot spots become visits.

**A visit** is one tracker continuously inside one defined hot spot. From the tracker's clean fixes
(not flagged as outlier at load, accuracy no worse than `accuracy_max_m`, one fix per device and
instant), each fix inside the hot spot stands for the time from halfway to the fix before it to
halfway to the fix after it; a neighbour more than two `edge_cap_seconds` away counts as none, and
that side takes the interval of the other side (a tracker that fell silent is not assumed to have
stayed, and a fix's span depends only on the fixes within a minute of it). Robust to sampling every 10-60 s: the boundary crossing is
estimated at half an interval, never at a whole one. Fixes inside the same hot spot whose spans
are at most `merge_gap_minutes` apart are one visit (GPS scatter at the edge, a step outside);
a visit shorter than `min_visit_minutes` or with a single fix is a pass-through and not counted.
A visit's `minutes` is its length from start to end, merged gaps included.

The neighbour of a fix is looked for among the tracker's fixes in the hot spot's box widened by
`neighbour_margin_m` (the candidates); the exact inside test is numpy (circles, haversine) and shapely
(polygons).

analytics/coverage/scan.py selects the candidates from one read of the fixes and applies these rules;
analytics/coverage/visits.py keeps the materialised tables up to date with them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from analytics.coverage import footprint


@dataclass(frozen=True)
class VisitRules:
    """The parameters of the materialised tables; changing one rebuilds them."""

    merge_gap_minutes: float = 5.0  # inside again within this: the same visit
    min_visit_minutes: float = 1.0  # shorter: a pass-through, not a visit
    min_fixes: int = 2  # a single fix inside is a pass-through too
    accuracy_max_m: float = 30.0  # fixes with a worse reported accuracy are skipped
    edge_cap_seconds: float = 30.0  # at most this much time on either side of a fix (half of 60 s)
    neighbour_margin_m: float = 150.0  # where a fix's neighbours are looked for around a hot spot
    min_step_m: float = 15.0  # 1-minute steps shorter than this are standing still
    cell_m: int = 250  # presence grid (analytics.grid frame)

    def fingerprint(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


DEFAULT_RULES = VisitRules()


# --- visits from candidate fixes (numpy) -------------------------------------------------------
VISIT_COLUMNS = ["hotspot_id", "device_id", "window", "start_ms", "end_ms", "fixes", "minutes"]


def _spans(
    h: np.ndarray,
    dev: np.ndarray,
    window: np.ndarray,
    t: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    spots: list[footprint.HotSpot],
    rules: VisitRules,
) -> dict[str, np.ndarray]:
    """The visits of fixes sorted by (h, dev, window, t) — h an index into `spots`, dev any device code —
    as arrays `h`, `dev`, `window`, `start_ms`, `end_ms`, `fixes`, `minutes`. All numpy, no row loop."""
    group = np.ones(t.size, dtype=bool)  # first row of a (hot spot, device, window) series
    group[1:] = (h[1:] != h[:-1]) | (dev[1:] != dev[:-1]) | (window[1:] != window[:-1])
    keep = group.copy()
    keep[1:] |= t[1:] != t[:-1]  # one fix per device and instant
    if not keep.all():
        h, dev, window, t, lat, lon, group = (a[keep] for a in (h, dev, window, t, lat, lon, group))
    # A neighbour more than two caps away (or none) is no neighbour: that side takes the interval on the
    # other side (the tracker's own sampling rate there), or two caps when the fix stands alone. So a
    # fix's span depends only on fixes within a minute of it, whatever else the store holds.
    cap_ms = 2 * rules.edge_cap_seconds * 1000
    gap = (t[1:] - t[:-1]).astype(float)
    gap[group[1:] | (gap > cap_ms)] = np.nan
    before = np.concatenate([[np.nan], gap])
    after = np.concatenate([gap, [np.nan]])
    before, after = (np.where(np.isnan(before), after, before), np.where(np.isnan(after), before, after))
    before = np.where(np.isnan(before), cap_ms, before) / 2
    after = np.where(np.isnan(after), cap_ms, after) / 2
    rows = np.flatnonzero(footprint.inside_sorted(spots, h, lat, lon))
    if rows.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return {
            "h": empty,
            "dev": empty,
            "window": empty,
            "start_ms": empty,
            "end_ms": empty,
            "fixes": empty,
            "minutes": np.zeros(0),
        }
    start = t[rows] - before[rows]
    end = t[rows] + after[rows]
    series = np.cumsum(group)[rows]  # which (hot spot, device, window) series a fix is in
    new_visit = np.ones(rows.size, dtype=bool)
    new_visit[1:] = (series[1:] != series[:-1]) | (start[1:] - end[:-1] > rules.merge_gap_minutes * 60_000)
    firsts = np.flatnonzero(new_visit)
    lasts = np.append(firsts[1:] - 1, rows.size - 1)
    spans = {
        "h": h[rows][firsts],
        "dev": dev[rows][firsts],
        "window": window[rows][firsts],
        "start_ms": np.rint(start[firsts]).astype(np.int64),
        "end_ms": np.rint(end[lasts]).astype(np.int64),
        "fixes": lasts - firsts + 1,
    }
    spans["minutes"] = (spans["end_ms"] - spans["start_ms"]) / 60_000
    counted = (spans["minutes"] >= rules.min_visit_minutes) & (spans["fixes"] >= rules.min_fixes)
    return {k: v[counted] for k, v in spans.items()}


def visits_from_fixes(
    candidates: pd.DataFrame, spots: list[footprint.HotSpot], rules: VisitRules = DEFAULT_RULES
) -> pd.DataFrame:
    """Visits from fixes near hot spots: columns `hotspot_id`, `device_id`, `t` (epoch ms), `lat`,
    `lon`, optional `window` (visits never merge across windows). Rows may repeat and be in any order.

    Returns `hotspot_id`, `device_id`, `window`, `start_ms`, `end_ms`, `fixes`, `minutes`.
    """
    if candidates.empty:
        return pd.DataFrame(
            {
                c: pd.Series(
                    dtype="int64"
                    if c.endswith("_ms") or c in ("fixes", "window")
                    else "float64"
                    if c == "minutes"
                    else object
                )
                for c in VISIT_COLUMNS
            }
        )
    index = {s.hotspot_id: i for i, s in enumerate(spots)}
    h = candidates["hotspot_id"].map(index).to_numpy(np.int64)
    device_codes, device_names = pd.factorize(candidates["device_id"])
    window = candidates["window"].to_numpy(np.int64) if "window" in candidates else np.zeros(len(h), np.int64)
    t = candidates["t"].to_numpy(np.int64)
    order = np.lexsort((t, window, device_codes, h))
    spans = _spans(
        h[order],
        device_codes[order],
        window[order],
        t[order],
        candidates["lat"].to_numpy(float)[order],
        candidates["lon"].to_numpy(float)[order],
        spots,
        rules,
    )
    return visit_frame(spans, spots, device_names)


def visit_frame(spans: dict[str, np.ndarray], spots: list[footprint.HotSpot], device_names) -> pd.DataFrame:
    """The visits of `_spans` as a frame of VISIT_COLUMNS: hot spot and device by their ids."""
    return pd.DataFrame(
        {
            "hotspot_id": np.asarray([s.hotspot_id for s in spots], dtype=object)[spans["h"]],
            "device_id": np.asarray(device_names, dtype=object)[spans["dev"]],
            "window": spans["window"],
            "start_ms": spans["start_ms"],
            "end_ms": spans["end_ms"],
            "fixes": spans["fixes"],
            "minutes": spans["minutes"],
        }
    )[VISIT_COLUMNS]


def clean_fix_clause(alias: str = "f") -> str:
    return f"NOT {alias}.is_outlier AND ({alias}.accuracy_m IS NULL OR {alias}.accuracy_m <= $accuracy)"


def with_holder(con, found: pd.DataFrame) -> pd.DataFrame:
    """The visits with `holder` (warden at the start, else device) and UTC timestamps."""
    con.register("cv_found", found)
    try:
        return con.execute("""
            SELECT v.hotspot_id, v.device_id, coalesce(d.warden_code, v.device_id) AS holder,
                   make_timestamptz(v.start_ms * 1000) AS started_at, make_timestamptz(v.end_ms * 1000) AS ended_at,
                   v.minutes, CAST(v.fixes AS INTEGER) AS fixes, v."window"
            FROM cv_found v
            LEFT JOIN devices d ON d.device_id = v.device_id
             AND (d.valid_from IS NULL OR make_timestamptz(v.start_ms * 1000) >= d.valid_from)
             AND (d.valid_to IS NULL OR make_timestamptz(v.start_ms * 1000) < d.valid_to)""").df()
    finally:
        con.unregister("cv_found")
