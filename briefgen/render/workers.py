"""Render PDFs in long-lived worker processes that import WeasyPrint once.

The parent hands each worker one HTML document at a time and enforces a per-brief
time limit and a memory limit (resident memory polled from /proc, because RLIMIT_AS
breaks pango). A worker past a limit is killed and replaced; only its brief fails.
So does a worker whose renderer raises: that is its brief's error, never the build's.

Workers die with the build however it ends: the kernel kills them when the parent
dies (``PR_SET_PDEATHSIG``), and each closes its copies of the parent's pipe ends, so
a worker also sees end-of-file once the parent is gone.

A process that builds again and again (``serve``, ``bench/``, the tests) passes
``warm_pool()`` to ``pipeline.build(pool=…)``: its workers stay warm between builds
while the project's font set stays the same, and stop when the process exits.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import signal
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import TypeVar

from briefgen.diagnostics import RenderError
from briefgen.limits import die_with
from briefgen.render.html import Pdf, render_pdf

POLL_SECONDS = 0.05
T = TypeVar("T")
# The configuration the process started with, restored for a job that names none.
MACHINE_FONTCONFIG = os.environ.get("FONTCONFIG_FILE")
# WeasyPrint's caches grow a little with every document: a worker is replaced after
# this many briefs, so memory stays flat on large builds (one re-import per 100 briefs).
JOBS_PER_WORKER = 100


@dataclass(frozen=True)
class Job:
    """One brief's HTML to lay out: what the parent sends a worker."""

    key: str
    html: str
    # The fontconfig file the renderer loads its fonts from (write/fonts.py): only the
    # project's fonts. Empty: the machine's configuration (tests of the renderer alone).
    fonts_conf: str = ""


@dataclass(frozen=True)
class Reply:
    """What a worker sends back: the PDF, or why its brief failed (picklable)."""

    key: str
    pdf: Pdf | None = None
    code: str = ""
    message: str = ""
    retire: bool = False  # the worker's state is suspect: replace it

    @property
    def error(self) -> RenderError | None:
        return None if self.pdf is not None else RenderError(self.code, self.message)


TOO_DEEP = (
    "the PDF renderer ran out of stack on this brief: its content is nested too deeply "
    "(lists, quotes or markup hundreds of levels deep)"
)


DIED = (
    "the PDF renderer process was killed while rendering this brief (by a signal, or by "
    "the system when memory ran short); build again, and if it recurs, free memory or "
    "lower [limits] render_memory_mb so briefgen stops the brief itself"
)


def _serve(connection: Connection, parent: int, parent_ends: list[Connection]) -> None:
    """A worker's loop: import WeasyPrint once, then render until told to stop."""
    die_with(parent)
    for end in parent_ends:  # otherwise a dead parent's pipes never read as closed
        end.close()
    # The parent handles Ctrl-C and SIGTERM and then ends its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with warnings.catch_warnings():
        # WeasyPrint checks the machine's fonts on import; briefgen never renders with
        # them (each job names its own fontconfig file), so a machine without is fine.
        warnings.filterwarnings("ignore", "No fonts configured|FontConfig cannot load")
        import weasyprint  # noqa: F401 — paid once per worker, not once per brief

    # Outputs carry no clock time: dates come from content. Should font subsetting fall
    # back to fontTools (no libharfbuzz-subset), it stamps this instead of "now".
    os.environ.setdefault("SOURCE_DATE_EPOCH", "946684800")

    while True:
        try:
            message = connection.recv()
        except EOFError:  # the parent is gone
            return
        if message is None:
            return
        job: Job = message
        # Read by fontconfig each time WeasyPrint sets up a document's fonts.
        if job.fonts_conf:
            os.environ["FONTCONFIG_FILE"] = job.fonts_conf
        else:
            os.environ.pop("FONTCONFIG_FILE", None)
            if MACHINE_FONTCONFIG is not None:
                os.environ["FONTCONFIG_FILE"] = MACHINE_FONTCONFIG
        try:
            reply = Reply(job.key, pdf=render_pdf(job.html))
        except RenderError as exc:
            reply = Reply(job.key, code=exc.code, message=exc.message)
        except RecursionError:
            reply = Reply(job.key, code="render.too-deep", message=TOO_DEEP, retire=True)
        except Exception as exc:  # a renderer bug fails its brief only
            traceback.print_exc(file=sys.stderr)  # the bug's traceback, for a report
            text = f"the PDF renderer failed on this brief ({type(exc).__name__}: {exc})"
            reply = Reply(job.key, code="render.failed", message=text, retire=True)
        try:
            connection.send(reply)
        except OSError:  # the parent is gone
            return
        if reply.retire:
            return  # its state is suspect: the parent starts a fresh worker


def _through(queue: Iterator[Job | T]) -> Generator[T, None, Job | None]:
    """Yield the items up to the next job; that job, or None at the end."""
    for item in queue:
        if isinstance(item, Job):
            return item
        yield item
    return None


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class _Worker:
    def __init__(
        self, context: multiprocessing.context.BaseContext, siblings: list[_Worker]
    ) -> None:
        parent, child = context.Pipe()
        self.connection = parent
        parent_ends = [parent, *(w.connection for w in siblings)]
        self.process: BaseProcess = context.Process(  # type: ignore[attr-defined]
            target=_serve, args=(child, os.getpid(), parent_ends), daemon=True
        )
        self.process.start()
        child.close()
        self.job: Job | None = None
        self.started = 0.0
        self.served = 0

    def give(self, job: Job) -> None:
        self.job, self.started = job, time.monotonic()
        self.served += 1
        self.connection.send(job)

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
        self.fonts: str | None = None  # the font set its workers lay out (use_fonts)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def start(self, count: int | None = None) -> None:
        wanted = min(self.size, count if count is not None else self.size)
        while len(self.workers) < wanted:
            self.workers.append(_Worker(self.context, self.workers))

    def close(self) -> None:
        # Idle workers hold no state: ending them now beats waiting for an import.
        for worker in self.workers:
            worker.kill()
        self.workers = []

    def use_fonts(self, digest: str) -> None:
        """Serve builds of the font set ``digest`` (``FontSet.digest``): workers that laid
        out another set are ended (fresh ones start with the next job), so no font state
        of an earlier project, or of a [fonts] since changed, outlives its build."""
        if self.fonts is not None and digest != self.fonts:
            self.close()
        self.fonts = digest

    def run(
        self,
        jobs: Iterable[Job],
        done: Callable[[Reply], None],
        *,
        seconds: float,
        memory_bytes: int,
        at_most: int | None = None,
    ) -> None:
        """Render every job; ``done`` is called as each one finishes or fails."""
        for reply in self.stream(jobs, seconds=seconds, memory_bytes=memory_bytes, at_most=at_most):
            done(reply)

    def stream(
        self,
        items: Iterable[Job | T],
        *,
        seconds: float,
        memory_bytes: int,
        at_most: int | None = None,
    ) -> Iterator[Reply | T]:
        """Render every job, yielding each one's reply as it finishes or fails; items that
        are not jobs (work the caller did without a worker) pass straight through, in order.

        Workers start with the first job, at most ``at_most`` of them (the number of
        briefs that may need a PDF): none when nothing needs rendering.
        """
        self.seconds, self.memory_bytes = seconds, memory_bytes
        # Jobs are pulled lazily, so only the documents being rendered are in memory.
        queue = iter(items)
        upcoming = yield from _through(queue)
        if upcoming is None:
            return
        self.start(at_most)
        workers = self.workers
        try:
            while upcoming is not None or any(w.job for w in workers):
                for index, worker in enumerate(workers):
                    if worker.job is None and upcoming is not None:
                        if not self._give(index, upcoming):
                            yield Reply(upcoming.key, code="render.crashed", message=DIED)
                        upcoming = yield from _through(queue)
                busy = [w for w in workers if w.job]
                ready = wait([w.connection for w in busy], timeout=POLL_SECONDS)
                for index, worker in enumerate(workers):
                    if worker.job is None:
                        continue
                    if worker.connection in ready:
                        reply = self._receive(worker)
                        if reply.retire or worker.served >= JOBS_PER_WORKER:
                            self._replace(index)
                        yield reply
                    elif (failure := self._over_limit(worker)) is not None:
                        job = worker.job
                        self._replace(index)
                        yield Reply(job.key, code=failure.code, message=failure.message)
        finally:  # the caller stopped early: a job still out would answer the next build
            for worker in [w for w in workers if w.job is not None]:
                worker.kill()
                workers.remove(worker)

    def _give(self, index: int, job: Job) -> bool:
        """Hand ``job`` to worker ``index``, replacing it if it died while idle (killed by
        a signal or the kernel's OOM killer); False if the fresh one dies too."""
        for _attempt in range(2):
            try:
                self.workers[index].give(job)
                return True
            except OSError:  # BrokenPipeError: nobody reads the other end
                self._replace(index)
        return False

    def _replace(self, index: int) -> None:
        self.workers[index].kill()
        others = self.workers[:index] + self.workers[index + 1 :]
        self.workers[index] = _Worker(self.context, others)

    def _receive(self, worker: _Worker) -> Reply:
        """The finished job's reply (a dead worker's is a crash)."""
        job = worker.job
        assert job is not None
        worker.job = None
        try:
            reply: Reply = worker.connection.recv()
        except EOFError:
            return Reply(job.key, code="render.crashed", message=DIED, retire=True)
        return reply

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
            return RenderError("render.crashed", DIED)
        return None


# The process's warm pool, by process id: a forked worker inherits the entry but never
# uses or closes it.
_WARM: dict[int, WorkerPool] = {}


def warm_pool(size: int | None = None) -> WorkerPool:
    """The pool for a process that builds again and again: pass it to ``pipeline.build``.

    One per process, made on the first call with ``size`` workers (default: one per
    CPU); its workers start with the first PDF to render and stay warm between builds
    of the same font set (a [fonts] change recycles them: ``use_fonts``); they stop
    when the process exits. One build at a time may use it.
    """
    pool = _WARM.get(os.getpid())
    if pool is None:
        pool = _WARM[os.getpid()] = WorkerPool(size or os.cpu_count() or 1)
        atexit.register(pool.close)
    return pool
