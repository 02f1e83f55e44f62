"""Upload and preview: the file received, its first rows as parsed, the file options, the mapping pre-filled."""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback, dcc, html

from civ.errors import UnusableInput
from dashboards import access, connection
from dashboards.components.import_jobs import jobs
from dashboards.i18n import fmt_int, t
from dashboards.pages.import_page.common import (
    DECIMALS,
    DELIMITERS,
    JOINABLE,
    KINDS,
    chosen_options,
    file_options,
    guard,
    read_options,
)


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
    guard()
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
    kind = guessed_kind(path.name, path)
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


def _detected(shown: dict, options: dict, lang: str, found: dict | None = None) -> str:
    """What was found (or chosen): header line, encoding, separator, decimal sign, CRS, rows."""
    rows = fmt_int(shown["rows_in"])
    rows = rows if shown["rows_exact"] else t("import.rows_about", lang, rows=rows)
    if shown["encoding"] == "xlsx":
        text = t("import.detected_sheet", lang, row=shown["header_row"], rows=rows)
    else:
        separator = t(f"import.separator.{DELIMITERS.index(shown['delimiter'])}", lang)
        text = t(
            "import.detected", lang, row=shown["header_row"], encoding=shown["encoding"], separator=separator, rows=rows
        )
    found = found or {}
    decimal, crs = options.get("decimal"), options.get("crs")
    if decimal:
        decimal = t(f"import.decimal.{DECIMALS.index(decimal)}", lang)
    elif found.get("decimal"):  # not chosen: what the file's numbers show, as the load reads them
        decimal = t("import.found", lang, value=t(f"import.decimal.{DECIMALS.index(found['decimal'])}", lang))
    else:
        decimal = t("import.decimal.either", lang)
    if not crs and found.get("crs"):
        crs = t("import.found", lang, value=found["crs"])
    if not crs and found and not found.get("xy"):  # no x/y columns: their system is not a question here
        return text + " " + t("import.detected_decimal", lang, decimal=decimal)
    return text + " " + t("import.detected_numbers", lang, decimal=decimal, crs=crs or "EPSG:31370")


def _numbers_found(rows: list[dict], columns: dict[str, list[str]]) -> dict:
    """The decimal sign and x/y system the previewed rows show, from the columns mapped to coordinates
    (etl/number_shapes.py, the same rules the load uses for x/y)."""
    import pandas as pd

    from etl.number_shapes import belgian_crs, decimal_sign

    frame = pd.DataFrame(rows)

    def values(field: str) -> pd.Series:
        names = [c for c in columns.get(field, []) if c in frame]
        return frame[names[0]] if names else pd.Series([], dtype=object)

    coordinates = pd.concat([values(f) for f in ("x", "y", "lat", "lon")], ignore_index=True)
    return {
        "decimal": decimal_sign(coordinates),
        "crs": belgian_crs(values("x"), values("y")),
        "xy": bool(columns.get("x") or columns.get("y")),
    }


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
    Input("import-delimiter", "value"),
    Input("import-decimal", "value"),
    Input("import-crs", "value"),
    State("import-profile-name", "value"),
    State("import-lang", "data"),
    prevent_initial_call=True,
)
def _preview(token, header_row, kind, sheet, encoding, delimiter, decimal, crs, profile_name, lang):
    """The first rows as parsed, and the mapping pre-filled: from the saved profile of this source when one
    is recognised by its columns, else from `profile suggest`'s guesses. Only the file's start is read."""
    guard()
    from etl.profiles import FIELDS
    from etl.web_import import is_table, preview, recognised_profile, sheets, suggestion

    upload = jobs.upload(token, access.current_user_name())
    if upload is None or kind not in KINDS:
        return [], [], "", [], None, dash.no_update, []
    if not is_table(upload.path):
        return [], [], t("import.fixed_fields", lang), [], None, dash.no_update, []
    try:
        known = recognised_profile(upload.path, kind, connection.db_path())
        options = file_options(header_row, chosen_options(sheet, encoding, delimiter, decimal, crs), known)
        shown = preview(upload.path, kind, options["header_row"], **read_options(options))
        if known and options["header_row"] == known["header_row"] and options["sheet"] == known.get("sheet"):
            guess = {"columns": known["columns"]}
        else:
            guess = suggestion(upload.path, kind, shown["header_row"], connection.db_path(), **read_options(options))
            known = None
    except (UnusableInput, ValueError) as error:
        return [], [], t("import.refused", lang, reason=str(error)), [], None, dash.no_update, dash.no_update
    columns = [{"field": "row_number", "headerName": "#", "width": 70, "pinned": "left"}] + [
        {"field": h, "headerName": h} for h in shown["header"]
    ]
    detected = _detected(shown, options, lang, _numbers_found(shown["rows"], guess["columns"]))
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
