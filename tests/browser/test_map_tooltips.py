"""Issue 13, F11: names from imported files are shown as text in map tooltips, never run as HTML."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app import create_app
from civ.store import open_for_writing

from .served_app import fill_store, serving

HOSTILE = '<img src=x onerror="window.civInjected=1">Station'


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("tooltips") / "civ.duckdb"
    fill_store(db, is_demo=True)
    con = open_for_writing(db)
    try:
        con.execute("UPDATE hotspots SET name = ? || ' ' || hotspot_id", [HOSTILE])
    finally:
        con.close()
    return create_app(db)


def test_a_hot_spot_name_with_html_shows_as_text_in_the_coverage_tooltip(app, page):
    with serving(app, role="kerngroep") as url:
        page.goto(url + "/coverage?period=2026-10")
        shapes = page.locator("#coverage-map path.leaflet-interactive")
        expect(shapes.first).to_be_attached()
        expect(page.locator("#coverage-table")).to_contain_text("Station")  # the hot spots are drawn
        page.wait_for_timeout(500)
        for n in reversed(range(shapes.count())):  # the hot spots' markers are drawn last, on top
            shapes.nth(n).hover(force=True)
            if page.locator(".leaflet-tooltip", has_text="Station").count():
                break
        tip = page.locator(".leaflet-tooltip", has_text="Station")
        expect(tip.first).to_contain_text('<img src=x onerror="window.civInjected=1">Station')
        assert page.evaluate("() => window.civInjected") is None
        assert page.locator(".leaflet-tooltip img").count() == 0
    assert page.console.errors == []


def test_charts_grids_and_maps_work_without_unsafe_eval_in_the_csp(app, page):
    """F16: the policy allows no eval; plotly, AG Grid's formatters and Leaflet still draw."""
    with serving(app, role="coordinator") as url:
        response = page.goto(url + "/compstat?period=2026-10")
        policy = response.headers["content-security-policy"]
        assert "unsafe-eval" not in policy and "script-src 'self'" in policy
        expect(page.locator("#compstat-table .ag-row").first).to_be_visible()
        page.goto(url + "/trends")
        expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
        page.goto(url + "/coverage?period=2026-10")
        expect(page.locator("#coverage-map .leaflet-interactive").first).to_be_attached()
        expect(page.locator("#coverage-table .ag-row").first).to_be_visible()
    assert page.console.errors == []
