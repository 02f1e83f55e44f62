"""Overzichtslijst: for a complaint about a place — every passage of a warden's tracker within a radius
in a period (warden, start, end, minutes) and every report made there; CSV and a printable view.

The place: a click on the map, a defined hot spot, or latitude and longitude typed in. The view is
in the URL (`?lat=50.9114&lon=4.2035&radius=100&start=2026-10-19&end=2026-10-25`), `&print=1` gives
the printable version. Passages are individual whereabouts: dashboards.access decides who sees them.
"""

from __future__ import annotations

from datetime import date, timedelta

import dash
import dash_ag_grid as dag
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from analytics.coverage import days as coverage_days
from analytics.coverage import footprint, layers, overview
from analytics.layers import base_geography
from analytics.periods import LOCAL_TZ, Period
from civ.errors import UnusableInput
from dashboards import access, branding, connection
from dashboards.components import coverage_map, export, frame
from dashboards.i18n import fmt_datetime, fmt_float, fmt_int, grid_locale, lang_of, t

dash.register_page(
    __name__, path="/overview", name="Overzichtslijst", title=branding.page_title("Overzichtslijst"), order=8
)

DEFAULT_RADIUS_M = 100
NUMBER = {
    "type": "rightAligned",
    "valueFormatter": {"function": "params.value == null ? '–' : params.value.toLocaleString('nl-BE')"},
}
INPUTS = [
    Input("overview-lat", "value"),
    Input("overview-lon", "value"),
    Input("overview-radius", "value"),
    Input("overview-dates", "start_date"),
    Input("overview-dates", "end_date"),
]


def _header(lang: str) -> html.Header:
    return html.Header(
        [html.H1(t("ov.title", lang)), html.P(t("ov.lead", lang), className="lead no-print")], className="page-header"
    )


def _number(value) -> float | None:
    try:
        number = float(str(value).replace(",", "."))
    except (TypeError, ValueError):
        return None
    return number if number == number else None


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def layout(
    lat: str | None = None,
    lon: str | None = None,
    radius: str | None = None,
    start: str | None = None,
    end: str | None = None,
    print: str | None = None,
    lang: str | None = None,
    **_query,
) -> html.Div:
    lang = lang_of(lang)
    printing = print in ("1", "true", "ja")
    # Always the whole page, so that its callbacks find their components; without access or store a
    # notice says why and the content stays hidden (its callbacks return nothing either).
    allowed = access.can_see_individual_tracks()
    known, spots, notices = [], [], []
    base = coverage_map.NO_BASE
    outlines = coverage_map.EMPTY
    if not allowed:
        notices.append(html.P(t("access.tracks", lang), className="notice", id="overview-no-access"))
    else:
        try:
            with connection.reader() as con:
                known = coverage_days.days_with_fixes(con, limit=1)
                spots = footprint.hotspots(con)
                base = base_geography(con)
                outlines = layers.hotspot_outlines_geojson(con)
        except UnusableInput as error:
            notices.append(frame.store_problem(error, lang))
    last = _date(end) or (known[0] if known else date.today())
    first = _date(start) or last - timedelta(days=6)
    return html.Div(
        [
            _header(lang),
            dcc.Location(id="overview-url", refresh=False),
            dcc.Store(id="overview-lang", data=lang),
            dcc.Store(id="overview-printing", data=printing),
            dcc.Store(id="overview-spots", data={s.hotspot_id: [s.lat, s.lon, s.radius_m] for s in spots}),
            *notices,
            html.Div(
                [
                    html.Div(_controls(lang, spots, lat, lon, radius, first, last), hidden=printing),
                    html.Div(
                        [
                            html.Button(
                                t("ov.print_now", lang), id="overview-print-now", n_clicks=0, className="button"
                            ),
                            dcc.Link(t("ov.back", lang), id="overview-back", href="#", className="button"),
                        ],
                        className="ov-actions no-print",
                        hidden=not printing,
                    ),
                    html.P(id="overview-summary", className="ov-summary"),
                    *_result_panels(lang, base, outlines, printing),
                ],
                hidden=not allowed,
            ),
        ],
        id="overview-page",
        className="print-view" if printing else "",
    )


def _controls(lang: str, spots: list, lat, lon, radius, first: date, last: date) -> html.Section:
    """The filter bar: a hot spot or a point, a radius, the days; export and print."""
    spot_options = [{"label": s.name, "value": s.hotspot_id} for s in spots]
    return html.Section(
        [
            html.Div(
                [
                    html.Span(t("ov.hotspot", lang), className="filter-label"),
                    dcc.Dropdown(id="overview-hotspot", options=spot_options, placeholder=t("ov.hotspot_pick", lang)),
                ],
                className="filter-control ov-hotspot",
            ),
            html.Div(
                [
                    html.Span(t("ov.lat", lang), className="filter-label"),
                    dcc.Input(
                        id="overview-lat",
                        type="number",
                        value=_number(lat),
                        step="any",
                        debounce=True,
                        placeholder="50,9114",
                        className="number-input",
                    ),
                ],
                className="filter-control",
            ),
            html.Div(
                [
                    html.Span(t("ov.lon", lang), className="filter-label"),
                    dcc.Input(
                        id="overview-lon",
                        type="number",
                        value=_number(lon),
                        step="any",
                        debounce=True,
                        placeholder="4,2035",
                        className="number-input",
                    ),
                ],
                className="filter-control",
            ),
            html.Div(
                [
                    html.Span(t("ov.radius", lang), className="filter-label"),
                    dcc.Input(
                        id="overview-radius",
                        type="number",
                        value=_number(radius) or DEFAULT_RADIUS_M,
                        min=5,
                        max=overview.MAX_RADIUS_M,
                        step=5,
                        debounce=True,
                        className="number-input",
                    ),
                ],
                className="filter-control",
            ),
            html.Div(
                [
                    html.Span(t("ov.period", lang), className="filter-label"),
                    dcc.DatePickerRange(
                        id="overview-dates",
                        start_date=first.isoformat(),
                        end_date=last.isoformat(),
                        display_format="DD/MM/YYYY",
                        first_day_of_week=1,
                        minimum_nights=0,
                        start_date_placeholder_text=t("ov.from", lang),
                        end_date_placeholder_text=t("ov.to", lang),
                    ),
                ],
                className="filter-control",
            ),
            html.Div(
                [
                    export.controls("overview", lang, t("ov.export", lang)),
                    dcc.Link(t("ov.print", lang), id="overview-print-link", href="#", className="button"),
                ],
                className="ov-actions",
            ),
        ],
        className="panel ov-filters no-print",
    )


def _grid(grid_id: str, columns: list[dict], lang: str, printing: bool) -> dag.AgGrid:
    return dag.AgGrid(
        id=grid_id,
        rowData=[],
        columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True},
        dashGridOptions={
            "localeText": grid_locale(lang),
            "domLayout": "print" if printing else "autoHeight",
            "suppressCellFocus": True,
            "enableCellTextSelection": True,
        },
        style={"width": "100%"},
        className="grid",
    )


def _result_panels(lang: str, base: dict, outlines: dict, printing: bool) -> list:
    """The map, the passages and the reports near the point (filled by the callbacks), and the method."""
    return [
        html.Div(
            [
                html.Section(
                    [
                        coverage_map.base_map(
                            "overview-map",
                            lang=lang,
                            **base,
                            height="460px",
                            layers=[
                                coverage_map.pane(
                                    "cov-outline", 420, [coverage_map.outline_layer("overview-hotspots", outlines)]
                                ),
                                coverage_map.pane(
                                    "cov-place", 600, [coverage_map.point_layer("overview-circle", kind="place")]
                                ),
                                coverage_map.pane(
                                    "cov-reports", 640, [coverage_map.point_layer("overview-reports", kind="report")]
                                ),
                            ],
                        ),
                        html.P(t("ov.map_hint", lang), className="caption no-print"),
                    ],
                    className="panel ov-map",
                ),
            ],
            className="" if not printing else "print-hidden-map",
        ),
        html.Section(
            [
                html.H2(t("ov.passages.title", lang)),
                html.P(id="overview-passages-note", className="caption"),
                _grid("overview-passages", _passage_columns(lang), lang, printing),
            ],
            className="panel",
        ),
        html.Section(
            [
                html.H2(t("ov.reports.title", lang)),
                html.P(id="overview-reports-note", className="caption"),
                *(
                    []
                    if access.can_see_reporter_data()
                    else [html.P(t("access.description", lang), className="muted", id="overview-no-description")]
                ),
                _grid("overview-reports-grid", _report_columns(lang), lang, printing),
            ],
            className="panel",
        ),
        html.P(t("ov.method", lang), className="method"),
    ]


def _passage_columns(lang: str) -> list[dict]:
    order = {"function": "(a, b, nodeA, nodeB) => nodeA.data.t - nodeB.data.t"}
    return [
        {"field": "holder", "headerName": t("ov.col.warden", lang), "width": 130, "cellClass": "label-cell"},
        {"field": "day", "headerName": t("ov.col.day", lang), "width": 150, "comparator": order},
        {"field": "start", "headerName": t("ov.col.start", lang), "width": 110},
        {"field": "end", "headerName": t("ov.col.end", lang), "width": 110},
        {"field": "minutes", "headerName": t("ov.col.minutes", lang), "width": 120, **NUMBER},
    ]


def _report_columns(lang: str) -> list[dict]:
    return [
        {
            "field": "when",
            "headerName": t("ov.col.when", lang),
            "width": 170,
            "comparator": {"function": "(a, b, nodeA, nodeB) => nodeA.data.t - nodeB.data.t"},
        },
        {"field": "category", "headerName": t("ov.col.category", lang), "flex": 1, "minWidth": 160},
        {"field": "channel", "headerName": t("ov.col.channel", lang), "width": 230},
        {"field": "status", "headerName": t("ov.col.status", lang), "width": 150},
        {"field": "distance", "headerName": t("ov.col.distance", lang), "width": 140, **NUMBER},
        {
            "field": "description",
            "headerName": t("ov.col.description", lang),
            "flex": 2,
            "minWidth": 220,
            "wrapText": True,
            "autoHeight": True,
            "hide": not access.can_see_reporter_data(),
        },
    ]


@callback(
    Output("overview-lat", "value"),
    Output("overview-lon", "value"),
    Output("overview-radius", "value"),
    Input("overview-map", "clickData"),
    Input("overview-hotspot", "value"),
    State("overview-spots", "data"),
    State("overview-radius", "value"),
    prevent_initial_call=True,
)
def _place(click, hotspot, spots, radius):
    """A click on the map or a chosen hot spot fills in the place (a hot spot also its radius)."""
    if dash.ctx.triggered_id == "overview-hotspot":
        if not hotspot or hotspot not in spots:
            return dash.no_update, dash.no_update, dash.no_update
        lat, lon, spot_radius = spots[hotspot]
        return round(lat, 6), round(lon, 6), int(round(spot_radius))
    latlng = (click or {}).get("latlng")
    if isinstance(latlng, dict):
        return round(latlng["lat"], 6), round(latlng["lng"], 6), dash.no_update
    if isinstance(latlng, (list, tuple)) and len(latlng) == 2:
        return round(latlng[0], 6), round(latlng[1], 6), dash.no_update
    return dash.no_update, dash.no_update, dash.no_update


def _query(lat, lon, radius, start, end, lang, **extra) -> str:
    return frame.href(
        "",
        lang,
        lat=lat,
        lon=lon,
        radius=radius,
        start=(start or "")[:10] or None,
        end=(end or "")[:10] or None,
        **extra,
    )


@callback(
    Output("overview-url", "search"),
    *INPUTS,
    State("overview-lang", "data"),
    State("overview-printing", "data"),
    prevent_initial_call=True,
)
def _remember(lat, lon, radius, start, end, lang, printing):
    """The place and period go into the URL, so the list can be reopened and sent on."""
    return _query(lat, lon, radius, start, end, lang, print="1" if printing else None)


@callback(
    Output("overview-print-link", "href"), Output("overview-back", "href"), *INPUTS, State("overview-lang", "data")
)
def _links(lat, lon, radius, start, end, lang):
    """The printable version of the current list, and the way back from it."""
    return (
        "/overview" + _query(lat, lon, radius, start, end, lang, print="1"),
        "/overview" + _query(lat, lon, radius, start, end, lang),
    )


dash.clientside_callback(
    "function(n) { if (n > 0) { window.print(); } return window.dash_clientside.no_update; }",
    Output("overview-print-now", "title"),
    Input("overview-print-now", "n_clicks"),
    prevent_initial_call=True,
)


def _lists(lat, lon, radius, start, end):
    """(period, passages, reports) or a Dutch/English message key why not."""
    if not access.can_see_individual_tracks():
        return None, "access.tracks"
    lat, lon, radius = _number(lat), _number(lon), _number(radius)
    first, last = _date(start), _date(end)
    if lat is None or lon is None:
        return None, "ov.pick_place"
    access.audit("overview_list", f"{lat:.5f}, {lon:.5f} straal {radius} m, {start} – {end}")
    if not (first and last) or last < first:
        return None, "ov.pick_period"
    period = Period.between(first, last)
    with connection.reader() as con:
        try:
            passages = overview.visits_near(con, lat, lon, radius or DEFAULT_RADIUS_M, period)
            reports = overview.reports_near(
                con, lat, lon, radius or DEFAULT_RADIUS_M, period, include_description=access.can_see_reporter_data()
            )
        except ValueError as error:
            return None, str(error)
    return (period, lat, lon, radius or DEFAULT_RADIUS_M, passages, reports), None


def _clock(value) -> str:
    return pd.Timestamp(value).tz_convert(LOCAL_TZ.key).strftime("%H:%M")


def _day_text(value, lang: str) -> str:
    stamp = pd.Timestamp(value).tz_convert(LOCAL_TZ.key)
    return f"{t(f'weekday.{stamp.weekday()}', lang)[:2]} {stamp:%d/%m/%Y}"


def _passage_rows(passages: pd.DataFrame, lang: str) -> list[dict]:
    return [
        {
            "t": pd.Timestamp(p.started_at).value // 10**6,
            "holder": p.holder,
            "day": _day_text(p.started_at, lang),
            "start": _clock(p.started_at),
            "end": _clock(p.ended_at),
            # a number, not text: the grid formats it the Belgian way, the CSV and xlsx keep it a number
            "minutes": round(float(p.minutes), 1) if p.minutes < 10 else int(round(p.minutes)),
        }
        for p in passages.itertuples()
    ]


def _report_rows(reports: pd.DataFrame, lang: str) -> list[dict]:
    label = "category_label_en" if lang == "en" else "category_label"
    return [
        {
            "t": pd.Timestamp(r.reported_at).value // 10**6,
            "when": fmt_datetime(r.reported_at),
            "category": getattr(r, label),
            "channel": (r.channel_label_en if lang == "en" else r.channel_label) or r.channel,
            "status": t(f"ov.status.{r.status}", lang)
            if r.status in ("open", "in_behandeling", "afgesloten")
            else r.status,
            "distance": int(round(r.distance_m)),
            "description": r.description,
        }
        for r in reports.itertuples()
    ]


@callback(
    Output("overview-summary", "children"),
    Output("overview-passages", "rowData"),
    Output("overview-reports-grid", "rowData"),
    Output("overview-circle", "data"),
    Output("overview-reports", "data"),
    Output("overview-passages-note", "children"),
    Output("overview-passages", "style"),
    Output("overview-reports-note", "children"),
    Output("overview-reports-grid", "style"),
    Output("overview-map", "viewport"),
    *INPUTS,
    State("overview-lang", "data"),
)
def _results(lat, lon, radius, start, end, lang):
    """The two lists for the place and period; an empty list says so in words instead of an empty grid."""
    hidden, shown = {"width": "100%", "display": "none"}, {"width": "100%"}
    found, problem = _lists(lat, lon, radius, start, end)
    if found is None:
        text = t(problem, lang) if problem.startswith(("ov.", "access.")) else problem
        return (
            html.Span(text, className="muted"),
            [],
            [],
            coverage_map.EMPTY,
            coverage_map.EMPTY,
            None,
            hidden,
            None,
            hidden,
            dash.no_update,
        )
    period, lat, lon, radius, passages, reports = found
    summary = t(
        "ov.summary",
        lang,
        period=period.label(lang),
        count=fmt_int(len(passages)),
        wardens=fmt_int(passages["holder"].nunique()),
        minutes=fmt_int(passages["minutes"].sum()),
        radius=fmt_int(radius),
        lat=fmt_float(lat, 5),
        lon=fmt_float(lon, 5),
        reports=fmt_int(len(reports)),
    )
    circle = layers.circle_geojson(lat, lon, radius)
    circle["features"][0]["properties"]["tip"] = t("ov.circle_tip", lang, radius=fmt_int(radius))
    label = "category_label_en" if lang == "en" else "category_label"
    points = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(r.lon, 6), round(r.lat, 6)]},
                "properties": {"tip": f"{fmt_datetime(r.reported_at)} · {getattr(r, label)}"},
            }
            for r in reports.itertuples()
        ],
    }
    passage_note = None if len(passages) else t("ov.passages.none", lang)
    report_note = None if len(reports) else t("ov.reports.none", lang)
    zoom = 17 if radius <= 60 else 16 if radius <= 150 else 15 if radius <= 400 else 14 if radius <= 900 else 13
    view = {"center": [lat, lon], "zoom": zoom, "transition": "flyTo"}
    return (
        summary,
        _passage_rows(passages, lang),
        _report_rows(reports, lang),
        circle,
        points,
        passage_note,
        shown if len(passages) else hidden,
        report_note,
        shown if len(reports) else hidden,
        view,
    )


@callback(
    Output("overview-export-download", "data"),
    *export.inputs("overview"),
    State("overview-lat", "value"),
    State("overview-lon", "value"),
    State("overview-radius", "value"),
    State("overview-dates", "start_date"),
    State("overview-dates", "end_date"),
    State("overview-lang", "data"),
    prevent_initial_call=True,
)
def _export(_csv, _xlsx, lat, lon, radius, start, end, lang):
    """One CSV or .xlsx: the place, then the passages, then the reports (audited like every export)."""
    found, _problem = _lists(lat, lon, radius, start, end)
    if found is None:
        return dash.no_update
    period, lat, lon, radius, passages, reports = found
    title = [
        t("ov.title", lang),
        period.label(lang),
        f"{fmt_float(lat, 6)} {fmt_float(lon, 6)}",
        f"{fmt_int(radius)} m",
    ]
    tables = [
        export.Table(export.grid_columns(_passage_columns(lang)), _passage_rows(passages, lang)),
        export.Table(export.grid_columns(_report_columns(lang)), _report_rows(reports, lang)),
    ]
    name = f"overzichtslijst-{period.code.replace('..', '_')}"
    filters = {"lat": round(lat, 5), "lon": round(lon, 5), "radius_m": radius, "period": period.code}
    return export.download("overview", filters, tables, name, title=title)
