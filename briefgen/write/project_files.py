"""The one writer of files briefgen changes: all of them or none, never through a link.

Every file ``init``, ``source add``, ``upgrade``, ``migrate-locators`` and ``schema`` write
goes through ``write_files``; each folder and file is reached as write/confined.py does,
never through a link, and a linked or hard-linked target is replaced by a rename, never
written through. (The build's stage, the cache and serve's pages use those primitives
alone.)

* **All or nothing.** A journal (write/journal.py) first names every temporary, backup
  and folder the change will make (state ``prepare``); each new text is staged and synced
  beside its target, each existing target gets a backup hard link; the journal turns to
  ``commit``; the temporaries are renamed into place; backups and journal are removed. A
  failure before ``commit`` removes what was made; a failure between two renames puts the
  backups back.
* **Recovery** (``recover``) runs under the project lock, at the start of every writing
  command: a ``prepare`` journal is rolled back, a ``commit`` journal is completed.
  Read-only commands only report it (``report_interrupted``).
* Every ``OSError`` becomes a ``WriteError`` naming the path and what to do.

``BRIEFGEN_TEST_FAULT_AFTER=N`` (tests only) ends the process with ``os._exit`` right after
the writer's N-th step, as a ``kill -9`` there would.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from briefgen.diagnostics import Diagnostics
from briefgen.write.confined import (
    WriteError,
    base_folder,
    create_file,
    lstat,
    open_folder,
    path_parts,
    write_error,
)
from briefgen.write.journal import (
    JOURNAL,
    JournalEntry,
    NotAJournal,
    check_reachable,
    interrupted,
    read_journal,
    write_journal,
)

FAULT_AFTER = "BRIEFGEN_TEST_FAULT_AFTER"  # tests only: os._exit after this many steps
_steps = 0
_RESTORE = "restore the project from version control, then delete this file"


def _step() -> None:
    """One step of a write done; the test-only fault hook may end the process here."""
    global _steps
    _steps += 1
    limit = os.environ.get(FAULT_AFTER)
    if limit is not None and limit.isdigit() and _steps == int(limit):
        os._exit(137)  # as SIGKILL would: nothing cleaned up


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
    entries: list[JournalEntry] = []
    for number, name in enumerate(sorted(names)):
        folder = "/".join(path_parts(name)[:-1])
        prefix = f"{folder}/" if folder else ""
        entries.append(
            JournalEntry(name, f"{prefix}.briefgen-{token}-{number}.new", None)  # backup: below
        )
    with base_folder(base) as base_fd:
        journal = lstat(base_fd, JOURNAL)
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
            write_journal(base_fd, base, "prepare", entries, folders)
            _step()
            for entry in entries:
                _stage(base_fd, base, entry, texts[names[entry.target]])
                _step()
            write_journal(base_fd, base, "commit", entries, folders)
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
    path_parts(name)
    return name


def _lstat_target(base_fd: int, base: Path, name: str) -> os.stat_result | None:
    parts = path_parts(name)
    try:
        fd = open_folder(base_fd, parts[:-1], base)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise write_error(exc, base / name) from exc
    try:
        found = lstat(fd, parts[-1])
    finally:
        os.close(fd)
    if found is not None and stat.S_ISLNK(found.st_mode):
        raise write_error(OSError(errno.ELOOP, "is a symbolic link", str(base / name)), base)
    if found is not None and not stat.S_ISREG(found.st_mode):
        kind = "a folder" if stat.S_ISDIR(found.st_mode) else "not a regular file"
        raise WriteError(base / name, f"is {kind}", "move it away, then run the command again")
    return found


def _missing_folders(base_fd: int, base: Path, entries: list[JournalEntry]) -> list[str]:
    """The folders a change will make, parents first."""
    missing: list[str] = []
    for entry in entries:
        parts = path_parts(entry.target)[:-1]
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


def _stage(base_fd: int, base: Path, entry: JournalEntry, text: str | bytes) -> None:
    parts = path_parts(entry.target)
    fd = open_folder(base_fd, parts[:-1], base, make=True)
    try:
        old = lstat(fd, parts[-1])
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


def _rename_all(base_fd: int, base: Path, entries: list[JournalEntry]) -> None:
    done: list[JournalEntry] = []
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
    parts = path_parts(target)
    fd = open_folder(base_fd, parts[:-1], base)
    try:
        os.replace(PurePosixPath(source).name, parts[-1], src_dir_fd=fd, dst_dir_fd=fd)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(base / target)) from exc
    finally:
        os.close(fd)


def _sync_folders(base_fd: int, base: Path, entries: list[JournalEntry]) -> None:
    """Make the renames durable: each folder once, not once a file."""
    for folder in sorted({path_parts(e.target)[:-1] for e in entries}):
        fd = open_folder(base_fd, folder, base)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove(base_fd: int, names: list[str]) -> None:
    """Remove each file named (relative to the base) that is there; never follows a link."""
    for name in names:
        parts = path_parts(name)
        try:
            fd = open_folder(base_fd, parts[:-1], Path())
        except OSError:
            continue
        try:
            found = lstat(fd, parts[-1])
            if found is not None and not stat.S_ISDIR(found.st_mode):
                os.unlink(parts[-1], dir_fd=fd)
        except OSError:
            pass
        finally:
            os.close(fd)


def _roll_back(base_fd: int, entries: list[JournalEntry], folders: list[str]) -> None:
    _remove(base_fd, [e.temporary for e in entries] + [e.backup for e in entries if e.backup])
    for folder in reversed(folders):
        parts = path_parts(folder)
        with suppress(OSError):
            fd = open_folder(base_fd, parts[:-1], Path())
            try:
                os.rmdir(parts[-1], dir_fd=fd)  # only if empty
            finally:
                os.close(fd)
    _remove(base_fd, [JOURNAL])
    with suppress(OSError):
        os.fsync(base_fd)


def recover(base: Path) -> Recovery:
    """Finish (``commit``) or undo (``prepare``) a change a crash interrupted; call it
    with the project lock held. Raises ``WriteError`` if the journal is not one this
    writer wrote (it may have come with the project) or the files can't be renamed."""
    done = Recovery()
    journal = interrupted(base)
    if base.is_dir():  # a journal killed half-written, before it was renamed into place
        with base_folder(base) as base_fd:
            _remove(base_fd, [f"{JOURNAL}.prepare", f"{JOURNAL}.commit"])
    if journal is None:
        return done
    with base_folder(base) as base_fd:
        try:
            state, folders, entries = read_journal(base_fd)
            check_reachable(base_fd, entries)
        except NotAJournal as exc:
            raise WriteError(
                journal, f"is not a journal briefgen wrote ({exc})", _RESTORE, exc.line
            ) from exc
        except OSError as exc:
            raise write_error(exc, journal) from exc
        try:
            if state == "commit":
                for entry in entries:
                    parts = path_parts(entry.temporary)
                    with suppress(FileNotFoundError):
                        fd = open_folder(base_fd, parts[:-1], base)
                        try:
                            found = lstat(fd, parts[-1])
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
