"""Quarantaine: every refused row with its reason, the file it came from and its row number.

Nothing is dropped silently: a coordinator who loaded 1.200 rows and sees 1.186 reports finds the
14 others here, corrects the file and loads it again. `?batch=N` opens the rows of one import.
"""

from __future__ import annotations

import dash
import dash_ag_grid as dag
from dash import Input, Output, State, callback, dcc, html

from analytics import inventory
from civ.errors import UnusableInput
from dashboards import access, branding, connection
from dashboards.components import frame
from dashboards.i18n import fmt_int, grid_locale, kind_label, lang_of, t
from dashboards.report.contents import summarise_reason

dash.register_page(__name__, path="/quarantaine", name="Quarantaine", title=branding.page_title("Quarantaine"), order=1)

LIMIT = 500
ALL = "all"


def _batch_param(value) -> int | None:
    """`?batch=12` as an int; anything else (absent, 'all', garbage) means every import."""
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def layout(batch: str | None = None, lang: str | None = None, **_query) -> html.Div:
    lang = lang_of(lang)
    batch_id = _batch_param(batch)
    try:
        with connection.reader() as con:
            summary = inventory.store_summary(con)
            batches = inventory.quarantine_batches(con)
            rows = inventory.quarantine_list(
                con, batch_id=batch_id, limit=LIMIT, include_raw_text=access.can_see_reporter_data()
            )
            total = inventory.quarantine_count(con, batch_id=batch_id)
    except UnusableInput as error:
        return _page(lang, [frame.store_problem(error, lang)])
    if inventory.is_empty(summary):
        return _page(lang, [frame.empty_store(lang)])
    if not access.can_see_reporter_data():
        # A reason quotes the refused row (exact coordinates, a typed text): other roles get it with the
        # values left out, as the meeting pack prints it (issue 13, F15).
        rows["reason"] = rows["reason"].map(summarise_reason)

    known = set(batches["batch_id"].astype(int))
    options = [{"label": t("quarantine.all", lang), "value": ALL}] + [
        {
            "label": f"#{int(b.batch_id)} · {b.file_name} · {kind_label(b.kind, lang)} ({fmt_int(b.quarantined)})",
            "value": str(int(b.batch_id)),
        }
        for b in batches.itertuples()
    ]
    notices = []
    if batch_id is not None and batch_id not in known:
        notices.append(
            html.P(t("quarantine.bad_batch", lang, batch=batch_id), className="notice", id="quarantine-bad-batch")
        )
    if total == 0:
        count_text = t("quarantine.none", lang)
    elif total == 1:
        count_text = t("quarantine.count_one", lang)
    elif total > len(rows):
        count_text = t("quarantine.count_limited", lang, count=fmt_int(total), shown=fmt_int(len(rows)))
    else:
        count_text = t("quarantine.count", lang, count=fmt_int(total))
    if not access.can_see_reporter_data():
        notices.append(html.P(t("quarantine.raw_hidden", lang), className="muted", id="quarantine-raw-hidden"))
    return _page(
        lang,
        [*notices, html.Section(_grid(rows, lang), className="panel")],
        options=options,
        value=str(batch_id) if batch_id in known else ALL,
        count_text=count_text,
    )


def _page(lang: str, body: list, options: list | None = None, value: str = ALL, count_text: str = "") -> html.Div:
    """The page's frame. The filter bar is always in the layout (hidden when there is nothing to
    filter) so that its callback always finds its components (a callback with a missing
    component would simply never run)."""
    header = html.Header(
        [html.H1(t("quarantine.title", lang)), html.P(t("quarantine.lead", lang), className="lead")],
        className="page-header",
    )
    return html.Div(
        [
            header,
            dcc.Location(id="quarantine-url", refresh="callback-nav"),
            dcc.Store(id="quarantine-lang", data=lang),
            html.Div(
                [
                    html.Label(t("quarantine.filter", lang), htmlFor="quarantine-batch", className="filter-label"),
                    dcc.Dropdown(
                        id="quarantine-batch",
                        options=options or [],
                        value=value,
                        clearable=False,
                        searchable=False,
                        className="filter-dropdown",
                    ),
                    html.Span(count_text, id="quarantine-count", className="filter-count"),
                ],
                className="filter-bar",
                hidden=options is None,
            ),
            *body,
        ],
        id="quarantine-page",
    )


def _grid(rows, lang: str) -> dag.AgGrid:
    data = [
        {
            "batch_id": int(r.batch_id),
            "file_name": r.file_name,
            "row_number": int(r.row_number),
            "reason": r.reason,
            "raw_text": r.raw_text,
        }
        for r in rows.itertuples()
    ]
    text_filter = {"filter": "agTextColumnFilter", "floatingFilter": True}
    number_filter = {"filter": "agNumberColumnFilter", "floatingFilter": True, "type": "rightAligned"}
    columns = [
        {"field": "batch_id", "headerName": t("col.batch", lang), "width": 110, **number_filter},
        {"field": "file_name", "headerName": t("col.file", lang), "width": 220, **text_filter},
        {"field": "row_number", "headerName": t("col.row", lang), "width": 100, **number_filter},
        {
            "field": "reason",
            "headerName": t("col.reason", lang),
            "flex": 2,
            "minWidth": 260,
            "wrapText": True,
            "autoHeight": True,
            **text_filter,
        },
        {
            "field": "raw_text",
            "headerName": t("col.raw", lang),
            "flex": 3,
            "minWidth": 260,
            "cellClass": "raw-text",
            "hide": not access.can_see_reporter_data(),
            **text_filter,
        },
    ]
    return dag.AgGrid(
        id="quarantine-grid",
        rowData=data,
        columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True},
        dashGridOptions={
            "localeText": grid_locale(lang),
            "pagination": True,
            "paginationPageSize": 50,
            "paginationPageSizeSelector": [50, 100, 500],
            "suppressCellFocus": True,
            "enableCellTextSelection": True,
        },
        style={"height": "620px", "width": "100%"},
        className="grid",
    )


@callback(
    Output("quarantine-url", "search"),
    Input("quarantine-batch", "value"),
    State("quarantine-lang", "data"),
    prevent_initial_call=True,
)
def _choose_batch(value, lang):
    """The chosen import goes into the URL; the page then re-renders from it, so links share the view."""
    return frame.href("", lang, batch=None if value == ALL else _batch_param(value))
