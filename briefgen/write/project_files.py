"""The one writer of files briefgen changes: all of them or none, never through a link.

Every file ``init``, ``source add``, ``upgrade``, ``migrate-locators`` and ``schema`` write
goes through ``write_files``; the build's output swap (write/staging.py) stages its files
with ``create_file`` from here.

* **Never through a link.** Each folder between the base (the project root, or a
  destination named on the command line) and a file is opened with ``O_NOFOLLOW`` relative
  to the one before, so a link anywhere on the way stops the write; every file is made
  with ``O_EXCL | O_NOFOLLOW`` and renamed into place, so a linked or hard-linked target
  is replaced, never written through.
* **All or nothing.** A journal (``.briefgen-journal.json`` in the base) first names every
  temporary, backup and folder the change will make (state ``prepare``); each new text is
  staged and synced beside its target, each existing target gets a backup hard link; the
  journal turns to ``commit``; the temporaries are renamed into place; backups and journal
  are removed. A failure before ``commit`` removes what was made; a failure between two
  renames puts the backups back.
* **Recovery** (``recover``) runs under the project lock, at the start of every writing
  command: a ``prepare`` journal is rolled back, a ``commit`` journal is completed.
  Read-only commands only report it (``interrupted``).
* Every ``OSError`` becomes a ``WriteError`` naming the path and what to do.

``BRIEFGEN_TEST_FAULT_AFTER=N`` (tests only) ends the process with ``os._exit`` right after
the writer's N-th step, as a ``kill -9`` there would.
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from briefgen.diagnostics import Diagnostics

JOURNAL = ".briefgen-journal.json"
FAULT_AFTER = "BRIEFGEN_TEST_FAULT_AFTER"  # tests only: os._exit after this many steps
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_NEW_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_steps = 0
_MADE = re.compile(r"\.briefgen-[0-9a-f]{8}-[0-9]+\.(new|old)")
# The largest journal read (or written): about 100,000 files in one change. A journal is
# project input, so a bigger one (or one nested past the few levels the writer uses) is
# refused before it is parsed.
JOURNAL_MAX_BYTES = 16 * 2**20
_RESTORE = "restore the project from version control, then delete this file"

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


def _step() -> None:
    """One step of a write done; the test-only fault hook may end the process here."""
    global _steps
    _steps += 1
    limit = os.environ.get(FAULT_AFTER)
    if limit is not None and limit.isdigit() and _steps == int(limit):
        os._exit(137)  # as SIGKILL would: nothing cleaned up


def _parts(name: str) -> tuple[str, ...]:
    """A relative path without '.', '..' or empty parts (a file inside the base)."""
    path = PurePosixPath(name)
    parts = path.parts
    if not parts or path.is_absolute() or any(p in (".", "..") for p in parts):
        raise ValueError(f"not a path inside the project: {name!r}")
    return parts


@contextmanager
def _directory(base: Path) -> Iterator[int]:
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


def _lstat(dir_fd: int, name: str) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None


@dataclass
class _Entry:
    target: str  # relative to the base
    temporary: str
    backup: str | None  # a hard link to the file replaced, while the change is under way


@dataclass
class Recovery:
    """What ``recover`` did with an interrupted change."""

    completed: list[Path] = field(default_factory=list)
    rolled_back: list[Path] = field(default_factory=list)

    def lines(self, diagnostics: Diagnostics) -> list[str]:
        """One line for what was finished, one for what was undone."""

        def named(paths: list[Path]) -> str:
            shown = ", ".join(diagnostics.relative(p) for p in paths[:3])
            return shown + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")

        lines = []
        if len(self.completed) == 1:
            lines.append(
                f"{named(self.completed)}: finished writing it (an earlier run was interrupted)"
            )
        elif self.completed:
            lines.append(
                f"{JOURNAL}: finished writing {len(self.completed)} files an earlier run was "
                f"interrupted in: {named(self.completed)}"
            )
        if self.rolled_back:
            lines.append(
                f"{JOURNAL}: an earlier run was interrupted before it changed anything: "
                f"undone, {len(self.rolled_back)} file(s) left as they were "
                f"({named(self.rolled_back)})"
            )
        return lines


def write_files(base: Path, texts: Mapping[Path, str | bytes], *, new: bool = False) -> list[Path]:
    """Write every file of ``texts`` (paths inside ``base``, which may be given as
    ``base / name``; text as UTF-8, bytes as they are), all or none; the paths written.

    With ``new``, no path may exist yet (nothing is written otherwise). Missing folders are
    made (and removed again on failure). Callers hold the project lock and have run
    ``recover``. Raises ``WriteError`` for anything the user can fix.
    """
    token = secrets.token_hex(4)
    names = {_name(base, path): path for path in texts}
    entries: list[_Entry] = []
    for number, name in enumerate(sorted(names)):
        folder = "/".join(_parts(name)[:-1])
        prefix = f"{folder}/" if folder else ""
        entries.append(
            _Entry(name, f"{prefix}.briefgen-{token}-{number}.new", None)  # backup: below
        )
    with _directory(base) as base_fd:
        journal = _lstat(base_fd, JOURNAL)
        if journal is not None and not stat.S_ISREG(journal.st_mode):
            raise WriteError(base / JOURNAL, "is not a file briefgen wrote", "remove it")
        if journal is not None:
            raise WriteError(base / JOURNAL, "an earlier write was not finished", _RERUN)
        folders = _missing_folders(base_fd, base, entries)
        for entry in entries:
            target = _lstat_target(base_fd, base, entry.target)
            if target is not None:
                if new:
                    raise write_error(
                        FileExistsError(errno.EEXIST, "exists", str(base / entry.target)), base
                    )
                entry.backup = entry.temporary.removesuffix(".new") + ".old"
        committed = False
        try:
            _write_journal(base_fd, base, "prepare", entries, folders)
            _step()
            for entry in entries:
                _stage(base_fd, base, entry, texts[names[entry.target]])
                _step()
            _write_journal(base_fd, base, "commit", entries, folders)
            committed = True
            _step()
            _rename_all(base_fd, base, entries)  # a failure puts every file back
        except OSError as exc:
            _roll_back(base_fd, entries, folders)
            raise write_error(exc, base) from exc
        except BaseException:
            if not committed:  # Ctrl-C or SIGTERM: leave nothing half done
                _roll_back(base_fd, entries, folders)
            raise  # after it, the next command completes the change from the journal
        with suppress(OSError):  # the change is made: tidying up can't undo it
            _sync_folders(base_fd, base, entries)
            _remove(base_fd, [e.backup for e in entries if e.backup])
            _remove(base_fd, [JOURNAL])
            os.fsync(base_fd)
        _step()
    return [names[e.target] for e in entries]


_RERUN = "run a command that writes (e.g. 'briefgen migrate-locators') to finish or undo it"


def _name(base: Path, path: Path) -> str:
    try:
        relative = path.relative_to(base)
    except ValueError:
        relative = path
    name = relative.as_posix()
    _parts(name)
    return name


def _lstat_target(base_fd: int, base: Path, name: str) -> os.stat_result | None:
    parts = _parts(name)
    try:
        fd = open_folder(base_fd, parts[:-1], base)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise write_error(exc, base / name) from exc
    try:
        found = _lstat(fd, parts[-1])
    finally:
        os.close(fd)
    if found is not None and stat.S_ISLNK(found.st_mode):
        raise write_error(OSError(errno.ELOOP, "is a symbolic link", str(base / name)), base)
    if found is not None and not stat.S_ISREG(found.st_mode):
        kind = "a folder" if stat.S_ISDIR(found.st_mode) else "not a regular file"
        raise WriteError(base / name, f"is {kind}", "move it away, then run the command again")
    return found


def _missing_folders(base_fd: int, base: Path, entries: list[_Entry]) -> list[str]:
    """The folders a change will make, parents first."""
    missing: list[str] = []
    for entry in entries:
        parts = _parts(entry.target)[:-1]
        for depth in range(1, len(parts) + 1):
            name = "/".join(parts[:depth])
            if name in missing:
                continue
            try:
                os.close(open_folder(base_fd, parts[:depth], base))
            except FileNotFoundError:
                missing.append(name)
            except OSError as exc:
                raise write_error(exc, base / name) from exc
    return missing


def _write_journal(
    base_fd: int, base: Path, state: str, entries: list[_Entry], folders: list[str]
) -> None:
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


def _stage(base_fd: int, base: Path, entry: _Entry, text: str | bytes) -> None:
    parts = _parts(entry.target)
    fd = open_folder(base_fd, parts[:-1], base, make=True)
    try:
        old = _lstat(fd, parts[-1])
        if old is not None and not stat.S_ISREG(old.st_mode):  # made a link meanwhile
            raise OSError(errno.ELOOP, "is a symbolic link", str(base / entry.target))
        mode = stat.S_IMODE(old.st_mode) if old is not None else 0o666
        data = text.encode("utf-8") if isinstance(text, str) else text
        temporary = PurePosixPath(entry.temporary).name
        create_file(fd, temporary, data, mode, exact=old is not None)  # the file's mode kept
        if entry.backup is not None:
            backup = PurePosixPath(entry.backup).name
            os.link(parts[-1], backup, src_dir_fd=fd, dst_dir_fd=fd, follow_symlinks=False)
    except OSError as exc:  # named as the user knows it: the file being written
        raise OSError(exc.errno, exc.strerror, str(base / entry.target)) from exc
    finally:
        os.close(fd)


def _rename_all(base_fd: int, base: Path, entries: list[_Entry]) -> None:
    done: list[_Entry] = []
    try:
        for entry in entries:
            _rename(base_fd, base, entry.temporary, entry.target)
            done.append(entry)
            _step()
    except OSError:
        for entry in reversed(done):  # put every file back as it was
            if entry.backup is not None:
                _rename(base_fd, base, entry.backup, entry.target)
            else:
                _remove(base_fd, [entry.target])
        raise


def _rename(base_fd: int, base: Path, source: str, target: str) -> None:
    parts = _parts(target)
    fd = open_folder(base_fd, parts[:-1], base)
    try:
        os.replace(PurePosixPath(source).name, parts[-1], src_dir_fd=fd, dst_dir_fd=fd)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(base / target)) from exc
    finally:
        os.close(fd)


def _sync_folders(base_fd: int, base: Path, entries: list[_Entry]) -> None:
    """Make the renames durable: each folder once, not once a file."""
    for folder in sorted({_parts(e.target)[:-1] for e in entries}):
        fd = open_folder(base_fd, folder, base)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove(base_fd: int, names: list[str]) -> None:
    """Remove each file named (relative to the base) that is there; never follows a link."""
    for name in names:
        parts = _parts(name)
        try:
            fd = open_folder(base_fd, parts[:-1], Path())
        except OSError:
            continue
        try:
            found = _lstat(fd, parts[-1])
            if found is not None and not stat.S_ISDIR(found.st_mode):
                os.unlink(parts[-1], dir_fd=fd)
        except OSError:
            pass
        finally:
            os.close(fd)


def _roll_back(base_fd: int, entries: list[_Entry], folders: list[str]) -> None:
    _remove(base_fd, [e.temporary for e in entries] + [e.backup for e in entries if e.backup])
    for folder in reversed(folders):
        parts = _parts(folder)
        with suppress(OSError):
            fd = open_folder(base_fd, parts[:-1], Path())
            try:
                os.rmdir(parts[-1], dir_fd=fd)  # only if empty
            finally:
                os.close(fd)
    _remove(base_fd, [JOURNAL])
    with suppress(OSError):
        os.fsync(base_fd)


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


def interrupted(base: Path) -> Path | None:
    """The journal of a write that a crash interrupted, if one is left."""
    journal = base / JOURNAL
    return journal if journal.is_file() and not journal.is_symlink() else None


def recover(base: Path) -> Recovery:
    """Finish (``commit``) or undo (``prepare``) a change a crash interrupted; call it
    with the project lock held. Raises ``WriteError`` if the journal is not one this
    writer wrote (it may have come with the project) or the files can't be renamed."""
    done = Recovery()
    journal = interrupted(base)
    if base.is_dir():  # a journal killed half-written, before it was renamed into place
        with _directory(base) as base_fd:
            _remove(base_fd, [f"{JOURNAL}.prepare", f"{JOURNAL}.commit"])
    if journal is None:
        return done
    with _directory(base) as base_fd:
        try:
            state, folders, entries = _read_journal(base_fd)
            _check_reachable(base_fd, entries)
        except _NotAJournal as exc:
            raise WriteError(
                journal, f"is not a journal briefgen wrote ({exc})", _RESTORE, exc.line
            ) from exc
        except OSError as exc:
            raise write_error(exc, journal) from exc
        try:
            if state == "commit":
                for entry in entries:
                    parts = _parts(entry.temporary)
                    with suppress(FileNotFoundError):
                        fd = open_folder(base_fd, parts[:-1], base)
                        try:
                            found = _lstat(fd, parts[-1])
                        finally:
                            os.close(fd)
                        if found is not None and stat.S_ISREG(found.st_mode):
                            _rename(base_fd, base, entry.temporary, entry.target)
                    done.completed.append(base / entry.target)
                _sync_folders(base_fd, base, entries)
                _remove(base_fd, [e.backup for e in entries if e.backup])
                _remove(base_fd, [JOURNAL])
                os.fsync(base_fd)
            else:
                _roll_back(base_fd, entries, folders)
                done.rolled_back = [base / e.target for e in entries]
        except OSError as exc:
            raise write_error(exc, journal) from exc
    return done


class _NotAJournal(ValueError):
    """The journal is not one this writer wrote: why, and the line where that shows."""

    def __init__(self, why: str, line: int = 0) -> None:
        super().__init__(why)
        self.line = line


def _read_journal(base_fd: int) -> tuple[str, list[str], list[_Entry]]:
    """The journal's state, folders and entries, read without following a link, without
    blocking (a FIFO), and refused unless it is exactly what ``write_files`` writes."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    fd = os.open(JOURNAL, flags, dir_fd=base_fd)
    try:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):
            raise _NotAJournal("not a regular file")
        if found.st_size > JOURNAL_MAX_BYTES:
            raise _NotAJournal(f"larger than {JOURNAL_MAX_BYTES // 2**20} MiB")
        data = os.read(fd, JOURNAL_MAX_BYTES + 1)
        while len(data) <= JOURNAL_MAX_BYTES and (more := os.read(fd, 2**20)):
            data += more  # it grew meanwhile: read up to the limit, no further
        if len(data) > JOURNAL_MAX_BYTES:
            raise _NotAJournal(f"larger than {JOURNAL_MAX_BYTES // 2**20} MiB")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _NotAJournal("a symbolic link") from exc
        raise
    finally:
        os.close(fd)
    try:
        record = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise _NotAJournal("not UTF-8 text") from exc
    except RecursionError as exc:  # the writer nests three levels
        raise _NotAJournal("nested too deeply") from exc
    except json.JSONDecodeError as exc:
        raise _NotAJournal(f"not JSON: {exc.msg}", exc.lineno) from exc
    except ValueError as exc:  # e.g. a number of more than 4300 digits
        raise _NotAJournal(f"not JSON: {exc}") from exc
    return _parse_journal(record)


def _name_in_journal(value: object) -> str:
    """A path the journal names: text a file name can hold, inside the base."""
    if not isinstance(value, str):
        raise _NotAJournal(f"{type(value).__name__} where a file name should be")
    try:
        encoded = os.fsencode(value)
    except UnicodeEncodeError as exc:
        raise _NotAJournal(f"{value!r} is not a file name") from exc
    if b"\0" in encoded:
        raise _NotAJournal(f"{value!r} is not a file name")
    try:
        _parts(value)
    except ValueError as exc:
        raise _NotAJournal(str(exc)) from exc
    return value


def _parse_journal(record: object) -> tuple[str, list[str], list[_Entry]]:
    legacy = isinstance(record, list)
    if legacy:  # briefgen 0.2's journal: staged → target pairs, all renamed
        assert isinstance(record, list)
        if not all(isinstance(pair, list) and len(pair) == 2 for pair in record):
            raise _NotAJournal("not a list of [staged, target] pairs")
        record = {"state": "commit", "folders": [], "files": [[t, s, None] for s, t in record]}
    if not isinstance(record, dict) or set(record) != {"state", "folders", "files"}:
        raise _NotAJournal("not a record of state, folders and files")
    state, folders, files = record["state"], record["folders"], record["files"]
    if state not in ("prepare", "commit"):
        raise _NotAJournal(f"unknown state {state!r}")
    if not isinstance(folders, list) or not isinstance(files, list):
        raise _NotAJournal("folders and files are not lists")
    entries = []
    for item in files:
        if not isinstance(item, list) or len(item) != 3:
            raise _NotAJournal("a file is not a [target, temporary, backup] triple")
        target, temporary = _name_in_journal(item[0]), _name_in_journal(item[1])
        backup = None if item[2] is None else _name_in_journal(item[2])
        for beside in (temporary, backup):
            if beside is None:
                continue
            if _parts(beside)[:-1] != _parts(target)[:-1]:
                raise _NotAJournal(f"{beside!r} is not beside {target!r}")
            # Only names this writer makes: a planted journal can't remove or move a
            # project file (0.2's staged names were '.<target's name>.<8 random>').
            name = _parts(beside)[-1]
            made = re.compile(rf"\.{re.escape(_parts(target)[-1])}\.[a-z0-9_]{{8}}")
            if not (made if legacy else _MADE).fullmatch(name):
                raise _NotAJournal(f"{beside!r} is not a name briefgen makes")
        entries.append(_Entry(target, temporary, backup))
    ancestors = {
        "/".join(_parts(e.target)[:depth])
        for e in entries
        for depth in range(1, len(_parts(e.target)))
    }
    for folder in folders:  # the writer records only the folders it made for its files
        if _name_in_journal(folder) not in ancestors:
            raise _NotAJournal(f"{folder!r} is not a folder of a file it names")
    return state, [str(f) for f in folders], entries


def _check_reachable(base_fd: int, entries: list[_Entry]) -> None:
    """Refuse, before anything is renamed, a journal naming a file behind a link (or a
    file where a folder should be): a recovery is never half done by a planted link."""
    for folder in sorted({_parts(e.target)[:-1] for e in entries}):
        try:
            os.close(open_folder(base_fd, folder, Path()))
        except FileNotFoundError:
            continue  # nothing there to rename in (a prepare journal's new folder)
        except OSError as exc:
            if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
                raise
            named = next(e.target for e in entries if _parts(e.target)[:-1] == folder)
            kind = "a symbolic link" if exc.errno == errno.ELOOP else "not a folder"
            raise _NotAJournal(f"{named} is reached through {kind}: {exc.filename}") from exc


INTERRUPTED = (
    "an earlier command was interrupted while writing project files: run a command that "
    "writes (briefgen build, upgrade or migrate-locators) to finish or undo it"
)


def start_writing(
    root: Path, diagnostics: Diagnostics, recovery: Recovery, *, dry_run: bool = False
) -> bool:
    """What a command that writes does first, under the project lock: finish or undo an
    interrupted change (recorded in ``recovery``). With ``dry_run`` an interrupted change
    is a ``write.interrupted`` error instead. False if the command must stop."""
    journal = interrupted(root)
    if journal is not None and dry_run:
        diagnostics.error(
            journal,
            0,
            "write.interrupted",
            "an earlier run was interrupted while writing project files: run the command "
            "without --check to finish it",
        )
        return False
    try:
        done = recover(root)
    except WriteError as exc:
        report(diagnostics, exc)
        return False
    recovery.completed.extend(done.completed)
    recovery.rolled_back.extend(done.rolled_back)
    return True


def report_interrupted(root: Path, diagnostics: Diagnostics) -> None:
    """What a read-only command does: an interrupted change is an error, left alone."""
    journal = interrupted(root)
    if journal is not None:
        diagnostics.error(journal, 0, "write.interrupted", INTERRUPTED)


def report(diagnostics: Diagnostics, exc: WriteError) -> None:
    diagnostics.error(exc.path, exc.line, "write.failed", exc.message)


def write_project_files(
    root: Path, texts: Mapping[Path, str | bytes], *, new: bool = False
) -> list[Path]:
    return write_files(root, texts, new=new)
