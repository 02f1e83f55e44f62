"""What the demo plants: its two-year timeline, emerging hot spots, projects with or without effect.

Everything here is the "truth" the analytics are later tested against, so it is stated as data
(exact monthly counts, exact dates, exact multipliers) and copied into ground_truth.json.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from civ.errors import UnusableInput

MONTHS = 24


@dataclass(frozen=True)
class Timeline:
    """The demo's 24 calendar months (local time), the last one being `end_month`."""

    months: tuple[tuple[int, int], ...]

    @classmethod
    def ending(cls, end_month: str | None, today: dt.date | None = None) -> Timeline:
        if end_month is None:
            # the last complete month: the demo never shows a half month as a drop
            today = today or dt.date.today()
            year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        else:
            try:
                year, month = (int(part) for part in end_month.split("-"))
                dt.date(year, month, 1)
            except (ValueError, AttributeError) as error:
                raise UnusableInput(f"eindmaand moet JJJJ-MM zijn, niet {end_month!r}") from error
        months = []
        for back in range(MONTHS - 1, -1, -1):
            index = year * 12 + (month - 1) - back
            months.append((index // 12, index % 12 + 1))
        return cls(tuple(months))

    @property
    def start(self) -> dt.date:
        return self.first_day(0)

    @property
    def end(self) -> dt.date:
        """First day after the last month (exclusive end)."""
        year, month = self.months[-1]
        return dt.date(year + month // 12, month % 12 + 1, 1)

    @property
    def end_month(self) -> str:
        return self.label(MONTHS - 1)

    def first_day(self, index: int) -> dt.date:
        year, month = self.months[index]
        return dt.date(year, month, 1)

    def last_day(self, index: int) -> dt.date:
        if index == MONTHS - 1:
            return self.end - dt.timedelta(days=1)
        return self.first_day(index + 1) - dt.timedelta(days=1)

    def label(self, index: int) -> str:
        year, month = self.months[index]
        return f"{year:04d}-{month:02d}"

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=d) for d in range((self.end - self.start).days)]


def easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month = (h + l - 7 * m + 114) // 31
    day = (h + l - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def belgian_holidays(year: int) -> set[dt.date]:
    """The ten legal holidays: wardens do not work, offices are closed."""
    sunday = easter(year)
    return {
        dt.date(year, 1, 1),
        sunday + dt.timedelta(days=1),
        dt.date(year, 5, 1),
        sunday + dt.timedelta(days=39),
        sunday + dt.timedelta(days=50),
        dt.date(year, 7, 21),
        dt.date(year, 8, 15),
        dt.date(year, 11, 1),
        dt.date(year, 11, 11),
        dt.date(year, 12, 25),
    }


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in belgian_holidays(day.year)


@dataclass(frozen=True)
class PlantedHotSpot:
    """A concentration of reports planted on top of the background, with its exact monthly counts
    (index 0 = first month of the timeline). `expected_class` is what the detector should say in
    the last month; `emerges_month` is the month the detector should first flag it as emerging."""

    key: str
    name: str
    category: str  # category code
    area: str
    lat: float
    lon: float
    radius_m: float
    monthly_counts: tuple[int, ...]
    expected_class: str
    on_defined_hotspot: str | None
    emerges_month: int | None = None  # month index of the first emerging flag; None: never emerging
    evening: bool = False  # noise and youth: reported on (weekend) evenings


PLANTED_HOTSPOTS: tuple[PlantedHotSpot, ...] = (
    # No history at all (background dumping near it is removed): a new dumping site on a field road.
    PlantedHotSpot(
        "nieuw_sluikstort_kobbegem",
        "Veldweg Kobbegem",
        "sluikstort",
        "Kobbegem",
        50.9010,
        4.2445,
        100,
        (0,) * 22 + (9, 14),
        "new",
        None,
        emerges_month=22,
    ),
    # A party venue that always drew some complaints and grows sharply in the last months.
    PlantedHotSpot(
        "toenemend_geluid_relegem",
        "Fuifzaal Relegem",
        "geluidshinder",
        "Relegem",
        50.8960,
        4.2870,
        120,
        (3, 2, 3, 4, 3, 3, 2, 4, 3, 3, 4, 3, 3, 4, 4, 3, 4, 5, 5, 6, 8, 9, 11, 14),
        "intensifying",
        None,
        emerges_month=20,
        evening=True,
    ),
    # Youth hanging around the park, month after month, no trend (the working group changes nothing).
    PlantedHotSpot(
        "blijvend_hangjongeren_park",
        "Gemeentepark Asse",
        "hangjongeren",
        "Asse",
        50.9082,
        4.2012,
        100,
        (6, 5, 7, 6, 6, 5, 6, 7, 5, 6, 6, 7, 6, 5, 6, 6, 7, 6, 5, 6, 6, 7, 6, 6),
        "persistent",
        "Gemeentepark Asse",
        evening=True,
    ),
    # A bottle bank that was a problem in the first year and fades out (moved containers, cameras).
    PlantedHotSpot(
        "afnemend_glasbol_mollem",
        "Glasbolsite Mollem",
        "glasbol",
        "Mollem",
        50.9270,
        4.2260,
        80,
        (9, 10, 9, 8, 10, 9, 9, 8, 9, 8, 7, 7, 6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1),
        "diminishing",
        "Glasbolsite Mollem",
    ),
)

# Background dumping is removed this close to the new site so that it truly has no history.
NEW_SITE_CLEAR_RADIUS_M = 300

# Concentrations that are part of the steady background: never to be called new or intensifying.
STABLE_CONCENTRATIONS = ("Station Asse", "Gemeenteplein Asse", "Station Zellik")

# Month index of the territory-wide dumping spike (a cancelled bulky-waste collection), and its size.
SPIKE_MONTH = 9
SPIKE_CATEGORY = "sluikstort"
SPIKE_MULTIPLIER = 2.2

# Dumping grows slowly over the two years (the trend test should find it).
TRENDS_PER_YEAR = {"sluikstort": 1.08}


@dataclass(frozen=True)
class Project:
    name: str
    type: str
    start: dt.date
    end: dt.date | None
    categories: tuple[str, ...]  # category codes
    area: str  # sub-municipality or hot-spot name; "" = whole territory
    area_kind: str | None  # 'area', 'hotspot' or None
    # planted effect: multiplier on the background rate of `categories` in `area`
    during_multiplier: float = 1.0
    after_multiplier: float = 1.0
    effect_note: str = "geen effect gepland"


def projects(timeline: Timeline) -> tuple[Project, ...]:
    september = max(i for i, (_, month) in enumerate(timeline.months) if month == 9)
    first = timeline.first_day(september)
    third_monday = first + dt.timedelta(days=(7 - first.weekday()) % 7 + 14)
    return (
        Project(
            "Hondenpoepactie Zellik",
            "GAS-campagne",
            timeline.first_day(12),
            timeline.last_day(14),
            ("hondenpoep",),
            "Zellik",
            "area",
            0.65,
            0.65,
            "-35 % hondenpoep in Zellik vanaf de start (tijdens en na), geen effect elders",
        ),
        Project(
            "Laat je huisnummer zien",
            "GAS-campagne",
            timeline.first_day(7) + dt.timedelta(days=14),
            timeline.last_day(8),
            ("huisnummer",),
            "",
            None,
            4.0,
            1.0,
            "vier keer zoveel vaststellingen huisnummer tijdens de campagne, daarna als voordien",
        ),
        Project(
            "Verkeersweek scholen",
            "verkeersweek",
            third_monday,
            third_monday + dt.timedelta(days=4),
            ("foutparkeren", "verkeersoverlast"),
            "Schoolomgeving Asse-centrum",
            "hotspot",
        ),
        Project(
            "Werkgroep hangjongeren Gemeentepark",
            "werkgroep",
            timeline.first_day(16),
            None,
            ("hangjongeren",),
            "Gemeentepark Asse",
            "hotspot",
        ),
        Project(
            "Veiligheidsconvenant De Lijn/NMBS",
            "convenant",
            timeline.first_day(4),
            timeline.last_day(15),
            ("vandalisme", "overlast", "hangjongeren"),
            "Station Asse",
            "hotspot",
        ),
    )
