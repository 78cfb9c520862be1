"""Render PDFs in long-lived worker processes that import WeasyPrint once.

The parent hands each worker one HTML document at a time and enforces a per-brief
time limit and a memory limit (resident memory polled from /proc, because RLIMIT_AS
breaks pango). A worker past a limit is killed and replaced; only its brief fails.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from briefgen.errors import RenderError
from briefgen.render import Pdf, render_pdf

POLL_SECONDS = 0.05
# WeasyPrint's caches grow a little with every document: a worker is replaced after
# this many briefs, so memory stays flat on large builds (one re-import per 100 briefs).
JOBS_PER_WORKER = 100


@dataclass(frozen=True)
class Job:
    key: str
    html: str


@dataclass(frozen=True)
class Outcome:
    key: str
    pdf: Pdf | None = None
    error: RenderError | None = None


def _serve(connection: Connection) -> None:
    """A worker's loop: import WeasyPrint once, then render until told to stop."""
    import weasyprint  # noqa: F401 — paid once per worker, not once per brief

    # Outputs carry no clock time: dates come from content. Should font subsetting fall
    # back to fontTools (no libharfbuzz-subset), it stamps this instead of "now".
    os.environ.setdefault("SOURCE_DATE_EPOCH", "946684800")

    while True:
        message = connection.recv()
        if message is None:
            return
        key, html = message
        try:
            pdf = render_pdf(html)
            connection.send(("ok", key, pdf.data, pdf.pages))
        except RenderError as exc:
            connection.send(("error", key, exc.code, exc.message))
        except Exception:  # a bug, not bad content: the parent re-raises it
            connection.send(("bug", key, traceback.format_exc(), None))


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class _Worker:
    def __init__(self, context: multiprocessing.context.BaseContext) -> None:
        parent, child = context.Pipe()
        self.connection = parent
        self.process: BaseProcess = context.Process(target=_serve, args=(child,), daemon=True)  # type: ignore[attr-defined]
        self.process.start()
        child.close()
        self.job: Job | None = None
        self.started = 0.0
        self.served = 0

    def give(self, job: Job) -> None:
        self.job, self.started = job, time.monotonic()
        self.served += 1
        self.connection.send((job.key, job.html))

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.connection.close()


class WorkerPool:
    """N worker processes rendering PDFs, with time and memory limits per brief.

    ``start`` may be called early, so that workers import WeasyPrint on the other core
    while the parent is still checking content; ``close`` stops them.
    """

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self.context = multiprocessing.get_context("fork")
        self.workers: list[_Worker] = []
        self.seconds = 0.0
        self.memory_bytes = 0

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def start(self, count: int | None = None) -> None:
        wanted = min(self.size, count if count is not None else self.size)
        while len(self.workers) < wanted:
            self.workers.append(_Worker(self.context))

    def close(self) -> None:
        # Idle workers hold no state: ending them now beats waiting for an import.
        for worker in self.workers:
            worker.kill()
        self.workers = []

    def run(
        self,
        jobs: Iterable[Job],
        done: Callable[[Outcome], None],
        *,
        seconds: float,
        memory_bytes: int,
    ) -> None:
        """Render every job; ``done`` is called as each one finishes or fails."""
        self.seconds, self.memory_bytes = seconds, memory_bytes
        # Jobs are pulled lazily, so only the documents being rendered are in memory.
        queue = iter(jobs)
        upcoming = next(queue, None)
        if upcoming is None:
            return
        self.start()
        workers = self.workers
        while upcoming is not None or any(w.job for w in workers):
            for worker in workers:
                if worker.job is None and upcoming is not None:
                    worker.give(upcoming)
                    upcoming = next(queue, None)
            busy = [w for w in workers if w.job]
            ready = wait([w.connection for w in busy], timeout=POLL_SECONDS)
            for index, worker in enumerate(workers):
                if worker.job is None:
                    continue
                if worker.connection in ready:
                    done(self._receive(worker))
                    if worker.served >= JOBS_PER_WORKER:
                        worker.kill()
                        workers[index] = _Worker(self.context)
                elif (failure := self._over_limit(worker)) is not None:
                    job = worker.job
                    worker.kill()
                    workers[index] = _Worker(self.context)
                    done(Outcome(job.key, error=failure))

    def _receive(self, worker: _Worker) -> Outcome:
        job = worker.job
        assert job is not None
        worker.job = None
        try:
            kind, key, first, second = worker.connection.recv()
        except EOFError:
            return Outcome(job.key, error=RenderError("render.crashed", "the renderer died"))
        if kind == "bug":
            raise RuntimeError(f"internal error while rendering {key}:\n{first}")
        if kind == "error":
            return Outcome(key, error=RenderError(first, second))
        return Outcome(key, pdf=Pdf(first, second))

    def _over_limit(self, worker: _Worker) -> RenderError | None:
        elapsed = time.monotonic() - worker.started
        if elapsed > self.seconds:
            return RenderError(
                "render.timeout", f"rendering took longer than {self.seconds:g} s and was stopped"
            )
        pid = worker.process.pid
        if pid is not None and _rss_bytes(pid) > self.memory_bytes:
            return RenderError(
                "render.memory",
                f"rendering used more than {self.memory_bytes // 2**20} MiB and was stopped",
            )
        if not worker.process.is_alive():
            return RenderError("render.crashed", "the renderer died")
        return None
