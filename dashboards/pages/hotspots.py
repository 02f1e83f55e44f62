"""Hotspots: which concentrations of reports are new or growing this month, where, and why.

For the police chief reviewing hot-spot trends and the core group deciding where wardens and police
go next. Everything shown comes from analytics/hotspots (the stored run of the month when there is
one, else a detection on the spot); the callback only wires the filters to it and turns its frame
into map layers, cards and small history charts. The filters live in the URL
(`?month=2026-10&group=afval&class=new&defined=1&lang=en`), so a link reopens the same view.
"""

from __future__ import annotations

from contextlib import contextmanager

import dash
import dash_leaflet as dl
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from analytics import layers
from analytics.hotspots import CLASSES, view
from analytics.hotspots.candidates import ALL as ALL_CATEGORIES
from analytics.hotspots.runs import category_groups, month_results, month_span
from analytics.periods import Period
from civ.errors import UnusableInput
from dashboards import branding, connection, upkeep
from dashboards.components import frame
from dashboards.components import map as civ_map
from dashboards.i18n import (
    TEXTS,
    fmt_datetime,
    fmt_float,
    fmt_int,
    fmt_month,
    lang_of,
    t,
)

dash.register_page(__name__, path="/hotspots", name="Hotspots", title=branding.page_title("Hotspots"), order=3)

ANY = "all"
CLASS_COLOURS = civ_map.CLASS_COLOURS
HISTORY_BARS = 24


@contextmanager
def _store():
    """The store for one callback; when it cannot be read the page keeps what it shows."""
    try:
        with connection.reader() as con:
            yield con
    except UnusableInput:
        raise PreventUpdate from None


# --- layout ----------------------------------------------------------------------------------------
def layout(
    month: str | None = None,
    group: str | None = None,
    cls: str | None = None,
    defined: str | None = None,
    lang: str | None = None,
    **query,
) -> html.Div:
    lang = lang_of(lang)
    klass = query.get("class", cls)
    problem, months, groups, base = None, [], [], _empty_base()
    try:
        with connection.reader() as con:
            first, last = month_span(con)
            if first is not None:
                months = _months(first, last)
                groups = category_groups(con)
                base = {**layers.base_geography(con), "hotspots": civ_map.EMPTY_LAYER}
    except UnusableInput as error:
        problem = frame.store_problem(error, lang)
    if problem is None and not months:
        problem = frame.empty_store(lang)
    notices = []
    chosen = months[-1] if months else None
    if month and month in months:
        chosen = month
    elif month and months:
        notices.append(
            html.P(
                t("hotspots.bad_month", lang, value=month, month=_month_label(chosen, lang)),
                className="notice",
                id="hotspots-bad-month",
            )
        )
    group_options = _group_options(groups, lang)
    class_options = [{"label": t("hotspots.all_classes", lang), "value": ANY}] + [
        {"label": t(f"class.{c}", lang), "value": c} for c in CLASSES
    ]
    values = {}
    for name, value, options in (("group", group, group_options), ("class", klass, class_options)):
        valid = {o["value"] for o in options}
        values[name] = value if value in valid else ANY
        if value not in (None, ANY) and value not in valid:
            notices.append(html.P(t("hotspots.bad_filter", lang, value=value), className="notice"))
    show_defined = str(defined or "").lower() in ("1", "true", "ja", "yes", "on")
    # Everything stays in the layout (hidden when there is nothing to show), so that the page's
    # callbacks always find their components (app.py suppresses Dash's check, so a callback with a
    # missing component would simply never run).
    return html.Div(
        [
            html.Header(
                [
                    html.H1([t("hotspots.title", lang), html.Span(id="hotspots-month-label", className="h1-period")]),
                    html.P(t("hotspots.lead", lang), className="lead"),
                ],
                className="page-header",
            ),
            problem,
            html.Div(
                notices + _body(lang, months, chosen, group_options, class_options, values, show_defined, base),
                hidden=problem is not None,
                id="hotspots-body",
            ),
        ],
        id="hotspots-page",
    )


def _months(first: str, last: str) -> list[str]:
    months, period = [], Period.parse(last)
    while period.code >= first:
        months.insert(0, period.code)
        period = period.previous()
    return months


def _month_label(code: str | None, lang: str) -> str:
    return Period.parse(code).label(lang) if code else ""


def _empty_base() -> dict:
    return {
        "bounds": None,
        "areas": civ_map.EMPTY_LAYER,
        "municipality": civ_map.EMPTY_LAYER,
        "hotspots": civ_map.EMPTY_LAYER,
    }


def _group_options(groups: list[str], lang: str) -> list[dict]:
    return (
        [{"label": t("hotspots.all_groups", lang), "value": ANY}]
        + [{"label": t(f"group.{g}", lang) if f"group.{g}" in TEXTS else g, "value": g} for g in groups]
        + [{"label": t("hotspots.group.alle", lang), "value": ALL_CATEGORIES}]
    )


def _body(lang, months, chosen, group_options, class_options, values, show_defined, base) -> list:
    month_options = [{"label": _month_label(m, lang), "value": m} for m in reversed(months)]
    return [
        dcc.Location(id="hotspots-url", refresh=False),
        dcc.Store(id="hotspots-lang", data=lang),
        html.Section(
            [
                _control(
                    t("hotspots.filter.month", lang),
                    dcc.Dropdown(id="hotspots-month", options=month_options, value=chosen, clearable=False),
                ),
                _control(
                    t("hotspots.filter.group", lang),
                    dcc.Dropdown(
                        id="hotspots-group",
                        options=group_options,
                        value=values["group"],
                        clearable=False,
                        searchable=False,
                    ),
                ),
                _control(
                    t("hotspots.filter.class", lang),
                    dcc.Dropdown(
                        id="hotspots-class",
                        options=class_options,
                        value=values["class"],
                        clearable=False,
                        searchable=False,
                    ),
                ),
                html.Div(
                    dcc.Checklist(
                        id="hotspots-defined",
                        value=["on"] if show_defined else [],
                        options=[{"label": t("hotspots.show_defined", lang), "value": "on"}],
                        className="hotspots-switch",
                        inputClassName="hotspots-switch-input",
                    ),
                    className="filter-control hotspots-switch-control",
                ),
            ],
            className="panel hotspots-filters",
            **{"aria-label": t("hotspots.filters", lang)},
        ),
        html.Div(id="hotspots-kpis", className="kpi-grid hotspots-kpis"),
        html.Div(id="hotspots-callout"),
        html.Div(
            [
                html.Section(
                    [
                        html.H2(t("hotspots.map.title", lang)),
                        html.P(id="hotspots-map-caption", className="caption"),
                        civ_map.asse_map(
                            "hotspots-map",
                            lang=lang,
                            tiles=civ_map.tile_url(),
                            **base,
                            overlays=[
                                dl.GeoJSON(
                                    id=f"hotspots-layer-{klass}",
                                    data=civ_map.EMPTY_LAYER,
                                    style={
                                        "color": colour,
                                        "weight": 4,
                                        "opacity": 1,
                                        "fillColor": colour,
                                        "fillOpacity": 0.35,
                                    },
                                    hoverStyle={"weight": 6},
                                )
                                for klass, colour in CLASS_COLOURS.items()
                            ]
                            + [dl.LayerGroup(id="hotspots-centres")],
                        ),
                        _legend(lang),
                        html.Div(id="hotspots-defined-panel"),
                    ],
                    className="panel hotspots-map-panel",
                ),
                html.Section(
                    [
                        html.H2(t("hotspots.list.title", lang)),
                        html.Div(id="hotspots-list", className="hotspots-list"),
                    ],
                    className="panel hotspots-list-panel",
                ),
            ],
            className="hotspots-columns",
        ),
        html.P(id="hotspots-run", className="caption hotspots-run"),
        html.P(t("hotspots.method", lang), className="method", id="hotspots-method"),
    ]


def _control(label: str, control) -> html.Div:
    return html.Div(
        [html.Label(label, htmlFor=control.id, className="filter-label"), control], className="filter-control"
    )


def _legend(lang: str) -> html.Div:
    items = [
        html.Span(
            [
                html.I(className="hs-swatch", style={"background": colour, "borderColor": colour}),
                t(f"class.{klass}", lang),
            ],
            className="legend-item",
            title=t(f"class.{klass}.help", lang),
        )
        for klass, colour in CLASS_COLOURS.items()
    ]
    items.append(
        html.Span(
            [html.I(className="legend-line legend-hotspot"), t("map.legend.hotspots", lang)], className="legend-item"
        )
    )
    return html.Div(
        [html.Span(t("hotspots.legend.title", lang), className="legend-title")] + items,
        className="map-legend hotspots-legend",
    )


# --- callbacks: wires from the filters to analytics.hotspots --------------------------------------
FILTERS = [
    Input("hotspots-month", "value"),
    Input("hotspots-group", "value"),
    Input("hotspots-class", "value"),
    Input("hotspots-defined", "value"),
]


@callback(Output("hotspots-url", "search"), *FILTERS, State("hotspots-lang", "data"), prevent_initial_call=True)
def _remember(month, group, klass, defined, lang):
    """The view goes into the URL (without reloading the page), so the address can be shared."""
    return frame.href(
        "",
        lang,
        month=month,
        group=None if group == ANY else group,
        **{"class": None if klass == ANY else klass},
        defined="1" if defined else None,
    )


@callback(
    *[Output(f"hotspots-layer-{klass}", "data") for klass in CLASS_COLOURS],
    Output("hotspots-centres", "children"),
    Output("hotspots-map-hotspots", "data"),
    Output("hotspots-kpis", "children"),
    Output("hotspots-callout", "children"),
    Output("hotspots-list", "children"),
    Output("hotspots-defined-panel", "children"),
    Output("hotspots-map-caption", "children"),
    Output("hotspots-run", "children"),
    Output("hotspots-month-label", "children"),
    *FILTERS,
    State("hotspots-lang", "data"),
)
def _show(month, group, klass, defined, lang):
    if not month:
        raise PreventUpdate
    show_defined = bool(defined)
    with _store() as con:
        run, results = month_results(con, month, allow_earlier=upkeep.keeps_current(connection.db_path(), month))
        defined_layer = layers.hotspots_geojson(con) if show_defined else civ_map.EMPTY_LAYER
    chosen = view.select(results, None if group == ANY else group, None if klass == ANY else klass)
    counts = view.class_counts(chosen)
    candidates = view.wardens_candidates(chosen)
    features = {k: {"type": "FeatureCollection", "features": []} for k in CLASS_COLOURS}
    for rank, row in enumerate(chosen.to_dict("records"), start=1):
        features[row["class"]]["features"].append(_feature(row, rank, lang))
    kpis = [
        frame.kpi_card(
            t("hotspots.kpi.emerging", lang),
            fmt_int(counts["new"] + counts["intensifying"]),
            t("hotspots.kpi.emerging_note", lang),
            "hotspots-kpi-emerging",
        ),
        frame.kpi_card(
            t("hotspots.kpi.persistent", lang), fmt_int(counts["persistent"]), card_id="hotspots-kpi-persistent"
        ),
        frame.kpi_card(
            t("hotspots.kpi.fading", lang),
            fmt_int(counts["diminishing"] + counts["historical"]),
            card_id="hotspots-kpi-fading",
        ),
        frame.kpi_card(
            t("hotspots.kpi.candidates", lang),
            fmt_int(len(candidates)),
            t("hotspots.kpi.candidates_note", lang),
            "hotspots-kpi-candidates",
        ),
    ]
    callout = _callout(len(candidates), lang) if show_defined else None
    cards = [_card(row, rank, lang, show_defined) for rank, row in enumerate(chosen.to_dict("records"), start=1)] or [
        html.P(t("hotspots.list.empty", lang), className="muted", id="hotspots-empty")
    ]
    defined_panel = _defined_panel(defined_layer, chosen, lang) if show_defined else None
    caption = (
        t("hotspots.map.caption_one", lang)
        if len(chosen) == 1
        else t("hotspots.map.caption", lang, count=fmt_int(len(chosen)))
    )
    until = fmt_datetime(run.get("reports_until"))
    run_text = (
        t("hotspots.run.earlier", lang, until=until)
        if run.get("earlier")
        else t("hotspots.run.stored", lang, run=run["run_id"], created=fmt_datetime(run["created_at"]), until=until)
        if run.get("stored")
        else t("hotspots.run.fresh", lang, until=until, month=month)
    )
    # A footprint is 100–300 m across: at the scale of the municipality a dot in the class colour
    # marks it (a few tens of markers at most), the outline shows when zoomed in.
    centres = [
        dl.CircleMarker(
            center=[row["lat"], row["lon"]],
            radius=8 if row["emerging"] else 6,
            color="#ffffff",
            weight=2,
            fillColor=CLASS_COLOURS[row["class"]],
            fillOpacity=1,
            children=dl.Tooltip(f"{rank}. {t('class.' + row['class'], lang)}: {_reason(row, lang)}"),
        )
        for rank, row in reversed(list(enumerate(chosen.to_dict("records"), start=1)))
    ]
    return (
        *[features[k] for k in CLASS_COLOURS],
        centres,
        defined_layer,
        kpis,
        callout,
        cards,
        defined_panel,
        caption,
        run_text,
        f" · {_month_label(month, lang)}",
    )


def _reason(row: dict, lang: str) -> str:
    return row["reason_en"] if lang == "en" and row.get("reason_en") else row["reason"]


def _feature(row: dict, rank: int, lang: str) -> dict:
    tooltip = f"<b>{rank}. {t('class.' + row['class'], lang)}</b><br>{_reason(row, lang)}"
    return {
        "type": "Feature",
        "id": row["id"],
        "geometry": row["geometry"],
        "properties": {"id": row["id"], "class": row["class"], "rank": rank, "tooltip": tooltip},
    }


def _badge(klass: str, lang: str) -> html.Span:
    return html.Span(
        t(f"class.{klass}", lang),
        className=f"hs-badge hs-{klass}",
        style={"background": CLASS_COLOURS[klass]},
        title=t(f"class.{klass}.help", lang),
    )


def _p_text(p: float) -> str:
    if p < 0.001:
        return "< 0,001"
    return fmt_float(p, 3) if p < 0.1 else fmt_float(p, 2)


def _card(row: dict, rank: int, lang: str, show_defined: bool) -> html.Article:
    candidate = view.is_candidate(row)
    place = (
        t("hotspots.on_defined", lang, name=row["on_defined_hotspot"])
        if row["on_defined_hotspot"]
        else t("hotspots.not_defined", lang)
    )
    tags = [
        html.Span(f"{rank}.", className="hs-rank"),
        _badge(row["class"], lang),
        html.Span(place, className="hs-place"),
    ]
    if show_defined and candidate:
        tags.append(html.Span(t("hotspots.candidate", lang), className="hs-candidate"))
    group = (
        t("hotspots.group.alle", lang)
        if row["category_group"] == ALL_CATEGORIES
        else t(f"group.{row['category_group']}", lang)
        if f"group.{row['category_group']}" in TEXTS
        else row["category_group"]
    )
    label = "label_en" if lang == "en" else "label"
    mix = ", ".join(f"{item.get(label) or item['label']} {fmt_int(item['count'])}" for item in row["categories"])
    facts = t(
        "hotspots.facts",
        lang,
        current=fmt_int(row["current"]),
        expected=fmt_float(row["expected"]),
        p=_p_text(row["p_value"]),
        q=_p_text(row["q_value"]),
    )
    return html.Article(
        [
            html.Div(tags, className="hs-tags"),
            html.P(_reason(row, lang), className="hs-reason"),
            html.Div(
                [
                    _history(row, lang),
                    html.Div(
                        [
                            html.Div(facts, className="hs-facts"),
                            html.Div(mix, className="hs-mix"),
                            html.Div(t("hotspots.search", lang, group=group), className="hs-search"),
                        ],
                        className="hs-numbers",
                    ),
                ],
                className="hs-detail",
            ),
        ],
        className=f"hs-card hs-card-{row['class']}" + (" hs-card-candidate" if show_defined and candidate else ""),
        id=f"hotspots-item-{rank}",
        **{"data-class": row["class"]},
    )


def _history(row: dict, lang: str) -> html.Div:
    """A small bar chart of the monthly counts, this month in the class colour, the baseline darker."""
    history = row["history"][-HISTORY_BARS:]
    top = max([h["count"] for h in history] + [1])
    bars = []
    for index, item in enumerate(history):
        current = index == len(history) - 1
        baseline = len(history) - 13 <= index < len(history) - 1
        height = max(4.0, 100.0 * item["count"] / top) if item["count"] else 2.0
        bars.append(
            html.Span(
                className="hs-bar" + (" hs-bar-base" if baseline else ""),
                style={"height": f"{height:.0f}%", **({"background": CLASS_COLOURS[row["class"]]} if current else {})},
                title=t(
                    "hotspots.history_bar",
                    lang,
                    month=fmt_month(item["month"] + "-01", lang),
                    count=fmt_int(item["count"]),
                ),
            )
        )
    first, last = history[0]["month"] + "-01", history[-1]["month"] + "-01"
    return html.Figure(
        [
            html.Div(
                bars,
                className="hs-bars",
                role="img",
                **{"aria-label": t("hotspots.history", lang) + ": " + ", ".join(str(h["count"]) for h in history)},
            ),
            html.Figcaption(
                [
                    html.Span(fmt_month(first, lang)),
                    html.Span(fmt_int(top), className="hs-top"),
                    html.Span(fmt_month(last, lang)),
                ],
                className="hs-axis",
            ),
        ],
        className="hs-history",
        title=t("hotspots.history", lang),
    )


def _callout(count: int, lang: str) -> html.Div:
    key = "hotspots.callout_none" if count == 0 else "hotspots.callout_one" if count == 1 else "hotspots.callout"
    return html.Div(
        t(key, lang, count=fmt_int(count)),
        className="hs-callout" + (" hs-callout-none" if not count else ""),
        id="hotspots-callout-text",
        role="note",
    )


def _defined_panel(defined_layer: dict, chosen, lang: str) -> html.Div:
    names = [f["properties"]["name"] for f in defined_layer.get("features", [])]
    overview = view.defined_overview(names, chosen)
    items = []
    for row in overview.to_dict("records"):
        detected = (
            [_badge(k, lang) for k in row["classes"]]
            if row["classes"]
            else [html.Span(t("hotspots.defined.none", lang), className="muted")]
        )
        items.append(html.Li([html.Span(row["name"], className="hs-defined-name"), html.Span(detected)]))
    return html.Div(
        [html.H3(t("hotspots.defined.title", lang)), html.Ul(items, className="hs-defined-list")],
        id="hotspots-defined-list",
    )
