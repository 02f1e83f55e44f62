"""Nothing without a login, roles on the server, safe sessions, and hostile input through every callback."""

from __future__ import annotations

import hashlib
import json

import pytest

from app import create_app
from civ import accounts as users
from civ.store import reading
from dashboards import auth

from .served_app import (
    TEST_USERS,
    callback_bodies,
    fill_store,
    logged_in_client,
    page_callback_body,
)

INJECTIONS = [
    "'; DROP TABLE reports; --",
    "23002E' OR '1'='1",
    "x" * 100_000,
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "2026-10'); DELETE FROM fixes; --",
]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("store") / "civ.duckdb"
    fill_store(db, is_demo=True)
    return create_app(db)


def _login(client, name, password):
    client.get("/login")
    with client.session_transaction() as session:
        csrf = session["csrf"]
    return client.post("/login", data={"name": name, "password": password, "csrf": csrf})


@pytest.mark.parametrize("path", ["/", "/compstat", "/quarantaine?batch=1", "/coverage/day", "/live"])
def test_pages_redirect_to_login_without_a_session(app, path):
    response = app.server.test_client().get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_callbacks_and_layout_answer_401_without_a_session(app):
    client = app.server.test_client()
    assert client.post("/_dash-update-component", json=page_callback_body("/")).status_code == 401
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/_dash-dependencies").status_code == 401


def test_only_the_login_page_and_static_files_are_public(app):
    client = app.server.test_client()
    assert client.get("/login").status_code == 200
    assert client.get("/assets/style.css").status_code == 200


def test_wrong_password_is_refused_and_the_right_one_opens_the_app(app):
    logged_in_client(app)  # creates the test users
    client = app.server.test_client()
    refused = _login(client, "test-kerngroep", "niet-het-wachtwoord")
    assert refused.status_code == 401 and "klopt niet" in refused.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert _login(client, *TEST_USERS["kerngroep"]).status_code == 302
    assert client.get("/").status_code == 200


def test_login_without_the_form_token_is_refused(app):
    logged_in_client(app)
    client = app.server.test_client()
    response = client.post("/login", data={"name": TEST_USERS["kerngroep"][0], "password": TEST_USERS["kerngroep"][1]})
    assert response.status_code == 401 and client.get("/").status_code == 302


def test_repeated_failures_block_further_tries_even_with_the_right_password(app):
    users.add_user(app.server.config["CIV_DB"], "doelwit", "kerngroep", "het-juiste-wachtwoord")
    client = app.server.test_client()
    for _ in range(auth.FAILURES_PER_NAME):
        assert _login(client, "doelwit", "gok").status_code == 401
    blocked = _login(client, "doelwit", "het-juiste-wachtwoord")
    assert blocked.status_code == 401 and "Te veel mislukte pogingen" in blocked.get_data(as_text=True)
    events = [e["event"] for e in users.audit_entries(app.server.config["CIV_DB"])]
    assert "login_blocked" in events and events.count("login_failed") >= auth.FAILURES_PER_NAME


def test_after_login_only_a_local_path_is_followed(app):
    logged_in_client(app)
    client = app.server.test_client()
    client.get("/login?next=//evil.example/phish")
    with client.session_transaction() as session:
        csrf = session["csrf"]
    name, password = TEST_USERS["kerngroep"]
    response = client.post("/login?next=//evil.example/phish", data={"name": name, "password": password, "csrf": csrf})
    assert response.headers["Location"] == "/"


def test_session_cookie_and_security_headers(app):
    logged_in_client(app)
    client = app.server.test_client()
    response = _login(client, *TEST_USERS["kerngroep"])
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/")
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff" and page.headers["X-Frame-Options"] == "DENY"


def test_an_idle_session_expires(app):
    client = logged_in_client(app, "kerngroep")
    assert client.post("/_dash-update-component", json=page_callback_body("/")).status_code == 200
    with client.session_transaction() as session:
        session["seen"] -= auth.IDLE_MINUTES * 60 + 1
    assert client.post("/_dash-update-component", json=page_callback_body("/")).status_code == 401


TRACK_OUTPUTS = [
    {
        "output": "..day-duty.rowData...day-timeline.figure..",
        "outputs": [{"id": "day-duty", "property": "rowData"}, {"id": "day-timeline", "property": "figure"}],
        "inputs": [{"id": "day-date", "property": "date", "value": "2026-10-01"}],
        "changedPropIds": ["day-date.date"],
        "state": [],
    },
    {
        "output": "live-positions.data",
        "outputs": {"id": "live-positions", "property": "data"},
        "inputs": [],
        "changedPropIds": [],
        "state": [],
    },
]


@pytest.mark.parametrize("body", TRACK_OUTPUTS, ids=["day", "live"])
def test_kerngroep_cannot_get_individual_tracks_by_crafting_a_callback(app, body):
    assert logged_in_client(app, "kerngroep").post("/_dash-update-component", json=body).status_code == 403
    events = [(e["user"], e["event"]) for e in users.audit_entries(app.server.config["CIV_DB"])]
    assert ("test-kerngroep", "refused") in events


def test_the_coordinator_gets_the_daily_tracks_and_the_view_is_audited(app):
    key = next(k for k in app.callback_map if "day-duty.rowData" in k)
    body = next(
        b for k, b in callback_bodies(app, "2026-10-01") if k == key and b["changedPropIds"] == ["day-date.date"]
    )
    response = logged_in_client(app, "coordinator").post("/_dash-update-component", json=body)
    assert response.status_code == 200 and "day-duty" in response.get_data(as_text=True)
    views = [(e["user"], e["event"], e["detail"]) for e in users.audit_entries(app.server.config["CIV_DB"])]
    assert ("test-coordinator", "track_view", "dagoverzicht 2026-10-01") in views


def test_kerngroep_sees_quarantine_reasons_but_not_the_raw_rows(app):
    body = page_callback_body("/quarantaine", "?batch=1")
    kerngroep = logged_in_client(app, "kerngroep").post("/_dash-update-component", json=body).get_data(as_text=True)
    coordinator = logged_in_client(app, "coordinator").post("/_dash-update-component", json=body).get_data(as_text=True)
    # Dash escapes "/" in its JSON, so look for a piece of the raw row without one
    assert "bestaat niet" in kerngroep and "10:00;sluikstort" not in kerngroep
    assert "10:00;sluikstort" in coordinator


def test_a_disabled_account_loses_access_at_its_next_request(app):
    db = app.server.config["CIV_DB"]
    users.add_user(db, "vertrokken", "politie", "nog-even-geldig")
    client = app.server.test_client()
    assert _login(client, "vertrokken", "nog-even-geldig").status_code == 302
    users.disable_user(db, "vertrokken")
    assert client.post("/_dash-update-component", json=page_callback_body("/")).status_code == 401


def _store_fingerprint(db) -> str:
    # the app may be refreshing coverage in a background thread of this process: wait for it
    with reading(db) as con:
        rows = [
            con.execute(
                f"SELECT count(*), hash(string_agg(CAST(t AS VARCHAR), '|' ORDER BY CAST(t AS VARCHAR))) FROM {table} t"
            ).fetchall()
            for table in ("reports", "fixes", "quarantine", "hotspots")
        ]
    return hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()


@pytest.mark.slow
def test_hostile_text_through_every_callback_input_gives_no_500_and_changes_nothing(app):
    db = app.server.config["CIV_DB"]
    before = _store_fingerprint(db)
    client = logged_in_client(app, "coordinator")
    failures = []
    for value in INJECTIONS:
        for key, body in callback_bodies(app, value):
            status = client.post("/_dash-update-component", json=body).status_code
            if status >= 500:
                failures.append((key, body["changedPropIds"][0], value[:30], status))
    assert failures == []
    assert _store_fingerprint(db) == before


@pytest.mark.slow
def test_hostile_text_through_the_administration_callbacks_as_beheerder_changes_no_account(app):
    db = app.server.config["CIV_DB"]
    client = logged_in_client(app, "beheerder")

    def accounts():
        return [(u["name"], u["role"], u["disabled_at"]) for u in users.list_users(db)]

    before = accounts()
    failures = []
    for value in INJECTIONS:
        for key, body in callback_bodies(app, value):
            if "admin-" in key or "audit-" in key:
                status = client.post("/_dash-update-component", json=body).status_code
                if status >= 500 or status == 403:
                    failures.append((key, body["changedPropIds"][0], value[:30], status))
    assert failures == []
    assert accounts() == before
