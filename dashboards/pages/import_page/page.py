"""The page *Importeren* (/import): its registration and layout; the callbacks live beside it."""

from __future__ import annotations

import importlib
import sys

import dash
import dash_ag_grid as dag
from dash import dcc, html

from dashboards import access, branding
from dashboards.i18n import grid_locale, kind_label, lang_of, t
from dashboards.pages.import_page.common import CRS_CODES, DECIMALS, DELIMITERS, ENCODINGS, KINDS, POLL_MS


def _declare_callbacks() -> None:
    """Dash executes this file once per app it builds (tests build several in one process) and hands the
    callbacks declared meanwhile to that app; the page's other modules are cached after their first import,
    so they are executed again here, once each, for every app after the first."""
    names = [f"dashboards.pages.import_page.{n}" for n in ("batches", "fix", "labels", "preview", "run")]
    cached = [name for name in names if name in sys.modules]
    for name in names:
        module = importlib.import_module(name)
        if name in cached:
            importlib.reload(module)


_declare_callbacks()
from dashboards.pages.import_page import batches, fix, labels  # executed above, for this app

dash.register_page(__name__, path="/import", name="Importeren", title=branding.page_title("Importeren"), order=15)


def _header(lang: str) -> html.Header:
    return html.Header(
        [html.H1(t("import.title", lang)), html.P(t("import.lead", lang), className="lead")], className="page-header"
    )


def _choice(label: str, component_id: str, options: list, lang: str) -> list:
    return [
        html.Label(label, htmlFor=component_id, className="filter-label"),
        dcc.Dropdown(
            id=component_id, options=options, placeholder=t("import.header_auto", lang), className="filter-dropdown"
        ),
    ]


def _file_controls(lang: str) -> list:
    """Header row, sheet, encoding, separator, decimal sign and CRS: each detected, each changeable."""
    separators = [{"label": t(f"import.separator.{i}", lang), "value": d} for i, d in enumerate(DELIMITERS)]
    decimals = [{"label": t(f"import.decimal.{i}", lang), "value": d} for i, d in enumerate(DECIMALS)]
    systems = [{"label": t(f"import.crs.{c.replace(':', '_')}", lang), "value": c} for c in CRS_CODES]
    return [
        html.Div(
            [
                html.Label(t("import.header_row", lang), htmlFor="import-header-row", className="filter-label"),
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
                *_choice(t("import.sheet", lang), "import-sheet", [], lang),
                *_choice(t("import.encoding", lang), "import-encoding", ENCODINGS, lang),
            ],
            className="filter-bar",
        ),
        html.Div(
            [
                *_choice(t("import.separator", lang), "import-delimiter", separators, lang),
                *_choice(t("import.decimal", lang), "import-decimal", decimals, lang),
                *_choice(t("import.crs", lang), "import-crs", systems, lang),
            ],
            className="filter-bar",
        ),
    ]


def layout(lang: str | None = None, batch: str | None = None, **_query) -> html.Div:
    lang = lang_of(lang)
    if not access.allowed("import"):
        return html.Div(
            [_header(lang), html.P(t("import.no_access", lang), className="notice", id="import-no-access")],
            id="import-page",
        )
    from etl.web_import import UPLOAD_MAX_BYTES

    kinds = [{"label": kind_label(k, lang), "value": k} for k in KINDS]
    # from the quarantine (?batch=N): the labels that import refused, to map and retry; the upload steps
    # stay in the layout (their callbacks need them) but out of sight
    fixing = fix.section(batch, lang, labels.new_category_form(lang)) if batch is not None else None
    upload_steps = {"display": "none"} if fixing is not None else None
    return html.Div(
        [
            _header(lang),
            dcc.Store(id="import-lang", data=lang),
            dcc.Store(id="import-upload-token"),
            dcc.Store(id="import-job"),
            dcc.Store(id="import-recognised"),
            dcc.Store(id="import-labels-key"),
            dcc.Store(id="import-labels-counting"),
            dcc.Interval(id="import-labels-poll", interval=POLL_MS, disabled=True),
            dcc.Interval(id="import-poll", interval=POLL_MS, disabled=True),
            fixing,
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
                style=upload_steps,
            ),
            html.Section(
                [
                    html.H2(t("import.step.preview", lang)),
                    *_file_controls(lang),
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
                style=upload_steps,
            ),
            html.Section(
                [
                    html.H2(t("import.step.mapping", lang)),
                    html.Div(id="import-mapping", className="mapping-grid"),
                    html.H3(t("import.labels", lang)),
                    html.Div(id="import-labels"),
                    labels.new_category_form(lang) if fixing is None else None,
                ],
                className="panel",
                style=upload_steps,
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
                        style=upload_steps,
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
                        style=upload_steps,
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
                        rowData=batches.batch_rows(lang),
                        columnDefs=batches.batch_columns(lang),
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
