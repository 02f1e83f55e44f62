"""Progress of a load as the loader itself reports it: stage name, rows done, rows in.

The loaders (etl.reports, etl.fixes) call an optional `progress(stage, done, rows_in)` at their stages.
A web load runs in a child process, so `ProgressFile` carries the calls to the page through a small JSON
file next to the upload (in its private folder): written whole and renamed, so a reader never sees half.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

Progress = Callable[[str, int, int], None]

# the stages in the order a load passes them: the page says "stap 2 van 3"
STAGES = ("read", "checked", "stored")


def report(progress: Progress | None, stage: str, done: int, rows_in: int) -> None:
    if progress is not None:
        progress(stage, int(done), int(rows_in))


class ProgressFile:
    """A progress callback that keeps every call (stage, done, rows_in) in a JSON file."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.calls: list[dict] = []

    def __call__(self, stage: str, done: int, rows_in: int) -> None:
        self.calls.append({"stage": stage, "done": int(done), "rows_in": int(rows_in)})
        partial = self.path.with_suffix(".tmp")
        try:
            partial.write_text(json.dumps(self.calls), encoding="utf-8")
            partial.replace(self.path)
        except OSError:  # the upload's folder was removed: nobody is waiting for this progress any more
            pass


def read_progress(path: str | os.PathLike | None) -> dict | None:
    """The last call written to `path` ({"stage", "done", "rows_in", "step"}), or None before the first."""
    if not path:
        return None
    try:
        calls = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not calls:
        return None
    last = dict(calls[-1])
    last["step"] = STAGES.index(last["stage"]) + 1 if last["stage"] in STAGES else None
    return last
