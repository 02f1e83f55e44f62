"""What the import page's modules share: the role check, the file options as chosen, the form's states."""

from __future__ import annotations

from dash import ALL, State
from dash.exceptions import PreventUpdate

from dashboards import access

KINDS = ("reports", "fixes", "devices", "hotspots", "projects")
# Fields whose value may join two columns (a date column and a separate time column).
JOINABLE = {"reported_at", "closed_at", "timestamp", "valid_from", "valid_to", "start", "end", "address", "description"}
COUNTS = ("rows_in", "loaded", "remarks", "quarantined", "duplicates", "updated")
POLL_MS = 700
ENCODINGS = ["utf-8", "cp1252", "utf-16"]
DELIMITERS = [";", ",", "\t", "|"]
DECIMALS = [",", "."]
# Coordinate systems a Flemish export writes x/y in; the profile takes any EPSG code, the page offers these.
CRS_CODES = ["EPSG:31370", "EPSG:3812", "EPSG:25831", "EPSG:4326"]
# The value of "nieuwe categorie…" in a category label's dropdown: never a code (codes are lower case).
NEW_CATEGORY = "__NIEUW__"
# The file options a user can set on the page, in the order of the form's states.
FILE_OPTIONS = ("sheet", "encoding", "delimiter", "decimal", "crs")
FILE_OPTION_STATES = [
    State("import-sheet", "value"),
    State("import-encoding", "value"),
    State("import-delimiter", "value"),
    State("import-decimal", "value"),
    State("import-crs", "value"),
]

FORM = [
    State("import-upload-token", "data"),
    State("import-upload-kind", "value"),
    State("import-header-row", "value"),
    State({"type": "import-field", "field": ALL}, "value"),
    State({"type": "import-field", "field": ALL}, "id"),
    State({"type": "import-label", "field": ALL, "label": ALL}, "value"),
    State({"type": "import-label", "field": ALL, "label": ALL}, "id"),
    State("import-recognised", "data"),
    *FILE_OPTION_STATES,
    State("import-profile-name", "value"),
    State("import-lang", "data"),
]


def guard() -> None:
    """The second lock behind the 403 at the endpoint."""
    if not access.allowed("import"):
        raise PreventUpdate


def file_options(header_row, chosen: dict, recognised) -> dict:
    """Header row, sheet, encoding, separator, decimal sign and CRS: as chosen on the page, else the
    recognised profile's, else detected (None)."""
    known = recognised or {}
    allowed = {"encoding": ENCODINGS, "delimiter": DELIMITERS, "decimal": DECIMALS}
    options = {"header_row": int(header_row) if header_row else known.get("header_row")}
    for name in FILE_OPTIONS:
        value = chosen.get(name)
        if name in allowed and value not in allowed[name]:
            value = None
        if name == "crs" and value is not None:
            value = str(value).strip() or None
        if name == "sheet" and value is not None:
            value = str(value)
        options[name] = value if value is not None else known.get(name)
    return options


def chosen_options(*values) -> dict:
    """The FILE_OPTION_STATES' values by name."""
    return dict(zip(FILE_OPTIONS, values))


def read_options(options: dict) -> dict:
    """The options that change how the file is read (the keyword arguments of etl.web_import.preview)."""
    return {k: options.get(k) for k in ("sheet", "encoding", "delimiter")}


def header_row(options: dict, path, kind) -> int:
    """The header row chosen or recognised, else the one detected."""
    from etl.web_import import preview

    return options["header_row"] or preview(path, kind, **read_options(options))["header_row"]


def chosen_columns(values, ids) -> dict[str, list[str]]:
    chosen = {}
    for value, component in zip(values or [], ids or []):
        columns = value if isinstance(value, list) else [value] if value else []
        if columns:
            chosen[component["field"]] = [str(c) for c in columns]
    return chosen


def profile_from(kind, header_row, field_values, field_ids, label_values, label_ids, options: dict) -> str:
    """The page's choices as profile text (etl.web_import.profile_text)."""
    from etl.web_import import profile_text

    values: dict[str, dict[str, str]] = {}
    for value, component in zip(label_values or [], label_ids or []):
        if value != NEW_CATEGORY:
            values.setdefault(component["field"], {})[component["label"]] = value
    return profile_text(
        kind,
        int(header_row) if header_row else None,
        chosen_columns(field_values, field_ids),
        values,
        **{k: options.get(k) for k in FILE_OPTIONS},
    )
