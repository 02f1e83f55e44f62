"""The journal of live positions: an append-only file beside the store, `<store>.live-journal`.

A phone's position is answered 200 only once its line is in this file and fsync'd, so a crash or a
restart loses nothing that was acknowledged. Every few seconds the server writes the journal's new
lines into the store in one transaction, together with the sequence number they reach
(`live_journal_state.flushed_seq`); lines up to that number are then dropped from the file. After a
crash between the commit and the drop, the number tells which lines are already stored.

Readers (the Live page, `python -m analytics live`) read the journal first and then the store, and
keep the lines after the store's `flushed_seq`: a line flushed in between is then in the store, never
in neither.

One line per position, JSON: {"seq", "device_id", "ts" (ISO, UTC), "lat", "lon", "accuracy_m",
"speed_kmh", "battery_pct", "received_at"}. A torn last line (power cut in the middle of a write,
never acknowledged) is skipped.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import duckdb

from civ import store

JOURNAL_NAME = "osmand"
SUFFIX = ".live-journal"


def journal_path(db: str | os.PathLike) -> Path:
    path = Path(db)
    return path.with_name(path.name + SUFFIX)


def _parse(text: str) -> list[dict]:
    entries = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a torn line: its request was never answered 200
        if isinstance(entry, dict) and isinstance(entry.get("seq"), int):
            entries.append(entry)
    return entries


def read_entries(path: str | os.PathLike) -> list[dict]:
    try:
        return _parse(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []


def flushed_seq(con: duckdb.DuckDBPyConnection) -> int:
    """The last journal entry written into the store (0 when none, or on a store without the table)."""
    try:
        value = store.scalar(con, "SELECT flushed_seq FROM live_journal_state WHERE journal = ?", [JOURNAL_NAME])
    except duckdb.CatalogException:
        return 0
    return int(value or 0)


def pending_entries(db: str | os.PathLike, con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The positions acknowledged but not yet in the store `con` reads. Read the journal BEFORE the
    store's state: see the module docstring."""
    entries = read_entries(journal_path(db))
    done = flushed_seq(con)
    return [e for e in entries if e["seq"] > done]


def _sync_directory(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


class Journal:
    """The writing side; one per store in a process (the server's live ingest)."""

    def __init__(self, path: str | os.PathLike, start_after: int = 0):
        self.path = Path(path)
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        existing = read_entries(self.path)
        self._seq = max([start_after, *(e["seq"] for e in existing)])
        self._file = open(self.path, "ab")
        _sync_directory(self.path.parent)  # the file's own name survives a power cut too
        self._drop_torn_tail()

    def _drop_torn_tail(self) -> None:
        # A line without its newline (a crash mid-write) would glue itself to the next entry.
        size = self.path.stat().st_size
        if size:
            with open(self.path, "rb") as handle:
                handle.seek(size - 1)
                if handle.read(1) != b"\n":
                    self._file.write(b"\n")
                    self._file.flush()

    def append(self, entry: dict) -> int:
        """Write one entry durably (flushed and fsync'd) and return its sequence number."""
        with self._lock:
            self._seq += 1
            line = json.dumps({**entry, "seq": self._seq}, ensure_ascii=False, separators=(",", ":"))
            self._file.write(line.encode("utf-8") + b"\n")
            self._file.flush()
            os.fsync(self._file.fileno())
            return self._seq

    def entries(self) -> list[dict]:
        with self._lock:
            return read_entries(self.path)

    def drop_through(self, seq: int) -> None:
        """Remove the entries up to `seq` (they are in the store); later ones stay, durably."""
        with self._lock:
            keep = [e for e in read_entries(self.path) if e["seq"] > seq]
            self._file.close()
            if keep:
                partial = self.path.with_name(self.path.name + ".new")
                with open(partial, "wb") as handle:
                    handle.write(
                        "".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n" for e in keep).encode(
                            "utf-8"
                        )
                    )
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(partial, self.path)
                _sync_directory(self.path.parent)
            else:
                with open(self.path, "wb") as handle:
                    os.fsync(handle.fileno())
            self._file = open(self.path, "ab")

    @property
    def last_seq(self) -> int:
        return self._seq

    def close(self) -> None:
        with self._lock:
            self._file.close()
