"""README's promise for a store that another process holds: a clear message, nothing lost.

- an import that cannot get the store exits 2 with one `fout: … bezet …` line and writes nothing;
- a page shows *De databank is even bezet …* (English: *The database is busy …*) instead of its content;
- the meeting pack and `analytics hotspots` still give their figures, read from the import's copy, and
  say what they could not store (`let op: …`);
- the app refuses to start on a store it cannot open, with one `fout:` line.

The other process is real: a child Python process holding a read-write connection (as a visits refresh or a
`duckdb` shell would) or an import's write (`civ.store.long_write`, which leaves a copy for readers). The
waits are shortened to a second, so each test takes seconds instead of the 15 s / 120 s of the app.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
from project_paths import ROOT

from civ import store

HOLDER = """
import sys
from civ import store
path, how = sys.argv[1], sys.argv[2]
if how == "import":
    writing = store.long_write(path)
    writing.__enter__()
else:
    con = store.connect(path)
print("held", flush=True)
sys.stdin.readline()
"""


@contextmanager
def held(db: Path, how: str):
    """Another process holds `db`: 'writer' (a read-write connection) or 'import' (an import's write)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), how],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=60)


@pytest.fixture
def short_waits(monkeypatch):
    monkeypatch.setattr(store, "LOCK_RETRY_SECONDS", 1.0)
    monkeypatch.setattr(store, "IMPORT_WAIT_SECONDS", 1.0)


def _count(db: Path, sql: str) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchone()[0]


REPORTS = (
    "reported_at;category;lat;lon\n14/03/2026 10:15;sluikstort;50.9105;4.1983\n15/03/2026 22:40;lawaai;50.9111;4.2002\n"
)


def test_an_import_into_a_store_another_process_writes_exits_2_with_one_line_and_writes_nothing(
    db, write_file, short_waits, capsys
):
    from etl.cli import main

    path = write_file("meldingen.csv", REPORTS)
    batches_before = _count(db, "SELECT count(*) FROM import_batches")
    with held(db, "writer"):
        code = main(["reports", str(path), "--db", str(db), "--json"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.startswith("fout: ") and captured.err.count("\n") == 1, captured.err
    assert "bezet door een andere import" in captured.err and str(db) in captured.err
    assert _count(db, "SELECT count(*) FROM reports") == 0
    assert _count(db, "SELECT count(*) FROM import_batches") == batches_before
    assert list(db.parent.glob(db.name + store.SNAPSHOT + "*")) == []  # its copy for readers is gone
    # once the other process is done, the same command loads both rows: nothing was wrong with the file
    assert main(["reports", str(path), "--db", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["loaded"] == 2


@pytest.mark.parametrize(
    ("lang", "words"),
    [("nl", "De databank is even bezet door een import"), ("en", "The database is busy with an import")],
)
def test_a_page_says_the_store_is_busy_while_another_process_writes_it(db, short_waits, lang, words):
    import dash

    from app import create_app
    from dashboards.components.frame import store_problem

    app = create_app(db)  # the pages as the app registers them, each reading the app's store
    home = next(page["layout"] for page in dash.page_registry.values() if page["path"] == "/")
    with app.server.app_context():
        with held(db, "writer"):
            busy = str(home(lang=lang))
        free = str(home(lang=lang))
    assert words in busy
    assert "store-problem" in busy
    assert words not in free  # the same page once the store is free: its own content
    assert "store-problem" not in free
    assert store_problem(store.StoreBusy("x"), lang).children in busy


def _demo_copy(demo_data, tmp_path: Path) -> Path:
    source, _truth = demo_data
    copy = tmp_path / "demo" / "civ.duckdb"
    copy.parent.mkdir()
    shutil.copyfile(source, copy)
    return copy


def test_the_hot_spots_of_a_month_are_shown_from_the_imports_copy_and_not_stored(
    demo_data, tmp_path, short_waits, capsys
):
    from analytics.cli import main

    db = _demo_copy(demo_data, tmp_path)
    month = "2026-09"
    runs_before = _count(db, "SELECT count(*) FROM hotspot_runs")
    with held(db, "import"):
        assert main(["hotspots", "--db", str(db), "--month", month, "--json"]) == 0
    during = capsys.readouterr()
    assert "let op:" in during.err and "de run is niet bewaard" in during.err
    assert _count(db, "SELECT count(*) FROM hotspot_runs") == runs_before
    assert main(["hotspots", "--db", str(db), "--month", month, "--json"]) == 0
    after = capsys.readouterr()
    assert "let op" not in after.err

    def places(out: str) -> list:
        rows = json.loads(out.strip().splitlines()[-1])
        return sorted((round(row["lat"], 6), round(row["lon"], 6), row["class"], row["current"]) for row in rows)

    assert places(during.out) == places(after.out)  # the same figures, now stored
    assert places(after.out)
    assert _count(db, "SELECT count(*) FROM hotspot_runs") == runs_before + 1


def test_the_meeting_pack_is_made_from_the_imports_copy_and_says_visits_were_not_refreshed(
    demo_data, tmp_path, short_waits, capsys
):
    from dashboards.report.__main__ import main

    db = _demo_copy(demo_data, tmp_path)
    out = tmp_path / "pakket.pdf"
    with held(db, "import"):
        assert main(["--db", str(db), "--month", "2026-09", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "let op:" in err and "de bezoeken zijn niet bijgewerkt" in err
    assert out.read_bytes().startswith(b"%PDF")


def test_the_app_does_not_start_on_a_store_another_process_writes(db, short_waits, capsys):
    import app

    with held(db, "writer"):
        code = app.main(["--db", str(db), "--port", "0"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("fout: ") and err.count("\n") == 1 and "bezet" in err
