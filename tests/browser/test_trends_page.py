"""The Trends and Projecten pages in a real browser, on the Asse demo data (reports, hot spots and
projects through the ordinary loaders). What the pages must show is taken from the demo's ground
truth: the planted dumping spike of August 2025 and the dog-fouling campaign in Zellik."""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect

from app import create_app

from .served_app import SHARED_SCREENS, serving

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(demo_data):
    db, truth = demo_data
    with serving(create_app(db)) as url:
        yield url, truth


def shoot(page, tmp_path, name: str) -> None:
    target = tmp_path / f"{name}.png"
    page.wait_for_timeout(300)
    page.screenshot(path=str(target), full_page=True)
    SHARED_SCREENS.mkdir(parents=True, exist_ok=True)
    shutil.copy(target, SHARED_SCREENS / target.name)


def choose(page, dropdown_id: str, option: str) -> None:
    page.locator(f"#{dropdown_id}").click()
    page.get_by_role("option", name=option, exact=True).click()


def test_trends_page_shows_the_spike_and_follows_a_new_category(page, demo, tmp_path):
    url, truth = demo
    spike = truth["spikes"][0]  # sluikstort, 2025-08, ×2.2
    page.goto(url + "/trends?category=sluikstort")
    expect(page.locator("#trends-sentence")).to_contain_text(re.compile(r"^Sluikstort (stijgt|daalt|: geen)"))
    expect(page.locator("#trends-anomalies")).to_have_text("Uitschieters: augustus 2025.")
    assert spike["month"] == "2025-08"
    main = page.locator("#trends-main")
    expect(main.locator(".scatterlayer .trace").first).to_be_visible()
    expect(main.locator(".legendtext", has_text="verwachte band (95 %)")).to_be_visible()
    expect(main.locator(".legendtext", has_text="zelfde periode vorig jaar")).to_be_visible()
    expect(main.locator(".legendtext", has_text="gemiddelde over 12 maanden")).to_be_visible()
    expect(main.locator(".legendtext", has_text="uitschieter")).to_be_visible()
    expect(main.locator(".xtick text", has_text="okt 2026")).to_be_visible()  # Dutch months
    expect(page.locator("#app-nav-trends")).to_have_class(re.compile(r"\bactive\b"))
    # small multiples by sub-municipality, the channel mix and the mailboxes
    expect(page.locator("#trends-small .small-multiple")).to_have_count(6)
    expect(page.locator("#trends-small h3", has_text="Sluikstort in Zellik")).to_be_visible()
    expect(page.locator("#trends-mix .legendtext", has_text="Pro?bleembox")).to_be_visible()
    expect(page.locator("#trends-box-chart .hm")).to_have_count(1)
    expect(page.locator("#trends-box-chart .ytick text", has_text="bus 13")).to_be_visible()
    shoot(page, tmp_path, "trends")

    # another category: the sentence, the chart and the URL follow; the campaign is shaded
    choose(page, "trends-what", "Hondenpoep")
    expect(page).to_have_url(re.compile(r"category=hondenpoep"))
    expect(page.locator("#trends-sentence")).to_contain_text(re.compile(r"^Hondenpoep "))
    expect(page.locator("#trends-projects")).to_have_text("Gearceerd: Hondenpoepactie Zellik.")
    expect(main.locator(".annotation-text", has_text="Hondenpoepactie Zellik")).to_be_visible()
    expect(main.locator(".shapelayer path")).to_have_count(1)
    choose(page, "trends-area", "Zellik")
    expect(page).to_have_url(re.compile(r"area=23002E"))
    expect(page.locator("#trends-sentence")).to_contain_text(re.compile(r"^Hondenpoep in Zellik daalt met ongeveer"))
    page.locator("#trends-kind label", has_text="week").click()
    expect(page).to_have_url(re.compile(r"kind=week"))
    expect(main.locator(".legendtext", has_text="gemiddelde over 52 weken")).to_be_visible()
    shoot(page, tmp_path, "trends-hondenpoep-zellik-week")

    # the link reopens the same view
    page.goto(page.url)
    expect(page.locator("#trends-what")).to_contain_text("Hondenpoep")
    expect(page.locator("#trends-area")).to_contain_text("Zellik")
    expect(page.locator("#trends-kind input[value='week']")).to_be_checked()
    assert page.console.errors == [], "\n".join(page.console.errors)


def test_projects_page_says_which_project_worked(page, demo, tmp_path):
    url, truth = demo
    page.goto(url + "/projecten")
    for project in truth["projects"]:
        expect(page.locator(".project-card h2", has_text=project["name"])).to_be_visible()
    zellik = page.locator("#projects-card-hondenpoepactie-zellik")
    expect(zellik.locator(".verdict")).to_have_text("minder meldingen")
    expect(zellik.locator(".project-sentence")).to_contain_text(
        re.compile(
            r"^Hondenpoepactie Zellik lijkt te werken: sinds de start ongeveer \d+ % minder meldingen hondenpoep "
            r"in Zellik dan verwacht \(95 %-interval: \d+ % tot \d+ % minder"
        )
    )
    expect(zellik.locator(".phase-table tr.headline td").first).to_have_text("sinds de start")
    expect(zellik.locator(".shapelayer path")).to_have_count(1)
    expect(page.locator("#projects-card-laat-je-huisnummer-zien .verdict")).to_have_text("meer meldingen")
    for name in ("Verkeersweek scholen", "Werkgroep hangjongeren Gemeentepark", "Veiligheidsconvenant De Lijn/NMBS"):
        card = page.locator(".project-card", has=page.locator("h2", has_text=name))
        expect(card.locator(".verdict")).to_have_text("geen meetbaar effect")
    expect(page.locator("#app-nav-projecten")).to_have_class(re.compile(r"\bactive\b"))
    shoot(page, tmp_path, "projects")

    choose(page, "projects-choose", "Hondenpoepactie Zellik")
    expect(page).to_have_url(re.compile(r"project=Hondenpoepactie"))
    expect(page.locator(".project-card")).to_have_count(1)
    assert page.console.errors == [], "\n".join(page.console.errors)


def test_english_on_request(page, demo, tmp_path):
    url, _ = demo
    page.goto(url + "/trends?category=sluikstort&lang=en")
    expect(page.locator("#trends-sentence")).to_contain_text(
        re.compile(r"^Illegal dumping (is rising|is falling|: no)")
    )
    expect(page.locator("#trends-anomalies")).to_have_text("Anomalies: August 2025.")
    expect(page.locator("#trends-main .xtick text", has_text="Oct 2026")).to_be_visible()
    page.goto(url + "/projecten?project=Hondenpoepactie%20Zellik&lang=en")
    card = page.locator("#projects-card-hondenpoepactie-zellik")
    expect(card.locator(".verdict")).to_have_text("fewer reports")
    expect(card.locator(".project-sentence")).to_contain_text(
        "Hondenpoepactie Zellik seems to work: since the start about"
    )
    shoot(page, tmp_path, "projects-en")
    assert page.console.errors == [], "\n".join(page.console.errors)
