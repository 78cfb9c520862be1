"""Time limits for work done in the main process (Markdown conversion), counted in
processor time, and child processes that die with their parent."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

PR_SET_PDEATHSIG = 1
# The address-space limit the process started with (``ulimit -v``), before any
# temporary one (render/sandbox.py's ``memory_limit`` around a template).
ADDRESS_SPACE_AT_START = resource.getrlimit(resource.RLIMIT_AS)[0]


def die_with(parent: int) -> None:
    """Have the kernel kill this process when ``parent`` dies, even by SIGKILL."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is not None:
        ctypes.CDLL(libc_name, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before prctl took effect
        os._exit(1)


def process_cpu_seconds(pid: int) -> float:
    """The processor time (user and system, all threads) process ``pid`` has used, from
    ``/proc`` (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def restore_address_space() -> None:
    """In a child forked from the parent: lift a temporary address-space limit the parent
    held at the fork (a template being rendered in another thread), back to the one
    the process started with, so it never starves the child."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = ADDRESS_SPACE_AT_START
    if hard != resource.RLIM_INFINITY and (wanted == resource.RLIM_INFINITY or wanted > hard):
        wanted = hard
    if wanted != soft:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


class TimeLimitExceeded(Exception):
    """Raised inside the limited block when its time is up."""


# A limit bounds the work content can cause, so it counts processor time (user and
# system, ``ITIMER_PROF``), not the clock: on a loaded machine (a CI runner, two test
# suites at once) a process may wait for a core for far longer than it computes, and
# the clock would fail sound content. The clock still bounds a block that waits
# without computing (a blocking call, a stopped process): one that has used no
# processor time for this long is stopped too. A starved block always makes some
# progress, so only its processor time can stop it.
WALL_FACTOR = 10
WALL_EXTRA_SECONDS = 60.0
PROGRESS_SECONDS = 0.005  # processor time that counts as progress since the last look


def wall_guard(seconds: float) -> float:
    """How long by the clock a block limited to ``seconds`` of processor time may go
    without using any."""
    return seconds * WALL_FACTOR + WALL_EXTRA_SECONDS


_TIMERS = (signal.ITIMER_PROF, signal.ITIMER_REAL)
_SIGNALS = (signal.SIGPROF, signal.SIGALRM)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` of processor time, or once it has used
    none for ``wall_guard(seconds)`` by the clock (main thread only; elsewhere no limit).

    Python-Markdown is pure Python, so a signal can stop it even inside a pathological
    regular-expression scan such as thousands of unclosed '['.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: FrameType | None) -> None:
        for timer in _TIMERS:  # one exception, never a second from the other timer
            signal.setitimer(timer, 0)
        raise TimeLimitExceeded

    guard = wall_guard(seconds)
    progress = [time.process_time()]

    def look(signum: int, frame: FrameType | None) -> None:
        now = time.process_time()
        if now - progress[0] >= PROGRESS_SECONDS:  # starved, not stuck: look again later
            progress[0] = now
            signal.setitimer(signal.ITIMER_REAL, guard)
            return
        expire(signum, frame)

    previous = [signal.signal(signal.SIGPROF, expire), signal.signal(signal.SIGALRM, look)]
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.setitimer(signal.ITIMER_REAL, guard)
    try:
        yield
    finally:
        for timer in _TIMERS:
            signal.setitimer(timer, 0)
        for number, handler in zip(_SIGNALS, previous, strict=True):
            signal.signal(number, handler)


@contextmanager
def outside_time_limit() -> Iterator[None]:
    """Stop the clocks of an enclosing ``time_limit`` for the block, then restart them.

    For work with a budget of its own that must not count against the enclosing one,
    and must not be interrupted by it: a signal raised while the citation processor's
    reply is awaited would leave that reply unread, to be taken as the next call's.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    remaining = [signal.setitimer(timer, 0)[0] for timer in _TIMERS]
    try:
        yield
    finally:
        for timer, left in zip(_TIMERS, remaining, strict=True):
            if left > 0:
                signal.setitimer(timer, left)
