"""The app served on a free port over a store the test fills with known totals.

A module of its own (not conftest.py): the tests import these helpers by name.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

from civ.store import open_for_writing

SHARED_SCREENS = Path("/tmp/civ-screens")

# What fill_store() writes, so the tests can check the page against these and not against the code.
REPORTS = 1234  # shown as 1.234
LOCATED = 617  # every second report: 50,0 %
FIXES = 12345  # shown as 12.345
WARDENS = 2
HOTSPOTS = 3
LATEST_REPORT_UTC = "2026-10-31 23:30:00+00"  # in Brussels: 01/11/2026 00:30
REASONS = {
    1: ["datum 31/02/2026 bestaat niet", "categorie 'kapotte lantaarn' is onbekend"],
    3: ["coördinaten liggen buiten het grondgebied (51,52 N, 0,08 W)"],
}


def fill_store(path: Path, *, is_demo: bool = True) -> None:
    """A small store with known totals: 3 batches, 1.234 reports, 12.345 fixes, 3 quarantined rows."""
    con = open_for_writing(path)
    try:
        con.execute(
            """
            INSERT INTO import_batches (batch_id, kind, file_name, file_sha256, format, load_key, started_at,
                                        finished_at, rows_in, loaded, quarantined, duplicates, is_demo)
            VALUES (1, 'reports', 'meldingen-test.csv', 'a', 'canonical', 'k1', TIMESTAMPTZ '2026-11-02 08:00:00+00',
                    TIMESTAMPTZ '2026-11-02 08:00:04+00', 1237, 1234, 2, 1, ?),
                   (2, 'fixes', 'gw-a.csv', 'b', 'csv', 'k2', TIMESTAMPTZ '2026-11-02 08:10:00+00',
                    TIMESTAMPTZ '2026-11-02 08:10:09+00', 12345, 12345, 0, 0, ?),
                   (3, 'reports', 'extra-meldingen.csv', 'c', 'canonical', 'k3', TIMESTAMPTZ '2026-11-02 08:20:00+00',
                    TIMESTAMPTZ '2026-11-02 08:20:01+00', 1, 0, 1, 0, ?)""",
            [is_demo] * 3,
        )
        # 1.233 reports spread over January–October 2026 at 10:00 UTC, plus the latest one.
        con.execute("""
            INSERT INTO reports (source, source_id, batch_id, reported_at, reported_precision, category_code,
                                 channel_code, status, lat, lon, gas_finding, content_hash)
            SELECT 'canonical', 'r' || i, 1,
                   TIMESTAMPTZ '2026-01-01 10:00:00+00' + INTERVAL (i % 300) DAY,
                   'minute', 'sluikstort', 'email', 'open',
                   CASE WHEN i % 2 = 0 THEN 50.91 END, CASE WHEN i % 2 = 0 THEN 4.20 END, false, 'h'
            FROM range(1, 1234) t(i)""")
        con.execute(
            """
            INSERT INTO reports (source, source_id, batch_id, reported_at, reported_precision, category_code,
                                 channel_code, status, lat, lon, gas_finding, content_hash)
            VALUES ('canonical', 'laatste', 1, ?, 'minute', 'sluikstort', 'email', 'open', 50.9, 4.2, false, 'h')""",
            [LATEST_REPORT_UTC],
        )
        con.execute("INSERT INTO wardens VALUES ('GW-A', 'Gemeenschapswacht A'), ('GW-B', 'Gemeenschapswacht B')")
        con.execute("INSERT INTO devices VALUES ('TRK-1', 'GW-A', NULL, NULL, 2)")
        con.execute("""
            INSERT INTO fixes (device_id, ts, lat, lon, batch_id, is_outlier)
            SELECT 'TRK-1', TIMESTAMPTZ '2026-10-01 07:00:00+00' + i * INTERVAL 20 SECOND, 50.91, 4.20, 2, i % 1000 = 0
            FROM range(12345) t(i)""")
        for n, kind in enumerate(["station", "plein", "park"]):
            con.execute(
                """INSERT INTO hotspots (hotspot_id, name, kind, geojson, center_lat, center_lon, radius_m,
                                                     min_lat, min_lon, max_lat, max_lon, batch_id)
                           VALUES (?, ?, ?, '{"type": "Point", "coordinates": [4.2, 50.9]}',
                                                       50.9, 4.2, 50, 50.8995, 4.1993, 50.9005, 4.2007, 2)""",
                [f"h{n}", f"Hotspot {n}", kind],
            )
        row = 0
        for batch_id, reasons in REASONS.items():
            for reason in reasons:
                row += 7
                con.execute(
                    "INSERT INTO quarantine VALUES (?, ?, ?, ?)",
                    [batch_id, row, f"{row};31/02/2026 10:00;sluikstort", reason],
                )
    finally:
        con.close()


TEST_USERS = {
    "coordinator": ("test-coordinator", "coordinator-wachtwoord"),
    "kerngroep": ("test-kerngroep", "kerngroep-wachtwoord"),
    "beheerder": ("test-beheerder", "beheerder-wachtwoord"),
    "politie": ("test-politie", "politie-wachtwoord"),
}
_sessions: dict[str, str] = {}  # base URL -> session cookie of the user the browser tests act as


def ensure_test_users(db: Path) -> None:
    from civ import accounts as users

    existing = {u["name"] for u in users.list_users(db)}
    for role, (name, password) in TEST_USERS.items():
        if name not in existing:
            users.add_user(db, name, role, password)


def login_cookie(app, role: str = "coordinator") -> str:
    """Log in through the real /login form (test client) and return the session cookie value."""
    db = Path(app.server.config["CIV_DB"])
    ensure_test_users(db)
    name, password = TEST_USERS[role]
    client = app.server.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        csrf = session["csrf"]
    response = client.post("/login", data={"name": name, "password": password, "csrf": csrf})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client.get_cookie("civ_session").value


def logged_in_client(app, role: str = "coordinator"):
    """A Flask test client with the session of a test user of `role`."""
    client = app.server.test_client()
    client.set_cookie("civ_session", login_cookie(app, role), domain="localhost")
    return client


def session_for(url: str) -> str | None:
    return next((cookie for base, cookie in _sessions.items() if url.startswith(base)), None)


@contextmanager
def serving(app, role: str | None = "coordinator"):
    """The app's Flask server on a free port in a background thread (threaded, like production).

    Browser pages opened on it act as a logged-in test user of `role` (None: not logged in).
    """
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    if role:
        _sessions[base] = login_cookie(app, role)
    try:
        yield base
    finally:
        _sessions.pop(base, None)
        server.shutdown()
        thread.join(timeout=5)


def page_callback_body(pathname: str, search: str = "") -> dict:
    """The request Dash's renderer sends to draw a page (Dash Pages' own routing callback)."""
    return {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": pathname},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }


def callback_bodies(app, value):
    """One request per callback and per input, that input set to `value` (Dash's own wire format)."""
    for key, spec in app.callback_map.items():
        if "{" in key or key.startswith("_pages") or "callback" not in spec:
            continue  # pattern-matching ids, Dash's own page router, callbacks that run in the browser
        outputs = [
            {"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]} for part in key.strip(".").split("...")
        ]
        inputs = [{"id": i["id"], "property": i["property"], "value": None} for i in spec["inputs"]]
        state = [{"id": s["id"], "property": s["property"], "value": None} for s in spec.get("state", [])]
        for position in range(len(inputs)):
            if "{" in str(inputs[position]["id"]):
                continue
            sent = [dict(i) for i in inputs]
            sent[position]["value"] = value
            yield (
                key,
                {
                    "output": key,
                    "outputs": outputs if key.startswith("..") else outputs[0],
                    "inputs": sent,
                    "changedPropIds": [f"{sent[position]['id']}.{sent[position]['property']}"],
                    "state": state,
                },
            )


def callback_body(app, output: str, values: dict | None = None) -> dict:
    """The request for the callback whose outputs include `output` ('overview-reports-grid.rowData'),
    its inputs and states taken from `values` ({'overview-lat.value': 50.91, …}; missing ones None)."""
    values = values or {}
    key = next(k for k in app.callback_map if output in k and "{" not in k)
    spec = app.callback_map[key]
    outputs = [
        {"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1]} for part in key.strip(".").split("...")
    ]

    def filled(items):
        return [
            {"id": i["id"], "property": i["property"], "value": values.get(f"{i['id']}.{i['property']}")} for i in items
        ]

    inputs = filled(spec["inputs"])
    changed = [f"{i['id']}.{i['property']}" for i in inputs if i["value"] is not None][:1]
    return {
        "output": key,
        "outputs": outputs if key.startswith("..") else outputs[0],
        "inputs": inputs,
        "changedPropIds": changed,
        "state": filled(spec.get("state", [])),
    }


def choose(page, dropdown_id: str, option: str) -> None:
    """Pick `option` (its exact label) in a dcc.Dropdown."""
    page.locator(f"#{dropdown_id}").click()
    page.get_by_role("option", name=option, exact=True).click()
