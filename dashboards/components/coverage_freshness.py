"""Whether the coverage figures include every GPS import, and bringing them up to date while the page waits.

A page asks `status(prefix, lang)` in its layout: when fixes batches (or changed mappings, hot
spots) wait, it starts analytics.coverage's refresh in the background and shows the banner
"bezig met bijwerken" with what is stored so far. `register(prefix)` polls every 2 s; when the
refresh is done the banner goes and the page's `{prefix}-version` store changes, which the page's
callbacks take as an input, so the figures redraw by themselves.
"""

from __future__ import annotations

from dash import Input, Output, State, callback, dcc, html, no_update

from analytics.coverage import is_pending, pending
from analytics.coverage.background import is_refreshing, refresh_in_background
from civ.errors import UnusableInput
from dashboards import connection
from dashboards.i18n import t

POLL_MS = 2000


def _waiting() -> dict | None:
    try:
        with connection.reader() as con:
            status = pending(con)
    except UnusableInput:
        return None
    return status if is_pending(status) else None


def _text(status: dict, lang: str) -> str:
    count = len(status.get("batches") or [])
    return t("cov.updating", lang) + " " + (t("cov.updating_batches", lang, count=count) if count else "")


def status(prefix: str, lang: str, check: bool = True) -> list:
    """The banner, its poller and the version store, for a page's layout (`check` False: only the
    components, for a page that shows nothing)."""
    waiting = _waiting() if check else None
    if waiting:
        refresh_in_background(connection.db_path())
    return [
        html.Div(
            _text(waiting, lang) if waiting else "",
            id=f"{prefix}-updating",
            className="notice cov-updating",
            role="status",
            hidden=not waiting,
        ),
        dcc.Interval(id=f"{prefix}-poll", interval=POLL_MS, disabled=not waiting),
        dcc.Store(id=f"{prefix}-version", data=0),
    ]


def register(prefix: str) -> None:
    @callback(
        Output(f"{prefix}-updating", "hidden"),
        Output(f"{prefix}-poll", "disabled"),
        Output(f"{prefix}-version", "data"),
        Input(f"{prefix}-poll", "n_intervals"),
        State(f"{prefix}-version", "data"),
        prevent_initial_call=True,
    )
    def _poll(_n, version):
        if is_refreshing(connection.db_path()):
            return no_update, no_update, no_update
        waiting = _waiting()
        if waiting:  # a refresh failed or new imports arrived: try again
            refresh_in_background(connection.db_path())
            return no_update, no_update, no_update
        return True, True, (version or 0) + 1
