"""Files and folders below a base, never reached through a link: the primitives of every
write briefgen makes (the project writer, the build's stage, the cache, serve's pages).

Each folder between the base and a file is opened with ``O_NOFOLLOW`` relative to the one
before, so a link anywhere on the way stops the write; every file is made with
``O_EXCL | O_NOFOLLOW`` (never an existing one, never through a link). Every ``OSError`` a
user can fix becomes a ``WriteError`` naming the path and what to do.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_NEW_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


# What a user can do about each error a write can meet.
HINTS = {
    errno.ENOSPC: "free some disk space, then run the command again",
    errno.EDQUOT: "free some space within your disk quota, then run the command again",
    errno.EFBIG: "free some disk space (or raise the file size limit), then run it again",
    errno.EROFS: "the file system is read-only: use a writable copy of the project",
    errno.EACCES: "make it and its folder writable (chmod u+w), then run the command again",
    errno.EPERM: "make it and its folder writable (chmod u+w; chattr -i if immutable)",
    errno.ENAMETOOLONG: "choose a shorter name",
    errno.ENOENT: "the folder does not exist: create it, or choose another",
    errno.ENOTDIR: "a part of this path is a file, not a folder: choose another path",
    errno.EISDIR: "a folder is where a file must go: move it away",
    errno.EEXIST: "a file is already there: move it away or choose another name",
    errno.ELOOP: "briefgen never writes through a symbolic link: remove the link",
    errno.EBUSY: "it is in use (a mount point?): choose another path",
    errno.EXDEV: "it is on another file system than its folder: choose another path",
}


class WriteError(Exception):
    """A write a user can fix failed; nothing was changed (or it was all put back)."""

    def __init__(self, path: Path, reason: str, hint: str, line: int = 0) -> None:
        super().__init__(f"{path}: {reason}; {hint}")
        self.path, self.reason, self.hint, self.line = path, reason, hint, line

    @property
    def message(self) -> str:
        return f"could not write: {self.reason}; {self.hint}; nothing was changed"


def write_error(exc: OSError, path: Path) -> WriteError:
    """``exc`` as a ``WriteError`` at ``path`` (or the path the error names)."""
    where = Path(exc.filename) if isinstance(exc.filename, str) and exc.filename else path
    if exc.errno == errno.ELOOP:
        return WriteError(where, "is a symbolic link", HINTS[errno.ELOOP])
    reason = exc.strerror or str(exc)
    return WriteError(where, reason, HINTS.get(exc.errno or 0, "fix it, then run it again"))


def path_parts(name: str) -> tuple[str, ...]:
    """A relative path without '.', '..' or empty parts (a file inside the base)."""
    path = PurePosixPath(name)
    parts = path.parts
    if not parts or path.is_absolute() or any(p in (".", "..") for p in parts):
        raise ValueError(f"not a path inside the project: {name!r}")
    return parts


@contextmanager
def base_folder(base: Path) -> Iterator[int]:
    """The base folder, open (a ``WriteError`` if it can't be)."""
    try:
        fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise write_error(exc, base) from exc
    try:
        yield fd
    finally:
        os.close(fd)


def open_folder(base_fd: int, parts: tuple[str, ...], shown: Path, *, make: bool = False) -> int:
    """The folder ``parts`` below ``base_fd``, each part opened without following a link
    (``make``: missing folders are created); a descriptor the caller closes."""
    fd = os.dup(base_fd)
    where = shown
    try:
        for part in parts:
            where = where / part
            try:
                child = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                if not make:
                    raise
                os.mkdir(part, 0o777, dir_fd=fd)
                child = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    _refuse_link(fd, part, where)
                raise
            os.close(fd)
            fd = child
    except OSError as exc:
        os.close(fd)
        raise OSError(exc.errno, exc.strerror, str(where)) from exc
    return fd


def _refuse_link(dir_fd: int, name: str, where: Path) -> None:
    found = None
    with suppress(OSError):
        found = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    if found is not None and stat.S_ISLNK(found.st_mode):
        raise OSError(errno.ELOOP, "is a symbolic link", str(where))


def create_file(
    dir_fd: int, name: str, data: bytes, mode: int = 0o666, *, exact: bool = False
) -> None:
    """A new file ``name`` in ``dir_fd`` (never an existing one, never through a link),
    written and synced; ``mode`` as the umask leaves it, or ``exact``."""
    fd = os.open(name, _NEW_FLAGS, mode, dir_fd=dir_fd)
    try:
        if exact:
            os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with suppress(OSError):
            os.unlink(name, dir_fd=dir_fd)
        raise
    os.close(fd)


def lstat(dir_fd: int, name: str) -> os.stat_result | None:
    """``name`` in ``dir_fd`` as it is (a link not followed); None if nothing is there."""
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None


def outside_base(destination: Path) -> tuple[Path, Path]:
    """For a folder outside the project that the user named (absolute, not resolved):
    its deepest existing ancestor (the base to write in) and the rest of the way.
    Raises ``WriteError`` if any part of it, from ``/``, is a link or not a folder."""
    base = Path(destination.anchor)
    parts = destination.parts[1:]
    for number, part in enumerate(parts):
        here = base / part
        try:
            found = os.lstat(here)
        except FileNotFoundError:
            return base, Path(*parts[number:])
        except OSError as exc:
            raise write_error(exc, here) from exc
        if stat.S_ISLNK(found.st_mode):
            raise write_error(OSError(errno.ELOOP, "is a symbolic link", str(here)), here)
        if not stat.S_ISDIR(found.st_mode):
            raise write_error(OSError(errno.ENOTDIR, "is not a folder", str(here)), here)
        base = here
    return base, Path()
