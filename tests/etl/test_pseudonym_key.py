"""README's promise on the reporters' pseudonym key: a local file beside the database (or
`CIV_SECRET_KEY_FILE`), created on first use with mode 600, and never in the store itself.

The pseudonym is checked against HMAC-SHA256 computed here from the key file, so the test knows the
key that made it is that file's.
"""

from __future__ import annotations

import hashlib
import hmac
import stat

import duckdb

from etl.reports import load_reports_file

HEADER = "id;datum;categorie;kanaal;lat;lon;status;afgesloten_op;deelgemeente;omschrijving;gas;melder\n"
ROWS = "M1;01/10/2026 09:00;Sluikstort;post;;;;;;;nee;Jan Peeters\nM2;31/02/2026 09:00;Sluikstort;post;;;;;;;nee;An Claes\n"


def _everything_in(db) -> str:
    """Every value of every table of the store, as text."""
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [name for (name,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        return "\n".join(str(con.execute(f'SELECT * FROM "{name}"').fetchall()) for name in tables)


def test_the_key_is_made_beside_the_store_with_mode_600_and_never_stored(db, write_file, monkeypatch):
    monkeypatch.delenv("CIV_SECRET_KEY_FILE", raising=False)
    key_file = db.parent / "civ-secret.key"
    assert not key_file.exists()
    load_reports_file(db, write_file("m.csv", HEADER + ROWS))
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_bytes()
    assert len(key) == 32
    # the pseudonym is the keyed hash of the normalised name with exactly this key
    expected = "m-" + hmac.new(key, b"jan peeters", hashlib.sha256).hexdigest()[:16]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT reporter_hash FROM reports WHERE source_id = 'M1'").fetchone()[0] == expected
    # neither the key (raw, hex) nor a name is anywhere in the store: not in a table, not in the file
    content = _everything_in(db)
    assert key.hex() not in content and "Peeters" not in content and "Claes" not in content
    raw = db.read_bytes()
    assert key not in raw and key.hex().encode() not in raw
    # a second load uses the same key: the same person keeps the same pseudonym
    load_reports_file(db, write_file("m2.csv", HEADER + "M3;02/10/2026 09:00;Sluikstort;post;;;;;;;nee;JAN  peeters\n"))
    assert key_file.read_bytes() == key
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT reporter_hash FROM reports WHERE source_id = 'M3'").fetchone()[0] == expected


def test_civ_secret_key_file_puts_the_key_elsewhere(db, tmp_path, write_file, monkeypatch):
    elsewhere = tmp_path / "sleutels" / "civ.key"
    monkeypatch.setenv("CIV_SECRET_KEY_FILE", str(elsewhere))
    load_reports_file(db, write_file("m.csv", HEADER + ROWS))
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o600
    assert not (db.parent / "civ-secret.key").exists()
    key = elsewhere.read_bytes()
    expected = "m-" + hmac.new(key, b"jan peeters", hashlib.sha256).hexdigest()[:16]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT reporter_hash FROM reports WHERE source_id = 'M1'").fetchone()[0] == expected
