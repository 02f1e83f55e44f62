"""The label tables of the mapping step, and a new category made from a label ("nieuwe categorie…").

A table per value field (category, channel, status, area): every label in the file with its rows (counted
by DuckDB over the whole file, etl/table_head.py) and a dropdown of our codes, pre-filled with the known
or nearest code. "Nieuwe categorie…" opens a small form; the category is added by the function behind
`python -m etl categories add` (etl/own_codes.py `add_category`, the file's label as its alias), audited,
and the label's dropdown then holds the new code.
"""

from __future__ import annotations

import json
import re

import dash
from dash import ALL, Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from civ.errors import UnusableInput
from dashboards import access, connection
from dashboards.components.import_jobs import jobs
from dashboards.i18n import fmt_int, t
from dashboards.pages.import_page.common import (
    NEW_CATEGORY,
    chosen_columns,
    chosen_options,
    file_options,
    guard,
    header_row,
    read_options,
)

LABEL_FIELDS = ("category", "channel", "status", "area")


def label_options(field: str, ours: dict, lang: str) -> list:
    options = [{"label": code, "value": code} for code in ours[field]]
    if field == "category":
        options.append({"label": t("import.new_category", lang), "value": NEW_CATEGORY})
    return options


@callback(
    Output("import-labels", "children"),
    Output("import-labels-key", "data"),
    Output("import-labels-counting", "data"),
    Output("import-labels-poll", "disabled"),
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
    State("import-delimiter", "value"),
    State("import-lang", "data"),
    prevent_initial_call=True,
)
def _labels(values, ids, token, row, kind, picked, picked_ids, recognised, shown_key, sheet, encoding, delimiter, lang):
    """A table per value field: every label in the file, its rows, a dropdown of our codes (pre-filled with
    the known or nearest code; a code the user already picked stays when another column changes).
    A worksheet's labels are counted in a background job (`_counted_labels` fills the tables): the request
    returns at once."""
    guard()
    from etl.web_import import labels, sheet_count_args, sheet_label_counts

    user = access.current_user_name()
    upload = jobs.upload(token, user)
    if upload is None or kind != "reports":
        return [], None, None, True
    chosen = chosen_columns(values, ids)
    # redrawn only when a label column changes: a redraw while the user picks codes would lose the pick
    key = json.dumps([token, row, sheet, encoding, delimiter, {f: chosen.get(f) for f in LABEL_FIELDS}])
    if key == shown_key:
        raise PreventUpdate
    try:
        options = file_options(row, chosen_options(sheet, encoding, delimiter, None, None), recognised)
        at = header_row(options, upload.path, kind)
        reading = read_options(options)
        sheet_args = sheet_count_args(upload.path, kind, at, chosen, **reading)
        if sheet_args is not None:
            counting = {"job": jobs.start_reading(user, sheet_label_counts, *sheet_args), "header_row": at}
            counting.update(columns=chosen, options=reading, key=key)
            return (
                html.P(t("import.labels.counting", lang), id="import-labels-wait", className="muted"),
                key,
                counting,
                False,
            )
        found = labels(upload.path, kind, at, chosen, connection.db_path(), **reading)
    except (UnusableInput, ValueError):
        return [], key, None, True
    return _label_tables(found, picked, picked_ids, recognised, lang), key, None, True


@callback(
    Output("import-labels", "children", allow_duplicate=True),
    Output("import-labels-poll", "disabled", allow_duplicate=True),
    Input("import-labels-poll", "n_intervals"),
    State("import-labels-counting", "data"),
    State("import-labels-key", "data"),
    State("import-upload-token", "data"),
    State({"type": "import-label", "field": ALL, "label": ALL}, "value"),
    State({"type": "import-label", "field": ALL, "label": ALL}, "id"),
    State("import-recognised", "data"),
    State("import-lang", "data"),
    prevent_initial_call=True,
)
def _counted_labels(_n, counting, shown_key, token, picked, picked_ids, recognised, lang):
    """The label tables of a worksheet once its background count is done (a later column choice wins)."""
    guard()
    from etl.web_import import labels

    user = access.current_user_name()
    upload = jobs.upload(token, user)
    if not counting or upload is None or counting.get("key") != shown_key:
        return dash.no_update, True
    state, answer = jobs.reading(counting["job"], user)
    if state == "running":
        raise PreventUpdate
    if state == "failed":
        return [], True
    try:
        found = labels(
            upload.path,
            "reports",
            counting["header_row"],
            counting["columns"],
            connection.db_path(),
            **counting["options"],
            counted=answer,
        )
    except (UnusableInput, ValueError):
        return [], True
    return _label_tables(found, picked, picked_ids, recognised, lang), True


def _label_tables(found: dict, picked, picked_ids, recognised, lang: str) -> list:
    from etl.profiles import _label
    from etl.web_import import codes

    ours = codes(connection.db_path())
    saved = (recognised or {}).get("values") or {}  # the recognised profile's codes, by normalised label
    kept = {(i["field"], i["label"]): v for v, i in zip(picked or [], picked_ids or [])}
    tables = []
    for field, entries in found.items():
        head = [t("import.col.label", lang), t("import.col.rows", lang), t("import.col.code", lang)]
        rows = [html.Tr([html.Th(h) for h in head])]
        for entry in entries:
            value = kept.get((field, entry["label"]), saved.get(field, {}).get(_label(entry["label"]), entry["code"]))
            dropdown = dcc.Dropdown(
                id={"type": "import-label", "field": field, "label": entry["label"]},
                options=label_options(field, ours, lang),
                value=value,
                placeholder=t("import.unmapped", lang),
                className="label-dropdown",
            )
            rows.append(html.Tr([html.Td(entry["label"]), html.Td(fmt_int(entry["rows"])), html.Td(dropdown)]))
        tables.append(html.Div([html.H4(t(f"import.field.{field}", lang)), html.Table(rows, className="label-table")]))
    return tables


def new_category_form(lang: str) -> html.Div:
    """Hidden until a label's dropdown says "nieuwe categorie…"."""

    def field(label: str, component_id: str, **kwargs) -> html.Div:
        return html.Div(
            [html.Label(label, htmlFor=component_id, className="filter-label"), dcc.Input(id=component_id, **kwargs)],
            className="field-row",
        )

    return html.Div(
        [
            html.H4(t("import.new_category.title", lang)),
            html.P(id="import-newcat-for", className="muted"),
            dcc.Store(id="import-newcat-label"),
            field(t("import.new_category.code", lang), "import-newcat-code", type="text"),
            field(t("import.new_category.nl", lang), "import-newcat-nl", type="text"),
            field(t("import.new_category.en", lang), "import-newcat-en", type="text"),
            html.Div(
                [
                    html.Label(t("import.new_category.group", lang), htmlFor="import-newcat-group"),
                    dcc.Dropdown(id="import-newcat-group", options=[], className="filter-dropdown"),
                ],
                className="field-row",
            ),
            html.Button(t("import.new_category.add", lang), id="import-newcat-add", className="button"),
            html.P(id="import-newcat-message", className="notice-line"),
        ],
        id="import-newcat",
        className="panel-inset",
        style={"display": "none"},
    )


def _code_for(label: str) -> str:
    """A code proposed from the file's label: 'Kapotte zitbank' -> 'kapotte_zitbank'."""
    from etl.tables import normalise_header

    code = normalise_header(label)
    code = code if re.match(r"^[a-z]", code) else f"c_{code}"
    return code[:40]


@callback(
    Output("import-newcat", "style"),
    Output("import-newcat-label", "data"),
    Output("import-newcat-for", "children"),
    Output("import-newcat-code", "value"),
    Output("import-newcat-nl", "value"),
    Output("import-newcat-en", "value"),
    Output("import-newcat-group", "options"),
    Output("import-newcat-message", "children", allow_duplicate=True),
    Input({"type": "import-label", "field": ALL, "label": ALL}, "value"),
    State({"type": "import-label", "field": ALL, "label": ALL}, "id"),
    State("import-newcat-label", "data"),
    State("import-lang", "data"),
    prevent_initial_call=True,
)
def _open_new_category(values, ids, open_for, lang):
    """The form, filled from the label whose dropdown says "nieuwe categorie…"."""
    guard()
    asked = [i["label"] for v, i in zip(values or [], ids or []) if v == NEW_CATEGORY and i["field"] == "category"]
    if not asked:
        return {"display": "none"}, None, "", "", "", "", [], dash.no_update
    label = asked[-1]
    if label == open_for:
        raise PreventUpdate  # the form is open for this label: keep what the user typed
    with connection.reader() as con:
        groups = [r[0] for r in con.execute("SELECT DISTINCT category_group FROM categories ORDER BY 1").fetchall()]
    # the groups `categories add` accepts (a reference group such as 'openbare ruimte' has a space it refuses)
    groups = [g for g in groups if re.fullmatch(r"[a-z][a-z0-9_]{1,39}", g)]
    return (
        {"display": "block"},
        label,
        t("import.new_category.for", lang, label=label),
        _code_for(label),
        label,
        "",
        groups,
        "",
    )


@callback(
    Output({"type": "import-label", "field": ALL, "label": ALL}, "options"),
    Output({"type": "import-label", "field": ALL, "label": ALL}, "value"),
    Output("import-newcat-message", "children"),
    Output("import-newcat", "style", allow_duplicate=True),
    Input("import-newcat-add", "n_clicks"),
    State("import-newcat-label", "data"),
    State("import-newcat-code", "value"),
    State("import-newcat-nl", "value"),
    State("import-newcat-en", "value"),
    State("import-newcat-group", "value"),
    State({"type": "import-label", "field": ALL, "label": ALL}, "id"),
    State({"type": "import-label", "field": ALL, "label": ALL}, "value"),
    State("import-lang", "data"),
    prevent_initial_call=True,
)
def _add_category(_n, label, code, label_nl, label_en, group, ids, values, lang):
    """Add the category (`etl categories add`, the file's label as alias), audited; the label gets the code."""
    guard()
    from etl.own_codes import add_category
    from etl.web_import import codes

    unchanged = [dash.no_update] * len(ids or [])
    code = str(code or "").strip()
    try:
        if not label:
            raise UnusableInput(t("import.new_category.pick", lang))
        if code in codes(connection.db_path())["category"]:
            raise UnusableInput(t("import.new_category.exists", lang, code=code))
        add_category(connection.db_path(), code, label_nl, label_en, group, aliases=[label])
    except UnusableInput as error:
        return unchanged, unchanged, t("import.refused", lang, reason=str(error)), dash.no_update
    access.audit("import_category_added", f"{code}: {str(label_nl).strip()} / {str(label_en).strip()} ({label})")
    ours = codes(connection.db_path())
    options = [label_options(i["field"], ours, lang) if i["field"] == "category" else dash.no_update for i in ids]
    # the label gets its new code; another label left on "nieuwe categorie…" goes back to unmapped
    picked = [
        code if i["field"] == "category" and i["label"] == label else None if v == NEW_CATEGORY else dash.no_update
        for i, v in zip(ids, values or [])
    ]
    return options, picked, t("import.new_category.added", lang, code=code, label=label), {"display": "none"}
