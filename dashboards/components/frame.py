"""The frame around every page: navbar with the language switch, the demo banner, shared notices.

The language lives in the URL (`?lang=en`), like every other filter, so a link reopens the same
view in the same language; Dutch is what a URL without `lang` means.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, dcc, html

from analytics import inventory
from civ import accounts as users
from civ.errors import UnusableInput
from civ.store import StoreBusy
from dashboards import access, connection
from dashboards.i18n import DEFAULT_LANG, lang_of, t

EVERYONE = frozenset(users.ROLES)
# The menu in order: (path, i18n key, the roles that see the item). Hiding an item is only
# courtesy — the pages and their callbacks refuse other roles on the server (dashboards/access.py).
# Emerging hot spots come right after CompStat: the meeting reads them together.
MENU = [
    ("/", "nav.home", EVERYONE),
    ("/compstat", "nav.compstat", EVERYONE),
    ("/hotspots", "nav.hotspots", EVERYONE),
    ("/trends", "nav.trends", EVERYONE),
    ("/projecten", "nav.projects", EVERYONE),
    ("/coverage", "nav.coverage", EVERYONE),
    ("/coverage/day", "nav.coverage_day", access.CAPABILITIES["individual_tracks"]),
    ("/live", "nav.live", access.CAPABILITIES["individual_tracks"]),
    ("/overview", "nav.overview", access.CAPABILITIES["individual_tracks"]),
    ("/quarantaine", "nav.quarantine", EVERYONE),
    ("/import", "nav.import", access.CAPABILITIES["import"]),
    ("/beheer", "nav.admin", access.CAPABILITIES["admin"]),
    ("/instellen", "nav.setup", access.CAPABILITIES["admin"]),
]


def menu_for(role: str | None) -> list[tuple[str, str]]:
    """The (path, i18n key) items `role` may open, in menu order."""
    return [(path, key) for path, key, roles in MENU if role in roles]


def href(path: str, lang: str, **params) -> str:
    """A link inside the app that keeps the language; parameters that are None are left out."""
    query = {k: v for k, v in params.items() if v is not None}
    if lang_of(lang) != DEFAULT_LANG:
        query["lang"] = lang_of(lang)
    return path + ("?" + urlencode(query) if query else "")


def _switched(pathname: str, search: str | None, lang: str) -> str:
    """The current URL with another language and every other filter kept."""
    params = dict(parse_qsl((search or "").lstrip("?")))
    params.pop("lang", None)
    return href(pathname or "/", lang, **params)


def navbar(
    pathname: str = "/", search: str | None = None, is_demo: bool = False, role: str | None = None
) -> dbc.Navbar:
    lang = lang_of(dict(parse_qsl((search or "").lstrip("?"))).get("lang"))
    links = [
        dbc.NavItem(
            dcc.Link(
                t(key, lang),
                href=href(path, lang),
                className="nav-link" + (" active" if path == (pathname or "/") else ""),
                id=f"app-nav-{path.strip('/') or 'home'}",
            )
        )
        for path, key in menu_for(role)
    ]
    switch = html.Div(
        [
            dcc.Link(
                code.upper(),
                href=_switched(pathname, search, code),
                id=f"app-lang-{code}",
                className="lang-option" + (" active" if code == lang else ""),
                title=t("nav.language", lang),
            )
            for code in ("nl", "en")
        ],
        className="lang-switch",
        role="group",
        **{"aria-label": t("nav.language", lang)},
    )
    brand = dcc.Link(
        [
            html.Img(src="/logo", alt="", className="brand-logo"),
            html.Span(
                [
                    html.Span(t("app.title", lang), className="brand-title"),
                    html.Span(t("app.subtitle", lang), className="brand-subtitle"),
                ],
                className="brand-text",
            ),
        ],
        href=href("/", lang),
        className="navbar-brand",
    )
    demo = [dbc.Badge(t("demo.badge", lang), className="demo-badge", id="app-demo-badge")] if is_demo else []
    return dbc.Navbar(
        dbc.Container(
            [brand, dbc.Nav(links, className="app-menu"), html.Div(demo + [switch], className="navbar-end")],
            fluid=True,
            className="navbar-inner",
        ),
        className="app-navbar",
        dark=True,
    )


def demo_banner(lang: str) -> html.Div:
    return html.Div(
        [html.Strong(t("demo.badge", lang)), " ", t("demo.banner", lang)],
        className="demo-banner",
        id="app-demo-text",
        role="note",
    )


def layout() -> html.Div:
    """The app's outer layout; the page itself goes in `page_container`."""
    return html.Div(
        [
            dcc.Location(id="app-url", refresh=False),
            html.Div(id="app-lang-sink", hidden=True),
            html.Div(navbar(), id="app-navbar"),
            html.Div(id="app-demo"),
            html.Main(dash.page_container, className="app-main"),
        ]
    )


def register(app: Dash) -> None:
    """Wire the frame to the URL: language, active menu item, demo banner."""

    @app.callback(
        Output("app-navbar", "children"),
        Output("app-demo", "children"),
        Input("app-url", "pathname"),
        Input("app-url", "search"),
    )
    def _frame(pathname, search):
        lang = lang_of(dict(parse_qsl((search or "").lstrip("?"))).get("lang"))
        try:
            with connection.reader() as con:
                is_demo = inventory.store_summary(con)["is_demo"]
        except UnusableInput:
            is_demo = False  # the page itself explains what is wrong with the store
        return navbar(pathname, search, is_demo, access.current_role()), demo_banner(lang) if is_demo else None

    # Screen readers and the browser's translation offer follow the page's language.
    app.clientside_callback(
        "function(search) { var m = /[?&]lang=en/.test(search || ''); "
        "document.documentElement.lang = m ? 'en' : 'nl'; return window.dash_clientside.no_update; }",
        Output("app-lang-sink", "children"),
        Input("app-url", "search"),
    )


def store_problem(error: Exception, lang: str) -> dbc.Alert:
    """What a page shows instead of its content when the store cannot be read right now."""
    if isinstance(error, StoreBusy):
        text = t("store.busy", lang)
    else:
        text = t("store.missing", lang, path=str(connection.db_path()))
    return dbc.Alert(text, color="warning", className="store-problem")


def empty_store(lang: str) -> html.Div:
    """A friendly start for an empty store: how to load data, not an error."""
    return html.Div(
        [
            html.H2(t("empty.title", lang)),
            html.P(t("empty.text", lang)),
            html.Pre(
                "python -m etl territory set --nis NIS-CODE\n"
                "python -m etl reports MELDINGEN.csv\n"
                "python -m etl fixes SPOOR.gpx --device TRACKER-1\n"
                "python -m etl hotspots HOTSPOTS.geojson"
            ),
            html.P(t("empty.demo", lang)),
            html.Pre("python -m etl demo"),
        ],
        className="empty-store",
        id="app-empty-store",
    )


def kpi_card(label: str, value: str, note: str | None = None, card_id: str | None = None) -> html.Div:
    """One big number for the projector, with its label above and an optional note below."""
    extra = {"id": card_id} if card_id else {}
    return html.Div(
        [
            html.Div(label, className="kpi-label"),
            html.Div(value, className="kpi-value"),
            html.Div(note or "\u00a0", className="kpi-note"),
        ],
        className="kpi-card",
        **extra,
    )
