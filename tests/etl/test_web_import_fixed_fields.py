"""Files with fixed fields (GPX, GeoJSON) through the browser import's job function: the dry run says
what the command line's --dry-run says, the load loads the same rows and removes the upload."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

from civ.store import open_for_writing, reading
from etl import web_import

ROOT = Path(__file__).resolve().parents[2]

GPX = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="tracker-portaal" xmlns="http://www.topografix.com/GPX/1/1">
  <trk><name>TRK-101</name><trkseg>
{points}
  </trkseg></trk>
</gpx>
"""
POINTS = 30


def _gpx() -> bytes:
    points = "\n".join(
        f'    <trkpt lat="{50.910 + i * 0.0001:.4f}" lon="{4.200 + i * 0.0001:.4f}">'
        f"<time>2026-01-05T08:{i:02d}:00Z</time></trkpt>"
        for i in range(POINTS)
    )
    return GPX.format(points=points).encode()


def _geojson() -> bytes:
    features = [
        {
            "type": "Feature",
            "properties": {"name": f"Plein {n}", "radius_m": 50, "kind": "plein"},
            "geometry": {"type": "Point", "coordinates": [4.20 + n * 0.002, 50.91]},
        }
        for n in range(3)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def _cli(db, kind: str, file: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "etl", kind, str(file), "--dry-run", "--db", str(db), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _counts(result: dict) -> dict:
    return {k: result[k] for k in ("rows_in", "loaded", "quarantined", "duplicates", "updated")}


def test_gpx_and_geojson_dry_run_like_the_command_line_then_load_and_leave_nothing_on_disk(db):
    for name, data, kind, rows in (
        ("rit.gpx", _gpx(), "fixes", POINTS),
        ("pleinen.geojson", _geojson(), "hotspots", 3),
    ):
        assert web_import.guessed_kind(name) == kind
        path = web_import.receive(name, "data:;base64," + base64.b64encode(data).decode())
        dry = web_import.run("dry_run", str(db), path=str(path), kind=kind)
        assert "error" not in dry, dry
        assert _counts(dry) == _counts(_cli(db, kind, path))
        assert dry["loaded"] == rows
        loaded = web_import.run("load", str(db), path=str(path), kind=kind)
        assert _counts(loaded) == _counts(dry)
        assert not path.parent.exists()  # the upload is removed after the load
        table = {"fixes": "fixes", "hotspots": "hotspots"}[kind]
        with reading(db) as con:
            assert (
                con.execute(f"SELECT count(*) FROM {table} WHERE batch_id = ?", [loaded["batch_id"]]).fetchall()[0][0]
                == rows
            )


def test_a_mapping_without_the_required_fields_is_an_answer_and_writes_nothing(tmp_path):
    db = tmp_path / "civ.duckdb"
    open_for_writing(db).close()
    path = web_import.receive("m.csv", "data:;base64," + base64.b64encode(b"Datum;Soort\n05/01/2026;x\n").decode())
    answer = web_import.run(
        "load",
        str(db),
        path=str(path),
        kind="reports",
        profile=web_import.profile_text("reports", 1, {"category": ["Soort"]}),
    )
    assert "reported_at" in answer["error"]
    with reading(db) as con:
        assert con.execute("SELECT count(*) FROM import_batches").fetchall()[0][0] == 0
    assert not path.parent.exists()
