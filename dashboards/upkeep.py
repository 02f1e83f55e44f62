"""Work the served app does beside the requests: after an import (or at start), the emerging hot
spots of the last twelve months are computed and stored once, so nobody waits for a detection.

Only `python app.py` starts it (tests build apps without it). It reads like any request and writes
only the short transaction that stores a run; when an import holds the store it tries again later.
"""
from __future__ import annotations

import sys
import threading
from pathlib import Path

from analytics.hotspots.runs import keep_recent_months_current
from analytics.memo import data_version
from etl import UnusableInput
from etl.store import reading

CHECK_SECONDS = 20
RECENT_MONTHS = 12


def _one_round(db: Path, seen: tuple | None) -> tuple | None:
    """Bring the runs up to date when the data changed since `seen`; the version they are now current for."""
    with reading(db) as con:
        version = data_version(con)
    if version == seen:
        return seen
    keep_recent_months_current(db, RECENT_MONTHS)
    return version


def start(db: Path, stop: threading.Event | None = None) -> threading.Thread:
    stop = stop or threading.Event()

    def loop():
        seen = None
        while not stop.is_set():
            try:
                seen = _one_round(db, seen)
            except UnusableInput:
                pass                  # an import holds the store, or no data yet: next round
            except Exception as error:   # never take the server down; say it once per round
                print(f"let op: hotspots bijwerken mislukt: {error}", file=sys.stderr)
            stop.wait(CHECK_SECONDS)

    thread = threading.Thread(target=loop, name="civ-upkeep", daemon=True)
    thread.start()
    return thread
