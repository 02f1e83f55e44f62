"""CompStat: what went up or down this period, where, and is it real or noise — for the monthly meeting.

Everything the page shows comes from analytics/ (compstat, grid, layers, vocabulary); the callbacks
only wire the filters to those functions and turn their frames into grid rows and map layers.
The filters live in the URL (`?period=2026-10&area=23002E&group=afval&channel=probleembox&by=area
&map=change&lang=en`), so a link reopens the same view: layout() reads them, and a filter change
writes them back without reloading the page (the map keeps its zoom).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import datetime

import dash
import dash_ag_grid as dag
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from analytics import layers, vocabulary
from analytics.compstat import (
    GROUPINGS,
    Filters,
    compstat_table,
    key_figures,
)
from analytics.grid import (
    DEFAULT_CELL_M,
    grid_counts,
    grid_geojson,
    report_points,
    reports_in_cell,
)
from analytics.periods import LOCAL_TZ
from civ.errors import UnusableInput
from dashboards import access, branding, connection
from dashboards.components import compstat_followup, compstat_grid, export, frame, period_picker
from dashboards.components import map as civ_map
from dashboards.components.compstat_followup import AUTO_HEIGHT
from dashboards.i18n import (
    TEXTS,
    fmt_datetime,
    fmt_float,
    fmt_int,
    fmt_pct,
    grid_locale,
    lang_of,
    t,
)
from dashboards.report.contents import month_of
from dashboards.report.jobs import jobs as pack_jobs

dash.register_page(__name__, path="/compstat", name="CompStat", title=branding.page_title("CompStat"), order=2)

MAP_MODES = ("markers", "count", "change")
ALL = "all"


@contextmanager
def _store():
    """The store for one callback. When it cannot be read (busy, gone), the callback changes nothing:
    the page already says what is wrong, and the next filter change tries again."""
    try:
        with connection.reader() as con:
            yield con
    except UnusableInput:
        raise PreventUpdate from None


def _filters(area, group, channel) -> Filters:
    return Filters(
        area=None if area in (None, ALL) else area,
        category_group=None if group in (None, ALL) else group,
        channel=None if channel in (None, ALL) else channel,
    )


def _map_filters(area, group, channel, streets) -> Filters:
    """The map's filters: the page's, and without the street-level points unless they are asked for."""
    return replace(_filters(area, group, channel), address_level_only=not streets)


# --- layout ----------------------------------------------------------------------------------------
def layout(
    period: str | None = None,
    area: str | None = None,
    group: str | None = None,
    channel: str | None = None,
    by: str | None = None,
    map: str | None = None,  # `map`: the URL key
    lang: str | None = None,
    streets: str | None = None,  # '0': the map leaves reports placed at a street's middle out
    **_query,
) -> html.Div:
    lang = lang_of(lang)
    chosen, understood = period_picker.parse(period)
    problem, known = None, _nothing_known()
    try:
        with connection.reader() as con:
            known = _known(con)
    except UnusableInput as error:
        problem = frame.store_problem(error, lang)
    if problem is None and known["first"] is None:
        problem = frame.empty_store(lang)

    notices = (
        []
        if understood
        else [
            html.P(
                t("compstat.bad_period", lang, value=period, period=chosen.label(lang)),
                className="notice",
                id="compstat-bad-period",
            )
        ]
    )
    options = _filter_options(known, lang)
    values = {"streets": streets != "0"}
    for name, value in (("area", area), ("group", group), ("channel", channel)):
        valid = {o["value"] for o in options[name]}
        values[name] = value if value in valid else ALL
        if value is not None and value not in valid:
            notices.append(html.P(t("compstat.bad_filter", lang, value=value), className="notice"))
    # Everything is always in the layout, hidden when the store cannot be shown, so that
    # the page's callbacks always find their components (app.py suppresses Dash's check, so a callback
    # with a missing component would simply never run).
    return html.Div(
        [
            _header(lang),
            problem,
            html.Div(
                notices + _body(lang, chosen, known, options, values, by, map),
                hidden=problem is not None,
                id="compstat-body",
            ),
        ],
        id="compstat-page",
    )


def _known(con) -> dict:
    """What the filters and the map's base need from the store."""
    first, _ = vocabulary.reporting_span(con)
    return {
        "first": None if first is None else first.tz_convert(LOCAL_TZ.key).date().isoformat(),
        "areas": vocabulary.submunicipalities(con),
        "groups": vocabulary.category_groups(con),
        "zone": vocabulary.is_zone(con),
        "channels": vocabulary.channels(con),
        "base": {**layers.base_geography(con), "hotspots": layers.hotspots_geojson(con)},
        "address_sources": layers.address_sources(con),
    }


def _nothing_known() -> dict:
    return {
        "first": None,
        "areas": pd.DataFrame(columns=["code", "name"]),
        "groups": [],
        "channels": pd.DataFrame(columns=["code", "label_nl", "label_en"]),
        "base": {
            "bounds": None,
            "areas": civ_map.EMPTY_LAYER,
            "municipality": civ_map.EMPTY_LAYER,
            "hotspots": civ_map.EMPTY_LAYER,
        },
    }


def _filter_options(known: dict, lang: str) -> dict[str, list[dict]]:
    label = "label_en" if lang == "en" else "label_nl"
    return {
        "area": [{"label": t("filter.all_areas", lang), "value": ALL}]
        + [{"label": a.name, "value": a.code} for a in known["areas"].itertuples()],
        "group": [{"label": t("filter.all_groups", lang), "value": ALL}]
        + [{"label": t(f"group.{g}", lang) if f"group.{g}" in TEXTS else g, "value": g} for g in known["groups"]],
        "channel": [{"label": t("filter.all_channels", lang), "value": ALL}]
        + [{"label": getattr(c, label), "value": c.code} for c in known["channels"].itertuples()],
    }


def _body(lang: str, chosen, known: dict, options: dict, values: dict, by, mode) -> list:
    return [
        dcc.Location(id="compstat-url", refresh=False),
        dcc.Store(id="compstat-lang", data=lang),
        dcc.Store(id="compstat-first", data=known["first"]),
        dcc.Store(id="compstat-map-columns"),
        html.Section(
            [
                _control(t("filter.kind", lang), period_picker.kind_switch("compstat-kind", chosen, lang)),
                _control(
                    t("filter.period", lang), period_picker.dropdown("compstat-period", chosen, known["first"], lang)
                ),
                _control(
                    t("filter.area", lang),
                    dcc.Dropdown(
                        id="compstat-area",
                        value=values["area"],
                        options=options["area"],
                        clearable=False,
                        searchable=False,
                    ),
                ),
                _control(
                    t("filter.group", lang),
                    dcc.Dropdown(
                        id="compstat-group",
                        value=values["group"],
                        options=options["group"],
                        clearable=False,
                        searchable=False,
                    ),
                ),
                _control(
                    t("filter.channel", lang),
                    dcc.Dropdown(
                        id="compstat-channel", value=values["channel"], options=options["channel"], clearable=False
                    ),
                ),
            ],
            className="panel compstat-filters",
            **{"aria-label": t("compstat.filters", lang)},
        ),
        html.Div(id="compstat-kpis", className="kpi-grid kpi-grid-5"),
        html.Section(
            [
                html.Div(
                    [
                        html.H2(t("compstat.table.title", lang)),
                        dcc.RadioItems(
                            id="compstat-by",
                            value=by if by in GROUPINGS else "category",
                            inline=True,
                            className="segmented",
                            options=[
                                {"label": t(f"compstat.by.{g}", lang), "value": g}
                                for g in GROUPINGS
                                if known.get("zone") or "municipality" not in g
                            ],
                        ),
                        export.controls("compstat", lang, t("compstat.export", lang), t("compstat.export_title", lang)),
                    ],
                    className="panel-head",
                ),
                html.P(id="compstat-caption", className="caption"),
                dag.AgGrid(
                    id="compstat-table",
                    rowData=[],
                    columnDefs=[],
                    defaultColDef={
                        "sortable": True,
                        "resizable": True,
                        "wrapHeaderText": True,
                        "autoHeaderHeight": True,
                    },
                    dashGridOptions={"localeText": grid_locale(lang), **AUTO_HEIGHT},
                    style={"width": "100%"},
                    className="grid compstat-grid",
                ),
                html.P(t("compstat.method", lang), className="method", id="compstat-method"),
            ],
            className="panel",
        ),
        html.Section(
            [
                html.Div(
                    [
                        html.H2(t("compstat.map.title", lang)),
                        dcc.RadioItems(
                            id="compstat-map-mode",
                            value=mode if mode in MAP_MODES else "markers",
                            inline=True,
                            className="segmented",
                            options=[{"label": t(f"map.mode.{m}", lang), "value": m} for m in MAP_MODES],
                        ),
                        dcc.Checklist(
                            id="compstat-street-level",
                            value=["street"] if values["streets"] else [],
                            options=[
                                {
                                    "label": html.Span(
                                        t("map.street_level", lang), title=t("map.street_level_title", lang)
                                    ),
                                    "value": "street",
                                }
                            ],
                            inline=True,
                            className="compstat-street-level",
                        ),
                    ],
                    className="panel-head",
                ),
                html.P(id="compstat-map-caption", className="caption"),
                html.Div(
                    [
                        html.Div(
                            [
                                civ_map.asse_map(
                                    "compstat-map",
                                    lang=lang,
                                    tiles=civ_map.tile_url(),
                                    address_sources=known.get("address_sources"),
                                    **known["base"],
                                    overlays=[
                                        civ_map.grid_layer("compstat-map-grid"),
                                        civ_map.points_layer("compstat-map-points"),
                                    ],
                                ),
                                html.Div(id="compstat-legend"),
                            ],
                            className="compstat-map-column",
                        ),
                        html.Aside(
                            [
                                html.H3(t("reports.title", lang)),
                                html.Div(html.P(t("reports.hint", lang), className="muted"), id="compstat-reports"),
                            ],
                            className="compstat-report-list",
                            id="compstat-report-panel",
                        ),
                    ],
                    className="compstat-map-row",
                ),
            ],
            className="panel",
        ),
        html.Section(
            [html.H2(t("followup.title", lang)), html.Div(id="compstat-followup", className="followup-grid")],
            className="panel",
        ),
    ]


PACK_POLL_MS = 1000


def _header(lang: str) -> html.Header:
    return html.Header(
        [
            html.H1([t("compstat.title", lang), html.Span(id="compstat-period-label", className="h1-period")]),
            html.P(t("compstat.lead", lang), className="lead"),
            html.Button(
                t("pack.button", lang),
                id="compstat-pack",
                n_clicks=0,
                className="button",
                title=t("pack.button_title", lang),
                style={"marginTop": "0.7rem"},
            ),
            html.Span(id="compstat-pack-status", className="caption", role="status"),
            dcc.Store(id="compstat-pack-job"),
            dcc.Interval(id="compstat-pack-poll", interval=PACK_POLL_MS, disabled=True),
            dcc.Download(id="compstat-pack-download"),
        ],
        className="page-header",
    )


def _control(label: str, control) -> html.Div:
    return html.Div(
        [html.Label(label, htmlFor=control.id, className="filter-label"), control], className="filter-control"
    )


FILTERS = [
    Input("compstat-period", "value"),
    Input("compstat-area", "value"),
    Input("compstat-group", "value"),
    Input("compstat-channel", "value"),
]


# --- callbacks: filters to analytics functions ----------------------------------
@callback(
    Output("compstat-period", "options"),
    Output("compstat-period", "value"),
    Input("compstat-kind", "value"),
    State("compstat-period", "value"),
    State("compstat-first", "data"),
    State("compstat-lang", "data"),
    prevent_initial_call=True,
)
def _choose_kind(kind, value, first, lang):
    period = period_picker.as_kind(period_picker.parse(value)[0], kind)
    return period_picker.choices(kind, first, period, lang), period.code


@callback(
    Output("compstat-url", "search"),
    *FILTERS,
    Input("compstat-by", "value"),
    Input("compstat-map-mode", "value"),
    Input("compstat-street-level", "value"),
    State("compstat-lang", "data"),
    prevent_initial_call=True,
)
def _remember(period, area, group, channel, by, mode, streets, lang):
    """The view goes into the URL (without reloading the page), so the address can be shared."""

    def keep(value, default):
        return None if value in (None, default) else value

    return frame.href(
        "",
        lang,
        period=period,
        area=keep(area, ALL),
        group=keep(group, ALL),
        channel=keep(channel, ALL),
        by=keep(by, "category"),
        map=keep(mode, "markers"),
        streets=None if streets else "0",
    )


# The URL changes without a page load, so the frame's language links would still carry the filters the
# page opened with: point them at the current view (the frame rebuilds them on the next navigation).
clientside_callback(
    """function(search) {
        var params = new URLSearchParams(search || window.location.search);
        params.delete('lang');
        var path = window.location.pathname, nl = params.toString();
        params.set('lang', 'en');
        return [path + (nl ? '?' + nl : ''), path + '?' + params.toString()];
    }""",
    Output("app-lang-nl", "href"),
    Output("app-lang-en", "href"),
    Input("compstat-url", "search"),
    prevent_initial_call=True,
)


def _table_rows(con, period, by: str, area, group, channel, lang: str) -> list[dict]:
    table = compstat_table(con, period, by=by, filters=_filters(area, group, channel))
    return [compstat_grid.row(record, lang) for record in table.to_dict("records")]


# The table, the key figures and the follow-up answer one request on one connection: a period change
# was four requests, each opening the store and parsing the period again.
@callback(
    Output("compstat-table", "rowData"),
    Output("compstat-table", "columnDefs"),
    Output("compstat-table", "dashGridOptions"),
    Output("compstat-caption", "children"),
    Output("compstat-period-label", "children"),
    Output("compstat-kpis", "children"),
    Output("compstat-followup", "children"),
    *FILTERS,
    Input("compstat-by", "value"),
    State("compstat-lang", "data"),
)
def _summary(period_code, area, group, channel, by, lang):
    period = period_picker.parse(period_code)[0]
    by = by if by in GROUPINGS else "category"
    with _store() as con:
        rows = _table_rows(con, period, by, area, group, channel, lang)
        kpis = _kpis(key_figures(con, period, _filters(area, group, channel)), lang)
        followup = compstat_followup.blocks(con, period, _filters(area, group, channel), lang)
    options = {"localeText": grid_locale(lang), **AUTO_HEIGHT}
    if len(rows) > 30:  # category × area: a page at a time instead of a page of a metre long
        options = {**options, "pagination": True, "paginationPageSize": 25, "paginationPageSizeSelector": [25, 50, 100]}
    previous, last_year = period.comparisons()
    caption = (
        t(
            "compstat.caption",
            lang,
            period=period.label(lang),
            previous=previous.label(lang),
            last_year=last_year.label(lang),
        )
        if previous
        else t("compstat.caption_ytd", lang, period=period.label(lang), last_year=last_year.label(lang))
    )
    return (rows, compstat_grid.columns(by, period, lang), options, caption, f" · {period.label(lang)}", kpis, followup)


@callback(
    Output("compstat-export-download", "data"),
    *export.inputs("compstat"),
    *[State(i.component_id, i.component_property) for i in FILTERS],
    State("compstat-by", "value"),
    State("compstat-lang", "data"),
    prevent_initial_call=True,
)
def _export(_csv, _xlsx, period_code, area, group, channel, by, lang):
    """The table of the current filters as CSV or .xlsx, written on the server and audited."""
    period = period_picker.parse(period_code)[0]
    by = by if by in GROUPINGS else "category"
    with _store() as con:
        rows = _table_rows(con, period, by, area, group, channel, lang)
    too_few = t("compstat.too_few", lang)
    rows = [
        {**row, "pct": too_few if row["too_few"] else None if row["pct"] is None else round(row["pct"], 1)}
        for row in rows
    ]
    name = f"compstat-{period.code.replace(':', '-')}-{by.replace(',', '-')}"
    filters = {"period": period.code, "by": by, **asdict(_filters(area, group, channel))}
    return export.download(
        "compstat", filters, [export.Table(export.grid_columns(compstat_grid.columns(by, period, lang)), rows)], name
    )


def _kpis(figures: dict, lang: str) -> list:
    median = figures["median_days_to_close"]
    return [
        frame.kpi_card(t("compstat.kpi.reports", lang), fmt_int(figures["reports"]), card_id="compstat-kpi-reports"),
        frame.kpi_card(
            t("compstat.kpi.backlog", lang),
            fmt_int(figures["open_backlog"]),
            t("compstat.kpi.backlog_note", lang),
            "compstat-kpi-backlog",
        ),
        frame.kpi_card(
            t("compstat.kpi.median_close", lang),
            fmt_float(median),
            t("compstat.kpi.median_note", lang),
            "compstat-kpi-median",
        ),
        frame.kpi_card(t("compstat.kpi.gas", lang), fmt_int(figures["gas_findings"]), card_id="compstat-kpi-gas"),
        frame.kpi_card(
            t("compstat.kpi.located", lang),
            fmt_pct(figures["share_located"]),
            t("compstat.kpi.located_note", lang),
            "compstat-kpi-located",
        ),
    ]


@callback(
    Output("compstat-map-columns", "data"),
    Output("compstat-map-grid", "data"),
    Output("compstat-map-grid", "hideout"),
    Output("compstat-legend", "children"),
    Output("compstat-map-caption", "children"),
    *FILTERS,
    Input("compstat-map-mode", "value"),
    Input("compstat-street-level", "value"),
    State("compstat-lang", "data"),
)
def _map(period_code, area, group, channel, mode, streets, lang):
    period = period_picker.parse(period_code)[0]
    filters = _map_filters(area, group, channel, streets)
    with _store() as con:
        if mode in ("count", "change"):
            cells = grid_counts(con, period, filters)
        else:
            points = report_points(con, period, filters)
    if mode not in ("count", "change"):
        legend = civ_map.legend(None, [], lang)
        caption = (
            t("map.caption_points_one", lang)
            if len(points) == 1
            else t("map.caption_points", lang, count=fmt_int(len(points)))
        )
        return layers.report_points_columns(points), civ_map.EMPTY_LAYER, dash.no_update, legend, caption
    if mode == "count":
        cells = cells[cells["current"] > 0]
    hideout, classes = civ_map.grid_classes(cells["current" if mode == "count" else "change"], mode, lang)
    legend = civ_map.legend(t(f"map.legend.{mode}", lang), classes, lang)
    caption = t(
        "map.caption_grid",
        lang,
        count=fmt_int(cells["current"].sum()),
        cell=DEFAULT_CELL_M,
        last_year=fmt_int(cells["last_year"].sum()),
    )
    return None, grid_geojson(cells), hideout, legend, caption


clientside_callback(
    "function(columns) { return window.civMap.pointsToGeoJSON(columns); }",
    Output("compstat-map-points", "data"),
    Input("compstat-map-columns", "data"),
)


@callback(
    Output("compstat-reports", "children"),
    Input("compstat-map-points", "clickData"),
    Input("compstat-map-grid", "clickData"),
    *FILTERS,
    Input("compstat-map-mode", "value"),
    Input("compstat-street-level", "value"),
    State("compstat-lang", "data"),
    prevent_initial_call=True,
)
def _clicked(point, cell, period_code, area, group, channel, mode, streets, lang):
    """The reports of the clicked marker or grid cell; a new filter clears the list."""
    hint = html.P(t("reports.hint", lang), className="muted")
    clicked = (
        point
        if ctx.triggered_id == "compstat-map-points"
        else cell
        if ctx.triggered_id == "compstat-map-grid"
        else None
    )
    properties = (clicked or {}).get("properties") or {}
    if not properties or properties.get("cluster"):
        return hint  # a cluster zooms in on its own; nothing chosen yet
    with _store() as con:
        labels = {
            "category": vocabulary.categories(con).set_index("code"),
            "channel": vocabulary.channels(con).set_index("code"),
        }
        if "cell" in properties:
            found = reports_in_cell(
                con,
                period_picker.parse(period_code)[0],
                properties["cell"],
                _map_filters(area, group, channel, streets),
            )
            rows = [
                {
                    "when": fmt_datetime(r.reported_at),
                    "category": r.category_label_en if lang == "en" else r.category_label,
                    "channel": compstat_followup.channel_name(labels, r.channel, r.mailbox, lang),
                    "status": compstat_followup.status_name(r.status, lang),
                }
                for r in found.itertuples()
            ]
            title = t("reports.cell_one", lang) if len(rows) == 1 else t("reports.cell", lang, count=fmt_int(len(rows)))
        else:
            stamp = datetime.fromtimestamp(properties["t"], tz=LOCAL_TZ)
            label = "label_en" if lang == "en" else "label_nl"
            category = properties["category"]
            rows = [
                {
                    "when": fmt_datetime(stamp),
                    "category": labels["category"][label].get(category, category),
                    "channel": compstat_followup.channel_name(labels, properties["channel"], None, lang),
                    "status": compstat_followup.status_name(properties["status"], lang),
                }
            ]
            title = t("reports.marker", lang)
    return [
        html.P(title, className="report-list-title", id="compstat-reports-title"),
        compstat_followup.report_list(rows),
    ]


@callback(
    Output("compstat-pack-job", "data"),
    Output("compstat-pack-poll", "disabled"),
    Output("compstat-pack-status", "children"),
    Input("compstat-pack", "n_clicks"),
    State("compstat-period", "value"),
    State("compstat-lang", "data"),
    State("compstat-area", "value"),
    prevent_initial_call=True,
)
def _start_pack(_clicks, period_code, lang, area=None):
    """The monthly meeting pack of the chosen month (of the month a week or year-to-date ends in) is made
    in the background, shared with everyone asking for the same month and data (dashboards.report.jobs).
    In a police zone with a municipality (or one of its deelgemeenten) chosen, the pack is that municipality's."""
    month = month_of(period_picker.parse(period_code)[0])
    try:
        with connection.reader() as con:
            municipality = vocabulary.municipality_of_area(con, area if area != ALL else None)
        job = pack_jobs.start(
            connection.db_path(), month, lang_of(lang), access.current_user_name(), municipality=municipality
        )
    except UnusableInput:
        raise PreventUpdate from None
    if job is None:
        return dash.no_update, dash.no_update, t("pack.one_at_a_time", lang)
    return {"job": job, "month": month.code}, False, t("pack.making", lang, seconds="0")


@callback(
    Output("compstat-pack-download", "data"),
    Output("compstat-pack-poll", "disabled", allow_duplicate=True),
    Output("compstat-pack-status", "children", allow_duplicate=True),
    Input("compstat-pack-poll", "n_intervals"),
    State("compstat-pack-job", "data"),
    State("compstat-lang", "data"),
    prevent_initial_call=True,
)
def _poll_pack(_ticks, job, lang):
    """Progress while the pack is made, then the PDF. Aggregates only, so every role may take it; it leaves
    the building, so it is audited."""
    if not isinstance(job, dict):
        raise PreventUpdate
    state, seconds, made = pack_jobs.status(job.get("job"))
    if state == "running":
        return dash.no_update, False, t("pack.making", lang, seconds=fmt_int(seconds))
    if state == "failed":
        return dash.no_update, True, t("pack.failed", lang)
    access.audit("export", f"vergaderpakket {job.get('month')} (PDF)")
    pdf, file_name = made
    return dcc.send_bytes(pdf, file_name), True, ""
