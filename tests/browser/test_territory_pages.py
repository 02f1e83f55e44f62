"""A store set to Merchtem (and one to police zone AMOW) in a real browser: no page, tab title, login
page or meeting pack names Asse; the maps open on the territory; filters list its own areas.

Reports are planted from Statbel's original shapefiles (tests/territory_scenes.py).
"""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest
from playwright.sync_api import expect
from territory_scenes import (
    AMOW,
    MERCHTEM,
    deelgemeenten_of,
    reports_csv,
    sample_points,
)

from app import create_app
from civ import territory
from dashboards.components.frame import menu_for
from etl.reports import load_reports_file

from .conftest import ConsoleLog, _log_in_on_first_visit
from .served_app import SHARED_SCREENS, serving

pytestmark = pytest.mark.slow


def _store(folder, municipalities, name=None):
    db = folder / "civ.duckdb"
    territory.set_territory(db, list(municipalities), name=name)
    rng = np.random.default_rng(23052)
    points, months = {}, {}
    for month in range(13):
        label = f"{(9 + month) % 12 + 1:02d}/{2025 + (9 + month) // 12}"
        for row in deelgemeenten_of(municipalities).itertuples():
            points[f"{row.geoitem}-{month}"] = sample_points(row.geometry, 3 + month % 3, rng)
            months[f"{row.geoitem}-{month}"] = label
    reports_csv(folder / "meldingen.csv", points, months=months)
    load_reports_file(db, folder / "meldingen.csv")
    return db


@pytest.fixture(scope="module")
def merchtem(tmp_path_factory):
    return _store(tmp_path_factory.mktemp("merchtem"), (MERCHTEM,))


def _settle(page):
    try:
        page.wait_for_load_state("networkidle", timeout=15_000)
    except Exception:  # the live page polls; what is drawn by then is what we read
        pass
    page.wait_for_timeout(800)


def shoot(page, name):
    SHARED_SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHARED_SCREENS / f"{name}.png"), full_page=True)


def _dom(page) -> str:
    return page.title() + "\n" + page.content()


@pytest.mark.parametrize("role", ["coordinator", "beheerder"])
def test_no_page_of_a_merchtem_store_names_asse(browser, merchtem, role):
    app = create_app(merchtem)
    paths = [path for path, _ in menu_for(role)]
    with serving(app, role) as url:
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="nl-BE")
        page = context.new_page()
        _log_in_on_first_visit(context, page)
        console = ConsoleLog(page)
        for path in paths:
            for lang in ("", "?lang=en"):
                page.goto(url + path + lang)
                expect(page).to_have_title(re.compile(r" · CIV Merchtem$"))  # set by the page's callback
                _settle(page)
                assert "Asse" not in _dom(page), f"{path}{lang} noemt Asse"
        context.close()
        assert console.errors == [], "\n".join(console.errors)


def test_the_login_page_carries_the_territorys_name(browser, merchtem):
    with serving(create_app(merchtem), role=None) as url:
        page = browser.new_page()
        page.goto(url + "/login")
        assert "CIV Merchtem" in page.title() and "CIV Merchtem" in page.content()
        assert "Asse" not in _dom(page)
        page.close()


def test_compstat_opens_on_merchtem_with_its_deelgemeenten(page, merchtem):
    with serving(create_app(merchtem)) as url:
        page.goto(url + "/compstat?period=2026-10")
        expect(page.locator("#compstat-map.leaflet-container")).to_be_visible()
        areas = page.locator(".leaflet-civ-areas-pane path")
        expect(areas).to_have_count(4)  # three deelgemeenten and the outline
        _settle(page)
        # the whole territory is inside the map frame as first drawn
        frame = page.locator("#compstat-map").bounding_box()
        boxes = [areas.nth(i).bounding_box() for i in range(4)]
        west, north = min(b["x"] for b in boxes), min(b["y"] for b in boxes)
        east, south = max(b["x"] + b["width"] for b in boxes), max(b["y"] + b["height"] for b in boxes)
        assert frame["x"] - 1 <= west and east <= frame["x"] + frame["width"] + 1
        assert frame["y"] - 1 <= north and south <= frame["y"] + frame["height"] + 1
        page.locator("#compstat-area").click()
        for name in ("Heel Merchtem", "Brussegem", "Hamme", "Merchtem"):
            expect(page.get_by_role("option", name=name, exact=True)).to_be_visible()
        page.keyboard.press("Escape")
        expect(page.locator(".leaflet-control-attribution")).to_contain_text("Statbel")
        shoot(page, "territory-merchtem-compstat")
        page.goto(url + "/")
        _settle(page)
        shoot(page, "territory-merchtem-home")
        assert page.console.errors == [], "\n".join(page.console.errors)


def test_the_meeting_pack_of_a_merchtem_store_names_merchtem_not_asse(merchtem, tmp_path):
    from dashboards.report.__main__ import main

    pdf = tmp_path / "pakket.pdf"
    assert main(["--month", "2026-10", "--db", str(merchtem), "--out", str(pdf)]) == 0
    text = subprocess.run(
        [shutil.which("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "CIV Merchtem" in text
    assert "Asse" not in text
    info = subprocess.run([shutil.which("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Asse" not in info


def test_a_zone_lists_each_municipality_then_its_deelgemeenten(page, tmp_path_factory):
    db = _store(tmp_path_factory.mktemp("amow"), AMOW, name="Politiezone AMOW")
    with serving(create_app(db)) as url:
        page.goto(url + "/compstat?period=2026-10")
        expect(page.locator("#compstat-map.leaflet-container")).to_be_visible()
        expect(page).to_have_title(re.compile("Politiezone AMOW"))
        page.locator("#compstat-area").click()
        labels = page.get_by_role("option").all_inner_texts()
        first = labels.index("Heel Asse, Merchtem, Opwijk en Wemmel")  # other menus' options come before
        assert labels[first + 1 : first + 4] == ["Asse", "Asse · Asse", "Asse · Bekkerzeel"]
        assert "Merchtem · Brussegem" in labels
        assert labels.index("Merchtem") < labels.index("Merchtem · Brussegem")
        page.keyboard.press("Escape")
        shoot(page, "territory-amow-compstat")
        assert page.console.errors == [], "\n".join(page.console.errors)


def test_a_new_store_starts_on_the_set_up_page_and_the_beheerder_sets_merchtem(browser, tmp_path):
    from app import prepare_store

    db = tmp_path / "nieuw.duckdb"
    prepare_store(db)  # what `python app.py --db nieuw.duckdb` does: no demo
    app = create_app(db)
    with serving(app, "beheerder") as url:
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="nl-BE")
        page = context.new_page()
        _log_in_on_first_visit(context, page)
        console = ConsoleLog(page)
        page.goto(url + "/")
        expect(page.locator("#home-setup-needed")).to_be_visible()
        assert "Asse" not in _dom(page)
        page.locator("#home-setup-link").click()
        expect(page.locator("#admin-setup-nis")).to_be_visible()
        page.locator("#admin-setup-nis").click()
        page.keyboard.type("Merchtem")
        page.get_by_role("option", name="Merchtem (23052)", exact=True).click()
        page.locator("#admin-setup-apply").click()
        expect(page.locator("#admin-setup-done")).to_contain_text("CIV Merchtem is ingesteld: 3 gebieden")
        shoot(page, "territory-setup-done")
        context.close()
        assert console.errors == [], "\n".join(console.errors)
    from civ.store import reading

    with reading(db) as con:
        assert territory.current(con).municipalities == [{"nis": MERCHTEM, "name": "Merchtem"}]
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 0  # no demo was loaded
