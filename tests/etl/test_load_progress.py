"""The loaders' own progress (etl.progress): stage by stage, rows never going back, ending at the rows of
the file; carried from the load job's child process to the page through a JSON file next to the upload."""

from __future__ import annotations

import json
import time

from dashboards.components.import_jobs import ImportJobs, Job
from dashboards.pages.import_page.run import running_text
from etl import web_import
from etl.fixes import load_fixes_file
from etl.progress import STAGES, ProgressFile

LAT, LON = 50.9105, 4.1985


def _reports_csv(tmp_path, good: int, bad: int):
    lines = [f"M-{i};{1 + i % 28:02d}/10/2026 10:{i % 60:02d};Sluikstorten;e-mail" for i in range(good)]
    lines += [f"X-{i};geen datum;Sluikstorten;e-mail" for i in range(bad)]
    lines.append(lines[0])  # a repeated row: a duplicate, still a row of the file
    path = tmp_path / "meldingen.csv"
    path.write_text("id;datum;categorie;kanaal\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _rows_of(path) -> int:
    """The file's rows, counted here from its text: every non-empty line after the header."""
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines()[1:] if line.strip())


def _assert_steps_to_the_end(calls: list[dict], rows_in: int) -> None:
    assert [c["stage"] for c in calls] == list(STAGES)
    done = [c["done"] for c in calls]
    assert done == sorted(done), done
    assert done[-1] == rows_in
    assert {c["rows_in"] for c in calls} == {rows_in}


def test_a_reports_load_job_writes_its_stages_up_to_every_row_of_the_file(db, tmp_path):
    path = _reports_csv(tmp_path, good=40, bad=3)
    progress_file = tmp_path / "progress.json"
    result = web_import.run("load", str(db), path=str(path), kind="reports", progress_file=str(progress_file))
    rows = _rows_of(path)
    assert result["rows_in"] == rows
    assert result["quarantined"] == 3 and result["duplicates"] == 1
    _assert_steps_to_the_end(json.loads(progress_file.read_text()), rows)


def test_a_dry_run_reports_the_same_stages(db, tmp_path):
    path = _reports_csv(tmp_path, good=12, bad=1)
    progress_file = tmp_path / "progress.json"
    web_import.run("dry_run", str(db), path=str(path), kind="reports", progress_file=str(progress_file))
    _assert_steps_to_the_end(json.loads(progress_file.read_text()), _rows_of(path))


def test_a_fixes_load_calls_its_progress_at_each_stage(db, tmp_path):
    lines = [f"T1;19/10/2026 09:{i // 4:02d}:{i % 4 * 15:02d};{LAT + i * 1e-5:.5f};{LON}" for i in range(30)]
    lines.append("T1;niet een tijd;50.9;4.19")
    path = tmp_path / "posities.csv"
    path.write_text("toestel;datum/tijd;lat;lon\n" + "\n".join(lines) + "\n", encoding="utf-8")
    calls = []
    result = load_fixes_file(db, path, progress=lambda stage, done, rows_in: calls.append(locals().copy()))
    assert result.rows_in == _rows_of(path) and result.quarantined == 1
    _assert_steps_to_the_end(calls, _rows_of(path))


def test_the_job_passes_a_progress_file_from_its_child_process_to_the_page(db, tmp_path):
    path = _reports_csv(tmp_path, good=25, bad=2)
    pool = ImportJobs()
    key = pool.start("load", db, "coordinator", path=str(path), kind="reports")
    state, _, result, job = pool.status(key, "coordinator")
    deadline = time.monotonic() + 120
    while state == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
        state, _, result, job = pool.status(key, "coordinator")
    pool._executor().shutdown()
    assert state == "done", result
    # the file sits next to the upload (removed with the upload's private folder)
    assert job.detail["progress_file"].startswith(str(tmp_path))
    last = ImportJobs.reported(job)
    assert (last["stage"], last["step"], last["done"], last["rows_in"]) == ("stored", 3, _rows_of(path), _rows_of(path))


def test_the_page_says_the_step_and_the_rows_of_the_loader(tmp_path):
    from concurrent.futures import Future

    progress_file = tmp_path / "p.json"
    job = Job("k", "load", "u", Future(), time.monotonic(), {"progress_file": str(progress_file), "rows": 10})
    job.detail["rate"] = 1.0
    # before the loader's first report: the estimate from the earlier loads
    assert "geschat" in running_text(job, 3, "nl")
    report = ProgressFile(progress_file)
    report("read", 1_000_000, 1_000_000)
    report("checked", 600_000, 1_000_000)
    assert running_text(job, 7, "nl").startswith("Bezig… stap 2 van 3: 600.000 van 1.000.000 rijen gecontroleerd")
    assert "step 2 of 3: 600.000 of 1.000.000 rows checked" in running_text(job, 7, "en")  # fmt_int: one style
