"""The coverage refresh in a thread of the app's process: a page that finds batches waiting starts it
and shows what is stored meanwhile (the banner "bezig met bijwerken")."""

from __future__ import annotations

import os
import threading

from analytics.coverage.visits import refresh_visits

_background: dict[str, threading.Thread] = {}
_background_lock = threading.Lock()


def refresh_in_background(db_path: str | os.PathLike) -> bool:
    """Start refresh_visits in a thread unless one already runs for this store. True when running."""
    key = str(os.path.abspath(db_path))
    with _background_lock:
        running = _background.get(key)
        if running is not None and running.is_alive():
            return True

        def run():
            try:
                refresh_visits(db_path)
            except Exception as error:  # the page keeps showing the banner; the next view retries
                print(f"let op: dekking bijwerken mislukt: {error}", flush=True)

        thread = threading.Thread(target=run, name="coverage-refresh", daemon=True)
        _background[key] = thread
        thread.start()
        return True


def is_refreshing(db_path: str | os.PathLike) -> bool:
    thread = _background.get(str(os.path.abspath(db_path)))
    return thread is not None and thread.is_alive()
