"""Stage 5 — write: stage every artifact, then swap the whole output in at once.

``output/`` holds either the complete previous build or the complete new one: files
are written into a staging directory beside it (each made by the project writer's
``create_file``: ``O_EXCL | O_NOFOLLOW``, synced), which replaces ``output/`` with an
atomic ``renameat2(RENAME_EXCHANGE)`` (or two renames where that is unavailable).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import tempfile
from pathlib import Path

from briefgen.write.confined import create_file

RENAME_EXCHANGE = 2
AT_FDCWD = -100
STAGE_PREFIX = ".briefgen-stage-"
OLD_PREFIX = ".briefgen-old-"
# Errors a user can fix (space, permissions, mounts): reported as located diagnostics.
WRITE_ERRORS = frozenset(
    {
        errno.ENOSPC,
        errno.EDQUOT,
        errno.EFBIG,
        errno.EROFS,
        errno.EACCES,
        errno.EPERM,
        errno.EBUSY,
        errno.ENOTDIR,
        errno.EISDIR,
        errno.ELOOP,  # a link planted where the build writes (e.g. in .briefgen-cache)
    }
)
_UNSUPPORTED = frozenset({errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP})


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False where the kernel, libc or filesystem can't.

    Any other failure (a mount point is EBUSY) is raised: a fallback rename would
    fail the same way, or half-way.
    """
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(b))


def _is_mount_point(path: Path) -> bool:
    """Also true for a bind mount within one filesystem, which ``ismount`` misses."""
    if os.path.ismount(path):
        return True
    try:
        table = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    # Field 5 is the mount point, with space, tab, newline and backslash octal-escaped.
    points = {line.split()[4] for line in table.splitlines() if len(line.split()) > 4}
    escaped = str(path.resolve())
    for char in "\\ \t\n":
        escaped = escaped.replace(char, f"\\{ord(char):03o}")
    return escaped in points


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK | os.X_OK, effective_ids=True)


def output_problems(output: Path) -> list[tuple[Path, str, str]]:
    """Why a build could not replace ``output``, found before any work is done:
    (path, code, message) for each. A symlinked output is refused elsewhere."""
    problems = []
    if output.parent.is_dir() and not _writable(output.parent):
        problems.append(
            (
                output.parent,
                "output.read-only",
                "the project directory is not writable, so no build can be staged in it",
            )
        )
    if output.is_symlink() or not output.exists():
        return problems
    if not output.is_dir():
        message = "is not a directory; briefgen writes the built briefs there (move it away)"
        return [*problems, (output, "output.not-a-directory", message)]
    if _is_mount_point(output):
        message = (
            "is a mount point, which a build cannot replace as a whole "
            "(mount the project directory instead)"
        )
        return [*problems, (output, "output.mount-point", message)]
    directories = [output, *sorted(p for p in output.rglob("*") if p.is_dir())]
    for directory in directories:
        if not directory.is_symlink() and not _writable(directory):
            name = directory.relative_to(output.parent).as_posix()
            message = (
                "is not writable, so a build cannot replace the files in it "
                f"(make it writable, e.g. chmod u+w {name})"
            )
            problems.append((directory, "output.read-only", message))
    return problems


def sweep(root: Path) -> None:
    """Remove what a killed build left beside output/ (call with the project lock held)."""
    for prefix in (STAGE_PREFIX, OLD_PREFIX):
        for path in sorted(root.glob(f"{prefix}*")):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _CopyFailed(Exception):
    """A copy into the stage failed: stop at once (copytree would go on and gather
    every failure into one ``shutil.Error``, losing the errno)."""

    def __init__(self, error: OSError, target: str) -> None:
        super().__init__(str(error))
        self.error, self.target = error, target


def _copy(source: str, target: str) -> str:
    try:
        return str(shutil.copy2(source, target))
    except OSError as exc:
        raise _CopyFailed(exc, target) from exc


class Stage:
    """A staging directory next to ``output``; ``commit`` swaps it into place."""

    def __init__(self, output: Path, *, keep_existing: bool) -> None:
        if output.is_symlink():
            raise OSError(f"refusing to write through symlink {output}")
        self.output = output
        try:
            self.path = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=output.parent))
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(output.parent)) from exc
        if keep_existing and output.is_dir():
            # A partial build (--brief/--format) keeps the other briefs' files.
            try:
                shutil.copytree(
                    output, self.path, dirs_exist_ok=True, symlinks=True, copy_function=_copy
                )
            except _CopyFailed as failed:  # a full disk: named, and nothing left behind
                self.discard()
                error = failed.error
                name = Path(failed.target).relative_to(self.path)
                raise OSError(error.errno, error.strerror, str(output / name)) from error
            except BaseException:
                self.discard()
                raise

    def write(self, name: str, data: bytes) -> Path:
        """Write one file into the stage; never through a link, never outside it."""
        parts = name.split("/")
        if len(parts) > 2 or any(part in ("", ".", "..") for part in parts):
            raise ValueError(f"not a plain file name: {name!r}")
        directory = self.path
        if len(parts) == 2:  # one level of folder, e.g. annex/<id>.pdf
            directory = self.path / parts[0]
            if directory.is_symlink() or (directory.exists() and not directory.is_dir()):
                directory.unlink()  # a copied-in link or file is replaced, never followed
            directory.mkdir(exist_ok=True)
        target = directory / parts[-1]
        if target.is_symlink() or target.exists():
            target.unlink()  # a copied-in file or link is replaced, never written through
        try:
            folder = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
            try:
                create_file(folder, parts[-1], data, 0o644)  # the one writer's way
            finally:
                os.close(folder)
        except OSError as exc:  # named as the user will know it: output/<name>
            raise OSError(exc.errno, exc.strerror, str(self.output / name)) from exc
        return target

    def commit(self) -> None:
        """Swap the staged build in; the previous build is removed afterwards.

        Until the swap, any failure leaves output/ as it was. After it, the new build
        is in place: a previous build that can't be removed is left for the next
        build's ``sweep``, never reported as a failed build.
        """
        os.chmod(self.path, 0o755)
        _fsync_dir(self.path)
        if self.output.exists() and _exchange(self.path, self.output):
            shutil.rmtree(self.path, ignore_errors=True)
        else:
            old = self.output.with_name(f"{OLD_PREFIX}{os.getpid()}")
            had_output = self.output.exists()
            if had_output:
                os.rename(self.output, old)
            try:
                os.rename(self.path, self.output)
            except OSError:
                if had_output:
                    os.rename(old, self.output)
                raise
            shutil.rmtree(old, ignore_errors=True)
        _fsync_dir(self.output.parent)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
