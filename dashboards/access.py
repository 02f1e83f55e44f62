"""Who may see what: the one place the server decides, for page layouts and for callbacks alike.

Individual tracks, live positions and overview lists of passages are personal data of the wardens:
only the `coordinator`, who plans their rounds, sees them (the `beheerder` manages accounts, not people). Free-text descriptions of reports and raw rows of
imports may name citizens: only the `coordinator`, who follows the reports up, sees them (the
`beheerder` manages accounts, not content). `kerngroep` and `politie` see aggregates: CompStat, hot
spots, trends, coverage per hot spot. Users and the audit log are for the `beheerder` alone.

Hiding a menu item protects nothing, so the callback endpoint is guarded too: a request whose
outputs belong to a restricted page (by the page's id prefix) is refused with 403 before Dash runs
it (dashboards/auth.py calls `refused_outputs`). Page layouts ask `allowed()` themselves, and data
functions take what they may return as an argument (e.g. quarantine rows without raw text).
"""

from __future__ import annotations

from urllib.parse import parse_qs

import flask
import flask_login

from analytics.periods import Period
from civ import accounts as users

CAPABILITIES = {
    "individual_tracks": {"coordinator"},
    "reporter_data": {"coordinator"},  # free-text descriptions, raw rows of imports
    "admin": {"beheerder"},
    "import": {"coordinator", "beheerder"},  # loading files in the browser (/import)
}
# Component id prefixes of the pages that show restricted data (ids are prefixed with the page name).
RESTRICTED_PREFIXES = {
    "day-": "individual_tracks",
    "live-": "individual_tracks",
    "overview-": "individual_tracks",
    "admin-": "admin",  # the users section of /beheer
    "audit-": "admin",  # the audit-log section of /beheer
    "import-": "import",  # the import page /import
}


# Coverage for every role but the coordinator (F1 of issue 13): summed over all wardens, over at least
# a week, presence cells only where at least two wardens were. A single day of a single warden is
# that warden's walk, which only the coordinator may rebuild (Dagoverzicht).
MIN_AGGREGATE_DAYS = 7
MIN_WARDENS_PER_CELL = 2
AGGREGATE_PATH = "/coverage"
ALL_WARDENS = "all"


def current_role() -> str | None:
    user = flask_login.current_user
    return getattr(user, "role", None) if user and user.is_authenticated else None


def allowed(capability: str) -> bool:
    return current_role() in CAPABILITIES[capability]


def can_see_reporter_data() -> bool:
    """Whether the current request may see free-text descriptions and raw rows of reports."""
    return allowed("reporter_data")


def can_see_individual_tracks() -> bool:
    """Whether the current request may see individual tracks, positions and passages of wardens."""
    return allowed("individual_tracks")


def _component_ids(outputs) -> list[str]:
    items = outputs if isinstance(outputs, list) else [outputs]
    ids = []
    for item in items:
        if isinstance(item, list):
            ids += _component_ids(item)
        elif isinstance(item, dict):
            component = item.get("id")
            ids.append(component if isinstance(component, str) else str(component.get("type", "")))
    return ids


def refused_outputs(request_body: dict | None) -> list[str]:
    """The output ids of a callback request that the current user may not receive."""
    if not isinstance(request_body, dict):
        return []
    refused = []
    for component in _component_ids(request_body.get("outputs", [])):
        for prefix, capability in RESTRICTED_PREFIXES.items():
            if component.startswith(prefix) and not allowed(capability):
                refused.append(component)
    return refused


def current_user_name() -> str | None:
    user = flask_login.current_user
    return user.name if user and user.is_authenticated else None


def audit(event: str, detail: str | None = None) -> None:
    """Write who saw what to the audit log (views of individual tracks, overview lists, exports)."""
    name = current_user_name()
    db = flask.current_app.config["CIV_DB"]
    users.audit(db, name, event, detail, flask.request.remote_addr)


def aggregate_refusal(period_code=None, warden=None) -> str | None:
    """Why a coverage view would show one warden or a too short period to a role without individual
    tracks (None: it may be shown). A period that cannot be read is no refusal: the page falls back."""
    if can_see_individual_tracks():
        return None
    if warden not in (None, "", ALL_WARDENS):
        return f"dekking per gemeenschapswacht '{str(warden)[:40]}'"
    if period_code not in (None, ""):
        try:
            period = Period.parse(str(period_code))
        except ValueError:
            return None
        if period.days < MIN_AGGREGATE_DAYS:
            return f"dekking over {period.days} dag(en): {period.code}"
    return None


def query_refusal(path: str, query: dict[str, list[str]]) -> str | None:
    """`aggregate_refusal` for a coverage page address (its query as parse_qs gives it)."""
    if path.rstrip("/") != AGGREGATE_PATH:
        return None
    for warden in query.get("warden", []):
        if reason := aggregate_refusal(warden=warden):
            return reason
    for period in query.get("period", []):
        if reason := aggregate_refusal(period_code=period):
            return reason
    return None


def _values(items) -> list[dict]:
    flat = []
    for item in items if isinstance(items, list) else [items]:
        if isinstance(item, list):
            flat += _values(item)
        elif isinstance(item, dict):
            flat.append(item)
    return flat


def refused_inputs(request_body: dict | None) -> str | None:
    """Why a callback request asks a coverage view by warden or by day that the current user may not
    see (None: allowed): its inputs and states, and the page address Dash Pages routes on."""
    if not isinstance(request_body, dict) or can_see_individual_tracks():
        return None
    items = _values(request_body.get("inputs", [])) + _values(request_body.get("state", []))
    location: dict[str, str] = {}
    for item in items:
        component, value = item.get("id"), item.get("value")
        if not isinstance(component, str):
            continue
        reason = (
            aggregate_refusal(warden=value)
            if component == "coverage-warden"
            else aggregate_refusal(period_code=value)
            if component == "coverage-period"
            else None
        )
        if reason:
            return reason
        if component == "_pages_location" and item.get("property") in ("pathname", "search"):
            location[item["property"]] = value if isinstance(value, str) else ""
    if location.get("pathname"):
        return query_refusal(location["pathname"], parse_qs(location.get("search", "").lstrip("?")))
    return None
