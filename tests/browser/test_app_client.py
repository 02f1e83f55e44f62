"""The app answers through Flask's test client: pages, assets, and Dash's callback endpoint."""

from __future__ import annotations

import json

import pytest

from app import create_app

from .served_app import fill_store, logged_in_client, page_callback_body


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("store") / "civ.duckdb"
    fill_store(db, is_demo=True)
    return logged_in_client(create_app(db))


@pytest.mark.parametrize("path", ["/", "/quarantaine", "/quarantaine?batch=1&lang=en"])
def test_pages_respond(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert '<html lang="nl">' in response.get_data(as_text=True)


def test_assets_are_local_and_no_cdn_is_named(client):
    page = client.get("/").get_data(as_text=True)
    assert "/assets/style.css" in page
    assert "cdn." not in page and "unpkg" not in page and "jsdelivr" not in page
    assert client.get("/assets/logo.svg").status_code == 200
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "app-navbar" in layout


def test_frame_callback_gives_english_navbar_and_demo_banner(client):
    body = {
        "output": "..app-navbar.children...app-demo.children..",
        "outputs": [{"id": "app-navbar", "property": "children"}, {"id": "app-demo", "property": "children"}],
        "inputs": [
            {"id": "app-url", "property": "pathname", "value": "/quarantaine"},
            {"id": "app-url", "property": "search", "value": "?batch=1&lang=en"},
        ],
        "changedPropIds": ["app-url.search"],
        "state": [],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    text = json.dumps(response.get_json(), ensure_ascii=False)
    assert "DEMO DATA" in text and "Overview" in text and "Quarantine" in text
    # The Dutch link keeps the batch filter and drops the language.
    assert '"/quarantaine?batch=1"' in text


def test_page_callback_renders_the_quarantine_of_one_batch(client):
    response = client.post("/_dash-update-component", json=page_callback_body("/quarantaine", "?batch=3"))
    assert response.status_code == 200
    text = json.dumps(response.get_json(), ensure_ascii=False)
    assert "buiten het grondgebied" in text
    assert "31/02/2026 bestaat niet" not in text
