"""Visits, duty days and presence cells from one scan of the fixes (issue 19).

The clean fixes of the windows being recomputed are read from DuckDB once, as numbers only: an integer
device code (a cast to an ENUM of the devices, never the device's text in a join, sort or window), the
instant in microseconds, lat, lon and the fix's bucket number for the hot-spot boxes (computed by
DuckDB while reading). They come in the store's order, which is time order per device when fixes were
loaded in time order, so a radix sort by device code puts them in device and time order. From those
arrays numpy makes both
- the candidates of the visits: the fixes inside a hot spot's box widened by the neighbour margin, in
  the order the visit rules (`detection._spans`) read them (hot spot, device, window, time), and
- the 1-minute mean positions of the trackers, and from them the duty days and the presence cells,
  with the same definitions as the SQL they replace (`VisitRules`, analytics.grid's frame), row for row.
The two run side by side (the visits in a helper thread). DuckDB then stores what came out.

Trackers are independent of each other, so the trackers are read a group at a time (about
`FIXES_PER_PASS` fixes) to bound the memory numpy needs on tens of millions of fixes.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.coverage import footprint
from analytics.coverage.detection import VisitRules, _spans, clean_fix_clause, visit_frame
from analytics.grid import METRES_PER_DEGREE_LAT, METRES_PER_DEGREE_LON, ORIGIN_LAT, ORIGIN_LON
from analytics.periods import LOCAL_TZ_NAME
from civ import store
from civ.geometry import haversine_m

FIXES_PER_PASS = 8_000_000  # fixes read and worked on at once (memory, not speed: ~0,15 GB per million)
US_PER_MINUTE = 60_000_000
US_PER_HOUR = 3_600_000_000
US_PER_DAY = 86_400_000_000


def islands(con, source: str, target: str) -> None:
    """Merge overlapping [lo, hi] ranges per device of `source` into `target` (window, device_id, flo, fhi)."""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {target} AS
        WITH o AS (SELECT device_id, lo, hi,
                          max(hi) OVER (PARTITION BY device_id ORDER BY lo, hi
                                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach FROM {source}),
        g AS (SELECT *, sum(CASE WHEN reach IS NULL OR lo > reach THEN 1 ELSE 0 END)
                        OVER (PARTITION BY device_id ORDER BY lo, hi ROWS UNBOUNDED PRECEDING) AS island FROM o)
        SELECT CAST(row_number() OVER (ORDER BY device_id, min(lo)) AS BIGINT) AS "window",
               device_id, min(lo) AS flo, max(hi) AS fhi
        FROM g GROUP BY device_id, island""")


@dataclass
class Scanned:
    """What one scan found: visits as `visits_in_windows` gives them; duty days and presence cells
    with integer codes (`dev` into `devices`, `holder` into `holders`, `day` in days since 1970-01-01)."""

    visits: pd.DataFrame
    duty_days: dict[str, np.ndarray]
    cells: dict[str, np.ndarray]
    devices: list[str]
    holders: list[str]


def scan_windows(
    con,
    rules: VisitRules,
    spots: list[footprint.HotSpot],
    visit_windows: str | None = "cv_fetch",
    day_windows: str | None = None,
) -> Scanned:
    """Visits of the fixes inside temp table `visit_windows` (window, device_id, flo, fhi; both ends
    included) near `spots`, and duty days and presence cells of the fixes inside `day_windows` (device_id,
    flo, fhi; local midnights, the end excluded), from one read of the fixes of both."""
    with _without_huge_pages():
        return _scan(con, rules, spots, visit_windows, day_windows)


@contextmanager
def _without_huge_pages():
    """numpy asks the kernel for transparent huge pages for every array over 4 MB (madvise). Where the kernel
    then compacts memory on the spot (THP defrag "madvise", as on the benchmark machine) a new array of a few
    MB can stall for tens of milliseconds, and a scan makes a hundred: 1,6 s instead of 0,4 s for the
    candidates of 3M fixes. Only a hint to the kernel, so off while scanning, as it was afterwards."""
    switch = getattr(np._core.multiarray, "_set_madvise_hugepage", None) if hasattr(np, "_core") else None
    if switch is None:
        yield
        return
    before = switch(False)
    try:
        yield
    finally:
        switch(before)


def _scan(con, rules, spots, visit_windows, day_windows) -> Scanned:
    sources = [f"SELECT device_id, flo AS lo, fhi AS hi FROM {t}" for t in (visit_windows, day_windows) if t]
    con.execute(f"CREATE OR REPLACE TEMP TABLE cv_scan_ranges AS {' UNION ALL '.join(sources)}")
    islands(con, "cv_scan_ranges", "cv_scan_islands")
    devices = [r[0] for r in con.execute("SELECT DISTINCT device_id FROM cv_scan_islands ORDER BY 1").fetchall()]
    con.execute(
        """CREATE OR REPLACE TEMP TABLE cv_scan_devices AS
           SELECT unnest($d) AS device_id, CAST(generate_subscripts($d, 1) - 1 AS INTEGER) AS dev""",
        {"d": devices},
    )
    con.execute("""CREATE OR REPLACE TEMP TABLE cv_scan AS
                   SELECT d.dev, i.device_id, i.flo, i.fhi FROM cv_scan_islands i JOIN cv_scan_devices d USING (device_id)""")
    try:
        scan_ranges = _ranges(con, "cv_scan", "0")
        visit_ranges = _ranges(con, visit_windows, '"window"') if visit_windows and spots else None
        day_ranges = _ranges(con, day_windows, "0") if day_windows else None
        holders, mappings = _holders(con, devices) if day_windows else (list(devices), None)
        boxes = _BucketedBoxes(footprint.box_frame(spots, rules.neighbour_margin_m)) if visit_ranges else None
        kept_day = _last_kept_day(con) if day_windows else None
        parts = []
        with ThreadPoolExecutor(max_workers=1) as helper:
            for first, last in _device_groups(con, devices, FIXES_PER_PASS):
                dev, t, lat, lon, bucket = _read_fixes(con, rules, devices, first, last, boxes, scan_ranges)
                part = {}
                # the visits (numpy and shapely, which let go of the GIL) in a thread while the duty days are
                # made here (they ask DuckDB for the time zone, on this thread's connection)
                visits = None
                if visit_ranges is not None:
                    windows = _slices(dev, t, *visit_ranges, last_included=True)
                    visits = helper.submit(_visit_spans, dev, t, lat, lon, bucket, windows, spots, rules, boxes)
                if day_ranges is not None:
                    inside = _inside(t.size, _slices(dev, t, *day_ranges, last_included=False))
                    if inside is None:
                        part["days"] = _days_and_cells(con, dev, t, lat, lon, mappings, kept_day, rules)
                    else:
                        fixes = (a[inside] for a in (dev, t, lat, lon))
                        part["days"] = _days_and_cells(con, *fixes, mappings, kept_day, rules)
                if visits is not None:
                    part["spans"] = visits.result()
                del dev, t, lat, lon, bucket, visits
                parts.append(part)
    finally:
        for temp in ("cv_scan_ranges", "cv_scan_islands", "cv_scan_devices", "cv_scan"):
            con.execute(f"DROP TABLE IF EXISTS {temp}")
    visits = _visit_frame([p["spans"] for p in parts if "spans" in p], spots, devices, rules)
    duty = _concat([p["days"][0] for p in parts if "days" in p], _DUTY_FIELDS)
    cells = _concat([p["days"][1] for p in parts if "days" in p], _CELL_FIELDS)
    return Scanned(visits, duty, cells, devices, holders)


def visits_in_windows(con, rules: VisitRules, spots: list[footprint.HotSpot]) -> pd.DataFrame:
    """Visits of the fixes inside temp table cv_fetch(window, device_id, flo, fhi) near `spots`."""
    return scan_windows(con, rules, spots, "cv_fetch", None).visits


def store_days(con, scanned: Scanned) -> None:
    """Insert the scanned duty days and presence cells (their old rows already deleted by the caller)."""
    names = pd.DataFrame({"code": np.arange(len(scanned.holders), dtype=np.int64), "name": scanned.holders})
    devices = pd.DataFrame({"code": np.arange(len(scanned.devices), dtype=np.int64), "name": scanned.devices})
    con.register("cv_holder_names", names)
    con.register("cv_device_names", devices)
    con.register("cv_duty", pd.DataFrame(scanned.duty_days))
    con.register("cv_cells", pd.DataFrame(scanned.cells))
    day = "DATE '1970-01-01' + CAST(x.day AS INTEGER)"
    names_join = "JOIN cv_device_names d ON d.code = x.dev JOIN cv_holder_names h ON h.code = x.holder"
    try:
        con.execute(f"""INSERT INTO duty_days
            SELECT d.name, h.name, {day}, make_timestamptz(x.first_us), make_timestamptz(x.last_us),
                   x.fixes, x.minutes, x.distance_km
            FROM cv_duty x {names_join} ORDER BY x.day""")
        con.execute(f"""INSERT INTO presence_cells
            SELECT d.name, h.name, {day}, x.cell_x, x.cell_y, x.minutes
            FROM cv_cells x {names_join} ORDER BY x.day""")
    finally:
        for view in ("cv_holder_names", "cv_device_names", "cv_duty", "cv_cells"):
            con.unregister(view)


# --- reading the fixes -------------------------------------------------------------------------
def _device_groups(con, devices: list[str], most: int) -> list[tuple[int, int]]:
    """Consecutive ranges of device codes holding about `most` fixes of the scanned ranges each (a device
    with more is a range of its own). A store that small reads everything at once, without counting."""
    if not devices:
        return []
    if store.scalar(con, "SELECT count(*) FROM fixes") <= most:
        return [(0, len(devices) - 1)]
    counts = con.execute(
        """SELECT s.dev, count(*) FROM fixes f JOIN cv_scan s ON f.device_id = s.device_id
                                                AND f.ts BETWEEN s.flo AND s.fhi
           GROUP BY s.dev ORDER BY s.dev"""
    ).fetchall()
    groups, first, previous, total = [], None, None, 0
    for dev, n in counts:
        if first is not None and total + n > most:
            groups.append((first, previous))
            first, total = None, 0
        first = dev if first is None else first
        total += n
        previous = dev
    if first is not None:
        groups.append((first, previous))
    return groups


def _read_fixes(con, rules: VisitRules, devices: list[str], first: int, last: int, boxes, ranges) -> tuple:
    """The clean fixes of devices `first`..`last` inside their ranges: dev, t (µs), lat,
    lon and the number of their bucket in `boxes` (None without), sorted by device and time. `ranges`: cv_scan as arrays.

    The device code comes from a cast to an ENUM of the group's devices, not from a join: a join hands the
    rows over in a different order on every core, a cast keeps the store's order, which for fixes loaded
    in time order is time order per device already, so a stable sort by device code (a radix sort) is all
    the sorting left. Fixes loaded out of order are sorted by device and time in full."""
    names = ", ".join("'" + name.replace("'", "''") + "'" for name in devices[first : last + 1])
    in_group = (ranges[0] >= first) & (ranges[0] <= last)
    lo, hi = int(ranges[1][in_group].min()), int(ranges[2][in_group].max())
    bucket = boxes.bucket_sql("f") if boxes is not None else None
    columns = con.execute(
        f"""SELECT * FROM (
                SELECT CAST(enum_code(TRY_CAST(f.device_id AS ENUM({names}))) AS INTEGER) + {first} AS dev,
                       epoch_us(f.ts) AS t, f.lat, f.lon{f", {bucket} AS bucket" if bucket else ""}
                FROM fixes f
                WHERE f.ts BETWEEN make_timestamptz($lo) AND make_timestamptz($hi) AND {clean_fix_clause()})
            WHERE dev IS NOT NULL""",
        {"lo": lo, "hi": hi, "accuracy": rules.accuracy_max_m},
    ).fetchnumpy()
    arrays = [np.asarray(columns[c]) for c in ("dev", "t", "lat", "lon", "bucket") if c in columns]
    del columns
    dev = arrays[0]
    order = np.argsort(dev.astype(np.int16) if last - first < 2**15 else dev, kind="stable")
    arrays = [a[order] for a in arrays]
    dev, t = arrays[0], arrays[1]
    if not np.all((t[1:] >= t[:-1]) | (dev[1:] != dev[:-1])):
        order = np.lexsort((t, dev))
        arrays = [a[order] for a in arrays]
    inside = _inside(dev.size, _slices(arrays[0], arrays[1], *ranges, last_included=True))
    if inside is not None:  # fixes of the time range outside the device's own ranges
        arrays = [a[inside] for a in arrays]
    return (*arrays, None) if bucket is None else tuple(arrays)


def _ranges(con, table: str, window: str) -> tuple[np.ndarray, ...]:
    """The time ranges of a window table as arrays: device code, first and last µs, window number."""
    rows = con.execute(f"""SELECT d.dev, epoch_us(w.flo), epoch_us(w.fhi), CAST({window} AS BIGINT)
                           FROM {table} w JOIN cv_scan_devices d USING (device_id)""").fetchnumpy()
    return tuple(np.asarray(rows[c]) for c in rows)


def _slices(dev, t, wdev, wlo, whi, wnumber, last_included: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows (sorted by device and time) inside each range of their device, as slices: first rows, ends
    and the ranges' numbers, in row order. The ranges of one device never overlap (they are islands)."""
    dev_first = np.searchsorted(dev, wdev, "left")
    dev_last = np.searchsorted(dev, wdev, "right")
    starts, ends = np.zeros(len(wdev), dtype=np.int64), np.zeros(len(wdev), dtype=np.int64)
    for i, (a, b, lo, hi) in enumerate(zip(dev_first, dev_last, wlo, whi)):
        times = t[a:b]
        starts[i] = a + np.searchsorted(times, lo, "left")
        ends[i] = a + np.searchsorted(times, hi, "right" if last_included else "left")
    used = np.flatnonzero(ends > starts)
    order = used[np.argsort(starts[used])]
    return starts[order], ends[order], np.asarray(wnumber)[order]


def _inside(rows: int, slices) -> np.ndarray | None:
    """A mask of the rows inside the slices, or None when that is every row (a full rebuild)."""
    starts, ends, _ = slices
    if int((ends - starts).sum()) == rows:
        return None
    mask = np.zeros(rows, dtype=bool)
    for a, b in zip(starts, ends):
        mask[a:b] = True
    return mask


# --- visits ------------------------------------------------------------------------------------
class _BucketedBoxes:
    """The hot spots' widened boxes on a grid of cells: each fix meets only the boxes of its own cell, then
    the exact box test. The cells are footprint's buckets divided as finely as a dense table of at most
    MOST_BUCKETS cells allows (about 70 x 70 m around a municipality's hot spots): fine cells send few
    fixes outside a box to its test and seldom hold two boxes. Looked up by position."""

    MOST_BUCKETS = 4_000_000  # hot spots spread wider than this at the coarsest grid: every box on every fix
    FINENESS = (8, 4, 2, 1)  # cells per footprint bucket along each axis, the finest that fits first

    def __init__(self, boxes: pd.DataFrame):
        self.lo_lat, self.hi_lat, self.lo_lon, self.hi_lon = (
            boxes[c].to_numpy(float) for c in ("lo_lat", "hi_lat", "lo_lon", "hi_lon")
        )
        self.spots_count = len(boxes)
        self.table = None
        if not len(boxes):
            return
        for fineness in self.FINENESS:
            self.per_lat = footprint.BUCKETS_PER_DEGREE_LAT * fineness
            self.per_lon = footprint.BUCKETS_PER_DEGREE_LON * fineness
            gy_lo, gy_hi = (np.floor(v * self.per_lat).astype(np.int64) for v in (self.lo_lat, self.hi_lat))
            gx_lo, gx_hi = (np.floor(v * self.per_lon).astype(np.int64) for v in (self.lo_lon, self.hi_lon))
            self.ny, self.nx = int(gy_hi.max() - gy_lo.min()) + 1, int(gx_hi.max() - gx_lo.min()) + 1
            if self.ny * self.nx <= self.MOST_BUCKETS:
                break
        else:
            return
        self.gy0, self.gx0 = float(gy_lo.min()), float(gx_lo.min())
        buckets, spots = [], []
        for h in range(len(boxes)):
            gy = np.arange(gy_lo[h], gy_hi[h] + 1) - int(self.gy0)
            gx = np.arange(gx_lo[h], gx_hi[h] + 1) - int(self.gx0)
            buckets.append((gy[:, None] * self.nx + gx[None, :]).ravel())
            spots.append(np.full(gy.size * gx.size, h, dtype=np.int64))
        buckets, spots = np.concatenate(buckets), np.concatenate(spots)
        order = np.argsort(buckets, kind="stable")  # per cell its hot spots, in hot-spot order
        self.spots = spots[order]
        count = np.bincount(buckets + 1, minlength=self.ny * self.nx + 1)  # number 0: no cell
        self.first = np.cumsum(count) - count
        self.count = count.astype(np.int32)  # gathered for every fix: the narrower the quicker
        self.table = True

    def bucket_sql(self, alias: str) -> str | None:
        """SQL for a fix's cell number in this table, 0 outside it (DuckDB computes it while reading the
        fixes, on every core). floor(lat * 1600) is a whole number below 2**53: minus the table's first
        cell it stays exact, the same number numpy gives the boxes' edges (x -> floor(x * c) is monotone,
        so a fix inside a box always lies in one of the box's cells)."""
        if self.table is None:
            return None
        y = f"(floor({alias}.lat * {self.per_lat}) - {self.gy0!r})"
        x = f"(floor({alias}.lon * {self.per_lon}) - {self.gx0!r})"
        return (
            f"CASE WHEN {y} >= 0 AND {y} < {self.ny} AND {x} >= 0 AND {x} < {self.nx} "
            f"THEN CAST({y} * {self.nx} + {x} AS INTEGER) + 1 ELSE 0 END"
        )

    def candidates(self, bucket, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pairs (hot spot index, row) of rows inside a widened box, sorted by hot spot, then row. `bucket`:
        the rows' numbers from bucket_sql (None when the table is too wide: then every box on every row)."""
        if bucket is None:
            return self._every_box(lat, lon)
        count = self.count[bucket]
        rows = np.flatnonzero(count)
        count = count[rows]
        first = self.first[bucket[rows]]
        shared = count > 1
        if not shared.any():
            return self._sorted_inside(self.spots[first], rows, lat, lon)
        alone = self._sorted_inside(self.spots[first[~shared]], rows[~shared], lat, lon)
        # the few rows in cells shared by hot spots: a pair for each hot spot of the cell
        rows, first, count = rows[shared], first[shared], count[shared]
        rows, first = np.repeat(rows, count), np.repeat(first, count)
        first += np.arange(rows.size) - np.repeat(np.cumsum(count) - count, count)
        return _merged(alone, self._sorted_inside(self.spots[first], rows, lat, lon), lat.size)

    def _every_box(self, lat, lon):
        h, rows = [], []
        for spot in range(self.spots_count):
            inside = np.flatnonzero(
                (lat >= self.lo_lat[spot])
                & (lat <= self.hi_lat[spot])
                & (lon >= self.lo_lon[spot])
                & (lon <= self.hi_lon[spot])
            )
            rows.append(inside)
            h.append(np.full(inside.size, spot, dtype=np.int64))
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(h), np.concatenate(rows)

    def _sorted_inside(self, h, rows, lat, lon):
        y, x = lat[rows], lon[rows]
        inside = (y >= self.lo_lat[h]) & (y <= self.hi_lat[h])
        inside &= (x >= self.lo_lon[h]) & (x <= self.hi_lon[h])
        h, rows = h[inside], rows[inside]
        order = np.argsort(h.astype(np.int16 if self.spots_count < 2**15 else np.int64), kind="stable")
        return h[order], rows[order]


def _merged(many, few, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Two lists of distinct (hot spot, row) pairs, each sorted, as one sorted list (the few placed by search)."""
    many_key, few_key = (h * rows + r for h, r in (many, few))
    at = np.searchsorted(many_key, few_key) + np.arange(few_key.size)
    from_many = np.ones(many_key.size + few_key.size, dtype=bool)
    from_many[at] = False
    merged = []
    for column in range(2):
        out = np.empty(from_many.size, dtype=np.int64)
        out[from_many], out[at] = many[column], few[column]
        merged.append(out)
    return merged[0], merged[1]


def _visit_spans(dev, t, lat, lon, bucket, windows, spots, rules: VisitRules, boxes) -> dict[str, np.ndarray]:
    """The visit rules on the fixes of the visit windows (`windows`: their slices of the rows): candidates
    near each hot spot in (hot spot, device, window, time) order, since the fixes are in device and time
    order and a device's windows follow its time."""
    inside = _inside(t.size, windows)
    if inside is None:  # a full rebuild: every fix is in a window
        h, rows = boxes.candidates(bucket, lat, lon)
    else:
        in_window = np.flatnonzero(inside)
        h, rows = boxes.candidates(None if bucket is None else bucket[in_window], lat[in_window], lon[in_window])
        rows = in_window[rows]
    starts, _, numbers = windows
    window = numbers[np.searchsorted(starts, rows, "right") - 1]
    return _spans(h, dev[rows], window, t[rows] // 1000, lat[rows], lon[rows], spots, rules)


def _visit_frame(parts: list[dict], spots, devices: list[str], rules: VisitRules) -> pd.DataFrame:
    spans = (
        {k: np.concatenate([part[k] for part in parts]) for k in parts[0]}
        if parts
        else _spans(*(np.zeros(0, dtype=np.int64) for _ in range(6)), spots, rules)
    )
    return visit_frame(spans, spots, devices)


# --- duty days and presence cells ----------------------------------------------------------------
_DUTY_FIELDS = {
    "dev": np.int64,
    "holder": np.int64,
    "day": np.int64,
    "first_us": np.int64,
    "last_us": np.int64,
    "fixes": np.int64,
    "minutes": np.int64,
    "distance_km": float,
}
_CELL_FIELDS = {
    "dev": np.int64,
    "holder": np.int64,
    "day": np.int64,
    "cell_x": np.int32,
    "cell_y": np.int32,
    "minutes": np.int64,
}


def _concat(parts: list[dict], fields: dict) -> dict[str, np.ndarray]:
    if not parts:
        return {k: np.zeros(0, dtype=v) for k, v in fields.items()}
    return {k: np.concatenate([p[k] for p in parts]) for k in fields}


def _holders(con, devices: list[str]) -> tuple[list[str], tuple[np.ndarray, ...]]:
    """Holder names (the devices first, code = device code, then the wardens) and the warden mappings of
    the scanned devices as arrays: device code, holder code, valid from / to in µs (None: open)."""
    rows = con.execute("""SELECT s.dev, d.warden_code, epoch_us(d.valid_from), epoch_us(d.valid_to)
                          FROM devices d JOIN cv_scan_devices s USING (device_id)
                          ORDER BY s.dev, d.valid_from NULLS FIRST""").fetchall()
    wardens = sorted({r[1] for r in rows})
    code = {w: len(devices) + i for i, w in enumerate(wardens)}
    return list(devices) + wardens, [(dev, code[w], lo, hi) for dev, w, lo, hi in rows]


def _last_kept_day(con) -> int | None:
    """cv_kept's last kept local day in days since 1970-01-01; None without retention."""
    return store.scalar(
        con, "SELECT CASE WHEN isfinite(last_kept_day) THEN last_kept_day - DATE '1970-01-01' END FROM cv_kept"
    )


def _local_days(con, t: np.ndarray) -> np.ndarray:
    """The local (Brussels) day of each instant (µs), in days since 1970-01-01. DuckDB gives the offset
    of every UTC hour in the range, the same time-zone rules as analytics.periods.local_day_sql (Brussels
    changes its offset only on whole UTC hours)."""
    if t.size == 0:
        return np.zeros(0, dtype=np.int64)
    hours = t // US_PER_HOUR
    first = int(hours.min())
    offsets = con.execute(
        f"""SELECT epoch_us(CAST(timezone('{LOCAL_TZ_NAME}', make_timestamptz(h * {US_PER_HOUR})) AS TIMESTAMP))
                   - h * {US_PER_HOUR} AS offset_us
            FROM range($first, $last + 1) r(h) ORDER BY h""",
        {"first": first, "last": int(hours.max())},
    ).fetchnumpy()["offset_us"]
    return (t + np.asarray(offsets)[hours - first]) // US_PER_DAY


def _stable_order(*columns: np.ndarray) -> np.ndarray:
    """The stable order that sorts rows by integer columns, the first column first: one int64 key when the
    columns' ranges fit in it (a stable sort of keys that are mostly in order already is quick), else lexsort."""
    if not columns[0].size:
        return np.zeros(0, dtype=np.int64)
    key, span = np.zeros(columns[0].size, dtype=np.int64), 1
    for column in columns:
        lowest, width = int(column.min()), int(column.max()) - int(column.min()) + 1
        span *= width
        if span >= 2**62:
            return np.lexsort(columns[::-1])
        key *= width
        key += column - lowest
    return np.argsort(key, kind="stable")


def _sums_in_order(columns: tuple[np.ndarray, ...], starts: np.ndarray, counts: np.ndarray) -> list[np.ndarray]:
    """Per run of rows (`starts`, `counts`), the sum of each column added one row after the other, as DuckDB's
    avg does: numpy's reduceat associates the terms otherwise, and a mean position a last bit away may
    fall in the next presence cell (a mean of 50,92 exactly, the grid's origin, did)."""
    sums = [column[starts] for column in columns]
    active = np.flatnonzero(counts > 1)
    offset = 1
    while active.size:
        rows = starts[active] + offset
        for total, column in zip(sums, columns):
            total[active] += column[rows]
        offset += 1
        active = active[counts[active] > offset]
    return sums


def _days_and_cells(con, dev, t, lat, lon, mappings, kept_day, rules: VisitRules) -> tuple[dict, dict]:
    """Duty days and presence cells of the clean fixes of the day windows (sorted by device and time).

    As the SQL it replaces: one row per tracker and minute (epoch minute) with its mean position, first
    and last fix and number of fixes; the holder (warden mapping) and the local day of the minute's
    first fix; minutes of kept days (retention) left out. A duty day's distance: the steps between the
    minute positions of one (device, holder, day) in time order, steps under `min_step_m` not counted."""
    if not t.size:
        return _concat([], _DUTY_FIELDS), _concat([], _CELL_FIELDS)
    minute = t // US_PER_MINUTE
    new = np.ones(t.size, dtype=bool)
    new[1:] = (minute[1:] != minute[:-1]) | (dev[1:] != dev[:-1])
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], t.size)
    fixes = ends - starts
    m_dev, first_us, last_us = dev[starts], t[starts], t[ends - 1]
    m_lat, m_lon = (total / fixes for total in _sums_in_order((lat, lon), starts, fixes))
    holder = m_dev.astype(np.int64)
    for code, warden, valid_from, valid_to in mappings:
        a, b = np.searchsorted(m_dev, code, "left"), np.searchsorted(m_dev, code, "right")
        times = first_us[a:b]
        lo = a + (0 if valid_from is None else np.searchsorted(times, valid_from, "left"))
        hi = b if valid_to is None else a + np.searchsorted(times, valid_to, "left")
        holder[lo:hi] = warden
    day = _local_days(con, first_us)
    if kept_day is not None:
        keep = day > kept_day
        m_dev, holder, day, first_us, last_us, fixes, m_lat, m_lon = (
            a[keep] for a in (m_dev, holder, day, first_us, last_us, fixes, m_lat, m_lon)
        )
        if not m_dev.size:
            return _concat([], _DUTY_FIELDS), _concat([], _CELL_FIELDS)
    # (device, holder, day) groups, each in minute order (a device's minutes are; a stable sort keeps it)
    order = _stable_order(m_dev, holder, day)
    m_dev, holder, day, first_us, last_us, fixes, m_lat, m_lon = (
        a[order] for a in (m_dev, holder, day, first_us, last_us, fixes, m_lat, m_lon)
    )
    new = np.ones(m_dev.size, dtype=bool)
    new[1:] = (m_dev[1:] != m_dev[:-1]) | (holder[1:] != holder[:-1]) | (day[1:] != day[:-1])
    g_starts = np.flatnonzero(new)
    g_ends = np.append(g_starts[1:], m_dev.size)
    step = np.zeros(m_dev.size)
    if m_dev.size > 1:
        step[1:] = haversine_m(m_lat[:-1], m_lon[:-1], m_lat[1:], m_lon[1:])
    counted = np.where(~new & (step >= rules.min_step_m), step, 0.0)
    duty = {
        "dev": m_dev[g_starts].astype(np.int64),
        "holder": holder[g_starts],
        "day": day[g_starts],
        "first_us": first_us[g_starts],
        "last_us": last_us[g_ends - 1],
        "fixes": np.add.reduceat(fixes, g_starts),
        "minutes": g_ends - g_starts,
        "distance_km": np.add.reduceat(counted, g_starts) / 1000,
    }
    cell = float(rules.cell_m)
    cell_x = np.floor((m_lon - ORIGIN_LON) * METRES_PER_DEGREE_LON / cell).astype(np.int64)
    cell_y = np.floor((m_lat - ORIGIN_LAT) * METRES_PER_DEGREE_LAT / cell).astype(np.int64)
    group = np.cumsum(new) - 1
    keys = _stable_order(group, cell_x, cell_y)
    group, cell_x, cell_y = group[keys], cell_x[keys], cell_y[keys]
    new = np.ones(group.size, dtype=bool)
    new[1:] = (group[1:] != group[:-1]) | (cell_x[1:] != cell_x[:-1]) | (cell_y[1:] != cell_y[:-1])
    c_starts = np.flatnonzero(new)
    owner = g_starts[group[c_starts]]  # the group's first minute: its device, holder and day
    cells = {
        "dev": m_dev[owner].astype(np.int64),
        "holder": holder[owner],
        "day": day[owner],
        "cell_x": cell_x[c_starts].astype(np.int32),
        "cell_y": cell_y[c_starts].astype(np.int32),
        "minutes": np.diff(np.append(c_starts, group.size)),
    }
    return duty, cells
