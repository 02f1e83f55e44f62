"""README: the audit log page shows the first 1.000 entries (newest first) with a notice, the CSV has
them all, and the Excel button gives the same rows as .xlsx; each export is itself audited.

Through the app's callback endpoint as the beheerder (Flask test client), on an audit log of 1.250
planted entries plus the test's own logins; the expected rows are read from the audit table here.
"""

from __future__ import annotations

import base64
import csv
import io
import json

import openpyxl
import pytest

from app import create_app
from civ import accounts as users

from .served_app import TEST_USERS, callback_body, fill_store, logged_in_client

PLANTED = 1250


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("audit") / "civ.duckdb"
    fill_store(db, is_demo=True)
    app = create_app(db)
    # one connection for all of them (users.audit opens the security store for each entry)
    con = users._open(db)
    try:
        for n in range(PLANTED):
            users._audit(con, "planter", "export", f"geplant {n}", "192.0.2.1")
    finally:
        con.close()
    return app


def _all_entries(app) -> int:
    return users.audit_count(app.server.config["CIV_DB"])


def _post(client, body) -> dict:
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return json.loads(response.get_data(as_text=True))["response"]


def _export(app, client, button: str) -> dict:
    body = callback_body(app, "audit-export-download.data", {f"{button}.n_clicks": 1, "admin-lang.data": "nl"})
    body["changedPropIds"] = [f"{button}.n_clicks"]
    return _post(client, body)["audit-export-download"]["data"]


def test_the_page_shows_1000_entries_and_the_csv_and_xlsx_all_of_them(app):
    client = logged_in_client(app, "beheerder")
    page = _post(client, callback_body(app, "audit-grid.rowData", {"admin-lang.data": "nl"}))
    total = _all_entries(app)
    assert total > PLANTED > 1000
    assert len(page["audit-grid"]["rowData"]) == 1000
    assert page["audit-count"]["children"].startswith(f"eerste 1.000 van {total:,}".replace(",", "."))

    download = _export(app, client, "audit-export")
    assert download["filename"].endswith(".csv")
    header, *rows = csv.reader(io.StringIO(download["content"][1:]), delimiter=";")
    assert len(rows) == total  # every entry, not the page's 1.000
    assert header == ["Tijdstip", "Gebruiker", "Soort", "Wat", "Adres"]
    planted = sorted(int(r[3].split()[-1]) for r in rows if r[3].startswith("geplant "))
    assert planted == list(range(PLANTED))

    twin = _export(app, client, "audit-export-xlsx")
    assert twin["filename"].endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(twin["content"]))).active
    xlsx_rows = [[("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert xlsx_rows[0] == header
    # the same entries (the CSV export wrote one more audit line in between: the xlsx has it too)
    assert len(xlsx_rows) - 1 == total + 1
    assert "auditlog-" in xlsx_rows[1][3] and xlsx_rows[1][3].endswith(".csv")  # newest first: the CSV's export
    assert sorted(xlsx_rows[2:]) == sorted(rows)  # planted entries share their instant: compared as a set

    exports = users.audit_entries(app.server.config["CIV_DB"], limit=2, event="export", user=TEST_USERS["beheerder"][0])
    assert [e["detail"].split("; ")[-1].rsplit(".", 1)[-1] for e in exports] == ["xlsx", "csv"]
    assert f"{total} rijen" in exports[1]["detail"]
