"""Trends: does a category really rise? The series with its expected band, anomalies, the same
period last year and the moving average over a year; small multiples to compare; the channel mix and
the Pro?bleembox mailboxes over time. Projects appear as shaded periods on every chart they concern.

The choice lives in the URL (`?category=sluikstort&area=23002E&kind=week&compare=area&lang=en`, or
`group=afval`, `channel=probleembox`): layout() reads it, a change writes it back without reloading.
Every figure comes from analytics/trends.py; the callbacks only wire the selectors to it.
"""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from analytics import projects as project_register
from analytics import trends
from analytics.seasonal import trend_sentence
from civ.errors import UnusableInput
from civ.i18n import texts_of
from dashboards import branding, connection
from dashboards.components import frame, trend_chart
from dashboards.i18n import TEXTS, lang_of, t

dash.register_page(__name__, path="/trends", name="Trends", title=branding.page_title("Trends"), order=5)

ALL = "all"
KINDS = ("month", "week")
COMPARES = ("category", "category_group", "area", "channel")
SMALL_MULTIPLES = 6


def trend_texts(lang: str) -> dict:
    return texts_of("trend.", lang)


def label_texts(lang: str) -> dict:
    return texts_of("trendlabel.", lang)


def _group_name(group: str, lang: str) -> str:
    return t(f"group.{group}", lang) if f"group.{group}" in TEXTS else group


def _selection(what: str | None, area: str | None, channel: str | None) -> trends.Selection:
    what = what or ALL
    return trends.Selection(
        category=what[4:] if what.startswith("cat:") else None,
        category_group=what[6:] if what.startswith("group:") else None,
        area=None if area in (None, ALL) else area,
        channel=None if channel in (None, ALL) else channel,
    )


def _sentence(con, series: trends.TrendSeries, lang: str) -> str:
    label = trends.selection_label(con, series.selection, texts=label_texts(lang), lang=lang)
    return trend_sentence(label, series.trend, plural=trends.is_plural(series.selection), texts=trend_texts(lang))


def _concerning(con, selection: trends.Selection) -> list:
    return project_register.concerning(con, selection.categories(con), selection.area)


# --- layout ----------------------------------------------------------------------------------------
def layout(
    category: str | None = None,
    group: str | None = None,
    area: str | None = None,
    channel: str | None = None,
    kind: str | None = None,
    compare: str | None = None,
    lang: str | None = None,
    **_query,
) -> html.Div:
    lang = lang_of(lang)
    # The selectors and panels are always in the layout, hidden when there is nothing to show, so that
    # the page's callbacks always find their components (app.py suppresses Dash's check, so a callback
    # with a missing component would simply never run).
    problem = None
    options = {
        "groups": [],
        "categories": pd.DataFrame(columns=["code", "label_nl", "label_en"]),
        "areas": pd.DataFrame(columns=["code", "name"]),
        "channels": pd.DataFrame(columns=["code", "label_nl", "label_en"]),
    }
    try:
        with connection.reader() as con:
            options = trends.choices(con)
            if not trends.series_periods(con, "month"):
                problem = frame.empty_store(lang)
    except UnusableInput as error:
        problem = frame.store_problem(error, lang)

    label = "label_en" if lang == "en" else "label_nl"
    what_options = [{"label": t("trends.all", lang), "value": ALL}]
    what_options += [
        {"label": t("trends.group_option", lang, group=_group_name(g, lang)), "value": f"group:{g}"}
        for g in options["groups"]
    ]
    what_options += [{"label": getattr(c, label), "value": f"cat:{c.code}"} for c in options["categories"].itertuples()]
    area_options = [{"label": t("trends.all_areas", lang), "value": ALL}] + [
        {"label": a.name, "value": a.code} for a in options["areas"].itertuples()
    ]
    channel_options = [{"label": t("trends.all_channels", lang), "value": ALL}] + [
        {"label": getattr(c, label), "value": c.code} for c in options["channels"].itertuples()
    ]

    notices = []

    def known(value, choices, prefix=""):
        if value is None:
            return None
        wanted = prefix + str(value)
        if wanted in {o["value"] for o in choices}:
            return wanted
        notices.append(html.P(t("trends.bad_value", lang, value=value), className="notice"))
        return None

    what = known(category, what_options, "cat:") or known(group, what_options, "group:") or ALL
    area_value = known(area, area_options) or ALL
    channel_value = known(channel, channel_options) or ALL
    kind = kind if kind in KINDS else "month"
    default_compare = "area" if what.startswith("cat:") else "category"
    compare = compare if compare in COMPARES else default_compare

    def control(text, component):
        return html.Div(
            [html.Label(text, htmlFor=component.id, className="filter-label"), component], className="filter-control"
        )

    filters = html.Div(
        [
            control(
                t("trends.what", lang),
                dcc.Dropdown(
                    id="trends-what", options=what_options, value=what, clearable=False, className="filter-dropdown"
                ),
            ),
            control(
                t("trends.area", lang),
                dcc.Dropdown(
                    id="trends-area", options=area_options, value=area_value, clearable=False, searchable=False
                ),
            ),
            control(
                t("trends.channel", lang),
                dcc.Dropdown(id="trends-channel", options=channel_options, value=channel_value, clearable=False),
            ),
            control(
                t("trends.kind", lang),
                dcc.RadioItems(
                    id="trends-kind",
                    value=kind,
                    className="segmented",
                    inline=True,
                    options=[{"label": t(f"trends.kind.{k}", lang), "value": k} for k in KINDS],
                ),
            ),
        ],
        className="trends-filters",
    )

    return html.Div(
        [
            _header(lang),
            dcc.Location(id="trends-url", refresh=False),
            dcc.Store(id="trends-lang", data=lang),
            *notices,
            problem,
            html.Div(_content(lang, filters, compare), hidden=problem is not None),
        ],
        id="trends-page",
    )


def _content(lang: str, filters, compare: str) -> list:
    return [
        filters,
        html.Section(
            [
                html.H2(id="trends-sentence", className="trend-sentence"),
                html.Div(id="trends-notes"),
                dcc.Loading(
                    dcc.Graph(id="trends-main", config=trend_chart.graph_config(lang)), type="dot", delay_show=400
                ),
                html.P(id="trends-anomalies", className="caption"),
                html.P(id="trends-projects", className="caption"),
                html.P(t("trends.method", lang), className="method"),
            ],
            className="panel",
        ),
        html.Section(
            [
                html.Div(
                    [
                        html.H2(t("trends.small.title", lang)),
                        dcc.RadioItems(
                            id="trends-compare",
                            value=compare,
                            className="segmented",
                            inline=True,
                            options=[{"label": t(f"trends.compare.{c}", lang), "value": c} for c in COMPARES],
                        ),
                    ],
                    className="panel-head",
                ),
                dcc.Loading(html.Div(id="trends-small", className="small-multiples"), type="dot", delay_show=400),
            ],
            className="panel",
        ),
        html.Section(
            [html.H2(t("trends.mix.title", lang)), dcc.Graph(id="trends-mix", config=trend_chart.graph_config(lang))],
            className="panel",
        ),
        html.Section([html.H2(t("trends.box.title", lang)), html.Div(id="trends-box")], className="panel"),
    ]


def _header(lang: str) -> html.Header:
    return html.Header(
        [html.H1(t("trends.title", lang)), html.P(t("trends.lead", lang), className="lead")], className="page-header"
    )


SELECTORS = [
    Input("trends-what", "value"),
    Input("trends-area", "value"),
    Input("trends-channel", "value"),
    Input("trends-kind", "value"),
]


# --- callbacks: wires from the selectors to analytics/trends.py ---------------------------------------
@callback(
    Output("trends-url", "search"),
    *SELECTORS,
    Input("trends-compare", "value"),
    State("trends-lang", "data"),
    prevent_initial_call=True,
)
def _remember(what, area, channel, kind, compare, lang):
    """The view goes into the URL (without reloading), so the address reopens it."""
    what = what or ALL
    return frame.href(
        "",
        lang,
        category=what[4:] if what.startswith("cat:") else None,
        group=what[6:] if what.startswith("group:") else None,
        area=None if area == ALL else area,
        channel=None if channel == ALL else channel,
        kind=None if kind == "month" else kind,
        compare=compare,
    )


@callback(
    Output("trends-sentence", "children"),
    Output("trends-notes", "children"),
    Output("trends-main", "figure"),
    Output("trends-anomalies", "children"),
    Output("trends-projects", "children"),
    *SELECTORS,
    State("trends-lang", "data"),
)
def _main(what, area, channel, kind, lang):
    selection = _selection(what, area, channel)
    try:
        with connection.reader() as con:
            series = trends.trend_series(con, selection, kind=kind)
            sentence = _sentence(con, series, lang)
            projects = _concerning(con, selection)
    except UnusableInput:  # the layout already says what is wrong with the store
        return None, None, {}, None, None
    notes = [html.P(t(f"trendlabel.{n}", lang), className="notice") for n in series.notes]
    if series.frame.empty:
        notes.append(html.P(t("trends.empty_series", lang), className="notice"))
    figure = trend_chart.series_figure(series.frame, kind, projects, lang)
    flagged = series.frame[series.frame["anomaly"]]
    anomalies = (
        t("trends.anomalies", lang, periods=", ".join(trend_chart.period_label(c, lang) for c in flagged["code"]))
        if len(flagged)
        else t("trends.no_anomalies", lang)
    )
    shaded = t("trends.projects", lang, names=", ".join(p.name for p in projects)) if projects else None
    return sentence, notes, figure, anomalies, shaded


@callback(
    Output("trends-small", "children"), *SELECTORS, Input("trends-compare", "value"), State("trends-lang", "data")
)
def _small(what, area, channel, kind, compare, lang):
    selection = _selection(what, area, channel)
    compare = compare if compare in COMPARES else "category"
    try:
        with connection.reader() as con:
            panels = trends.compare_series(con, selection, by=compare, kind=kind, limit=SMALL_MULTIPLES)
            words = [
                (
                    trends.selection_label(con, s.selection, texts=label_texts(lang), lang=lang),
                    _sentence(con, s, lang),
                    _concerning(con, s.selection),
                )
                for s in panels
            ]
    except UnusableInput:
        return []
    return [
        html.Div(
            [
                html.H3(label),
                dcc.Graph(
                    figure=trend_chart.series_figure(s.frame, kind, projects, lang, height=230, compact=True),
                    config={**trend_chart.graph_config(lang), "displayModeBar": False},
                ),
                html.P(sentence, className="small-sentence"),
            ],
            className="small-multiple",
        )
        for s, (label, sentence, projects) in zip(panels, words)
    ]


@callback(
    Output("trends-mix", "figure"),
    Output("trends-box", "children"),
    Input("trends-what", "value"),
    Input("trends-area", "value"),
    State("trends-lang", "data"),
)
def _channels(what, area, lang):
    """Monthly, whatever the series above: a week's mix of a handful of reports says little."""
    selection = _selection(what, area, None)
    try:
        with connection.reader() as con:
            mix = trends.channel_mix(con, selection)
            boxes = trends.mailbox_use(con, selection)
            projects = _concerning(con, selection)
    except UnusableInput:
        return {}, None
    box = (
        html.P(t("trends.box.empty", lang), className="muted")
        if boxes.empty or boxes["count"].sum() == 0
        else dcc.Graph(
            id="trends-box-chart", figure=trend_chart.mailbox_figure(boxes, lang), config=trend_chart.graph_config(lang)
        )
    )
    return trend_chart.mix_figure(mix, lang, projects), box
