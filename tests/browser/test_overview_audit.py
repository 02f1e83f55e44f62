"""README: a view of an overview list (every passage and report near a point) is written to the audit
log with the place and period; its CSV and its .xlsx twin hold the same rows and each is audited as an
export. Through the app's callback endpoint as the coordinator (Flask test client).

The store of served_app.fill_store: reports at (50,91; 4,20) on every other day of the year at 10:00
UTC, so October 2026 holds a number of them counted here from that rule.
"""

from __future__ import annotations

import base64
import csv
import io
from datetime import date, timedelta

import openpyxl
import pytest

from app import create_app
from civ import accounts as users

from .served_app import TEST_USERS, callback_body, fill_store, logged_in_client

PLACE = {
    "overview-lat.value": 50.91,
    "overview-lon.value": 4.20,
    "overview-radius.value": 200,
    "overview-dates.start_date": "2026-10-01",
    "overview-dates.end_date": "2026-10-31",
    "overview-lang.data": "nl",
}


def _october_reports_at_the_point() -> int:
    # fill_store: report i (1…1233) on 1 January + (i mod 300) days, located only when i is even
    days = [date(2026, 1, 1) + timedelta(days=i % 300) for i in range(1, 1234) if i % 2 == 0]
    return sum(d.month == 10 for d in days)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("overview") / "civ.duckdb"
    fill_store(db, is_demo=True)
    return create_app(db)


def _entries(app, event: str) -> list[dict]:
    return users.audit_entries(app.server.config["CIV_DB"], limit=50, event=event, user=TEST_USERS["coordinator"][0])


def _download(app, client, button: str) -> dict:
    body = callback_body(app, "overview-export-download.data", {**PLACE, f"{button}.n_clicks": 1})
    body["changedPropIds"] = [f"{button}.n_clicks"]
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    return response.get_json()["response"]["overview-export-download"]["data"]


def test_viewing_and_exporting_an_overview_list_is_audited_and_the_xlsx_is_the_csvs_twin(app):
    client = logged_in_client(app, "coordinator")
    views_before = len(_entries(app, "overview_list"))
    response = client.post("/_dash-update-component", json=callback_body(app, "overview-reports-grid.rowData", PLACE))
    assert response.status_code == 200
    reports = response.get_json()["response"]["overview-reports-grid"]["rowData"]
    assert len(reports) == _october_reports_at_the_point()
    views = _entries(app, "overview_list")
    assert len(views) == views_before + 1
    assert views[0]["detail"] == "50.91000, 4.20000 straal 200.0 m, 2026-10-01 – 2026-10-31"

    as_csv = _download(app, client, "overview-export")
    as_xlsx = _download(app, client, "overview-export-xlsx")
    assert as_csv["filename"] == "overzichtslijst-2026-10-01_2026-10-31.csv"
    assert as_xlsx["filename"] == "overzichtslijst-2026-10-01_2026-10-31.xlsx"
    csv_rows = [row for row in csv.reader(io.StringIO(as_csv["content"][1:]), delimiter=";")]
    sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(as_xlsx["content"]))).active
    xlsx_rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    width = max(len(r) for r in csv_rows)
    assert [r + [""] * (width - len(r)) for r in csv_rows] == [r[:width] for r in xlsx_rows]
    report_header = next(i for i, r in enumerate(csv_rows) if r and r[0] == "Datum")
    assert len(csv_rows) - report_header - 1 == len(reports)

    exports = _entries(app, "export")[:2]  # newest first
    assert [e["detail"].rsplit(".", 1)[-1] for e in exports] == ["xlsx", "csv"]
    for entry in exports:
        assert entry["detail"].startswith(
            "overview: lat=50.91, lon=4.2, radius_m=200.0, period=2026-10-01..2026-10-31;"
        )
    # each export also read the list again: one more view each, like a page view
    assert len(_entries(app, "overview_list")) == views_before + 3
