"""The list of imports on the page, and the undo of one (behind a confirmation, as a background job)."""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback
from dash.exceptions import PreventUpdate

from dashboards import access, connection
from dashboards.components.import_jobs import jobs
from dashboards.i18n import fmt_datetime, kind_label, t
from dashboards.pages.import_page.common import guard


def batch_rows(lang: str = "nl") -> list[dict]:
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


def batch_columns(lang: str) -> list[dict]:
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
    guard()
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
    guard()
    if not selected:
        raise PreventUpdate
    user = access.current_user_name()
    key = jobs.start("undo", connection.db_path(), user, batch_id=int(selected[0]["batch_id"]), actor=f"web:{user}")
    if key is None:
        return dash.no_update, True, t("import.busy", lang)
    return key, False, ""
