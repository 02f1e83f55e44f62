"""Accounts, roles, password hashes and the audit log."""
from __future__ import annotations

import io
import json

import duckdb
import pytest

from etl import UnusableInput, users
from etl.cli import main


def test_a_user_logs_in_with_the_right_password_only(db):
    users.add_user(db, "an.peeters", "kerngroep", "lang-genoeg-1")
    assert users.verify(db, "an.peeters", "lang-genoeg-1") == users.User("an.peeters", "kerngroep")
    assert users.verify(db, "an.peeters", "fout-wachtwoord") is None
    assert users.verify(db, "niemand", "lang-genoeg-1") is None


def test_passwords_are_stored_as_argon2id_hashes_only(db):
    users.add_user(db, "an.peeters", "kerngroep", "lang-genoeg-1")
    con = duckdb.connect(str(users.auth_db_path(db)), read_only=True)
    (stored,), = con.execute("SELECT password_hash FROM users").fetchall()
    con.close()
    assert stored.startswith("$argon2id$") and "lang-genoeg-1" not in stored


def test_disabled_user_cannot_log_in_and_loses_its_role(db):
    users.add_user(db, "bert", "coordinator", "lang-genoeg-2")
    users.disable_user(db, "bert")
    assert users.verify(db, "bert", "lang-genoeg-2") is None
    assert users.active_role(db, "bert") is None


@pytest.mark.parametrize("name, role, password, message", [
    ("an", "burgemeester", "lang-genoeg-1", "rol 'burgemeester' onbekend"),
    ("an peeters", "kerngroep", "lang-genoeg-1", "ongeldig"),
    ("an'; DROP TABLE users; --", "kerngroep", "lang-genoeg-1", "ongeldig"),
    ("an", "kerngroep", "kort", "te kort"),
])
def test_bad_accounts_are_refused(db, name, role, password, message):
    with pytest.raises(UnusableInput, match=message):
        users.add_user(db, name, role, password)


def test_the_first_start_creates_one_administrator_with_a_random_password(db):
    password = users.ensure_admin(db)
    assert password and len(password) >= 12
    assert users.ensure_admin(db) is None  # only once
    assert users.verify(db, "beheerder", password).role == "beheerder"


def test_logins_and_failures_are_audited(db):
    users.add_user(db, "an", "kerngroep", "lang-genoeg-1")
    users.verify(db, "an", "lang-genoeg-1", "10.0.0.1")
    users.verify(db, "an", "fout", "10.0.0.2")
    users.verify(db, "onbekend", "fout", "10.0.0.3")
    events = [(e["event"], e["user"], e["remote_addr"]) for e in users.audit_entries(db)]
    assert ("login", "an", "10.0.0.1") in events
    assert ("login_failed", "an", "10.0.0.2") in events
    assert ("login_failed", None, "10.0.0.3") in events


def test_users_command_reads_the_password_from_stdin_never_from_an_argument(db, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("lang-genoeg-3\n"))
    assert main(["users", "add", "carla", "--role", "politie", "--password-stdin", "--db", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1]) == {"name": "carla", "role": "politie", "status": "added"}
    assert users.verify(db, "carla", "lang-genoeg-3").role == "politie"
    assert main(["users", "list", "--db", str(db), "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert (listed["name"], listed["role"], listed["disabled_at"]) == ("carla", "politie", None)


def test_users_add_without_role_exits_2(db, capsys):
    assert main(["users", "add", "carla", "--db", str(db)]) == 2
    assert "--role" in capsys.readouterr().err
