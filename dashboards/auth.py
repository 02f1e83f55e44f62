"""Login, sessions and security headers around the Dash app's Flask server, as a Flask Blueprint.

Everything but the login page and static files needs a session: pages redirect to /login and a
callback request (`/_dash-update-component`, `/_dash-layout`, …) without a valid session gets 401,
never data. A session is a record on the server (civ.accounts, the `sessions` table): the cookie holds
only a random token, so logging out, disabling an account, changing its role or password ends the
session at its next request, wherever the cookie was copied to. Sessions also end after `IDLE_MINUTES`
without a request (timer refreshes do not count) and after `MAX_HOURS` in all. The cookie is a browser
session cookie (no expiry date), HttpOnly and SameSite=Lax, and Secure when the app is served over HTTPS
(`CIV_HTTPS=1`, e.g. behind a reverse proxy that terminates TLS; set `CIV_TRUSTED_PROXIES` to that
proxy's address so its X-Forwarded-For is believed, and only its).
"""

from __future__ import annotations

import hmac
import os
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

import flask
import flask_login
from werkzeug.exceptions import NotFound
from werkzeug.middleware.proxy_fix import ProxyFix

from civ import accounts as users
from civ.keys import read_or_create_key, session_key_file
from dashboards import access, branding

IDLE_MINUTES = 30
MAX_HOURS = 10
# Exact paths (issue 13, F10: with startswith, '/loginx' served the app's shell) and static folders.
# Phones push positions to /osmand without a session: the registered device id is their credential (etl/live.py).
PUBLIC_PATHS = frozenset({"/login", "/_favicon.ico", "/favicon.ico", "/osmand"})
PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
FAILURES_PER_NAME = 5  # attempts per name, from any address, within FAILURE_WINDOW_S
FAILURES_PER_ADDRESS = 20  # attempts per address within FAILURE_WINDOW_S
FAILURE_WINDOW_S = 15 * 60
# argon2id takes 64 MiB and tens of milliseconds per check: a flood of logins must not take the memory
# and the processor from everyone else (F6).
HASHING_AT_ONCE = 2
HASHING_WAIT_S = 10
# No request body above this (F9; waitress gets the same limit in app.py). A Dash callback body is a
# few kilobytes; an upload page that needs more raises it for its own path.
MAX_REQUEST_BYTES = 8 * 1024 * 1024
CALLBACK_PATH = "/_dash-update-component"
# The import page's upload (dcc.Upload sends the file base64-encoded inside its callback): a file of up to
# 200 MB, plus room so that a file somewhat over the limit still reaches the callback, which answers with a
# clear message. Only the upload callback, only for a role that may import; every other body keeps 8 MiB.
UPLOAD_OUTPUT_PREFIX = "import-upload"
UPLOAD_REQUEST_BYTES = 300 * 1024 * 1024 * 4 // 3 + 1024 * 1024


class SessionUser(flask_login.UserMixin):
    def __init__(self, name: str, role: str, started: float):
        self.id, self.name, self.role, self.started = name, name, role, started


class LoginThrottle:
    """Login attempts per name (from any address) and per address in a sliding window, in memory.

    An attempt is counted *before* its password is checked and withdrawn when it succeeds, so parallel
    attempts cannot all pass the check before the first failure is counted (F2)."""

    def __init__(self):
        self._attempts: dict[tuple, deque] = defaultdict(deque)
        self._blocked_minutes: dict[str, int] = {}
        self._lock = threading.Lock()

    def _recent(self, key, now):
        window = self._attempts[key]
        while window and window[0] < now - FAILURE_WINDOW_S:
            window.popleft()
        return window

    def _forget_quiet_keys(self, now):
        if len(self._attempts) > 10_000:  # names an attacker made up: keep memory bounded
            for key in [k for k, window in self._attempts.items() if not window or window[-1] < now - FAILURE_WINDOW_S]:
                del self._attempts[key]

    def reserve(self, address: str, name: str) -> float | None:
        """Count one attempt and return its stamp, or None when the name or the address is blocked."""
        now = time.monotonic()
        with self._lock:
            self._forget_quiet_keys(now)
            by_name, by_address = self._recent(("name", name.lower()), now), self._recent(("address", address), now)
            if len(by_name) >= FAILURES_PER_NAME or len(by_address) >= FAILURES_PER_ADDRESS:
                return None
            by_name.append(now)
            by_address.append(now)
            return now

    def release(self, address: str, name: str, stamp: float) -> None:
        """Withdraw an attempt that succeeded (or was never checked)."""
        with self._lock:
            for key in (("name", name.lower()), ("address", address)):
                try:
                    self._attempts[key].remove(stamp)
                except ValueError:
                    pass

    def first_block_this_minute(self, address: str) -> bool:
        """True once per address and minute: blocked attempts are audited as one row per minute (F7)."""
        minute = int(time.time() // 60)
        with self._lock:
            if self._blocked_minutes.get(address) == minute:
                return False
            if len(self._blocked_minutes) > 10_000:
                self._blocked_minutes.clear()
            self._blocked_minutes[address] = minute
            return True


class SessionRecords:
    """The server-side sessions, with a check per request that costs a file stat, not a query.

    A session found valid is trusted again while the security store's files are unchanged; any write
    there (a logout, a role change, a disabled account, from the app or from the command line) makes the
    next request of every session look its record up again."""

    def __init__(self, db: Path):
        self.db = db
        self._checked: dict[str, tuple[tuple, users.Session]] = {}

    def _stamp(self) -> tuple:
        path = users.auth_db_path(self.db)
        stamp = []
        for file in (path, path.with_name(path.name + ".wal")):
            try:
                info = os.stat(file)
                stamp.append((info.st_mtime_ns, info.st_size))
            except FileNotFoundError:
                stamp.append(None)
        return tuple(stamp)

    def get(self, token: str) -> users.Session | None:
        stamp = self._stamp()  # before the lookup: a write during it makes the next request look again
        checked = self._checked.get(token)
        if checked and checked[0] == stamp:
            return checked[1]
        record = users.session_of(self.db, token)
        if record is None:
            self._checked.pop(token, None)
        else:
            if len(self._checked) > 10_000:
                self._checked.clear()
            self._checked[token] = (stamp, record)
        return record

    def revoke(self, token: str | None) -> None:
        if token:
            self._checked.pop(token, None)
            users.revoke_session(self.db, token)


@dataclass
class AuthState:
    db: Path
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    hashing: threading.BoundedSemaphore = field(default_factory=lambda: threading.BoundedSemaphore(HASHING_AT_ONCE))
    csp: list = field(default_factory=list)  # computed on the first response: Dash adds inline scripts while it sets up

    def __post_init__(self):
        self.sessions = SessionRecords(self.db)


class TrustedProxies:
    """WSGI middleware: X-Forwarded-For and -Proto are believed only from the configured proxies (F5).

    Behind the TLS proxy every request comes from the proxy's address: without this, 20 bad logins by
    anyone would lock out all users. From any other address the headers are ignored (a client could
    otherwise pick the address it is counted under)."""

    def __init__(self, app, trusted: set[str]):
        self.plain, self.forwarded, self.trusted = app, ProxyFix(app, x_for=1, x_proto=1), trusted

    def __call__(self, environ, start_response):
        chosen = self.forwarded if environ.get("REMOTE_ADDR") in self.trusted else self.plain
        return chosen(environ, start_response)


def trusted_proxies() -> set[str]:
    """The addresses in `CIV_TRUSTED_PROXIES` (comma- or space-separated; empty: no proxy trusted)."""
    return {part for part in os.environ.get("CIV_TRUSTED_PROXIES", "").replace(",", " ").split() if part}


def content_security_policy(script_hashes: list[str]) -> str:
    scripts = " ".join(script_hashes)  # Dash gives them quoted: "'sha256-…'"
    # No 'unsafe-eval' (F16): every page's charts, grids and maps were checked to run without it
    # (tests/browser/test_map_tooltips.py). Inline styles come from React components (AG Grid,
    # Leaflet) and cannot carry nonces.
    return (
        "default-src 'self'; "
        f"script-src 'self' {scripts}; "
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob: https://tile.openstreetmap.org https://*.tile.openstreetmap.org; "
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


def _safe_next(target: str | None) -> str:
    """Only a path on this site: an open redirect after login would be a phishing aid."""
    if not target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _json(text: str, status: int) -> flask.Response:
    return flask.Response(f'{{"fout": "{text}"}}', status=status, mimetype="application/json")


def _is_callback(body) -> bool:
    """A body shaped as Dash's renderer sends it; anything else is a bad request (400), not a 500 (F8)."""

    def items(value):
        return value if isinstance(value, list) else [value]

    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        return False
    parts = [body.get("outputs"), body.get("inputs", []), body.get("state", [])]
    if not isinstance(body.get("inputs", []), list) or not isinstance(body.get("state", []), list):
        return False
    flat = [i for part in parts for item in items(part) for i in (item if isinstance(item, list) else [item])]
    return all(isinstance(i, dict) and "id" in i and isinstance(i.get("property"), str) for i in flat) and isinstance(
        body.get("changedPropIds", []), list
    )


def _upload_only(body) -> bool:
    """A callback whose outputs are all the import page's upload step (the one body allowed above 8 MiB)."""
    outputs = access._component_ids(body.get("outputs", []))
    return bool(outputs) and all(o.startswith(UPLOAD_OUTPUT_PREFIX) for o in outputs)


def _timer_only(body) -> bool:
    """A callback fired only by a timer (the Live page's refresh): it is no sign the user is there (F14)."""
    changed = body.get("changedPropIds") if isinstance(body, dict) else None
    return bool(changed) and all(isinstance(c, str) and c.endswith(".n_intervals") for c in changed)


def _state() -> AuthState:
    return flask.current_app.extensions["civ_auth"]


def _lang() -> str:
    return "en" if flask.request.args.get("lang") == "en" else "nl"


def _refusal(db: Path, path: str, body) -> flask.Response | None:
    """403 (audited) for what the user's role may not see: a restricted callback, or a coverage view of one
    warden or of a day asked for in the address or in a callback (dashboards.access)."""
    if path == CALLBACK_PATH:
        refused = access.refused_outputs(body)
        reason = f"callback {', '.join(refused)[:200]}" if refused else access.refused_inputs(body)
        answer = _json("geen toegang", 403)
    else:
        reason = access.query_refusal(path, flask.request.args.to_dict(flat=False))
        answer = flask.Response(
            flask.render_template("refused.html", lang=_lang(), text=REFUSED[_lang()]), status=403, mimetype="text/html"
        )
    if not reason:
        return None
    users.audit(db, flask_login.current_user.name, "refused", reason, flask.request.remote_addr)
    return answer


blueprint = flask.Blueprint("auth", __name__, template_folder="templates")


@blueprint.before_app_request
def require_login():
    request = flask.request
    large = bool(request.content_length and request.content_length > MAX_REQUEST_BYTES)
    if large and (
        request.path != CALLBACK_PATH or request.content_length > UPLOAD_REQUEST_BYTES or not access.allowed("import")
    ):
        return _json("verzoek te groot", 413)  # refused before the body is read (also without a session)
    path = request.path
    if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
        return None
    state, session, now = _state(), flask.session, time.time()
    user = flask_login.current_user
    if user.is_authenticated and (
        now - user.started > MAX_HOURS * 3600 or now - session.get("seen", 0) > IDLE_MINUTES * 60
    ):
        state.sessions.revoke(session.get("sid"))
        flask_login.logout_user()
        session.clear()
    if not flask_login.current_user.is_authenticated:
        if path.startswith("/_dash") or request.method != "GET":
            return _json("niet aangemeld", 401)
        # quoted: a CR/LF in the address must not reach the Location header (F8)
        return flask.redirect("/login?next=" + quote(request.full_path.rstrip("?"), safe="/?=&"))
    body = None
    if path == CALLBACK_PATH:
        body = request.get_json(silent=True)
        if not _is_callback(body):
            return _json("onleesbaar verzoek", 400)
        if large and not _upload_only(body):
            return _json("verzoek te groot", 413)
    if not _timer_only(body):
        session["seen"] = now
    refused = _refusal(state.db, path, body)  # first: relabelled restricted outputs are refused and audited
    if (
        refused is None
        and body is not None
        and body["output"] not in flask.current_app.extensions["civ_dash"].callback_map
    ):
        return _json("onbekende callback", 400)
    return refused


@blueprint.after_app_request
def security_headers(response):
    state = _state()
    if not state.csp:
        state.csp.append(content_security_policy(flask.current_app.extensions["civ_dash"].csp_hashes()))
    response.headers["Content-Security-Policy"] = state.csp[0]
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "geolocation=(), camera=(), microphone=()"
    if not flask.request.path.startswith(PUBLIC_PREFIXES):
        response.headers["Cache-Control"] = "no-store"
    return response


def _attempt(state: AuthState, name: str, password: str, address: str) -> tuple[str, users.User | None]:
    """One login attempt: the message to show (empty when it succeeded) and the user."""
    db, lang = state.db, _lang()
    stamp = state.throttle.reserve(address, name)
    if stamp is None:
        if state.throttle.first_block_this_minute(address):
            users.audit(
                db,
                None,
                "login_blocked",
                f"te veel pogingen (naam #{users.name_hash(db, name)}); verdere "
                "geblokkeerde pogingen van dit adres in deze minuut niet apart gelogd",
                address,
            )
        return TEXT[lang]["blocked"], None
    if not state.hashing.acquire(timeout=HASHING_WAIT_S):
        state.throttle.release(address, name, stamp)
        return TEXT[lang]["busy"], None
    try:
        user = users.verify(db, name, password, address)
    finally:
        state.hashing.release()
    if user is None:
        return TEXT[lang]["wrong"], None
    state.throttle.release(address, name, stamp)
    return "", user


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    state, lang, message = _state(), _lang(), ""
    if flask.request.method == "POST":
        form = flask.request.form
        name = users.normal_name(form.get("name", "")[:64])
        address = flask.request.remote_addr or "?"
        expected = flask.session.get("csrf") or secrets.token_urlsafe(24)  # no token given out: no match
        if not hmac.compare_digest(form.get("csrf", ""), expected):
            message = TEXT[lang]["expired"]
        else:
            message, user = _attempt(state, name, form.get("password", ""), address)
            if user:
                token = users.open_session(state.db, user.name, address)
                flask.session.clear()
                flask.session["sid"] = token
                flask.session["seen"] = time.time()
                flask_login.login_user(SessionUser(user.name, user.role, time.time()))
                return flask.redirect(_safe_next(flask.request.args.get("next")))
    flask.session["csrf"] = flask.session.get("csrf") or secrets.token_urlsafe(24)
    page = flask.render_template(
        "login.html",
        lang=lang,
        text=TEXT[lang],
        message=message,
        organisation=branding.fields(lang)["territory"],
        csrf=flask.session["csrf"],
    )
    return flask.Response(page, status=401 if message else 200, mimetype="text/html")


@blueprint.route("/logout")
def logout():
    if flask_login.current_user.is_authenticated:
        users.audit(_state().db, flask_login.current_user.name, "logout", None, flask.request.remote_addr)
    _state().sessions.revoke(flask.session.get("sid"))
    flask_login.logout_user()
    flask.session.clear()
    return flask.redirect("/login")


def install(app, db: Path) -> None:
    """Wire login, session rules and security headers into `app` (a dash.Dash)."""
    server = app.server
    server.secret_key = read_or_create_key(session_key_file(db))
    server.config.update(
        SESSION_COOKIE_NAME="civ_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("CIV_HTTPS") == "1",
        MAX_CONTENT_LENGTH=UPLOAD_REQUEST_BYTES,  # require_login keeps every other request to MAX_REQUEST_BYTES
    )
    proxies = trusted_proxies()
    if proxies:
        server.wsgi_app = TrustedProxies(server.wsgi_app, proxies)
    state = AuthState(Path(db))
    server.extensions["civ_auth"] = state
    server.extensions["civ_dash"] = app
    manager = flask_login.LoginManager()
    manager.init_app(server)

    @manager.user_loader
    def load_user(name: str):
        token = flask.session.get("sid")
        record = state.sessions.get(token) if isinstance(token, str) else None
        if record is None or record.name != name:
            return None
        return SessionUser(record.name, record.role, record.created_at.timestamp())

    server.register_blueprint(blueprint)
    # an unknown file under /_dash-component-suites/ is a 404, not a 500 (F8)
    from dash.exceptions import DependencyException

    server.register_error_handler(DependencyException, lambda error: (NotFound.description, 404))


TEXT = {
    "nl": {
        "title": "Aanmelden",
        "name_label": "Gebruikersnaam",
        "password_label": "Wachtwoord",
        "submit": "Aanmelden",
        "wrong": "Naam of wachtwoord klopt niet.",
        "blocked": "Te veel mislukte pogingen. Probeer het over een kwartier opnieuw.",
        "expired": "Het formulier was verlopen. Probeer opnieuw.",
        "intro": "Centrum voor integrale veiligheid",
        "other": "English",
        "other_lang": "en",
        "busy": "Het aanmelden is even druk. Probeer het over een halve minuut opnieuw.",
    },
    "en": {
        "title": "Sign in",
        "name_label": "User name",
        "password_label": "Password",
        "submit": "Sign in",
        "wrong": "Name or password is wrong.",
        "blocked": "Too many failed attempts. Try again in a quarter of an hour.",
        "expired": "The form had expired. Please try again.",
        "intro": "Centre for integral safety",
        "other": "Nederlands",
        "other_lang": "nl",
        "busy": "Signing in is busy. Please try again in half a minute.",
    },
}

REFUSED = {
    "nl": {
        "title": "Geen toegang",
        "text": "Dekking per gemeenschapswacht of per dag is alleen voor de coördinator. Andere rollen zien de "
        "dekking van alle gemeenschapswachten samen, over minstens een week.",
        "back": "Naar de dekking van alle gemeenschapswachten",
    },
    "en": {
        "title": "No access",
        "text": "Coverage per warden or per day is for the coordinator only. Other roles see the coverage of all "
        "wardens together, over at least a week.",
        "back": "To the coverage of all wardens",
    },
}
