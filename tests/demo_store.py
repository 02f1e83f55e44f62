"""The Asse demo data (seed 20111, up to October 2026) in a store of its own, built once per test
session by the `demo_data` fixture of tests/conftest.py: reports, hot spots and projects through the same loaders as `python -m etl demo` (the GPS
fixes are left out: nothing here needs them and they take most of the time).

Tests only read it. Its ground truth (ground_truth.json, written beside it) is what they check against.
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

END_MONTH = "2026-10"


def build_demo_store() -> tuple[Path, dict]:
    """(path of the DuckDB file, ground truth)."""
    from etl.demo import ensure_demo_territory, write_demo_files
    from etl.hotspots import load_hotspots_file
    from etl.projects import load_projects_file
    from etl.reports import load_reports_file

    folder = Path(tempfile.mkdtemp(prefix="civ-demo-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    files = folder / "demo-files"
    write_demo_files(files, end_month=END_MONTH)
    db = folder / "civ.duckdb"
    ensure_demo_territory(db)
    load_hotspots_file(db, files / "hotspots.geojson", is_demo=True)
    load_reports_file(db, files / "reports.csv", fmt="canonical", is_demo=True)
    load_projects_file(db, files / "projects.csv", is_demo=True)
    truth = json.loads((files / "ground_truth.json").read_text(encoding="utf-8"))
    return db, truth


# For tests written before the `demo_data` fixture (other branches): the same one store per process.
demo_store = lru_cache(maxsize=1)(build_demo_store)
