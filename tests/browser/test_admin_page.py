"""Beheer (/beheer): the beheerder manages accounts and reads the audit log; nobody else gets either,
not through the menu, not through the URL, not through a crafted callback."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from app import create_app
from civ import accounts as users

from .served_app import (
    SHARED_SCREENS,
    TEST_USERS,
    callback_bodies,
    choose,
    fill_store,
    logged_in_client,
    page_callback_body,
    serving,
)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("admin") / "civ.duckdb"
    fill_store(db, is_demo=True)
    return create_app(db)


def test_beheerder_adds_a_user_sees_the_password_once_disables_it_and_reads_it_in_the_audit_log(app, page):
    SHARED_SCREENS.mkdir(parents=True, exist_ok=True)
    db = app.server.config["CIV_DB"]
    with serving(app, "beheerder") as url:
        page.goto(url + "/beheer")
        expect(page.locator("#admin-users")).to_contain_text(TEST_USERS["beheerder"][0])
        page.locator("#admin-add-name").fill("nieuwe.collega")
        choose(page, "admin-add-role", "politie")
        page.locator("#admin-add").click()
        expect(page.locator("#admin-add-password")).to_be_visible()
        password = page.locator("#admin-add-password").inner_text().strip()
        assert len(password) >= 12
        assert users.verify(db, "nieuwe.collega", password).role == "politie"  # the shown password works
        assert all(password not in (e["detail"] or "") for e in users.audit_entries(db))
        expect(page.locator("#admin-users .ag-row", has_text="nieuwe.collega")).to_contain_text("politie")

        choose(page, "admin-user", "nieuwe.collega")
        page.locator("#admin-disable").click()
        expect(page.locator("#admin-confirm-text")).to_contain_text("nieuwe.collega uitschakelen?")
        assert users.active_role(db, "nieuwe.collega") == "politie"  # nothing happens before Confirm
        page.locator("#admin-confirm").click()
        expect(page.locator("#admin-message")).to_contain_text("nieuwe.collega is uitgeschakeld")
        expect(page.locator("#admin-users .ag-row", has_text="nieuwe.collega")).to_contain_text("nee")
        assert users.active_role(db, "nieuwe.collega") is None

        me = TEST_USERS["beheerder"][0]  # not oneself
        choose(page, "admin-user", me)
        page.locator("#admin-disable").click()
        page.locator("#admin-confirm").click()
        expect(page.locator("#admin-message")).to_contain_text("eigen account niet uitschakelen")
        assert users.active_role(db, me) == "beheerder"

        grid = page.locator("#audit-grid")
        expect(grid.locator(".ag-row", has_text="gebruiker uitgeschakeld")).to_contain_text("nieuwe.collega")
        expect(grid.locator(".ag-row", has_text="gebruiker toegevoegd").first).to_contain_text(me)
        choose(page, "audit-event", "gebruiker uitgeschakeld")
        expect(page.locator("#audit-count")).to_contain_text("1 gebeurtenis ")
        page.screenshot(path=str(SHARED_SCREENS / "admin-page.png"), full_page=True)
        with page.expect_download() as download:
            page.locator("#audit-export").click()
        rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Tijdstip", "Gebruiker", "Soort"]
    assert [(r[1], r[2], r[3]) for r in rows[1:]] == [(me, "gebruiker uitgeschakeld", "nieuwe.collega")]
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d", rows[1][0])  # Brussels time, dd/mm/jjjj
    exports = [e for e in users.audit_entries(db, event="export")]
    assert (
        exports and exports[0]["user"] == me and "audit" in exports[0]["detail"] and "1 rijen" in exports[0]["detail"]
    )
    assert page.console.errors == [], "\n".join(page.console.errors)


@pytest.mark.parametrize("role", ["coordinator", "kerngroep"])
def test_other_roles_get_a_refusal_on_the_page_and_403_from_every_callback(app, role):
    client = logged_in_client(app, role)
    layout = client.post("/_dash-update-component", json=page_callback_body("/beheer")).get_data(as_text=True)
    assert "admin-no-access" in layout and "admin-users" not in layout and TEST_USERS["beheerder"][0] not in layout
    bodies = [(key, body) for key, body in callback_bodies(app, 1) if "admin-" in key or "audit-" in key]
    assert len(bodies) >= 6
    for key, body in bodies:
        assert client.post("/_dash-update-component", json=body).status_code == 403, key
    db = app.server.config["CIV_DB"]
    assert (TEST_USERS[role][0], "refused") in [(e["user"], e["event"]) for e in users.audit_entries(db)]


@pytest.mark.parametrize(
    "role, shown, hidden",
    [
        ("beheerder", ["compstat", "coverage", "quarantaine", "beheer"], ["live", "overview", "coverage/day"]),
        ("coordinator", ["compstat", "live", "overview", "coverage/day"], ["beheer"]),
        (
            "kerngroep",
            ["compstat", "hotspots", "coverage", "quarantaine"],
            ["live", "overview", "coverage/day", "beheer"],
        ),
    ],
)
def test_the_menu_lists_what_the_role_may_open(app, page, role, shown, hidden):
    with serving(app, role) as url:
        page.goto(url + "/")
        for item in shown:
            expect(page.locator(f"[id='app-nav-{item}']")).to_be_visible()
        for item in hidden:
            expect(page.locator(f"[id='app-nav-{item}']")).to_have_count(0)
        if role != "beheerder":  # the page's own address still answers, with the refusal
            page.goto(url + "/beheer")
            expect(page.locator("#admin-no-access")).to_contain_text("alleen de beheerder")
    assert page.console.errors == [], "\n".join(page.console.errors)
