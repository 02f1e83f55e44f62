"""Dekking: which defined hot spots the wardens watched, how long, against how many reports — and how
many warden-hours a fixed dosage would take.

Everything comes from analytics.coverage (dosage, StaffingEstimate, presence grid); the callbacks
only wire filters to those functions and turn their frames into map layers, grid rows and sentences.
The view lives in the URL (`?period=2026-10&warden=GW-A&colour=minutes&layer=presence&lang=en`).
Only the coordinator chooses a warden or a period shorter than a week; every other role sees all wardens
together, the last visit to the day and presence cells only where at least two wardens were
(dashboards.access; a request for more is refused with 403 before it reaches this page).
"""

from __future__ import annotations

import math

import dash
import dash_ag_grid as dag
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from analytics.coverage import days as coverage_days
from analytics.coverage import dosage, layers
from analytics.coverage.visits import retained_from
from analytics.layers import base_geography
from analytics.periods import Period
from civ.errors import UnusableInput
from dashboards import access, branding, connection
from dashboards.components import coverage_freshness, coverage_map, export, frame
from dashboards.i18n import (
    fmt_date,
    fmt_datetime,
    fmt_float,
    fmt_int,
    fmt_pct,
    grid_locale,
    lang_of,
    t,
)

dash.register_page(__name__, path="/coverage", name="Dekking", title=branding.page_title("Dekking"), order=5)

ALL = "all"
COLOURS = ("days", "minutes")
LAYERS = ("none", "presence", "demand")
NUMBER = {
    "type": "rightAligned",
    "valueFormatter": {"function": "params.value == null ? '–' : params.value.toLocaleString('nl-BE')"},
}
STAFFING_DEFAULTS = {"visits": 5, "minutes": 15, "overhead": 50}
DEMAND_BREAKS = [0.5, 1, 2, 5]  # reports per hour of presence
FILTERS = [Input("coverage-period", "value"), Input("coverage-warden", "value"), Input("coverage-version", "data")]


def _period(code: str | None, fallback: Period | None) -> tuple[Period | None, bool]:
    if code:
        try:
            return Period.parse(code), True
        except ValueError:
            return fallback, False
    return fallback, True


def _header(lang: str) -> html.Header:
    return html.Header(
        [html.H1(t("cov.title", lang)), html.P(t("cov.lead", lang), className="lead")], className="page-header"
    )


def _control(label: str, control) -> html.Div:
    return html.Div([html.Span(label, className="filter-label"), control], className="filter-control")


def layout(
    period: str | None = None,
    warden: str | None = None,
    colour: str | None = None,
    layer: str | None = None,
    lang: str | None = None,
    **_query,
) -> html.Div:
    lang = lang_of(lang)
    # The whole page is always built, also without data or store, so that the page's
    # callbacks always find their components (app.py suppresses Dash's check, so a callback with a
    # missing component would simply never run).
    months, holders, notices = [], [], []
    base = coverage_map.NO_BASE
    freshness = coverage_freshness.status("coverage", lang)
    try:
        with connection.reader() as con:
            months = coverage_days.months_with_duty(con)
            holders = list(coverage_days.holders(con).itertuples())
            base = base_geography(con)
    except UnusableInput as error:
        notices.append(frame.store_problem(error, lang))
    chosen, understood = _period(period, months[0] if months else Period.last_complete_month())
    if access.aggregate_refusal(period_code=chosen.code):  # a second lock behind the 403 of dashboards.auth
        chosen, understood = months[0] if months else Period.last_complete_month(), False
    if not months and not notices:
        notices.append(html.P(t("cov.no_fixes", lang), className="notice", id="coverage-empty"))
    if not understood:
        notices.append(
            html.P(
                t("cov.bad_period", lang, value=period, period=chosen.label(lang)),
                className="notice",
                id="coverage-bad-period",
            )
        )
    options = [{"label": m.label(lang), "value": m.code} for m in months]
    if chosen.code not in {o["value"] for o in options}:
        options.insert(0, {"label": chosen.label(lang), "value": chosen.code})
    per_warden = access.can_see_individual_tracks()
    warden_options = [{"label": t("cov.all_wardens", lang), "value": ALL}] + [
        {"label": h.holder if h.is_warden else t("cov.device", lang, device=h.holder), "value": h.holder}
        for h in holders
        if per_warden
    ]
    warden = warden if warden in {o["value"] for o in warden_options} else ALL
    return html.Div(
        [
            _header(lang),
            dcc.Location(id="coverage-url", refresh=False),
            dcc.Store(id="coverage-lang", data=lang),
            *freshness,
            *notices,
            html.Section(
                [
                    _control(
                        t("cov.filter.period", lang),
                        dcc.Dropdown(
                            id="coverage-period",
                            value=chosen.code,
                            options=options,
                            clearable=False,
                            className="period-dropdown",
                        ),
                    ),
                    _control(
                        t("cov.filter.warden", lang),
                        dcc.Dropdown(
                            id="coverage-warden",
                            value=warden,
                            options=warden_options,
                            clearable=False,
                            disabled=not per_warden,
                        ),
                    ),
                ],
                className="panel cov-filters",
                **{"aria-label": t("cov.filters", lang)},
            ),
            html.Div(id="coverage-kpis", className="kpi-grid cov-kpis"),
            _map_section(lang, base, colour, layer),
            html.Section(
                [
                    html.Div(
                        [html.H2(t("cov.table.title", lang)), export.controls("coverage", lang, t("cov.export", lang))],
                        className="panel-head",
                    ),
                    html.P(t("cov.table.caption", lang), className="caption"),
                    dag.AgGrid(
                        id="coverage-table",
                        rowData=[],
                        columnDefs=_columns(lang),
                        defaultColDef={
                            "sortable": True,
                            "resizable": True,
                            "wrapHeaderText": True,
                            "autoHeaderHeight": True,
                        },
                        dashGridOptions={
                            "localeText": grid_locale(lang),
                            "domLayout": "autoHeight",
                            "suppressCellFocus": True,
                            "enableCellTextSelection": True,
                        },
                        style={"width": "100%"},
                        className="grid",
                    ),
                    html.P(t("cov.method", lang), className="method"),
                ],
                className="panel",
            ),
            _staffing_section(lang),
        ],
        id="coverage-page",
    )


def _map_section(lang: str, base: dict, colour: str | None, layer: str | None) -> html.Section:
    """The map of presence or demand, with its colour and layer switches (filled by the callbacks)."""
    return html.Section(
        [
            html.H2(t("cov.map.title", lang)),
            html.Div(
                [
                    _control(
                        t("cov.filter.colour", lang),
                        dcc.RadioItems(
                            id="coverage-colour",
                            value=colour if colour in COLOURS else "days",
                            inline=True,
                            className="segmented",
                            options=[{"label": t(f"cov.colour.{c}", lang), "value": c} for c in COLOURS],
                        ),
                    ),
                    _control(
                        t("cov.filter.layer", lang),
                        dcc.RadioItems(
                            id="coverage-layer",
                            value=layer if layer in LAYERS else "presence",
                            inline=True,
                            className="segmented",
                            options=[{"label": t(f"cov.layer.{c}", lang), "value": c} for c in LAYERS],
                        ),
                    ),
                ],
                className="cov-map-controls",
            ),
            html.P(id="coverage-map-caption", className="caption"),
            coverage_map.base_map(
                "coverage-map",
                lang=lang,
                **base,
                layers=[
                    coverage_map.pane("cov-cells", 400, [coverage_map.cell_layer("coverage-cells")]),
                    coverage_map.pane("cov-hotspots", 430, [coverage_map.hotspot_layer("coverage-hotspots")]),
                ],
            ),
            html.Div([html.Div(id="coverage-legend"), html.Div(id="coverage-cell-legend")], className="cov-legends"),
        ],
        className="panel",
    )


def _staffing_section(lang: str) -> html.Section:
    """The warden-hours estimate and the target dosage it assumes."""
    return html.Section(
        [
            html.H2(t("cov.staffing.title", lang)),
            html.Div(
                [
                    _control(
                        t("cov.staffing.visits", lang),
                        dcc.Input(
                            id="coverage-target-visits",
                            type="number",
                            min=0,
                            max=50,
                            step=1,
                            value=STAFFING_DEFAULTS["visits"],
                            debounce=True,
                            className="number-input",
                        ),
                    ),
                    _control(
                        t("cov.staffing.minutes", lang),
                        dcc.Input(
                            id="coverage-target-minutes",
                            type="number",
                            min=1,
                            max=240,
                            step=1,
                            value=STAFFING_DEFAULTS["minutes"],
                            debounce=True,
                            className="number-input",
                        ),
                    ),
                    _control(
                        t("cov.staffing.overhead", lang),
                        dcc.Input(
                            id="coverage-target-overhead",
                            type="number",
                            min=0,
                            max=300,
                            step=5,
                            value=STAFFING_DEFAULTS["overhead"],
                            debounce=True,
                            className="number-input",
                        ),
                    ),
                ],
                className="cov-staffing-inputs",
            ),
            html.Div(id="coverage-staffing", className="cov-staffing"),
        ],
        className="panel",
    )


coverage_freshness.register("coverage")


@callback(
    Output("coverage-url", "search"),
    Input("coverage-period", "value"),
    Input("coverage-warden", "value"),
    Input("coverage-colour", "value"),
    Input("coverage-layer", "value"),
    State("coverage-lang", "data"),
    prevent_initial_call=True,
)
def _remember(period, warden, colour, layer, lang):
    """The view goes into the URL without reloading, so a link reopens it."""
    return frame.href(
        "",
        lang,
        period=period,
        warden=None if warden in (None, ALL) else warden,
        colour=None if colour == "days" else colour,
        layer=None if layer == "presence" else layer,
    )


def _warden(value) -> str | None:
    return None if value in (None, ALL) else value


def _allowed_view(period_code, warden) -> Period:
    """The period of a view the current user may see; PreventUpdate for one warden or a too short period
    asked by a role without individual tracks (the 403 of dashboards.auth refuses it first)."""
    if access.aggregate_refusal(period_code, warden):
        raise dash.exceptions.PreventUpdate
    return Period.parse(period_code)


def _columns(lang: str) -> list[dict]:
    lags = "params.data.demand_share > params.data.dosage_share"
    return [
        {
            "field": "name",
            "headerName": t("cov.col.hotspot", lang),
            "pinned": "left",
            "minWidth": 260,
            "flex": 2,
            "cellClass": "label-cell",
        },
        {"field": "visits", "headerName": t("cov.col.visits", lang), "width": 115, **NUMBER},
        {"field": "visits_10min", "headerName": t("cov.col.visits_10min", lang), "width": 95, **NUMBER},
        {"field": "minutes", "headerName": t("cov.col.minutes", lang), "width": 120, **NUMBER},
        {
            "field": "last_visit",
            "headerName": t("cov.col.last_visit", lang),
            "width": 178,
            "comparator": {"function": "(a, b, nodeA, nodeB) => (nodeA.data.last_t || 0) - (nodeB.data.last_t || 0)"},
        },
        {
            "field": "days",
            "headerName": t("cov.col.days", lang),
            "width": 105,
            **NUMBER,
            "cellClassRules": {
                "cov-never": "params.data.days == null",
                "cov-long-ago": "params.data.days != null && params.data.days > 14",
            },
        },
        {"field": "reports", "headerName": t("cov.col.reports", lang), "width": 132, **NUMBER},
        {
            "field": "per_hour",
            "headerName": t("cov.col.per_hour", lang),
            "headerTooltip": t("cov.col.per_hour_tip", lang),
            "width": 150,
            "type": "rightAligned",
            "valueFormatter": {
                "function": (
                    "params.value == null ? (params.data.reports > 0 ? '"
                    + t("cov.no_visit", lang).replace("'", "\\'")
                    + "' : '–') : params.value.toLocaleString('nl-BE', {minimumFractionDigits: 1, maximumFractionDigits: 1})"
                )
            },
            "cellClassRules": {"cov-lags": lags},
        },
        {
            "field": "balance",
            "headerName": t("cov.col.balance", lang),
            "headerTooltip": t("cov.col.balance_tip", lang),
            "minWidth": 150,
            "flex": 1,
            "type": "rightAligned",
            "cellClassRules": {"cov-lags": lags},
            "comparator": {
                "function": "(a, b, nodeA, nodeB) => (nodeA.data.demand_share - nodeA.data.dosage_share) "
                "- (nodeB.data.demand_share - nodeB.data.dosage_share)"
            },
        },
    ]


def _rows(table, lang: str) -> list[dict]:
    """Grid rows; the last visit to the minute for the coordinator, to the day for other roles (a time to the
    minute at one hot spot says where one warden was)."""
    rows, last_visit = [], fmt_datetime if access.can_see_individual_tracks() else fmt_date
    for r in table.itertuples():
        per_hour = (
            None
            if (isinstance(r.reports_per_hour, float) and not math.isfinite(r.reports_per_hour))
            else float(round(r.reports_per_hour, 2))
        )
        rows.append(
            {
                "name": r.name,
                "kind": r.kind or "",
                "visits": int(r.visits),
                "visits_10min": int(r.visits_10min),
                "minutes": int(round(r.minutes)),
                "last_visit": last_visit(r.last_visit),
                "last_t": None if pd.isna(r.last_visit) else r.last_visit.value // 10**6,
                "days": None if pd.isna(r.days_since_last_visit) else int(r.days_since_last_visit),
                "reports": int(r.reports),
                "per_hour": per_hour,
                "demand_share": float(r.demand_share),
                "dosage_share": float(r.dosage_share),
                "balance": t("cov.balance", lang, demand=fmt_pct(r.demand_share, 0), dosage=fmt_pct(r.dosage_share, 0)),
            }
        )
    return rows


def _hotspot_features(con, table, colour: str, lang: str) -> tuple[dict, html.Div]:
    data = layers.hotspots_geojson(con, table)
    if colour == "minutes":
        breaks = coverage_map.classes(table["minutes"], coverage_map.MINUTE_COLOURS)
        entries = coverage_map.ranges(breaks, coverage_map.MINUTE_COLOURS, t("cov.unit.minutes", lang))
        title = t("cov.legend.minutes", lang)
        if not breaks:
            entries = [(coverage_map.MINUTE_COLOURS[0], t("cov.legend.none_present", lang))]
    else:
        breaks, colours = coverage_map.DAYS_BREAKS, coverage_map.DAYS_COLOURS
        entries = coverage_map.ranges(breaks, colours, t("cov.unit.days", lang)) + [
            (coverage_map.NEVER, t("cov.legend.never", lang))
        ]
        title = t("cov.legend.days", lang)
    for feature in data["features"]:
        p = feature["properties"]
        p["never"] = p["days"] is None
        if colour == "minutes":
            p["colour"] = coverage_map.colour_of(p["minutes"], breaks, coverage_map.MINUTE_COLOURS)
        else:
            p["colour"] = (
                coverage_map.NEVER
                if p["days"] is None
                else coverage_map.colour_of(p["days"], breaks, coverage_map.DAYS_COLOURS)
            )
        last = t("cov.tip.never", lang) if p["days"] is None else t("cov.tip.days", lang, days=fmt_int(p["days"]))
        p["tip"] = t(
            "cov.tip.hotspot",
            lang,
            name=p["name"],
            visits=fmt_int(p["visits"]),
            visits_10min=fmt_int(p["visits_10min"]),
            minutes=fmt_int(p["minutes"]),
            reports=fmt_int(p["reports"]),
            last=last,
        )
    return data, coverage_map.legend(title, entries)


@callback(
    Output("coverage-kpis", "children"),
    Output("coverage-hotspots", "data"),
    Output("coverage-legend", "children"),
    Output("coverage-table", "rowData"),
    Output("coverage-map-caption", "children"),
    *FILTERS,
    Input("coverage-colour", "value"),
    State("coverage-lang", "data"),
)
def _dosage(period_code, warden, _version, colour, lang):
    period = _allowed_view(period_code, warden)
    with connection.reader() as con:
        table = dosage.hotspot_dosage(con, period, warden=_warden(warden))
        duty = dosage.duty_hours(con, period, wardens_only=_warden(warden) is None)
        hotspots, legend = _hotspot_features(con, table, colour, lang)
        kept_from = retained_from(con)
    if _warden(warden):
        duty = duty[duty["holder"] == warden]
    unvisited = int((table["visits"] == 0).sum()) if not table.empty else 0
    kpis = [
        frame.kpi_card(
            t("cov.kpi.unvisited", lang),
            fmt_int(unvisited),
            t("cov.kpi.unvisited_note", lang, count=fmt_int(len(table))),
            "coverage-kpi-unvisited",
        ),
        frame.kpi_card(
            t("cov.kpi.visits", lang),
            fmt_int(table["visits"].sum() if len(table) else 0),
            t("cov.kpi.visits_note", lang, count=fmt_int(table["visits_10min"].sum() if len(table) else 0)),
            "coverage-kpi-visits",
        ),
        frame.kpi_card(
            t("cov.kpi.hours", lang),
            fmt_float(table["minutes"].sum() / 60 if len(table) else 0),
            t("cov.kpi.hours_note", lang),
            "coverage-kpi-hours",
        ),
        frame.kpi_card(
            t("cov.kpi.duty", lang),
            fmt_float(duty["duty_hours"].sum()),
            t("cov.kpi.duty_note", lang, count=fmt_int(len(duty))),
            "coverage-kpi-duty",
        ),
        frame.kpi_card(
            t("cov.kpi.reports", lang),
            fmt_int(table["reports"].sum() if len(table) else 0),
            t("cov.kpi.reports_note", lang),
            "coverage-kpi-reports",
        ),
    ]
    caption = t("cov.map.caption", lang, period=period.label(lang), count=fmt_int(len(table)))
    if kept_from and period.start <= kept_from:
        caption = [
            caption,
            html.Span(
                " " + t("cov.retained", lang, day=f"{kept_from:%d/%m/%Y}"),
                id="coverage-retained",
                className="notice-inline",
            ),
        ]
    return kpis, hotspots, legend, _rows(table, lang), caption


@callback(
    Output("coverage-export-download", "data"),
    *export.inputs("coverage"),
    State("coverage-period", "value"),
    State("coverage-warden", "value"),
    State("coverage-lang", "data"),
    prevent_initial_call=True,
)
def _export(_csv, _xlsx, period_code, warden, lang):
    """The table of the current period and warden as CSV or .xlsx, written on the server and audited."""
    period = _allowed_view(period_code, warden)
    with connection.reader() as con:
        table = dosage.hotspot_dosage(con, period, warden=_warden(warden))
    columns = [c for c in export.grid_columns(_columns(lang)) if c[0] != "balance"]  # two shares in one text
    return export.download(
        "coverage",
        {"period": period.code, "warden": _warden(warden)},
        [export.Table(columns, _rows(table, lang))],
        f"dekking-{period.code.replace(':', '-')}",
    )


@callback(
    Output("coverage-cells", "data"),
    Output("coverage-cell-legend", "children"),
    *FILTERS,
    Input("coverage-layer", "value"),
    State("coverage-lang", "data"),
)
def _cells(period_code, warden, _version, layer, lang):
    """The grid under the hot spots: minutes present per cell, or reports per hour present."""
    if layer not in ("presence", "demand"):
        return coverage_map.EMPTY, None
    period = _allowed_view(period_code, warden)
    with connection.reader() as con:
        grid = dosage.presence_grid(con, period, warden=_warden(warden))
    hidden: set[str] = set()
    if not access.can_see_individual_tracks():
        # A cell one warden alone was in traces that warden's walk: its presence is not shown.
        alone = (grid["wardens"] < access.MIN_WARDENS_PER_CELL) & (grid["minutes"] > 0)
        hidden = {f"{x}:{y}" for x, y in zip(grid.loc[alone, "cell_x"], grid.loc[alone, "cell_y"])}
        grid.loc[alone, "minutes"] = 0
        grid.loc[alone, "reports_per_hour"] = float("nan")
    if layer == "presence":
        grid = grid[grid["minutes"] > 0]
        breaks = coverage_map.classes(grid["minutes"], coverage_map.MINUTE_COLOURS)
        colours = coverage_map.MINUTE_COLOURS
        entries = coverage_map.ranges(breaks, colours, t("cov.unit.minutes", lang), lowest=1)
        title = t("cov.legend.presence", lang)
    else:
        grid = grid[grid["reports"] > 0]
        breaks, colours = DEMAND_BREAKS, coverage_map.DEMAND_COLOURS
        entries = coverage_map.ranges(breaks, colours, t("cov.unit.per_hour", lang), integers=False)
        entries[-1] = (entries[-1][0], entries[-1][1] + " " + t("cov.legend.or_none", lang))
        title = t("cov.legend.demand", lang)
    data = dosage.presence_geojson(grid)
    for feature in data["features"]:
        p = feature["properties"]
        if layer == "presence":
            p["colour"] = coverage_map.colour_of(p["minutes"], breaks, colours)
            p["tip"] = t("cov.tip.cell", lang, minutes=fmt_int(p["minutes"]), reports=fmt_int(p["reports"]))
        else:
            p["colour"] = (
                colours[-1] if p["per_hour"] is None else coverage_map.colour_of(p["per_hour"], breaks, colours)
            )
            p["tip"] = t(
                "cov.tip.cell_demand",
                lang,
                minutes=fmt_int(p["minutes"]),
                reports=fmt_int(p["reports"]),
                per_hour=t("cov.presence_hidden", lang)
                if p["cell"] in hidden
                else t("cov.no_presence", lang)
                if p["per_hour"] is None
                else fmt_float(p["per_hour"]),
            )
    return data, coverage_map.legend(title, entries)


@callback(
    Output("coverage-staffing", "children"),
    Input("coverage-period", "value"),
    Input("coverage-version", "data"),
    Input("coverage-target-visits", "value"),
    Input("coverage-target-minutes", "value"),
    Input("coverage-target-overhead", "value"),
    State("coverage-lang", "data"),
)
def _staffing(period_code, _version, visits, minutes, overhead, lang):
    period = _allowed_view(period_code, None)
    visits = STAFFING_DEFAULTS["visits"] if visits is None else visits
    minutes = STAFFING_DEFAULTS["minutes"] if not minutes else minutes
    overhead = STAFFING_DEFAULTS["overhead"] if overhead is None else overhead
    try:
        estimate = dosage.StaffingEstimate(
            target_visits_per_week=float(visits),
            minutes_per_visit=float(minutes),
            travel_overhead=float(overhead) / 100,
        )
        with connection.reader() as con:
            estimate.fit(con, period)
    except ValueError as error:
        return html.P(str(error), className="notice")
    below = int((estimate.per_hotspot_["shortfall"] > 0).sum())
    lines = [
        t(
            "cov.staffing.need",
            lang,
            visits=fmt_float(visits, 0),
            minutes=fmt_float(minutes, 0),
            overhead=fmt_float(overhead, 0),
            count=fmt_int(estimate.hotspots_),
            hours=fmt_float(estimate.needed_hours_, 0),
        )
    ]
    if estimate.wardens_:
        share = estimate.hotspot_hours_ / estimate.duty_hours_ if estimate.duty_hours_ else 0
        lines.append(
            t(
                "cov.staffing.spent",
                lang,
                period=period.label(lang),
                wardens=fmt_int(estimate.wardens_),
                duty=fmt_float(estimate.duty_hours_, 0),
                spent=fmt_float(estimate.hotspot_hours_, 0),
                share=fmt_pct(share, 0),
            )
        )
        extra = estimate.wardens_needed_ - estimate.wardens_
        key = "cov.staffing.more" if extra > 0.05 else "cov.staffing.enough"
        lines.append(
            t(
                key,
                lang,
                needed=fmt_float(estimate.wardens_needed_, 1),
                per_warden=fmt_float(estimate.hours_per_warden_, 0),
                extra=fmt_float(abs(extra), 1),
                now=fmt_int(estimate.wardens_),
            )
        )
    else:
        lines.append(t("cov.staffing.no_duty", lang, period=period.label(lang)))
    lines.append(
        t(
            "cov.staffing.below",
            lang,
            below=fmt_int(below),
            count=fmt_int(estimate.hotspots_),
            target=fmt_float(estimate.target_visits_, 0),
            dose=fmt_int(estimate.dose_minutes),
        )
    )
    return [
        html.P(
            line, className="cov-staffing-line" + (" cov-staffing-key" if i == 2 else ""), id=f"coverage-staffing-{i}"
        )
        for i, line in enumerate(lines)
    ] + [html.P(t("cov.staffing.method", lang), className="method")]
