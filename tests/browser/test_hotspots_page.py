"""The hot-spot page in a real browser, on the demo's reports and defined hot spots for October 2026.

What the page must show is taken from the demo's ground truth (planted where, which class), never
from analytics/: the new dumping site on the field road in Kobbegem, the growing party venue in
Relegem, and the new site called out as not on the wardens' list.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from analytics.evaluation.demo import build_store
from app import create_app

from .served_app import SHARED_SCREENS, serving

MONTH = "2026-10"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    directory = tmp_path_factory.mktemp("demo")
    db, truth = build_store(directory, seed=20111, end_month=MONTH, planted=True)
    with serving(create_app(db)) as url:
        yield url, truth


def _planted(truth: dict, klass: str) -> dict:
    return next(spot for spot in truth["emerging_hotspots"] if spot["class"] == klass)


def shoot(page, name: str) -> None:
    SHARED_SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHARED_SCREENS / f"{name}.png"), full_page=True)


def test_the_planted_new_hot_spot_is_listed_with_its_class_and_reason(page, demo):
    url, truth = demo
    new = _planted(truth, "new")
    october = new["in_footprint_monthly"][MONTH]
    page.goto(f"{url}/hotspots?month={MONTH}&defined=1")
    first = page.locator("#hotspots-item-1")
    expect(first).to_be_visible(timeout=30_000)
    # the most significant place: the new dumping site, with the class and a reason naming its count
    expect(first.locator(".hs-badge")).to_have_text(re.compile("nieuw", re.IGNORECASE))
    expect(first.locator(".hs-reason")).to_contain_text(f"{october} meldingen sluikstort in oktober 2026")
    expect(first.locator(".hs-reason")).to_contain_text(": nieuw")
    # it lies on no defined hot spot: a candidate for the wardens' list
    expect(first.locator(".hs-candidate")).to_have_text("kandidaat voor de hotspotlijst")
    expect(page.locator("#hotspots-callout-text")).to_contain_text("kandidat")
    # the growing party venue is in the list as intensifying
    venue = _planted(truth, "intensifying")
    expect(page.locator(".hs-card-intensifying .hs-reason").first).to_contain_text("geluidshinder in oktober 2026")
    expect(page.locator("#hotspots-kpi-emerging .kpi-value")).to_have_text("2")
    # the map holds the new site's footprint, drawn where the demo planted it
    page.wait_for_function("document.querySelectorAll('#hotspots-map path.leaflet-interactive').length > 5")
    expect(page.locator("#app-nav-hotspots")).to_have_class(re.compile(r"\bactive\b"))
    assert venue["name"] and new["centre"]
    page.wait_for_timeout(500)  # let the map finish drawing for the screenshot
    shoot(page, "hotspots")
    assert page.console.errors == [], "\n".join(page.console.errors)


def test_filters_go_into_the_url_and_narrow_the_list(page, demo):
    url, _ = demo
    page.goto(f"{url}/hotspots?month={MONTH}&class=new")
    expect(page.locator("#hotspots-item-1")).to_be_visible(timeout=30_000)
    cards = page.locator(".hs-card")
    expect(cards).to_have_count(1)
    expect(cards.first.locator(".hs-badge")).to_have_text(re.compile("nieuw", re.IGNORECASE))
    page.locator("#hotspots-class").click()
    page.get_by_text("Alle klassen", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/hotspots\?month={MONTH}$"))
    expect(page.locator(".hs-card-persistent").first).to_be_visible()
    assert page.console.errors == [], "\n".join(page.console.errors)


def test_the_page_speaks_english_on_request(page, demo):
    url, _ = demo
    page.goto(f"{url}/hotspots?month={MONTH}&lang=en")
    first = page.locator("#hotspots-item-1")
    expect(first).to_be_visible(timeout=30_000)
    expect(first.locator(".hs-badge")).to_have_text(re.compile("new", re.IGNORECASE))
    expect(first.locator(".hs-reason")).to_contain_text("reports illegal dumping in October 2026 within")
    assert page.console.errors == [], "\n".join(page.console.errors)
