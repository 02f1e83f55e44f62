"""`make bench-quick` as a smoke test: the whole suite runs at small sizes and writes every row.

Nothing here is about time: benchmarks are not timed tests (issue 9). The test asserts that each
measurement and its peers ran and left numbers in the results file.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from project_paths import ROOT

ROWS = [
    "load fixes CSV vs DuckDB bare COPY",
    "load fixes CSV vs pandas + SQLite",
    "load reports CSV (canonical) vs DuckDB bare COPY",
    "load reports CSV (canonical) vs pandas + SQLite",
    "materialise visits vs geopandas sjoin",
    "CompStat callback: table (per categorie)",
    "CompStat callback: map: markers (clustered layer)",
    "CompStat callback: filter change (all callbacks one change fires, sent at once)",
    "coverage: filter change (all callbacks one change fires, sent at once)",
    "coverage: daily overview (every warden's track and timeline of a day)",
    "emerging hot-spot detection, one month",
    "peak memory of any load (ours)",
    "meeting pack of a month (PDF + HTML, cold)",
]
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


@pytest.mark.slow
def test_quick_suite_writes_every_row_with_numbers(tmp_path):
    out = tmp_path / "results.md"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--out", str(out), "--workdir", str(tmp_path / "work")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    assert re.search(r"\d+ cores, [\d.]+ GB RAM; load average", text)
    assert "DuckDB 2." in text and "geopandas 1." in text and "SQLite 3." in text
    table = {
        line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")[2:-1]]
        for line in text.splitlines()
        if line.startswith("| ") and not line.startswith("| measurement")
    }
    for row in ROWS:
        assert row in table, f"row missing: {row}"
        size, ours, peer, ratio, target, met, spread, throughput, memory = table[row]
        assert NUMBER.search(size) and NUMBER.search(ours) and met in ("ja", "**nee**"), (row, table[row])
        assert NUMBER.search(target)
    for row in ROWS[:5]:  # the rows with peers: the peer's time and the ratio are numbers
        size, ours, peer, ratio, *_ = table[row]
        assert NUMBER.search(peer) and NUMBER.search(ratio), (row, table[row])
        assert "GB" in table[row][-1]
