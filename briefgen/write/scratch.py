"""Private scratch folders outside the project: files briefgen shows but never publishes.

``briefgen serve`` renders its preview pages into one. The folder is made by ``mkdtemp``
(mode 0700, this user's alone) and every file in it is made the project writer's way:
in a folder opened without following a link, with ``O_EXCL | O_NOFOLLOW`` (``create_file``).
A page copied from an earlier preview is read without following a link either.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from pathlib import Path

from briefgen.write.confined import create_file, open_folder

_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class Scratch:
    """A scratch folder of numbered subfolders, removed by ``close``."""

    def __init__(self, prefix: str) -> None:
        self.path = Path(tempfile.mkdtemp(prefix=prefix))
        self._fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)

    def new_folder(self, name: str) -> Path:
        """A new, empty folder ``name`` in the scratch folder."""
        _plain(name)
        os.mkdir(name, 0o700, dir_fd=self._fd)
        return self.path / name

    def write(self, folder: Path, name: str, data: bytes) -> None:
        """A new file ``name`` in one of this scratch folder's folders."""
        with self._opened(folder) as fd:
            create_file(fd, _plain(name), data, 0o600)

    def read(self, folder: Path, name: str) -> bytes | None:
        """A regular file's bytes (never through a link); None if there is none."""
        with self._opened(folder) as fd:
            try:
                file = os.open(_plain(name), _READ, dir_fd=fd)
            except OSError:
                return None
        with os.fdopen(file, "rb") as handle:
            if not stat.S_ISREG(os.fstat(file).st_mode):
                return None
            return handle.read()

    def discard(self, folder: Path) -> None:
        """Remove one of its folders (``rmtree`` never follows a link inside it)."""
        with self._opened(folder):
            pass  # one of ours, reached without a link
        shutil.rmtree(_plain(folder.name), dir_fd=self._fd, ignore_errors=True)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        shutil.rmtree(self.path, ignore_errors=True)

    def _opened(self, folder: Path) -> _Folder:
        if folder.parent != self.path:
            raise ValueError(f"not a folder of {self.path}: {folder}")
        return _Folder(self._fd, _plain(folder.name))


class _Folder:
    def __init__(self, base_fd: int, name: str) -> None:
        self.base_fd, self.name = base_fd, name

    def __enter__(self) -> int:
        self.fd = open_folder(self.base_fd, (self.name,), Path(self.name))
        return self.fd

    def __exit__(self, *_exc: object) -> None:
        os.close(self.fd)


def _plain(name: str) -> str:
    """One file or folder name: no '/', '.', '..' or NUL."""
    if name in ("", ".", "..") or "/" in name or "\0" in name:
        raise OSError(errno.EINVAL, "not a plain name", name)
    return name
