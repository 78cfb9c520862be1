"""One build at a time per project: an advisory ``flock`` on ``.briefgen-lock``.

The lock belongs to an open file, so the kernel releases it when the build's process
ends however it ends (even by SIGKILL); nothing stale is ever left to clean up. Worker
processes forked during a build close their inherited copy, so a worker can never hold
the lock on its own.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

LOCK_FILE = ".briefgen-lock"

_held: set[int] = set()  # descriptors of locks this process holds


def _close_in_child() -> None:
    # Closing (not unlocking) a forked copy leaves the parent's lock in place.
    for fd in _held:
        with suppress(OSError):
            os.close(fd)
    _held.clear()


os.register_at_fork(after_in_child=_close_in_child)


class Busy(Exception):
    """Another build holds the lock and the caller chose not to wait."""


@contextmanager
def project_lock(root: Path, *, wait: bool, waiting: Callable[[], None]) -> Iterator[None]:
    """Hold the project's lock; ``waiting`` is called once if another build holds it."""
    try:
        fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
    except OSError:
        # No project directory, or one that can't be written: no build can succeed
        # there, and the build reports why (settings.missing, output.read-only).
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise Busy from None
            waiting()
            fcntl.flock(fd, fcntl.LOCK_EX)
        _held.add(fd)
        yield
    finally:
        _held.discard(fd)
        os.close(fd)  # releases the lock
