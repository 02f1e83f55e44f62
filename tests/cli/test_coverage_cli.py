"""`python -m analytics coverage` as scripts call it: the JSON contract, the zero rows, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import numpy as np
from coverage_scenes import (
    NOOIT,
    OFFICE,
    PARK,
    PLEIN,
    Fixes,
    Walk,
    offset,
    write_devices,
    write_fixes,
    write_hotspots,
)
from project_paths import ROOT

from analytics.cli import main
from etl.devices import load_devices_file
from etl.fixes import load_fixes_file
from etl.hotspots import load_hotspots_file

KEYS = {"hotspot", "warden", "device_id", "visits", "minutes", "visits_10min", "last_visit"}
MORNING = datetime(2026, 10, 6, 7, 0, tzinfo=timezone.utc)


def _store(db, tmp_path):
    """GW-A (TRK-1): 12 minutes at the plein; TRK-9 (no warden): 6 minutes in the park; nobody at Nooit Bezocht."""
    rng = np.random.default_rng(2)
    walk = Walk.start(MORNING, *OFFICE).to(PLEIN.lat, PLEIN.lon, 4.5).stay(12).to(*OFFICE, 4.5)
    spare = Walk.start(MORNING + timedelta(days=1), *offset(PARK.lat, PARK.lon, 0, -300)).to(PARK.lat, PARK.lon, 4.5)
    spare.stay(6).to(*OFFICE, 4.5)
    lines = Fixes.sample(walk, "TRK-1", rng).lines(rng) + Fixes.sample(spare, "TRK-9", rng).lines(rng)
    load_hotspots_file(db, write_hotspots(tmp_path / "h.geojson", [PLEIN, PARK, NOOIT]))
    load_devices_file(db, write_devices(tmp_path / "d.csv", ["TRK-1,GW-A,,"]))
    load_fixes_file(db, write_fixes(tmp_path / "f.csv", lines))
    return walk, spare


def test_json_rows_carry_the_contract_keys_and_a_zero_row_per_unvisited_hotspot(db, tmp_path, capsys):
    walk, spare = _store(db, tmp_path)
    assert main(["coverage", "--start", "2026-10-01", "--end", "2026-10-31", "--db", str(db), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert all(KEYS <= set(row) for row in rows)
    by_spot = {(r["hotspot"], r["warden"]): r for r in rows}
    plein = by_spot[(PLEIN.name, "GW-A")]
    truth = [(b - a) / 60 for a, b in walk.true_visits(PLEIN)]
    assert (plein["device_id"], plein["visits"], plein["visits_10min"]) == ("TRK-1", 1, 1)
    assert abs(plein["minutes"] - truth[0]) <= 2
    assert plein["last_visit"].startswith("2026-10-06T07:") and plein["last_visit"].endswith("Z")
    park = by_spot[(PARK.name, "TRK-9")]  # no warden mapped: the device id stands in
    assert (park["device_id"], park["visits"], park["visits_10min"]) == ("TRK-9", 1, 0)
    assert by_spot[(NOOIT.name, None)] == {
        "hotspot": NOOIT.name,
        "hotspot_id": "nooit-bezocht",
        "warden": None,
        "device_id": None,
        "visits": 0,
        "minutes": 0.0,
        "visits_10min": 0,
        "last_visit": None,
    }
    assert len(rows) == 3


def test_warden_filter_and_days_outside_the_visits(db, tmp_path, capsys):
    _store(db, tmp_path)
    assert (
        main(
            ["coverage", "--start", "2026-10-06", "--end", "2026-10-06", "--warden", "GW-A", "--db", str(db), "--json"]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert [(r["hotspot"], r["warden"], r["visits"]) for r in rows] == [
        (NOOIT.name, None, 0),
        (PARK.name, None, 0),
        (PLEIN.name, "GW-A", 1),
    ]
    # the end day is included: TRK-9's park visit on 7 October counts in --end 2026-10-07
    assert main(["coverage", "--start", "2026-10-07", "--end", "2026-10-07", "--db", str(db), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {r["hotspot"]: r["visits"] for r in rows} == {NOOIT.name: 0, PARK.name: 1, PLEIN.name: 0}


def test_text_output_names_the_period(db, tmp_path, capsys):
    _store(db, tmp_path)
    assert main(["coverage", "--start", "2026-10-01", "--end", "2026-10-31", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Dekking 01/10/2026–31/10/2026")
    assert "Plein Test" in out and "GW-A" in out


def test_bad_dates_and_missing_store_exit_2_with_one_line(db, tmp_path, capsys):
    _store(db, tmp_path)
    assert main(["coverage", "--start", "01/10/2026", "--end", "2026-10-31", "--db", str(db)]) == 2
    assert capsys.readouterr().err == "fout: begindatum '01/10/2026' onbekend: gebruik JJJJ-MM-DD\n"
    assert main(["coverage", "--start", "2026-10-31", "--end", "2026-10-01", "--db", str(db)]) == 2
    assert capsys.readouterr().err.startswith("fout: einddatum 01/10/2026 ligt voor begindatum 31/10/2026")
    missing = tmp_path / "geen.duckdb"
    assert main(["coverage", "--start", "2026-10-01", "--end", "2026-10-31", "--db", str(missing)]) == 2
    assert "bestaat niet" in capsys.readouterr().err and not missing.exists()


def test_as_a_subprocess_the_json_is_the_last_line(db, tmp_path):
    _store(db, tmp_path)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "analytics",
            "coverage",
            "--start",
            "2026-10-01",
            "--end",
            "2026-10-31",
            "--db",
            str(db),
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout.strip().splitlines()[-1])) == 3
