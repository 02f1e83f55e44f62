"""The meeting pack as a shared background job (issue 13, F3).

Making a pack takes seconds of CPU-heavy Python (figures, PDF). In a request thread it held the
interpreter lock every other request needs: 30 clicks of one user held all server threads for two
minutes. So a pack is made in a child process, once per month, language and data version, and
everyone who asks for that pack meanwhile waits for the same job; a finished pack is kept until the
data change. One user has at most one pack in the making (`PER_USER`), and at most `WORKERS` packs
are made at a time in all.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from analytics.memo import data_version
from analytics.periods import Period
from civ.store import reading

WORKERS = 1
PER_USER = 1
KEPT = 12  # finished packs kept in memory (a few hundred kilobytes each)


def _make(db: str, month_code: str, lang: str, municipality: str | None = None) -> tuple[bytes, str]:
    """In the child process: the pack's PDF and file name (of one municipality of a zone when given)."""
    from dashboards.report import meeting_pack

    pack = meeting_pack(db, Period.parse(month_code), lang=lang, municipality=municipality)
    return pack.pdf, pack.file_name


@dataclass
class Job:
    key: str
    future: Future
    started: float
    users: set


class PackJobs:
    def __init__(self, workers: int = WORKERS):
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self._workers, mp_context=multiprocessing.get_context("spawn"))
        return self._pool

    def _forget_old(self) -> None:
        done = [job for job in self._jobs.values() if job.future.done()]
        for job in sorted(done, key=lambda j: j.started)[: max(0, len(done) - KEPT)]:
            del self._jobs[job.key]

    def start(
        self, db: Path, month: Period, lang: str, user: str | None, municipality: str | None = None
    ) -> str | None:
        """The id of the job that makes (or made) this pack, joined or started; None when `user` already
        has another pack in the making. `municipality` (NIS code): the pack of one municipality of a zone."""
        with reading(db) as con:
            version = data_version(con)
        key = hashlib.sha256(repr((str(db), month.code, lang, version, municipality)).encode()).hexdigest()[:20]
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and not (job.future.done() and job.future.exception() is not None):
                job.users.add(user)
                return key
            mine = [j for j in self._jobs.values() if user in j.users and not j.future.done()]
            if len(mine) >= PER_USER:
                return None
            self._forget_old()
            future = self._executor().submit(_make, str(db), month.code, lang, municipality)
            self._jobs[key] = Job(key, future, time.monotonic(), {user})
            return key

    def status(self, key) -> tuple[str, float, tuple[bytes, str] | None]:
        """('running', seconds so far, None), ('done', seconds, (pdf, file name)) or ('failed', 0, None)."""
        job = self._jobs.get(key) if isinstance(key, str) else None
        if job is None:
            return "failed", 0.0, None
        elapsed = time.monotonic() - job.started
        if not job.future.done():
            return "running", elapsed, None
        if job.future.exception() is not None:
            return "failed", elapsed, None
        return "done", elapsed, job.future.result()

    def running(self) -> int:
        with self._lock:
            return sum(1 for job in self._jobs.values() if not job.future.done())


jobs = PackJobs()
