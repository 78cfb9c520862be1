"""Time limits for work done in the main process (Markdown conversion), and child
processes that die with their parent."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

PR_SET_PDEATHSIG = 1


def die_with(parent: int) -> None:
    """Have the kernel kill this process when ``parent`` dies, even by SIGKILL."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is not None:
        ctypes.CDLL(libc_name, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before prctl took effect
        os._exit(1)


class TimeLimitExceeded(Exception):
    """Raised inside the limited block when its time is up."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (main thread only; elsewhere no limit).

    Python-Markdown is pure Python, so a signal can stop it even inside a pathological
    regular-expression scan such as thousands of unclosed '['.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise TimeLimitExceeded

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def outside_time_limit() -> Iterator[None]:
    """Stop the clock of an enclosing ``time_limit`` for the block, then restart it.

    For work with a budget of its own that must not count against the enclosing one,
    and must not be interrupted by it: a signal raised while the citation processor's
    reply is awaited would leave that reply unread, to be taken as the next call's.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    remaining, _interval = signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        yield
    finally:
        if remaining > 0:
            signal.setitimer(signal.ITIMER_REAL, remaining)
