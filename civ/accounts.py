"""Who may log in, with which role, and the audit log of what they did.

Roles (enforced on the server, see dashboards/access.py):
- beheerder   — administrator: users, imports, settings, the audit log;
- coordinator — everything, including individual tracks, the daily overview, live positions and
                overview lists (overzichtslijsten);
- kerngroep, politie — CompStat, hot spots, trends and coverage aggregates; no individual tracks and
                no reporter data.

Passwords are hashed with argon2id (argon2-cffi's defaults). Users and the audit log live in their
own DuckDB file beside the main store, `<store>-auth.duckdb`, so a login never waits for an import.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from civ import store
from civ.errors import UnusableInput
from civ.keys import pseudonym_key_file, read_or_create_key

ROLES = ("beheerder", "coordinator", "kerngroep", "politie")
MIN_PASSWORD_LENGTH = 10
# Plain characters only (issue 13, F12): a look-alike name ('bеheerder' with a Cyrillic е) cannot be made.
NAME_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")
_hasher = PasswordHasher()
# verified against when the name is unknown, so a wrong name costs as long as a wrong password
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class User:
    name: str
    role: str


def auth_db_path(db: str | os.PathLike) -> Path:
    path = Path(db)
    return path.with_name(f"{path.stem}-auth.duckdb")


def _open(db, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path = auth_db_path(db)
    if read_only and path.exists():
        return store.connect(path, read_only=True)
    con = store.connect(path)
    store.migrate(con, package="civ.auth_schema")
    return con


def _now() -> datetime:
    return datetime.now(timezone.utc)


def normal_name(name: str | None) -> str:
    """A login name as typed, in Unicode's compatibility form (NFKC: full-width letters become plain ones)."""
    return unicodedata.normalize("NFKC", name or "").strip()


def is_plain_name(name: str) -> bool:
    return NAME_PATTERN.fullmatch(name) is not None


def _check_name(name: str) -> str:
    name = normal_name(name)
    if not is_plain_name(name):
        raise UnusableInput(f"gebruikersnaam '{name}' ongeldig: 1 tot 64 letters a-z, cijfers of . _ -")
    return name


def name_hash(db, name: str) -> str:
    """A keyed hash of a login name that matches no account (usually a mistyped password or an attacker's
    guess): the audit log can count repeats without keeping the typed text (the reporters' key)."""
    key = read_or_create_key(pseudonym_key_file(db))
    return hmac.new(key, (name or "").encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:12]


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise UnusableInput(f"rol '{role}' onbekend (kies {', '.join(ROLES)})")
    return role


def _check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise UnusableInput(f"wachtwoord te kort: minstens {MIN_PASSWORD_LENGTH} tekens")
    return password


def generate_password() -> str:
    """A random one-time password (16 characters, about 96 bits): shown once, stored only as a hash."""
    return secrets.token_urlsafe(12)


def add_user(db, name: str, role: str, password: str, by: str | None = None) -> User:
    """A new active account; `by` is who added it (None from the command line), for the audit log."""
    name, role, password = _check_name(name), _check_role(role), _check_password(password)
    con = _open(db)
    try:
        if store.first_row(con, "SELECT 1 FROM users WHERE name = ?", [name]):
            raise UnusableInput(f"gebruiker '{name}' bestaat al")
        con.execute(
            "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
            [name, role, _hasher.hash(password), _now()],
        )
        _audit(con, by, "user_added", f"{name} ({role})", None)
    finally:
        con.close()
    return User(name, role)


def _other_active_admins(con, name: str) -> int:
    return store.scalar(
        con, "SELECT count(*) FROM users WHERE role = 'beheerder' AND disabled_at IS NULL AND name <> ?", [name]
    )


def _active_role(con, name: str) -> str:
    role = store.scalar(con, "SELECT role FROM users WHERE name = ? AND disabled_at IS NULL", [name])
    if role is None:
        raise UnusableInput(f"geen actieve gebruiker '{name}'")
    return role


def disable_user(db, name: str, by: str | None = None) -> None:
    """Disable an account. Refused for the one doing it (`by`) and for the last active beheerder:
    without an active beheerder nobody could manage the users any more from the app."""
    if by is not None and by == name:
        raise UnusableInput("je kunt je eigen account niet uitschakelen")
    con = _open(db)
    try:
        if _active_role(con, name) == "beheerder" and not _other_active_admins(con, name):
            raise UnusableInput(f"'{name}' is de laatste actieve beheerder en blijft actief")
        con.execute("UPDATE users SET disabled_at = ? WHERE name = ?", [_now(), name])
        _revoke_sessions(con, name)
        _audit(con, by, "user_disabled", name, None)
    finally:
        con.close()


def enable_user(db, name: str, by: str | None = None) -> None:
    con = _open(db)
    try:
        if not store.first_row(con, "SELECT 1 FROM users WHERE name = ? AND disabled_at IS NOT NULL", [name]):
            raise UnusableInput(f"geen uitgeschakelde gebruiker '{name}'")
        con.execute("UPDATE users SET disabled_at = NULL WHERE name = ?", [name])
        _audit(con, by, "user_enabled", name, None)
    finally:
        con.close()


def set_role(db, name: str, role: str, by: str | None = None) -> None:
    """Give an active account another role; the last active beheerder keeps theirs, and nobody changes
    their own (a beheerder who demoted themselves would be locked out of the user management)."""
    role = _check_role(role)
    if by is not None and by == name:
        raise UnusableInput("je kunt je eigen rol niet wijzigen")
    con = _open(db)
    try:
        old = _active_role(con, name)
        if old == role:
            raise UnusableInput(f"'{name}' heeft de rol {role} al")
        if old == "beheerder" and not _other_active_admins(con, name):
            raise UnusableInput(f"'{name}' is de laatste actieve beheerder en blijft beheerder")
        con.execute("UPDATE users SET role = ? WHERE name = ?", [role, name])
        _revoke_sessions(con, name)
        _audit(con, by, "role_changed", f"{name}: {old} → {role}", None)
    finally:
        con.close()


def list_users(db) -> list[dict]:
    con = _open(db)
    try:
        rows = con.execute(
            "SELECT name, role, created_at, disabled_at, last_login_at FROM users ORDER BY name"
        ).fetchall()
    finally:
        con.close()
    keys = ("name", "role", "created_at", "disabled_at", "last_login_at")
    return [dict(zip(keys, row)) for row in rows]


def ensure_admin(db) -> str | None:
    """On the very first start: an administrator 'beheerder' with a random password (returned once)."""
    con = _open(db)
    try:
        if store.scalar(con, "SELECT count(*) FROM users"):
            return None
        password = generate_password()
        con.execute(
            "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
            ["beheerder", "beheerder", _hasher.hash(password), _now()],
        )
        _audit(con, None, "user_added", "beheerder (beheerder), eerste start", None)
        return password
    finally:
        con.close()


def verify(db, name: str, password: str, remote_addr: str | None = None) -> User | None:
    """The user when name and password match an active account; every attempt is audited."""
    con = _open(db)
    try:
        row = store.first_row(
            con, "SELECT role, password_hash FROM users WHERE name = ? AND disabled_at IS NULL", [name]
        )
        try:
            ok = _hasher.verify(row[1] if row else _DUMMY_HASH, password or "") and row is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok:
            _audit(
                con,
                name if row else None,
                "login_failed",
                None if row else f"onbekende naam #{name_hash(db, name)}",
                remote_addr,
            )
            return None
        if _hasher.check_needs_rehash(row[1]):
            con.execute("UPDATE users SET password_hash = ? WHERE name = ?", [_hasher.hash(password), name])
        con.execute("UPDATE users SET last_login_at = ? WHERE name = ?", [_now(), name])
        _audit(con, name, "login", None, remote_addr)
        return User(name, row[0])
    finally:
        con.close()


def set_password(db, name: str, password: str, by: str | None = None) -> None:
    """A new password for an active account; its open sessions end (someone who had the old one is out)."""
    password = _check_password(password)
    con = _open(db)
    try:
        _active_role(con, name)
        con.execute("UPDATE users SET password_hash = ? WHERE name = ?", [_hasher.hash(password), name])
        _revoke_sessions(con, name)
        _audit(con, by, "password_changed", name, None)
    finally:
        con.close()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(db, name: str, remote_addr: str | None = None) -> str:
    """A new server-side session of `name`: the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    con = _open(db)
    try:
        con.execute("INSERT INTO sessions VALUES (?, ?, ?, NULL, ?)", [_token_hash(token), name, _now(), remote_addr])
        # sessions live 10 hours at most (dashboards.auth.MAX_HOURS): older records are of no use
        con.execute("DELETE FROM sessions WHERE created_at < ? - INTERVAL 1 DAY", [_now()])
    finally:
        con.close()
    return token


@dataclass(frozen=True)
class Session:
    name: str
    role: str
    created_at: datetime


def session_of(db, token: str) -> Session | None:
    """The live session of `token`: not revoked, of an active account (None otherwise)."""
    con = _open(db, read_only=True)
    try:
        row = store.first_row(
            con,
            """
            SELECT s.user_name, u.role, s.created_at FROM sessions s JOIN users u ON u.name = s.user_name
            WHERE s.session_hash = ? AND s.revoked_at IS NULL AND u.disabled_at IS NULL""",
            [_token_hash(token)],
        )
    except duckdb.CatalogException:  # an auth store from before sessions, not yet migrated: no session
        row = None
    finally:
        con.close()
    return Session(*row) if row else None


def revoke_session(db, token: str) -> None:
    con = _open(db)
    try:
        con.execute(
            "UPDATE sessions SET revoked_at = ? WHERE session_hash = ? AND revoked_at IS NULL",
            [_now(), _token_hash(token)],
        )
    finally:
        con.close()


def _revoke_sessions(con, name: str) -> None:
    con.execute("UPDATE sessions SET revoked_at = ? WHERE user_name = ? AND revoked_at IS NULL", [_now(), name])


def active_role(db, name: str) -> str | None:
    """The role of an active user (None when disabled or removed): checked on every request."""
    con = _open(db, read_only=True)
    try:
        return store.scalar(con, "SELECT role FROM users WHERE name = ? AND disabled_at IS NULL", [name])
    finally:
        con.close()


def _audit(con, user: str | None, event: str, detail: str | None, remote_addr: str | None) -> None:
    con.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?)", [_now(), user, event, detail, remote_addr])


def audit(db, user: str | None, event: str, detail: str | None = None, remote_addr: str | None = None) -> None:
    con = _open(db)
    try:
        _audit(con, user, event, detail, remote_addr)
    finally:
        con.close()


def _audit_where(since, until, user, event) -> tuple[str, list]:
    """The audit log's filters as a parameterised WHERE clause; None leaves a filter out."""
    return (
        "(?::TIMESTAMPTZ IS NULL OR logged_at >= ?) AND (?::TIMESTAMPTZ IS NULL OR logged_at < ?) "
        "AND (?::VARCHAR IS NULL OR user_name = ?) AND (?::VARCHAR IS NULL OR event = ?)",
        [since, since, until, until, user, user, event, event],
    )


def audit_entries(
    db,
    limit: int = 500,
    since: datetime | None = None,
    until: datetime | None = None,
    user: str | None = None,
    event: str | None = None,
) -> list[dict]:
    """Audit entries newest first, at most `limit`, from `since` (included) to `until` (excluded)."""
    where, params = _audit_where(since, until, user, event)
    con = _open(db, read_only=True)
    try:
        rows = con.execute(
            "SELECT logged_at, user_name, event, detail, remote_addr FROM audit_log "
            f"WHERE {where} ORDER BY logged_at DESC LIMIT ?",
            params + [int(limit)],
        ).fetchall()
    finally:
        con.close()
    keys = ("at", "user", "event", "detail", "remote_addr")
    return [dict(zip(keys, row)) for row in rows]


def audit_count(
    db, since: datetime | None = None, until: datetime | None = None, user: str | None = None, event: str | None = None
) -> int:
    where, params = _audit_where(since, until, user, event)
    con = _open(db, read_only=True)
    try:
        return int(store.scalar(con, f"SELECT count(*) FROM audit_log WHERE {where}", params))
    finally:
        con.close()


def audit_vocabulary(db) -> dict[str, list[str]]:
    """The user names and event kinds that occur in the audit log: what its filters offer."""
    con = _open(db, read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT user_name FROM audit_log WHERE user_name IS NOT NULL ORDER BY 1"
            ).fetchall()
        ]
        events = [r[0] for r in con.execute("SELECT DISTINCT event FROM audit_log ORDER BY 1").fetchall()]
    finally:
        con.close()
    return {"users": names, "events": events}
