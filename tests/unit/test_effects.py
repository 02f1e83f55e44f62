"""Project effects: on simulated target and comparison series with season, trend, overdispersion and a
planted −30 % the interval covers the truth about as often as it says; a null project gives an
interval around 0; phases, footprints and words; and the demo's projects as the demo planted them."""

from __future__ import annotations

import json
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest

from analytics import projects
from analytics.effects import InterventionEffect, project_effect, project_kind
from analytics.periods import Period
from analytics.projects import Project, phase_of
from analytics.verdicts import EFFECT_TEXTS_NL, effect_sentence
from civ.i18n import texts_of
from civ.store import open_for_writing
from dashboards import i18n


def simulated(
    seed: int,
    effect: float = -0.30,
    after_effect: float | None = None,
    months: int = 48,
    start: int = 36,
    end: int | None = None,
    base: float = 20.0,
    comparison: float = 100.0,
    phi: float = 1.5,
) -> pd.DataFrame:
    """Monthly target and comparison counts sharing season (±30 %), a trend (+5 %/year) and monthly
    shocks; both overdispersed (variance phi·mean). The target is multiplied by 1 + effect from month
    `start` (and by 1 + after_effect from `end` on, when given)."""
    rng = np.random.default_rng(seed)
    m = np.arange(months)
    shared = np.exp(0.3 * np.cos(2 * np.pi * m / 12) + 0.05 * m / 12 + rng.normal(0, 0.05, months))
    phase = np.where(m < start, "before", "during")
    if end is not None:
        phase = np.where(m >= end, "after", phase)
    factor = np.where(
        phase == "during",
        1 + effect,
        np.where(phase == "after", 1 + (effect if after_effect is None else after_effect), 1.0),
    )

    def draw(mean):
        shape = mean / (phi - 1)
        return rng.poisson(rng.gamma(shape, mean / shape))

    return pd.DataFrame(
        {
            "start": [Period.month(2021 + i // 12, i % 12 + 1).start for i in m],
            "phase": phase,
            "target": draw(base * shared * factor),
            "comparison": draw(comparison * shared),
        }
    )


# --- calibration on simulated data -----------------------------------------------------------------
@pytest.mark.slow
def test_interval_covers_a_planted_minus_30_percent_about_95_times_in_100():
    runs, covered, estimates = 300, 0, []
    for seed in range(runs):
        headline = InterventionEffect().fit(simulated(seed, effect=-0.30)).headline_
        covered += headline["lower"] <= -30.0 <= headline["upper"]
        estimates.append(headline["effect_pct"])
    assert 0.92 <= covered / runs <= 0.99
    assert np.mean(estimates) == pytest.approx(-30.0, abs=3.0)


@pytest.mark.slow
def test_a_null_project_gets_an_interval_around_zero():
    runs, covered, estimates, claimed = 300, 0, [], 0
    for seed in range(runs):
        model = InterventionEffect().fit(simulated(seed, effect=0.0))
        headline = model.headline_
        covered += headline["lower"] <= 0.0 <= headline["upper"]
        estimates.append(headline["effect_pct"])
        claimed += headline["verdict_code"] in ("decrease", "increase")
    assert 0.92 <= covered / runs <= 0.99
    assert abs(np.mean(estimates)) < 4.0
    assert claimed / runs <= 0.08


def test_small_counts_keep_their_coverage():
    covered = sum(
        InterventionEffect().fit(s).headline_["lower"] <= -30 <= InterventionEffect().fit(s).headline_["upper"]
        for s in (simulated(seed, base=6, comparison=40) for seed in range(100))
    )
    assert covered >= 88


def test_a_campaign_that_stops_is_reported_for_its_own_weeks():
    # four times as many findings during the campaign, as many as before after it
    during_covered, after_covered = 0, 0
    for seed in range(20):
        model = InterventionEffect().fit(simulated(seed, effect=3.0, after_effect=0.0, start=30, end=33, base=5))
        headline = model.headline_
        after = model.phases_.set_index("phase").loc["after"]
        assert headline["phase"] == "during" and headline["verdict_code"] == "increase"
        during_covered += headline["lower"] <= 300 <= headline["upper"]
        after_covered += after["lower"] <= 0 <= after["upper"]
    assert during_covered >= 17 and after_covered >= 17


def test_an_effect_that_lasts_is_pooled_since_the_start():
    model = InterventionEffect().fit(simulated(7, effect=-0.4, start=30, end=33))
    assert model.headline_["phase"] == "since_start"
    assert set(model.phases_["phase"]) == {"before", "since_start", "during", "after"}


def test_too_few_reports_say_no_measurable_effect():
    model = InterventionEffect().fit(simulated(3, effect=-0.5, base=0.4, comparison=30))
    assert model.headline_["verdict_code"] == "too_few"


# --- phases ------------------------------------------------------------------------------------------
def test_a_period_belongs_to_the_phase_holding_most_of_its_days():
    june = Period.month(2025, 6)
    assert phase_of(june, date(2025, 6, 15), date(2025, 7, 31)) == "during"  # 14 days before, 16 during
    assert phase_of(june, date(2025, 6, 17), date(2025, 7, 31)) == "before"  # 16 before, 14 during
    week = Period.iso_week(2026, 39)  # Mon 21 – Sun 27 Sep 2026
    assert phase_of(week, date(2026, 9, 21), date(2026, 9, 25)) == "during"  # a five-day traffic week
    assert phase_of(week, date(2026, 9, 24), date(2026, 10, 30)) == "during"  # Thursday: 3 before, 4 during
    assert phase_of(week, date(2026, 9, 25), date(2026, 10, 30)) == "before"  # Friday: 4 before, 3 during
    assert phase_of(Period.month(2026, 3), date(2025, 11, 1), date(2026, 1, 31)) == "after"
    assert phase_of(Period.month(2026, 3), date(2026, 3, 1), None) == "during"  # an open end


def test_short_projects_are_estimated_per_week():
    def project(start, end):
        return Project("p", None, start, end, ("graffiti",), None, None, "heel Asse", None)

    assert project_kind(project(date(2026, 9, 21), date(2026, 9, 25))) == "week"
    assert project_kind(project(date(2025, 11, 1), date(2026, 1, 31))) == "month"
    assert project_kind(project(date(2026, 3, 1), None)) == "month"


# --- footprints and comparison, on a store the test fills ----------------------------------------------
def test_hot_spot_target_is_the_footprint_and_comparison_the_rest(db):
    con = open_for_writing(db)
    # a point hot spot with a 100 m radius, and a square polygon of about 110 × 110 m
    con.execute("""INSERT INTO hotspots (hotspot_id, name, kind, geojson, center_lat, center_lon, radius_m,
                                         min_lat, min_lon, max_lat, max_lon, batch_id)
                   VALUES ('plein', 'Plein', 'plein', '{"type":"Point","coordinates":[4.2000,50.9100]}',
                   50.91, 4.20, 100, 50.909, 4.199, 50.911, 4.201, 1)""")
    square = {
        "type": "Polygon",
        "coordinates": [
            [[4.2100, 50.9000], [4.2116, 50.9000], [4.2116, 50.9010], [4.2100, 50.9010], [4.2100, 50.9000]]
        ],
    }
    con.execute(
        "INSERT INTO hotspots (hotspot_id, name, kind, geojson, center_lat, center_lon, radius_m, min_lat, "
        "min_lon, max_lat, max_lon, batch_id) "
        "VALUES ('park', 'Park', 'park', ?, 50.9005, 4.2108, 80, 50.9, 4.21, 50.901, 4.2116, 1)",
        [json.dumps(square)],
    )
    metre_lat = 1 / 111_200
    points = [
        (50.9100 + 50 * metre_lat, 4.2000, "sluikstort"),  # 50 m north of the point: inside
        (50.9100 + 150 * metre_lat, 4.2000, "sluikstort"),  # 150 m: outside
        (50.9005, 4.2108, "sluikstort"),  # in the square
        (50.9005, 4.2130, "sluikstort"),  # east of the square
        (50.9100, 4.2000, "graffiti"),  # another category: not counted
        (None, None, "sluikstort"),
    ]  # no location: nowhere
    for n, (lat, lon, category) in enumerate(points):
        con.execute(
            """INSERT INTO reports (source, source_id, batch_id, reported_at, reported_precision,
                       category_code, channel_code, status, lat, lon, area_code, gas_finding, content_hash)
                       VALUES ('canonical', ?, 1, TIMESTAMPTZ '2026-03-10 10:00:00+00', 'minute', ?, 'email', 'open',
                       ?, ?, '23002A', false, 'h')""",
            [f"r{n}", category, lat, lon],
        )
    con.close()
    con = duckdb.connect(str(db), read_only=True)
    periods = [Period.month(2026, 3)]
    for hotspot, target, comparison in (("plein", 1, 3), ("park", 1, 3)):
        project = Project("p", None, date(2026, 1, 1), None, ("sluikstort",), hotspot, "hotspot", hotspot, "23002A")
        counts = projects.counts(con, project, periods, "month")
        assert (counts["target"].sum(), counts["comparison"].sum()) == (target, comparison)
    # no categories named means every category: the graffiti report at the point counts too
    everything = Project("p", None, date(2026, 1, 1), None, (), "plein", "hotspot", "plein", "23002A")
    counts = projects.counts(con, everything, periods, "month")
    located = [p for p in points if p[0] is not None]
    inside = sum(1 for lat, lon, _ in located if abs(lat - 50.91) < 100 * metre_lat and abs(lon - 4.2) < 1e-9)
    assert (counts["target"].sum(), counts["comparison"].sum()) == (inside, len(located) - inside) == (2, 3)
    area = Project("a", None, date(2026, 1, 1), None, (), "23002A", "area", "Asse", "23002A")
    assert projects.counts(con, area, periods, "month")["target"].sum() == len(points)


# --- words ---------------------------------------------------------------------------------------------
ZELLIK = Project(
    "Hondenpoepactie Zellik",
    "GAS-campagne",
    date(2025, 11, 1),
    date(2026, 1, 31),
    ("hondenpoep",),
    "23002E",
    "area",
    "Zellik",
    "23002E",
)


def test_sentences_say_it_in_words():
    row = {
        "phase": "since_start",
        "verdict_code": "decrease",
        "effect_pct": -41.2,
        "lower": -58.4,
        "upper": -17.9,
        "p_value": 0.0021,
        "expected": 98.2,
    }
    assert effect_sentence(ZELLIK, row, "hondenpoep") == (
        "Hondenpoepactie Zellik lijkt te werken: sinds de start ongeveer 41 % minder meldingen hondenpoep in Zellik "
        "dan verwacht (95 %-interval: 18 % tot 58 % minder; p = 0,0021)."
    )
    none = dict(row, verdict_code="none", effect_pct=6.7, lower=-37.1, upper=80.9, p_value=0.8)
    assert effect_sentence(ZELLIK, none, "hondenpoep") == (
        "Hondenpoepactie Zellik: geen meetbaar effect op de meldingen hondenpoep in Zellik sinds de start "
        "(het 95 %-interval van −37 % tot +81 % omvat 0; p = 0,80)."
    )
    few = dict(row, verdict_code="too_few", expected=1.24)
    assert effect_sentence(ZELLIK, few, "hondenpoep", before_target=7) == (
        "Hondenpoepactie Zellik: geen meetbaar effect — te weinig meldingen hondenpoep in Zellik om een effect van "
        "toeval te onderscheiden (7 voor de start, 1,2 verwacht sinds de start)."
    )
    more = dict(
        row, phase="during", verdict_code="increase", effect_pct=310.0, lower=120.0, upper=650.0, p_value=0.0001
    )
    after = {"phase": "after", "verdict_code": "none", "lower": -23.0, "upper": 48.0}
    assert effect_sentence(ZELLIK, more, "hondenpoep", after=after) == (
        "Hondenpoepactie Zellik: tijdens het project ongeveer 4,1 keer zoveel meldingen hondenpoep in Zellik als "
        "verwacht (95 %-interval: 2,2 tot 7,5 keer zoveel; p < 0,001). Na het project: geen meetbaar effect meer "
        "(interval −23 % tot +48 %)."
    )


def test_the_effect_words_come_from_the_catalogue():
    # one source for the command line (Dutch) and the pages (their language): civ/messages/trends.py
    assert EFFECT_TEXTS_NL == {
        key[len("effect.") :]: entry["nl"] for key, entry in i18n.TEXTS.items() if key.startswith("effect.")
    }
    assert texts_of("effect.", "en")["verdict.none"] == "no measurable effect"


# --- the demo --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(demo_data):
    path, truth = demo_data
    con = duckdb.connect(str(path), read_only=True)
    yield con, {p["name"]: p for p in truth["projects"]}
    con.close()


@pytest.mark.slow
def test_demo_dog_fouling_campaign_is_found_to_work(demo):
    con, truth = demo
    planted = truth["Hondenpoepactie Zellik"]
    result = project_effect(con, "Hondenpoepactie Zellik")
    assert result["verdict_code"] == "decrease" and result["verdict"] == "minder meldingen"
    assert result["upper"] < 0  # the interval excludes 0
    assert result["lower"] <= planted["planted_effect"]["effect_pct"] <= result["upper"]
    assert result["sentence"].startswith("Hondenpoepactie Zellik lijkt te werken")
    # the counts it rests on, as the demo counted them
    phases = {p["phase"]: p for p in result["phases"]}
    before = sum(n for month, n in planted["target_monthly"].items() if month < "2025-11")
    since = sum(n for month, n in planted["target_monthly"].items() if month >= "2025-11")
    assert (phases["before"]["target"], phases["since_start"]["target"]) == (before, since)


@pytest.mark.slow
def test_demo_house_number_campaign_quadrupled_findings_during_it(demo):
    con, truth = demo
    result = project_effect(con, "Laat je huisnummer zien")
    assert result["kind"] == "week" and result["phase"] == "during"
    assert result["verdict_code"] == "increase"
    assert result["lower"] <= truth["Laat je huisnummer zien"]["planted_effect"]["effect_pct"] <= result["upper"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["Verkeersweek scholen", "Werkgroep hangjongeren Gemeentepark", "Veiligheidsconvenant De Lijn/NMBS"]
)
def test_demo_projects_without_planted_effect_show_none(demo, name):
    con, truth = demo
    result = project_effect(con, name)
    assert truth[name]["expected"] == "geen meetbaar effect"
    assert result["verdict"] == "geen meetbaar effect"
    assert result["verdict_code"] in ("none", "too_few")
    if result["verdict_code"] == "too_few":
        assert result["effect_pct"] is None  # no number when the data cannot tell
