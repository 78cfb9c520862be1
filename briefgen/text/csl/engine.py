"""citeproc-js, the CSL processor, run in an embedded V8 (mini-racer) in a child process.

The JavaScript engine has no filesystem, network or process access: it sees only the
processor's source, one style, one locale and the items we hand it, as JSON strings.
It runs under a V8 heap limit and a budget of processor time (the child's, polled from
``/proc``: a loaded machine's waits are not the style's cost; the clock is only a
generous guard, ``limits.wall_guard``), in a child process of its own, so that the
~200 MB it takes for the Chicago style is returned when it ends, no V8 thread lives in
the process that later forks the render workers, and a crash or hang costs the child,
not the build. A failure propagates as ``CitationEngineError``,
with the child's message and its ``kind``: the style's (a JavaScript error), its cost
(the heap limit or the time budget) or the process's (it could not start, or died).

This module is the parent's side; the child's (V8, the processor, its request loop) is
``child.py``. Why citeproc-js in V8 and not citeproc-py or QuickJS: docs/toolchain.md.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import signal
import tempfile
import time
import weakref
from collections.abc import Mapping, Sequence
from multiprocessing.connection import Connection
from typing import Any, Literal

from briefgen.limits import (
    ADDRESS_SPACE_AT_START,
    PROGRESS_SECONDS,
    outside_time_limit,
    process_cpu_seconds,
    wall_guard,
)
from briefgen.text.csl.child import serve

CALL_SECONDS = 60.0  # of the child's processor time: for start-up, and by default a build
# What the parent waits by the clock beyond V8's own guard for one reply.
GRACE_SECONDS = 30.0
POLL_SECONDS = 0.05

EngineFailure = Literal["style", "cost", "process", "bug"]


class CitationEngineError(RuntimeError):
    """citeproc-js failed. ``detail`` is the processor's message; ``kind`` says whose
    the failure is: the style's code ("style"), its cost in heap or time ("cost"), the
    processor's process, which could not start or ended ("process"), or briefgen's
    ("bug": a reply that is malformed, short, or to another request)."""

    def __init__(self, detail: str, kind: EngineFailure = "style") -> None:
        super().__init__(f"citeproc-js failed: {detail}")
        self.detail = detail
        self.kind: EngineFailure = kind


def _stop(process: Any, connection: Connection, log: Any) -> None:
    """End the child: ask, then kill one that does not go; close its log."""
    with contextlib.suppress(OSError):
        connection.send(None)
    process.join(5)
    if process.is_alive():
        process.kill()
        process.join()
    connection.close()
    log.close()


def _ended(exitcode: int | None, said: str = "") -> str:
    """How the processor's process ended, and the likely cause a user can change."""
    if exitcode is not None and exitcode < 0:
        how = f"its process was ended by signal {signal.Signals(-exitcode).name}"
    else:
        how = f"its process ended (exit code {exitcode})"
    if said:
        how += f" (it said: {said})"
    soft = ADDRESS_SPACE_AT_START  # the child's, whatever the parent holds for a moment
    if soft != resource.RLIM_INFINITY:
        how += (
            f"; briefgen may use only {soft // 2**20} MB of address space (`ulimit -v`), "
            "and the processor's JavaScript engine (V8) reserves far more than it uses "
            "(over 20 GB) when it starts: run briefgen without that limit "
            "(`ulimit -v unlimited`)"
        )
    return how


def _strings(value: object, what: str) -> list[str]:
    """``value`` as the list of HTML strings a call returns, or a located complaint."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CitationEngineError(f"malformed {what} from the processor: {value!r:.200}", "bug")
    return value


class Engine:
    """One citeproc-js processor for one style, in a child process; items per call."""

    started = 0  # processors this process has started (tests count them)

    def __init__(self, style_xml: str, seconds: float = CALL_SECONDS) -> None:
        """``seconds``: the processor time every call together may take (start-up
        apart: it may take ``CALL_SECONDS``)."""
        Engine.started += 1
        self._owner = os.getpid()
        self._budget = seconds
        # What the child says on stderr while it starts; lives until close().
        self._log = tempfile.TemporaryFile()  # noqa: SIM115
        self._started = False
        context = multiprocessing.get_context("fork")  # as the render workers
        self._connection, child = context.Pipe()
        self._process = context.Process(
            target=serve,
            args=(child, os.getpid(), self._connection, style_xml, self._log.fileno()),
            daemon=True,
        )
        self._process.start()
        child.close()
        self._stop = weakref.finalize(self, _stop, self._process, self._connection, self._log)
        self._number = 0  # of the last request sent
        # Why no further call can be answered, and whose failure that is.
        self._broken: tuple[str, EngineFailure] | None = None
        try:
            with outside_time_limit():
                self._reply()
            self._started = True
        except BaseException:
            self.close()
            raise

    def _reply(self, seconds: float = CALL_SECONDS) -> Any:
        """The reply to the last request, which may cost the child ``seconds`` of
        processor time, and may go ``wall_guard(seconds)`` and a grace by the clock
        without using any."""
        pid = self._process.pid
        assert pid is not None
        began = process_cpu_seconds(pid)
        wait = wall_guard(seconds) + GRACE_SECONDS
        seen, seen_at = began, time.monotonic()  # the child's processor time, last change
        while not self._connection.poll(POLL_SECONDS):  # a dead child reads as ready
            cpu, now = process_cpu_seconds(pid), time.monotonic()
            if cpu - began > seconds:
                self.close()
                raise CitationEngineError(
                    f"it was still running after {seconds:.3g} s of processor time", "cost"
                )
            if cpu - seen >= PROGRESS_SECONDS:
                seen, seen_at = cpu, now
            elif now - seen_at > wait:
                self.close()
                raise CitationEngineError(
                    f"it made no progress for {wait:.0f} s by the clock, though it had not "
                    f"used its {seconds:.3g} s of processor time: it was waiting, not "
                    "computing, or was stopped; build again",
                    "cost",
                )
        try:
            reply = self._connection.recv()
        except (EOFError, OSError):  # it died: a crash, or killed from outside
            self._process.join(5)
            said = ""
            if not self._started:
                self._log.seek(0)
                lines = self._log.read(4000).decode("utf-8", "replace").strip().splitlines()
                said = lines[0][:200].strip() if lines else ""
            raise CitationEngineError(_ended(self._process.exitcode, said), "process") from None
        if not (isinstance(reply, tuple) and len(reply) == 3):
            raise CitationEngineError(f"malformed reply from the processor: {reply!r:.200}", "bug")
        number, status, value = reply
        if number != self._number:
            raise CitationEngineError(
                f"the processor answered request {number} when request {self._number} was asked",
                "bug",
            )
        if status == "cost":
            raise CitationEngineError(str(value), "cost")
        if status != "ok":
            raise CitationEngineError(str(value))
        return value

    def _call(self, function: str, items: Mapping[str, Any], argument: object) -> Any:
        """One request and its reply, all or nothing.

        The wait is never interrupted by an enclosing time limit (it has its own: the
        child's processor time, and the clock's guard); if anything else interrupts it, the reply
        would be left unread for the next call to take as its own, so the processor is
        stopped and every later call fails, naming why.
        """
        if self._broken is not None:
            raise CitationEngineError(*self._broken)
        if self._budget <= 0:
            raise CitationEngineError("it used up its time", "cost")
        self._number += 1
        pid = self._process.pid
        assert pid is not None
        began = process_cpu_seconds(pid)
        try:
            with outside_time_limit():
                with contextlib.suppress(OSError):  # a dead child: the reply says how
                    # No V8 limit by the clock (see _Processor.eval): the parent's.
                    request = (self._number, None, function, dict(items), argument)
                    self._connection.send(request)
                return self._reply(self._budget)
        except CitationEngineError as exc:
            self._broken = (f"the processor failed earlier: {exc.detail}", exc.kind)
            raise
        except BaseException as exc:
            self._broken = (
                f"an earlier {function}() call was interrupted ({type(exc).__name__}) "
                "before its reply was read",
                "bug",
            )
            self.close()
            raise
        finally:
            self._budget -= max(0.0, process_cpu_seconds(pid) - began)

    def notes(
        self, items: Mapping[str, dict[str, Any]], cites: Sequence[tuple[str, str | None, str]]
    ) -> list[str]:
        """One HTML note per (item id, locator, label), each its own footnote, in order."""
        argument = [{"id": i, "locator": loc, "label": label} for i, loc, label in cites]
        notes = _strings(self._call("notes", items, argument), "notes")
        if len(notes) != len(argument):
            raise CitationEngineError(
                f"asked for {len(argument)} notes, the processor returned {len(notes)}", "bug"
            )
        return notes

    def bibliography(self, items: Mapping[str, dict[str, Any]], ids: Sequence[str]) -> list[str]:
        """The HTML entries for ``ids``, in the style's order (none for an item the
        style gives no entry)."""
        entries = _strings(self._call("bibliography", items, list(ids)), "bibliography")
        if len(entries) > len(set(ids)):
            raise CitationEngineError(
                f"asked for {len(set(ids))} bibliography entries, the processor "
                f"returned {len(entries)}",
                "bug",
            )
        return entries

    def renew(self, seconds: float) -> None:
        """A new time budget, for the next build that takes this processor."""
        self._budget = seconds

    @property
    def usable(self) -> bool:
        """Started, never failed nor interrupted, and its process still running."""
        return (
            self._owner == os.getpid()
            and self._started
            and self._broken is None
            and self._stop.alive
            and self._process.is_alive()
        )

    def close(self) -> None:
        """Stop the child process (idempotent)."""
        self._stop()
