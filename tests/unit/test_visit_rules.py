"""Each documented rule of a visit (README, *A visit*), on a few fixes whose visit is known to the second.

Every test fails when its rule is changed in analytics/coverage/detection.py (checked by hand, one
mutation at a time; listed in benchmarks/results.md): a fix stands for HALF the interval to each
neighbour, at most 30 s either side (a neighbour more than 60 s away is none), stays less than 5
minutes apart are one visit, a stay under 1 minute or of a single fix is a pass-through. The expected
lengths are worked out by hand in each test from the rule, and compared to the millisecond the visit
is rounded to, far tighter than the error any of those mutations causes (10 s or more).
"""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.coverage.detection import visits_from_fixes
from analytics.coverage.footprint import HotSpot

LAT, LON = 51.0, 3.7
SPOT = HotSpot("H1", "Plein", None, LAT, LON, 50.0, None, (LAT - 0.001, LON - 0.001, LAT + 0.001, LON + 0.001))
OUTSIDE_LAT = LAT + 0.002  # about 220 m north: outside the 50 m circle, inside the search margin
ROUNDING_MINUTES = 1 / 60_000  # visits are stored to the millisecond


def _fixes(inside_s: list[float], outside_s: list[float], device: str = "TRK-1") -> pd.DataFrame:
    """Fixes of one tracker near SPOT at the given seconds, inside the circle or outside it."""
    rows = [(s, LAT) for s in inside_s] + [(s, OUTSIDE_LAT) for s in outside_s]
    return pd.DataFrame(
        {
            "hotspot_id": "H1",
            "device_id": device,
            "t": [int(round(s * 1000)) for s, _ in rows],
            "lat": [lat for _, lat in rows],
            "lon": LON,
        }
    )


def _visits(inside_s, outside_s) -> list[tuple[float, float]]:
    """(start, end) of each visit, in seconds."""
    found = visits_from_fixes(_fixes(inside_s, outside_s), [SPOT]).sort_values("start_ms")
    return [(a / 1000, b / 1000) for a, b in zip(found["start_ms"], found["end_ms"])]


def _seconds(start: float, step: float, count: int) -> list[float]:
    return [start + step * k for k in range(count)]


# --- half the interval to each neighbour ---------------------------------------------------------


def test_a_fix_stands_for_half_the_interval_to_each_neighbour():
    # outside at 0 s, inside every 10 s from 10 to 110 s, outside again at 150 s (40 s later):
    # the visit starts halfway between 0 and 10 (5 s) and ends halfway between 110 and 150 (130 s).
    # The whole interval instead of half would give 0 to 150 s; a visit from fix to fix 10 to 110 s.
    visits = _visits(_seconds(10, 10, 11), [0, 150])
    assert len(visits) == 1
    start, end = visits[0]
    assert start == pytest.approx(5, abs=0.001)
    assert end == pytest.approx(130, abs=0.001)


def test_a_visit_sampled_at_uneven_intervals_has_the_length_of_the_half_intervals():
    # neighbours 20 s before and 50 s after; inside 30, 45, 70, 100 s: 10 s before the first fix and
    # 25 s after the last one
    inside = [30, 45, 70, 100]
    found = visits_from_fixes(_fixes(inside, [10, 150]), [SPOT])
    assert found["minutes"].tolist() == pytest.approx([(125 - 20) / 60], abs=ROUNDING_MINUTES)
    assert found["fixes"].tolist() == [4]
    assert found["window"].tolist() == [0] and found["window"].dtype == "int64"  # no window column: window 0


# --- at most 30 s either side: a neighbour more than 60 s away is none --------------------------------


def test_a_neighbour_more_than_a_minute_away_is_none_and_that_side_takes_the_other_sides_interval():
    # the tracker fell silent 5 minutes before the first fix inside and 4 minutes after the last: the
    # visit must not reach halfway into those silences (150 s and 120 s), only half the tracker's own
    # sampling interval there (20 s / 2 = 10 s)
    inside = _seconds(300, 20, 6)  # 300 … 400 s
    visits = _visits(inside, [0, 640])
    assert visits == [pytest.approx((290, 410), abs=0.001)]


def test_fixes_with_no_neighbour_within_a_minute_stand_for_30_seconds_either_side():
    # two fixes 100 s apart, nothing else within a minute: each stands for 30 s either side; their spans
    # (40 s apart) are one visit from 970 to 1130 s
    visits = _visits([1000, 1100], [0, 2000])
    assert visits == [pytest.approx((970, 1130), abs=0.001)]


def test_a_neighbour_exactly_a_minute_away_still_counts():
    visits = _visits([1000, 1020], [940, 1080])  # 60 s before and after: half of it, 30 s, each side
    assert visits == [pytest.approx((970, 1050), abs=0.001)]


# --- stays at most 5 minutes apart are one visit ------------------------------------------------


@pytest.mark.parametrize(("gap_s", "visits_expected"), [(290, 1), (300, 1), (300.001, 2), (310, 2)])
def test_stays_up_to_five_minutes_apart_are_one_visit(gap_s, visits_expected):
    # sampled every 10 s: a stay 0…120 s (its span ends at 125 s), a walk outside, a second stay of
    # 7 fixes whose span starts gap_s after the first one's end (its last outside fix 10 s before it);
    # exactly 5 minutes is still one visit, a millisecond more is two
    first = _seconds(0, 10, 13)
    second = _seconds(125 + gap_s + 5, 10, 7)
    outside = sorted({*_seconds(130, 10, int((second[0] - 140) / 10)), second[0] - 10, second[-1] + 10})
    visits = _visits(first + second, outside)
    assert len(visits) == visits_expected
    if visits_expected == 1:
        # the merged visit's length counts the gap: from the first span's start to the second's end
        assert visits[0] == pytest.approx((-5, second[-1] + 5), abs=0.0001)
    else:
        assert visits == [
            pytest.approx((-5, 125), abs=0.0001),
            pytest.approx((125 + gap_s, second[-1] + 5), abs=0.0001),
        ]


# --- under 1 minute, or a single fix, is a pass-through ----------------------------------------------


@pytest.mark.parametrize(("fixes", "is_visit"), [(5, False), (6, True), (7, True)])
def test_a_stay_under_a_minute_is_a_pass_through(fixes, is_visit):
    # fixes every 10 s, each standing for 10 s: 50 s is under a minute, 60 s is a minute
    inside = _seconds(100, 10, fixes)
    found = visits_from_fixes(_fixes(inside, [90, inside[-1] + 10]), [SPOT])
    assert len(found) == (1 if is_visit else 0)
    if is_visit:
        assert found["minutes"].iloc[0] == pytest.approx(fixes * 10 / 60, abs=ROUNDING_MINUTES)


def test_a_single_fix_is_a_pass_through_even_when_it_stands_for_a_full_minute():
    # neighbours 60 s away on both sides: the single fix stands for 30 + 30 s = 1 minute, long enough,
    # but one fix is no visit; two such fixes 60 s apart are (1,5 minutes)
    assert _visits([1000], [940, 1060]) == []
    assert _visits([1000, 1060], [940, 1120]) == [pytest.approx((970, 1090), abs=0.001)]


def test_a_repeated_fix_counts_once():
    # the same fix twice (a re-sent position) must not halve its neighbour intervals
    inside = _seconds(10, 10, 11)
    once = visits_from_fixes(_fixes(inside, [0, 150]), [SPOT])
    twice = visits_from_fixes(_fixes(inside + [50], [0, 150]), [SPOT])
    assert (
        twice[["start_ms", "end_ms", "fixes"]].values.tolist() == once[["start_ms", "end_ms", "fixes"]].values.tolist()
    )


# --- a visit is one tracker in one hot spot in one window -----------------------------------------------

SPOT_2 = HotSpot("H2", "Park", None, LAT + 0.01, LON, 50.0, None, (LAT + 0.009, LON - 0.001, LAT + 0.011, LON + 0.001))


def _rows(hotspot_id: str, device: str, seconds: list[float], lat: float, window: int = 0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "hotspot_id": hotspot_id,
            "device_id": device,
            "window": window,
            "t": [int(s * 1000) for s in seconds],
            "lat": lat,
            "lon": LON,
        }
    )


def test_visits_never_run_across_trackers_hot_spots_or_windows():
    # every 10 s, so each fix stands for 5 s either side:
    # TRK-A at the square 0…100 s, TRK-B there 100…200 s (its first fix at TRK-A's last instant);
    # TRK-A then in the park 300…400 s; TRK-C at the square in window 0 (0…100 s) and window 1 (160…260 s),
    # 50 s apart, which would be one visit within one window
    fixes = pd.concat(
        [
            _rows("H1", "TRK-A", _seconds(0, 10, 11), LAT),
            _rows("H1", "TRK-B", _seconds(100, 10, 11), LAT),
            _rows("H2", "TRK-A", _seconds(300, 10, 11), SPOT_2.lat),
            _rows("H1", "TRK-C", _seconds(0, 10, 11), LAT, window=0),
            _rows("H1", "TRK-C", _seconds(160, 10, 11), LAT, window=1),
        ],
        ignore_index=True,
    )  # in this order: TRK-B's first fix comes right after TRK-A's last at the same instant
    found = visits_from_fixes(fixes, [SPOT, SPOT_2])
    visits = sorted(
        (h, d, w, s / 1000, e / 1000, n)
        for h, d, w, s, e, n in found[["hotspot_id", "device_id", "window", "start_ms", "end_ms", "fixes"]].itertuples(
            index=False
        )
    )
    assert found["start_ms"].dtype == "int64" and found["end_ms"].dtype == "int64"  # whole milliseconds
    assert visits == [
        ("H1", "TRK-A", 0, -5.0, 105.0, 11),
        ("H1", "TRK-B", 0, 95.0, 205.0, 11),
        ("H1", "TRK-C", 0, -5.0, 105.0, 11),
        ("H1", "TRK-C", 1, 155.0, 265.0, 11),
        ("H2", "TRK-A", 0, 295.0, 405.0, 11),
    ]


def test_fixes_that_never_enter_a_hot_spot_give_no_visit_and_the_usual_columns():
    # a tracker walking past 220 m away: candidates near the hot spot, none inside
    found = visits_from_fixes(_fixes([], _seconds(0, 10, 30)), [SPOT])
    assert found.empty
    assert list(found.columns) == ["hotspot_id", "device_id", "window", "start_ms", "end_ms", "fixes", "minutes"]


def test_no_fixes_give_an_empty_table_with_the_stored_types():
    found = visits_from_fixes(pd.DataFrame(), [SPOT])
    assert found.empty
    assert {c: str(t) for c, t in found.dtypes.items()} == {
        "hotspot_id": "object",
        "device_id": "object",
        "window": "int64",
        "start_ms": "int64",
        "end_ms": "int64",
        "fixes": "int64",
        "minutes": "float64",
    }
