"""README: raw fixes are kept 90 days, or what the setting `fixes_retention_days` says;
`python -m etl retention` shows what is older, `--days N` overrides the setting for one run.

Two batches of 60 fixes, 120 and 10 days old; the expected counts follow from the ages alone.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import duckdb
import pytest

from etl.cli import main
from etl.fixes import load_fixes_file

PER_BATCH = 60


def _fixes_csv(path, start: datetime):
    lines = ["device_id,timestamp,lat,lon"]
    lines += [f"TRK-1,{start + timedelta(seconds=20 * k):%Y-%m-%dT%H:%M:%SZ},50.9105,4.1985" for k in range(PER_BATCH)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def store(db, tmp_path):
    now = datetime.now(timezone.utc)
    load_fixes_file(db, _fixes_csv(tmp_path / "oud.csv", now - timedelta(days=120)))
    load_fixes_file(db, _fixes_csv(tmp_path / "nieuw.csv", now - timedelta(days=10)))
    return db


def _plan(db, capsys, *options: str) -> dict:
    assert main(["retention", *options, "--db", str(db), "--json"]) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def _set_days(db, days: int) -> None:
    with duckdb.connect(str(db)) as con:
        con.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('fixes_retention_days', ?)", [str(days)])


@pytest.mark.parametrize(
    ("setting", "options", "days", "to_delete"),
    [
        (None, [], 90, PER_BATCH),  # the default: the 120-day-old batch
        (150, [], 150, 0),  # the setting keeps both
        (5, [], 5, 2 * PER_BATCH),  # the setting lets both go
        (150, ["--days", "5"], 5, 2 * PER_BATCH),  # --days overrides the setting for this run
    ],
)
def test_the_retention_period_is_the_setting_unless_days_is_given(store, capsys, setting, options, days, to_delete):
    if setting is not None:
        _set_days(store, setting)
    plan = _plan(store, capsys, *options)
    assert (plan["days"], plan["fixes_to_delete"], plan["applied"]) == (days, to_delete, False)
    with duckdb.connect(str(store), read_only=True) as con:  # showing deletes nothing
        assert con.execute("SELECT count(*) FROM fixes").fetchone()[0] == 2 * PER_BATCH
