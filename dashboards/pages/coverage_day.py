"""Dagoverzicht: where each warden was on one day — duty, distance, the track on the map and a timeline.

Individual tracks: shown only when dashboards.access.can_see_individual_tracks() allows it (the
coordinator, once roles exist). `?date=2026-10-29&lang=en` reopens the same day.
"""

from __future__ import annotations

from datetime import date, timedelta

import dash
import dash_ag_grid as dag
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from analytics.coverage import days as coverage_days
from analytics.coverage import layers
from analytics.layers import base_geography
from analytics.periods import LOCAL_TZ, Period
from civ.errors import UnusableInput
from dashboards import access, branding, connection
from dashboards.components import coverage_freshness, coverage_map, frame
from dashboards.i18n import fmt_float, fmt_int, grid_locale, lang_of, t

dash.register_page(
    __name__, path="/coverage/day", name="Dagoverzicht", title=branding.page_title("Dagoverzicht"), order=6
)

KIND_COLOURS = {"still": "#9aa5b1", "gap": "#f3d9a4"}
NUMBER = {
    "type": "rightAligned",
    "valueFormatter": {"function": "params.value == null ? '–' : params.value.toLocaleString('nl-BE')"},
}


def _header(lang: str) -> html.Header:
    return html.Header(
        [html.H1(t("day.title", lang)), html.P(t("day.lead", lang), className="lead")], className="page-header"
    )


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def layout(date: str | None = None, lang: str | None = None, **_query) -> html.Div:
    lang = lang_of(lang)
    # Always the whole page, so that its callbacks find their components; without access, data or
    # store a notice says why and the content stays hidden (its callbacks return nothing either).
    allowed = access.can_see_individual_tracks()
    known, notices = [], []
    base = coverage_map.NO_BASE
    freshness = (
        coverage_freshness.status("day", lang) if allowed else coverage_freshness.status("day", lang, check=False)
    )
    if not allowed:
        notices.append(html.P(t("access.tracks", lang), className="notice", id="day-no-access"))
    else:
        try:
            with connection.reader() as con:
                known = coverage_days.days_with_fixes(con)
                base = base_geography(con)
        except UnusableInput as error:
            notices.append(frame.store_problem(error, lang))
        if not known and not notices:
            notices.append(html.P(t("cov.no_fixes", lang), className="notice", id="day-empty"))
    from datetime import date as calendar_date

    chosen = _day(date) or (known[0] if known else calendar_date.today())
    hidden = not allowed
    return html.Div(
        [
            _header(lang),
            dcc.Location(id="day-url", refresh=False),
            dcc.Store(id="day-lang", data=lang),
            *freshness,
            *notices,
            html.Div(
                [
                    html.Section(
                        [
                            html.Div(
                                [
                                    html.Span(t("day.pick", lang), className="filter-label"),
                                    dcc.DatePickerSingle(
                                        id="day-date",
                                        date=chosen.isoformat(),
                                        display_format="DD/MM/YYYY",
                                        first_day_of_week=1,
                                        min_date_allowed=known[-1].isoformat() if known else None,
                                        max_date_allowed=known[0].isoformat() if known else None,
                                        clearable=False,
                                        show_outside_days=True,
                                    ),
                                ],
                                className="filter-control",
                            ),
                            html.Div(
                                [
                                    html.Button(
                                        "◀ " + t("day.previous", lang),
                                        id="day-previous",
                                        n_clicks=0,
                                        className="button",
                                    ),
                                    html.Button(
                                        t("day.next", lang) + " ▶", id="day-next", n_clicks=0, className="button"
                                    ),
                                ],
                                className="day-steps",
                            ),
                            html.P(id="day-caption", className="caption day-caption"),
                        ],
                        className="panel day-filters",
                    ),
                    html.Section(
                        [
                            html.H2(t("day.duty.title", lang)),
                            dag.AgGrid(
                                id="day-duty",
                                rowData=[],
                                columnDefs=_duty_columns(lang),
                                defaultColDef={"resizable": True, "wrapHeaderText": True, "autoHeaderHeight": True},
                                dashGridOptions={
                                    "localeText": grid_locale(lang),
                                    "domLayout": "autoHeight",
                                    "suppressCellFocus": True,
                                },
                                style={"width": "100%"},
                                className="grid",
                            ),
                        ],
                        className="panel",
                    ),
                    html.Section(
                        [
                            html.H2(t("day.timeline.title", lang)),
                            dcc.Graph(
                                id="day-timeline",
                                config={"displaylogo": False, "locale": "nl" if lang == "nl" else "en"},
                            ),
                        ],
                        className="panel",
                    ),
                    html.Section(
                        [
                            html.H2(t("day.map.title", lang)),
                            coverage_map.base_map(
                                "day-map",
                                lang=lang,
                                **base,
                                layers=[
                                    coverage_map.pane("cov-outline", 420, [coverage_map.outline_layer("day-hotspots")]),
                                    coverage_map.pane("cov-tracks", 440, [coverage_map.track_layer("day-tracks")]),
                                ],
                            ),
                            html.Div(id="day-legend"),
                        ],
                        className="panel",
                    ),
                ],
                hidden=hidden,
            ),
        ],
        id="day-page",
    )


coverage_freshness.register("day")


def _duty_columns(lang: str) -> list[dict]:
    return [
        {"field": "holder", "headerName": t("day.col.warden", lang), "width": 120, "cellClass": "label-cell"},
        {"field": "from", "headerName": t("day.col.from", lang), "width": 90},
        {"field": "to", "headerName": t("day.col.to", lang), "width": 90},
        {"field": "hours", "headerName": t("day.col.hours", lang), "width": 110, "type": "rightAligned"},
        {"field": "km", "headerName": t("day.col.km", lang), "width": 115, "type": "rightAligned"},
        {"field": "hotspots", "headerName": t("day.col.hotspots", lang), "width": 115, **NUMBER},
        {"field": "minutes", "headerName": t("day.col.minutes", lang), "width": 125, **NUMBER},
        {
            "field": "where",
            "headerName": t("day.col.where", lang),
            "flex": 1,
            "minWidth": 260,
            "wrapText": True,
            "autoHeight": True,
        },
    ]


@callback(
    Output("day-date", "date"),
    Input("day-previous", "n_clicks"),
    Input("day-next", "n_clicks"),
    State("day-date", "date"),
    prevent_initial_call=True,
)
def _step(_previous, _next, current):
    day = _day(current)
    if day is None:
        return dash.no_update
    return (day + timedelta(days=1 if dash.ctx.triggered_id == "day-next" else -1)).isoformat()


@callback(Output("day-url", "search"), Input("day-date", "date"), State("day-lang", "data"), prevent_initial_call=True)
def _remember(day, lang):
    return frame.href("", lang, date=day)


def _local_clock(value) -> str:
    return pd.Timestamp(value).tz_convert(LOCAL_TZ.key).strftime("%H:%M")


@callback(
    Output("day-duty", "rowData"),
    Output("day-timeline", "figure"),
    Output("day-tracks", "data"),
    Output("day-hotspots", "data"),
    Output("day-legend", "children"),
    Output("day-caption", "children"),
    Input("day-date", "date"),
    Input("day-version", "data"),
    State("day-lang", "data"),
)
def _day_view(day_text, _version, lang):
    day = _day(day_text)
    if day is None or not access.can_see_individual_tracks():
        raise PreventUpdate
    access.audit("track_view", f"dagoverzicht {day.isoformat()}")
    period = Period.between(day, day)
    with connection.reader() as con:
        duty = coverage_days.duty_days(con, period)
        bars = coverage_days.day_timeline(con, day)
        tracks = coverage_days.day_tracks(con, day)
        hotspots = layers.hotspot_outlines_geojson(con)
    colours = coverage_map.warden_colours(set(duty["holder"]) | set(tracks))
    visits = bars[bars["kind"] == "visit"] if not bars.empty else bars
    rows = []
    for r in duty.itertuples():
        mine = visits[visits["holder"] == r.holder] if not visits.empty else visits
        where = ", ".join(f"{v.hotspot} {fmt_int(v.minutes)} min" for v in mine.itertuples())
        rows.append(
            {
                "holder": r.holder,
                "from": _local_clock(r.first_fix),
                "to": _local_clock(r.last_fix),
                "hours": t(
                    "day.hours", lang, hours=int(r.duty_minutes // 60), minutes=f"{int(r.duty_minutes % 60):02d}"
                ),
                "km": fmt_float(r.distance_km),
                "hotspots": int(r.hotspots_visited),
                "minutes": int(round(r.hotspot_minutes)),
                "where": where or "–",
            }
        )
    tracks_data = layers.tracks_geojson(tracks, colours)
    for feature in tracks_data["features"]:
        feature["properties"]["tip"] = feature["properties"]["holder"]
    legend = coverage_map.legend(t("day.legend", lang), [(colours[h], h) for h in sorted(colours)])
    caption = t(
        "day.caption",
        lang,
        day=day.strftime("%d/%m/%Y"),
        weekday=t(f"weekday.{day.weekday()}", lang),
        count=fmt_int(len(duty)),
    )
    return rows, _timeline(bars, duty, colours, day, lang), tracks_data, hotspots, legend, caption


def _timeline(bars: pd.DataFrame, duty: pd.DataFrame, colours: dict, day: date, lang: str) -> go.Figure:
    """One row per warden: the duty span as a thin bar, visits in the warden's colour, standing still and
    no signal in grey and sand. Local times on the axis."""
    fig = go.Figure()
    holders = sorted(duty["holder"]) if not duty.empty else []

    def local(series):
        return pd.to_datetime(series, utc=True).dt.tz_convert(LOCAL_TZ.key).dt.tz_localize(None)

    def add(frame: pd.DataFrame, name: str, colour: str, width: float, text: list[str], legend: bool = True):
        if frame.empty:
            return
        start, end = local(frame["start"]), local(frame["end"])
        fig.add_trace(
            go.Bar(
                y=frame["holder"],
                base=start,
                x=(end - start).dt.total_seconds() * 1000,
                orientation="h",
                marker_color=colour,
                width=width,
                name=name,
                showlegend=legend,
                text=None,
                customdata=text,
                hovertemplate="%{customdata}<extra></extra>",
            )
        )

    if not duty.empty:
        spans = duty.rename(columns={"first_fix": "start", "last_fix": "end"})
        add(
            spans,
            t("day.kind.duty", lang),
            "#d5dce4",
            0.8,
            [
                t("day.tip.duty", lang, holder=h, start=_local_clock(a), end=_local_clock(b))
                for h, a, b in zip(spans["holder"], spans["start"], spans["end"])
            ],
        )
    for kind in ("still", "gap"):
        part = bars[bars["kind"] == kind] if not bars.empty else bars
        add(
            part,
            t(f"day.kind.{kind}", lang),
            KIND_COLOURS[kind],
            0.5,
            [
                t(
                    "day.tip.bar",
                    lang,
                    what=t(f"day.kind.{kind}", lang),
                    start=_local_clock(a),
                    end=_local_clock(b),
                    minutes=fmt_int(m),
                )
                for a, b, m in zip(part.get("start", []), part.get("end", []), part.get("minutes", []))
            ],
        )
    visits = bars[bars["kind"] == "visit"] if not bars.empty else bars
    if not visits.empty:  # one trace, each bar in its warden's colour
        start, end = local(visits["start"]), local(visits["end"])
        fig.add_trace(
            go.Bar(
                y=visits["holder"],
                base=start,
                x=(end - start).dt.total_seconds() * 1000,
                orientation="h",
                width=0.5,
                marker_color=[colours.get(h, "#1f5f8b") for h in visits["holder"]],
                name=t("day.kind.visits", lang),
                customdata=[
                    t("day.tip.bar", lang, what=name, start=_local_clock(a), end=_local_clock(b), minutes=fmt_int(m))
                    for name, a, b, m in zip(visits["hotspot"], visits["start"], visits["end"], visits["minutes"])
                ],
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    first = pd.Timestamp(day.isoformat() + " 06:00")
    last = pd.Timestamp(day.isoformat() + " 20:00")
    if not duty.empty:
        first = min(first, local(duty["first_fix"]).min().floor("h"))
        last = max(last, local(duty["last_fix"]).max().ceil("h"))
    fig.update_layout(
        barmode="overlay",
        height=140 + 70 * max(len(holders), 1),
        margin=dict(l=90, r=16, t=8, b=40),
        font=dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size=15, color="#1d2733"),
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        separators=",.",
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0),
        xaxis=dict(type="date", range=[first, last], tickformat="%H:%M", gridcolor="#e3e8ee", dtick=3600 * 1000),
        yaxis=dict(categoryorder="array", categoryarray=list(reversed(holders)), title=None),
    )
    if not holders:
        fig.add_annotation(
            text=t("day.none", lang),
            showarrow=False,
            xref="paper",
            yref="paper",
            x=0.5,
            y=0.5,
            font=dict(size=16, color="#4a5868"),
        )
    return fig
