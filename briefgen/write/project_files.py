"""The one writer of files a user owns (briefgen.toml, content/): all of them or none.

Each new text is staged as a temporary sibling of its file and synced; a journal in the
project root then names every staged file and its target, each is renamed into place,
and the journal is removed. A failure before the journal is written leaves every file
as it was. A crash between two renames leaves the journal behind: the next command that
writes project files (under the project lock) finishes those renames first, so no
half-changed project ever needs a repair by hand.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from briefgen.load.readers import linked_part

JOURNAL = ".briefgen-journal.json"


def write_project_files(
    root: Path, texts: Mapping[Path, str | bytes], *, new: bool = False
) -> list[Path]:
    """Write every file of ``texts`` (paths inside ``root``; text as UTF-8, bytes as
    they are); the paths written. With ``new``, every path must not exist yet
    (FileExistsError, nothing written): a new file is never put over another. Callers
    hold the project lock, so no other briefgen command makes one in between."""
    staged: list[tuple[Path, Path]] = []
    journal = root / JOURNAL
    for path in texts:
        _relative(root, path)  # inside the project, or a bug
        link = linked_part(path, root)
        if link is not None:  # made a link since it was read: never write through one
            raise PermissionError(f"{link} is a symbolic link; nothing was written")
        if new and os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, "exists; nothing was written", str(path))
    umask = os.umask(0)
    os.umask(umask)
    try:
        for path, text in sorted(texts.items()):
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            staged.append((path.parent / Path(name).name, path))  # relative, as ``path`` is
            data = text.encode("utf-8") if isinstance(text, str) else text
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            if new:
                os.chmod(name, 0o666 & ~umask)  # as open() would have made it
            else:
                shutil.copymode(path, name)
        entries = [[_relative(root, t), _relative(root, p)] for t, p in staged]
        _write_synced(journal, json.dumps(entries, ensure_ascii=False))
        for temporary, path in staged:
            os.replace(temporary, path)
        for folder in sorted({path.parent for _, path in staged}):
            _fsync_dir(folder)
        journal.unlink()
        _fsync_dir(root)
    finally:
        if not journal.exists():  # before the journal (or after it): nothing half done
            for temporary, _ in staged:
                temporary.unlink(missing_ok=True)
    return [path for _, path in staged]


def interrupted(root: Path) -> Path | None:
    """The journal of a write that a crash interrupted, if one is left."""
    journal = root / JOURNAL
    return journal if journal.is_file() and not journal.is_symlink() else None


def finish_interrupted(root: Path) -> list[Path]:
    """Complete the renames a crashed write left in its journal; the files finished."""
    journal = interrupted(root)
    if journal is None:
        return []
    entries = json.loads(journal.read_text(encoding="utf-8"))
    finished = []
    for temporary, target in entries:
        staged, path = root / _inside(temporary), root / _inside(target)
        if staged.is_file() and not staged.is_symlink():
            os.replace(staged, path)
            finished.append(path)
    journal.unlink()
    _fsync_dir(root)
    return finished


def _relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _inside(name: str) -> str:
    """A journal entry: a relative path without '..' (it names a file of the project)."""
    parts = PurePosixPath(name).parts
    if not parts or name.startswith("/") or ".." in parts:
        raise ValueError(f"{JOURNAL} names a path outside the project: {name!r}")
    return name


def _write_synced(path: Path, text: str) -> None:
    fd, name = tempfile.mkstemp(prefix=f"{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.replace(name, path)
    _fsync_dir(path.parent)


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
