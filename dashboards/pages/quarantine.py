"""Quarantaine: every refused row with its reason, the file it came from and its row number.

Nothing is dropped silently: a coordinator who loaded 1.200 rows and sees 1.186 reports finds the
14 others here, corrects the file and loads it again. `?batch=N` opens the rows of one import.

The reasons are grouped by template (the values taken out), per import and overall, with the rows per
label for the coordinator; a click on a reason (`?reason=…`) opens its rows. The refused rows download
as CSV or XLSX (for the coordinator the file's own header and rows, to fix in Excel and upload again); the
coordinator and the beheerder can send an import's refused rows again through the current mapping
(*opnieuw proberen*: `quarantine retry`, as a background job; ids `import-…`, refused to other roles).
"""

from __future__ import annotations

import json

import dash
import dash_ag_grid as dag
from dash import Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from analytics import inventory
from civ.errors import UnusableInput
from dashboards import access, branding, connection
from dashboards.components import frame
from dashboards.components.import_jobs import jobs
from dashboards.components.reason_groups import group_reasons, has_template
from dashboards.i18n import fmt_int, grid_locale, kind_label, lang_of, t
from dashboards.report.contents import summarise_reason

dash.register_page(__name__, path="/quarantaine", name="Quarantaine", title=branding.page_title("Quarantaine"), order=1)

LIMIT = 500
UNKNOWN_CATEGORY_TEMPLATE = "categorie '…' is onbekend"
ALL = "all"


def _batch_param(value) -> int | None:
    """`?batch=12` as an int; anything else (absent, 'all', garbage) means every import."""
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _reason_counts(con, batch_id: int | None) -> list[tuple[str, int]]:
    return con.execute(
        """SELECT reason, count(*) FROM quarantine WHERE ? IS NULL OR batch_id = ?
                          GROUP BY reason""",
        [batch_id, batch_id],
    ).fetchall()


def _rows(con, batch_id: int | None, reason: str | None, limit: int | None):
    """The refused rows (of one reason template when given), raw text only for who may see it."""
    raw = access.can_see_reporter_data()
    if not reason:
        return inventory.quarantine_list(con, batch_id=batch_id, limit=limit or 10**9, include_raw_text=raw)
    rows = inventory.quarantine_list(con, batch_id=batch_id, limit=10**9, include_raw_text=raw)
    rows = rows[rows["reason"].map(lambda r: has_template(r, reason))]
    return rows.head(limit) if limit else rows


def layout(batch: str | None = None, lang: str | None = None, reason: str | None = None, **_query) -> html.Div:
    lang = lang_of(lang)
    batch_id = _batch_param(batch)
    reason = str(reason)[:300] if reason else None
    try:
        with connection.reader() as con:
            summary = inventory.store_summary(con)
            batches = inventory.quarantine_batches(con)
            groups = group_reasons(_reason_counts(con, batch_id))
            rows = _rows(con, batch_id, reason, LIMIT)
            total = (
                len(_rows(con, batch_id, reason, None))
                if reason
                else inventory.quarantine_count(con, batch_id=batch_id)
            )
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
    kind = next((b.kind for b in batches.itertuples() if int(b.batch_id) == batch_id), None)
    return _page(
        lang,
        [
            *notices,
            _reasons(groups, reason, lang, _fix_href(batch_id, kind, lang)),
            _actions(batch_id, kind, reason, lang),
            html.Section(_grid(rows, lang), className="panel"),
        ],
        options=options,
        value=str(batch_id) if batch_id in known else ALL,
        count_text=count_text,
    )


def _fix_href(batch_id: int | None, kind: str | None, lang: str) -> str | None:
    """The import page's mapping step for this import's unknown labels (coordinator and beheerder)."""
    if batch_id is None or kind != "reports" or not access.allowed("import"):
        return None
    return frame.href("/import", lang, batch=batch_id)


def _reasons(groups, chosen: str | None, lang: str, fix_href: str | None = None) -> html.Section:
    """The reasons by template, most rows first; a click opens the rows of one reason. An unknown category
    links to the import page's mapping step for that import (*De koppeling aanpassen*)."""
    show_values = access.can_see_reporter_data()
    lines = [html.Tr([html.Th(t("col.reason", lang)), html.Th(t("quarantine.rows", lang))])]
    for index, group in enumerate(groups):
        values = group.top_values() if show_values else []
        label_text = ", ".join(f"{value} ({fmt_int(rows)})" for value, rows in values)
        lines.append(
            html.Tr(
                [
                    html.Td(
                        [
                            html.Button(
                                group.template,
                                id={"type": "quarantine-reason", "index": index},
                                n_clicks=0,
                                className="link-button" + (" chosen" if group.template == chosen else ""),
                                title=t("quarantine.open_reason", lang),
                            ),
                            html.P(label_text, className="reason-labels") if label_text else None,
                            dcc.Link(t("quarantine.fix_mapping", lang), href=fix_href, id="quarantine-fix-mapping")
                            if fix_href and group.template == UNKNOWN_CATEGORY_TEMPLATE
                            else None,
                        ]
                    ),
                    html.Td(fmt_int(group.rows), className="rows"),
                ]
            )
        )
    # always in the layout (hidden without a chosen reason): a callback with a missing input never runs
    chosen_line = html.P(
        [
            t("quarantine.reason_chosen", lang, reason=chosen) if chosen else "",
            " ",
            html.Button(t("quarantine.all_reasons", lang), id="quarantine-all-reasons", n_clicks=0, className="button"),
        ],
        id="quarantine-reason-chosen",
        hidden=not chosen,
    )
    return html.Section(
        [
            html.H2(t("quarantine.by_reason", lang)),
            chosen_line,
            html.Table(lines, className="reason-groups", id="quarantine-reasons"),
            dcc.Store(id="quarantine-templates", data=[g.template for g in groups]),
        ],
        className="panel",
    )


def _actions(batch_id: int | None, kind: str | None, reason: str | None, lang: str) -> html.Div:
    """Download the refused rows; retry an import's refused reports (coordinator and beheerder)."""
    items = [
        html.Button(t("quarantine.download", lang), id="quarantine-download", n_clicks=0, className="button"),
        html.Button(t("quarantine.download_xlsx", lang), id="quarantine-download-xlsx", n_clicks=0, className="button"),
        dcc.Download(id="quarantine-download-file"),
        dcc.Store(id="quarantine-selection", data={"batch": batch_id, "reason": reason}),
    ]
    if batch_id is not None and kind == "reports" and access.allowed("import"):
        from etl.profiles import list_profiles

        saved = [p["name"] for p in list_profiles(connection.db_path()) if p["kind"] in (None, "reports")]
        items += [
            dcc.Dropdown(
                id="import-retry-profile",
                options=saved,
                placeholder=t("quarantine.retry_profile", lang),
                style={"minWidth": "260px"},
            ),
            html.Button(t("quarantine.retry", lang), id="import-retry", n_clicks=0, className="button"),
            dcc.Store(id="import-retry-job"),
            dcc.Interval(id="import-retry-poll", interval=700, disabled=True),
            html.Span(id="import-retry-message", className="notice-line"),
        ]
    return html.Div(
        items,
        className="button-row",
        id="quarantine-actions",
        style={"display": "flex", "gap": "10px", "alignItems": "center", "margin": "8px 0"},
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


@callback(
    Output("quarantine-url", "search", allow_duplicate=True),
    Input({"type": "quarantine-reason", "index": dash.ALL}, "n_clicks"),
    Input("quarantine-all-reasons", "n_clicks"),
    State("quarantine-templates", "data"),
    State("quarantine-selection", "data"),
    State("quarantine-lang", "data"),
    prevent_initial_call=True,
)
def _choose_reason(clicks, _all, templates, selection, lang):
    """A click on a reason opens its rows (in the URL, like the import filter)."""
    trigger = ctx.triggered_id
    if not ctx.triggered or not any(c for c in clicks or []) and trigger != "quarantine-all-reasons":
        raise PreventUpdate
    batch = (selection or {}).get("batch")
    if trigger == "quarantine-all-reasons":
        return frame.href("", lang, batch=batch)
    index = trigger.get("index") if isinstance(trigger, dict) else None
    if not isinstance(index, int) or not 0 <= index < len(templates or []):
        raise PreventUpdate
    return frame.href("", lang, batch=batch, reason=templates[index])


@callback(
    Output("quarantine-download-file", "data"),
    Input("quarantine-download", "n_clicks"),
    Input("quarantine-download-xlsx", "n_clicks"),
    State("quarantine-selection", "data"),
    prevent_initial_call=True,
)
def _download(_csv, _xlsx, selection):
    """The refused rows as CSV or XLSX. The coordinator gets, for one import, the file's own header and rows
    (to fix in Excel and upload again; the XLSX adds the reason as a last column); other roles get row
    numbers and reasons with the values taken out."""
    from dashboards.components import refused_rows
    from dashboards.report.contents import summarise_reason

    selection = selection or {}
    batch_id, reason = _batch_param(selection.get("batch")), selection.get("reason")
    raw = access.can_see_reporter_data()
    with connection.reader() as con:
        rows = _rows(con, batch_id, reason, None)
        header = store_header(con, batch_id) if raw and batch_id is not None else None
    columns, cells, own_file = refused_rows.table(rows, header, raw, summarise_reason)
    xlsx = ctx.triggered_id == "quarantine-download-xlsx"
    access.audit(
        "quarantine_download",
        f"import {batch_id if batch_id is not None else 'alle'}: {len(rows)} rijen ({'XLSX' if xlsx else 'CSV'})",
    )
    name = f"quarantaine-{batch_id if batch_id is not None else 'alle'}"
    if xlsx:
        return dcc.send_bytes(refused_rows.as_xlsx(columns, cells), f"{name}.xlsx")
    content = refused_rows.as_csv(columns, cells, own_file, header[1] if header else ";")
    return {"content": content, "filename": f"{name}.csv", "type": "text/csv"}


def store_header(con, batch_id: int):
    """(the file's header, its separator) as the batch recorded them, or None for an older batch."""
    try:
        row = con.execute("SELECT header, delimiter FROM batch_details WHERE batch_id = ?", [batch_id]).fetchone()
    except Exception:  # a store from before batch details
        return None
    if not row or row[0] is None:
        return None
    return json.loads(row[0]), row[1] or ";"


@callback(
    Output("import-retry-job", "data"),
    Output("import-retry-poll", "disabled"),
    Output("import-retry-message", "children"),
    Input("import-retry", "n_clicks"),
    State("import-retry-profile", "value"),
    State("quarantine-selection", "data"),
    State("quarantine-lang", "data"),
    prevent_initial_call=True,
)
def _retry(_n, profile_name, selection, lang):
    """Opnieuw proberen: the import's refused rows through the current profile, aliases and categories."""
    if not access.allowed("import"):
        raise PreventUpdate
    batch_id = _batch_param((selection or {}).get("batch"))
    if batch_id is None:
        raise PreventUpdate
    key = jobs.start(
        "retry",
        connection.db_path(),
        access.current_user_name(),
        batch_id=batch_id,
        profile_name=str(profile_name) if profile_name else None,
    )
    if key is None:
        return dash.no_update, True, t("import.busy", lang)
    access.audit("quarantine_retry", f"import {batch_id}")
    return key, False, t("import.running", lang, seconds=0)


@callback(
    Output("import-retry-message", "children", allow_duplicate=True),
    Output("import-retry-poll", "disabled", allow_duplicate=True),
    Input("import-retry-poll", "n_intervals"),
    State("import-retry-job", "data"),
    State("quarantine-lang", "data"),
    prevent_initial_call=True,
)
def _retry_poll(_n, key, lang):
    if not access.allowed("import"):
        raise PreventUpdate
    state, seconds, result, _job = jobs.status(key, access.current_user_name())
    if state == "running":
        return t("import.running", lang, seconds=int(seconds)), False
    if not result:
        return t("import.failed", lang), True
    if "error" in result:
        return t("import.refused", lang, reason=result["error"]), True
    return t(
        "quarantine.retried",
        lang,
        loaded=fmt_int(result.get("loaded", 0)),
        batch=result.get("batch_id"),
        refused=fmt_int(result.get("quarantined", 0)),
    ), True
