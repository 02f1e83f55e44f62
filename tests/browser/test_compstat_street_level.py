"""The CompStat map can leave out reports placed only at a street's middle (issue 17).

A register of one street is written here and reports are loaded with a number (placed on the address),
without a number (placed at the street's middle) and with coordinates; the map's counts are checked
against the planted lists, the table's against all of them (a month's count keeps street-level reports).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app import create_app
from civ.territory import set_territory
from etl.addresses import load_register
from etl.reports import load_reports_file

from .served_app import SHARED_SCREENS, serving

ASSE = (50.9102, 4.1985)  # inside the sub-municipality Asse
HEADER = (
    "EPSG:31370_x,EPSG:31370_y,EPSG:4326_lat,EPSG:4326_lon,address_id,box_number,house_number,"
    "municipality_id,municipality_name_de,municipality_name_fr,municipality_name_nl,postcode,postname_fr,"
    "postname_nl,street_id,streetname_de,streetname_fr,streetname_nl,region_code,status"
)
NUMBERS = range(1, 11)
WITH_NUMBER = [f"{n}" for n in (1, 2, 3, 4, 5, 6, 7)]  # placed on their address
WITHOUT_NUMBER = 4  # placed at the street's middle
GIVEN = [(50.9110, 4.2000), (50.9095, 4.1990)]  # coordinates in the file


def _register() -> str:
    lines = [HEADER]
    for n in NUMBERS:
        lat, lon = ASSE[0] + 0.0001 * (n % 2), ASSE[1] + 0.0003 * n
        lines.append(
            f"150000,170000,{lat:.6f},{lon:.6f},A{n},,{n},23002,,Asse,Asse,1730,,Asse,S1,,,Kerkstraat,BE-VLG,current"
        )
    return "\n".join(lines) + "\n"


def _reports() -> str:
    rows = ["id;datum;categorie;straat;huisnummer;lat;lon"]
    rows += [f"N{i};{10 + i:02d}/10/2026 10:00;Sluikstort;Kerkstraat;{n};;" for i, n in enumerate(WITH_NUMBER)]
    rows += [f"S{i};{3 + i:02d}/10/2026 11:00;Sluikstort;Kerkstr.;;;" for i in range(WITHOUT_NUMBER)]
    rows += [f"G{i};{20 + i:02d}/10/2026 12:00;Sluikstort;;;{lat};{lon}" for i, (lat, lon) in enumerate(GIVEN)]
    return "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("street-level")
    db = folder / "civ.duckdb"
    set_territory(db, ["23002"])
    (folder / "register.csv").write_text(_register(), encoding="utf-8")
    assert load_register(db, folder / "register.csv")["kept"] == len(NUMBERS)
    (folder / "meldingen.csv").write_text(_reports(), encoding="utf-8")
    result = load_reports_file(db, folder / "meldingen.csv")
    assert result.geocoding["geocoded"] == len(WITH_NUMBER)
    assert result.geocoding["geocoded_street_level"] == WITHOUT_NUMBER
    with serving(create_app(db)) as url:
        yield url


def test_the_map_leaves_street_level_reports_out_on_request_and_the_link_remembers(page, base_url):
    everything = len(WITH_NUMBER) + WITHOUT_NUMBER + len(GIVEN)
    address_level = len(WITH_NUMBER) + len(GIVEN)
    page.goto(base_url + "/compstat?period=2026-10")
    caption = page.locator("#compstat-map-caption")
    toggle = page.locator("#compstat-street-level input[value='street']")
    expect(caption).to_contain_text(f"{everything} meldingen met locatie")
    expect(toggle).to_be_checked()
    # the register's licence: its source wherever placed reports are shown
    expect(page.locator("#compstat-map .leaflet-control-attribution")).to_contain_text(
        "Adressen: Adressenregister (Digitaal Vlaanderen), via BeSt-Address (FOD BOSA)"
    )

    page.locator("#compstat-street-level label", has_text="Ook meldingen op straatniveau").click()
    expect(caption).to_contain_text(f"{address_level} meldingen met locatie")
    expect(page).to_have_url(re.compile(r"streets=0"))
    SHARED_SCREENS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(400)  # let the map finish its transition
    page.locator("#compstat-map").locator("xpath=ancestor::section").screenshot(
        path=str(SHARED_SCREENS / "compstat-street-level-off.png")
    )
    # the month's count keeps them: a street is precise enough to count
    expect(page.locator("#compstat-kpi-reports .kpi-value")).to_have_text(str(everything))

    # the grid counts the same points as the markers
    page.locator("#compstat-map-mode label", has_text="Raster: aantal").click()
    expect(caption).to_contain_text(f"{address_level} meldingen met locatie in cellen")

    page.goto(page.url)  # the link reopens the view without them
    expect(page.locator("#compstat-street-level input[value='street']")).not_to_be_checked()
    expect(caption).to_contain_text(f"{address_level} meldingen met locatie in cellen")
    page.locator("#compstat-street-level label", has_text="Ook meldingen op straatniveau").click()
    expect(caption).to_contain_text(f"{everything} meldingen met locatie in cellen")
    expect(page).not_to_have_url(re.compile(r"streets="))
    assert page.console.errors == [], "\n".join(page.console.errors)
