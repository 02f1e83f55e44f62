"""The beheer page registers devices for live positions: the beheerder gets the id once, anyone else a 403."""

from __future__ import annotations

import duckdb

from app import create_app
from etl import live

from .served_app import callback_body, fill_store, logged_in_client


def test_the_beheerder_registers_a_device_and_a_coordinator_may_not(tmp_path):
    db = tmp_path / "civ.duckdb"
    fill_store(db)
    con = duckdb.connect(str(db))
    con.execute("SELECT nextval('import_batch_ids') FROM range(3)").fetchall()
    con.close()
    app = create_app(db)
    body = callback_body(
        app,
        "admin-live-result.children",
        {
            "admin-live-add.n_clicks": 1,
            "admin-live-warden.value": "gw-f",
            "admin-live-version.data": 0,
            "admin-lang.data": "nl",
        },
    )
    refused = logged_in_client(app, "coordinator").post("/_dash-update-component", json=body)
    assert refused.status_code == 403
    answer = logged_in_client(app, "beheerder").post("/_dash-update-component", json=body)
    assert answer.status_code == 200
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        "SELECT l.device_id, l.registered_by, d.warden_code FROM live_devices l JOIN devices d USING (device_id)"
    ).fetchall()
    con.close()
    assert len(rows) == 1 and rows[0][1:] == ("test-beheerder", "GW-F") and len(rows[0][0]) >= 30
    assert rows[0][0] in answer.get_data(as_text=True)  # shown once, in this answer
    grid = logged_in_client(app, "beheerder").post(
        "/_dash-update-component",
        json=callback_body(app, "admin-live-grid.rowData", {"admin-live-version.data": 1, "admin-lang.data": "nl"}),
    )
    listed = grid.get_json()["response"]["admin-live-grid"]["rowData"]
    assert [(r["device"], r["warden"]) for r in listed] == [("…" + rows[0][0][-4:], "GW-F")]
    assert rows[0][0] not in grid.get_data(as_text=True)
    live.close_ingest(db)
