"""Login, sessions and security headers around the Dash app's Flask server.

Everything but the login page and static files needs a session: pages redirect to /login and a
callback request (`/_dash-update-component`, `/_dash-layout`, …) without a valid session gets 401,
never data. Sessions expire after `IDLE_MINUTES` without a request and after `MAX_HOURS` in all.
Cookies are HttpOnly and SameSite=Lax, and Secure when the app is served over HTTPS
(`CIV_HTTPS=1`, e.g. behind a reverse proxy that terminates TLS).
"""
from __future__ import annotations

import hmac
import html
import os
import secrets
import threading
import time
from collections import defaultdict, deque
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import flask
import flask_login

from civ import accounts as users
from civ.keys import read_or_create_key, session_key_file
from dashboards import access, branding

IDLE_MINUTES = 30
MAX_HOURS = 10
PUBLIC_PREFIXES = ("/login", "/assets/", "/_dash-component-suites/", "/_favicon.ico", "/favicon.ico")
FAILURES_PER_NAME = 5          # per address and name within FAILURE_WINDOW_S
FAILURES_PER_ADDRESS = 20      # per address within FAILURE_WINDOW_S
FAILURE_WINDOW_S = 15 * 60
ROLE_CACHE_SECONDS = 30        # a disabled account loses access within this time


class SessionUser(flask_login.UserMixin):
    def __init__(self, name: str, role: str):
        self.id, self.name, self.role = name, name, role


class LoginThrottle:
    """Failed logins per (address, name) and per address in a sliding window, in memory."""

    def __init__(self):
        self._failures: dict[tuple, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key, now):
        window = self._failures[key]
        while window and window[0] < now - FAILURE_WINDOW_S:
            window.popleft()
        return window

    def blocked(self, address: str, name: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return (len(self._recent((address, name.lower()), now)) >= FAILURES_PER_NAME
                    or len(self._recent((address,), now)) >= FAILURES_PER_ADDRESS)

    def failed(self, address: str, name: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent((address, name.lower()), now).append(now)
            self._recent((address,), now).append(now)


def content_security_policy(script_hashes: list[str]) -> str:
    scripts = " ".join(script_hashes)  # Dash gives them quoted: "'sha256-…'"
    # plotly.js compiles some functions at run time, hence 'unsafe-eval'; inline styles come from
    # React components (AG Grid, Leaflet) and cannot carry nonces
    return ("default-src 'self'; "
            f"script-src 'self' 'unsafe-eval' {scripts}; "
            "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob: https://tile.openstreetmap.org https://*.tile.openstreetmap.org; "
            "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
            "form-action 'self'; frame-ancestors 'none'")


def _safe_next(target: str | None) -> str:
    """Only a path on this site: an open redirect after login would be a phishing aid."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def install(app, db: Path) -> None:
    """Wire login, session rules and security headers into `app` (a dash.Dash)."""
    server = app.server
    server.secret_key = read_or_create_key(session_key_file(db))
    server.config.update(
        SESSION_COOKIE_NAME="civ_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("CIV_HTTPS") == "1",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=MAX_HOURS),
    )
    manager = flask_login.LoginManager()
    manager.init_app(server)
    throttle = LoginThrottle()
    role_cache: dict[str, tuple[float, str | None]] = {}
    csp: list[str] = []  # computed on the first response: Dash adds inline scripts while it sets up

    @manager.user_loader
    def load_user(name: str):
        cached = role_cache.get(name)
        if cached is None or cached[0] < time.monotonic() - ROLE_CACHE_SECONDS:
            cached = (time.monotonic(), users.active_role(db, name))
            role_cache[name] = cached
        return SessionUser(name, cached[1]) if cached[1] else None

    @server.before_request
    def require_login():
        path = flask.request.path
        if path.startswith(PUBLIC_PREFIXES):
            return None
        session = flask.session
        now = time.time()
        expired = now - session.get("started", now) > MAX_HOURS * 3600 or \
            now - session.get("seen", now) > IDLE_MINUTES * 60
        if expired and flask_login.current_user.is_authenticated:
            flask_login.logout_user()
            session.clear()
        if not flask_login.current_user.is_authenticated:
            if path.startswith("/_dash") or flask.request.method != "GET":
                return flask.Response('{"fout": "niet aangemeld"}', status=401, mimetype="application/json")
            return flask.redirect("/login?next=" + flask.request.full_path.rstrip("?"))
        session["seen"] = now
        if path == "/_dash-update-component":
            refused = access.refused_outputs(flask.request.get_json(silent=True))
            if refused:
                users.audit(db, flask_login.current_user.name, "refused",
                            f"callback {', '.join(refused)[:200]}", flask.request.remote_addr)
                return flask.Response('{"fout": "geen toegang"}', status=403, mimetype="application/json")
        return None

    @server.after_request
    def security_headers(response):
        if not csp:
            csp.append(content_security_policy(app.csp_hashes()))
        response.headers["Content-Security-Policy"] = csp[0]
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "geolocation=(), camera=(), microphone=()"
        if not flask.request.path.startswith(("/assets/", "/_dash-component-suites/")):
            response.headers["Cache-Control"] = "no-store"
        return response

    @server.route("/login", methods=["GET", "POST"])
    def login():
        lang = "en" if flask.request.args.get("lang") == "en" else "nl"
        message = ""
        if flask.request.method == "POST":
            form = flask.request.form
            name = form.get("name", "")[:64]
            address = flask.request.remote_addr or "?"
            expected = flask.session.get("csrf") or secrets.token_urlsafe(24)  # no token given out: no match
            if not hmac.compare_digest(form.get("csrf", ""), expected):
                message = TEXT[lang]["expired"]
            elif throttle.blocked(address, name):
                users.audit(db, None, "login_blocked", f"te veel pogingen voor '{name}'", address)
                message = TEXT[lang]["blocked"]
            else:
                user = users.verify(db, name, form.get("password", ""), address)
                if user:
                    flask.session.clear()
                    flask_login.login_user(SessionUser(user.name, user.role))
                    flask.session.permanent = True
                    flask.session["started"] = flask.session["seen"] = time.time()
                    return flask.redirect(_safe_next(flask.request.args.get("next")))
                throttle.failed(address, name)
                message = TEXT[lang]["wrong"]
        flask.session["csrf"] = flask.session.get("csrf") or secrets.token_urlsafe(24)
        page = LOGIN_PAGE.format(lang=lang, csrf=flask.session["csrf"], message=html.escape(message),
                                 organisation=html.escape(branding.fields(lang)["territory"]),
                                 **{k: html.escape(v) for k, v in TEXT[lang].items()})
        return flask.Response(page, status=401 if message else 200, mimetype="text/html")

    @server.route("/logout")
    def logout():
        if flask_login.current_user.is_authenticated:
            users.audit(db, flask_login.current_user.name, "logout", None, flask.request.remote_addr)
        flask_login.logout_user()
        flask.session.clear()
        return flask.redirect("/login")


TEXT = {
    "nl": {"title": "Aanmelden", "name_label": "Gebruikersnaam", "password_label": "Wachtwoord",
           "submit": "Aanmelden", "wrong": "Naam of wachtwoord klopt niet.",
           "blocked": "Te veel mislukte pogingen. Probeer het over een kwartier opnieuw.",
           "expired": "Het formulier was verlopen. Probeer opnieuw.",
           "intro": "Centrum voor integrale veiligheid", "other": "English", "other_lang": "en"},
    "en": {"title": "Sign in", "name_label": "User name", "password_label": "Password",
           "submit": "Sign in", "wrong": "Name or password is wrong.",
           "blocked": "Too many failed attempts. Try again in a quarter of an hour.",
           "expired": "The form had expired. Please try again.",
           "intro": "Centre for integral safety", "other": "Nederlands", "other_lang": "nl"},
}

LOGIN_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · {organisation}</title><link rel="stylesheet" href="/assets/style.css"></head>
<body class="login-body"><main class="login-card">
<img src="/assets/logo.svg" alt="" width="56" height="56">
<h1>{title}</h1><p class="login-intro">{intro} · {organisation}</p>
<p class="login-message" role="alert">{message}</p>
<form method="post">
<input type="hidden" name="csrf" value="{csrf}">
<label for="name">{name_label}</label><input id="name" name="name" autocomplete="username" required autofocus>
<label for="password">{password_label}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">{submit}</button>
</form>
<p class="login-lang"><a href="/login?lang={other_lang}">{other}</a></p>
</main></body></html>"""
