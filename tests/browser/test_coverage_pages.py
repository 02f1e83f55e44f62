"""The coverage pages in a real browser on the Asse demo store: Dekking, Dagoverzicht, Live, Overzichtslijst.

What the pages must show is taken from the demo's ground_truth.json (the planned stops), never from
analytics/coverage. Screenshots go to /tmp/civ-screens/ (coverage*.png, live*.png).
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, datetime

import pytest
from playwright.sync_api import expect

from analytics.periods import LOCAL_TZ
from app import create_app, prepare_store

from .served_app import SHARED_SCREENS, serving

WAIT = 20_000  # ms for a callback on a loaded 2-core machine (expect's own default is 5 s)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo store (last month October 2026) prepared as `python app.py` does: migrated, visits refreshed."""
    from etl.demo import load_demo

    folder = tmp_path_factory.mktemp("coverage-demo")
    db = folder / "civ.duckdb"
    load_demo(db, end_month="2026-10")
    prepare_store(db)
    truth = json.loads((folder / "demo-files" / "ground_truth.json").read_text(encoding="utf-8"))
    with serving(create_app(db)) as url:
        yield {"url": url, "truth": truth}


def shoot(page, tmp_path, name: str) -> None:
    target = tmp_path / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    SHARED_SCREENS.mkdir(parents=True, exist_ok=True)
    shutil.copy(target, SHARED_SCREENS / target.name)


def local(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(LOCAL_TZ)


def planned_in(truth: dict, first: date, last: date) -> list[dict]:
    return [s for s in truth["planned_stops"] if first <= local(s["arrival"]).date() <= last]


def test_coverage_page_shows_which_hotspots_nobody_visited_this_month(page, demo, tmp_path):
    truth = demo["truth"]
    october = planned_in(truth, date(2026, 10, 1), date(2026, 10, 31))
    planned_spots = {s["hotspot"] for s in october}
    not_planned = sorted(set(truth["hotspots"]["names"]) - planned_spots)
    assert "Schoolomgeving Relegem" in not_planned
    page.goto(demo["url"] + "/coverage")
    expect(page.locator("#coverage-period")).to_contain_text("oktober 2026", timeout=WAIT)
    expect(page.locator("#coverage-kpi-unvisited .kpi-value")).to_have_text(str(len(not_planned)))
    expect(page.locator("#coverage-kpi-unvisited .kpi-note")).to_contain_text(
        f"van {len(truth['hotspots']['names'])}", timeout=WAIT
    )
    visits = page.locator("#coverage-kpi-visits .kpi-value")
    expect(visits).to_have_text(re.compile(r"^\d{2,3}$"), timeout=WAIT)
    assert int(visits.inner_text()) >= len(october)  # every planned stop is a visit; passes add more
    table = page.locator("#coverage-table")
    for name in truth["hotspots"]["names"]:
        expect(table).to_contain_text(name, timeout=WAIT)
    never_visited = [name for name, c in truth["coverage"].items() if c["last_planned_stop"] is None]
    expect(page.locator("#coverage-table .cov-never")).to_have_count(
        len(never_visited), timeout=WAIT
    )  # no visit ever: marked
    expect(page.locator("#coverage-staffing")).to_contain_text("wachturen per maand", timeout=WAIT)
    expect(page.locator("#coverage-staffing-2")).to_contain_text("gemeenschapswachten van", timeout=WAIT)
    # the hot spots and the presence grid are drawn on the map
    expect(page.locator("#coverage-map .leaflet-interactive").first).to_be_visible(timeout=WAIT)
    assert page.locator("#coverage-map path.leaflet-interactive").count() > len(truth["hotspots"]["names"])
    expect(page.locator("#coverage-legend")).to_contain_text("nooit bezocht", timeout=WAIT)
    page.wait_for_timeout(500)
    shoot(page, tmp_path, "coverage")
    page.locator("#coverage-colour").get_by_text("Minuten aanwezig", exact=True).click()
    expect(page).to_have_url(re.compile(r"colour=minutes"), timeout=WAIT)
    expect(page.locator("#coverage-legend")).to_contain_text("Minuten aanwezig in de periode", timeout=WAIT)
    page.locator("#coverage-layer").get_by_text("Meldingen per uur aanwezigheid", exact=True).click()
    expect(page.locator("#coverage-cell-legend")).to_contain_text("of geen aanwezigheid", timeout=WAIT)
    page.wait_for_timeout(500)
    shoot(page, tmp_path, "coverage-minutes-demand")
    assert page.console.errors == [], "\n".join(page.console.errors)


def test_daily_overview_shows_each_warden_and_the_timeline(page, demo, tmp_path):
    day = date(2026, 10, 29)
    stops = planned_in(demo["truth"], day, day)
    wardens = sorted({s["warden"] for s in stops})
    assert wardens == ["GW-A", "GW-B"]
    page.goto(demo["url"] + f"/coverage/day?date={day.isoformat()}")
    duty = page.locator("#day-duty")
    for warden in wardens:
        expect(duty).to_contain_text(warden, timeout=WAIT)
    for name in {s["hotspot"] for s in stops}:
        expect(duty).to_contain_text(name, timeout=WAIT)
    expect(page.locator("#day-caption")).to_contain_text("donderdag 29/10/2026", timeout=WAIT)
    expect(page.locator("#day-timeline .main-svg").first).to_be_visible(timeout=WAIT)
    expect(page.locator("#day-map path.leaflet-interactive").first).to_be_visible(timeout=WAIT)
    page.wait_for_timeout(500)
    shoot(page, tmp_path, "coverage-day")
    page.locator("#day-previous").click()
    expect(page).to_have_url(re.compile(r"date=2026-10-28"), timeout=WAIT)
    assert page.console.errors == [], "\n".join(page.console.errors)


def test_live_page_shows_every_tracker_stale_now_and_current_in_the_replay(page, demo, tmp_path):
    page.goto(demo["url"] + "/live")
    near = page.locator("#live-near")
    for name in ("GW-A · TRK-101", "GW-B · TRK-103", "GW-B · TRK-102", "TRK-199"):
        expect(near).to_contain_text(name, timeout=WAIT)
    expect(near.locator(".live-stale")).to_have_count(4, timeout=WAIT)  # the demo ended weeks before today
    expect(near).not_to_contain_text("zonet", timeout=WAIT)
    expect(page.locator("#live-map .cov-label-stale").first).to_be_visible(timeout=WAIT)
    page.wait_for_timeout(500)
    shoot(page, tmp_path, "live")
    page.locator("#live-replay-link").click()
    expect(page).to_have_url(re.compile(r"/live\?at=2026-10-30T"), timeout=WAIT)
    expect(page.locator("#live-replay")).to_contain_text("Herhaling", timeout=WAIT)
    expect(near.locator(".live-current")).to_have_count(1, timeout=WAIT)  # GW-B's tracker sent the last fix
    expect(near.locator(".live-current")).to_have_text("zonet", timeout=WAIT)
    # a click on the map: who is nearest to that point?
    page.locator("#live-map").click(position={"x": 420, "y": 300})
    expect(page.locator("#live-near-caption")).to_contain_text("Actuele posities eerst", timeout=WAIT)
    expect(page).to_have_url(re.compile(r"lat=50\.\d+&lon=4\.\d+"), timeout=WAIT)
    first = near.locator(".ag-row[row-index='0']")
    expect(first).to_contain_text("GW-B · TRK-103", timeout=WAIT)
    expect(first).to_contain_text("km", timeout=WAIT)
    page.wait_for_timeout(500)
    shoot(page, tmp_path, "live-nearest")
    assert page.console.errors == [], "\n".join(page.console.errors)


def test_overview_list_gives_the_passages_at_the_station_last_week(page, demo, tmp_path):
    first, last = date(2026, 10, 19), date(2026, 10, 25)
    stops = [s for s in planned_in(demo["truth"], first, last) if s["hotspot"] == "Station Asse"]
    assert stops
    page.goto(demo["url"] + f"/overview?lat=50.9114&lon=4.2035&radius=150&start={first}&end={last}")
    passages = page.locator("#overview-passages")
    expect(passages.locator(".ag-row").first).to_be_visible(timeout=WAIT)
    for stop in stops:  # every planned stop is listed, in local time
        arrival = local(stop["arrival"])
        row = passages.locator(".ag-row", has_text=arrival.strftime("%d/%m/%Y"))
        expect(row.filter(has_text=stop["warden"]).first).to_be_visible(timeout=WAIT)
    expect(page.locator("#overview-summary")).to_contain_text("binnen 150 m", timeout=WAIT)
    page.wait_for_timeout(800)
    shoot(page, tmp_path, "coverage-overview")
    with page.expect_download() as download:
        page.locator("#overview-export").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert text.startswith("Overzichtslijst;19/10/2026–25/10/2026") and stops[0]["warden"] in text
    page.locator("#overview-print-link").click()
    expect(page).to_have_url(re.compile(r"print=1"), timeout=WAIT)
    expect(page.locator("#overview-print-now")).to_be_visible(timeout=WAIT)
    expect(page.locator("#overview-export")).to_be_hidden(timeout=WAIT)
    shoot(page, tmp_path, "coverage-overview-print")
    assert page.console.errors == [], "\n".join(page.console.errors)


def test_english_coverage_page_keeps_belgian_numbers(page, demo):
    page.goto(demo["url"] + "/coverage?lang=en&period=2026-10")
    expect(page.locator("h1")).to_have_text("Coverage", timeout=WAIT)
    expect(page.locator("#coverage-kpi-hours .kpi-value")).to_have_text(re.compile(r"^\d+,\d$"), timeout=WAIT)
    expect(page.locator("#coverage-staffing")).to_contain_text("warden-hours a month", timeout=WAIT)
    assert page.console.errors == [], "\n".join(page.console.errors)


def test_without_fixes_the_pages_say_so_and_the_other_pages_keep_a_clean_console(page, tmp_path):
    """An empty store: every coverage page is still whole (Dash checks all pages' callbacks against
    their layouts at start), says there are no fixes, and no page shows a console error."""
    from civ.store import open_for_writing

    db = tmp_path / "leeg.duckdb"
    open_for_writing(db).close()
    with serving(create_app(db)) as url:
        page.goto(url + "/coverage")
        expect(page.locator("#coverage-empty")).to_contain_text("Nog geen GPS-punten", timeout=WAIT)
        expect(page.locator("#coverage-kpi-unvisited .kpi-value")).to_have_text("0", timeout=WAIT)
        page.goto(url + "/coverage/day")
        expect(page.locator("#day-empty")).to_contain_text("Nog geen GPS-punten", timeout=WAIT)
        page.goto(url + "/live")
        expect(page.locator("#live-near-caption")).to_be_visible(timeout=WAIT)
        page.goto(url + "/overview")
        expect(page.locator("#overview-summary")).to_contain_text("Kies een plaats", timeout=WAIT)
        page.goto(url + "/")
        expect(page.locator("#app-empty-store")).to_be_visible(timeout=WAIT)
        page.wait_for_timeout(500)
    assert page.console.errors == [], "\n".join(page.console.errors)
