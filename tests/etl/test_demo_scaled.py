"""The demo at a police zone's scale (`python -m etl demo --scale N`): sizes as stated, loadable as they are."""

from __future__ import annotations

import json

from etl.cli import main
from etl.demo.scaled import (
    FIXES_PER_SHIFT,
    REPORTS_PER_SCALE,
    TRACKERS_PER_SCALE,
    write_scaled_files,
)


def test_scale_two_writes_four_trackers_every_working_day_split_by_days(tmp_path):
    written = write_scaled_files(tmp_path, 2, days=3, file_days=2)
    assert written["trackers"] == 2 * TRACKERS_PER_SCALE
    assert [len(open(f["path"]).readlines()) - 1 for f in written["fixes"]] == [f["rows"] for f in written["fixes"]]
    assert len(written["fixes"]) == 2  # days 1-2 and day 3
    shifts = [2 * 4, 1 * 4]  # days in the file × trackers
    for file, shift_count in zip(written["fixes"], shifts):
        planted_duplicates = file["rows"] - shift_count * FIXES_PER_SHIFT
        assert 0 <= planted_duplicates < shift_count * FIXES_PER_SHIFT * 0.01
    first_file_days = {line.split(",")[1][:10] for line in open(written["fixes"][0]["path"]).readlines()[1:]}
    last_file_days = {line.split(",")[1][:10] for line in open(written["fixes"][1]["path"]).readlines()[1:]}
    assert max(first_file_days) < min(last_file_days)  # in time order, file after file
    assert written["reports"]["rows"] == 2 * REPORTS_PER_SCALE


def test_scaled_files_load_through_the_command_line_with_only_planted_duplicates_set_aside(tmp_path, capsys):
    db = tmp_path / "zone.duckdb"
    assert (
        main(["demo", "--scale", "1", "--days", "2", "--db", str(db), "--out-dir", str(tmp_path / "f"), "--json"]) == 0
    )
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    loads = {load["file"].rsplit("/", 1)[-1]: load for load in summary["loads"]}
    fixes = loads["fixes-01.csv"]
    assert fixes["loaded"] == 2 * TRACKERS_PER_SCALE * FIXES_PER_SHIFT  # every shift's fixes, once
    assert fixes["quarantined"] == 0 and fixes["rows_in"] == fixes["loaded"] + fixes["duplicates"]
    reports = loads["reports.csv"]
    assert reports["rows_in"] == REPORTS_PER_SCALE and reports["loaded"] > 0.95 * REPORTS_PER_SCALE


def test_write_only_writes_the_files_and_leaves_no_store(tmp_path, capsys):
    db = tmp_path / "zone.duckdb"
    assert (
        main(["demo", "--scale", "1", "--days", "1", "--write-only", "--db", str(db), "--out-dir", str(tmp_path / "f")])
        == 0
    )
    assert (tmp_path / "f" / "fixes-01.csv").exists() and (tmp_path / "f" / "reports.csv").exists()
    assert not db.exists()
    assert "2 trackers" in capsys.readouterr().out
