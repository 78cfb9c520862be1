"""Render PDFs in long-lived worker processes that import WeasyPrint once.

The parent hands each worker one HTML document at a time and enforces a per-brief
time limit and a memory limit (resident memory polled from /proc, because RLIMIT_AS
breaks pango). A worker past a limit is killed and replaced; only its brief fails.
So does a worker whose renderer raises: that is its brief's error, never the build's.

The time limit counts the processor time the worker spends on its brief (polled from
/proc, and measured by the worker itself for the reply), not the clock, and not the
worker's import of WeasyPrint: on a loaded machine a worker may wait for a core far
longer than it renders, and the clock would fail sound briefs at random. A brief
over its time is refused even if its reply came in before the parent looked. The
clock bounds only a worker that uses no processor time for ``wall_guard`` seconds.

Workers die with the build however it ends: the kernel kills them when the parent
dies (``PR_SET_PDEATHSIG``), and each closes its copies of the parent's pipe ends, so
a worker also sees end-of-file once the parent is gone.

Each worker writes its temporary files (WeasyPrint copies every ``@font-face`` font
into a ``weasyprint-*`` folder, removed only by a finaliser a killed process never
runs) into a folder of its own that the parent removes when it ends the worker: a
build leaves nothing behind in the machine's temporary folder.

A process that builds again and again (``serve``, ``bench/``, the tests) passes
``warm_pool()`` to ``pipeline.build(pool=…)``: its workers stay warm between builds
while the project's font set stays the same, and stop when the process exits.
"""

from __future__ import annotations

import atexit
import dataclasses
import multiprocessing
import os
import signal
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import TypeVar

from briefgen.diagnostics import RenderError
from briefgen.limits import PROGRESS_SECONDS, die_with, process_cpu_seconds, wall_guard
from briefgen.render.html import Pdf, render_pdf
from briefgen.write.scratch import Scratch

POLL_SECONDS = 0.05
T = TypeVar("T")
# The configuration the process started with, restored for a job that names none.
MACHINE_FONTCONFIG = os.environ.get("FONTCONFIG_FILE")
# WeasyPrint's caches grow a little with every document: a worker is replaced after
# this many briefs, so memory stays flat on large builds (one re-import per 100 briefs).
JOBS_PER_WORKER = 100
# What a worker sends once WeasyPrint is imported, with its processor time so far: the
# first brief's time limit starts there, not when the brief was handed over.
READY = "ready"


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
    cpu_seconds: float = 0.0  # the processor time the worker spent on this brief

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


def _serve(
    connection: Connection, parent: int, parent_ends: list[Connection], scratch: str
) -> None:
    """A worker's loop: import WeasyPrint once, then render until told to stop."""
    die_with(parent)
    tempfile.tempdir = scratch  # the parent removes it with the worker
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

    try:
        connection.send((READY, time.process_time()))
    except OSError:  # the parent is gone
        return

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
        began = time.process_time()
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
        reply = dataclasses.replace(reply, cpu_seconds=time.process_time() - began)
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
        self.scratch = Scratch("briefgen-render-")  # its temporary files: removed with it
        self.process: BaseProcess = context.Process(  # type: ignore[attr-defined]
            target=_serve,
            args=(child, os.getpid(), parent_ends, str(self.scratch.path)),
            daemon=True,
        )
        self.process.start()
        child.close()
        self.job: Job | None = None
        self.started = 0.0  # by the clock, when the job was handed over
        # The worker's processor time when its job began; None until it is ready.
        self.cpu_began: float | None = None
        self.ready = False
        self.served = 0
        # The worker's processor time when last seen to change, and when that was.
        self.progress = (0.0, 0.0)

    def give(self, job: Job) -> None:
        self.job, self.started = job, time.monotonic()
        pid = self.process.pid
        self.progress = (-1.0, self.started)
        self.cpu_began = process_cpu_seconds(pid) if self.ready and pid is not None else None
        self.served += 1
        self.connection.send(job)

    def stalled(self) -> float:
        """Clock seconds since the worker last used processor time."""
        pid, now = self.process.pid, time.monotonic()
        cpu = process_cpu_seconds(pid) if pid is not None else 0.0
        if cpu - self.progress[0] >= PROGRESS_SECONDS:
            self.progress = (cpu, now)
        return now - self.progress[1]

    def cpu_used(self) -> float:
        """Processor time spent on the current job so far (0 while still importing)."""
        pid = self.process.pid
        if self.cpu_began is None or pid is None:
            return 0.0
        return max(0.0, process_cpu_seconds(pid) - self.cpu_began)

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.connection.close()
        self.scratch.close()


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
                        if reply is None:  # the worker finished importing WeasyPrint
                            continue
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

    def _receive(self, worker: _Worker) -> Reply | None:
        """The finished job's reply (a dead worker's is a crash), or None for the
        worker's word that it is ready: its job's processor time counts from there."""
        job = worker.job
        assert job is not None
        try:
            message = worker.connection.recv()
        except EOFError:
            worker.job = None
            return Reply(job.key, code="render.crashed", message=DIED, retire=True)
        if isinstance(message, tuple) and message[:1] == (READY,):
            worker.ready, worker.cpu_began = True, float(message[1])
            return None
        worker.job = None
        reply: Reply = message
        if reply.pdf is not None and reply.cpu_seconds > self.seconds:
            # It came in before the parent looked (the parent waited for a core): the
            # limit is the same whoever was slow to see it.
            timeout = self._timeout()
            return Reply(job.key, code=timeout.code, message=timeout.message)
        return reply

    def _timeout(self) -> RenderError:
        return RenderError(
            "render.timeout",
            f"rendering took more than {self.seconds:g} s of processor time and was stopped "
            "([limits] render_seconds)",
        )

    def _over_limit(self, worker: _Worker) -> RenderError | None:
        if worker.cpu_used() > self.seconds:
            return self._timeout()
        guard = wall_guard(self.seconds)
        if worker.stalled() > guard:
            return RenderError(
                "render.timeout",
                f"rendering made no progress for {guard:g} s by the clock, though it had not "
                f"used its {self.seconds:g} s of processor time ([limits] render_seconds): "
                "the renderer was waiting, not computing, or was stopped; build again",
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
