"""Dry run, load and saved profile: the page's choices as a profile, handed to a background job."""

from __future__ import annotations

import json

import dash
from dash import Input, Output, State, callback, ctx, dcc, html

from civ.errors import UnusableInput
from dashboards import access, connection
from dashboards.components.import_jobs import jobs
from dashboards.i18n import fmt_int, t
from dashboards.pages.import_page.batches import batch_rows
from dashboards.pages.import_page.common import (
    COUNTS,
    FORM,
    chosen_options,
    file_options,
    guard,
    profile_from,
    read_options,
)
from dashboards.pages.import_page.common import header_row as found_header_row


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
    delimiter,
    decimal,
    crs,
    profile_name,
    lang,
):
    guard()
    from etl.web_import import checked_profile, is_table

    user = access.current_user_name()
    upload = jobs.upload(token, user)
    if upload is None:
        return dash.no_update, t("import.no_upload", lang), True
    work = "load" if ctx.triggered_id == "import-load" else "dry_run"
    args = {"path": str(upload.path), "kind": kind}
    if is_table(upload.path):
        try:
            options = file_options(header_row, chosen_options(sheet, encoding, delimiter, decimal, crs), recognised)
            text = profile_from(
                kind,
                found_header_row(options, upload.path, kind),
                field_values,
                field_ids,
                label_values,
                label_ids,
                options,
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
    _note_rows(key, upload.path, kind, options if is_table(upload.path) else {}, work)
    access.audit("import_dry_run" if work == "dry_run" else "import_load", f"{upload.path.name} ({kind})")
    return key, t("import.running", lang, seconds=0), False


def _note_rows(key: str, path, kind: str, options: dict, work: str) -> None:
    """The job's rows (the preview's count, read from the file's start) and the store's load rate, for the
    progress the poll shows."""
    from etl.web_import import is_table, load_rate, preview

    if not is_table(path):
        return
    try:
        rows = preview(path, kind, options.get("header_row"), **read_options(options))["rows_in"]
    except (UnusableInput, ValueError):
        return
    jobs.note(key, rows=rows, rate=load_rate(connection.db_path(), kind) if work == "load" else None)


def running_text(job, seconds: float, lang: str) -> str:
    """The loader's own progress once it reported: 'stap 2 van 3: 600.000 van 1.000.000 rijen gecontroleerd';
    before that 'Bezig… 12 s' with the rows: 'ongeveer 430.000 van 1.000.000 rijen (geschat)' or '1.000.000 rijen'."""
    reported = jobs.reported(job) if job is not None else None
    if reported is not None and reported["step"] is not None:
        return t(
            "import.running_stage",
            lang,
            step=reported["step"],
            done=fmt_int(reported["done"]),
            rows=fmt_int(reported["rows_in"]),
            stage=t(f"import.stage.{reported['stage']}", lang),
            seconds=int(seconds),
        )
    progress = jobs.progress(job, seconds) if job is not None else None
    if progress is None:
        return t("import.running", lang, seconds=int(seconds))
    done, rows = progress
    if done is None:
        return t("import.running_rows", lang, rows=fmt_int(rows), seconds=int(seconds))
    return t("import.running_progress", lang, done=fmt_int(done), rows=fmt_int(rows), seconds=int(seconds))


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
    guard()
    state, seconds, result, job = jobs.status(key, access.current_user_name())
    if state == "running":
        return dash.no_update, False, dash.no_update, running_text(job, seconds, lang)
    if result is None:
        return html.P(t("import.failed", lang), className="notice"), True, dash.no_update, ""
    if "error" in result:
        return (
            html.P(t("import.refused", lang, reason=result["error"]), className="notice", id="import-error"),
            True,
            batch_rows(lang),
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
            batch_rows(lang),
            done,
        )
    access.audit("import_loaded", json.dumps({k: result.get(k) for k in ("batch_id", *COUNTS)}))
    return _outcome(result, lang, dry=False), True, batch_rows(lang), done


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
    delimiter,
    decimal,
    crs,
    name,
    lang,
):
    guard()
    from etl.web_import import checked_profile, save

    upload = jobs.upload(token, access.current_user_name())
    if upload is None:
        return t("import.no_upload", lang)
    try:
        options = file_options(header_row, chosen_options(sheet, encoding, delimiter, decimal, crs), recognised)
        text = profile_from(
            kind,
            found_header_row(options, upload.path, kind),
            field_values,
            field_ids,
            label_values,
            label_ids,
            options,
        )
        checked_profile(text, kind)
        save(connection.db_path(), str(name or "").strip(), text)
    except (UnusableInput, ValueError) as error:
        return t("import.refused", lang, reason=str(error))
    access.audit("import_profile_saved", str(name))
    return t("import.profile_saved", lang, name=name)
