"""The CompStat page in a real browser, on reports planted through the ETL with known counts.

The expected figures are counted here, from the planted list, never taken from analytics/.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from app import create_app
from civ import accounts as users
from etl.demo import ensure_demo_territory
from etl.hotspots import load_hotspots_file
from etl.reports import load_reports_file

from .served_app import SHARED_SCREENS, TEST_USERS, serving

# Points inside the sub-municipalities (checked against the Statbel boundaries of assets/geo/).
ASSE, MOLLEM, ZELLIK, RELEGEM = (50.9102, 4.1985), (50.9272, 4.2202), (50.8876, 4.2709), (50.9019, 4.2796)
PERIOD = "2026-10"


def planted() -> list[dict]:
    """Reports with local (Brussels) times: the story the page must tell about October 2026."""
    reports = []

    def add(
        count,
        category,
        year,
        month,
        where,
        channel="email",
        status="open",
        closed_after_days=None,
        first_day=1,
        spread=28,
    ):
        for k in range(count):
            when = datetime(year, month, first_day + k % spread, 9 + k % 8, (7 * k) % 60)
            lat, lon = where if where else (None, None)
            reports.append(
                {
                    "id": f"{category}-{year}{month:02d}-{k}",
                    "when": when,
                    "category": category,
                    "channel": channel,
                    "lat": None if lat is None else round(lat + 0.0004 * (k % 5 - 2), 6),
                    "lon": None if lon is None else round(lon + 0.0006 * (k // 5 % 5 - 2), 6),
                    "status": status,
                    "closed": when + timedelta(days=closed_after_days) if closed_after_days else None,
                }
            )

    add(40, "sluikstort", 2026, 10, ASSE)  # 40 against 10: a real rise
    add(10, "sluikstort", 2025, 10, ASSE, status="afgesloten", closed_after_days=4)
    add(15, "sluikstort", 2026, 9, ASSE)  # the previous month
    add(12, "zwerfvuil", 2026, 10, MOLLEM, channel="post", status="afgesloten", closed_after_days=3)
    add(12, "zwerfvuil", 2025, 10, MOLLEM, channel="post", status="afgesloten", closed_after_days=3)
    add(3, "geluidshinder", 2026, 10, ZELLIK, channel="probleembox 7", status="afgesloten", closed_after_days=2)
    add(2, "geluidshinder", 2025, 10, ZELLIK, channel="probleembox 7", status="afgesloten", closed_after_days=2)
    add(1, "graffiti", 2026, 10, RELEGEM, channel="facebook", status="in behandeling", first_day=20)
    add(5, "hondenpoep", 2026, 10, None)  # no location: not on the map
    reports[-6]["when"] = datetime(2026, 10, 20, 14, 35)  # the graffiti report, clicked below
    return reports


def write_csv(path, reports) -> None:
    def text(value):
        return "" if value is None else value.strftime("%d/%m/%Y %H:%M") if isinstance(value, datetime) else str(value)

    lines = ["id;datum;categorie;kanaal;lat;lon;status;afgesloten_op"] + [
        ";".join(text(r[k]) for k in ("id", "when", "category", "channel", "lat", "lon", "status", "closed"))
        for r in reports
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def count(reports, category=None, start=None, end=None, located=None) -> int:
    """The independent count the page is checked against (local times, half-open [start, end))."""
    return sum(
        1
        for r in reports
        if (category is None or r["category"] == category)
        and (start is None or r["when"] >= start)
        and (end is None or r["when"] < end)
        and (located is None or (r["lat"] is not None) == located)
    )


@pytest.fixture(scope="module")
def reports():
    return planted()


@pytest.fixture(scope="module")
def compstat_db(tmp_path_factory, reports):
    folder = tmp_path_factory.mktemp("compstat")
    db = folder / "civ.duckdb"
    ensure_demo_territory(db)  # the planted reports lie in Asse
    write_csv(folder / "meldingen.csv", reports)
    result = load_reports_file(db, folder / "meldingen.csv")
    assert (result.loaded, result.quarantined) == (len(reports), 0)
    hotspot = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Station Asse", "kind": "station", "radius_m": 150},
                "geometry": {"type": "Point", "coordinates": [4.2043, 50.9106]},
            }
        ],
    }
    (folder / "hotspots.geojson").write_text(json.dumps(hotspot), encoding="utf-8")
    assert load_hotspots_file(db, folder / "hotspots.geojson").loaded == 1
    return db


@pytest.fixture(scope="module")
def base_url(compstat_db):
    with serving(create_app(compstat_db)) as url:
        yield url


def shoot(page, tmp_path, name: str) -> None:
    target = tmp_path / f"{name}.png"
    page.wait_for_timeout(400)  # let the map finish its transition
    page.screenshot(path=str(target), full_page=True)
    SHARED_SCREENS.mkdir(parents=True, exist_ok=True)
    shutil.copy(target, SHARED_SCREENS / target.name)


def row(page, label: str):
    """The table's row (both halves: AG Grid pins the label column) holding `label`."""
    index = page.locator("#compstat-table .ag-pinned-left-cols-container .ag-row", has_text=label).get_attribute(
        "row-index"
    )
    return page.locator(f"#compstat-table .ag-center-cols-container .ag-row[row-index='{index}']")


def cell(page, label: str, column: str):
    return row(page, label).locator(f"[col-id='{column}']")


def choose(page, dropdown_id: str, option: str) -> None:
    page.locator(f"#{dropdown_id}").click()
    page.get_by_role("option", name=option, exact=True).click()


def test_table_flags_the_planted_rise_and_says_too_few_for_small_counts(page, base_url, reports, tmp_path):
    page.goto(base_url + f"/compstat?period={PERIOD}")
    october, november = datetime(2026, 10, 1), datetime(2026, 11, 1)
    expect(cell(page, "Sluikstort", "current")).to_have_text(str(count(reports, "sluikstort", october, november)))
    expect(cell(page, "Sluikstort", "previous")).to_have_text(
        str(count(reports, "sluikstort", datetime(2026, 9, 1), october))
    )
    expect(cell(page, "Sluikstort", "last_year")).to_have_text(
        str(count(reports, "sluikstort", datetime(2025, 10, 1), datetime(2025, 11, 1)))
    )
    expect(cell(page, "Sluikstort", "flag_text")).to_have_text("▲ gestegen")
    expect(cell(page, "Sluikstort", "pct")).to_have_text("+300 %")  # 40 against 10
    expect(cell(page, "Geluidshinder", "current")).to_have_text("3")
    expect(cell(page, "Geluidshinder", "last_year")).to_have_text("2")
    expect(cell(page, "Geluidshinder", "pct")).to_have_text("te weinig meldingen")
    # 3 against 2 last year is too few for a percentage; but after eleven months without any, 3 is more
    # than the seasonal model expects (the flag is the model's; last year's comparison says nothing)
    expect(cell(page, "Geluidshinder", "flag_text")).to_have_text("▲ gestegen")
    # 12 against 12 last year (0 %), but none in the eleven months between: against its seasonal model
    # of the year before (about 1 a month) October is a real rise, and the flag is the model's
    expect(cell(page, "Zwerfvuil", "flag_text")).to_have_text("▲ gestegen")
    expect(cell(page, "Zwerfvuil", "pct")).to_have_text("0 %")
    expect(cell(page, "Sluikstort", "expected")).to_have_text(re.compile(r"^\d+–\d+$"))
    expect(page.locator("#compstat-method")).to_contain_text("Benjamini–Hochberg")
    expect(page.locator("#compstat-method")).to_contain_text("exacte binomiale toets")
    expect(page.locator("#compstat-period-label")).to_contain_text("oktober 2026")
    # the p-value is one hover away
    cell(page, "Sluikstort", "flag_text").hover()
    expect(page.locator(".ag-tooltip")).to_contain_text("p-waarde < 0,0001")

    in_october = count(reports, None, october, november)
    expect(page.locator("#compstat-kpi-reports .kpi-value")).to_have_text(str(in_october))
    located = count(reports, None, october, november, located=True) / in_october
    expect(page.locator("#compstat-kpi-located .kpi-value")).to_have_text(f"{located * 100:.1f} %".replace(".", ","))
    expect(page.locator("#compstat-kpi-median .kpi-value")).to_have_text("3,0")  # 12 after 3 days, 3 after 2

    # the map, drawn from our own layers: 6 sub-municipalities + the municipality, the hot spot
    expect(page.locator("#compstat-map.leaflet-container")).to_be_visible()
    expect(page.locator(".leaflet-civ-areas-pane path")).to_have_count(7)
    expect(page.locator(".leaflet-civ-hotspots-pane path")).to_have_count(1)
    expect(page.locator(".civ-area-label", has_text="Zellik")).to_be_visible()
    expect(page.locator("#compstat-map-caption")).to_contain_text(
        f"{count(reports, None, october, november, located=True)} meldingen met locatie"
    )
    expect(page.locator(".leaflet-civ-points-pane .civ-cluster").first).to_be_visible()
    # follow-up: channels with the Pro?bleembox mailbox, statuses, time to close
    expect(page.locator("#compstat-channels")).to_contain_text("Pro?bleembox 07")
    expect(page.locator("#compstat-statuses")).to_contain_text("in behandeling")
    expect(page.locator("#compstat-close")).to_contain_text("Zwerfvuil")
    shoot(page, tmp_path, "compstat-nl")
    assert page.console.errors == [], "\n".join(page.console.errors)


def test_a_filter_updates_table_map_and_url_and_the_link_reopens_it(page, base_url, reports, tmp_path):
    page.goto(base_url + f"/compstat?period={PERIOD}")
    expect(cell(page, "Sluikstort", "current")).to_have_text("40")
    choose(page, "compstat-group", "Overlast")
    expect(page).to_have_url(re.compile(r"group=overlast"))
    expect(page.locator("#compstat-table .ag-pinned-left-cols-container .ag-row")).to_have_count(1)
    expect(cell(page, "Geluidshinder", "current")).to_have_text("3")
    expect(page.locator("#compstat-kpi-reports .kpi-value")).to_have_text("3")
    expect(page.locator("#compstat-map-caption")).to_contain_text("3 meldingen met locatie")
    expect(page.locator(".leaflet-civ-points-pane .civ-cluster", has_text="3")).to_be_visible()

    # the grid of counts: click the cell and its reports are listed beside the map
    page.locator("#compstat-map-mode label", has_text="Raster: aantal").click()
    expect(page).to_have_url(re.compile(r"map=count"))
    cells = page.locator(".leaflet-civ-reports-pane path.leaflet-interactive")
    expect(cells).to_have_count(1)
    expect(page.locator("#compstat-legend")).to_contain_text("Meldingen per cel")
    cells.first.click()
    expect(page.locator("#compstat-reports-title")).to_have_text("3 meldingen in de aangeklikte cel")
    listing = page.locator("#compstat-report-list")
    expect(listing.locator("li")).to_have_count(3)
    expect(listing.locator("li").first).to_contain_text("Geluidshinder")
    expect(listing.locator("li").first).to_contain_text("Pro?bleembox 07 · afgesloten")
    expect(listing.locator(".report-when").nth(1)).to_have_text(re.compile(r"^\d\d/10/2026 \d\d:\d\d$"))
    shoot(page, tmp_path, "compstat-grid-count")

    # the link reopens the same view
    page.goto(page.url)
    expect(page.locator("#compstat-table .ag-pinned-left-cols-container .ag-row")).to_have_count(1)
    expect(page.locator("#compstat-group")).to_contain_text("Overlast")
    expect(page.locator("#compstat-map-mode input[value='count']")).to_be_checked()
    # and the language switch keeps a filter chosen after the page opened
    choose(page, "compstat-area", "Zellik")
    expect(page).to_have_url(re.compile(r"area=23002E"))
    page.locator("#app-lang-en").click()
    expect(page.locator("#compstat-table .ag-header")).to_contain_text("This period")
    expect(page).to_have_url(re.compile(r"area=23002E.*lang=en|lang=en.*area=23002E"))
    expect(page.locator("#compstat-group")).to_contain_text("Nuisance")
    expect(cell(page, "Noise", "current")).to_have_text("3")
    assert page.console.errors == [], "\n".join(page.console.errors)


def test_sub_municipality_filter_and_a_marker_click(page, base_url, reports, tmp_path):
    page.goto(base_url + f"/compstat?period={PERIOD}")
    expect(cell(page, "Sluikstort", "current")).to_have_text("40")
    choose(page, "compstat-area", "Relegem")
    expect(page).to_have_url(re.compile(r"area=23002D"))
    expect(page.locator("#compstat-table .ag-pinned-left-cols-container .ag-row")).to_have_count(1)
    expect(cell(page, "Graffiti", "current")).to_have_text("1")
    expect(page.locator("#compstat-map-caption")).to_contain_text("1 melding met locatie")
    marker = page.locator(".leaflet-civ-points-pane path.leaflet-interactive")
    expect(marker).to_have_count(1)
    marker.click(force=True)
    expect(page.locator("#compstat-reports-title")).to_have_text("De aangeklikte melding")
    listing = page.locator("#compstat-report-list li")
    expect(listing).to_have_count(1)
    expect(listing.locator(".report-when")).to_have_text("20/10/2026 14:35")  # Brussels time, as planted
    expect(listing.locator(".report-category")).to_have_text("Graffiti")
    expect(listing.locator(".report-meta")).to_have_text("Facebook · in behandeling")
    shoot(page, tmp_path, "compstat-marker")
    assert page.console.errors == [], "\n".join(page.console.errors)


def test_week_view_and_change_grid(page, base_url, reports, tmp_path):
    page.goto(base_url + f"/compstat?period={PERIOD}")
    expect(cell(page, "Sluikstort", "current")).to_have_text("40")
    page.locator("#compstat-kind label", has_text="Week").click()
    # October's last full ISO week: Monday 19 to Sunday 25 October 2026
    expect(page).to_have_url(re.compile(r"period=2026-W43"))
    week = count(reports, "sluikstort", datetime(2026, 10, 19), datetime(2026, 10, 26))
    expect(cell(page, "Sluikstort", "current")).to_have_text(str(week))
    expect(page.locator("#compstat-period-label")).to_contain_text("week 43 2026")
    page.locator("#compstat-map-mode label", has_text="Raster: verschil").click()
    expect(page.locator("#compstat-legend")).to_contain_text("Verschil met vorig jaar per cel")
    expect(page.locator(".leaflet-civ-reports-pane path.leaflet-interactive").first).to_be_visible()
    shoot(page, tmp_path, "compstat-week-change")
    assert page.console.errors == [], "\n".join(page.console.errors)


def download_csv(page) -> tuple[str, list[list[str]]]:
    with page.expect_download() as download:
        page.locator("#compstat-export").click()
    data = open(download.value.path(), "rb").read()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the accents right
    return download.value.suggested_filename, list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_has_the_rows_of_the_filters_opens_in_a_belgian_excel_and_is_audited(
    page, base_url, compstat_db, reports
):
    october, november = datetime(2026, 10, 1), datetime(2026, 11, 1)
    page.goto(base_url + f"/compstat?period={PERIOD}")
    expect(cell(page, "Sluikstort", "current")).to_have_text("40")
    name, (header, *lines) = download_csv(page)
    assert name == "compstat-2026-10-category.csv"
    assert header[:3] == ["Categorie", "Deze periode", "Vorige periode"]
    sluikstort = next(line for line in lines if line[0] == "Sluikstort")
    assert sluikstort[1:4] == ["40", "15", "10"] and "▲ gestegen" in sluikstort
    shown = page.locator("#compstat-table .ag-pinned-left-cols-container .ag-row").all_inner_texts()
    assert sorted(line[0] for line in lines) == sorted(text.strip() for text in shown)
    assert sum(int(line[1]) for line in lines) == count(reports, start=october, end=november)

    page.goto(base_url + f"/compstat?period={PERIOD}&area=23002E")  # Zellik: only its three noise reports
    expect(cell(page, "Geluidshinder", "current")).to_have_text("3")
    name, (header, *lines) = download_csv(page)
    assert {line[0]: int(line[1]) for line in lines if int(line[1])} == {"Geluidshinder": 3}
    with page.expect_download() as download:  # the same rows as .xlsx, numbers as numbers
        page.locator("#compstat-export-xlsx").click()
    assert download.value.suggested_filename == "compstat-2026-10-category.xlsx"
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert [[c.value for c in row][:2] for row in sheet.iter_rows(min_row=2)] == [
        [line[0], int(line[1])] for line in lines
    ]
    exports = [e for e in users.audit_entries(compstat_db, event="export") if e["user"] == TEST_USERS["coordinator"][0]]
    assert len(exports) == 3 and exports[0]["detail"].endswith(".xlsx")
    exports = exports[1:]
    assert exports[0]["detail"].startswith("compstat: period=2026-10, by=category, area=23002E")
    assert f"{len(lines)} rijen" in exports[0]["detail"]
    assert page.console.errors == [], "\n".join(page.console.errors)


def test_english_on_request_with_belgian_figures(page, base_url, tmp_path):
    page.goto(base_url + f"/compstat?period={PERIOD}&lang=en&by=area")
    expect(page.locator("h1")).to_contain_text("October 2026")
    expect(cell(page, "Asse", "current")).to_have_text("40")
    expect(cell(page, "Asse", "flag_text")).to_have_text("▲ up")
    expect(cell(page, "Zellik", "pct")).to_have_text("too few reports")
    expect(page.locator("#compstat-table .ag-header")).to_contain_text("Same period last year")
    expect(page.locator("#compstat-map-caption")).to_contain_text("reports with a location")
    expect(page.locator("#app-nav-compstat")).to_have_class(re.compile(r"\bactive\b"))
    shoot(page, tmp_path, "compstat-en")
    assert page.console.errors == [], "\n".join(page.console.errors)


def test_an_unknown_period_in_the_link_is_said_not_hidden(page, base_url):
    page.goto(base_url + "/compstat?period=oktober")
    expect(page.locator("#compstat-bad-period")).to_contain_text("Periode 'oktober' is onbekend")
    expect(page.locator("#compstat-table")).to_be_visible()
    assert page.console.errors == [], "\n".join(page.console.errors)


def test_empty_store_explains_how_to_load_data(page, tmp_path):
    from civ.store import open_for_writing

    db = tmp_path / "leeg.duckdb"
    open_for_writing(db).close()
    with serving(create_app(db)) as url:
        page.goto(url + "/compstat")
        expect(page.locator("#app-empty-store")).to_contain_text("Nog geen gegevens geladen")
        expect(page.locator("#compstat-body")).to_be_hidden()
    assert page.console.errors == [], "\n".join(page.console.errors)
