"""The journal of a multi-file change (``.briefgen-journal.json`` in the base): written
by the project writer before each state of a change, and read back, as project input, by
the recovery after a crash.

It names every temporary, backup and folder the change makes, and its state: ``prepare``
(nothing renamed yet: roll back) or ``commit`` (rename the rest). A journal may have come
with a project, so it is read without following a link or blocking, at most
``JOURNAL_MAX_BYTES``, and obeyed only if it is exactly what the writer writes: names the
writer makes, beside their targets, inside the base, reachable without a link.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from briefgen.write.confined import WriteError, create_file, open_folder, path_parts

JOURNAL = ".briefgen-journal.json"
_MADE = re.compile(r"\.briefgen-[0-9a-f]{8}-[0-9]+\.(new|old)")
# The largest journal read (or written): about 100,000 files in one change. A journal is
# project input, so a bigger one (or one nested past the few levels the writer uses) is
# refused before it is parsed.
JOURNAL_MAX_BYTES = 16 * 2**20


@dataclass
class JournalEntry:
    """One file of a change: where it goes, its staged text, the backup of what it replaces."""

    target: str  # relative to the base
    temporary: str
    backup: str | None  # a hard link to the file replaced, while the change is under way


def interrupted(base: Path) -> Path | None:
    """The journal of a write that a crash interrupted, if one is left."""
    journal = base / JOURNAL
    return journal if journal.is_file() and not journal.is_symlink() else None


def write_journal(
    base_fd: int, base: Path, state: str, entries: list[JournalEntry], folders: list[str]
) -> None:
    """Record the change in ``state`` (written beside, synced, renamed into place)."""
    record = {
        "state": state,
        "folders": folders,
        "files": [[e.target, e.temporary, e.backup] for e in entries],
    }
    data = json.dumps(record, ensure_ascii=False).encode("utf-8")
    if len(data) > JOURNAL_MAX_BYTES:  # one recovery could not read back: nothing written
        raise WriteError(
            base / JOURNAL,
            f"{len(entries)} files are too many for one change (its record would pass "
            f"{JOURNAL_MAX_BYTES // 2**20} MiB)",
            "change fewer files at once",
        )
    try:
        _write_record(base_fd, state, data)
    except OSError as exc:  # named as the user knows it: the folder written in
        raise OSError(exc.errno, exc.strerror, str(base)) from exc


def _write_record(base_fd: int, state: str, data: bytes) -> None:
    temporary = f"{JOURNAL}.{state}"
    with suppress(FileNotFoundError):
        os.unlink(temporary, dir_fd=base_fd)
    create_file(base_fd, temporary, data)
    os.replace(temporary, JOURNAL, src_dir_fd=base_fd, dst_dir_fd=base_fd)
    os.fsync(base_fd)


class NotAJournal(ValueError):
    """The journal is not one this writer wrote: why, and the line where that shows."""

    def __init__(self, why: str, line: int = 0) -> None:
        super().__init__(why)
        self.line = line


def read_journal(base_fd: int) -> tuple[str, list[str], list[JournalEntry]]:
    """The journal's state, folders and entries, read without following a link, without
    blocking (a FIFO), and refused unless it is exactly what ``write_files`` writes."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    fd = os.open(JOURNAL, flags, dir_fd=base_fd)
    try:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):
            raise NotAJournal("not a regular file")
        if found.st_size > JOURNAL_MAX_BYTES:
            raise NotAJournal(f"larger than {JOURNAL_MAX_BYTES // 2**20} MiB")
        data = os.read(fd, JOURNAL_MAX_BYTES + 1)
        while len(data) <= JOURNAL_MAX_BYTES and (more := os.read(fd, 2**20)):
            data += more  # it grew meanwhile: read up to the limit, no further
        if len(data) > JOURNAL_MAX_BYTES:
            raise NotAJournal(f"larger than {JOURNAL_MAX_BYTES // 2**20} MiB")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotAJournal("a symbolic link") from exc
        raise
    finally:
        os.close(fd)
    try:
        record = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise NotAJournal("not UTF-8 text") from exc
    except RecursionError as exc:  # the writer nests three levels
        raise NotAJournal("nested too deeply") from exc
    except json.JSONDecodeError as exc:
        raise NotAJournal(f"not JSON: {exc.msg}", exc.lineno) from exc
    except ValueError as exc:  # e.g. a number of more than 4300 digits
        raise NotAJournal(f"not JSON: {exc}") from exc
    return _parse_journal(record)


def _name_in_journal(value: object) -> str:
    """A path the journal names: text a file name can hold, inside the base."""
    if not isinstance(value, str):
        raise NotAJournal(f"{type(value).__name__} where a file name should be")
    try:
        encoded = os.fsencode(value)
    except UnicodeEncodeError as exc:
        raise NotAJournal(f"{value!r} is not a file name") from exc
    if b"\0" in encoded:
        raise NotAJournal(f"{value!r} is not a file name")
    try:
        path_parts(value)
    except ValueError as exc:
        raise NotAJournal(str(exc)) from exc
    return value


def _parse_journal(record: object) -> tuple[str, list[str], list[JournalEntry]]:
    legacy = isinstance(record, list)
    if legacy:  # briefgen 0.2's journal: staged → target pairs, all renamed
        assert isinstance(record, list)
        if not all(isinstance(pair, list) and len(pair) == 2 for pair in record):
            raise NotAJournal("not a list of [staged, target] pairs")
        record = {"state": "commit", "folders": [], "files": [[t, s, None] for s, t in record]}
    if not isinstance(record, dict) or set(record) != {"state", "folders", "files"}:
        raise NotAJournal("not a record of state, folders and files")
    state, folders, files = record["state"], record["folders"], record["files"]
    if state not in ("prepare", "commit"):
        raise NotAJournal(f"unknown state {state!r}")
    if not isinstance(folders, list) or not isinstance(files, list):
        raise NotAJournal("folders and files are not lists")
    entries = []
    for item in files:
        if not isinstance(item, list) or len(item) != 3:
            raise NotAJournal("a file is not a [target, temporary, backup] triple")
        target, temporary = _name_in_journal(item[0]), _name_in_journal(item[1])
        backup = None if item[2] is None else _name_in_journal(item[2])
        for beside in (temporary, backup):
            if beside is None:
                continue
            if path_parts(beside)[:-1] != path_parts(target)[:-1]:
                raise NotAJournal(f"{beside!r} is not beside {target!r}")
            # Only names this writer makes: a planted journal can't remove or move a
            # project file (0.2's staged names were '.<target's name>.<8 random>').
            name = path_parts(beside)[-1]
            made = re.compile(rf"\.{re.escape(path_parts(target)[-1])}\.[a-z0-9_]{{8}}")
            if not (made if legacy else _MADE).fullmatch(name):
                raise NotAJournal(f"{beside!r} is not a name briefgen makes")
        entries.append(JournalEntry(target, temporary, backup))
    ancestors = {
        "/".join(path_parts(e.target)[:depth])
        for e in entries
        for depth in range(1, len(path_parts(e.target)))
    }
    for folder in folders:  # the writer records only the folders it made for its files
        if _name_in_journal(folder) not in ancestors:
            raise NotAJournal(f"{folder!r} is not a folder of a file it names")
    return state, [str(f) for f in folders], entries


def check_reachable(base_fd: int, entries: list[JournalEntry]) -> None:
    """Refuse, before anything is renamed, a journal naming a file behind a link (or a
    file where a folder should be): a recovery is never half done by a planted link."""
    for folder in sorted({path_parts(e.target)[:-1] for e in entries}):
        try:
            os.close(open_folder(base_fd, folder, Path()))
        except FileNotFoundError:
            continue  # nothing there to rename in (a prepare journal's new folder)
        except OSError as exc:
            if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
                raise
            named = next(e.target for e in entries if path_parts(e.target)[:-1] == folder)
            kind = "a symbolic link" if exc.errno == errno.ELOOP else "not a folder"
            raise NotAJournal(f"{named} is reached through {kind}: {exc.filename}") from exc
