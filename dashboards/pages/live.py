"""Live: the last known position of every tracker with its age and battery, refreshed every 5 seconds (positions
pushed from phones, civ/live_journal.py, included before they are flushed into the store); click a report
or a point on the map and see who is nearest ("who is near this problem?").

A position older than analytics.coverage.live.STALE_MINUTES is drawn as stale (grey, dashed) and
listed after the current ones, never as current. `?at=2026-10-30T15:00Z` shows what was known at
that moment (a replay); the demo's data end in the past, so the page offers that moment.
Individual positions: only when dashboards.access.can_see_individual_tracks() allows it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import dash
import dash_ag_grid as dag
import pandas as pd
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from analytics.coverage import layers, live
from analytics.layers import base_geography
from civ.errors import UnusableInput
from civ.live_journal import pending_entries
from dashboards import access, branding, connection
from dashboards.components import coverage_map, frame
from dashboards.i18n import fmt_datetime, fmt_float, fmt_int, grid_locale, lang_of, t

dash.register_page(__name__, path="/live", name="Live", title=branding.page_title("Live"), order=7)

REFRESH_MS = 5_000  # a pushed position is on the map within 10 s of arriving
REPORT_DAYS = 7
NEAR_M = 500
SHOWN_ID_CHARS = 16


def _header(lang: str) -> html.Header:
    return html.Header(
        [html.H1(t("live.title", lang)), html.P(t("live.lead", lang), className="lead")], className="page-header"
    )


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        stamp = pd.Timestamp(str(value).strip())
    except ValueError:
        return None
    return (stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")).to_pydatetime()


def _coordinate(value) -> float | None:
    try:
        number = float(str(value).replace(",", "."))
    except (TypeError, ValueError):
        return None
    return number if number == number else None


def layout(
    at: str | None = None, lat: str | None = None, lon: str | None = None, lang: str | None = None, **_query
) -> html.Div:
    lang = lang_of(lang)
    # Always the whole page, so that its callbacks find their components; without access or store a
    # notice says why and the content stays hidden (its callbacks return nothing either).
    allowed = access.can_see_individual_tracks()
    latest, notices = None, []
    base = coverage_map.NO_BASE
    outlines = coverage_map.EMPTY
    if not allowed:
        notices.append(html.P(t("access.tracks", lang), className="notice", id="live-no-access"))
    else:
        try:
            with connection.reader() as con:
                latest = live.latest_fix(con)
                base = base_geography(con)
                outlines = layers.hotspot_outlines_geojson(con)
        except UnusableInput as error:
            notices.append(frame.store_problem(error, lang))
    moment = _moment(at)
    place = [_coordinate(lat), _coordinate(lon)]
    replay = []
    if latest is not None and moment is None:
        replay = [
            html.P(
                [
                    t("live.replay_offer", lang, when=fmt_datetime(latest)),
                    " ",
                    dcc.Link(
                        t("live.replay_link", lang),
                        href=frame.href("/live", lang, at=pd.Timestamp(latest).strftime("%Y-%m-%dT%H:%M:%SZ")),
                        id="live-replay-link",
                    ),
                ],
                className="caption",
                id="live-replay",
            )
        ]
    elif moment is not None:
        replay = [
            html.P(
                [
                    t("live.replaying", lang, when=fmt_datetime(moment)),
                    " ",
                    dcc.Link(t("live.now_link", lang), href=frame.href("/live", lang), id="live-now-link"),
                ],
                className="notice",
                id="live-replay",
            )
        ]
    return html.Div(
        [
            _header(lang),
            dcc.Store(id="live-lang", data=lang),
            dcc.Store(id="live-at", data=moment.isoformat() if moment else None),
            dcc.Store(id="live-place", data=place if None not in place else None),
            dcc.Location(id="live-url", refresh=False),
            dcc.Interval(id="live-tick", interval=REFRESH_MS, disabled=not allowed),
            *notices,
            *replay,
            html.Div(
                [
                    html.Section(
                        [
                            html.Div(
                                [
                                    html.H2(t("live.map.title", lang)),
                                    html.Span(id="live-clock", className="live-clock"),
                                ],
                                className="panel-head",
                            ),
                            coverage_map.base_map(
                                "live-map",
                                lang=lang,
                                **base,
                                height="620px",
                                layers=[
                                    coverage_map.pane(
                                        "cov-outline", 420, [coverage_map.outline_layer("live-hotspots", outlines)]
                                    ),
                                    coverage_map.pane(
                                        "cov-reports", 600, [coverage_map.point_layer("live-reports", kind="report")]
                                    ),
                                    coverage_map.pane(
                                        "cov-place", 640, [coverage_map.point_layer("live-place-layer", kind="place")]
                                    ),
                                    coverage_map.pane(
                                        "cov-positions",
                                        660,
                                        [coverage_map.point_layer("live-positions", kind="position")],
                                    ),
                                ],
                            ),
                            html.Div(id="live-legend"),
                        ],
                        className="panel live-map-panel",
                    ),
                    html.Aside(
                        [
                            html.H2(t("live.near.title", lang)),
                            html.P(t("live.near.hint", lang), className="muted", id="live-near-caption"),
                            dag.AgGrid(
                                id="live-near",
                                rowData=[],
                                columnDefs=_columns(lang),
                                defaultColDef={"resizable": True},
                                dashGridOptions={
                                    "localeText": grid_locale(lang),
                                    "domLayout": "autoHeight",
                                    "suppressCellFocus": True,
                                },
                                getRowStyle={
                                    "styleConditions": [
                                        {
                                            "condition": "params.data.stale",
                                            "style": {"color": "#5f6b78", "fontStyle": "italic"},
                                        }
                                    ]
                                },
                                style={"width": "100%"},
                                className="grid",
                            ),
                        ],
                        className="panel live-side",
                    ),
                ],
                className="live-columns",
                hidden=not allowed,
            ),
        ],
        id="live-page",
    )


def _columns(lang: str) -> list[dict]:
    return [
        {"field": "rank", "headerName": "#", "width": 52, "type": "rightAligned"},
        {"field": "holder", "headerName": t("live.col.warden", lang), "width": 175, "cellClass": "label-cell"},
        {"field": "distance", "headerName": t("live.col.distance", lang), "width": 100, "type": "rightAligned"},
        {"field": "battery", "headerName": t("live.col.battery", lang), "width": 95, "type": "rightAligned"},
        {
            "field": "age",
            "headerName": t("live.col.age", lang),
            "flex": 1,
            "minWidth": 150,
            "wrapText": True,
            "autoHeight": True,
            "tooltipField": "when",
            "cellClassRules": {"live-stale": "params.data.stale", "live-current": "!params.data.stale"},
        },
    ]


def age_text(minutes: float, lang: str) -> str:
    """'2 min', '3 u 05 min', '27 dagen' — how old a position is, in words the coordinator reads at a glance."""
    if minutes < 1:
        return t("live.age.now", lang)
    if minutes < 60:
        return t("live.age.minutes", lang, n=fmt_int(minutes))
    if minutes < 48 * 60:
        return t("live.age.hours", lang, h=int(minutes // 60), m=f"{int(minutes % 60):02d}")
    return t("live.age.days", lang, n=fmt_int(minutes // (24 * 60)))


def battery_text(percent) -> str:
    """'58 %' — the level the phone last reported; '–' when it never said."""
    return "–" if percent is None or percent != percent else f"{fmt_int(percent)} %"


def _tracker(holder: str, device: str) -> str:
    """'GW-B · TRK-103' — a warden may have had two trackers; a tracker without warden is its own name.
    A long device id is a phone's secret for pushing positions (etl/live.py): only its end is shown."""
    shown = device if len(device) <= SHOWN_ID_CHARS else "…" + device[-4:]
    return shown if holder == device else f"{holder} · {shown}"


def _distance(metres: float) -> str:
    return f"{fmt_int(metres)} m" if metres < 1000 else f"{fmt_float(metres / 1000)} km"


@callback(
    Output("live-place", "data"),
    Input("live-map", "clickData"),
    Input("live-reports", "clickData"),
    prevent_initial_call=True,
)
def _pick(map_click, report_click):
    """A click on a report takes the report's place; a click elsewhere on the map takes that point."""
    if dash.ctx.triggered_id == "live-reports" and report_click:
        lon, lat = report_click["geometry"]["coordinates"][:2]
        return [lat, lon]
    latlng = (map_click or {}).get("latlng")
    if isinstance(latlng, dict):
        return [latlng["lat"], latlng["lng"]]
    if isinstance(latlng, (list, tuple)) and len(latlng) == 2:
        return list(latlng)
    return dash.no_update


@callback(
    Output("live-url", "search"),
    Input("live-place", "data"),
    State("live-at", "data"),
    State("live-lang", "data"),
    prevent_initial_call=True,
)
def _remember(place, at, lang):
    lat, lon = (round(place[0], 6), round(place[1], 6)) if place else (None, None)
    at_text = pd.Timestamp(at).strftime("%Y-%m-%dT%H:%M:%SZ") if at else None
    return frame.href("", lang, at=at_text, lat=lat, lon=lon)


@callback(
    Output("live-positions", "data"),
    Output("live-near", "rowData"),
    Output("live-near-caption", "children"),
    Output("live-clock", "children"),
    Output("live-place-layer", "data"),
    Output("live-reports", "data"),
    Output("live-legend", "children"),
    Input("live-tick", "n_intervals"),
    Input("live-place", "data"),
    State("live-at", "data"),
    State("live-lang", "data"),
)
def _positions(_tick, place, at, lang):
    if not access.can_see_individual_tracks():
        raise PreventUpdate
    moment = _moment(at) or datetime.now(timezone.utc)
    with connection.reader() as con:
        pending = pending_entries(connection.db_path(), con)
        if place:
            found = live.nearest_trackers(con, place[0], place[1], at=moment, pending=pending)
        else:
            found = live.last_positions(con, at=moment, pending=pending)
        reports = layers.recent_reports(con, moment - timedelta(days=REPORT_DAYS), moment)
    colours = coverage_map.warden_colours(found["holder"]) if not found.empty else {}
    ages = [age_text(m, lang) for m in found["age_minutes"]] if not found.empty else []
    data = layers.positions_geojson(found, ages)
    leaders = live.label_groups(found) if not found.empty else []
    names = [_tracker(r.holder, r.device_id) for r in found.itertuples()]
    for i, feature in enumerate(data["features"]):
        p = feature["properties"]
        p["colour"] = colours.get(p["holder"])
        group = [j for j, leader in enumerate(leaders) if leader == i]
        if leaders[i] != i:
            continue  # drawn under another tracker's label
        if len(group) > 1:
            current = [names[j] for j in group if not data["features"][j]["properties"]["stale"]]
            stale = [names[j] for j in group if data["features"][j]["properties"]["stale"]]
            if current:
                p["label"] = t("live.label.group", lang, holders=", ".join(current)) + (
                    " " + t("live.label.more_stale", lang, count=len(stale)) if stale else ""
                )
            else:
                p["label"] = t("live.label.several", lang, count=len(stale))
            p["stale"] = not current
        else:
            p["label"] = (
                t("live.label.stale", lang, holder=names[i], age=p["age"])
                if p["stale"]
                else t("live.label", lang, holder=names[i], age=p["age"])
            )
    # the nearest and current ones are drawn last, on top of older positions at the same place
    data["features"] = sorted(data["features"], key=lambda f: (not f["properties"]["stale"], -f["properties"]["rank"]))
    rows = [
        {
            "rank": i + 1 if place else None,
            "holder": names[i],
            "distance": _distance(r.distance_m) if place else "–",
            "battery": battery_text(r.battery_pct),
            "age": (
                t("live.col.age_stale", lang, when=fmt_datetime(r.ts), age=ages[i])
                if r.is_stale
                else t("live.col.age_value", lang, when=fmt_datetime(r.ts), age=ages[i])
            ),
            "when": fmt_datetime(r.ts),
            "stale": bool(r.is_stale),
        }
        for i, r in enumerate(found.itertuples())
    ]
    if place:
        current = found[~found["is_stale"]] if not found.empty else found
        near = int(live.in_reach(found, NEAR_M).sum()) if not found.empty else 0
        caption = (
            t("live.near.caption", lang, count=fmt_int(near), radius=fmt_int(NEAR_M))
            if len(current)
            else t("live.near.all_stale", lang)
        )
        place_layer = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [place[1], place[0]]},
                    "properties": {"tip": t("live.place", lang)},
                }
            ],
        }
    else:
        caption = t("live.near.hint", lang)
        place_layer = coverage_map.EMPTY
    report_data = layers.report_points_geojson(reports)
    for feature, label in zip(
        report_data["features"], reports["category_label_en" if lang == "en" else "category_label"]
    ):
        feature["properties"]["tip"] = t(
            "live.report_tip",
            lang,
            category=label,
            when=fmt_datetime(pd.Timestamp(feature["properties"]["t"], unit="ms", tz="UTC")),
        )
    clock = t("live.clock", lang, when=fmt_datetime(moment))
    legend = coverage_map.legend(
        t("live.legend", lang),
        [(colours[h], h) for h in sorted(colours)],
        extra=[
            html.Span(
                [
                    html.I(className="legend-swatch legend-stale"),
                    t("live.stale_legend", lang, minutes=fmt_int(live.STALE_MINUTES)),
                ],
                className="legend-item",
            ),
            html.Span(
                [
                    html.I(className="legend-swatch", style={"background": "#f2b233", "borderRadius": "50%"}),
                    t("live.report_legend", lang, days=REPORT_DAYS),
                ],
                className="legend-item",
            ),
        ],
    )
    return data, rows, caption, clock, place_layer, report_data, legend
