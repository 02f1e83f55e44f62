"""Instellen: the beheerder picks the territory (a municipality or a police zone's municipalities) from
Statbel's list, its name and a logo. The same as `python -m etl territory set` (civ/territory.py): every
stored report gets its area again, and the change is audited.

Ids carry the prefix `admin-` (dashboards/access.py refuses them to anyone but a beheerder); the
callback checks the role again itself.
"""

from __future__ import annotations

import base64
import binascii

import dash
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from civ import territory
from civ.errors import UnusableInput
from dashboards import access, branding, connection
from dashboards.i18n import lang_of, t

dash.register_page(__name__, path="/instellen", name="Instellen", title=branding.page_title("Instellen"), order=21)

LOGO_TYPES = {"image/png": ".png", "image/svg+xml": ".svg", "image/jpeg": ".jpg"}
LOGO_MAX_BYTES = 512 * 1024


def logo_path(db, suffix: str):
    """Where the uploaded logo of the store `db` is kept: beside the store, one per type."""
    return db.with_name(f"{db.stem}-logo{suffix}")


def current_logo(db):
    for suffix in LOGO_TYPES.values():
        if logo_path(db, suffix).exists():
            return logo_path(db, suffix)
    return None


def _header(lang: str) -> html.Header:
    return html.Header(
        [html.H1(t("setup.title", lang)), html.P(t("setup.lead", lang), className="lead")], className="page-header"
    )


def layout(lang: str | None = None, **_query) -> html.Div:
    lang = lang_of(lang)
    if not access.allowed("admin"):
        return html.Div(
            [_header(lang), html.P(t("setup.not_admin", lang), className="notice", id="admin-setup-no-access")],
            id="setup-page",
        )
    chosen, name = [], ""
    try:
        with connection.reader() as con:
            found = territory.current(con)
        if found is not None:
            chosen, name = [m["nis"] for m in found.municipalities], found.name
    except UnusableInput:
        pass  # a new store: nothing chosen yet
    options = [{"label": f"{m['name']} ({m['nis']})", "value": m["nis"]} for m in territory.municipalities()]
    return html.Div(
        [
            _header(lang),
            dcc.Store(id="admin-setup-lang", data=lang),
            html.Section(
                [
                    html.Label(t("setup.municipalities", lang), htmlFor="admin-setup-nis"),
                    dcc.Dropdown(
                        id="admin-setup-nis",
                        options=options,
                        value=chosen,
                        multi=True,
                        placeholder=t("setup.pick", lang),
                    ),
                    html.P(t("setup.zone_hint", lang), className="hint"),
                    html.Label(t("setup.name", lang), htmlFor="admin-setup-name"),
                    dcc.Input(
                        id="admin-setup-name",
                        value=name,
                        type="text",
                        maxLength=80,
                        debounce=False,
                        placeholder=t("setup.name_hint", lang),
                        className="text-input",
                    ),
                    html.Label(t("setup.logo", lang)),
                    dcc.Upload(
                        html.Div(t("setup.logo_hint", lang)),
                        id="admin-setup-logo",
                        multiple=False,
                        accept=",".join(LOGO_TYPES),
                        className="upload-box",
                    ),
                    html.Button(t("setup.apply", lang), id="admin-setup-apply", n_clicks=0, className="button"),
                    dcc.Loading(html.Div(id="admin-setup-result", role="status")),
                ],
                className="panel setup-panel",
            ),
        ],
        id="setup-page",
    )


def _save_logo(contents: str | None, lang: str) -> str | None:
    """Store an uploaded logo beside the store; a problem as text, None when fine or absent."""
    if not contents:
        return None
    head, _, data = contents.partition(",")
    kind = head.removeprefix("data:").split(";")[0]
    if kind not in LOGO_TYPES:
        return t("setup.logo_type", lang)
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return t("setup.logo_type", lang)
    if len(raw) > LOGO_MAX_BYTES:
        return t("setup.logo_size", lang)
    db = connection.db_path()
    for suffix in LOGO_TYPES.values():
        logo_path(db, suffix).unlink(missing_ok=True)
    logo_path(db, LOGO_TYPES[kind]).write_bytes(raw)
    return None


@callback(
    Output("admin-setup-result", "children"),
    Input("admin-setup-apply", "n_clicks"),
    State("admin-setup-nis", "value"),
    State("admin-setup-name", "value"),
    State("admin-setup-logo", "contents"),
    State("admin-setup-lang", "data"),
    prevent_initial_call=True,
)
def _apply(n_clicks, nis_codes, name, logo, lang):
    if not n_clicks or not access.allowed("admin"):
        raise PreventUpdate
    lang = lang_of(lang)
    if not nis_codes:
        return html.P(t("setup.none", lang), className="notice notice-warning")
    problem = _save_logo(logo, lang)
    if problem:
        return html.P(problem, className="notice notice-warning")
    try:
        summary = territory.set_territory(connection.db_path(), nis_codes, name=name, by=access.current_user_name())
    except UnusableInput as error:
        return html.P(str(error), className="notice notice-warning")
    branding.forget()
    moved = sum(summary["reports_by_area"].values())
    return html.Div(
        [
            html.P(
                t("setup.done", lang, name=summary["name"], areas=len(summary["areas"]), reports=moved),
                className="notice",
                id="admin-setup-done",
            ),
            dcc.Link(t("setup.next", lang), href="/" + ("?lang=en" if lang == "en" else "")),
        ]
    )
