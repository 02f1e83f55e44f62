"""The beheer page's section on devices that push live positions: register one (its id shown once, in
the answer to that request), and the list of registered devices with their warden and last battery.

Every output id starts with `admin-`, so dashboards/access.py refuses these callbacks to anyone but a
beheerder; the callbacks check the role again. Registering writes through etl/live.py, as
`python -m etl devices add --live` does.
"""

from __future__ import annotations

import dash
import dash_ag_grid as dag
import flask
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from civ.errors import UnusableInput
from dashboards import access, connection
from dashboards.i18n import fmt_datetime, fmt_int, grid_locale, t
from etl import live

SHOWN_ID_CHARS = 4  # the list shows only the end of an id: the whole id is the device's secret


def _columns(lang: str) -> list[dict]:
    return [
        {"field": "device", "headerName": t("admin.live.col.device", lang), "width": 130},
        {"field": "warden", "headerName": t("admin.live.col.warden", lang), "width": 110},
        {"field": "registered", "headerName": t("admin.live.col.registered", lang), "width": 170},
        {"field": "battery", "headerName": t("admin.live.col.battery", lang), "width": 110},
        {"field": "state", "headerName": t("admin.live.col.state", lang), "flex": 1, "minWidth": 120},
    ]


def section(lang: str) -> html.Section:
    url = flask.request.host_url.rstrip("/") + "/osmand" if flask.has_request_context() else "/osmand"
    return html.Section(
        [
            html.H2(t("admin.live.title", lang)),
            html.P(t("admin.live.lead", lang, url=url), className="muted"),
            dcc.Store(id="admin-live-version", data=0),
            html.Div(
                [
                    html.Div(
                        [
                            html.Label(
                                t("admin.live.warden", lang), htmlFor="admin-live-warden", className="filter-label"
                            ),
                            dcc.Input(
                                id="admin-live-warden",
                                type="text",
                                maxLength=12,
                                autoComplete="off",
                                className="text-input",
                            ),
                        ],
                        className="filter-control",
                    ),
                    html.Button(t("admin.live.add", lang), id="admin-live-add", n_clicks=0, className="button"),
                ],
                className="admin-actions",
            ),
            html.Div(id="admin-live-result", className="admin-added", role="status"),
            dag.AgGrid(
                id="admin-live-grid",
                rowData=[],
                columnDefs=_columns(lang),
                defaultColDef={"resizable": True},
                dashGridOptions={"localeText": grid_locale(lang), "domLayout": "autoHeight", "suppressCellFocus": True},
                style={"width": "100%"},
                className="grid",
            ),
        ],
        className="panel",
    )


def _db():
    if not access.allowed("admin"):
        raise PreventUpdate
    return connection.db_path()


def register() -> None:
    """The section's callbacks, for the app being built: called from the beheer page's module, which Dash
    Pages runs anew for each app (a module imported once would hand its callbacks to the first app only)."""

    @callback(Output("admin-live-grid", "rowData"), Input("admin-live-version", "data"), State("admin-lang", "data"))
    def _devices(_version, lang):
        _db()
        with connection.reader() as con:
            devices = live.registered_devices(con)
        return [
            {
                "device": "…" + d["device_id"][-SHOWN_ID_CHARS:],
                "warden": d["warden"] or "–",
                "registered": fmt_datetime(d["registered_at"]),
                "battery": "–" if d["battery_pct"] is None else f"{fmt_int(d['battery_pct'])} %",
                "state": t("admin.live.revoked" if d["revoked_at"] else "admin.live.active", lang),
            }
            for d in devices
        ]

    @callback(
        Output("admin-live-result", "children"),
        Output("admin-live-version", "data"),
        Input("admin-live-add", "n_clicks"),
        State("admin-live-warden", "value"),
        State("admin-live-version", "data"),
        State("admin-lang", "data"),
        prevent_initial_call=True,
    )
    def _register(_n, warden, version, lang):
        """A new device with a long random id: in this answer only (the list shows its last characters)."""
        db = _db()
        try:
            device = live.register_device(db, None, warden=str(warden or "") or None, by=access.current_user_name())
        except UnusableInput as refused:
            return html.P(t("admin.refused", lang, reason=str(refused)), className="notice"), dash.no_update
        return [
            html.P(t("admin.live.added", lang)),
            html.P(html.Code(device, id="admin-live-new-id", className="one-time-password")),
        ], (version or 0) + 1
