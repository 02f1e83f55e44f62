"""README's promise for every `python -m etl` sub-command: unusable input exits 2 with ONE line
`fout: ...` on stderr, nothing on stdout (not even with --json) and nothing written.

Through the command line itself (`etl.cli.main`, what `python -m etl` runs), one case per sub-command
the issue lists: fixes, devices, hotspots, projects, retention and demo.
"""

from __future__ import annotations

import duckdb
import pytest

from etl.cli import main

GARBAGE = bytes(range(256)) * 12  # a photo or a zip, not a table


def _refused(argv: list[str], capsys) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("fout: ") and captured.err.count("\n") == 1, captured.err
    return captured.err


@pytest.mark.parametrize("command", ["fixes", "devices", "hotspots", "projects"])
def test_a_file_that_is_no_table_is_refused_and_no_store_is_made(command, bare_db, tmp_path, capsys):
    path = tmp_path / "foto.jpg"
    path.write_bytes(GARBAGE)
    error = _refused([command, str(path), "--db", str(bare_db), "--json"], capsys)
    assert "foto.jpg" in error  # the coordinator learns which file
    assert not bare_db.exists()


def test_projects_without_their_required_columns_are_refused(bare_db, write_file, capsys):
    path = write_file("projecten.csv", "name;type\nBuurtpreventie;preventie\n")
    error = _refused(["projects", str(path), "--db", str(bare_db), "--json"], capsys)
    assert "start" in error  # the missing column is named
    assert not bare_db.exists()


def test_retention_refuses_a_negative_period_and_deletes_nothing(db, write_file, capsys):
    fixes = write_file(
        "punten.csv",
        "device_id,timestamp,lat,lon\nTRK-1,2020-01-01T10:00:00Z,50.91,4.19\nTRK-1,2020-01-01T10:00:15Z,50.91,4.19\n",
    )
    assert main(["fixes", str(fixes), "--db", str(db), "--json"]) == 0
    capsys.readouterr()
    with duckdb.connect(str(db), read_only=True) as con:
        before = con.execute("SELECT count(*) FROM fixes").fetchone()[0]
    assert before == 2  # years old: a real retention run would delete both
    for days in ("-5", "0"):  # 0 is no period either, not "the default"
        error = _refused(["retention", "--days", days, "--apply", "--db", str(db), "--json"], capsys)
        assert "minstens 1 dag" in error
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM fixes").fetchone()[0] == before


def test_retention_refusal_makes_no_store(bare_db, capsys):
    assert "minstens 1 dag" in _refused(["retention", "--days", "0", "--db", str(bare_db), "--json"], capsys)
    assert not bare_db.exists()


@pytest.mark.parametrize(
    "argv",
    [["demo", "--end-month", "2026-13"], ["demo", "--write-only"], ["demo", "--seed", "7", "--end-month", "oktober"]],
)
def test_demo_with_unusable_options_is_refused_and_writes_nothing(argv, bare_db, capsys):
    _refused([*argv, "--db", str(bare_db), "--json"], capsys)
    assert not bare_db.exists()
    assert not (bare_db.parent / "demo-files").exists()
