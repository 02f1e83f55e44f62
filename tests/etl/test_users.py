"""Accounts, roles, password hashes and the audit log."""

from __future__ import annotations

import io
import json

import duckdb
import pytest

from civ import accounts as users
from civ.errors import UnusableInput
from etl.cli import main


def test_a_user_logs_in_with_the_right_password_only(db):
    users.add_user(db, "an.peeters", "kerngroep", "lang-genoeg-1")
    assert users.verify(db, "an.peeters", "lang-genoeg-1") == users.User("an.peeters", "kerngroep")
    assert users.verify(db, "an.peeters", "fout-wachtwoord") is None
    assert users.verify(db, "niemand", "lang-genoeg-1") is None


def test_passwords_are_stored_as_argon2id_hashes_only(db):
    users.add_user(db, "an.peeters", "kerngroep", "lang-genoeg-1")
    con = duckdb.connect(str(users.auth_db_path(db)), read_only=True)
    ((stored,),) = con.execute("SELECT password_hash FROM users").fetchall()
    con.close()
    assert stored.startswith("$argon2id$") and "lang-genoeg-1" not in stored


def test_disabled_user_cannot_log_in_and_loses_its_role(db):
    users.add_user(db, "bert", "coordinator", "lang-genoeg-2")
    users.disable_user(db, "bert")
    assert users.verify(db, "bert", "lang-genoeg-2") is None
    assert users.active_role(db, "bert") is None


@pytest.mark.parametrize(
    "name, role, password, message",
    [
        ("an", "burgemeester", "lang-genoeg-1", "rol 'burgemeester' onbekend"),
        ("an peeters", "kerngroep", "lang-genoeg-1", "ongeldig"),
        ("an'; DROP TABLE users; --", "kerngroep", "lang-genoeg-1", "ongeldig"),
        ("an", "kerngroep", "kort", "te kort"),
    ],
)
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
    assert json.loads(capsys.readouterr().out.splitlines()[-1]) == {
        "name": "carla",
        "role": "politie",
        "status": "added",
    }
    assert users.verify(db, "carla", "lang-genoeg-3").role == "politie"
    assert main(["users", "list", "--db", str(db), "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert (listed["name"], listed["role"], listed["disabled_at"]) == ("carla", "politie", None)


def test_users_add_without_role_exits_2(db, capsys):
    assert main(["users", "add", "carla", "--db", str(db)]) == 2
    assert "--role" in capsys.readouterr().err


def test_nobody_disables_themselves_or_the_last_active_administrator(db):
    users.add_user(db, "baas", "beheerder", "lang-genoeg-1")
    users.add_user(db, "tweede", "beheerder", "lang-genoeg-2")
    with pytest.raises(UnusableInput, match="eigen account"):
        users.disable_user(db, "baas", by="baas")
    users.disable_user(db, "tweede", by="baas")
    with pytest.raises(UnusableInput, match="laatste actieve beheerder"):
        users.disable_user(db, "baas", by="cli:iemand")
    with pytest.raises(UnusableInput, match="laatste actieve beheerder"):
        users.set_role(db, "baas", "kerngroep", by="cli:iemand")
    assert users.active_role(db, "baas") == "beheerder"
    users.enable_user(db, "tweede", by="baas")  # with two again, one may step down
    users.set_role(db, "tweede", "coordinator", by="baas")
    assert users.active_role(db, "tweede") == "coordinator"


def test_account_changes_are_audited_with_who_made_them(db):
    users.add_user(db, "baas", "beheerder", "lang-genoeg-1")
    users.add_user(db, "dirk", "kerngroep", users.generate_password(), by="baas")
    users.set_role(db, "dirk", "politie", by="baas")
    users.disable_user(db, "dirk", by="baas")
    users.enable_user(db, "dirk", by="baas")
    with pytest.raises(UnusableInput, match="eigen rol"):
        users.set_role(db, "baas", "kerngroep", by="baas")
    events = [(e["user"], e["event"], e["detail"]) for e in users.audit_entries(db)]
    assert events[:4] == [
        ("baas", "user_enabled", "dirk"),
        ("baas", "user_disabled", "dirk"),
        ("baas", "role_changed", "dirk: kerngroep → politie"),
        ("baas", "user_added", "dirk (kerngroep)"),
    ]


def test_the_audit_log_filters_by_period_user_and_kind(db):
    from datetime import datetime, timezone

    users.add_user(db, "an", "kerngroep", "lang-genoeg-1")
    for _ in range(3):
        users.verify(db, "an", "lang-genoeg-1")
    users.verify(db, "an", "fout")
    users.audit(db, "an", "export", "compstat")
    assert users.audit_count(db, user="an", event="login") == 3
    assert [e["event"] for e in users.audit_entries(db, user="an", limit=2)] == ["export", "login_failed"]
    assert users.audit_count(db, event="login", until=datetime(2000, 1, 1, tzinfo=timezone.utc)) == 0
    assert users.audit_count(db, user="an", since=datetime(2000, 1, 1, tzinfo=timezone.utc)) == 5
    assert users.audit_vocabulary(db) == {"users": ["an"], "events": ["export", "login", "login_failed", "user_added"]}


def test_users_command_enables_and_changes_a_role(db, capsys):
    users.add_user(db, "carla", "politie", "lang-genoeg-3")
    assert main(["users", "disable", "carla", "--db", str(db)]) == 0
    assert main(["users", "enable", "carla", "--db", str(db)]) == 0
    assert main(["users", "role", "carla", "--role", "kerngroep", "--db", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["status"] == "role_changed"
    assert users.active_role(db, "carla") == "kerngroep"
    assert users.audit_entries(db, limit=1)[0]["user"].startswith("cli:")
    assert main(["users", "role", "carla", "--db", str(db)]) == 2
