"""Issue 13: what the outside probe found in the login and session handling, each kept fixed by a test.

The app is driven through Flask's test client (as a browser would: cookies, forms, callback bodies);
each test names its finding (F2, F4, …).
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from app import create_app
from civ import accounts as users
from civ.errors import UnusableInput
from dashboards import auth

from .served_app import (
    TEST_USERS,
    callback_body,
    fill_store,
    logged_in_client,
    page_callback_body,
)

HOME = page_callback_body("/")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("probe") / "civ.duckdb"
    fill_store(db, is_demo=True)
    return create_app(db)


def _db(app):
    return app.server.config["CIV_DB"]


def _login(client, name, password, address="127.0.0.1", forwarded=None):
    environ = {"REMOTE_ADDR": address}
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    client.get("/login", environ_base=environ, headers=headers)
    with client.session_transaction() as session:
        csrf = session["csrf"]
    return client.post(
        "/login", data={"name": name, "password": password, "csrf": csrf}, environ_base=environ, headers=headers
    )


def _events(app, event, user=None):
    return users.audit_entries(_db(app), limit=10_000, event=event, user=user)


# F4 -------------------------------------------------------------------------------------------------------


def test_a_cookie_copied_before_logout_is_refused_afterwards_from_another_client(app):
    client = logged_in_client(app, "kerngroep")
    copied = client.get_cookie("civ_session").value
    assert client.post("/_dash-update-component", json=HOME).status_code == 200
    client.get("/logout")
    thief = app.server.test_client()
    thief.set_cookie("civ_session", copied, domain="localhost")
    assert (
        thief.post("/_dash-update-component", json=HOME, environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code
        == 401
    )
    assert thief.get("/").status_code == 302


@pytest.mark.parametrize("change", ["role", "password", "disable"])
def test_a_role_or_password_change_or_disabling_ends_open_sessions_at_the_next_request(app, change):
    db = _db(app)
    name = f"wissel-{change}"
    users.add_user(db, name, "kerngroep", "eerste-wachtwoord")
    client = app.server.test_client()
    assert _login(client, name, "eerste-wachtwoord").status_code == 302
    assert client.post("/_dash-update-component", json=HOME).status_code == 200
    if change == "role":
        users.set_role(db, name, "politie")
    elif change == "password":
        users.set_password(db, name, "tweede-wachtwoord")
    else:
        users.disable_user(db, name)
    assert client.post("/_dash-update-component", json=HOME).status_code == 401  # no 30 s grace any more


def test_the_session_cookie_is_a_browser_session_cookie(app):
    client = app.server.test_client()
    response = _login(client, *TEST_USERS["kerngroep"])
    cookie = response.headers["Set-Cookie"].lower()
    assert "civ_session=" in cookie and "expires" not in cookie and "max-age" not in cookie


def test_after_ten_hours_the_session_ends_even_when_it_is_in_use(app):
    client = logged_in_client(app, "kerngroep")
    with client.session_transaction() as session:
        token = session["sid"]
    con = users._open(_db(app))
    try:
        con.execute(
            "UPDATE sessions SET created_at = created_at - INTERVAL 601 MINUTE WHERE session_hash = ?",
            [users._token_hash(token)],
        )
    finally:
        con.close()
    assert client.post("/_dash-update-component", json=HOME).status_code == 401


# F2 -------------------------------------------------------------------------------------------------------


def test_parallel_wrong_passwords_are_all_counted_before_any_is_checked(app):
    db = _db(app)
    users.add_user(db, "burst", "kerngroep", "het-juiste-wachtwoord")

    def attempt(n):
        return _login(app.server.test_client(), "burst", f"gok-{n}", address=f"192.0.2.{n}").status_code

    with ThreadPoolExecutor(19) as pool:
        statuses = list(pool.map(attempt, range(1, 20)))
    assert statuses == [401] * 19
    checked = [e for e in _events(app, "login_failed", user="burst")]
    assert len(checked) <= auth.FAILURES_PER_NAME  # the rest never reached the password check
    right = _login(app.server.test_client(), "burst", "het-juiste-wachtwoord", address="192.0.2.200")
    assert right.status_code == 401 and "Te veel mislukte pogingen" in right.get_data(as_text=True)


def test_the_limit_per_name_holds_across_addresses(app):
    users.add_user(_db(app), "zwerver", "kerngroep", "het-juiste-wachtwoord")
    for _attempt in range(auth.FAILURES_PER_NAME):
        assert _login(app.server.test_client(), "zwerver", "gok", address="192.0.2.77").status_code == 401
    other = _login(app.server.test_client(), "zwerver", "het-juiste-wachtwoord", address="203.0.113.5")
    assert other.status_code == 401 and "Te veel mislukte pogingen" in other.get_data(as_text=True)


def test_a_successful_login_does_not_use_up_the_attempts(app):
    users.add_user(_db(app), "vaste-gast", "kerngroep", "het-juiste-wachtwoord")
    for _ in range(auth.FAILURES_PER_NAME + 2):
        assert _login(app.server.test_client(), "vaste-gast", "het-juiste-wachtwoord", "192.0.2.88").status_code == 302


# F5 -------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def proxied_app(tmp_path_factory):
    db = tmp_path_factory.mktemp("proxied") / "civ.duckdb"
    fill_store(db, is_demo=True)
    patch = pytest.MonkeyPatch()
    patch.setenv("CIV_TRUSTED_PROXIES", "10.0.0.1, 10.0.0.9")
    try:
        yield create_app(db)
    finally:
        patch.undo()


def test_bad_logins_behind_the_trusted_proxy_do_not_lock_out_other_users(proxied_app):
    users.add_user(_db(proxied_app), "achter-proxy", "kerngroep", "het-juiste-wachtwoord")
    for n in range(auth.FAILURES_PER_ADDRESS + 2):
        _login(proxied_app.server.test_client(), f"aanvaller-{n}", "gok", address="10.0.0.1", forwarded="203.0.113.66")
    honest = _login(
        proxied_app.server.test_client(),
        "achter-proxy",
        "het-juiste-wachtwoord",
        address="10.0.0.1",
        forwarded="198.51.100.20",
    )
    assert honest.status_code == 302
    (latest,) = users.audit_entries(_db(proxied_app), limit=1, event="login")
    assert latest["remote_addr"] == "198.51.100.20"


def test_forwarded_addresses_from_an_untrusted_peer_are_ignored(proxied_app):
    users.add_user(_db(proxied_app), "buiten-proxy", "kerngroep", "het-juiste-wachtwoord")
    for n in range(auth.FAILURES_PER_ADDRESS):
        _login(
            proxied_app.server.test_client(), f"gokker-{n}", "gok", address="192.0.2.50", forwarded=f"198.51.100.{n}"
        )
    again = _login(
        proxied_app.server.test_client(),
        "buiten-proxy",
        "het-juiste-wachtwoord",
        address="192.0.2.50",
        forwarded="198.51.100.99",
    )
    assert again.status_code == 401 and "Te veel mislukte pogingen" in again.get_data(as_text=True)


def test_without_configured_proxies_forwarded_headers_are_ignored(app):
    client = app.server.test_client()
    _login(client, *TEST_USERS["politie"], address="192.0.2.61", forwarded="198.51.100.61")
    (latest,) = users.audit_entries(_db(app), limit=1, event="login")
    assert latest["remote_addr"] == "192.0.2.61"


# F6, F7 ---------------------------------------------------------------------------------------------------


def test_password_checks_run_at_most_a_few_at_a_time(app, monkeypatch):
    running, most, lock = [0], [0], threading.Lock()
    real_verify = users.verify

    def counted(*args, **kwargs):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            time.sleep(0.05)
            return real_verify(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(users, "verify", counted)

    def attempt(n):
        return _login(app.server.test_client(), f"zwerm-{n}", "gok", address=f"198.18.0.{n}").status_code

    with ThreadPoolExecutor(12) as pool:
        assert set(pool.map(attempt, range(12))) == {401}
    assert 1 <= most[0] <= auth.HASHING_AT_ONCE


def test_blocked_attempts_are_audited_once_per_address_and_minute_without_the_typed_name(app):
    before = len(_events(app, "login_blocked"))
    for n in range(auth.FAILURES_PER_ADDRESS + 30):
        _login(app.server.test_client(), f"geheim-{n}", "gok", address="198.19.0.1")
    blocked = _events(app, "login_blocked")[: len(_events(app, "login_blocked")) - before]
    assert 1 <= len(blocked) <= 2  # two when the burst crosses a minute
    assert all("geheim" not in (e["detail"] or "") for e in blocked)


# F16: a mistyped name is not kept in clear ------------------------------------------------------------------


def test_an_unknown_login_name_is_audited_as_a_keyed_hash(app):
    for _ in range(2):
        _login(app.server.test_client(), "mijn-wachtwoord-in-het-naamveld", "x", address="198.19.1.1")
    details = [e["detail"] for e in _events(app, "login_failed")[:2]]
    assert all("wachtwoord" not in d for d in details)
    assert details[0] == details[1] and details[0].startswith("onbekende naam #")


# F8, F9, F10 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"niet-json",
        b"[]",
        b'{"output": 1}',
        b'{"output": "a.b", "outputs": "x", "inputs": 3}',
        b'{"output": "a.b", "outputs": {"id": "a"}, "inputs": [[1]]}',
        b'{"output": "geen.callback", "outputs": {"id": "geen", "property": "callback"}, '
        b'"inputs": [], "changedPropIds": []}',
    ],
)
def test_a_malformed_callback_body_is_a_bad_request_not_a_server_error(app, body):
    response = logged_in_client(app, "coordinator").post(
        "/_dash-update-component", data=body, content_type="application/json"
    )
    assert response.status_code == 400


def test_an_unknown_component_file_is_not_found_without_login(app):
    client = app.server.test_client()
    assert client.get("/_dash-component-suites/dash/bestaat-niet.js").status_code == 404
    assert client.get("/_dash-component-suites/geen_pakket/x.js").status_code == 404


def test_a_line_break_in_the_address_does_not_reach_the_redirect(app):
    response = app.server.test_client().get("/compstat%0d%0aSet-Cookie:%20x=1")
    assert response.status_code == 302
    assert "\r" not in response.headers["Location"] and "\n" not in response.headers["Location"]
    assert "x=1" not in response.headers.get("Set-Cookie", "")
    client = logged_in_client(app, "kerngroep")
    client.get("/logout")
    client.get("/login")
    with client.session_transaction() as session:
        csrf = session["csrf"]
    name, password = TEST_USERS["kerngroep"]
    after = client.post(
        "/login?next=/compstat%0d%0aSet-Cookie:%20x=1", data={"name": name, "password": password, "csrf": csrf}
    )
    assert after.status_code == 302 and after.headers["Location"] == "/"


def test_a_huge_body_is_refused_before_anything_else(app):
    response = app.server.test_client().post("/_dash-update-component", data=b"x" * (auth.MAX_REQUEST_BYTES + 1))
    assert response.status_code == 413


@pytest.mark.parametrize("path", ["/loginx", "/login/../compstat", "/favicon.icox", "/_favicon.ico.html", "/loginx/y"])
def test_only_exact_public_paths_are_served_without_login(app, path):
    assert app.server.test_client().get(path).status_code in (302, 401, 404)


# F12 ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["b\u0435heerder", "beheerder\u200b", "jan@example", "jan de wit", "ｊａｎ！"])
def test_look_alike_and_unusual_login_names_cannot_be_created(app, name):
    with pytest.raises(UnusableInput):
        users.add_user(_db(app), name, "kerngroep", "een-wachtwoord")


def test_a_full_width_name_is_taken_as_its_plain_form(app):
    users.add_user(_db(app), "ｂｒｅｅｄ", "kerngroep", "een-wachtwoord")
    assert "breed" in {u["name"] for u in users.list_users(_db(app))}
    assert _login(app.server.test_client(), "breed", "een-wachtwoord", "192.0.2.123").status_code == 302


# F14 ------------------------------------------------------------------------------------------------------


def test_a_timer_refresh_does_not_keep_a_session_alive(app):
    client = logged_in_client(app, "coordinator")
    idle_since = time.time() - (auth.IDLE_MINUTES - 1) * 60
    with client.session_transaction() as session:
        session["seen"] = idle_since
    tick = callback_body(app, "live-positions.data", {"live-tick.n_intervals": 7})
    assert tick["changedPropIds"] == ["live-tick.n_intervals"]
    assert client.post("/_dash-update-component", json=tick).status_code in (200, 204)
    with client.session_transaction() as session:
        assert session["seen"] == idle_since
    with client.session_transaction() as session:
        session["seen"] = idle_since - 2 * 60
    assert client.post("/_dash-update-component", json=tick).status_code == 401


# F15 ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["kerngroep", "politie", "beheerder"])
def test_quarantine_reasons_reach_other_roles_without_the_rows_values(app, role):
    body = page_callback_body("/quarantaine", "?batch=3")
    shown = logged_in_client(app, role).post("/_dash-update-component", json=body).get_data(as_text=True)
    assert "buiten het grondgebied" in shown
    assert "51,52" not in shown and "0,08" not in shown  # the row's exact coordinates
    coordinator = logged_in_client(app, "coordinator").post("/_dash-update-component", json=body).get_data(as_text=True)
    assert "51,52 N, 0,08 W" in coordinator


# F16, F9 under the production server --------------------------------------------------------------------------


def test_the_production_server_sends_no_server_header_and_refuses_huge_bodies(app):
    import socket
    import urllib.error
    import urllib.request

    import app as app_module

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # waitress has no stop call: a daemon thread, gone with the test process
    threading.Thread(target=app_module.serve, args=(app, "127.0.0.1", port, 4), daemon=True).start()
    deadline = time.monotonic() + 20
    while True:
        try:
            response = urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5)
            break
        except (ConnectionError, urllib.error.URLError):
            assert time.monotonic() < deadline
            time.sleep(0.2)
    assert response.status == 200 and "Server" not in response.headers
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/_dash-update-component", method="POST", data=b"x" * (auth.MAX_REQUEST_BYTES + 1)
    )
    # waitress answers 413 and closes as soon as the declared length is too big; the client, still
    # sending, may see the connection reset instead of the answer
    with pytest.raises((urllib.error.HTTPError, urllib.error.URLError, ConnectionError)) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert getattr(refused.value, "code", 413) == 413
