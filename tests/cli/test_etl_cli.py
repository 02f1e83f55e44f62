"""`python -m etl` as users and scripts call it: exit codes, --json, messages, interruptions."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import duckdb
import pytest
from project_paths import DATA, ROOT

from etl.cli import main

REPORTS = (
    "id;datum;categorie;kanaal;lat;lon\n"
    "K1;01/10/2026 10:00;Sluikstort;post;50,9102;4,1985\n"
    "K2;31/02/2026 10:00;Sluikstort;post;;\n"
    "K1;01/10/2026 10:00;Sluikstort;post;50,9102;4,1985\n"
)


def last_json_line(text: str) -> dict:
    return json.loads(text.strip().splitlines()[-1])


def test_json_output_is_the_last_line_with_the_contract_keys(db, write_file, capsys):
    path = write_file("m.csv", REPORTS)
    assert main(["reports", str(path), "--db", str(db), "--json"]) == 0
    out = last_json_line(capsys.readouterr().out)
    assert {"file", "batch_id", "status", "rows_in", "loaded", "quarantined", "duplicates"} <= set(out)
    assert (out["status"], out["rows_in"], out["loaded"], out["quarantined"], out["duplicates"]) == (
        "loaded",
        3,
        1,
        1,
        1,
    )


def test_readable_summary_lists_the_rejected_rows(db, write_file, capsys):
    assert main(["reports", str(write_file("m.csv", REPORTS)), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "in quarantaine       1" in out
    assert "rij 2: meldingsdatum 31/02/2026 10:00 bestaat niet" in out


def test_quarantine_command_lists_reasons(db, write_file, capsys):
    main(["reports", str(write_file("m.csv", REPORTS)), "--db", str(db), "--json"])
    capsys.readouterr()
    assert main(["quarantine", "--db", str(db), "--json"]) == 0
    (row,) = last_json_line(capsys.readouterr().out)
    assert (row["file"], row["row_number"], row["reason"]) == (
        "m.csv",
        2,
        "meldingsdatum 31/02/2026 10:00 bestaat niet",
    )


def test_garbage_file_exits_2_with_one_line_and_writes_nothing(bare_db, tmp_path, capsys):
    path = tmp_path / "foto.jpg"
    path.write_bytes(bytes(range(256)) * 20)
    assert main(["reports", str(path), "--db", str(bare_db), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("fout: ") and captured.err.count("\n") == 1
    assert not bare_db.exists()


def test_missing_file_exits_2(db, tmp_path, capsys):
    assert main(["reports", str(tmp_path / "bestaat-niet.csv"), "--db", str(db)]) == 2
    assert "kan" in capsys.readouterr().err


def test_unknown_format_is_a_usage_error_exit_2(db, write_file):
    with pytest.raises(SystemExit) as stop:
        main(["reports", str(write_file("m.csv", REPORTS)), "--format", "islp", "--db", str(db)])
    assert stop.value.code == 2


def test_db_path_comes_from_the_environment_when_no_flag(db, write_file, monkeypatch, capsys, query):
    monkeypatch.setenv("CIV_DB", str(db))
    assert main(["reports", str(write_file("m.csv", REPORTS)), "--json"]) == 0
    assert query("SELECT count(*) FROM import_batches WHERE kind = 'reports'") == [(1,)]


def test_command_line_runs_as_a_module_in_a_fresh_process(db, write_file):
    path = write_file("m.csv", REPORTS)
    run = subprocess.run(
        [sys.executable, "-m", "etl", "reports", str(path), "--db", str(db), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert last_json_line(run.stdout)["loaded"] == 1
    again = subprocess.run(
        [sys.executable, "-m", "etl", "reports", str(path), "--db", str(db), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert last_json_line(again.stdout)["status"] == "already-loaded"


LONDON = DATA / "police-uk" / "2018-05-city-of-london-street.csv"  # 680 rows with --bbox -1,51,1,52


def _load_london(db, **kwargs) -> subprocess.CompletedProcess | subprocess.Popen:
    command = [sys.executable, "-m", "etl", "reports", str(LONDON), "--db", str(db), "--bbox", "-1,51,1,52", "--json"]
    if kwargs:
        return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def _killed_before_commit(db, while_paused=lambda: None) -> None:
    """Load LONDON, and kill it once every row is written inside its open transaction."""
    process = _load_london(db, env={**os.environ, "CIV_TEST_PAUSE_BEFORE_COMMIT": "60"})
    try:
        assert process.stdout.readline().strip() == "CIV_TEST_PAUSED"
        while_paused()
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.slow
def test_a_load_killed_before_commit_leaves_the_store_unchanged_and_can_be_rerun(db, write_file):
    main(["reports", str(write_file("eerste.csv", REPORTS)), "--db", str(db), "--json"])
    before = _snapshot(db)
    _killed_before_commit(db)
    assert _snapshot(db) == before

    rerun = _load_london(db)
    assert rerun.returncode == 0, rerun.stderr
    result = last_json_line(rerun.stdout)
    assert (result["status"], result["rows_in"], result["loaded"]) == ("loaded", 680, 680)


@pytest.mark.slow
def test_while_an_import_holds_the_store_readers_read_the_last_committed_state(db, write_file):
    from civ.store import reading

    main(["reports", str(write_file("eerste.csv", REPORTS)), "--db", str(db), "--json"])
    reports_before = _snapshot(db)[0]

    def read_while_paused():
        # the import holds the write lock for another minute; a reader does not wait for it (it would
        # give up after 15 s) but reads the store as it was before the import
        with reading(db) as con:
            assert con.execute("SELECT count(*) FROM reports").fetchall() == [(reports_before,)]

    _killed_before_commit(db, read_while_paused)
    assert _load_london(db).returncode == 0
    with reading(db) as con:
        assert con.execute("SELECT count(*) FROM reports").fetchall() == [(reports_before + 680,)]
    # the copy of the killed import and that of the rerun are both gone
    assert [p.name for p in db.parent.iterdir() if ".snapshot." in p.name] == []


@pytest.mark.slow
def test_an_import_gets_the_store_while_readers_keep_it_open_without_a_pause(db, write_file):
    """DuckDB frees the file only when a process's last connection closes: readers whose connections
    overlap (a busy web app) would keep it for ever, unless they let a waiting writer in."""
    import threading
    import time

    from civ.store import reading

    main(["reports", str(write_file("eerste.csv", REPORTS)), "--db", str(db), "--json"])
    stop, reads = threading.Event(), []

    def keep_reading():
        while not stop.is_set():
            with reading(db) as con:
                reads.append(con.execute("SELECT count(*) FROM reports").fetchall()[0][0])
                time.sleep(0.2)

    readers = [threading.Thread(target=keep_reading, daemon=True) for _ in range(3)]
    for reader in readers:
        reader.start()
        time.sleep(0.07)  # staggered: at every moment one of them holds a connection
    try:
        done = _load_london(db)
    finally:
        stop.set()
        for reader in readers:
            reader.join(timeout=30)
    assert done.returncode == 0, done.stderr
    assert last_json_line(done.stdout)["loaded"] == 680
    assert reads and set(reads) <= {1, 681}


def _snapshot(db) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return tuple(
            con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            for table in ("reports", "quarantine", "import_batches", "fixes")
        )
    finally:
        con.close()
