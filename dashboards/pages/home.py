"""Overzicht: what the store holds — totals, reports per month, the last imports, fixes per holder.

The first thing the coordinator opens after an import, and the first slide of the meeting: it shows
whether the data are complete (cut-off date, quarantined rows) before anyone reads a trend.
"""

from __future__ import annotations

import dash
import dash_ag_grid as dag
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from analytics import inventory
from civ import territory
from civ.errors import UnusableInput
from dashboards import access, branding, connection
from dashboards.components import frame
from dashboards.i18n import (
    fmt_datetime,
    fmt_int,
    fmt_month,
    fmt_pct,
    grid_locale,
    kind_label,
    lang_of,
    t,
)

dash.register_page(__name__, path="/", name="Overzicht", title=branding.page_title("Overzicht"), order=0)

COLOURS = {"located": "#1f5f8b", "unlocated": "#9fb8cc"}


def layout(lang: str | None = None, **_query) -> html.Div:
    lang = lang_of(lang)
    try:
        with connection.reader() as con:
            summary = inventory.store_summary(con)
            months = inventory.reports_per_month(con)
            batches = inventory.recent_batches(con, limit=20)
            fixes = inventory.fixes_summary(con)
            territory_set = territory.is_set(con)
    except UnusableInput as error:
        return html.Div([_header(lang), frame.store_problem(error, lang)], id="home-page")
    if inventory.is_empty(summary):
        setup = [] if territory_set else [_setup_needed(lang)]
        return html.Div([_header(lang)] + setup + [frame.empty_store(lang)], id="home-page")
    return html.Div(
        [
            _header(lang),
            _kpis(summary, lang),
            html.Section(
                [
                    html.H2(t("chart.title", lang)),
                    dcc.Graph(
                        id="home-month-chart",
                        figure=month_figure(months, lang),
                        config={"displaylogo": False, "locale": "nl" if lang == "nl" else "en"},
                        className="month-chart",
                    ),
                ],
                className="panel",
            ),
            html.Section([html.H2(t("batches.title", lang)), _batch_grid(batches, lang)], className="panel"),
            html.Section([html.H2(t("fixes.title", lang)), _fixes_grid(fixes, lang)], className="panel"),
        ],
        id="home-page",
    )


def _setup_needed(lang: str) -> html.Div:
    """A new store: the beheerder sets the territory up first (dashboards/pages/setup.py)."""
    if access.allowed("admin"):
        action = dcc.Link(
            t("setup.needed_admin", lang),
            href="/instellen" + ("?lang=en" if lang == "en" else ""),
            className="button",
            id="home-setup-link",
        )
    else:
        action = html.Span(t("setup.needed_other", lang))
    return html.Div([html.Strong(t("setup.needed", lang)), " ", action], className="notice", id="home-setup-needed")


def _header(lang: str) -> html.Header:
    return html.Header(
        [html.H1(t("home.title", lang)), html.P(t("home.lead", lang), className="lead")], className="page-header"
    )


def _kpis(s: dict, lang: str) -> html.Div:
    return html.Div(
        [
            frame.kpi_card(t("kpi.reports", lang), fmt_int(s["reports"]), card_id="home-kpi-reports"),
            frame.kpi_card(
                t("kpi.located", lang),
                fmt_pct(s["located_share"]),
                t("kpi.located_note", lang, count=fmt_int(s["located"])),
                "home-kpi-located",
            ),
            frame.kpi_card(t("kpi.fixes", lang), fmt_int(s["fixes"]), card_id="home-kpi-fixes"),
            frame.kpi_card(t("kpi.wardens", lang), fmt_int(s["wardens"]), card_id="home-kpi-wardens"),
            frame.kpi_card(t("kpi.hotspots", lang), fmt_int(s["hotspots"]), card_id="home-kpi-hotspots"),
            frame.kpi_card(t("kpi.quarantined", lang), fmt_int(s["quarantined"]), card_id="home-kpi-quarantined"),
            frame.kpi_card(t("kpi.last_import", lang), fmt_datetime(s["last_import"]), card_id="home-kpi-last-import"),
            frame.kpi_card(t("kpi.data_until", lang), fmt_datetime(s["data_until"]), card_id="home-kpi-data-until"),
        ],
        className="kpi-grid",
    )


def month_figure(months: pd.DataFrame, lang: str) -> go.Figure:
    """Stacked bars: located and unlocated reports per local month."""
    labels = [fmt_month(m, lang) for m in months["month"]]
    located = months["located"].tolist()
    unlocated = (months["reports"] - months["located"]).tolist()
    fig = go.Figure(
        [
            go.Bar(
                name=t("chart.located", lang),
                x=labels,
                y=located,
                marker_color=COLOURS["located"],
                customdata=[fmt_int(v) for v in located],
                hovertemplate="%{x}: %{customdata}<extra>%{fullData.name}</extra>",
            ),
            go.Bar(
                name=t("chart.unlocated", lang),
                x=labels,
                y=unlocated,
                marker_color=COLOURS["unlocated"],
                customdata=[fmt_int(v) for v in unlocated],
                hovertemplate="%{x}: %{customdata}<extra>%{fullData.name}</extra>",
            ),
        ]
    )
    fig.update_layout(
        barmode="stack",
        height=340,
        margin=dict(l=56, r=16, t=8, b=48),
        font=dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size=15, color="#1d2733"),
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1, traceorder="normal"),
        separators=",.",  # Belgian: decimal comma, thousands point
        yaxis=dict(title=t("chart.axis", lang), gridcolor="#e3e8ee", rangemode="tozero", tickformat=",d"),
        xaxis=dict(type="category", tickangle=-45 if len(labels) > 14 else 0),
    )
    return fig


# Short lists: the grid grows with its rows instead of showing an empty box.
GRID_STYLE = {"width": "100%"}
GRID_OPTIONS = {"domLayout": "autoHeight", "suppressCellFocus": True}
# Numbers stay numbers in the grid (so sorting is numeric) and are shown the Belgian way.
NUMBER = {
    "type": "rightAligned",
    "valueFormatter": {"function": "params.value == null ? '' : params.value.toLocaleString('nl-BE')"},
}


def _batch_grid(batches: pd.DataFrame, lang: str):
    if batches.empty:
        return html.P(t("batches.empty", lang), className="muted")
    rows = [
        {
            "batch_id": int(b.batch_id),
            "kind": kind_label(b.kind, lang),
            "file_name": b.file_name,
            "finished": fmt_datetime(b.finished_at),
            "rows_in": int(b.rows_in),
            "loaded": int(b.loaded),
            "duplicates": int(b.duplicates),
            # A link to the refused rows of this import; plain number when nothing was refused.
            "quarantined": (
                f"[{fmt_int(b.quarantined)}]({frame.href('/quarantaine', lang, batch=int(b.batch_id))})"
                if b.quarantined
                else "0"
            ),
            "is_demo": t("yes", lang) if b.is_demo else t("no", lang),
        }
        for b in batches.itertuples()
    ]
    columns = [
        {"field": "batch_id", "headerName": t("col.batch", lang), "width": 100, **NUMBER},
        {"field": "kind", "headerName": t("col.kind", lang), "width": 130},
        {"field": "file_name", "headerName": t("col.file", lang), "flex": 1, "minWidth": 220},
        {"field": "finished", "headerName": t("col.finished", lang), "width": 175},
        {"field": "rows_in", "headerName": t("col.rows_in", lang), "width": 110, **NUMBER},
        {"field": "loaded", "headerName": t("col.loaded", lang), "width": 110, **NUMBER},
        {
            "field": "quarantined",
            "headerName": t("col.quarantined", lang),
            "width": 140,
            "cellRenderer": "markdown",
            "type": "rightAligned",
        },
        {"field": "duplicates", "headerName": t("col.duplicates", lang), "width": 130, **NUMBER},
        {"field": "is_demo", "headerName": t("col.demo", lang), "width": 90},
    ]
    return dag.AgGrid(
        id="home-batches",
        rowData=rows,
        columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True},
        dashGridOptions={"localeText": grid_locale(lang), **GRID_OPTIONS},
        style=GRID_STYLE,
        className="grid",
    )


def _fixes_grid(fixes: pd.DataFrame, lang: str):
    if fixes.empty:
        return html.P(t("fixes.empty", lang), className="muted")
    rows = [
        {
            "holder": f.holder,
            "name": f.display_name if isinstance(f.display_name, str) else t("fixes.no_warden", lang),
            "fixes": int(f.fixes),
            "outliers": int(f.outliers),
            "first": fmt_datetime(f.first_ts),
            "last": fmt_datetime(f.last_ts),
        }
        for f in fixes.itertuples()
    ]
    columns = [
        {"field": "holder", "headerName": t("col.holder", lang), "width": 140},
        {"field": "name", "headerName": t("col.name", lang), "flex": 1, "minWidth": 240},
        {"field": "fixes", "headerName": t("col.fixes", lang), "width": 150, **NUMBER},
        {"field": "outliers", "headerName": t("col.outliers", lang), "width": 150, **NUMBER},
        {"field": "first", "headerName": t("col.first", lang), "width": 175},
        {"field": "last", "headerName": t("col.last", lang), "width": 175},
    ]
    return dag.AgGrid(
        id="home-fixes",
        rowData=rows,
        columnDefs=columns,
        defaultColDef={"resizable": True},
        dashGridOptions={"localeText": grid_locale(lang), **GRID_OPTIONS},
        style=GRID_STYLE,
        className="grid",
    )
