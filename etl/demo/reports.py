"""Demo reports (meldingen): a seasonal background per category plus the planted patterns,
written as the canonical Belgian CSV a CIV export looks like, with a handful of bad rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.resources
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from etl.demo import geography as geo
from etl.demo.scenario import (
    NEW_SITE_CLEAR_RADIUS_M,
    PLANTED_HOTSPOTS,
    SPIKE_CATEGORY,
    SPIKE_MONTH,
    SPIKE_MULTIPLIER,
    TRENDS_PER_YEAR,
    Timeline,
    belgian_holidays,
    projects,
)

COLUMNS = [
    "id",
    "reported_at",
    "category",
    "channel",
    "lat",
    "lon",
    "status",
    "closed_at",
    "area",
    "description",
    "gas",
    "reporter",
]


def _categories() -> list[dict]:
    text = importlib.resources.files("civ.reference_data").joinpath("categories.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


CATEGORIES = _categories()
CATEGORY_CODES = [c["code"] for c in CATEGORIES]
CATEGORY_LABELS = {c["code"]: c["label_nl"] for c in CATEGORIES}  # what the export carries
GAS_RELEVANT = {c["code"] for c in CATEGORIES if c["gas_relevant"] == "true"}

# Average reports a month; the seasonal profiles below average about 1 over the year.
MONTHLY_RATE = {
    "sluikstort": 28,
    "zwerfvuil": 20,
    "hondenpoep": 26,
    "glasbol": 9,
    "geluidshinder": 17,
    "hangjongeren": 10,
    "burenhinder": 6,
    "overlast": 6,
    "hinderlijke_begroeiing": 14,
    "wildplakken": 6,
    "graffiti": 5,
    "vandalisme": 6,
    "huisnummer": 3,
    "defect_openbaar_domein": 12,
    "ongedierte": 3,
    "foutparkeren": 17,
    "verkeersoverlast": 7,
    "diefstal": 4,
    "inbraak": 3,
    "geweld": 1.5,
    "drugs": 2,
    "overig": 6,
}
SEASON = {  # January .. December
    "hinderlijke_begroeiing": [0.15, 0.15, 0.4, 1.0, 1.8, 2.4, 2.3, 1.7, 1.1, 0.5, 0.2, 0.15],
    "geluidshinder": [0.6, 0.6, 0.7, 0.9, 1.1, 1.4, 1.6, 1.5, 1.1, 0.9, 0.7, 0.9],
    "hangjongeren": [0.4, 0.4, 0.6, 0.9, 1.2, 1.6, 1.8, 1.7, 1.0, 0.8, 0.5, 0.5],
    "sluikstort": [1.0, 0.9, 1.0, 1.2, 1.2, 1.0, 0.9, 0.9, 1.0, 1.0, 0.9, 1.0],
    "zwerfvuil": [0.8, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.3, 1.1, 0.9, 0.8, 0.8],
    "hondenpoep": [1.25, 1.2, 1.1, 1.0, 0.9, 0.85, 0.85, 0.85, 0.9, 1.0, 1.15, 1.25],
    "inbraak": [1.4, 1.1, 0.9, 0.8, 0.7, 0.7, 0.8, 0.8, 0.9, 1.1, 1.4, 1.6],
}
EVENING_CATEGORIES = {"geluidshinder", "hangjongeren"}
WEEKDAY_FACTOR = {  # Monday .. Sunday
    "default": [1.1, 1.1, 1.1, 1.1, 1.05, 0.8, 0.75],
    "evening": [0.75, 0.75, 0.8, 0.95, 1.35, 1.6, 1.2],
}


def _profile(values) -> np.ndarray:
    weights = np.asarray(values, dtype=float)
    return weights / weights.sum()


HOURS = {  # hour-of-day weights 0..23
    "day": _profile([1, 0.5, 0.3, 0.3, 0.3, 0.6, 2, 4, 7, 9, 9, 8, 6, 8, 9, 9, 8, 7, 6, 5, 4, 3, 2, 1.5]),
    "evening": _profile(
        [6, 4, 2.5, 1, 0.5, 0.3, 0.3, 0.5, 0.8, 1, 1, 1.2, 1.5, 1.5, 1.6, 2, 2.5, 3, 4, 5.5, 7, 8, 8.5, 8]
    ),
    "traffic": _profile([0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 2, 8, 9, 5, 4, 4, 5, 4, 4, 7, 8, 6, 4, 3, 2, 1, 0.5, 0.3]),
    "office": _profile([0, 0, 0, 0, 0, 0, 0, 0, 6, 9, 9, 7, 3, 6, 7, 6, 3, 0, 0, 0, 0, 0, 0, 0]),
    "shift": _profile([0, 0, 0, 0, 0, 0, 0, 0, 7, 9, 9, 8, 4, 8, 8, 6, 0, 0, 0, 0, 0, 0, 0, 0]),
}
HOUR_PROFILE = {
    "geluidshinder": "evening",
    "hangjongeren": "evening",
    "burenhinder": "evening",
    "foutparkeren": "traffic",
    "verkeersoverlast": "traffic",
}

# Channel texts exactly as the export spells them; the Pro?bleembox gets its mailbox number appended.
CHANNELS = [
    "post",
    "e-mail",
    "facebook",
    "Pro?bleembox",
    "VIA",
    "politie",
    "gemeentedienst",
    "externe dienst",
    "vaststelling",
]
PROBLEEMBOX, POLITIE, VASTSTELLING = 3, 5, 8
OFFICE_CHANNELS = {0, 3, 4, 6, 7}  # registered by the CIV during office hours on working days
CHANNEL_MIX = {
    "default": [0.05, 0.27, 0.10, 0.13, 0.05, 0.12, 0.10, 0.03, 0.15],
    "gas": [0.04, 0.20, 0.08, 0.12, 0.04, 0.08, 0.07, 0.02, 0.35],
    "nuisance": [0.04, 0.22, 0.10, 0.10, 0.05, 0.35, 0.03, 0.02, 0.09],
    "crime": [0.02, 0.08, 0.03, 0.02, 0.0, 0.85, 0.0, 0.0, 0.0],
    "service": [0.04, 0.25, 0.06, 0.10, 0.05, 0.05, 0.35, 0.10, 0.0],
    "huisnummer": [0.02, 0.08, 0.02, 0.04, 0.02, 0.02, 0.05, 0.0, 0.75],
}
CHANNEL_GROUP = {
    "hondenpoep": "gas",
    "zwerfvuil": "gas",
    "wildplakken": "gas",
    "foutparkeren": "gas",
    "sluikstort": "gas",
    "geluidshinder": "nuisance",
    "hangjongeren": "nuisance",
    "burenhinder": "nuisance",
    "overlast": "nuisance",
    "diefstal": "crime",
    "inbraak": "crime",
    "geweld": "crime",
    "drugs": "crime",
    "defect_openbaar_domein": "service",
    "ongedierte": "service",
    "hinderlijke_begroeiing": "service",
    "huisnummer": "huisnummer",
}

# Where the steady background concentrates: (share of a category's located reports near defined
# hot spots, {hot spot: weight}). Planted sites are left out so their story stays the planted one.
ATTRACTORS = {
    "sluikstort": (0.25, {"Glasbolsite Zellik": 1, "Glasbolsite Kobbegem": 1, "Station Asse": 0.5}),
    "zwerfvuil": (
        0.35,
        {
            "Station Asse": 1,
            "Gemeenteplein Asse": 1,
            "Station Zellik": 1,
            "Schoolomgeving Asse-centrum": 0.7,
            "Sportcentrum Asse": 0.5,
        },
    ),
    "hondenpoep": (0.30, {"Gemeentepark Asse": 1, "Dorpsplein Zellik": 1, "Kerkplein Mollem": 0.7}),
    "glasbol": (0.60, {"Glasbolsite Zellik": 1, "Glasbolsite Kobbegem": 1}),
    "geluidshinder": (0.20, {"Gemeenteplein Asse": 1, "Station Zellik": 0.6}),
    "hangjongeren": (0.40, {"Station Asse": 1, "Station Zellik": 1, "Sportcentrum Asse": 0.6}),
    "foutparkeren": (
        0.45,
        {"Schoolomgeving Asse-centrum": 1, "Gemeenteplein Asse": 1, "Station Asse": 1, "Schoolomgeving Relegem": 0.6},
    ),
    "vandalisme": (0.30, {"Station Asse": 1, "Station Zellik": 1}),
    "wildplakken": (0.30, {"Station Asse": 1, "Gemeenteplein Asse": 1}),
    "graffiti": (0.30, {"Station Zellik": 1, "Station Asse": 1}),
    "verkeersoverlast": (0.30, {"Schoolomgeving Asse-centrum": 1, "Schoolomgeving Relegem": 1}),
    "overlast": (0.30, {"Station Asse": 1, "Gemeenteplein Asse": 1}),
}
# Reports out in the fields rather than in a village (dumping on field roads, hedges along them).
UNIFORM_SHARE = {"sluikstort": 0.35, "hinderlijke_begroeiing": 0.25}
UNLOCATED_SHARE = 0.10


@dataclass
class ReportTable:
    """All valid demo reports, one array per attribute, in generation order."""

    day: np.ndarray  # days since timeline.start (local date)
    minute: np.ndarray  # minute of the local day
    cat: np.ndarray  # index into CATEGORY_CODES
    channel: np.ndarray  # index into CHANNELS
    box: np.ndarray  # Pro?bleembox index, -1 when another channel
    area: np.ndarray  # index into geo.areas()
    lat: np.ndarray  # NaN: no location
    lon: np.ndarray
    planted: np.ndarray  # index into PLANTED_HOTSPOTS, -1 for background

    def __len__(self) -> int:
        return len(self.day)

    def select(self, keep: np.ndarray) -> ReportTable:
        return ReportTable(**{name: value[keep] for name, value in vars(self).items()})

    @staticmethod
    def concat(tables: list[ReportTable]) -> ReportTable:
        return ReportTable(**{name: np.concatenate([vars(t)[name] for t in tables]) for name in vars(tables[0])})


@lru_cache(maxsize=4)
def _day_calendar(timeline: Timeline):
    days = timeline.days()
    weekday = np.array([d.weekday() for d in days])
    month_index = np.array([(d.year - timeline.start.year) * 12 + d.month - timeline.start.month for d in days])
    month_of_year = np.array([d.month for d in days])
    holidays = set().union(*(belgian_holidays(y) for y in {d.year for d in days}))
    working = np.array([d.weekday() < 5 and d not in holidays for d in days])
    # the next working day (the CIV registers letters and mailbox reports when it is open)
    next_working = np.arange(len(days))
    following = len(days) - 1
    for i in range(len(days) - 1, -1, -1):
        if working[i]:
            following = i
        next_working[i] = following if working[following] else i
    return days, weekday, month_index, month_of_year, working, next_working


def _background_counts(rng, timeline: Timeline, planted: bool):
    days, weekday, month_index, month_of_year, _, _ = _day_calendar(timeline)
    years_since_start = np.arange(len(days)) / 365.25
    counts = np.zeros((len(days), len(CATEGORY_CODES)), dtype=np.int64)
    summer_weekend = np.isin(month_of_year, [6, 7, 8]) & np.isin(weekday, [4, 5])
    for c, code in enumerate(CATEGORY_CODES):
        season = np.asarray(SEASON.get(code, [1.0] * 12))[month_of_year - 1]
        week = np.asarray(WEEKDAY_FACTOR["evening" if code in EVENING_CATEGORIES else "default"])[weekday]
        rate = MONTHLY_RATE[code] * 12 / 365.25 * season * week
        if code in EVENING_CATEGORIES:
            rate = rate * np.where(summer_weekend, 1.3, 1.0)
        if planted:
            rate = rate * TRENDS_PER_YEAR.get(code, 1.0) ** years_since_start
            if code == SPIKE_CATEGORY:
                rate = rate * np.where(month_index == SPIKE_MONTH, SPIKE_MULTIPLIER, 1.0)
            for project in projects(timeline):
                if code in project.categories and project.area == "" and project.during_multiplier != 1.0:
                    during = np.array([project.start <= d <= (project.end or d) for d in days])
                    rate = rate * np.where(during, project.during_multiplier, 1.0)
        counts[:, c] = rng.poisson(rate)
    return counts


def _channels(rng, cat: np.ndarray) -> np.ndarray:
    channel = np.zeros(len(cat), dtype=np.int64)
    for c, code in enumerate(CATEGORY_CODES):
        rows = np.flatnonzero(cat == c)
        mix = np.asarray(CHANNEL_MIX[CHANNEL_GROUP.get(code, "default")], dtype=float)
        if code not in GAS_RELEVANT:
            mix[VASTSTELLING] = 0.0  # wardens only record offences a GAS by-law covers
        channel[rows] = rng.choice(len(CHANNELS), size=rows.size, p=mix / mix.sum())
    return channel


def _boxes_for(rng, area: np.ndarray) -> np.ndarray:
    """A citizen drops the letter in a mailbox of their own sub-municipality, mostly."""
    box_area = np.array([geo.area_index(b.area) for b in geo.PROBLEEMBOXES])
    box = rng.integers(0, len(geo.PROBLEEMBOXES), len(area))
    local = rng.random(len(area)) < 0.85
    for a in np.unique(area[local]):
        rows = np.flatnonzero(local & (area == a))
        candidates = np.flatnonzero(box_area == a)
        box[rows] = rng.choice(candidates, size=rows.size)
    return box


def _locate(rng, cat, channel, box, area):
    """Points for background reports: near a mailbox, near a hot spot, in a village or in the fields."""
    n = len(cat)
    centre_lat = np.zeros(n)
    centre_lon = np.zeros(n)
    sigma = np.zeros(n)
    uniform = np.zeros(n, dtype=bool)
    at_spot = np.zeros(n, dtype=bool)
    draw = rng.random(n)
    for c, code in enumerate(CATEGORY_CODES):
        rows = np.flatnonzero(cat == c)
        share, spots = ATTRACTORS.get(code, (0.0, {}))
        near_spot = rows[draw[rows] < share]
        if near_spot.size:
            names = list(spots)
            weights = np.array([spots[name] for name in names], dtype=float)
            chosen = rng.choice(len(names), size=near_spot.size, p=weights / weights.sum())
            for k, name in enumerate(names):
                spot = geo.hotspot(name)
                sel = near_spot[chosen == k]
                centre_lat[sel], centre_lon[sel], sigma[sel] = spot.lat, spot.lon, spot.radius_m * 0.6
                area[sel] = geo.area_index(spot.area)
                at_spot[sel] = True
        in_fields = rows[(draw[rows] >= share) & (draw[rows] < share + UNIFORM_SHARE.get(code, 0.10))]
        uniform[in_fields] = True
    core_rows = np.flatnonzero((sigma == 0) & ~uniform)
    for a, area_obj in enumerate(geo.areas()):
        sel = core_rows[area[core_rows] == a]
        cores = geo.VILLAGE_CORES[area_obj.name]
        weights = np.array([w for *_, w in cores])
        chosen = rng.choice(len(cores), size=sel.size, p=weights / weights.sum())
        for k, (lat, lon, s, _) in enumerate(cores):
            centre_lat[sel[chosen == k]], centre_lon[sel[chosen == k]], sigma[sel[chosen == k]] = lat, lon, s
    # a mailbox report is about the writer's own street: near the box
    box_area = np.array([geo.area_index(b.area) for b in geo.PROBLEEMBOXES])
    by_box = np.flatnonzero((channel == PROBLEEMBOX) & ~uniform & ~at_spot)
    by_box = by_box[box_area[box[by_box]] == area[by_box]]
    centre_lat[by_box] = [geo.PROBLEEMBOXES[b].lat for b in box[by_box]]
    centre_lon[by_box] = [geo.PROBLEEMBOXES[b].lon for b in box[by_box]]
    sigma[by_box] = 450
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    gauss = np.flatnonzero(~uniform)
    lat[gauss], lon[gauss] = geo.sample_near(rng, area[gauss], centre_lat[gauss], centre_lon[gauss], sigma[gauss])
    flat = np.flatnonzero(uniform)
    lat[flat], lon[flat] = geo.sample_uniform(rng, area[flat])
    return lat, lon


def _minutes(rng, cat: np.ndarray, channel: np.ndarray) -> np.ndarray:
    profile = np.array([HOUR_PROFILE.get(CATEGORY_CODES[c], "day") for c in cat], dtype="<U16")
    profile[np.isin(channel, list(OFFICE_CHANNELS))] = "office"
    profile[channel == VASTSTELLING] = "shift"
    hour = np.zeros(len(cat), dtype=np.int64)
    for name, weights in HOURS.items():
        rows = np.flatnonzero(profile == name)
        hour[rows] = rng.choice(24, size=rows.size, p=weights)
    return hour * 60 + rng.integers(0, 60, len(cat))


def _to_working_days(day, channel, timeline: Timeline):
    """Letters, mailboxes, services and warden findings only carry dates the CIV was at work."""
    _, _, _, _, _, next_working = _day_calendar(timeline)
    at_office = np.isin(channel, list(OFFICE_CHANNELS) + [VASTSTELLING])
    return np.where(at_office, next_working[day], day)


def _background(rng, timeline: Timeline, planted: bool) -> ReportTable:
    counts = _background_counts(rng, timeline, planted)
    day, cat = np.nonzero(counts)
    repeat = counts[day, cat]
    day, cat = np.repeat(day, repeat), np.repeat(cat, repeat)
    names = list(geo.AREA_WEIGHTS)
    weights = np.array(list(geo.AREA_WEIGHTS.values()))
    area = np.array([geo.area_index(n) for n in names])[
        rng.choice(len(names), size=len(day), p=weights / weights.sum())
    ]
    channel = _channels(rng, cat)
    box = np.where(channel == PROBLEEMBOX, _boxes_for(rng, area), -1)
    lat, lon = _locate(rng, cat, channel, box, area)
    day = _to_working_days(day, channel, timeline)
    table = ReportTable(day, _minutes(rng, cat, channel), cat, channel, box, area, lat, lon, np.full(len(day), -1))
    if planted:
        table = _apply_area_effects(rng, table, timeline)
        new_site = PLANTED_HOTSPOTS[0]
        near_new = geo.distance_m(table.lat, table.lon, new_site.lat, new_site.lon) < NEW_SITE_CLEAR_RADIUS_M
        table = table.select(~(near_new & (table.cat == CATEGORY_CODES.index(new_site.category))))
    return table


def _apply_area_effects(rng, table: ReportTable, timeline: Timeline) -> ReportTable:
    """Thin the background where a project really worked (the planted effect)."""
    keep = np.ones(len(table), dtype=bool)
    dates = np.array([timeline.start + dt.timedelta(days=int(d)) for d in table.day])
    for project in projects(timeline):
        if project.area_kind != "area" or (project.during_multiplier, project.after_multiplier) == (1.0, 1.0):
            continue
        targeted = np.isin(table.cat, [CATEGORY_CODES.index(c) for c in project.categories])
        targeted &= table.area == geo.area_index(project.area)
        during = (dates >= project.start) & (dates <= project.end)
        after = dates > project.end
        multiplier = np.where(during, project.during_multiplier, np.where(after, project.after_multiplier, 1.0))
        keep &= ~(targeted & (rng.random(len(table)) >= multiplier))
    return table.select(keep)


def _planted(rng, timeline: Timeline) -> ReportTable:
    _, weekday, month_index, _, _, _ = _day_calendar(timeline)
    parts = []
    for k, spot in enumerate(PLANTED_HOTSPOTS):
        for m, count in enumerate(spot.monthly_counts):
            if count == 0:
                continue
            candidates = np.flatnonzero(month_index == m)
            weights = (
                np.where(np.isin(weekday[candidates], [4, 5]), 3.0, 1.0) if spot.evening else np.ones(candidates.size)
            )
            day = rng.choice(candidates, size=count, p=weights / weights.sum())
            cat = np.full(count, CATEGORY_CODES.index(spot.category))
            area = np.full(count, geo.area_index(spot.area))
            channel = _channels(rng, cat)
            box = np.where(channel == PROBLEEMBOX, _boxes_for(rng, area), -1)
            lat, lon = geo.sample_near(
                rng, area, np.full(count, spot.lat), np.full(count, spot.lon), spot.radius_m / 2, spot.radius_m * 0.95
            )
            # keep planted rows inside their month even when an office channel would move them
            day = np.minimum(_to_working_days(day, channel, timeline), candidates[-1])
            parts.append(
                ReportTable(day, _minutes(rng, cat, channel), cat, channel, box, area, lat, lon, np.full(count, k))
            )
    return ReportTable.concat(parts)


def generate(rng: np.random.Generator, timeline: Timeline, planted: bool = True) -> ReportTable:
    tables = [_background(rng, timeline, planted)]
    if planted:
        tables.append(_planted(rng, timeline))
    table = ReportTable.concat(tables)
    # about one report in ten has no usable location (a phone call, a letter without address)
    unlocated = (rng.random(len(table)) < UNLOCATED_SHARE) & (table.planted < 0)
    table.lat[unlocated] = np.nan
    table.lon[unlocated] = np.nan
    order = np.lexsort((table.minute, table.day))
    return table.select(order)
