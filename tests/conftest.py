"""Shared fixtures: every test gets its own DuckDB file and its own pseudonymisation key."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from project_paths import DATA, ROOT  # noqa: F401  (tests of other branches may still import them from here)


@pytest.fixture(scope="session")
def demo_territory_store(tmp_path_factory) -> Path:
    """A store holding only the demo's territory (Asse), set once per session as `python -m etl territory
    set --nis 23002` does (etl.demo.ensure_demo_territory); `db` copies it."""
    from etl.demo import ensure_demo_territory

    path = tmp_path_factory.mktemp("demo-territory") / "civ.duckdb"
    ensure_demo_territory(path)
    return path


@pytest.fixture
def bare_db(tmp_path: Path) -> Path:
    """Where the test's store would be, with nothing there yet: a first load, or input refused before any
    write. `db` and `query` use the same path."""
    return tmp_path / "store" / "civ.duckdb"


@pytest.fixture
def db(bare_db: Path, demo_territory_store: Path) -> Path:
    """A fresh store of the test's own, its territory set to the demo's (Asse): the test files here are
    Asse's, and a load into a store without a territory is refused."""
    bare_db.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(demo_territory_store, bare_db)
    return bare_db


@pytest.fixture
def write_file(tmp_path: Path):
    def write(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


@pytest.fixture
def query(bare_db: Path):
    """Read the store the way an independent observer would: a fresh read-only connection (to the store
    at the path of `db` and `bare_db`)."""

    def run(sql: str, params=()):
        con = duckdb.connect(str(bare_db), read_only=True)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    return run


@pytest.fixture(scope="session")
def demo_data() -> tuple[Path, dict]:
    """(path, ground truth) of the Asse demo store (tests/demo_store.py), built once per test session
    (per xdist worker). Tests only read it; a test that writes copies it first."""
    from demo_store import demo_store

    return demo_store()
