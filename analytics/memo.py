"""Answers kept per version of the data, so twenty people on the same month cost one query.

The data only change through imports (each one a finished batch) and through the reference data
upserted at start (its fingerprint is a setting), so (store, last finished batch, batches, reference
fingerprint) names a version: a new import gives a new key on the next call, never a stale answer.
Callers get a copy, so what one request changes is not seen by the next.
Live positions from phones (etl/live.py) arrive as a batch of fixes every few seconds; they change
only `fixes`, which no kept answer reads, so those batches do not make a new version (else every
kept answer, and the background hot-spot upkeep, would start again every few seconds).
"""

from __future__ import annotations

import copy
import functools
import threading
from collections import OrderedDict

import duckdb

from civ.store import first_row, store_identity


def data_version(con: duckdb.DuckDBPyConnection) -> tuple:
    row = first_row(
        con,
        """SELECT (SELECT max(batch_id) FROM import_batches
                                    WHERE finished_at IS NOT NULL AND format <> 'osmand'),
                                   (SELECT count(*) FROM import_batches WHERE format <> 'osmand'),
                                   (SELECT max(value) FROM settings WHERE key = 'reference_fingerprint')""",
    )
    return (store_identity(con), *(row or ()))


_ALL: list = []


def clear_all() -> None:
    """Forget every kept answer (benchmarks measure the first viewer after an import this way)."""
    for answers in _ALL:
        answers.clear()


def by_data_version(maxsize: int = 128):
    """Memoise `fn(con, *args, **kwargs)` on the data version and the arguments' reprs."""

    def decorate(fn):
        answers: OrderedDict[tuple, object] = OrderedDict()
        lock = threading.Lock()
        _ALL.append(answers)

        @functools.wraps(fn)
        def wrapper(con, *args, **kwargs):
            key = (data_version(con), repr(args), repr(sorted(kwargs.items())))
            with lock:
                if key in answers:
                    answers.move_to_end(key)
                    return copy.deepcopy(answers[key])
            answer = fn(con, *args, **kwargs)
            with lock:
                answers[key] = answer
                while len(answers) > maxsize:
                    answers.popitem(last=False)
            return copy.deepcopy(answer)

        wrapper.cache_clear = answers.clear
        return wrapper

    return decorate
