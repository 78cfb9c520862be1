"""Stage 5 — write: stage every artifact, then swap the whole output in at once.

``output/`` holds either the complete previous build or the complete new one: files
are written into a staging directory beside it, which replaces ``output/`` with an
atomic ``renameat2(RENAME_EXCHANGE)`` (or two renames where that is unavailable).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from pathlib import Path

RENAME_EXCHANGE = 2
AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False where the kernel or libc can't."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    return bool(result == 0)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Stage:
    """A staging directory next to ``output``; ``commit`` swaps it into place."""

    def __init__(self, output: Path, *, keep_existing: bool) -> None:
        if output.is_symlink():
            raise OSError(f"refusing to write through symlink {output}")
        self.output = output
        output.parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=".briefgen-stage-", dir=output.parent))
        if keep_existing and output.is_dir():
            # A partial build (--brief/--format) keeps the other briefs' files.
            shutil.copytree(output, self.path, dirs_exist_ok=True, symlinks=True)

    def write(self, name: str, data: bytes) -> Path:
        """Write one file into the stage; never through a link, never outside it."""
        if "/" in name or name in ("", ".", ".."):
            raise ValueError(f"not a plain file name: {name!r}")
        target = self.path / name
        if target.is_symlink() or target.exists():
            target.unlink()  # a copied-in file or link is replaced, never written through
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        with os.fdopen(os.open(target, flags, 0o644), "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        return target

    def commit(self) -> None:
        """Swap the staged build in; the previous build is removed afterwards."""
        os.chmod(self.path, 0o755)
        _fsync_dir(self.path)
        if self.output.exists() and _exchange(self.path, self.output):
            shutil.rmtree(self.path)
        else:
            old = self.output.with_name(f".briefgen-old-{os.getpid()}")
            if self.output.exists():
                os.rename(self.output, old)
            os.rename(self.path, self.output)
            shutil.rmtree(old, ignore_errors=True)
        _fsync_dir(self.output.parent)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
