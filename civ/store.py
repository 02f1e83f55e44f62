"""The DuckDB store: where it lives, how to open it, its schema, and one load = one transaction.

DuckDB lets one process open a file read-write *or* several processes read-only, never both.
So writers (imports) open the file only for the duration of their transaction, and readers
(the web app) open short-lived read-only connections with a bounded retry while a writer holds it.
"""

from __future__ import annotations

import glob
import hashlib
import importlib.resources
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from civ import reference
from civ.errors import UnusableInput

DEFAULT_DB = Path("data") / "civ.duckdb"
LOCK_RETRY_SECONDS = 15.0
# An import waits longer: new readers read its copy meanwhile, but reads under way (a hot-spot
# detection on a loaded machine) may keep the file for tens of seconds.
IMPORT_WAIT_SECONDS = 120.0
WRITER_MEMORY = "3GB"  # DuckDB's memory for a writing connection (environment CIV_WRITER_MEMORY)
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


# A writer that waits for the file says so with a marker file beside it; readers then hold back
# until it has the file. DuckDB frees the file only when a process's last connection closes, so a
# web app whose requests overlap would otherwise keep it open for ever and starve every import.
WRITER_WAITING = ".writer-waiting."
_reading = threading.local()  # read connections this thread holds (a nested read never waits)


def _writer_waiting(path: Path) -> bool:
    now = time.time()
    for marker in path.parent.glob(glob.escape(path.name) + WRITER_WAITING + "*"):
        try:
            if now - marker.stat().st_mtime < LOCK_RETRY_SECONDS + 5:  # older: a writer that crashed
                return True
        except FileNotFoundError:
            pass
    return False


# An import holds the file for seconds to minutes. Meanwhile readers read a copy of the last committed
# state (the same state a reader would see anyway until the import commits), made by the import before
# it asks for the lock: from then on new readers open the copy, so the file comes free as soon as the
# reads under way end, and no reader waits for the import. The copy carries the writer's process id:
# one left by a writer that died is never read.
SNAPSHOT = ".snapshot."


def _snapshot_of(path: Path) -> Path | None:
    for copy in path.parent.glob(glob.escape(path.name) + SNAPSHOT + "*"):
        pid = copy.name[len(path.name) + len(SNAPSHOT) :]
        if not pid.isdigit():
            continue  # a copy being made
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            copy.unlink(missing_ok=True)  # its writer died in the middle
            continue
        except PermissionError:
            pass  # alive, another user's process
        return copy
    return None


def _read_snapshot(path: Path) -> duckdb.DuckDBPyConnection | None:
    snapshot = _snapshot_of(path)
    if snapshot is None:
        return None
    try:
        return connect(snapshot, read_only=True, wait_seconds=0)
    except (UnusableInput, duckdb.Error):
        return None  # removed just now: the writer is done, the file is free again


def _hold_back_for_writers(path: Path, deadline: float) -> duckdb.DuckDBPyConnection | None:
    """While a writer waits for the file: the writer's copy when there is one, else wait (None)."""
    if getattr(_reading, "count", 0):
        return None
    while _writer_waiting(path) and time.monotonic() < deadline:
        con = _read_snapshot(path)
        if con is not None:
            return con
        time.sleep(0.02)
    return None


def connect(
    path: str | os.PathLike, read_only: bool = False, wait_seconds: float | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the store, retrying while another process holds the write lock (a writer announces itself
    while it waits, so readers let it in) for `wait_seconds` (default LOCK_RETRY_SECONDS)."""
    path = Path(path)
    wait_seconds = LOCK_RETRY_SECONDS if wait_seconds is None else wait_seconds
    if read_only and not path.exists():
        raise UnusableInput(f"database {path} bestaat niet; laad eerst gegevens (python -m etl demo)")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    marker = None
    if read_only:
        # while an import runs (waiting for the file or holding it) its copy is the committed state
        con = _read_snapshot(path) or _hold_back_for_writers(path, deadline)
        if con is not None:
            return con
    delay = 0.01
    try:
        while True:
            if not read_only and import_running(path):
                # Another process's import holds the file: do not knock on it (repeated opens during its
                # checkpoint were seen to leave a WAL the store no longer matches, DuckDB 2.0.1).
                if time.monotonic() > deadline:
                    raise StoreBusy(f"database {path} is bezet door een andere import; probeer straks opnieuw")
                time.sleep(0.1)
                continue
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
                copy = _read_snapshot(path) if read_only and _is_lock_error(error) else None
                if copy is not None:
                    return copy
                if not _is_lock_error(error) or time.monotonic() > deadline:
                    if _is_lock_error(error):
                        raise StoreBusy(
                            f"database {path} is bezet door een andere import; probeer straks opnieuw"
                        ) from error
                    raise
                if marker is None and not read_only:
                    marker = path.with_name(f"{path.name}{WRITER_WAITING}{os.getpid()}.{threading.get_ident()}")
                    marker.touch()
                time.sleep(delay)
                delay = min(delay * 2, 0.2)
    finally:
        if marker is not None:
            marker.unlink(missing_ok=True)


class StoreBusy(UnusableInput):
    """Another process kept the write lock longer than we were willing to wait."""


@contextmanager
def reading(path: str | os.PathLike) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-only connection: what every page view and report uses."""
    con = connect(path, read_only=True)
    _reading.count = getattr(_reading, "count", 0) + 1
    try:
        yield con
    finally:
        _reading.count -= 1
        con.close()


def _schema_files(package: str = "civ.schema") -> list[tuple[int, str, str]]:
    files = []
    for entry in importlib.resources.files(package).iterdir():
        match = re.fullmatch(r"(\d{3})_(\w+)\.sql", entry.name)
        if match:
            files.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    return sorted(files)


def migrate(con: duckdb.DuckDBPyConnection, package: str = "civ.schema") -> int:
    """Apply every schema file of `package` not yet applied, each in its own transaction.

    Returns the version.
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
    return max(applied | {v for v, _, _ in files})


def open_for_writing(path: str | os.PathLike, wait_seconds: float | None = None) -> duckdb.DuckDBPyConnection:
    """A writing connection on an up-to-date schema with the current release's reference data."""
    con = connect(path, wait_seconds=wait_seconds)
    migrate(con)
    reference.ensure(con)
    return con


def store_identity(con: duckdb.DuckDBPyConnection) -> str:
    """The store a connection reads, for caches: a reader on an import's copy reads the same store."""
    path = first_row(con, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()")[0]
    return re.sub(re.escape(SNAPSHOT) + r"\d+$", "", path or "")


@contextmanager
def long_write(path: str | os.PathLike) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection for a write that takes long (an import): while it waits for the file and
    while it is open, readers read a copy of the store's last committed state instead of waiting.

    The copy costs a file copy of the store (a second or two per gigabyte) and as much disk space
    until the connection closes."""
    path = Path(path)
    other_import = _snapshot_of(path)  # (also removes the copies of writers that died)
    snapshot = path.with_name(f"{path.name}{SNAPSHOT}{os.getpid()}")
    try:
        # Copied before asking for the lock, so readers leave the file at once. Not while another
        # import writes the file: the copy could be torn; then it is made once this import holds it.
        copied = _copy_for_readers(path, snapshot) if path.exists() and other_import is None else None
        con = open_for_writing(path, IMPORT_WAIT_SECONDS)
        try:
            con.execute("CHECKPOINT")  # everything committed is in the file itself, none in the WAL
            if copied != _file_stamp(path):
                _copy_for_readers(path, snapshot)  # another writer came between: copy again, now locked
            yield con
        finally:
            con.close()
    finally:
        snapshot.unlink(missing_ok=True)
        snapshot.with_name(snapshot.name + "-partial").unlink(missing_ok=True)


def _file_stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_mtime_ns, status.st_size


def _copy_for_readers(path: Path, snapshot: Path) -> tuple[int, int]:
    """Copy the store to `snapshot` (published whole, by a rename); the store's stamp before the copy."""
    stamp = _file_stamp(path)
    partial = snapshot.with_name(snapshot.name + "-partial")
    shutil.copyfile(path, partial)
    os.replace(partial, snapshot)
    return stamp


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
    status: str  # 'loaded', 'nothing-loaded' (loaded is 0) or 'already-loaded'
    rows_in: int = 0
    loaded: int = 0
    quarantined: int = 0
    duplicates: int = 0
    updated: int = 0  # of `loaded`: rows that replaced an earlier version
    remarks: int = 0  # of `loaded`: rows kept with a remark (a field cleared or defaulted)
    warnings: list = field(default_factory=list)  # Dutch sentences, e.g. no id column
    columns_used: dict | None = None  # our field -> their column(s)
    columns_ignored: list | None = None  # their columns no field uses
    geocoding: dict | None = None  # reports with an address: how many were placed, how

    def as_json(self) -> dict:
        return asdict(self)


@dataclass
class BatchCounts:
    rows_in: int
    loaded: int
    quarantined: int
    duplicates: int
    updated: int = 0
    remarks: int = 0


def run_batch(
    db: str | os.PathLike,
    *,
    kind: str,
    file: str | os.PathLike,
    fmt: str,
    options: dict,
    load: Callable[[duckdb.DuckDBPyConnection, int], BatchCounts],
    is_demo: bool = False,
) -> LoadResult:
    """Run `load` inside one transaction together with its import_batches row.

    Either the whole batch (rows, quarantine, batch row) is committed, or nothing is.
    The same file with the same meaning-changing options is loaded only once.
    """
    sha = file_sha256(file)
    option_text = ",".join(f"{k}={options[k]}" for k in sorted(options) if options[k] is not None)
    load_key = f"{kind}|{sha}|{fmt}|{option_text}"
    with long_write(db) as con:
        # an undone batch (etl batches undo) no longer counts: its file may be loaded again
        earlier = first_row(
            con,
            "SELECT batch_id, rows_in FROM import_batches "
            "WHERE load_key = ? AND finished_at IS NOT NULL AND batch_id NOT IN "
            "(SELECT batch_id FROM batch_details WHERE undone_at IS NOT NULL)",
            [load_key],
        )
        if earlier:
            return LoadResult(
                file=str(file), batch_id=earlier[0], status="already-loaded", rows_in=earlier[1], duplicates=earlier[1]
            )
        con.execute("BEGIN TRANSACTION")
        try:
            batch_id = scalar(
                con,
                """INSERT INTO import_batches (kind, file_name, file_sha256, format, load_key, started_at, is_demo)
                   VALUES (?, ?, ?, ?, ?, now(), ?) RETURNING batch_id""",
                [kind, Path(file).name, sha, fmt, load_key, is_demo],
            )
            counts = load(con, batch_id)
            if counts.rows_in != counts.loaded + counts.quarantined + counts.duplicates:
                raise AssertionError(f"telling klopt niet: {counts}")  # a bug, never a user error
            con.execute(
                """UPDATE import_batches SET finished_at = now(), rows_in = ?, loaded = ?,
                                  quarantined = ?, duplicates = ?, updated = ? WHERE batch_id = ?""",
                [counts.rows_in, counts.loaded, counts.quarantined, counts.duplicates, counts.updated, batch_id],
            )
            _pause_for_interruption_test()
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return LoadResult(
            file=str(file),
            batch_id=batch_id,
            status="loaded" if counts.loaded else "nothing-loaded",
            rows_in=counts.rows_in,
            loaded=counts.loaded,
            quarantined=counts.quarantined,
            duplicates=counts.duplicates,
            updated=counts.updated,
            remarks=counts.remarks,
        )


def _pause_for_interruption_test() -> None:
    # The kill-in-the-middle test needs a moment where all rows are written but not committed.
    seconds = os.environ.get("CIV_TEST_PAUSE_BEFORE_COMMIT")
    if seconds:
        print("CIV_TEST_PAUSED", flush=True)
        time.sleep(float(seconds))


def quarantine_rows(con: duckdb.DuckDBPyConnection, batch_id: int, relation_sql: str, params=()) -> int:
    """Insert rows (row_number, raw_text, reason) selected by `relation_sql` into the quarantine."""
    before = scalar(con, "SELECT count(*) FROM quarantine WHERE batch_id = ?", [batch_id])
    con.execute(
        f"INSERT INTO quarantine (batch_id, row_number, raw_text, reason) "
        f"SELECT ?, row_number, raw_text, reason FROM ({relation_sql})",
        [batch_id, *params],
    )
    after = scalar(con, "SELECT count(*) FROM quarantine WHERE batch_id = ?", [batch_id])
    return after - before


def import_running(path: str | os.PathLike) -> bool:
    """Whether another process's import holds the store or waits for it (it announces itself with its
    readers' copy). Writers stay away meanwhile (`connect` waits; the live flush skips a round): trying to
    open the file again and again while an import checkpoints it was seen to leave a WAL the store no
    longer matches (DuckDB 2.0.1)."""
    path = Path(path)
    snapshot = _snapshot_of(path)
    return snapshot is not None and snapshot.name != f"{path.name}{SNAPSHOT}{os.getpid()}"
