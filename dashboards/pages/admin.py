"""Beheer: the accounts and the audit log, for the beheerder alone.

Users: the list (role, active, created, last login); disable, enable and change a role after a
confirmation; add a user, whose random one-time password is shown once in the answer to that
request and nowhere else (not logged, stored only as its argon2 hash). The rules — nobody disables
themselves or changes their own role, the last active beheerder stays one — live in etl/users.py,
which `python -m etl users` uses too. Every change goes to the audit log with who made it.

Audit log: newest first, filtered by period (local days), user and kind, at most LIMIT rows on the
page with a notice when there are more; the CSV export has them all, and is itself audited.

Every callback's outputs carry the prefix `admin-` or `audit-`, which dashboards/access.py refuses
(403) to anyone but a beheerder; the callbacks check the role again themselves.
"""

from __future__ import annotations

from datetime import date

import dash
import dash_ag_grid as dag
from dash import Input, Output, State, callback, ctx, dcc, html
from dash.exceptions import PreventUpdate

from analytics.periods import Period
from civ import accounts as users
from civ.errors import UnusableInput
from dashboards import access, branding, connection
from dashboards.components import export, live_devices
from dashboards.i18n import audit_kind, fmt_datetime, fmt_int, grid_locale, lang_of, t

dash.register_page(__name__, path="/beheer", name="Beheer", title=branding.page_title("Beheer"), order=20)
live_devices.register()

LIMIT = 1000  # audit entries on the page; the export has them all
EXPORT_LIMIT = 1_000_000
ACTIONS = ("disable", "enable", "role")
ALL = "all"
GRID = {"suppressCellFocus": True, "enableCellTextSelection": True}


def _role_label(role: str, lang: str) -> str:
    return t(f"admin.role.{role}", lang) if role in users.ROLES else str(role)


def _header(lang: str) -> html.Header:
    return html.Header(
        [html.H1(t("admin.title", lang)), html.P(t("admin.lead", lang), className="lead")], className="page-header"
    )


def layout(lang: str | None = None, **_query) -> html.Div:
    lang = lang_of(lang)
    if not access.allowed("admin"):
        return html.Div(
            [_header(lang), html.P(t("access.admin", lang), className="notice", id="admin-no-access")], id="admin-page"
        )
    roles = [{"label": _role_label(r, lang), "value": r} for r in users.ROLES]
    user_options, event_options = _audit_options(connection.db_path(), lang)  # the value 'all' must be an option
    return html.Div(
        [
            _header(lang),
            dcc.Store(id="admin-lang", data=lang),
            dcc.Store(id="admin-pending"),
            dcc.Store(id="admin-version", data=0),
            dcc.Store(id="admin-added", data=0),
            html.Section(
                [
                    html.H2(t("admin.users.title", lang)),
                    dag.AgGrid(
                        id="admin-users",
                        rowData=[],
                        columnDefs=_user_columns(lang),
                        defaultColDef={"sortable": True, "resizable": True},
                        dashGridOptions={"localeText": grid_locale(lang), "domLayout": "autoHeight", **GRID},
                        style={"width": "100%"},
                        className="grid",
                    ),
                    html.Div(
                        [
                            _control(
                                t("admin.user", lang),
                                dcc.Dropdown(id="admin-user", placeholder=t("admin.pick_user", lang)),
                            ),
                            html.Button(t("admin.disable", lang), id="admin-disable", n_clicks=0, className="button"),
                            html.Button(t("admin.enable", lang), id="admin-enable", n_clicks=0, className="button"),
                            _control(
                                t("admin.new_role", lang),
                                dcc.Dropdown(
                                    id="admin-role", options=roles, clearable=False, searchable=False, value="kerngroep"
                                ),
                            ),
                            html.Button(
                                t("admin.change_role", lang), id="admin-set-role", n_clicks=0, className="button"
                            ),
                        ],
                        className="admin-actions",
                    ),
                    html.Div(
                        [
                            html.P(id="admin-confirm-text"),
                            html.Button(
                                t("admin.confirm", lang),
                                id="admin-confirm",
                                n_clicks=0,
                                className="button button-danger",
                            ),
                            html.Button(t("admin.cancel", lang), id="admin-cancel", n_clicks=0, className="button"),
                        ],
                        id="admin-confirm-panel",
                        className="admin-confirm",
                        hidden=True,
                        role="alertdialog",
                    ),
                    html.P(id="admin-message", className="admin-message", role="status"),
                    html.H3(t("admin.add.title", lang)),
                    html.Div(
                        [
                            _control(
                                t("admin.add.name", lang),
                                dcc.Input(
                                    id="admin-add-name",
                                    type="text",
                                    maxLength=64,
                                    autoComplete="off",
                                    className="text-input",
                                ),
                            ),
                            _control(
                                t("admin.add.role", lang),
                                dcc.Dropdown(
                                    id="admin-add-role",
                                    options=roles,
                                    value="kerngroep",
                                    clearable=False,
                                    searchable=False,
                                ),
                            ),
                            html.Button(t("admin.add.submit", lang), id="admin-add", n_clicks=0, className="button"),
                        ],
                        className="admin-actions",
                    ),
                    html.Div(id="admin-add-result", className="admin-added", role="status"),
                ],
                className="panel",
            ),
            live_devices.section(lang),
            html.Section(
                [
                    html.Div(
                        [html.H2(t("audit.title", lang)), export.controls("audit", lang, t("audit.export", lang))],
                        className="panel-head",
                    ),
                    html.Div(
                        [
                            _control(
                                t("audit.period", lang),
                                dcc.DatePickerRange(
                                    id="audit-dates",
                                    display_format="DD/MM/YYYY",
                                    first_day_of_week=1,
                                    minimum_nights=0,
                                    clearable=True,
                                    start_date_placeholder_text=t("audit.from", lang),
                                    end_date_placeholder_text=t("audit.to", lang),
                                ),
                            ),
                            _control(
                                t("audit.user", lang),
                                dcc.Dropdown(id="audit-user", value=ALL, options=user_options, clearable=False),
                            ),
                            _control(
                                t("audit.event", lang),
                                dcc.Dropdown(id="audit-event", value=ALL, options=event_options, clearable=False),
                            ),
                        ],
                        className="admin-actions",
                    ),
                    html.P(id="audit-count", className="caption"),
                    dag.AgGrid(
                        id="audit-grid",
                        rowData=[],
                        columnDefs=_audit_columns(lang),
                        defaultColDef={"resizable": True},
                        dashGridOptions={
                            "localeText": grid_locale(lang),
                            "pagination": True,
                            "paginationPageSize": 50,
                            "paginationPageSizeSelector": [50, 100, 500],
                            **GRID,
                        },
                        style={"height": "640px", "width": "100%"},
                        className="grid",
                    ),
                ],
                className="panel",
            ),
        ],
        id="admin-page",
    )


def _control(label: str, control) -> html.Div:
    return html.Div(
        [html.Label(label, htmlFor=control.id, className="filter-label"), control], className="filter-control"
    )


def _user_columns(lang: str) -> list[dict]:
    return [
        {"field": "name", "headerName": t("admin.col.name", lang), "flex": 2, "minWidth": 160},
        {"field": "role", "headerName": t("admin.col.role", lang), "flex": 1, "minWidth": 130},
        {"field": "active", "headerName": t("admin.col.active", lang), "width": 100},
        {"field": "created", "headerName": t("admin.col.created", lang), "width": 170},
        {"field": "last_login", "headerName": t("admin.col.last_login", lang), "width": 170},
    ]


def _audit_columns(lang: str) -> list[dict]:
    return [
        {"field": "at", "headerName": t("audit.col.at", lang), "width": 200},
        {"field": "user", "headerName": t("audit.col.user", lang), "width": 170},
        {"field": "event", "headerName": t("audit.col.event", lang), "width": 150},
        {"field": "detail", "headerName": t("audit.col.detail", lang), "flex": 1, "minWidth": 300},
        {"field": "remote_addr", "headerName": t("audit.col.address", lang), "width": 140},
    ]


def _db():
    if not access.allowed("admin"):  # the 403 at the endpoint comes first; this is the second lock
        raise PreventUpdate
    return connection.db_path()


# --- users -----------------------------------------------------------------------------------------
@callback(
    Output("admin-users", "rowData"),
    Output("admin-user", "options"),
    Input("admin-version", "data"),
    Input("admin-added", "data"),
    State("admin-lang", "data"),
)
def _users(_version, _added, lang):
    listed = users.list_users(_db())
    rows = [
        {
            "name": u["name"],
            "role": _role_label(u["role"], lang),
            "active": t("admin.no" if u["disabled_at"] else "admin.yes", lang),
            "created": fmt_datetime(u["created_at"]),
            "last_login": fmt_datetime(u["last_login_at"]),
        }
        for u in listed
    ]
    return rows, [{"label": u["name"], "value": u["name"]} for u in listed]


@callback(
    Output("admin-pending", "data"),
    Output("admin-confirm-panel", "hidden"),
    Output("admin-confirm-text", "children"),
    Output("admin-message", "children"),
    Output("admin-version", "data"),
    Input("admin-disable", "n_clicks"),
    Input("admin-enable", "n_clicks"),
    Input("admin-set-role", "n_clicks"),
    Input("admin-cancel", "n_clicks"),
    Input("admin-confirm", "n_clicks"),
    State("admin-user", "value"),
    State("admin-role", "value"),
    State("admin-pending", "data"),
    State("admin-version", "data"),
    State("admin-lang", "data"),
    prevent_initial_call=True,
)
def _act(_disable, _enable, _role, _cancel, _confirm, name, role, pending, version, lang):
    """A button asks first (what exactly, for whom); only Confirm changes the account."""
    db = _db()
    keep = dash.no_update
    trigger = ctx.triggered_id
    if trigger == "admin-cancel":
        return None, True, None, None, keep
    if trigger in ("admin-disable", "admin-enable", "admin-set-role"):
        if not isinstance(name, str) or not name:
            return None, True, None, t("admin.pick_user", lang), keep
        action = {"admin-disable": "disable", "admin-enable": "enable", "admin-set-role": "role"}[trigger]
        role = role if role in users.ROLES else None
        question = t(f"admin.ask.{action}", lang, name=name, role=_role_label(role, lang) if role else "")
        return {"action": action, "name": name, "role": role}, False, question, None, keep
    if trigger != "admin-confirm" or not isinstance(pending, dict) or pending.get("action") not in ACTIONS:
        raise PreventUpdate
    name, role, me = str(pending.get("name") or ""), pending.get("role"), access.current_user_name()
    try:
        if pending["action"] == "disable":
            users.disable_user(db, name, by=me)
        elif pending["action"] == "enable":
            users.enable_user(db, name, by=me)
        else:
            users.set_role(db, name, str(role), by=me)
    except UnusableInput as refused:
        return None, True, None, t("admin.refused", lang, reason=str(refused)), keep
    done = t(f"admin.done.{pending['action']}", lang, name=name, role=_role_label(str(role), lang))
    return None, True, None, done, (version or 0) + 1


@callback(
    Output("admin-add-result", "children"),
    Output("admin-added", "data"),
    Output("admin-add-name", "value"),
    Input("admin-add", "n_clicks"),
    State("admin-add-name", "value"),
    State("admin-add-role", "value"),
    State("admin-added", "data"),
    State("admin-lang", "data"),
    prevent_initial_call=True,
)
def _add(_n, name, role, added, lang):
    """A new account with a random one-time password: in this answer only, never logged or stored."""
    db = _db()
    password = users.generate_password()
    try:
        user = users.add_user(db, str(name or ""), str(role or ""), password, by=access.current_user_name())
    except UnusableInput as refused:
        return html.P(t("admin.refused", lang, reason=str(refused)), className="notice"), dash.no_update, dash.no_update
    return (
        [
            html.P(t("admin.add.done", lang, name=user.name, role=_role_label(user.role, lang))),
            html.P(html.Code(password, id="admin-add-password", className="one-time-password")),
            html.P(t("admin.add.once", lang), className="muted"),
        ],
        (added or 0) + 1,
        "",
    )


# --- audit log -------------------------------------------------------------------------------------
def _day(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _audit_filters(start, end, user, event) -> dict:
    """The filters as civ.accounts takes them: local days to UTC instants, 'all' to None."""
    first, last = _day(start), _day(end)
    return {
        "since": Period.between(first, first).utc_bounds()[0] if first else None,
        "until": Period.between(last, last).utc_bounds()[1] if last else None,
        "user": user if isinstance(user, str) and user != ALL else None,
        "event": event if isinstance(event, str) and event != ALL else None,
    }


def _audit_rows(entries: list[dict], lang: str) -> list[dict]:
    return [{**e, "at": fmt_datetime(e["at"], seconds=True), "event": audit_kind(e["event"], lang)} for e in entries]


@callback(
    Output("audit-grid", "rowData"),
    Output("audit-count", "children"),
    Output("audit-user", "options"),
    Output("audit-event", "options"),
    Input("audit-dates", "start_date"),
    Input("audit-dates", "end_date"),
    Input("audit-user", "value"),
    Input("audit-event", "value"),
    Input("admin-version", "data"),
    Input("admin-added", "data"),
    State("admin-lang", "data"),
)
def _audit_log(start, end, user, event, _version, _added, lang):
    db = _db()
    filters = _audit_filters(start, end, user, event)
    entries = users.audit_entries(db, limit=LIMIT, **filters)
    total = users.audit_count(db, **filters) if len(entries) >= LIMIT else len(entries)
    text = (
        t("audit.count_limited", lang, shown=fmt_int(len(entries)), count=fmt_int(total))
        if total > len(entries)
        else t("audit.count_one", lang)
        if total == 1
        else t("audit.count", lang, count=fmt_int(total))
    )
    return (_audit_rows(entries, lang), text, *_audit_options(db, lang))


def _audit_options(db, lang: str) -> tuple[list[dict], list[dict]]:
    known = users.audit_vocabulary(db)
    return (
        [{"label": t("audit.all_users", lang), "value": ALL}] + [{"label": n, "value": n} for n in known["users"]],
        [{"label": t("audit.all_events", lang), "value": ALL}]
        + [{"label": audit_kind(e, lang), "value": e} for e in known["events"]],
    )


@callback(
    Output("audit-export-download", "data"),
    *export.inputs("audit"),
    State("audit-dates", "start_date"),
    State("audit-dates", "end_date"),
    State("audit-user", "value"),
    State("audit-event", "value"),
    State("admin-lang", "data"),
    prevent_initial_call=True,
)
def _audit_export(_csv, _xlsx, start, end, user, event, lang):
    """Every entry of the filters as CSV or .xlsx; the export is itself written to the audit log."""
    db = _db()
    filters = _audit_filters(start, end, user, event)
    rows = _audit_rows(users.audit_entries(db, limit=EXPORT_LIMIT, **filters), lang)
    shown = {"van": _day(start), "tot": _day(end), "gebruiker": filters["user"], "soort": filters["event"]}
    return export.download(
        "audit",
        shown,
        [export.Table(export.grid_columns(_audit_columns(lang)), rows)],
        f"auditlog-{date.today():%Y%m%d}",
    )
