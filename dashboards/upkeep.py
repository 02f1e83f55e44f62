"""Work the served app does beside the requests: after an import (or at start), the emerging hot
spots of the last twelve months are computed and stored once, so nobody waits for a detection.

Only `python app.py` starts it (tests build apps without it). The detections run in a child process:
they are CPU-heavy Python, and in the server's process they would hold the interpreter lock that the
requests need. The child reads like any request and writes only the short transaction that stores a
run; when an import holds the store it fails and the next round tries again.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
from pathlib import Path

from analytics.hotspots.runs import keep_recent_months_current, month_span, months_back
from analytics.memo import data_version
from analytics.periods import Period
from civ.errors import UnusableInput
from civ.store import reading

CHECK_SECONDS = 20
RECENT_MONTHS = 12
BUSY_EXIT = 3
_kept: dict[str, tuple[str, str]] = {}  # store -> first and last month whose runs a thread here keeps current


def keeps_current(db: Path, month: str) -> bool:
    """Whether `month` of `db` has its run brought up to date here (so a page may show the earlier one meanwhile)."""
    kept = _kept.get(str(db))
    return kept is not None and kept[0] <= month <= kept[1]  # 'YYYY-MM' compares as text


def _remember_kept_months(db: Path, con) -> None:
    """The months this round keeps current: the RECENT_MONTHS up to the store's last month."""
    last = month_span(con)[1]
    if last is not None:
        _kept[str(db)] = (months_back(Period.parse(last), RECENT_MONTHS).code, last)


def _keep_current(db: Path, months: int) -> None:
    """The child's work; a store held by an import is no error, the next round tries again."""
    try:
        keep_recent_months_current(db, months)
    except UnusableInput:
        sys.exit(BUSY_EXIT)


def _one_round(db: Path, seen: tuple | None) -> tuple | None:
    """Bring the runs up to date when the data changed since `seen`; the version they are now current for."""
    with reading(db) as con:
        version = data_version(con)
        if version == seen:
            return seen
        _remember_kept_months(db, con)
    child = multiprocessing.get_context("spawn").Process(
        target=_keep_current, args=(db, RECENT_MONTHS), name="civ-hotspots", daemon=True
    )
    child.start()
    child.join()
    if child.exitcode == BUSY_EXIT:
        raise UnusableInput("de databank is bezet door een import")
    if child.exitcode != 0:
        raise RuntimeError(f"het proces stopte met code {child.exitcode}")
    return version


def start(db: Path, stop: threading.Event | None = None) -> threading.Thread:
    stop = stop or threading.Event()

    def loop():
        seen = None
        while not stop.is_set():
            try:
                seen = _one_round(db, seen)
            except UnusableInput:
                pass  # an import holds the store, or no data yet: next round
            except Exception as error:  # never take the server down; say it once per round
                print(f"let op: hotspots bijwerken mislukt: {error}", file=sys.stderr)
            stop.wait(CHECK_SECONDS)

    thread = threading.Thread(target=loop, name="civ-upkeep", daemon=True)
    thread.start()
    return thread
