"""The demo's ground truth, counted back from the files as written.

Counts are taken from reports.csv itself (valid rows only: the bad and repeated rows the ground
truth lists are skipped), so a test comparing an analytic result with them compares it with
what the file says, not with what the generator meant to write.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import numpy as np
import shapely
import shapely.geometry

from etl.demo import geography as geo
from etl.demo.reports import CATEGORY_LABELS
from etl.demo.scenario import (
    PLANTED_HOTSPOTS,
    SPIKE_CATEGORY,
    SPIKE_MONTH,
    SPIKE_MULTIPLIER,
    STABLE_CONCENTRATIONS,
    TRENDS_PER_YEAR,
    Timeline,
    projects,
)

LABEL_TO_CODE = {label: code for code, label in CATEGORY_LABELS.items()}


class ValidReports:
    """The valid rows of reports.csv as arrays: month index, category code, area, lat, lon."""

    def __init__(self, path: Path, skip_rows: set[int], timeline: Timeline):
        labels = [timeline.label(i) for i in range(len(timeline.months))]
        month, category, area, lat, lon = [], [], [], [], []
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, delimiter=";")
            next(reader)
            for number, row in enumerate(reader, start=1):
                if number in skip_rows:
                    continue
                day, clock = row[1].split(" ")
                d, m, y = day.split("/")
                month.append(labels.index(f"{y}-{m}"))
                category.append(LABEL_TO_CODE[row[2]])
                point = (float(row[4].replace(",", ".")), float(row[5].replace(",", "."))) if row[4] else (np.nan,) * 2
                if point == (0.0, 0.0):
                    point = (np.nan, np.nan)  # null island: loaded as an unlocated report (with a remark)
                lat.append(point[0])
                lon.append(point[1])
                area.append(row[8])
        self.labels = labels
        self.month = np.array(month)
        self.category = np.array(category)
        self.area = np.array(area)
        self.lat = np.array(lat)
        self.lon = np.array(lon)

    def monthly(self, mask: np.ndarray) -> dict[str, int]:
        counts = np.bincount(self.month[mask], minlength=len(self.labels))
        return {label: int(c) for label, c in zip(self.labels, counts)}

    def within(self, lat: float, lon: float, radius_m: float) -> np.ndarray:
        located = ~np.isnan(self.lat)
        near = np.zeros(self.lat.size, dtype=bool)
        near[located] = geo.distance_m(self.lat[located], self.lon[located], lat, lon) <= radius_m
        return near

    def in_hotspot(self, spot: geo.HotSpot) -> np.ndarray:
        if not spot.polygon_m:
            return self.within(spot.lat, spot.lon, spot.radius_m)
        located = ~np.isnan(self.lat)
        inside = np.zeros(self.lat.size, dtype=bool)
        polygon = shapely.geometry.shape(spot.geometry())
        inside[located] = shapely.contains_xy(polygon, self.lon[located], self.lat[located])
        return inside


def report_summary(valid: ValidReports) -> dict:
    return {
        "per_month": valid.monthly(np.ones(valid.month.size, dtype=bool)),
        "per_category": dict(sorted(Counter(valid.category.tolist()).items())),
        "per_area": dict(sorted(Counter(a or "(leeg)" for a in valid.area.tolist()).items())),
        "unlocated": int(np.isnan(valid.lat).sum()),
    }


def emerging_hotspots(valid: ValidReports, timeline: Timeline, planted: bool) -> list[dict]:
    if not planted:
        return []
    result = []
    for spot in PLANTED_HOTSPOTS:
        footprint = valid.within(spot.lat, spot.lon, spot.radius_m) & (valid.category == spot.category)
        result.append(
            {
                "key": spot.key,
                "name": spot.name,
                "category": spot.category,
                "category_label": CATEGORY_LABELS[spot.category],
                "class": spot.expected_class,
                "emerging": spot.expected_class in ("new", "intensifying"),
                "emerges_month": None if spot.emerges_month is None else timeline.label(spot.emerges_month),
                "centre": {"lat": spot.lat, "lon": spot.lon},
                "radius_m": spot.radius_m,
                "area": spot.area,
                "on_defined_hotspot": spot.on_defined_hotspot,
                "months": [timeline.label(i) for i, c in enumerate(spot.monthly_counts) if c > 0],
                "planted_monthly": {timeline.label(i): c for i, c in enumerate(spot.monthly_counts)},
                "in_footprint_monthly": valid.monthly(footprint),
            }
        )
    return result


def stable_concentrations(valid: ValidReports) -> list[dict]:
    result = []
    for name in STABLE_CONCENTRATIONS:
        spot = geo.hotspot(name)
        result.append(
            {
                "name": name,
                "centre": {"lat": spot.lat, "lon": spot.lon},
                "radius_m": spot.radius_m,
                "never_classes": ["new", "intensifying"],
                "in_footprint_monthly": valid.monthly(valid.in_hotspot(spot)),
            }
        )
    return result


def background_patterns(valid: ValidReports, timeline: Timeline, planted: bool) -> dict:
    if not planted:
        return {"spikes": [], "trends": []}
    return {
        "spikes": [
            {
                "category": SPIKE_CATEGORY,
                "month": timeline.label(SPIKE_MONTH),
                "multiplier": SPIKE_MULTIPLIER,
                "monthly": valid.monthly(valid.category == SPIKE_CATEGORY),
            }
        ],
        "trends": [{"category": code, "multiplier_per_year": m} for code, m in TRENDS_PER_YEAR.items()],
    }


def project_truth(valid: ValidReports, timeline: Timeline, planted: bool) -> list[dict]:
    result = []
    for project in projects(timeline):
        of_category = np.isin(valid.category, project.categories)
        if project.area_kind == "area":
            target = valid.area == project.area
            area_code = geo.areas()[geo.area_index(project.area)].code
        elif project.area_kind == "hotspot":
            target = valid.in_hotspot(geo.hotspot(project.area))
            area_code = None
        else:
            target = np.ones(valid.month.size, dtype=bool)
            area_code = None
        has_effect = planted and (project.during_multiplier, project.after_multiplier) != (1.0, 1.0)
        result.append(
            {
                "name": project.name,
                "type": project.type,
                "start": project.start.isoformat(),
                "end": project.end.isoformat() if project.end else None,
                "categories": list(project.categories),
                "area": project.area or None,
                "area_kind": project.area_kind,
                "area_code": area_code,
                "planted_effect": {
                    "during_multiplier": project.during_multiplier,
                    "after_multiplier": project.after_multiplier,
                    "effect_pct": round((project.after_multiplier - 1) * 100)
                    if project.after_multiplier != 1.0
                    else round((project.during_multiplier - 1) * 100),
                    "note": project.effect_note,
                }
                if has_effect
                else None,
                "expected": ("effect" if has_effect else "geen meetbaar effect"),
                "target_monthly": valid.monthly(of_category & target),
                "elsewhere_monthly": valid.monthly(of_category & ~target) if project.area_kind else None,
            }
        )
    return result


def coverage(stops: list[dict], observed: dict[str, dict]) -> dict[str, dict]:
    result = {}
    for spot in geo.HOTSPOTS:
        mine = [s for s in stops if s["hotspot"] == spot.name]
        minutes = [(s["departure"] - s["arrival"]) / 60 for s in mine]
        frequency = "nooit" if spot.visit_chance == 0 else ("zelden" if spot.visit_chance < 0.05 else "regelmatig")
        result[spot.name] = {
            "visit_chance_per_shift": spot.visit_chance,
            "frequency": frequency,
            "planned_stops": len(mine),
            "planned_minutes": round(sum(minutes), 1),
            "planned_stops_10min": sum(m >= 10 for m in minutes),
            "last_planned_stop": iso(max(s["arrival"] for s in mine)) if mine else None,
            **observed[spot.name],
        }
    return result


def iso(epoch_s: float) -> str:
    return dt.datetime.fromtimestamp(int(epoch_s), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
