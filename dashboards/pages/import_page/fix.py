"""From the quarantine back to the mapping: `/import?batch=N` shows the category labels import N refused
as unknown, each with a dropdown of our codes (or "nieuwe categorie…"); *opnieuw proberen* writes the
codes into the import's profile (etl/mapping_fix.py) and retries its refused rows as a background job."""

from __future__ import annotations

import dash
from dash import ALL, Input, Output, State, callback, dcc, html

from civ.errors import UnusableInput
from dashboards import access, connection
from dashboards.components.import_jobs import jobs
from dashboards.i18n import fmt_int, t
from dashboards.pages.import_page.common import NEW_CATEGORY, guard
from dashboards.pages.import_page.labels import label_options


def section(batch, lang: str, new_category_form=None) -> html.Section | None:
    """The labels of import `batch` to map (with the form for a new category), or None when the query
    names no import."""
    from etl.mapping_fix import refused_labels
    from etl.web_import import codes

    try:
        batch_id = int(str(batch))
        found = refused_labels(connection.db_path(), batch_id)
    except (TypeError, ValueError, UnusableInput):
        return None
    ours = codes(connection.db_path())
    head = [t("import.col.label", lang), t("import.col.rows", lang), t("import.col.code", lang)]
    rows = [html.Tr([html.Th(h) for h in head])]
    for entry in found["labels"]:
        dropdown = dcc.Dropdown(
            id={"type": "import-label", "field": "category", "label": entry["label"]},
            options=label_options("category", ours, lang),
            value=entry["code"],
            placeholder=t("import.unmapped", lang),
            className="label-dropdown",
        )
        rows.append(html.Tr([html.Td(entry["label"]), html.Td(fmt_int(entry["rows"])), html.Td(dropdown)]))
    body = (
        [html.Table(rows, className="label-table", id="import-fix-labels")]
        if found["labels"]
        else [html.P(t("import.fix.none", lang), className="muted")]
    )
    return html.Section(
        [
            html.H2(t("import.fix.title", lang, batch=batch_id, file=found["file"])),
            html.P(
                t("import.fix.lead", lang, profile=found["profile_name"] or f"import-{batch_id}"), className="muted"
            ),
            dcc.Store(id="import-fix-batch", data=batch_id),
            *body,
            new_category_form,
            html.Button(t("quarantine.retry", lang), id="import-fix-retry", className="button"),
            html.P(id="import-fix-message", className="notice-line"),
        ],
        className="panel",
        id="import-fix",
    )


@callback(
    Output("import-job", "data", allow_duplicate=True),
    Output("import-poll", "disabled", allow_duplicate=True),
    Output("import-fix-message", "children"),
    Input("import-fix-retry", "n_clicks"),
    State("import-fix-batch", "data"),
    State({"type": "import-label", "field": ALL, "label": ALL}, "value"),
    State({"type": "import-label", "field": ALL, "label": ALL}, "id"),
    State("import-lang", "data"),
    prevent_initial_call=True,
)
def _fix_and_retry(_n, batch_id, values, ids, lang):
    """The chosen codes into the import's profile (audited), then the retry of its refused rows."""
    guard()
    from etl.mapping_fix import fix_labels

    chosen = {
        i["label"]: v for v, i in zip(values or [], ids or []) if i["field"] == "category" and v and v != NEW_CATEGORY
    }
    user = access.current_user_name()
    if jobs.busy(user) is not None:
        return dash.no_update, True, t("import.busy", lang)
    try:
        name = fix_labels(connection.db_path(), int(batch_id), chosen)
    except (UnusableInput, TypeError, ValueError) as error:
        return dash.no_update, True, t("import.refused", lang, reason=str(error))
    access.audit("import_fix_mapping", f"import {batch_id}: profiel {name}: {len(chosen)} labels")
    key = jobs.start("retry", connection.db_path(), user, batch_id=int(batch_id), profile_name=name)
    if key is None:
        return dash.no_update, True, t("import.busy", lang)
    access.audit("quarantine_retry", f"import {batch_id}")
    return key, False, t("import.fix.retrying", lang, profile=name)
