"""The files of the cache folder, written and pruned the project writer's way
(``render/cache.py`` decides what the PDF entries hold and names them by key;
``text/csl`` what the formatted citations hold, kept here by ``CitationStore``)."""

from __future__ import annotations

import os
import secrets
import shutil
import stat
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

from briefgen.write.confined import create_file
from briefgen.write.fonts import FONTS_DIR, TEMPORARY

CACHE_DIR = ".briefgen-cache"  # the project's cache folder

# Formatted citations, one file per state of a project's sources and style
# (text/csl/stored.py): kept by the PDF cache's pruning, pruned to the newest few here.
CITATIONS_SUFFIX = ".citations.json"
CITATIONS_KEPT = 4
CITATIONS_MAX_BYTES = 8 * 2**20


def put_files(directory: Path, files: Sequence[tuple[str, bytes]]) -> None:
    """Write each (name, bytes) into ``directory`` (made if missing, never a link): made
    beside its name with ``O_EXCL | O_NOFOLLOW``, then renamed in."""
    if directory.is_symlink():
        raise OSError(f"refusing to write through symlink {directory}")
    directory.mkdir(exist_ok=True)
    folder = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        for target, payload in files:
            temporary = f"{TEMPORARY}{secrets.token_hex(8)}"
            try:  # the project writer's way: O_EXCL | O_NOFOLLOW, then a rename
                create_file(folder, temporary, payload, 0o644)
                os.replace(temporary, target, src_dir_fd=folder, dst_dir_fd=folder)
            except OSError as exc:  # a full disk: no half-written temporary is left
                with suppress(FileNotFoundError):
                    os.unlink(temporary, dir_fd=folder)
                raise OSError(exc.errno, exc.strerror, str(directory / target)) from exc
    finally:
        os.close(folder)


def keep_only(directory: Path, stems: set[str]) -> None:
    """Remove every entry of ``directory`` whose name without suffix is not in ``stems``,
    except the private font configuration (write/fonts.py)."""
    if not directory.is_dir():
        return
    for path in sorted(directory.iterdir()):
        if path.name == FONTS_DIR and not path.is_symlink():
            continue  # the private font configuration (write/fonts.py)
        if path.name.endswith(CITATIONS_SUFFIX):
            continue  # formatted citations: CitationStore keeps the newest few
        if path.stem not in stems:
            path.unlink() if path.is_file() or path.is_symlink() else shutil.rmtree(path)


def read_small(directory: Path, name: str, limit: int) -> bytes | None:
    """The bytes of the regular file ``directory/name`` if it has at most ``limit``;
    None if it is missing, larger, not a regular file, or either is a link."""
    try:
        folder = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=folder)
    except OSError:
        return None
    finally:
        os.close(folder)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with os.fdopen(os.dup(fd), "rb") as file:
            data = file.read(limit + 1)
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


class CitationStore:
    """Formatted citations in the cache folder, by key (see ``text/csl/stored.py``).

    Best effort: an entry that cannot be read is absent, one that cannot be written (a
    read-only project, a full disk, a link where the folder should be) is not kept.
    """

    def __init__(self, directory: Path, *, keep: bool = True) -> None:
        self.directory = directory
        self.keep = keep  # False: read what is there, write nothing

    def get(self, key: str) -> bytes | None:
        return read_small(self.directory, f"{key}{CITATIONS_SUFFIX}", CITATIONS_MAX_BYTES)

    def put(self, key: str, data: bytes) -> None:
        if not self.keep or len(data) > CITATIONS_MAX_BYTES:
            return
        with suppress(OSError):
            put_files(self.directory, [(f"{key}{CITATIONS_SUFFIX}", data)])
            self._prune(f"{key}{CITATIONS_SUFFIX}")

    def _prune(self, newest: str) -> None:
        """Keep the ``CITATIONS_KEPT`` most recently written entries (``newest`` among them)."""
        entries = []
        for path in self.directory.iterdir():
            if path.name.endswith(CITATIONS_SUFFIX) and path.name != newest:
                info = path.lstat()
                if stat.S_ISREG(info.st_mode):
                    entries.append((info.st_mtime_ns, path.name, path))
        for *_, path in sorted(entries, reverse=True)[CITATIONS_KEPT - 1 :]:
            path.unlink()
