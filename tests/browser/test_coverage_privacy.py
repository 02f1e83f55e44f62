"""Issue 13, F1: a warden's day is for the coordinator only, on the aggregate coverage page too.

Every other role sees coverage summed over all wardens, over at least a week, and presence cells only
where at least two wardens were; asking for one warden or a day (in the address or in a crafted
callback, the export included) is refused with 403 and written to the audit log.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from analytics.coverage import refresh_visits
from app import create_app
from civ import accounts as users
from civ.store import open_for_writing

from .served_app import (
    callback_body,
    fill_store,
    logged_in_client,
    page_callback_body,
    serving,
)

PROBE = "/coverage?period=2026-11-27..2026-11-27&warden=GW-A"
# Presence written straight into the store: cell (10, 10) had both wardens, (11, 10) and (12, 10) only GW-A.
PRESENCE = [
    ("TRK-1", "GW-A", "2026-11-03", 10, 10, 30),
    ("TRK-2", "GW-B", "2026-11-04", 10, 10, 20),
    ("TRK-1", "GW-A", "2026-11-05", 11, 10, 45),
    ("TRK-1", "GW-A", "2026-11-27", 12, 10, 15),
]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("coverage-privacy") / "civ.duckdb"
    fill_store(db, is_demo=True)
    refresh_visits(db)  # as app.py does before serving: the pages then have nothing left to refresh
    con = open_for_writing(db)
    try:
        con.execute("INSERT INTO devices VALUES ('TRK-2', 'GW-B', NULL, NULL, 2)")
        con.executemany("INSERT INTO presence_cells VALUES (?, ?, ?, ?, ?, ?)", PRESENCE)
    finally:
        con.close()
    return create_app(db)


def _refusals(app, user: str) -> list[str]:
    return [e["detail"] for e in users.audit_entries(app.server.config["CIV_DB"], user=user, event="refused")]


def test_kerngroep_opening_a_wardens_day_on_the_coverage_page_gets_403_and_is_audited(app, page):
    with serving(app, role="kerngroep") as url:
        response = page.goto(url + PROBE)
        assert response.status == 403
        expect(page.locator("#refused h1")).to_have_text("Geen toegang")
        assert "GW-A" not in page.content() and "coverage-cells" not in page.content()
        # the aggregate page itself stays open, without a warden to choose
        page.goto(url + "/coverage?period=2026-11")
        expect(page.locator("#coverage-kpi-duty")).to_be_visible()
        expect(page.locator("#coverage-warden")).to_be_disabled()
        assert "GW-A" not in page.locator("#coverage-page").inner_text()
    assert any("GW-A" in detail for detail in _refusals(app, "test-kerngroep"))
    assert [e for e in page.console.errors if "403" not in e] == []


def test_the_coordinator_still_opens_a_wardens_day_on_the_coverage_page(app):
    response = logged_in_client(app, "coordinator").get(PROBE)
    assert response.status_code == 200


def _crafted(app) -> dict[str, dict]:
    day = {
        "coverage-period.value": "2026-11-27..2026-11-27",
        "coverage-warden.value": "all",
        "coverage-colour.value": "days",
        "coverage-layer.value": "presence",
        "coverage-lang.data": "nl",
    }
    one_warden = {**day, "coverage-period.value": "2026-11", "coverage-warden.value": "GW-A"}
    return {
        "day-table": callback_body(app, "coverage-table.rowData", day),
        "warden-table": callback_body(app, "coverage-table.rowData", one_warden),
        "warden-cells": callback_body(app, "coverage-cells.data", one_warden),
        "day-staffing": callback_body(app, "coverage-staffing.children", day),
        "warden-export": callback_body(
            app, "coverage-export-download.data", {**one_warden, "coverage-export.n_clicks": 1}
        ),
        "day-export": callback_body(app, "coverage-export-download.data", {**day, "coverage-export-xlsx.n_clicks": 1}),
        "page-address": page_callback_body("/coverage", "?period=2026-11-27..2026-11-27&warden=GW-A"),
        "page-address-day": page_callback_body("/coverage/", "?period=2026-11-01..2026-11-03"),
    }


@pytest.mark.parametrize("role", ["kerngroep", "politie", "beheerder"])
@pytest.mark.parametrize(
    "crafted",
    [
        "day-table",
        "warden-table",
        "warden-cells",
        "day-staffing",
        "warden-export",
        "day-export",
        "page-address",
        "page-address-day",
    ],
)
def test_a_crafted_coverage_callback_for_a_warden_or_a_day_is_refused_and_audited(app, role, crafted):
    before = len(_refusals(app, f"test-{role}"))
    response = logged_in_client(app, role).post("/_dash-update-component", json=_crafted(app)[crafted])
    assert response.status_code == 403
    assert len(_refusals(app, f"test-{role}")) == before + 1


def test_the_coordinator_gets_the_same_crafted_callbacks(app):
    client = logged_in_client(app, "coordinator")
    for name, body in _crafted(app).items():
        assert client.post("/_dash-update-component", json=body).status_code == 200, name


def _cells(app, role: str, layer: str = "presence") -> dict[str, dict]:
    body = callback_body(
        app,
        "coverage-cells.data",
        {
            "coverage-period.value": "2026-11",
            "coverage-warden.value": "all",
            "coverage-layer.value": layer,
            "coverage-lang.data": "nl",
        },
    )
    response = logged_in_client(app, role).post("/_dash-update-component", json=body)
    assert response.status_code == 200
    features = json.loads(response.get_data(as_text=True))["response"]["coverage-cells"]["data"]["features"]
    return {f["properties"]["cell"]: f["properties"] for f in features}


def test_other_roles_see_presence_only_in_cells_where_two_wardens_were(app):
    per_cell: dict[str, set] = {}
    minutes: dict[str, int] = {}
    for _device, holder, _day, x, y, spent in PRESENCE:
        per_cell.setdefault(f"{x}:{y}", set()).add(holder)
        minutes[f"{x}:{y}"] = minutes.get(f"{x}:{y}", 0) + spent
    shared = {cell for cell, holders in per_cell.items() if len(holders) >= 2}
    assert shared == {"10:10"}
    kerngroep = _cells(app, "kerngroep")
    assert set(kerngroep) == shared and kerngroep["10:10"]["minutes"] == minutes["10:10"]
    coordinator = _cells(app, "coordinator")
    assert set(coordinator) == set(per_cell)
    assert {cell: p["minutes"] for cell, p in coordinator.items()} == minutes


def test_the_last_visit_is_shown_to_the_day_for_other_roles(app):
    con = open_for_writing(app.server.config["CIV_DB"])
    try:
        con.execute(
            "INSERT INTO visits (hotspot_id, device_id, holder, started_at, ended_at, minutes, fixes) "
            "VALUES ('h0', 'TRK-1', 'GW-A', TIMESTAMPTZ '2026-11-05 13:07:00+00', "
            "TIMESTAMPTZ '2026-11-05 13:27:00+00', 20, 40)"
        )
    finally:
        con.close()
    body = callback_body(
        app,
        "coverage-table.rowData",
        {
            "coverage-period.value": "2026-11",
            "coverage-warden.value": "all",
            "coverage-colour.value": "days",
            "coverage-lang.data": "nl",
        },
    )

    def last_visit(role):
        answer = json.loads(
            logged_in_client(app, role).post("/_dash-update-component", json=body).get_data(as_text=True)
        )
        return next(
            r["last_visit"] for r in answer["response"]["coverage-table"]["rowData"] if r["name"] == "Hotspot 0"
        )

    assert last_visit("kerngroep") == "05/11/2026"  # 14:07 in Brussels, left out
    assert last_visit("coordinator") == "05/11/2026 14:07"
