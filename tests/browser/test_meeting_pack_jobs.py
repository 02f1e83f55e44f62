"""Issue 13, F3: one user clicking the meeting pack thirty times holds no server thread and no other
user waits for it; everyone asking for the same month shares one job; one pack in the making per user."""

from __future__ import annotations

import json
import shutil
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from demo_store import demo_store

from app import create_app
from civ import accounts as users
from dashboards.report.jobs import jobs as pack_jobs

from .served_app import callback_body, logged_in_client, page_callback_body

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    source, _truth = demo_store()
    db = tmp_path_factory.mktemp("pack-jobs") / "civ.duckdb"
    shutil.copy(source, db)
    return create_app(db)


def _answer(response) -> dict:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.loads(response.get_data(as_text=True))["response"]


def test_thirty_parallel_pack_requests_share_one_job_and_another_user_is_not_kept_waiting(app):
    kerngroep = logged_in_client(app, "kerngroep")
    start = callback_body(
        app,
        "compstat-pack-job.data",
        {"compstat-pack.n_clicks": 1, "compstat-period.value": "2026-09", "compstat-lang.data": "nl"},
    )
    with ThreadPoolExecutor(30) as pool:
        answers = list(pool.map(lambda _: _answer(kerngroep.post("/_dash-update-component", json=start)), range(30)))
    jobs = {a["compstat-pack-job"]["data"]["job"] for a in answers}
    assert len(jobs) == 1
    (job,) = jobs
    assert pack_jobs.status(job)[0] == "running"  # the requests did not wait for the pack
    other = logged_in_client(app, "politie").post("/_dash-update-component", json=page_callback_body("/"))
    assert other.status_code == 200
    assert pack_jobs.status(job)[0] == "running"  # ... nor did another user's page
    # the same user asking for another month meanwhile is told to wait
    august = callback_body(
        app,
        "compstat-pack-job.data",
        {"compstat-pack.n_clicks": 2, "compstat-period.value": "2026-08", "compstat-lang.data": "nl"},
    )
    refused = _answer(kerngroep.post("/_dash-update-component", json=august))
    assert "compstat-pack-job" not in refused and "al een vergaderpakket" in json.dumps(refused, ensure_ascii=False)
    # the poll shows progress, then hands over the PDF once, audited
    poll = callback_body(
        app,
        "compstat-pack-download.data",
        {
            "compstat-pack-poll.n_intervals": 1,
            "compstat-pack-job.data": {"job": job, "month": "2026-09"},
            "compstat-lang.data": "nl",
        },
    )
    deadline = time.monotonic() + 240
    while True:
        answer = _answer(kerngroep.post("/_dash-update-component", json=poll))
        if "compstat-pack-download" in answer:
            break
        assert "wordt gemaakt" in json.dumps(answer, ensure_ascii=False) and time.monotonic() < deadline
        time.sleep(1)
    download = answer["compstat-pack-download"]["data"]
    assert download["filename"] == "meeting-pack-2026-09.pdf" and download["base64"]
    (latest,) = users.audit_entries(app.server.config["CIV_DB"], limit=1, event="export")
    assert latest["detail"] == "vergaderpakket 2026-09 (PDF)" and latest["user"] == "test-kerngroep"
