"""The DuckDB store: where it lives, how to open it, its schema, and one load = one transaction.

DuckDB lets one process open a file read-write *or* several processes read-only, never both.
So writers (imports) open the file only for the duration of their transaction, and readers
(the web app) open short-lived read-only connections with a bounded retry while a writer holds it.
"""
from __future__ import annotations

import hashlib
import importlib.resources
import os
import re
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterator

import duckdb

from etl import UnusableInput

DEFAULT_DB = Path("data") / "civ.duckdb"
LOCK_RETRY_SECONDS = 15.0
WRITER_MEMORY = "3GB"            # DuckDB's memory for a writing connection (environment CIV_WRITER_MEMORY)
# DuckDB draws its own progress bar on the terminal for long statements; the command line turns it
# on only for a person at a terminal, never when --json output is read by a program.
show_progress = False


def first_row(con: duckdb.DuckDBPyConnection, sql: str, params=()) -> tuple | None:
    """The first row or None, with the result fully consumed.

    DuckDB 2 refuses register() while a result is only partly fetched, so no fetchone().
    """
    rows = con.execute(sql, params).fetchall()
    return rows[0] if rows else None


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params=()):
    row = first_row(con, sql, params)
    return row[0] if row else None


def db_path(cli_value: str | os.PathLike | None = None) -> Path:
    """`--db PATH`, else environment `CIV_DB`, else `data/civ.duckdb`."""
    return Path(cli_value or os.environ.get("CIV_DB") or DEFAULT_DB)


def _is_lock_error(error: Exception) -> bool:
    text = str(error)
    return "lock" in text.lower() or "different configuration" in text


def connect(path: str | os.PathLike, read_only: bool = False,
            wait_seconds: float = LOCK_RETRY_SECONDS) -> duckdb.DuckDBPyConnection:
    """Open the store, retrying while another process holds the write lock."""
    path = Path(path)
    if read_only and not path.exists():
        raise UnusableInput(f"database {path} bestaat niet; laad eerst gegevens (python -m etl demo)")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            con.execute("SET TimeZone = 'UTC'")
            con.execute(f"SET enable_progress_bar = {'true' if show_progress else 'false'}")
            if not read_only:
                # DuckDB takes up to 80 % of the RAM by default; an import or the visits refresh of
                # 50 million fixes then held 5-6 GB. With a limit it spills to <db>.tmp instead.
                con.execute("SET memory_limit = ?", [os.environ.get("CIV_WRITER_MEMORY", WRITER_MEMORY)])
            return con
        except (duckdb.IOException, duckdb.ConnectionException) as error:
            if not _is_lock_error(error) or time.monotonic() > deadline:
                if _is_lock_error(error):
                    raise StoreBusy(f"database {path} is bezet door een andere import; probeer straks opnieuw") from error
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


class StoreBusy(UnusableInput):
    """Another process kept the write lock longer than we were willing to wait."""


@contextmanager
def reading(path: str | os.PathLike) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-only connection: what every page view and report uses."""
    con = connect(path, read_only=True)
    try:
        yield con
    finally:
        con.close()


def _schema_files(package: str = "etl.schema") -> list[tuple[int, str, str]]:
    files = []
    for entry in importlib.resources.files(package).iterdir():
        match = re.fullmatch(r"(\d{3})_(\w+)\.sql", entry.name)
        if match:
            files.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    return sorted(files)


def migrate(con: duckdb.DuckDBPyConnection, package: str = "etl.schema") -> int:
    """Apply every schema file of `package` not yet applied, each in its own transaction.

    Returns the version. The main store also gets its reference data (categories, areas, …).
    """
    con.execute("""CREATE TABLE IF NOT EXISTS schema_version (
                       version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,
                       applied_at TIMESTAMPTZ NOT NULL DEFAULT now())""")
    applied = {row[0] for row in con.execute("SELECT version FROM schema_version").fetchall()}
    files = _schema_files(package)
    for version, name, sql in files:
        if version in applied:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    if package == "etl.schema":
        from etl import reference  # late import: reference data needs the tables above
        reference.ensure(con)
    return max(applied | {v for v, _, _ in files})


def open_for_writing(path: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    con = connect(path)
    migrate(con)
    return con


def file_sha256(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class LoadResult:
    """What one `python -m etl …` load did; `rows_in == loaded + quarantined + duplicates`."""
    file: str
    batch_id: int | None
    status: str                  # 'loaded' or 'already-loaded'
    rows_in: int = 0
    loaded: int = 0
    quarantined: int = 0
    duplicates: int = 0
    updated: int = 0             # of `loaded`: rows that replaced an earlier version

    def as_json(self) -> dict:
        return asdict(self)


@dataclass
class BatchCounts:
    rows_in: int
    loaded: int
    quarantined: int
    duplicates: int
    updated: int = 0


def run_batch(db: str | os.PathLike, *, kind: str, file: str | os.PathLike, fmt: str,
              options: dict, load: Callable[[duckdb.DuckDBPyConnection, int], BatchCounts],
              is_demo: bool = False) -> LoadResult:
    """Run `load` inside one transaction together with its import_batches row.

    Either the whole batch (rows, quarantine, batch row) is committed, or nothing is.
    The same file with the same meaning-changing options is loaded only once.
    """
    sha = file_sha256(file)
    option_text = ",".join(f"{k}={options[k]}" for k in sorted(options) if options[k] is not None)
    load_key = f"{kind}|{sha}|{fmt}|{option_text}"
    con = open_for_writing(db)
    try:
        earlier = first_row(con, "SELECT batch_id, rows_in FROM import_batches "
                                 "WHERE load_key = ? AND finished_at IS NOT NULL", [load_key])
        if earlier:
            return LoadResult(file=str(file), batch_id=earlier[0], status="already-loaded",
                              rows_in=earlier[1], duplicates=earlier[1])
        con.execute("BEGIN TRANSACTION")
        try:
            batch_id = scalar(
                con, """INSERT INTO import_batches (kind, file_name, file_sha256, format, load_key, started_at, is_demo)
                   VALUES (?, ?, ?, ?, ?, now(), ?) RETURNING batch_id""",
                [kind, Path(file).name, sha, fmt, load_key, is_demo])
            counts = load(con, batch_id)
            if counts.rows_in != counts.loaded + counts.quarantined + counts.duplicates:
                raise AssertionError(f"telling klopt niet: {counts}")  # a bug, never a user error
            con.execute("""UPDATE import_batches SET finished_at = now(), rows_in = ?, loaded = ?,
                                  quarantined = ?, duplicates = ?, updated = ? WHERE batch_id = ?""",
                        [counts.rows_in, counts.loaded, counts.quarantined, counts.duplicates,
                         counts.updated, batch_id])
            _pause_for_interruption_test()
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return LoadResult(file=str(file), batch_id=batch_id, status="loaded", rows_in=counts.rows_in,
                          loaded=counts.loaded, quarantined=counts.quarantined,
                          duplicates=counts.duplicates, updated=counts.updated)
    finally:
        con.close()


def _pause_for_interruption_test() -> None:
    # The kill-in-the-middle test needs a moment where all rows are written but not committed.
    seconds = os.environ.get("CIV_TEST_PAUSE_BEFORE_COMMIT")
    if seconds:
        print("CIV_TEST_PAUSED", flush=True)
        time.sleep(float(seconds))


def quarantine_rows(con: duckdb.DuckDBPyConnection, batch_id: int, relation_sql: str, params=()) -> int:
    """Insert rows (row_number, raw_text, reason) selected by `relation_sql` into the quarantine."""
    before = scalar(con, "SELECT count(*) FROM quarantine WHERE batch_id = ?", [batch_id])
    con.execute(f"INSERT INTO quarantine (batch_id, row_number, raw_text, reason) "
                f"SELECT ?, row_number, raw_text, reason FROM ({relation_sql})", [batch_id, *params])
    after = scalar(con, "SELECT count(*) FROM quarantine WHERE batch_id = ?", [batch_id])
    return after - before
