"""Projecten: did a project work? Per project its verdict in words, the interval, the counts the
estimate rests on and a chart of the target before and after against what was expected without it.

`?project=NAAM` shows one project (a link a core-group member can paste in the minutes). The figures
come from analytics/effects.py (difference-in-differences, see its docstring); this page only lays
them out.
"""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback, dcc, html

from analytics import effects, verdicts
from analytics import projects as project_register
from civ.errors import UnusableInput
from civ.formatting import signed_pct
from civ.i18n import texts_of
from dashboards import branding, connection
from dashboards.components import frame, trend_chart
from dashboards.i18n import fmt_date, fmt_float, fmt_int, lang_of, t

dash.register_page(__name__, path="/projecten", name="Projecten", title=branding.page_title("Projecten"), order=6)

ALL = "all"


def effect_texts(lang: str) -> dict:
    return texts_of("effect.", lang)


def layout(project: str | None = None, lang: str | None = None, **_query) -> html.Div:
    lang = lang_of(lang)
    notices, register, results = [], [], []
    try:
        with connection.reader() as con:
            register = project_register.register(con)
            chosen = [p for p in register if project in (None, ALL) or p.name == project]
            if project not in (None, ALL) and not chosen:
                notices.append(html.P(t("trends.bad_value", lang, value=project), className="notice"))
                chosen = register
            results = [(p, effects.project_effect(con, p.name), verdicts.category_names(con, p, lang)) for p in chosen]
    except UnusableInput as error:
        body = [frame.store_problem(error, lang)]
    else:
        if not register:
            body = [html.P(t("projects.none", lang), className="notice", id="projects-none")]
        else:
            body = [_card(p, result, names, lang) for p, result, names in results]
    chosen_one = project if project in {p.name for p in register} else ALL
    options = [{"label": t("projects.all", lang), "value": ALL}] + [
        {"label": p.name, "value": p.name} for p in register
    ]
    return html.Div(
        [
            _header(lang),
            dcc.Location(id="projects-url", refresh="callback-nav"),
            dcc.Store(id="projects-lang", data=lang),
            html.Div(
                [
                    html.Label(t("projects.choose", lang), htmlFor="projects-choose", className="filter-label"),
                    dcc.Dropdown(
                        id="projects-choose",
                        options=options,
                        value=chosen_one,
                        clearable=False,
                        className="filter-dropdown",
                    ),
                ],
                className="filter-bar",
                hidden=not register,
            ),
            *notices,
            *body,
            html.P(t("projects.method", lang), className="method"),
        ],
        id="projects-page",
    )


def _header(lang: str) -> html.Header:
    return html.Header(
        [html.H1(t("projects.title", lang)), html.P(t("projects.lead", lang), className="lead")],
        className="page-header",
    )


def _card(project, result: dict, categories: str, lang: str) -> html.Section:
    texts = effect_texts(lang)
    code = result["verdict_code"]
    period = (
        t("projects.period", lang, start=fmt_date(project.start), end=fmt_date(project.end))
        if project.end
        else t("projects.ongoing", lang, start=fmt_date(project.start))
    )
    where = texts[f"where.{project.design}"].format(area=project.area_name)
    what = texts["what"].format(categories=categories or texts["all_categories"], where=where)
    sentence = verdicts.result_sentence(project, result, categories, texts)
    effect_line = None
    if code in ("decrease", "increase", "none"):
        effect_line = html.P(
            t(
                "projects.effect",
                lang,
                effect=signed_pct(result["effect_pct"]),
                level=fmt_int(result["level"] * 100),
                low=signed_pct(result["lower"]),
                high=signed_pct(result["upper"]),
            ),
            className="project-effect",
        )
    slug = "".join(ch if ch.isalnum() else "-" for ch in project.name.lower()).strip("-")
    to_trends = frame.href(
        "/trends",
        lang,
        category=project.categories[0] if len(project.categories) == 1 else None,
        area=project.submunicipality,
    )
    kind = t(f"trends.kind.{result['kind']}", lang)
    return html.Section(
        [
            html.Div(
                [
                    html.H2(project.name),
                    html.Span(
                        texts[f"verdict.{code}"],
                        className=f"verdict verdict-badge-{code}",
                        id=f"projects-verdict-{slug}",
                    ),
                ],
                className="project-head",
            ),
            html.P(
                " · ".join(filter(None, [project.type, period, t("projects.target", lang, what=what)])),
                className="project-meta",
            ),
            html.P(sentence, className="project-sentence", id=f"projects-sentence-{slug}"),
            effect_line,
            dcc.Graph(figure=trend_chart.effect_figure(result, project, lang), config=trend_chart.graph_config(lang)),
            html.Div(
                [
                    _phase_table(result, lang, texts),
                    html.Div(
                        [
                            html.P(
                                t(
                                    "projects.comparison",
                                    lang,
                                    comparison=texts[f"comparison.{project.design}"],
                                    kind=kind,
                                ),
                                className="caption",
                            ),
                            *[html.P(texts[f"note.{n}"], className="caption") for n in result["note_codes"]],
                            dcc.Link(t("projects.to_trends", lang), href=to_trends),
                        ]
                    ),
                ],
                className="project-body",
            ),
        ],
        className=f"panel project-card verdict-{code}",
        id=f"projects-card-{slug}",
    )


def _phase_table(result: dict, lang: str, texts: dict) -> html.Table:
    head = html.Tr(
        [
            html.Th(t(f"projects.col.{c}", lang))
            for c in ("phase", "periods", "target", "comparison", "expected", "effect", "interval")
        ]
    )
    rows = []
    for row in result["phases"]:
        if row["verdict_code"] == "too_few":
            effect, interval = texts["verdict.too_few"], ""
        else:
            effect = "" if row["effect_pct"] is None else signed_pct(row["effect_pct"])
            interval = "" if row["lower"] is None else f"{signed_pct(row['lower'])} … {signed_pct(row['upper'])}"
        rows.append(
            html.Tr(
                [
                    html.Td(texts[f"phase.{row['phase']}"]),
                    html.Td(fmt_int(row["periods"])),
                    html.Td(fmt_int(row["target"])),
                    html.Td(fmt_int(row["comparison"])),
                    html.Td(fmt_float(row["expected"])),
                    html.Td(effect),
                    html.Td(interval),
                ],
                className="headline" if row["phase"] == result["phase"] else None,
            )
        )
    return html.Table([html.Thead(head), html.Tbody(rows)], className="phase-table")


@callback(
    Output("projects-url", "search"),
    Input("projects-choose", "value"),
    State("projects-lang", "data"),
    prevent_initial_call=True,
)
def _choose(value, lang):
    """The chosen project goes into the URL; the page re-renders from it, so the link can be shared."""
    return frame.href("", lang, project=None if value == ALL else value)
