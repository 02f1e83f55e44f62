"""Importeren (/import): upload, preview, map, dry run, load, save the mapping, undo — in the browser.

The coordinator and the beheerder only. Every step calls what the command line calls (etl/web_import.py
on top of the own-exports loaders); the dry run, the load and the undo run as background jobs
(dashboards/components/import_jobs.py), never in the request. Every component id starts with
`import-`: dashboards/access.py refuses those callbacks (403, audited) to other roles, and each
callback checks the role again. Every step is written to the audit log.
"""

from __future__ import annotations

import json

import dash
import dash_ag_grid as dag
from dash import ALL, Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from civ.errors import UnusableInput
from dashboards import access, branding, connection
from dashboards.components.import_jobs import jobs
from dashboards.i18n import fmt_datetime, fmt_int, grid_locale, kind_label, lang_of, t

dash.register_page(__name__, path="/import", name="Importeren", title=branding.page_title("Importeren"), order=15)

KINDS = ("reports", "fixes", "devices", "hotspots", "projects")
# Fields whose value may join two columns (a date column and a separate time column).
JOINABLE = {"reported_at", "closed_at", "timestamp", "valid_from", "valid_to", "start", "end", "address", "description"}
COUNTS = ("rows_in", "loaded", "remarks", "quarantined", "duplicates", "updated")
POLL_MS = 700
ENCODINGS = ["utf-8", "cp1252", "utf-16"]


def _header(lang: str) -> html.Header:
    return html.Header(
        [html.H1(t("import.title", lang)), html.P(t("import.lead", lang), className="lead")], className="page-header"
    )


def layout(lang: str | None = None, **_query) -> html.Div:
    lang = lang_of(lang)
    if not access.allowed("import"):
        return html.Div(
            [_header(lang), html.P(t("import.no_access", lang), className="notice", id="import-no-access")],
            id="import-page",
        )
    from etl.web_import import UPLOAD_MAX_BYTES

    kinds = [{"label": kind_label(k, lang), "value": k} for k in KINDS]
    return html.Div(
        [
            _header(lang),
            dcc.Store(id="import-lang", data=lang),
            dcc.Store(id="import-upload-token"),
            dcc.Store(id="import-job"),
            dcc.Store(id="import-recognised"),
            dcc.Store(id="import-labels-key"),
            dcc.Interval(id="import-poll", interval=POLL_MS, disabled=True),
            html.Section(
                [
                    html.H2(t("import.step.upload", lang)),
                    html.P(t("import.limit", lang, mb=UPLOAD_MAX_BYTES // (1024 * 1024)), className="muted"),
                    dcc.Upload(
                        id="import-upload-file",
                        children=html.Div(t("import.drop", lang)),
                        className="upload-zone",
                        multiple=False,
                        style={
                            "border": "2px dashed #8a9bb0",
                            "padding": "24px",
                            "textAlign": "center",
                            "borderRadius": "6px",
                            "cursor": "pointer",
                        },
                    ),
                    html.Div(
                        [
                            html.Label(t("import.kind", lang), htmlFor="import-upload-kind", className="filter-label"),
                            dcc.Dropdown(
                                id="import-upload-kind",
                                options=kinds,
                                value="reports",
                                clearable=False,
                                searchable=False,
                                className="filter-dropdown",
                            ),
                        ],
                        className="filter-bar",
                    ),
                    html.P(id="import-upload-message", className="notice-line"),
                ],
                className="panel",
            ),
            html.Section(
                [
                    html.H2(t("import.step.preview", lang)),
                    html.Div(
                        [
                            html.Label(
                                t("import.header_row", lang), htmlFor="import-header-row", className="filter-label"
                            ),
                            dcc.Input(
                                id="import-header-row",
                                type="number",
                                min=1,
                                step=1,
                                debounce=True,
                                placeholder=t("import.header_auto", lang),
                            ),
                        ],
                        className="filter-bar",
                    ),
                    html.Div(
                        [
                            html.Label(t("import.sheet", lang), htmlFor="import-sheet", className="filter-label"),
                            dcc.Dropdown(
                                id="import-sheet",
                                options=[],
                                placeholder=t("import.header_auto", lang),
                                className="filter-dropdown",
                            ),
                            html.Label(t("import.encoding", lang), htmlFor="import-encoding", className="filter-label"),
                            dcc.Dropdown(
                                id="import-encoding",
                                options=ENCODINGS,
                                placeholder=t("import.header_auto", lang),
                                className="filter-dropdown",
                            ),
                        ],
                        className="filter-bar",
                    ),
                    html.P(id="import-detected", className="muted"),
                    dag.AgGrid(
                        id="import-preview-grid",
                        rowData=[],
                        columnDefs=[],
                        defaultColDef={"resizable": True, "minWidth": 110},
                        dashGridOptions={
                            "localeText": grid_locale(lang),
                            "suppressCellFocus": True,
                            "enableCellTextSelection": True,
                        },
                        style={"height": "360px", "width": "100%"},
                        className="grid",
                    ),
                ],
                className="panel",
            ),
            html.Section(
                [
                    html.H2(t("import.step.mapping", lang)),
                    html.Div(id="import-mapping", className="mapping-grid"),
                    html.H3(t("import.labels", lang)),
                    html.Div(id="import-labels"),
                ],
                className="panel",
            ),
            html.Section(
                [
                    html.H2(t("import.step.run", lang)),
                    html.Div(
                        [
                            html.Button(t("import.dry_run", lang), id="import-dry-run", className="button"),
                            html.Button(t("import.load", lang), id="import-load", className="button"),
                        ],
                        className="button-row",
                    ),
                    html.P(id="import-action-message", className="notice-line"),
                    html.Div(id="import-result"),
                    html.Div(
                        [
                            dcc.Input(
                                id="import-profile-name", type="text", placeholder=t("import.profile_name", lang)
                            ),
                            html.Button(t("import.save_profile", lang), id="import-save-profile", className="button"),
                        ],
                        className="button-row",
                    ),
                    html.P(id="import-profile-message", className="notice-line"),
                ],
                className="panel",
            ),
            html.Section(
                [
                    html.H2(t("import.batches", lang)),
                    dag.AgGrid(
                        id="import-batches-grid",
                        rowData=_batch_rows(lang),
                        columnDefs=_batch_columns(lang),
                        defaultColDef={"sortable": True, "resizable": True},
                        dashGridOptions={
                            "localeText": grid_locale(lang),
                            "rowSelection": {"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
                            "domLayout": "autoHeight",
                            "suppressCellFocus": True,
                        },
                        getRowId="params.data.batch_id",
                        style={"width": "100%"},
                        className="grid",
                    ),
                    html.Button(t("import.undo", lang), id="import-undo", className="button"),
                    dcc.ConfirmDialog(id="import-undo-confirm"),
                    html.P(id="import-undo-message", className="notice-line"),
                ],
                className="panel",
            ),
        ],
        id="import-page",
    )


def _batch_rows(lang: str = "nl") -> list[dict]:
    from etl.batches import list_batches

    return [
        {
            **b,
            "started": fmt_datetime(b["started_at"]) if b["started_at"] else "",
            "kind_label": kind_label(b["kind"], lang),
            "state": t(f"import.state.{b['status']}", lang),
        }
        for b in reversed(list_batches(connection.db_path()))
    ]


def _batch_columns(lang: str) -> list[dict]:
    return [
        {"field": "batch_id", "headerName": t("col.batch", lang), "width": 90},
        {"field": "file", "headerName": t("col.file", lang), "flex": 2},
        {"field": "kind_label", "headerName": t("import.col.kind", lang), "width": 120},
        {"field": "started", "headerName": t("import.col.when", lang), "width": 170},
        *[
            {
                "field": c,
                "headerName": t(f"import.count.{c}", lang),
                "width": 120,
                "type": "rightAligned",
                "valueFormatter": {"function": "params.value == null ? '' : params.value.toLocaleString('nl-BE')"},
            }
            for c in ("loaded", "remarks", "quarantined", "duplicates")
        ],
        {"field": "state", "headerName": t("import.col.status", lang), "width": 150},
    ]


def _guard() -> None:
    """The second lock behind the 403 at the endpoint."""
    if not access.allowed("import"):
        raise PreventUpdate


@callback(
    Output("import-upload-token", "data"),
    Output("import-upload-message", "children"),
    Output("import-upload-kind", "value"),
    Input("import-upload-file", "contents"),
    State("import-upload-file", "filename"),
    State("import-upload-token", "data"),
    State("import-lang", "data"),
    prevent_initial_call=True,
)
def _upload(contents, file_name, previous, lang):
    _guard()
    from etl.web_import import guessed_kind, receive

    user = access.current_user_name()
    if jobs.busy(user) is not None:
        return dash.no_update, t("import.busy", lang), dash.no_update
    jobs.forget_upload(previous)
    try:
        path = receive(str(file_name or ""), contents)
    except UnusableInput as error:
        access.audit("import_refused", f"{str(file_name)[:80]}: {str(error)[:200]}")
        return None, t("import.refused", lang, reason=str(error)), dash.no_update
    kind = guessed_kind(path.name)
    token = jobs.keep_upload(path, user, kind)
    access.audit("import_upload", f"{path.name} ({fmt_int(path.stat().st_size)} bytes)")
    return token, t("import.received", lang, file=path.name, size=fmt_int(path.stat().st_size)), kind


def _field_control(field: str, header: list[str], chosen: list[str], lang: str) -> html.Div:
    multi = field in JOINABLE
    value = chosen if multi else (chosen[0] if chosen else None)
    # the field's name in words, and as a profile writes it (the same profile serves `--profile`)
    return html.Div(
        [
            html.Label([t(f"import.field.{field}", lang), " ", html.Code(field, className="field-name")]),
            dcc.Dropdown(
                id={"type": "import-field", "field": field},
                options=header,
                value=value,
                multi=multi,
                clearable=True,
                className="field-dropdown",
            ),
        ],
        className="field-row",
    )


@callback(
    Output("import-preview-grid", "rowData"),
    Output("import-preview-grid", "columnDefs"),
    Output("import-detected", "children"),
    Output("import-mapping", "children"),
    Output("import-recognised", "data"),
    Output("import-profile-name", "value"),
    Output("import-sheet", "options"),
    Input("import-upload-token", "data"),
    Input("import-header-row", "value"),
    Input("import-upload-kind", "value"),
    Input("import-sheet", "value"),
    Input("import-encoding", "value"),
    State("import-profile-name", "value"),
    State("import-lang", "data"),
    prevent_initial_call=True,
)
def _preview(token, header_row, kind, sheet, encoding, profile_name, lang):
    """The first rows as parsed, and the mapping pre-filled: from the saved profile of this source when one
    is recognised by its columns, else from `profile suggest`'s guesses."""
    _guard()
    from etl.profiles import FIELDS
    from etl.web_import import is_table, preview, recognised_profile, sheets, suggestion

    upload = jobs.upload(token, access.current_user_name())
    if upload is None or kind not in KINDS:
        return [], [], "", [], None, dash.no_update, []
    if not is_table(upload.path):
        return [], [], t("import.fixed_fields", lang), [], None, dash.no_update, []
    try:
        known = recognised_profile(upload.path, kind, connection.db_path())
        options = _file_options(header_row, sheet, encoding, known)
        row = options.pop("header_row")
        shown = preview(upload.path, kind, row, **options)
        if known and row == known["header_row"] and options["sheet"] == known.get("sheet"):
            guess = {"columns": known["columns"]}
        else:
            guess, known = suggestion(upload.path, kind, shown["header_row"], connection.db_path(), **options), None
    except (UnusableInput, ValueError) as error:
        return [], [], t("import.refused", lang, reason=str(error)), [], None, dash.no_update, dash.no_update
    columns = [{"field": "row_number", "headerName": "#", "width": 70, "pinned": "left"}] + [
        {"field": h, "headerName": h} for h in shown["header"]
    ]
    separator = {"\t": "tab", ";": ";", ",": ",", "|": "|"}.get(shown["delimiter"], shown["delimiter"])
    detected = (
        t("import.detected_sheet", lang, row=shown["header_row"], rows=fmt_int(shown["rows_in"]))
        if shown["encoding"] == "xlsx"
        else t(
            "import.detected",
            lang,
            row=shown["header_row"],
            encoding=shown["encoding"],
            separator=separator,
            rows=fmt_int(shown["rows_in"]),
        )
    )
    mapping = [_field_control(f, shown["header"], guess["columns"].get(f, []), lang) for f in FIELDS[kind]]
    if known:
        detected = [
            detected,
            " ",
            html.Strong(t("import.recognised", lang, name=known["name"]), id="import-recognised-name"),
        ]
    access.audit("import_preview", f"{upload.path.name}: kopregel {shown['header_row']}")
    return (
        shown["rows"],
        columns,
        detected,
        mapping,
        known,
        known["name"] if known else profile_name,
        sheets(upload.path),
    )


def _chosen_columns(values, ids) -> dict[str, list[str]]:
    chosen = {}
    for value, component in zip(values or [], ids or []):
        columns = value if isinstance(value, list) else [value] if value else []
        if columns:
            chosen[component["field"]] = [str(c) for c in columns]
    return chosen


@callback(
    Output("import-labels", "children"),
    Output("import-labels-key", "data"),
    Input({"type": "import-field", "field": ALL}, "value"),
    State({"type": "import-field", "field": ALL}, "id"),
    State("import-upload-token", "data"),
    State("import-header-row", "value"),
    State("import-upload-kind", "value"),
    State({"type": "import-label", "field": ALL, "label": ALL}, "value"),
    State({"type": "import-label", "field": ALL, "label": ALL}, "id"),
    State("import-recognised", "data"),
    State("import-labels-key", "data"),
    State("import-sheet", "value"),
    State("import-encoding", "value"),
    State("import-lang", "data"),
    prevent_initial_call=True,
)
def _labels(values, ids, token, header_row, kind, picked, picked_ids, recognised, shown_key, sheet, encoding, lang):
    """A table per value field: every label in the file, its rows, a dropdown of our codes (pre-filled with
    the known or nearest code; a code the user already picked stays when another column changes)."""
    _guard()
    from etl.web_import import codes, labels

    upload = jobs.upload(token, access.current_user_name())
    if upload is None or kind != "reports":
        return [], None
    chosen = _chosen_columns(values, ids)
    # redrawn only when a label column changes: a redraw while the user picks codes would lose the pick
    key = json.dumps(
        [token, header_row, sheet, encoding, {f: chosen.get(f) for f in ("category", "channel", "status", "area")}]
    )
    if key == shown_key:
        raise PreventUpdate
    try:
        options = _file_options(header_row, sheet, encoding, recognised)
        row = _header_row(options, upload.path, kind)
        found = labels(
            upload.path, kind, row, chosen, connection.db_path(), sheet=options["sheet"], encoding=options["encoding"]
        )
    except (UnusableInput, ValueError):
        return [], key
    ours = codes(connection.db_path())
    from etl.profiles import _label

    saved = (recognised or {}).get("values") or {}  # the recognised profile's codes, by normalised label
    kept = {(i["field"], i["label"]): v for v, i in zip(picked or [], picked_ids or [])}
    tables = []
    for field, entries in found.items():
        rows = [
            html.Tr(
                [
                    html.Th(t("import.col.label", lang)),
                    html.Th(t("import.col.rows", lang)),
                    html.Th(t("import.col.code", lang)),
                ]
            )
        ]
        for entry in entries:
            rows.append(
                html.Tr(
                    [
                        html.Td(entry["label"]),
                        html.Td(fmt_int(entry["rows"])),
                        html.Td(
                            dcc.Dropdown(
                                id={"type": "import-label", "field": field, "label": entry["label"]},
                                options=ours[field],
                                value=kept.get(
                                    (field, entry["label"]),
                                    saved.get(field, {}).get(_label(entry["label"]), entry["code"]),
                                ),
                                placeholder=t("import.unmapped", lang),
                                className="label-dropdown",
                            )
                        ),
                    ]
                )
            )
        tables.append(html.Div([html.H4(t(f"import.field.{field}", lang)), html.Table(rows, className="label-table")]))
    return tables, key


def _profile_from(kind, header_row, field_values, field_ids, label_values, label_ids, options: dict) -> str:
    from etl.web_import import profile_text

    values: dict[str, dict[str, str]] = {}
    for value, component in zip(label_values or [], label_ids or []):
        values.setdefault(component["field"], {})[component["label"]] = value
    return profile_text(
        kind,
        int(header_row) if header_row else None,
        _chosen_columns(field_values, field_ids),
        values,
        sheet=options.get("sheet"),
        encoding=options.get("encoding"),
    )


FORM = [
    State("import-upload-token", "data"),
    State("import-upload-kind", "value"),
    State("import-header-row", "value"),
    State({"type": "import-field", "field": ALL}, "value"),
    State({"type": "import-field", "field": ALL}, "id"),
    State({"type": "import-label", "field": ALL, "label": ALL}, "value"),
    State({"type": "import-label", "field": ALL, "label": ALL}, "id"),
    State("import-recognised", "data"),
    State("import-sheet", "value"),
    State("import-encoding", "value"),
    State("import-profile-name", "value"),
    State("import-lang", "data"),
]


def _file_options(header_row, sheet, encoding, recognised) -> dict:
    """Header row, sheet and encoding: as chosen on the page, else the recognised profile's, else detected (None)."""
    known = recognised or {}
    return {
        "header_row": int(header_row) if header_row else known.get("header_row"),
        "sheet": str(sheet) if sheet else known.get("sheet"),
        "encoding": encoding if encoding in ENCODINGS else known.get("encoding"),
    }


def _header_row(options: dict, path, kind) -> int:
    """The header row chosen or recognised, else the one detected."""
    from etl.web_import import preview

    return (
        options["header_row"] or preview(path, kind, sheet=options["sheet"], encoding=options["encoding"])["header_row"]
    )


@callback(
    Output("import-job", "data"),
    Output("import-action-message", "children"),
    Output("import-poll", "disabled"),
    Input("import-dry-run", "n_clicks"),
    Input("import-load", "n_clicks"),
    *FORM,
    prevent_initial_call=True,
)
def _run(
    _dry,
    _load,
    token,
    kind,
    header_row,
    field_values,
    field_ids,
    label_values,
    label_ids,
    recognised,
    sheet,
    encoding,
    profile_name,
    lang,
):
    _guard()
    from etl.web_import import checked_profile, is_table

    user = access.current_user_name()
    upload = jobs.upload(token, user)
    if upload is None:
        return dash.no_update, t("import.no_upload", lang), True
    work = "load" if ctx.triggered_id == "import-load" else "dry_run"
    args = {"path": str(upload.path), "kind": kind}
    if is_table(upload.path):
        try:
            options = _file_options(header_row, sheet, encoding, recognised)
            text = _profile_from(
                kind, _header_row(options, upload.path, kind), field_values, field_ids, label_values, label_ids, options
            )
            checked_profile(text, kind)
        except (UnusableInput, ValueError) as error:
            return dash.no_update, t("import.refused", lang, reason=str(error)), True
        args["profile"] = text
        if profile_name and _saved_text(profile_name) == text:
            args["profile_name"] = profile_name  # a later retry of the batch finds the profile by this name
    key = jobs.start(work, connection.db_path(), user, **args)
    if key is None:
        return dash.no_update, t("import.busy", lang), True
    access.audit("import_dry_run" if work == "dry_run" else "import_load", f"{upload.path.name} ({kind})")
    return key, t("import.running", lang, seconds=0), False


def _saved_text(name: str) -> str | None:
    from etl.profiles import saved_profile_text

    try:
        return saved_profile_text(connection.db_path(), str(name))
    except UnusableInput:
        return None


@callback(
    Output("import-result", "children"),
    Output("import-poll", "disabled", allow_duplicate=True),
    Output("import-batches-grid", "rowData"),
    Output("import-action-message", "children", allow_duplicate=True),
    Input("import-poll", "n_intervals"),
    State("import-job", "data"),
    State("import-lang", "data"),
    prevent_initial_call=True,
)
def _poll(_n, key, lang):
    _guard()
    state, seconds, result, job = jobs.status(key, access.current_user_name())
    if state == "running":
        return dash.no_update, False, dash.no_update, t("import.running", lang, seconds=int(seconds))
    if result is None:
        return html.P(t("import.failed", lang), className="notice"), True, dash.no_update, ""
    if "error" in result:
        return (
            html.P(t("import.refused", lang, reason=result["error"]), className="notice", id="import-error"),
            True,
            _batch_rows(lang),
            "",
        )
    done = t("import.done", lang, seconds=fmt_int(round(seconds)))
    if job.work == "dry_run":
        return _outcome(result, lang, dry=True), True, dash.no_update, done
    if job.work == "undo":
        access.audit("import_undo", f"import {result.get('batch_id')}")
        return (
            html.P(t("import.undone", lang, batch=result.get("batch_id")), id="import-undone"),
            True,
            _batch_rows(lang),
            done,
        )
    access.audit("import_loaded", json.dumps({k: result.get(k) for k in ("batch_id", *COUNTS)}))
    return _outcome(result, lang, dry=False), True, _batch_rows(lang), done


def _outcome(result: dict, lang: str, dry: bool) -> html.Div:
    counts = html.Table(
        [
            html.Tr([html.Th(t(f"import.count.{c}", lang)), html.Td(fmt_int(result.get(c, 0)), id=f"import-count-{c}")])
            for c in COUNTS
        ],
        className="count-table",
    )
    parts = [html.H3(t("import.dry_result" if dry else "import.load_result", lang)), counts]
    if result.get("status") == "already-loaded":
        parts.append(html.P(t("import.already", lang), className="notice"))
    reasons = result.get("quarantine_reasons") or []
    if reasons:
        parts += [
            html.H4(t("import.reasons", lang)),
            html.Ul([html.Li(f"{fmt_int(r['rows'])} × {r['reason']}") for r in reasons], id="import-reasons"),
        ]
    remarks = result.get("remark_kinds") or []
    if remarks:
        parts += [
            html.H4(t("import.remark_kinds", lang)),
            html.Ul([html.Li(f"{fmt_int(r['rows'])} × {r['remark']}") for r in remarks]),
        ]
    if result.get("warnings"):
        parts.append(html.Ul([html.Li(w) for w in result["warnings"]], className="muted"))
    if not dry and result.get("batch_id"):
        parts.append(
            dcc.Link(
                t("import.batch_link", lang, batch=result["batch_id"]),
                href=f"/quarantaine?batch={result['batch_id']}",
                id="import-batch-link",
            )
        )
    return html.Div(parts, id="import-outcome")


@callback(
    Output("import-profile-message", "children"),
    Input("import-save-profile", "n_clicks"),
    *FORM,
    prevent_initial_call=True,
)
def _save(
    _n,
    token,
    kind,
    header_row,
    field_values,
    field_ids,
    label_values,
    label_ids,
    recognised,
    sheet,
    encoding,
    name,
    lang,
):
    _guard()
    from etl.web_import import checked_profile, save

    upload = jobs.upload(token, access.current_user_name())
    if upload is None:
        return t("import.no_upload", lang)
    try:
        options = _file_options(header_row, sheet, encoding, recognised)
        text = _profile_from(
            kind, _header_row(options, upload.path, kind), field_values, field_ids, label_values, label_ids, options
        )
        checked_profile(text, kind)
        save(connection.db_path(), str(name or "").strip(), text)
    except (UnusableInput, ValueError) as error:
        return t("import.refused", lang, reason=str(error))
    access.audit("import_profile_saved", str(name))
    return t("import.profile_saved", lang, name=name)


@callback(
    Output("import-undo-confirm", "displayed"),
    Output("import-undo-confirm", "message"),
    Output("import-undo-message", "children"),
    Input("import-undo", "n_clicks"),
    State("import-batches-grid", "selectedRows"),
    State("import-lang", "data"),
    prevent_initial_call=True,
)
def _ask_undo(_n, selected, lang):
    _guard()
    if not selected:
        return False, "", t("import.pick_batch", lang)
    batch = selected[0]
    return True, t("import.undo_confirm", lang, batch=batch["batch_id"], file=batch["file"]), ""


@callback(
    Output("import-job", "data", allow_duplicate=True),
    Output("import-poll", "disabled", allow_duplicate=True),
    Output("import-undo-message", "children", allow_duplicate=True),
    Input("import-undo-confirm", "submit_n_clicks"),
    State("import-batches-grid", "selectedRows"),
    State("import-lang", "data"),
    prevent_initial_call=True,
)
def _undo(_n, selected, lang):
    _guard()
    if not selected:
        raise PreventUpdate
    user = access.current_user_name()
    key = jobs.start("undo", connection.db_path(), user, batch_id=int(selected[0]["batch_id"]), actor=f"web:{user}")
    if key is None:
        return dash.no_update, True, t("import.busy", lang)
    return key, False, ""
