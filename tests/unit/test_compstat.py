"""The CompStat table counts what an independent count in the test counts, window by window."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb
import pytest

from analytics.compstat import Filters, compstat_table, follow_up, key_figures
from analytics.grid import grid_counts, reports_in_cell
from analytics.periods import Period
from etl.demo import ensure_demo_territory
from etl.reports import load_reports_file

BRUSSELS = ZoneInfo("Europe/Brussels")
CATEGORIES = {
    "Sluikstort": "sluikstort",
    "Geluidshinder": "geluidshinder",
    "Hondenpoep": "hondenpoep",
    "Hangjongeren": "hangjongeren",
}
CHANNELS = {"post": "post", "E-mail": "email", "Pro?bleembox 3": "probleembox"}
POINTS = {"23002A": (50.9102, 4.1985), "23002E": (50.8875, 4.2550)}


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """600 random reports over 2025-01 … 2026-11 in local time, and the store they were loaded into."""
    rng = random.Random(7)
    rows, truth = [], []
    start = datetime(2025, 1, 1, tzinfo=BRUSSELS)
    for number in range(600):
        local = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 690))
        label = rng.choice(list(CATEGORIES))
        channel = rng.choice(list(CHANNELS))
        area = rng.choice(list(POINTS))
        lat, lon = POINTS[area]
        closed = local + timedelta(days=rng.randrange(0, 20)) if rng.random() < 0.7 else None
        rows.append(
            f"R{number};{local:%d/%m/%Y %H:%M};{label};{channel};{str(lat).replace('.', ',')};"
            f"{str(lon).replace('.', ',')};{'afgesloten' if closed else 'open'};"
            f"{closed.strftime('%d/%m/%Y %H:%M') if closed else ''};{'ja' if rng.random() < 0.1 else 'nee'}"
        )
        truth.append(
            {
                "local": local.replace(second=0, microsecond=0),
                "category": CATEGORIES[label],
                "channel": CHANNELS[channel],
                "area": area,
                "closed": closed,
            }
        )
    folder = tmp_path_factory.mktemp("compstat")
    path = folder / "meldingen.csv"
    path.write_text("id;datum;categorie;kanaal;lat;lon;status;afgesloten_op;gas\n" + "\n".join(rows) + "\n")
    db = folder / "civ.duckdb"
    ensure_demo_territory(db)  # the planted reports lie in Asse
    result = load_reports_file(db, path)
    assert result.loaded == 600
    return db, truth


def count(truth, period: Period, **match) -> Counter:
    counted = Counter()
    for report in truth:
        if period.start <= report["local"].date() < period.end and all(report[k] == v for k, v in match.items()):
            counted[report["category"]] += 1
    return counted


@pytest.fixture
def con(planted):
    connection = duckdb.connect(str(planted[0]), read_only=True)
    yield connection
    connection.close()


@pytest.mark.parametrize("code", ["2026-10", "2026-W43", "ytd:2026-10", "2026-01"])
def test_table_counts_equal_an_independent_count(con, planted, code):
    truth = planted[1]
    period = Period.parse(code)
    table = compstat_table(con, period).set_index("category")
    windows = {
        "current": period,
        "last_year": period.same_period_last_year(),
        "ytd": period.year_to_date_period(),
        "ytd_last_year": period.year_to_date_period().same_period_last_year(),
    }
    if period.previous():
        windows["previous"] = period.previous()
    for column, window in windows.items():
        expected = count(truth, window)
        for category in CATEGORIES.values():
            got = int(table.loc[category, column]) if category in table.index else 0
            assert got == expected[category], (column, category)


def test_filters_narrow_every_column(con, planted):
    truth = planted[1]
    period = Period.parse("2026-09")
    table = compstat_table(con, period, filters=Filters(area="23002E", channel="probleembox")).set_index("category")
    expected = count(truth, period, area="23002E", channel="probleembox")
    expected_ly = count(truth, period.same_period_last_year(), area="23002E", channel="probleembox")
    for category in CATEGORIES.values():
        row = table.loc[category] if category in table.index else {"current": 0, "last_year": 0}
        assert (int(row["current"]), int(row["last_year"])) == (expected[category], expected_ly[category])


def test_category_group_filter(con, planted):
    table = compstat_table(con, Period.parse("ytd:2026-10"), filters=Filters(category_group="afval"))
    assert set(table["category"]) == {"sluikstort", "hondenpoep"}


def test_rows_per_area_sum_to_the_rows_per_category(con):
    period = Period.parse("2026-06")
    by_category = compstat_table(con, period)["current"].sum()
    by_area = compstat_table(con, period, by="area")
    assert by_area["current"].sum() == by_category
    assert set(by_area["area_name"]) <= {"Asse", "Zellik"}


def test_key_figures_match_an_independent_count(con, planted):
    truth = planted[1]
    period = Period.parse("2026-10")
    start, end = (datetime(d.year, d.month, d.day, tzinfo=BRUSSELS) for d in (period.start, period.end))
    in_period = [r for r in truth if start <= r["local"] < end]
    backlog = [r for r in truth if r["local"] < end and (r["closed"] is None or r["closed"] >= end)]
    figures = key_figures(con, period)
    assert figures["reports"] == len(in_period)
    assert figures["open_backlog"] == len(backlog)
    assert figures["share_located"] == 1.0


def test_follow_up_counts_channels_and_mailboxes(con, planted):
    truth = planted[1]
    period = Period.parse("2026-03")
    channels = follow_up(con, period)["by_channel"]
    expected = Counter(r["channel"] for r in truth if period.start <= r["local"].date() < period.end)
    assert dict(zip(channels["channel"], channels["reports"])) == dict(expected)
    assert set(channels.loc[channels["channel"] == "probleembox", "mailbox"]) == {"03"}


def test_grid_cells_hold_every_located_report_and_list_them(con, planted):
    truth = planted[1]
    period = Period.parse("2026-05")
    grid = grid_counts(con, period)
    assert grid["current"].sum() == sum(count(truth, period).values())
    assert len(grid) == 2  # the two planted points lie in two different 250 m cells
    busiest = grid.iloc[0]
    assert len(reports_in_cell(con, period, busiest["cell"])) == busiest["current"]


@pytest.mark.parametrize("code", ["2026-10", "2026-W43", "ytd:2026-10", "2026-01"])
@pytest.mark.parametrize("by", ["category", "area", "category,area"])
def test_rows_come_by_count_then_last_year_and_ties_by_code(con, code, by):
    """The order a person reads: most reports first; equal counts always in the same order (category code,
    then area code), so the page, its export and the meeting pack list the rows alike."""
    table = compstat_table(con, Period.parse(code), by=by)
    keys = [k for k in ("category", "area") if k in table and table[k].notna().any()]
    rows = [(-r["current"], -r["last_year"], *(r[k] for k in keys)) for _, r in table.iterrows()]
    assert rows == sorted(rows)
    assert len(set(rows)) == len(rows)  # the keys tell every row apart: the order is total
