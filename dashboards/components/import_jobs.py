"""Imports from the browser as background jobs: a dry run, a load, a retry or an undo.

A load of a million rows takes minutes of CPU; in a request thread it would hold the interpreter lock
every other request needs. As for the meeting pack (dashboards/report/jobs.py), the work runs in a child
process (`etl.web_import.run`, which calls the command line's own functions); the page polls the job.
One user has one import job at a time (a second upload while one loads is refused with a message),
and one import job writes at a time in all (DuckDB has one writer).

Uploads are kept by token: the browser never names a path on the server.
"""

from __future__ import annotations

import multiprocessing
import secrets
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

WORKERS = 1
KEPT = 50
# An upload nobody loads (the user left the page) is removed after this long, also one left by an earlier
# run of the server.
UPLOAD_TTL_S = 6 * 3600


@dataclass
class Job:
    key: str
    work: str
    user: str | None
    future: Future
    started: float
    detail: dict = field(default_factory=dict)


@dataclass
class Upload:
    path: Path
    user: str | None
    kind: str


class ImportJobs:
    def __init__(self, workers: int = WORKERS):
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._reader: ProcessPoolExecutor | None = None
        self._jobs: dict[str, Job] = {}
        self._uploads: dict[str, Upload] = {}
        self._readings: dict[str, tuple[str | None, Future]] = {}
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self._workers, mp_context=multiprocessing.get_context("spawn"))
        return self._pool

    def _reader_pool(self) -> ProcessPoolExecutor:
        if self._reader is None:
            self._reader = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        return self._reader

    def start_reading(self, user: str | None, function, *args) -> str:
        """`function(*args)` in the reading child process, in the background: the key to ask `reading` for
        its answer (a worksheet's labels counted while the request has long returned)."""
        key = secrets.token_urlsafe(12)
        with self._lock:
            for old in [k for k, (_, f) in self._readings.items() if f.done()][: max(0, len(self._readings) - KEPT)]:
                del self._readings[old]
            self._readings[key] = (user, self._reader_pool().submit(function, *args))
        return key

    def reading(self, key, user: str | None) -> tuple[str, object]:
        """('running', None), ('done', answer) or ('failed', error); only for the user who started it."""
        user_and_future = self._readings.get(key) if isinstance(key, str) else None
        if user_and_future is None or user_and_future[0] != user:
            return "failed", None
        future = user_and_future[1]
        if not future.done():
            return "running", None
        if future.exception() is not None:
            return "failed", future.exception()
        return "done", future.result()

    # uploads ------------------------------------------------------------------------------------
    def keep_upload(self, path: Path, user: str | None, kind: str) -> str:
        self.forget_stale()
        token = secrets.token_urlsafe(16)
        with self._lock:
            self._uploads[token] = Upload(Path(path), user, kind)
        return token

    def forget_stale(self, max_age_s: float = UPLOAD_TTL_S) -> None:
        """Remove uploads older than `max_age_s`: those of this server and any `civ-upload-…` folder left behind."""
        import tempfile

        from etl.web_import import UPLOAD_PREFIX, discard

        limit = time.time() - max_age_s
        busy = {str(j.detail.get("path")) for j in self._jobs.values() if not j.future.done()}
        for folder in Path(tempfile.gettempdir()).glob(UPLOAD_PREFIX + "*"):
            try:
                old = folder.stat().st_mtime < limit
            except OSError:
                continue
            if old and not any(p.startswith(str(folder)) for p in busy):
                discard(next(folder.iterdir(), folder / "x"))
        with self._lock:
            for token in [t for t, u in self._uploads.items() if not u.path.exists()]:
                del self._uploads[token]

    def upload(self, token, user: str | None) -> Upload | None:
        """The upload behind `token`, only for the user who uploaded it, only while its file exists."""
        found = self._uploads.get(token) if isinstance(token, str) else None
        if found is None or found.user != user or not found.path.exists():
            return None
        return found

    def forget_upload(self, token) -> None:
        from etl.web_import import discard

        with self._lock:
            found = self._uploads.pop(token, None) if isinstance(token, str) else None
        if found is not None:
            discard(found.path)

    # jobs ---------------------------------------------------------------------------------------
    def busy(self, user: str | None) -> Job | None:
        return next((j for j in self._jobs.values() if j.user == user and not j.future.done()), None)

    def start(self, work: str, db: Path, user: str | None, **args) -> str | None:
        """The new job's id; None when `user` already has an import job running."""
        from etl.web_import import run

        with self._lock:
            if self.busy(user) is not None:
                return None
            done = sorted((j for j in self._jobs.values() if j.future.done()), key=lambda j: j.started)
            for job in done[: max(0, len(done) - KEPT)]:
                del self._jobs[job.key]
            key = secrets.token_urlsafe(12)
            if args.get("path") and work in ("load", "dry_run"):
                # next to the upload, in its private folder: removed with it
                args["progress_file"] = str(Path(args["path"]).parent / f".progress-{key}.json")
            future = self._executor().submit(run, work, str(db), **args)
            self._jobs[key] = Job(key, work, user, future, time.monotonic(), dict(args))
            return key

    def note(self, key: str, **detail) -> None:
        """What the page knows of a job beside its arguments: the file's rows, the store's load rate."""
        job = self._jobs.get(key)
        if job is not None:
            job.detail.update(detail)

    @staticmethod
    def progress(job: Job, elapsed_s: float) -> tuple[int | None, int] | None:
        """(rows done, rows in the file) of a running job, or None when its rows are not known. The rows
        done are estimated from the store's recent load rate (None without one): the loader reports no
        progress of its own, so the estimate stops short of the end until the job is done."""
        rows = job.detail.get("rows")
        if not rows:
            return None
        rate = job.detail.get("rate")
        if not rate:
            return None, int(rows)
        return min(int(elapsed_s * rate), int(rows * 0.99)), int(rows)

    @staticmethod
    def reported(job: Job) -> dict | None:
        """The loader's own last progress of a running job ({"stage", "step", "done", "rows_in"}), or None
        before its first report (or for a loader that reports none)."""
        from etl.progress import read_progress

        return read_progress(job.detail.get("progress_file"))

    def status(self, key, user: str | None) -> tuple[str, float, dict | None, Job | None]:
        """('running', seconds, None, job), ('done', seconds, result, job) or ('failed', 0, None, None).
        A job is only shown to the user who started it."""
        job = self._jobs.get(key) if isinstance(key, str) else None
        if job is None or job.user != user:
            return "failed", 0.0, None, None
        elapsed = time.monotonic() - job.started
        if not job.future.done():
            return "running", elapsed, None, job
        if job.future.exception() is not None:
            return "failed", elapsed, {"error": str(job.future.exception())}, job
        return "done", elapsed, job.future.result(), job


jobs = ImportJobs()
