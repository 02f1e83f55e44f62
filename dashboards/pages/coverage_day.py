"""Dagoverzicht: where each warden was on one day — duty, distance, the track on the map and a timeline.

Individual tracks: shown only when dashboards.access.can_see_individual_tracks() allows it (the
coordinator, once roles exist). `?date=2026-10-29&lang=en` reopens the same day.
"""

from __future__ import annotations

from datetime import date, timedelta

import dash
import dash_ag_grid as dag
import numpy as np
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
# the bar's clock times and minutes in a timeline tip (its customdata)
TIP_START, TIP_END, TIP_MINUTES = "%{customdata[0]}", "%{customdata[1]}", "%{customdata[2]}"
EPOCH = pd.Timestamp("1970-01-01")
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


def _local_clocks(values) -> list[str]:
    """_local_clock of a whole column at once (a page of 100 wardens has thousands of bars)."""
    if len(values) == 0:
        return []
    return list(pd.to_datetime(pd.Series(values), utc=True).dt.tz_convert(LOCAL_TZ.key).dt.strftime("%H:%M"))


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
        minutes = coverage_days.day_minutes(con, day)
        bars = coverage_days.day_timeline(con, day, minutes)
        hotspots = layers.hotspot_outlines_geojson(con)
    colours = coverage_map.warden_colours(set(duty["holder"]) | set(minutes["holder"].unique()))
    visits = bars[bars["kind"] == "visit"] if not bars.empty else bars
    where_by_holder: dict[str, list[str]] = {}
    for holder, hotspot, spent in zip(visits.get("holder", []), visits.get("hotspot", []), visits.get("minutes", [])):
        where_by_holder.setdefault(holder, []).append(f"{hotspot} {fmt_int(spent)} min")
    rows = []
    for r, first, last in zip(duty.itertuples(), _local_clocks(duty["first_fix"]), _local_clocks(duty["last_fix"])):
        where = ", ".join(where_by_holder.get(r.holder, []))
        rows.append(
            {
                "holder": r.holder,
                "from": first,
                "to": last,
                "hours": t(
                    "day.hours", lang, hours=int(r.duty_minutes // 60), minutes=f"{int(r.duty_minutes % 60):02d}"
                ),
                "km": fmt_float(r.distance_km),
                "hotspots": int(r.hotspots_visited),
                "minutes": int(round(r.hotspot_minutes)),
                "where": where or "–",
            }
        )
    tracks_data = layers.minutes_tracks_geojson(minutes, colours)
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


def _plain(text) -> str:
    """A name as literal text in a plotly hover template (which reads %{...} and <extra>)."""
    return str(text).replace("%{", "%\u200b{").replace("<", "&lt;")


def _timeline(bars: pd.DataFrame, duty: pd.DataFrame, colours: dict, day: date, lang: str) -> dict:
    """One row per warden: the duty span as a thin bar, visits in the warden's colour, standing still and
    no signal in grey and sand. Local times on the axis. A figure as plotly's dict: the bar traces are
    built as plain dicts, since plotly's validation of thousands of bars cost more than the queries."""
    traces = []
    holders = sorted(duty["holder"]) if not duty.empty else []
    # rows by number, labelled by tick text: thousands of bars repeat no warden's code
    extra = sorted(set(bars["holder"]) - set(holders)) if not bars.empty else []
    row_of = {holder: number for number, holder in enumerate(holders + extra)}

    def local(series):
        return pd.to_datetime(series, utc=True).dt.tz_convert(LOCAL_TZ.key).dt.tz_localize(None)

    def with_local_ms(frame: pd.DataFrame) -> pd.DataFrame:
        """`start_ms`/`end_ms`: local clock time as milliseconds since 1970, converted once for all of a
        frame's bars (a conversion per trace cost more than the rest of the figure)."""
        if frame.empty:
            return frame
        return frame.assign(
            start_ms=((local(frame["start"]) - EPOCH) // pd.Timedelta(milliseconds=1)).to_numpy(),
            end_ms=((local(frame["end"]) - EPOCH) // pd.Timedelta(milliseconds=1)).to_numpy(),
        )

    def add(frame: pd.DataFrame, name: str, colour, width: float, hover: str, legend: bool = True):
        """One trace of bars. Compact for 100 wardens' thousands of bars: the starts as milliseconds
        and lengths as whole milliseconds, the rows by number, the tip one template with only the clock
        times and minutes per bar."""
        if frame.empty:
            return
        start, end = frame["start_ms"].to_numpy(), frame["end_ms"].to_numpy()
        # the third value: the minutes of a bar, the warden of a duty span (whose tip names the warden)
        third = _minutes_texts(frame["minutes"]) if "minutes" in frame else frame["holder"]
        traces.append(
            dict(
                type="bar",
                y=frame["holder"].map(row_of).tolist(),
                base=start.tolist(),
                x=(end - start).tolist(),
                orientation="h",
                marker={"color": colour},
                width=width,
                name=name,
                showlegend=legend,
                legendgroup=name,
                customdata=list(zip(_clock_texts(start), _clock_texts(end), third)),
                hovertemplate=hover + "<extra></extra>",
            )
        )

    bars = with_local_ms(bars)
    if not duty.empty:
        add(
            with_local_ms(duty.rename(columns={"first_fix": "start", "last_fix": "end"})),
            t("day.kind.duty", lang),
            "#d5dce4",
            0.8,
            t("day.tip.duty", lang, holder=TIP_MINUTES, start=TIP_START, end=TIP_END),
        )
    for kind in ("still", "gap"):
        part = bars[bars["kind"] == kind] if not bars.empty else bars
        add(
            part,
            t(f"day.kind.{kind}", lang),
            KIND_COLOURS[kind],
            0.5,
            t("day.tip.bar", lang, what=t(f"day.kind.{kind}", lang), start=TIP_START, end=TIP_END, minutes=TIP_MINUTES),
        )
    visits = bars[bars["kind"] == "visit"] if not bars.empty else bars
    # one trace per hot spot (its name once, in the tip's template), each bar in its warden's colour;
    # one legend entry for all of them
    for number, (hotspot, part) in enumerate(visits.groupby("hotspot", sort=True) if not visits.empty else []):
        add(
            part,
            t("day.kind.visits", lang),
            [colours.get(h, "#1f5f8b") for h in part["holder"]],
            0.5,
            t("day.tip.bar", lang, what=_plain(hotspot), start=TIP_START, end=TIP_END, minutes=TIP_MINUTES),
            legend=number == 0,
        )
    first = pd.Timestamp(day.isoformat() + " 06:00")
    last = pd.Timestamp(day.isoformat() + " 20:00")
    if not duty.empty:
        first = min(first, local(duty["first_fix"]).min().floor("h"))
        last = max(last, local(duty["last_fix"]).max().ceil("h"))
    # the layout as the plain dict plotly makes of it (with its default template), built without plotly's
    # validation, which took as long as the day's queries; tests/browser/test_day_overview_response.py checks
    # that plotly reads it back unchanged
    layout = {
        "template": _default_template(),
        "barmode": "overlay",
        "height": 140 + 70 * max(len(holders), 1),
        "margin": {"l": 90, "r": 16, "t": 8, "b": 40},
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 15, "color": "#1d2733"},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "separators": ",.",
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0},
        "xaxis": {
            "type": "date",
            "range": [first, last],
            "tickformat": "%H:%M",
            "gridcolor": "#e3e8ee",
            "dtick": 3600 * 1000,
        },
        "yaxis": {
            "tickmode": "array",
            "tickvals": list(row_of.values()),
            "ticktext": list(row_of),
            "range": [len(row_of) - 0.5, -0.5],
            "zeroline": False,
            "showgrid": False,
        },
    }
    if not holders:
        layout["annotations"] = [
            {
                "font": {"color": "#4a5868", "size": 16},
                "showarrow": False,
                "text": t("day.none", lang),
                "x": 0.5,
                "xref": "paper",
                "y": 0.5,
                "yref": "paper",
            }
        ]
    return {"data": traces, "layout": layout}


_CLOCK = np.array([f"{hour:02d}:{minute:02d}" for hour in range(24) for minute in range(60)], dtype=object)


def _clock_texts(local_ms: np.ndarray) -> list[str]:
    """'HH:MM' of local clock times given as milliseconds since 1970 (strftime of each bar was slower)."""
    return _CLOCK[(local_ms // 60_000) % 1440].tolist()


def _minutes_texts(minutes: pd.Series) -> list[str]:
    """fmt_int of each bar's minutes; a day's thousands of bars have a few hundred different values."""
    texts: dict = {}
    return [texts[m] if m in texts else texts.setdefault(m, fmt_int(m)) for m in minutes]


_TEMPLATE: list = []


def _default_template() -> dict:
    """plotly's default template as a figure's JSON carries it, made once; shared by every figure, so
    nothing may change it (Dash only serialises it)."""
    if not _TEMPLATE:
        _TEMPLATE.append(go.Figure().to_plotly_json()["layout"]["template"])
    return _TEMPLATE[0]
