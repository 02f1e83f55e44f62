"""Trends: Mann–Kendall against hand computation, the seasonal model on simulated series with a known
trend (its interval covers the truth about as often as it says), the band (ordinary points inside,
a planted spike flagged), counting rules of the series, and the demo's planted dumping spike."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import duckdb
import numpy as np
import pandas as pd
import pytest

from analytics.periods import Period
from analytics.seasonal import (
    TREND_TEXTS_NL,
    SeasonalModel,
    mann_kendall,
    sen_slope,
    trend_sentence,
)
from analytics.trends import (
    LABEL_TEXTS_NL,
    Selection,
    channel_mix,
    compare_series,
    count_series,
    mailbox_use,
    trend_series,
)
from civ.i18n import texts_of
from civ.store import open_for_writing
from dashboards import i18n

UTC = timezone.utc


# --- Mann–Kendall and Sen, by hand -----------------------------------------------------------------
def test_mann_kendall_matches_a_hand_computed_example():
    # x = 1 3 2 5 4: pairs (i<j) give + + + +, − + +, + +, −  ->  S = 6
    result = mann_kendall([1, 3, 2, 5, 4])
    assert result["s"] == 6
    assert result["var_s"] == pytest.approx(5 * 4 * 15 / 18)  # n(n−1)(2n+5)/18, no ties
    assert result["z"] == pytest.approx(5 / np.sqrt(300 / 18))  # (S − 1)/√Var
    assert result["p_value"] == pytest.approx(0.22067, abs=1e-4)  # 2·(1 − Φ(1,2247))
    assert result["tau"] == pytest.approx(0.6)


def test_mann_kendall_corrects_the_variance_for_ties():
    result = mann_kendall([1, 2, 2, 3])
    assert result["s"] == 5
    assert result["var_s"] == pytest.approx((4 * 3 * 13 - 2 * 1 * 9) / 18)  # one pair of ties: t = 2


def test_mann_kendall_says_nothing_about_a_flat_or_tiny_series():
    assert mann_kendall([4, 4, 4, 4])["p_value"] == 1.0
    assert mann_kendall([1, 2])["p_value"] == 1.0


def test_sen_slope_is_the_median_pairwise_slope():
    # slopes: 2, 0.5, 4/3, 0.75, −1, 1, 1/3, 3, 1, −1  ->  sorted median (0.75 + 1)/2
    slope, low, high = sen_slope([1, 3, 2, 5, 4])
    assert slope == pytest.approx(0.875)
    assert low <= slope <= high


# --- simulated series ------------------------------------------------------------------------------
def simulated(
    seed: int,
    pct_per_year: float = 10.0,
    months: int = 60,
    base: float = 30.0,
    phi: float = 1.5,
    spike_at: int | None = None,
    spike: float = 1.0,
) -> pd.DataFrame:
    """Monthly counts: seasonal (±30 %), a trend of `pct_per_year`, overdispersed (variance phi·mean)."""
    rng = np.random.default_rng(seed)
    m = np.arange(months)
    mean = base * np.exp(0.3 * np.cos(2 * np.pi * (m - 6) / 12)) * (1 + pct_per_year / 100) ** (m / 12)
    if spike_at is not None:
        mean[spike_at] *= spike
    shape = mean / (phi - 1)
    counts = rng.poisson(rng.gamma(shape, mean / shape))
    starts = [Period.month(2021 + i // 12, i % 12 + 1).start for i in m]
    return pd.DataFrame({"start": starts, "count": counts})


@pytest.mark.slow
def test_trend_interval_covers_the_true_trend_about_95_times_in_100():
    covered, found = 0, 0
    runs = 200
    for seed in range(runs):
        trend = SeasonalModel("month").fit(simulated(seed, pct_per_year=10.0)).trend_
        covered += trend["pct_lower"] <= 10.0 <= trend["pct_upper"]
        found += trend["direction"] == "stijgt"
    assert 0.90 <= covered / runs <= 0.995
    assert found / runs >= 0.9  # five years of 30 a month: a 10 % a year rise is found


@pytest.mark.slow
def test_a_series_without_trend_rarely_gets_one():
    runs = 200
    claimed = sum(
        SeasonalModel("month").fit(simulated(seed, pct_per_year=0.0)).trend_["direction"] != "geen"
        for seed in range(runs)
    )
    assert claimed / runs <= 0.09  # nominal 5 %


@pytest.mark.slow
def test_band_holds_about_95_percent_of_ordinary_points_and_anomalies_are_rare():
    outside, points, series_with_alarm = 0, 0, 0
    for seed in range(150):
        model = SeasonalModel("month").fit(simulated(seed, pct_per_year=5.0))
        outside += model.outside_.sum()
        points += len(model.outside_)
        series_with_alarm += model.anomaly_.any()
    assert 0.02 <= outside / points <= 0.09
    assert series_with_alarm / 150 <= 0.10  # BH over the points of a series: few false alarms


def test_band_flags_a_planted_spike():
    # Two years of about 28 a month; one month at 2,5 times its level. The band (95 % per point) has
    # it outside nearly always; the anomaly flag, corrected for 24 points, most of the time
    # (simulated power about 90 %; about 75 % at 2,2 times).
    outside, flagged = 0, 0
    for seed in range(20):
        series = simulated(seed, months=24, base=28, phi=1.2, spike_at=9, spike=2.5)
        model = SeasonalModel("month").fit(series)
        outside += bool(model.outside_[9])
        flagged += bool(model.anomaly_[9])
        assert model.expected_[9] < series["count"][9]
    assert outside >= 19
    assert flagged >= 16


def test_two_years_get_seasonal_harmonics_and_one_year_none():
    assert SeasonalModel("month").fit(simulated(1, months=24)).harmonics_ == 2
    assert SeasonalModel("month").fit(simulated(1, months=15)).harmonics_ == 0
    short = SeasonalModel("month").fit(simulated(1, months=8))
    assert not short.fitted_ and short.trend_["direction"] == "te_kort"


def test_sentences_a_user_repeats():
    rising = {"direction": "stijgt", "pct_per_year": 8.2, "reports_per_year": 29.4, "p_value": 0.0123}
    assert (
        trend_sentence("Sluikstort", rising)
        == "Sluikstort stijgt met ongeveer 29 meldingen per jaar (+8 % per jaar, p = 0,012)."
    )
    falling = {"direction": "daalt", "pct_per_year": -19.4, "reports_per_year": -2.26, "p_value": 0.0004}
    assert (
        trend_sentence("Alle meldingen in Zellik", falling, plural=True)
        == "Alle meldingen in Zellik dalen met ongeveer 2,3 meldingen per jaar (−19 % per jaar, p < 0,001)."
    )
    flat = {"direction": "geen", "p_value": 0.4321}
    assert trend_sentence("Graffiti", flat) == "Graffiti: geen duidelijke trend (p = 0,43)."


def test_the_sentence_pieces_come_from_the_catalogue_in_every_language():
    # one source for the command line (Dutch) and the pages (their language): civ/messages/trends.py
    assert TREND_TEXTS_NL == {
        key[len("trend.") :]: entry["nl"] for key, entry in i18n.TEXTS.items() if key.startswith("trend.")
    }
    assert set(LABEL_TEXTS_NL) == {"all", "group", "in", "via", "mailbox", "short"}
    flat = {"direction": "geen", "p_value": 0.4321}
    assert trend_sentence("Graffiti", flat, texts=texts_of("trend.", "en")) == "Graffiti: no clear trend (p = 0,43)."


# --- counting rules, on a store the test fills -------------------------------------------------------
def _store(path, rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    """rows: (utc datetime, category, precision, area, channel, mailbox)."""
    con = open_for_writing(path)
    for n, (when, category, precision, area, channel, mailbox) in enumerate(rows):
        con.execute(
            """INSERT INTO reports (source, source_id, batch_id, reported_at, reported_precision,
                       category_code, channel_code, channel_detail, status, area_code, gas_finding, content_hash)
                       VALUES ('canonical', ?, 1, ?, ?, ?, ?, ?, 'open', ?, false, 'h')""",
            [f"r{n}", when, precision, category, channel, mailbox, area],
        )
    con.close()
    return duckdb.connect(str(path), read_only=True)


def test_month_precision_reports_count_in_months_never_in_weeks(db):
    minute = [datetime(2026, 1, 1, 10, tzinfo=UTC) + timedelta(days=d) for d in range(0, 90, 3)]  # to 29 March
    rows = [(when, "sluikstort", "minute", "23002A", "email", None) for when in minute]
    # police-uk 'January 2026': stored on its first local day, midnight in Brussels
    rows += [(datetime(2025, 12, 31, 23, tzinfo=UTC), "sluikstort", "month", None, "politie", None)] * 4
    con = _store(db, rows)
    monthly = count_series(con, Selection(category="sluikstort"), "month").set_index("code")["count"]
    assert list(monthly.index) == ["2026-01", "2026-02"]  # March ends on the 29th: incomplete
    assert monthly["2026-01"] == sum(w.month == 1 for w in minute) + 4
    weekly = count_series(con, Selection(category="sluikstort"), "week")
    assert weekly["code"].iloc[0] == "2026-W02" and weekly["code"].iloc[-1] == "2026-W13"  # 5 Jan – 29 Mar
    assert weekly["count"].sum() == sum(date(2026, 1, 5) <= w.date() <= date(2026, 3, 29) for w in minute)


def test_series_show_complete_periods_only_and_cut_weeks_in_brussels_time(db):
    # 2026-10-25 is a Sunday; at 23:30 UTC it is already Monday 00:30 in Brussels (winter time)
    rows = [
        (datetime(2026, 9, 28, 12, tzinfo=UTC) + timedelta(days=d), "graffiti", "minute", "23002A", "email", None)
        for d in range(0, 36)
    ]
    rows.append((datetime(2026, 10, 25, 23, 30, tzinfo=UTC), "graffiti", "minute", "23002A", "email", None))
    con = _store(db, rows)
    weeks = count_series(con, Selection(category="graffiti"), "week").set_index("code")["count"]
    assert weeks.index[0] == "2026-W40"  # Monday 28 September: the first full week
    assert weeks["2026-W43"] == 7  # 19–25 October, the late report not among them
    assert weeks["2026-W44"] == 8  # 26 October–1 November: seven at noon and the late one
    assert "2026-W45" not in weeks.index  # 2 November has its Monday only
    months = count_series(con, Selection(category="graffiti"), "month")
    assert list(months["code"]) == ["2026-10"]  # September and November are partial


def test_moving_average_and_same_period_last_year(db):
    # month k (1..24 from January 2025) holds k reports, on its 10th at noon
    rows = []
    for k in range(1, 25):
        year, month = 2025 + (k - 1) // 12, (k - 1) % 12 + 1
        rows += [(datetime(year, month, 10, 12, tzinfo=UTC), "zwerfvuil", "minute", "23002B", "post", None)] * k
    rows.append((datetime(2026, 12, 31, 12, tzinfo=UTC), "overig", "minute", "23002B", "post", None))
    rows.append((datetime(2025, 1, 1, 12, tzinfo=UTC), "overig", "minute", "23002B", "post", None))
    con = _store(db, rows)
    frame = trend_series(con, Selection(category="zwerfvuil")).frame.set_index("code")
    assert frame.loc["2025-12", "ma12"] == pytest.approx(np.mean(range(1, 13)))
    assert np.isnan(frame.loc["2025-11", "ma12"])
    assert frame.loc["2026-03", "last_year"] == 3 and frame.loc["2026-03", "count"] == 15
    assert np.isnan(frame.loc["2025-03", "last_year"])


def test_channel_mix_shares_and_mailboxes(db):
    start = datetime(2026, 3, 1, 10, tzinfo=UTC)
    rows = [(start + timedelta(days=d), "sluikstort", "minute", "23002A", "probleembox", "07") for d in range(10)]
    rows += [(start + timedelta(days=d), "sluikstort", "minute", "23002A", "email", None) for d in range(30)]
    rows += [(start + timedelta(days=40), "sluikstort", "minute", "23002A", "probleembox", "12")]
    rows += [
        (datetime(2026, 2, 28, 12, tzinfo=UTC), "overig", "minute", None, "post", None),
        (datetime(2026, 5, 1, 12, tzinfo=UTC), "overig", "minute", None, "post", None),
    ]
    con = _store(db, rows)
    mix = channel_mix(con, Selection(category="sluikstort"))
    march = mix[mix["code"] == "2026-03"].set_index("channel")
    assert march.loc["probleembox", "count"] == 10 and march.loc["email", "count"] == 30
    assert march["share"].sum() == pytest.approx(1.0)
    boxes = mailbox_use(con).pivot(index="mailbox", columns="code", values="count")
    assert boxes.loc["07", "2026-03"] == 10 and boxes.loc["07", "2026-04"] == 0
    assert boxes.loc["12", "2026-04"] == 1


# --- the demo ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(demo_data):
    path, truth = demo_data
    con = duckdb.connect(str(path), read_only=True)
    yield con, truth
    con.close()


@pytest.mark.slow
def test_demo_band_flags_the_planted_dumping_spike(demo):
    con, truth = demo
    spike = truth["spikes"][0]
    series = trend_series(con, Selection(category=spike["category"]))
    counts = series.frame.set_index("code")["count"]
    assert counts.to_dict() == spike["monthly"]  # counted as the demo counted them
    flagged = set(series.frame.loc[series.frame["anomaly"], "code"])
    assert spike["month"] in flagged
    assert flagged <= {spike["month"]}  # and nothing else in that series
    assert series.sentence.startswith("Sluikstort ")


@pytest.mark.slow
def test_demo_small_multiples_compare_areas_with_their_own_band(demo):
    con, _ = demo
    panels = compare_series(con, Selection(category="hondenpoep", area="23002E"), by="area")
    assert {p.selection.area for p in panels} == {"23002A", "23002B", "23002C", "23002D", "23002E", "23002F"}
    zellik = next(p for p in panels if p.selection.area == "23002E")
    assert zellik.trend["direction"] == "daalt"  # the campaign took a third off
    assert all(len(p.frame) == 24 and p.frame["expected"].notna().all() for p in panels)
