"""Shared fixtures: every test gets its own DuckDB file and its own pseudonymisation key."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from project_paths import DATA, ROOT  # noqa: F401  (tests of other branches may still import them from here)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store" / "civ.duckdb"


@pytest.fixture
def write_file(tmp_path: Path):
    def write(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


@pytest.fixture
def query(db: Path):
    """Read the store the way an independent observer would: a fresh read-only connection."""

    def run(sql: str, params=()):
        con = duckdb.connect(str(db), read_only=True)
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
