"""A short, bounded version of the load benchmark (benchmarks/load_under_import.py, issue 8): 4 logged-in
users switch filters on CompStat and hot spots for 8 s over HTTP (the app served by `python app.py` on
127.0.0.1) while `python -m etl reports` and `python -m etl fixes` import in another process.
No timing is asserted: every answer must be a 200, the import must complete and nothing may be lost.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from load_under_import import run_load  # benchmarks/ is on the path only now

pytestmark = pytest.mark.slow

REPORT_ROWS = 3000


def test_users_switching_filters_while_an_import_runs_get_every_answer_and_nothing_is_lost(tmp_path, demo_data):
    db = tmp_path / "civ.duckdb"
    shutil.copy(demo_data[0], db)
    figures = run_load(
        db, tmp_path, users=4, seconds=8, import_rows=REPORT_ROWS, think_s=0.3, import_after_s=1.0, baseline=False
    )

    reports, fixes = figures["import_with_load"]["loads"]
    assert (reports["exit"], fixes["exit"]) == (0, 0), reports["stderr"] + fixes["stderr"]
    # every row of the two files the run wrote is accounted for, and the store grew by exactly that
    assert reports["json"]["rows_in"] == REPORT_ROWS and fixes["json"]["rows_in"] == REPORT_ROWS // 10
    assert figures["import_problems"] == []
    assert figures["counts_after"]["fixes"] - figures["counts_before"]["fixes"] == fixes["json"]["loaded"]

    assert figures["errors"] == {}
    assert set(figures["outcomes"]) == {"200"}
    assert figures["stuck_users"] == 0
    # the users did work on both pages, also while the import ran
    assert figures["requests"]["count"] >= 20
    assert figures["requests_during_import"]["count"] > 0
    assert figures["by_page"]["page /compstat"]["count"] + figures["by_page"]["page /hotspots"]["count"] >= 4
    assert figures["by_page"]["filter /compstat"]["count"] + figures["by_page"]["filter /hotspots"]["count"] > 0
