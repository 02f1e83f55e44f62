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

import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from etl import UnusableInput, store

ROLES = ("beheerder", "coordinator", "kerngroep", "politie")
MIN_PASSWORD_LENGTH = 10
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
    store.migrate(con, package="etl.auth_schema")
    return con


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 64 or not all(c.isalnum() or c in "._-@" for c in name):
        raise UnusableInput(f"gebruikersnaam '{name}' ongeldig: 1 tot 64 letters, cijfers of . _ - @")
    return name


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise UnusableInput(f"rol '{role}' onbekend (kies {', '.join(ROLES)})")
    return role


def _check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise UnusableInput(f"wachtwoord te kort: minstens {MIN_PASSWORD_LENGTH} tekens")
    return password


def add_user(db, name: str, role: str, password: str) -> User:
    name, role, password = _check_name(name), _check_role(role), _check_password(password)
    con = _open(db)
    try:
        if store.first_row(con, "SELECT 1 FROM users WHERE name = ?", [name]):
            raise UnusableInput(f"gebruiker '{name}' bestaat al")
        con.execute("INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                    [name, role, _hasher.hash(password), _now()])
        _audit(con, None, "user_added", f"{name} ({role})", None)
    finally:
        con.close()
    return User(name, role)


def disable_user(db, name: str) -> None:
    con = _open(db)
    try:
        if not store.first_row(con, "SELECT 1 FROM users WHERE name = ? AND disabled_at IS NULL", [name]):
            raise UnusableInput(f"geen actieve gebruiker '{name}'")
        con.execute("UPDATE users SET disabled_at = ? WHERE name = ?", [_now(), name])
        _audit(con, None, "user_disabled", name, None)
    finally:
        con.close()


def list_users(db) -> list[dict]:
    con = _open(db)
    try:
        rows = con.execute("SELECT name, role, created_at, disabled_at, last_login_at FROM users ORDER BY name").fetchall()
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
        password = secrets.token_urlsafe(12)
        con.execute("INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                    ["beheerder", "beheerder", _hasher.hash(password), _now()])
        _audit(con, None, "user_added", "beheerder (beheerder), eerste start", None)
        return password
    finally:
        con.close()


def verify(db, name: str, password: str, remote_addr: str | None = None) -> User | None:
    """The user when name and password match an active account; every attempt is audited."""
    con = _open(db)
    try:
        row = store.first_row(con, "SELECT role, password_hash FROM users WHERE name = ? AND disabled_at IS NULL",
                              [name])
        try:
            ok = _hasher.verify(row[1] if row else _DUMMY_HASH, password or "") and row is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok:
            _audit(con, name if row else None, "login_failed", None if row else f"onbekende naam '{name[:64]}'",
                   remote_addr)
            return None
        if _hasher.check_needs_rehash(row[1]):
            con.execute("UPDATE users SET password_hash = ? WHERE name = ?", [_hasher.hash(password), name])
        con.execute("UPDATE users SET last_login_at = ? WHERE name = ?", [_now(), name])
        _audit(con, name, "login", None, remote_addr)
        return User(name, row[0])
    finally:
        con.close()


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


def audit_entries(db, limit: int = 500) -> list[dict]:
    con = _open(db, read_only=True)
    try:
        rows = con.execute("SELECT logged_at, user_name, event, detail, remote_addr FROM audit_log "
                           "ORDER BY logged_at DESC LIMIT ?", [int(limit)]).fetchall()
    finally:
        con.close()
    keys = ("at", "user", "event", "detail", "remote_addr")
    return [dict(zip(keys, row)) for row in rows]
