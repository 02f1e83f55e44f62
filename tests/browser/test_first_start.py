"""README: on the very first start the app creates the account `beheerder` with a random password and
prints it (once, on stderr); the password logs in, and a second start prints nothing.
"""

from __future__ import annotations

import re

from app import prepare_store
from civ import accounts as users


def test_the_first_start_prints_a_working_password_once_and_never_again(tmp_path, capsys):
    db = tmp_path / "civ.duckdb"
    prepare_store(db)
    first = capsys.readouterr()
    found = re.findall(r"account 'beheerder' aangemaakt, wachtwoord: (\S+)", first.err)
    assert len(found) == 1 and first.out == ""
    password = found[0]
    assert len(password) >= 12
    user = users.verify(db, "beheerder", password)
    assert user is not None and user.role == "beheerder"
    assert users.verify(db, "beheerder", password + "x") is None
    prepare_store(db)
    second = capsys.readouterr()
    assert "wachtwoord" not in second.err and password not in second.err + second.out
    # the password is kept only as its hash: not in the audit log
    assert all(password not in str(entry) for entry in users.audit_entries(db, limit=1000))
