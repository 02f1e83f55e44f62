"""A Windows export whose first accented letter comes after the first 64 kB: the encoding is judged on the
head (UTF-8 there, since plain ASCII is), but the file is Latin-1. It loads as the same file saved in UTF-8
does, instead of stopping with DuckDB's "Invalid unicode" traceback."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta

import duckdb

from etl.cli import main


def _fix_lines() -> list[str]:
    start = datetime(2026, 11, 2, 8, 0, 0)
    lines = ["device_id,timestamp,lat,lon,opmerking"]
    lines += [f"TRK-001,{(start + timedelta(seconds=15 * i)).isoformat()}Z,50.9105,4.1983,ok" for i in range(3000)]
    lines.append("TRK-002,2026-11-02T10:00:00Z,50.9110,4.1990,café")  # byte 0xE9 at about 140 kB
    lines.append("TRK-002,2026-11-02T10:00:15Z,niet,4.1990,déjà")  # refused, its raw text kept
    return lines


def test_a_latin1_fixes_file_that_looks_like_utf8_in_its_head_loads_as_its_utf8_twin(
    tmp_path, demo_territory_store, capsys
):
    lines = _fix_lines()
    outcome = {}
    for encoding in ("utf-8", "latin-1"):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
        assert path.read_bytes()[:65536].isascii()
        store = tmp_path / encoding / "civ.duckdb"
        store.parent.mkdir()
        shutil.copyfile(demo_territory_store, store)
        assert main(["fixes", str(path), "--db", str(store), "--json"]) == 0
        result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        with duckdb.connect(str(store), read_only=True) as con:
            stored = con.execute("SELECT device_id, ts, lat, lon FROM fixes ORDER BY ALL").fetchall()
            refused = con.execute("SELECT row_number, raw_text, reason FROM quarantine").fetchall()
        outcome[encoding] = (result["rows_in"], result["loaded"], result["quarantined"], stored, refused)
    assert outcome["latin-1"] == outcome["utf-8"]
    rows_in, loaded, quarantined, _, refused = outcome["latin-1"]
    assert (rows_in, loaded, quarantined) == (3002, 3001, 1)
    assert refused[0][0] == 3002 and refused[0][1].endswith(",déjà")  # read as the letters they are
