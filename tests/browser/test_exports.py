"""Exports are written by the server, through the callback endpoint, and each one is audited."""

from __future__ import annotations

import csv
import io
import json

import pytest

from app import create_app
from civ import accounts as users

from .served_app import (
    HOTSPOTS,
    TEST_USERS,
    callback_body,
    fill_store,
    logged_in_client,
)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("exports") / "civ.duckdb"
    fill_store(db, is_demo=True)
    return create_app(db)


def test_the_coverage_table_export_lists_every_hot_spot_and_is_audited_for_kerngroep(app):
    client = logged_in_client(app, "kerngroep")
    body = callback_body(
        app,
        "coverage-export-download.data",
        {
            "coverage-export.n_clicks": 1,
            "coverage-period.value": "2026-10",
            "coverage-warden.value": "all",
            "coverage-lang.data": "nl",
        },
    )
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    download = json.loads(response.get_data(as_text=True))["response"]["coverage-export-download"]["data"]
    assert download["filename"] == "dekking-2026-10.csv" and download["content"].startswith("\ufeff")
    header, *rows = csv.reader(io.StringIO(download["content"][1:]), delimiter=";")
    assert header[0] == "Hotspot" and sorted(r[0] for r in rows) == [f"Hotspot {n}" for n in range(HOTSPOTS)]
    (latest,) = users.audit_entries(app.server.config["CIV_DB"], limit=1, event="export")
    assert latest["user"] == TEST_USERS["kerngroep"][0]
    assert latest["detail"].startswith("coverage: period=2026-10;") and f"{HOTSPOTS} rijen" in latest["detail"]
