"""The store as the pages see it: one short read-only connection per request, never kept open.

DuckDB lets a file be open read-write by one process *or* read-only by several; a connection the
app kept open would block every `python -m etl …` import. So each page view opens, reads, closes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from flask import current_app

from civ.store import reading

CONFIG_KEY = "CIV_DB"


def db_path() -> Path:
    """The store of the app serving this request (set by app.create_app)."""
    return Path(current_app.config[CONFIG_KEY])


@contextmanager
def reader() -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection for the duration of one page view or callback."""
    with reading(db_path()) as con:
        yield con
