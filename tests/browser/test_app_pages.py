"""The pages in a real browser: Dutch figures as Belgians write them, reasons listed, English on request."""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect

from app import create_app

from .served_app import SHARED_SCREENS, fill_store, serving


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    db = tmp_path_factory.mktemp("store") / "civ.duckdb"
    fill_store(db, is_demo=True)
    with serving(create_app(db)) as url:
        yield url


def shoot(page, tmp_path, name: str) -> None:
    """A screenshot in the test's tmp dir and a copy for the lead in /tmp/civ-screens/."""
    target = tmp_path / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    SHARED_SCREENS.mkdir(parents=True, exist_ok=True)
    shutil.copy(target, SHARED_SCREENS / target.name)


def test_home_shows_the_inserted_totals_in_belgian_format(page, base_url, tmp_path):
    page.goto(base_url + "/")
    expect(page.locator("#home-kpi-reports .kpi-value")).to_have_text("1.234")
    expect(page.locator("#home-kpi-located .kpi-value")).to_have_text("50,0 %")
    expect(page.locator("#home-kpi-fixes .kpi-value")).to_have_text("12.345")
    expect(page.locator("#home-kpi-wardens .kpi-value")).to_have_text("2")
    expect(page.locator("#home-kpi-hotspots .kpi-value")).to_have_text("3")
    expect(page.locator("#home-kpi-quarantined .kpi-value")).to_have_text("3")
    # 2026-10-31 23:30 UTC is past midnight in Brussels (UTC+1 after the autumn change).
    expect(page.locator("#home-kpi-data-until .kpi-value")).to_have_text("01/11/2026 00:30")
    expect(page.locator("#home-kpi-last-import .kpi-value")).to_have_text("02/11/2026 09:20")
    expect(page.locator("#app-demo-badge")).to_have_text("DEMOGEGEVENS")
    expect(page.locator("#app-demo-text")).to_contain_text("demogegevens")
    expect(page.locator("#home-month-chart .main-svg").first).to_be_visible()
    expect(page.locator("#home-batches")).to_contain_text("meldingen-test.csv")
    expect(page.locator("#home-batches")).to_contain_text("12.345")
    expect(page.locator("#home-fixes")).to_contain_text("Gemeenschapswacht A")
    assert page.evaluate("document.documentElement.lang") == "nl"
    page.wait_for_timeout(300)  # let the chart finish drawing for the screenshot
    shoot(page, tmp_path, "home-nl")
    assert page.console.errors == [], "\n".join(page.console.errors)


def test_quarantine_lists_every_reason_with_file_and_row(page, base_url, tmp_path):
    page.goto(base_url + "/quarantaine")
    grid = page.locator("#quarantine-grid")
    for reason in [
        "datum 31/02/2026 bestaat niet",
        "categorie 'kapotte lantaarn' is onbekend",
        "coördinaten liggen buiten het grondgebied (51,52 N, 0,08 W)",
    ]:
        expect(grid).to_contain_text(reason)
    expect(grid).to_contain_text("extra-meldingen.csv")
    expect(page.locator("#quarantine-count")).to_have_text("3 rijen in quarantaine")
    expect(page.locator("#app-nav-quarantaine")).to_have_class(re.compile(r"\bactive\b"))
    shoot(page, tmp_path, "quarantine-nl")
    assert page.console.errors == [], "\n".join(page.console.errors)


def test_quarantine_filters_by_batch_from_the_url(page, base_url):
    page.goto(base_url + "/quarantaine?batch=3")
    grid = page.locator("#quarantine-grid")
    expect(grid).to_contain_text("buiten het grondgebied")
    expect(page.locator("#quarantine-count")).to_have_text("1 rij in quarantaine")
    expect(grid).not_to_contain_text("31/02/2026 bestaat niet")
    assert page.console.errors == [], "\n".join(page.console.errors)


def test_choosing_a_batch_puts_it_in_the_url_and_filters(page, base_url, tmp_path):
    page.goto(base_url + "/quarantaine")
    expect(page.locator("#quarantine-count")).to_have_text("3 rijen in quarantaine")
    page.locator("#quarantine-batch").click()
    page.get_by_text(re.compile(r"^#1 · meldingen-test\.csv")).click()
    expect(page).to_have_url(re.compile(r"/quarantaine\?batch=1$"))
    expect(page.locator("#quarantine-count")).to_have_text("2 rijen in quarantaine")
    expect(page.locator("#quarantine-grid")).not_to_contain_text("buiten het grondgebied")
    shoot(page, tmp_path, "quarantine-batch-1")
    assert page.console.errors == [], "\n".join(page.console.errors)


def test_language_switch_shows_english_and_keeps_it_across_pages(page, base_url, tmp_path):
    page.goto(base_url + "/")
    expect(page.locator("h1")).to_have_text("Overzicht")
    page.locator("#app-lang-en").click()
    expect(page).to_have_url(re.compile(r"\?lang=en$"))
    expect(page.locator("h1")).to_have_text("Overview")
    expect(page.locator("#home-kpi-reports .kpi-label")).to_have_text("Reports")
    expect(page.locator("#home-kpi-reports .kpi-value")).to_have_text("1.234")  # figures stay Belgian
    expect(page.locator("#app-demo-badge")).to_have_text("DEMO DATA")
    page.wait_for_timeout(300)
    shoot(page, tmp_path, "home-en")
    page.locator("#app-nav-quarantaine").click()
    expect(page.locator("h1")).to_have_text("Quarantine")
    expect(page.locator("#quarantine-count")).to_have_text("3 rows in quarantine")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.locator("#app-lang-nl").click()
    expect(page.locator("h1")).to_have_text("Quarantaine")
    assert page.console.errors == [], "\n".join(page.console.errors)


def test_empty_store_explains_how_to_load_data(page, tmp_path):
    from civ.store import open_for_writing

    db = tmp_path / "leeg.duckdb"
    open_for_writing(db).close()
    with serving(create_app(db)) as url:
        page.goto(url + "/")
        expect(page.locator("#app-empty-store")).to_contain_text("Nog geen gegevens geladen")
        expect(page.locator("#app-empty-store")).to_contain_text("python -m etl reports")
        expect(page.locator("#app-demo-badge")).to_have_count(0)
        shoot(page, tmp_path, "home-empty")
        page.goto(url + "/quarantaine")
        expect(page.locator("#app-empty-store")).to_contain_text("python -m etl demo")
    assert page.console.errors == [], "\n".join(page.console.errors)
