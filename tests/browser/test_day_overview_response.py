"""The daily overview's answer (Flask test client, no browser): after simplifying the tracks on the server
it still names every warden with the duty time and distance of their fixes, and every drawn track stays
within the tolerance of each 1-minute position."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analytics.coverage import layers
from analytics.coverage.visits import DEFAULT_RULES, refresh_visits
from app import create_app
from civ.store import open_for_writing
from dashboards.i18n import fmt_float

from .served_app import callback_body, logged_in_client

DAY = "2026-10-06"
R = 6_371_008.8


def haversine(lat1, lon1, lat2, lon2):
    p1, p2, dl = np.radians(lat1), np.radians(lat2), np.radians(lon2 - lon1)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * R * np.arcsin(np.sqrt(h))


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """Three wardens walking (fix every 15 s, 3 m jitter) from different hours; one stands still for a while."""
    db = tmp_path_factory.mktemp("day-overview") / "civ.duckdb"
    rng = np.random.default_rng(3)
    rows = []
    for n, (warden, hour, fixes) in enumerate((("GW-A", 7, 1600), ("GW-B", 9, 1200), ("GW-C", 12, 900))):
        t = pd.Timestamp(f"{DAY} {hour:02d}:00", tz="UTC") + pd.to_timedelta(np.arange(fixes) * 15, unit="s")
        heading = np.cumsum(np.where(rng.random(fixes) < 0.02, rng.normal(0, 1.5, fixes), 0.0))
        step = np.where((np.arange(fixes) // 80) % 3 == 2, 0.0, 20.0)  # every third stretch a stop
        east = np.cumsum(step * np.cos(heading)) + rng.normal(0, 3, fixes)
        north = np.cumsum(step * np.sin(heading)) + rng.normal(0, 3, fixes)
        lat = 50.92 + n * 0.01 + north / (math.pi / 180 * R)
        lon = 4.20 + east / (math.pi / 180 * R * math.cos(math.radians(50.92)))
        rows.append(pd.DataFrame({"device_id": f"TRK-{n + 1}", "ts": t, "lat": lat, "lon": lon, "warden": warden}))
    fixes = pd.concat(rows, ignore_index=True)
    con = open_for_writing(db)
    try:
        con.execute(
            """INSERT INTO import_batches (batch_id, kind, file_name, file_sha256, format, load_key, started_at,
                                                   finished_at, rows_in, loaded, quarantined, duplicates, is_demo)
                       VALUES (1, 'fixes', 'dag.csv', 'x', 'csv', 'k', now(), now(), ?, ?, 0, 0, false)""",
            [len(fixes), len(fixes)],
        )
        con.execute("INSERT INTO wardens VALUES ('GW-A', 'A'), ('GW-B', 'B'), ('GW-C', 'C')")
        con.execute(
            "INSERT INTO devices VALUES ('TRK-1', 'GW-A', NULL, NULL, 1), ('TRK-2', 'GW-B', NULL, NULL, 1), "
            "('TRK-3', 'GW-C', NULL, NULL, 1)"
        )
        con.register("new_fixes", fixes)
        con.execute(
            "INSERT INTO fixes (device_id, ts, lat, lon, batch_id, is_outlier) "
            "SELECT device_id, ts, lat, lon, 1, false FROM new_fixes"
        )
    finally:
        con.close()
    refresh_visits(db)
    app = create_app(db)
    return {"fixes": fixes, "client": logged_in_client(app), "app": app}


def test_daily_overview_keeps_wardens_duty_time_and_distance_and_draws_tracks_within_tolerance(store):
    app, fixes = store["app"], store["fixes"]
    body = callback_body(app, "day-duty.rowData", {"day-date.date": DAY, "day-lang.data": "nl"})
    response = store["client"].post("/_dash-update-component", json=body)
    assert response.status_code == 200
    answer = response.get_json()["response"]
    rows = {row["holder"]: row for row in answer["day-duty"]["rowData"]}
    tracks = {f["properties"]["holder"]: f for f in answer["day-tracks"]["data"]["features"]}
    assert sorted(rows) == sorted(tracks) == ["GW-A", "GW-B", "GW-C"]
    for warden, mine in fixes.groupby("warden"):
        span = (mine["ts"].max() - mine["ts"].min()).total_seconds() / 60
        assert rows[warden]["hours"] == f"{int(span // 60)} u {int(span % 60):02d}"
        assert rows[warden]["from"] == mine["ts"].min().tz_convert("Europe/Brussels").strftime("%H:%M")
        # distance: the path through the 1-minute mean positions, steps under min_step_m not counted
        means = mine.groupby(mine["ts"].dt.floor("1min"))[["lat", "lon"]].mean()
        steps = haversine(
            means["lat"].to_numpy()[:-1],
            means["lon"].to_numpy()[:-1],
            means["lat"].to_numpy()[1:],
            means["lon"].to_numpy()[1:],
        )
        assert rows[warden]["km"] == fmt_float(steps[steps >= DEFAULT_RULES.min_step_m].sum() / 1000)
        # the drawn track: fewer points, none further than the tolerance (+ rounding) from any minute
        lines = [np.array(line) for line in tracks[warden]["geometry"]["coordinates"]]
        assert sum(len(line) for line in lines) < len(means) / 2
        k = math.pi / 180 * R
        kx = k * math.cos(math.radians(means["lat"].mean()))
        px, py = means["lon"].to_numpy() * kx, means["lat"].to_numpy() * k
        nearest = np.full(len(means), np.inf)
        for line in lines:
            ax, ay = line[:-1, 0] * kx, line[:-1, 1] * k
            dx, dy = line[1:, 0] * kx - ax, line[1:, 1] * k - ay
            t = np.clip(
                ((px[:, None] - ax) * dx + (py[:, None] - ay) * dy) / np.maximum(dx * dx + dy * dy, 1e-12), 0, 1
            )
            nearest = np.minimum(nearest, np.hypot(px[:, None] - ax - t * dx, py[:, None] - ay - t * dy).min(axis=1))
        assert nearest.max() <= layers.TRACK_TOLERANCE_M + 1.0
    # the timeline: one row per warden, each duty span's tip names its warden and its local clock times
    figure = answer["day-timeline"]["figure"]
    assert figure["layout"]["yaxis"]["ticktext"] == ["GW-A", "GW-B", "GW-C"]
    duty = next(trace for trace in figure["data"] if trace["name"] == "in dienst")
    assert [row[2] for row in duty["customdata"]] == ["GW-A", "GW-B", "GW-C"]
    assert [figure["layout"]["yaxis"]["ticktext"][y] for y in duty["y"]] == ["GW-A", "GW-B", "GW-C"]
    assert [row[0] for row in duty["customdata"]] == [rows[w]["from"] for w in ("GW-A", "GW-B", "GW-C")]


@pytest.mark.parametrize("day, wardens", [(DAY, 3), ("2026-10-07", 0)])
def test_the_timeline_is_a_figure_plotly_reads_back_unchanged(store, day, wardens):
    # The timeline's layout is written as a plain dict (plotly's validation was too slow for 100 wardens):
    # plotly itself is the judge that it is valid and already in plotly's own form, template included.
    import json

    import plotly.graph_objects as go
    from plotly.utils import PlotlyJSONEncoder

    def as_sent(fig: go.Figure) -> dict:  # as Dash sends a figure (plotly's encoder)
        return json.loads(json.dumps(fig.to_plotly_json(), cls=PlotlyJSONEncoder))

    body = callback_body(store["app"], "day-duty.rowData", {"day-date.date": day, "day-lang.data": "nl"})
    figure = store["client"].post("/_dash-update-component", json=body).get_json()["response"]["day-timeline"]["figure"]
    layout = figure["layout"]
    assert as_sent(go.Figure(figure))["layout"] == layout  # go.Figure validates: an unknown key raises
    assert layout["template"] == as_sent(go.Figure())["layout"]["template"]
    assert len(layout["yaxis"]["ticktext"]) == wardens
    assert ("annotations" in layout) == (wardens == 0)
