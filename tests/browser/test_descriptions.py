"""Free-text descriptions of reports (and raw import rows, which may hold them) reach the coordinator
only: not kerngroep, not politie, not the beheerder — on no page and through no callback."""

from __future__ import annotations

import dash
import pytest

from app import create_app
from civ.store import open_for_writing

from .served_app import (
    callback_bodies,
    callback_body,
    fill_store,
    logged_in_client,
    page_callback_body,
)

SECRET = "GeheimeOmschrijvingQ7Z4"  # no "/" or quotes: Dash's JSON would escape them
NEAR = {
    "overview-lat.value": 50.91,
    "overview-lon.value": 4.20,
    "overview-radius.value": 100,
    "overview-dates.start_date": "2026-10-01",
    "overview-dates.end_date": "2026-10-31",
    "overview-lang.data": "nl",
}
SEARCHES = {
    "/overview": "?lat=50.91&lon=4.2&radius=100&start=2026-10-01&end=2026-10-31",
    "/quarantaine": "?batch=1",
    "/compstat": "?period=2026-10",
}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("descriptions") / "civ.duckdb"
    fill_store(db, is_demo=True)
    con = open_for_writing(db)
    try:
        con.execute(
            """
            INSERT INTO reports (source, source_id, batch_id, reported_at, reported_precision, category_code,
                                 channel_code, status, lat, lon, description, gas_finding, content_hash)
            VALUES ('canonical', 'met-tekst', 1, TIMESTAMPTZ '2026-10-15 10:00:00+00', 'minute', 'sluikstort',
                    'email', 'open', 50.91, 4.20, ?, false, 'h')""",
            [f"{SECRET} naast de glasbol"],
        )
        con.execute("INSERT INTO quarantine VALUES (1, 99, ?, 'datum ontbreekt')", [f"99;;sluikstort;{SECRET}"])
    finally:
        con.close()
    return create_app(db)


def _pages() -> list[str]:
    return sorted(page["path"] for page in dash.page_registry.values())


def test_the_coordinator_reads_the_description_in_the_overview_list_and_the_raw_rows(app):
    client = logged_in_client(app, "coordinator")
    answer = client.post("/_dash-update-component", json=callback_body(app, "overview-reports-grid.rowData", NEAR))
    assert answer.status_code == 200 and SECRET in answer.get_data(as_text=True)
    layout = client.post("/_dash-update-component", json=page_callback_body("/quarantaine", "?batch=1"))
    assert SECRET in layout.get_data(as_text=True)


@pytest.mark.slow
@pytest.mark.parametrize("role", ["kerngroep", "politie", "beheerder"])
def test_no_other_role_gets_a_description_from_any_page_or_callback(app, role):
    client = logged_in_client(app, role)
    answers = []
    for path in _pages():
        response = client.post("/_dash-update-component", json=page_callback_body(path, SEARCHES.get(path, "")))
        assert response.status_code == 200, path
        answers.append((path, response.get_data(as_text=True)))
    for value in ("2026-10", 1):
        for key, body in callback_bodies(app, value):
            answers.append((key, client.post("/_dash-update-component", json=body).get_data(as_text=True)))
    overview = client.post("/_dash-update-component", json=callback_body(app, "overview-reports-grid.rowData", NEAR))
    assert overview.status_code == 403  # passages of wardens are for the coordinator alone
    answers.append(("overview list", overview.get_data(as_text=True)))
    export = client.post(
        "/_dash-update-component",
        json=callback_body(app, "overview-export-download.data", {**NEAR, "overview-export.n_clicks": 1}),
    )
    answers.append(("overview export", export.get_data(as_text=True)))
    assert [where for where, text in answers if SECRET in text] == []
    quarantine = dict(answers)["/quarantaine"]
    assert "omschrijving van de melder" in quarantine and "datum ontbreekt" in quarantine
