"""README's session rules through the app's own server (Flask test client, the real /login form):
sessions end after 10 hours in all even when used all along, after 30 minutes without a request,
and `CIV_HTTPS=1` marks the session cookie Secure (without it the cookie is not, so plain HTTP works).

The clock of dashboards/auth.py is moved by the test; the session's start is the one stored at login.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from app import create_app
from dashboards import auth

from .served_app import TEST_USERS, ensure_test_users, fill_store, logged_in_client


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = tmp_path_factory.mktemp("store") / "civ.duckdb"
    fill_store(db, is_demo=True)
    return db


@pytest.fixture
def clock(monkeypatch):
    """auth's clock, from now on moved by hand: clock.at(seconds after the start)."""
    start = time.time()
    now = [start]
    monkeypatch.setattr(auth, "time", SimpleNamespace(time=lambda: now[0], monotonic=time.monotonic))

    def at(seconds: float) -> None:
        now[0] = start + seconds

    return SimpleNamespace(at=at)


def _logged_in(client) -> bool:
    response = client.get("/compstat")
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/login")
        return False
    assert response.status_code == 200
    return True


def test_a_session_used_every_20_minutes_ends_after_10_hours(store, clock):
    client = logged_in_client(create_app(store))
    minutes = 0
    while minutes <= 9 * 60 + 40:  # busy all day: never 30 minutes idle
        clock.at(minutes * 60)
        assert _logged_in(client), f"logged out after {minutes} minutes"
        minutes += 20
    clock.at((10 * 60 + 1) * 60)  # 20 minutes after the last request, 10 h 1 min after the login
    assert not _logged_in(client)
    clock.at((10 * 60 + 2) * 60)
    assert not _logged_in(client)  # the session record is gone, not just this request refused


def test_a_session_ends_after_30_minutes_without_a_request(store, clock):
    client = logged_in_client(create_app(store))
    clock.at(29 * 60)
    assert _logged_in(client)
    clock.at(29 * 60 + 31 * 60)  # 31 minutes after the last request, one hour after the login
    assert not _logged_in(client)


def _login_cookie_header(app) -> str:
    ensure_test_users(app.server.config["CIV_DB"])
    name, password = TEST_USERS["kerngroep"]
    client = app.server.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        csrf = session["csrf"]
    response = client.post("/login", data={"name": name, "password": password, "csrf": csrf})
    assert response.status_code == 302
    cookies = [value for key, value in response.headers.items() if key == "Set-Cookie" and "civ_session=" in value]
    assert len(cookies) == 1
    return cookies[0]


@pytest.mark.parametrize(("https", "secure"), [("1", True), (None, False)])
def test_civ_https_marks_the_session_cookie_secure(store, monkeypatch, https, secure):
    if https is None:
        monkeypatch.delenv("CIV_HTTPS", raising=False)
    else:
        monkeypatch.setenv("CIV_HTTPS", https)
    attributes = [part.strip().lower() for part in _login_cookie_header(create_app(store)).split(";")]
    assert ("secure" in attributes) is secure
    assert "httponly" in attributes and "samesite=lax" in attributes
    assert not any(part.startswith(("expires=", "max-age=")) for part in attributes)  # a browser session cookie
