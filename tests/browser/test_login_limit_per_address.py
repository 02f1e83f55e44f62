"""README: twenty failed logins from one address within a quarter of an hour block further tries from
that address, whatever the names (each name here fails once, far under the limit per name); other
addresses are not affected, and a successful login does not count.
"""

from __future__ import annotations

import pytest

from app import create_app
from civ import accounts as users
from dashboards import auth

from .served_app import fill_store

BLOCKED = "Te veel mislukte pogingen"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("limit") / "civ.duckdb"
    fill_store(db, is_demo=True)
    return create_app(db)


def _login(app, name: str, password: str, address: str):
    client = app.server.test_client()
    environ = {"REMOTE_ADDR": address}
    client.get("/login", environ_base=environ)
    with client.session_transaction() as session:
        csrf = session["csrf"]
    return client.post("/login", data={"name": name, "password": password, "csrf": csrf}, environ_base=environ)


def test_twenty_failures_from_one_address_block_it_and_no_other(app):
    assert auth.FAILURES_PER_ADDRESS == 20  # the README's figure
    users.add_user(app.server.config["CIV_DB"], "buurman", "kerngroep", "het-juiste-wachtwoord")
    guesser, neighbour = "198.51.100.7", "198.51.100.8"
    for n in range(19):
        response = _login(app, f"naam-{n}", "gok", guesser)
        assert response.status_code == 401 and BLOCKED not in response.get_data(as_text=True)
    # 19 failures: the right password from the same address still gets in, and does not count
    assert _login(app, "buurman", "het-juiste-wachtwoord", guesser).status_code == 302
    assert _login(app, "naam-19", "gok", guesser).status_code == 401  # the twentieth failure
    blocked = _login(app, "buurman", "het-juiste-wachtwoord", guesser)
    assert blocked.status_code == 401 and BLOCKED in blocked.get_data(as_text=True)
    assert _login(app, "buurman", "het-juiste-wachtwoord", neighbour).status_code == 302
