"""Demo data for Asse: realistic FILES, then loaded through the same loaders as any user file.

`write_demo_files` writes reports.csv, hotspots.geojson, devices.csv, fixes.csv, projects.csv and
ground_truth.json (what was planted, for the analytics tests). `load_demo` writes them next to the
database and loads them with the loaders the command line uses: no back door into the store.

Deterministic: the same seed and end month give the same bytes.
"""

from __future__ import annotations

import csv
import json
import os
import time
from pathlib import Path

import numpy as np

from etl.demo import geography as geo
from etl.demo import report_file, reports, track_files, tracks, truth
from etl.demo.reports import CATEGORY_LABELS, CHANNELS
from etl.demo.scenario import Timeline, projects

DEFAULT_SEED = 20111
DEMO_NIS = ("23002",)  # the demo's territory: Asse
FILES = ("hotspots.geojson", "devices.csv", "reports.csv", "fixes.csv", "projects.csv", "ground_truth.json")


def write_demo_files(
    out_dir: str | os.PathLike, seed: int = DEFAULT_SEED, end_month: str | None = None, planted: bool = True
) -> dict:
    """Write the demo files for the 24 months up to `end_month` ('YYYY-MM'; default: the last
    complete month). `planted=False` gives the null version (seasonal background only: no emerging
    hot spots, no project effects, no spike, no trend) that `analytics evaluate` compares against."""
    started = time.perf_counter()
    problems = geo.check_places()
    if problems:
        raise RuntimeError("demo-plaatsen kloppen niet: " + "; ".join(problems))
    timeline = Timeline.ending(end_month)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # independent streams: a change in the tracks never shifts the reports, and the other way round
    report_rng, text_rng, track_rng, error_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4)
    )

    hotspot_truth = write_hotspots(out / "hotspots.geojson")
    device_truth = track_files.write_devices(out / "devices.csv", timeline)
    table = reports.generate(report_rng, timeline, planted)
    report_truth = report_file.write_reports(out / "reports.csv", text_rng, table, timeline)
    fixes, shifts, stops = tracks.simulate(track_rng, timeline)
    fix_truth, spikes = track_files.write_fixes(out / "fixes.csv", error_rng, fixes)
    project_rows = _write_projects(out / "projects.csv", timeline)

    skip = {b["row_number"] for b in report_truth["bad_rows"]} | {
        d["row_number"] for d in report_truth["duplicate_rows"]
    }
    valid = truth.ValidReports(out / "reports.csv", skip, timeline)
    ground_truth = {
        "demo": True,
        "seed": seed,
        "end_month": timeline.end_month,
        "months": [timeline.label(i) for i in range(len(timeline.months))],
        "period": {
            "start": timeline.start.isoformat(),
            "end_exclusive": timeline.end.isoformat(),
            "timezone": "Europe/Brussels",
        },
        "planted": planted,
        "files": {
            "reports.csv": report_truth["rows"],
            "hotspots.geojson": hotspot_truth["rows"],
            "devices.csv": device_truth["rows"],
            "fixes.csv": fix_truth["rows"],
            "projects.csv": project_rows,
        },
        "vocabulary": _vocabulary(),
        "reports": {**report_truth, **truth.report_summary(valid)},
        "emerging_hotspots": truth.emerging_hotspots(valid, timeline, planted),
        "stable_concentrations": truth.stable_concentrations(valid),
        **truth.background_patterns(valid, timeline, planted),
        "projects": truth.project_truth(valid, timeline, planted),
        "hotspots": hotspot_truth,
        "probleemboxes": [
            {"mailbox": b.name, "channel": f"Pro?bleembox {b.name}", "area": b.area, "lat": b.lat, "lon": b.lon}
            for b in geo.PROBLEEMBOXES
        ],
        "office": {"name": geo.OFFICE.name, "lat": geo.OFFICE.lat, "lon": geo.OFFICE.lon},
        "devices": device_truth,
        "fixes": {
            **fix_truth,
            **_shift_summary(shifts),
            "walk_kmh": list(tracks.WALK_KMH),
            "bike_kmh": list(tracks.BIKE_KMH),
            "fix_interval_s": list(tracks.FIX_INTERVAL_S),
            "stop_minutes": list(tracks.STOP_MINUTES),
        },
        "coverage": truth.coverage(stops, track_files.observed_coverage(fixes, spikes)),
        "planned_stops": [
            {
                "hotspot": s["hotspot"],
                "warden": s["warden"],
                "device_id": s["device_id"],
                "arrival": truth.iso(s["arrival"]),
                "departure": truth.iso(s["departure"]),
            }
            for s in stops
        ],
        "notes": [
            "rij-nummers: 1 = eerste gegevensrij na de kop",
            "planned_stops: aankomst en vertrek op het stoppunt; aanwezigheid binnen de straal begint "
            "en eindigt tot ongeveer 2 minuten vroeger en later (in- en uitwandelen)",
            "in_footprint_monthly en target_monthly zijn geteld in reports.csv zelf (geldige rijen)",
        ],
    }
    with open(out / "ground_truth.json", "w", encoding="utf-8", newline="\n") as handle:
        json.dump(ground_truth, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    return {
        "out_dir": str(out),
        "seed": seed,
        "end_month": timeline.end_month,
        "planted": planted,
        "files": {
            name: {
                "path": str(out / name),
                "bytes": (out / name).stat().st_size,
                "rows": ground_truth["files"].get(name),
            }
            for name in FILES
        },
        "seconds": round(time.perf_counter() - started, 2),
    }


def ensure_demo_territory(db: str | os.PathLike) -> bool:
    """The demo's data lie in Asse: a store without a territory gets Asse's, set as `python -m etl
    territory set --nis 23002` would (audited); a store with one keeps it. True when it was set here."""
    from civ import store, territory

    if Path(db).exists():
        with store.reading(db) as con:
            if territory.is_set(con):
                return False
    territory.set_territory(db, list(DEMO_NIS), by="demo")
    return True


def load_demo(
    db: str | os.PathLike,
    seed: int = DEFAULT_SEED,
    end_month: str | None = None,
    out_dir: str | os.PathLike | None = None,
) -> dict:
    """Write the demo files (default: `demo-files/` next to the database) and load them with the
    same loaders `python -m etl …` uses. Hot spots go before projects (projects name hot spots),
    devices before fixes."""
    # imported here: the loaders live in their own modules and import the store themselves
    from etl.devices import load_devices_file
    from etl.fixes import load_fixes_file
    from etl.hotspots import load_hotspots_file
    from etl.projects import load_projects_file
    from etl.reports import load_reports_file

    started = time.perf_counter()
    out = Path(out_dir) if out_dir is not None else Path(db).resolve().parent / "demo-files"
    written = write_demo_files(out, seed=seed, end_month=end_month)
    ensure_demo_territory(db)
    loads = [
        load_hotspots_file(db, out / "hotspots.geojson", is_demo=True),
        load_devices_file(db, out / "devices.csv", is_demo=True),
        load_reports_file(db, out / "reports.csv", fmt="canonical", is_demo=True),
        load_fixes_file(db, out / "fixes.csv", fmt="csv", is_demo=True),
        load_projects_file(db, out / "projects.csv", is_demo=True),
    ]
    return {
        "out_dir": str(out),
        "seed": seed,
        "end_month": written["end_month"],
        "loads": [result.as_json() for result in loads],
        "seconds": round(time.perf_counter() - started, 2),
    }


def write_hotspots(path: Path) -> dict:
    features = []
    for spot in geo.HOTSPOTS:
        properties = {"name": spot.name, "kind": spot.kind, "area": spot.area}
        if not spot.polygon_m:
            properties["radius_m"] = spot.radius_m
        features.append({"type": "Feature", "properties": properties, "geometry": spot.geometry()})
    collection = {"type": "FeatureCollection", "name": "Asse gedefinieerde hotspots (demo)", "features": features}
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        json.dump(collection, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    return {
        "file": "hotspots.geojson",
        "rows": len(features),
        "names": [s.name for s in geo.HOTSPOTS],
        "polygons": [s.name for s in geo.HOTSPOTS if s.polygon_m],
    }


def _write_projects(path: Path, timeline: Timeline) -> int:
    rows = [
        {
            "name": p.name,
            "type": p.type,
            "start": p.start.isoformat(),
            "end": p.end.isoformat() if p.end else "",
            "categories": ";".join(CATEGORY_LABELS[c] for c in p.categories),
            "area": p.area,
        }
        for p in projects(timeline)
    ]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle,
            fieldnames=["name", "type", "start", "end", "categories", "area"],
            quoting=csv.QUOTE_ALL,
            lineterminator="\n",
        )
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def _vocabulary() -> dict:
    """The exact spellings the files use: what the loaders must map."""
    return {
        "report_categories": {label: code for code, label in CATEGORY_LABELS.items()},
        "report_channels": [c for c in CHANNELS if c != "Pro?bleembox"]
        + [f"Pro?bleembox {b.name}" for b in geo.PROBLEEMBOXES],
        "report_statuses": {"open": "open", "in behandeling": "in_behandeling", "afgesloten": "afgesloten"},
        "report_gas": {"ja": True, "nee": False},
        "report_areas": [a.name for a in geo.areas()],
        "report_date_format": "dd/mm/yyyy HH:MM (Europe/Brussels)",
        "report_decimal_mark": ",",
        "report_separator": ";",
        "report_line_end": "CRLF",
        "project_categories": "Nederlandse labels zoals in reports.csv, gescheiden door ;",
        "project_dates": "YYYY-MM-DD; end leeg = loopt nog",
        "project_areas": "naam van een deelgemeente of van een hotspot uit hotspots.geojson; leeg = hele grondgebied",
        "fix_timestamps": "ISO 8601 UTC met Z",
        "device_validity": "ISO 8601 UTC met Z; leeg = altijd / nog in gebruik; valid_to exclusief",
    }


def _shift_summary(shifts: list[tracks.Shift]) -> dict:
    per_warden: dict[str, int] = {}
    for shift in shifts:
        per_warden[shift.warden] = per_warden.get(shift.warden, 0) + 1
    return {
        "shifts": len(shifts),
        "shifts_per_warden": per_warden,
        "evening_shifts": sum(s.evening for s in shifts),
        "mailbox_rounds": sum(s.box_round for s in shifts),
    }
