"""A large load started on the import page runs in a child process: while it runs, another user's CompStat
callback answers within a few times its usual time (measured before the load, in the same test), and the
loader's poll shows the rows of the file with an estimate of the rows done.

The size keeps the test under a minute on a busy machine; benchmarks/ holds the 1.000.000-row figures."""

from __future__ import annotations

import json
import statistics
import time

import pytest

from app import create_app
from civ.store import open_for_writing, reading
from dashboards.components.import_jobs import jobs
from etl.web_import import load_rate

from .served_app import TEST_USERS, callback_body, fill_store, logged_in_client

ROWS = 40_000
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("underload") / "civ.duckdb"
    fill_store(db, is_demo=False)
    con = open_for_writing(db)
    try:  # fill_store numbers its 3 batches itself: the store's own numbering goes on after them
        con.execute("SELECT nextval('import_batch_ids') FROM range(3)").fetchall()
    finally:
        con.close()
    return create_app(db)


def _compstat_call(app, client, period: str) -> float:
    values = {
        "compstat-period.value": period,
        "compstat-area.value": "all",
        "compstat-group.value": "all",
        "compstat-channel.value": "all",
        "compstat-by.value": "category",
        "compstat-lang.data": "nl",
    }
    body = callback_body(app, "compstat-table.rowData", values)
    started = time.perf_counter()
    answer = client.post("/_dash-update-component", json=body)
    elapsed = time.perf_counter() - started
    assert answer.status_code == 200
    assert "sluikstort" in answer.get_data(as_text=True).lower()  # a real table, not an empty answer
    return elapsed


def test_compstat_stays_usable_while_a_large_web_load_runs_and_the_poll_shows_its_rows(app, tmp_path):
    db = app.server.config["CIV_DB"]
    export = tmp_path / "groot.csv"
    lines = ["id;datum;categorie;lat;lon"] + [
        f"G-{i};{1 + i % 28:02d}/0{1 + i % 9}/2026 {8 + i % 10}:15;sluikstort;{50.905 + i % 100 / 10_000:.4f};{4.195 + i % 97 / 10_000:.4f}"
        for i in range(ROWS)
    ]
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reader, loader = logged_in_client(app, "kerngroep"), logged_in_client(app, "coordinator")
    months = [f"2026-{m:02d}" for m in range(1, 10)]
    for month in months[:2]:
        _compstat_call(app, reader, month)  # warm up: code paths and the file's pages
    usual = statistics.median(_compstat_call(app, reader, m) for m in months)

    user = TEST_USERS["coordinator"][0]
    key = jobs.start("load", db, user, path=str(export), kind="reports")
    jobs.note(key, rows=ROWS, rate=load_rate(db, "reports"))
    during, poll_texts = [], []
    while jobs.status(key, user)[0] == "running":
        during.append(_compstat_call(app, reader, months[len(during) % len(months)]))
        poll = callback_body(app, "import-result.children", {"import-poll.n_intervals": 1, "import-job.data": key})
        poll["state"] = [{"id": "import-job", "property": "data", "value": key}] + [
            {"id": "import-lang", "property": "data", "value": "nl"}
        ]
        poll_texts.append(loader.post("/_dash-update-component", json=poll).get_data(as_text=True))
    state, seconds, result, _job = jobs.status(key, user)
    assert state == "done" and "error" not in result, result
    assert result["loaded"] == ROWS and result["quarantined"] == 0  # every generated row is valid
    with reading(db) as con:
        assert con.execute("SELECT count(*) FROM reports WHERE source_id LIKE 'G-%'").fetchall() == [(ROWS,)]
    print(
        f"CompStat usual {usual:.3f} s; during the load ({seconds:.1f} s): {json.dumps([round(d, 3) for d in during])}"
    )
    assert len(during) >= 3, "the load ended before CompStat could be asked during it"
    # within a few times its usual time: the load holds no server thread and no interpreter lock
    assert statistics.median(during) <= 3 * usual + 0.5, (usual, during)
    assert any(f"van {ROWS:,}".replace(",", ".") + " rijen" in text for text in poll_texts), poll_texts[:2]
