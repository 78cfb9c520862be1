"""``briefgen source add FILE``: import a user's file as a new source, all or nothing.

1. read FILE (never through a link; a regular file within the size limit);
2. extract its paragraphs (``briefgen.ingest``: the library made for the format);
3. plan the source's ``.txt``, its record (``sources/record.py``) and a copy of the
   original bytes, ``<id>.orig.<ext>``, so the extraction can be re-checked (``verify``);
4. write the three new files under the project lock with the one project writer
   (staged, journaled, renamed); an existing id is refused, never overwritten.

Nothing is printed here: the result says what was written and what went wrong.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.diagnostics import Diagnostics
from briefgen.ingest import EXTRACTORS, Extracted, ImportFailure, Limits, extract
from briefgen.model.document import MAX_FILE_BYTES
from briefgen.model.records import ID_MAX_LENGTH, ID_PATTERN, SourceKind
from briefgen.sources.record import DEFAULT_KINDS, Planned, plan_record
from briefgen.write.confined import WriteError
from briefgen.write.lock import project_lock
from briefgen.write.project_files import (
    Recovery,
    report,
    start_writing,
    write_project_files,
)

SOURCES = Path("content") / "sources"


@dataclass
class Added:
    diagnostics: Diagnostics
    source_id: str | None = None
    kind: SourceKind | None = None
    kind_defaulted: bool = False  # chosen by the file's suffix, not --kind
    written: list[Path] = field(default_factory=list)
    recovery: Recovery = field(default_factory=Recovery)  # an interrupted write
    kept_chars: int = 0
    original_chars: int = 0
    body: list[str] = field(default_factory=list)


def read_user_file(path: Path, limits: Limits) -> bytes:
    """The bytes of a file the user names: a regular file, not a link, within the limit."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        if path.is_symlink():
            raise ImportFailure("import.symlink", "is a symbolic link; name the file itself")
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise ImportFailure("import.not-a-file", "no such file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ImportFailure(
                "import.symlink", "is a symbolic link; name the file itself"
            ) from None
        raise ImportFailure("import.unreadable", f"cannot be read: {exc.strerror}") from None
    with os.fdopen(descriptor, "rb") as file:
        status = os.fstat(file.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise ImportFailure("import.not-a-file", "is not a regular file")
        if status.st_size > limits.max_bytes:
            raise ImportFailure(
                "import.too-large",
                f"the file is {status.st_size} bytes; briefgen imports at most {limits.max_bytes}",
            )
        data = file.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:  # grew since it was measured
        raise ImportFailure("import.too-large", f"the file is over {limits.max_bytes} bytes")
    return data


def slug(name: str) -> str:
    """A file name's stem as an id: 'GSOMIA Report (2016).pdf' → 'gsomia-report-2016'."""
    stem = name.split(".")[0] if not name.startswith(".") else name
    text = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return text[:ID_MAX_LENGTH].rstrip("-")


def add_source(
    root: Path,
    file: Path,
    *,
    source_id: str | None = None,
    kind: SourceKind | None = None,
    limits: Limits | None = None,
    waiting: Callable[[], None] = lambda: None,
) -> Added:
    """Import ``file`` into ``root``'s content/sources/ as a new, unassessed source."""
    limits = limits or Limits()
    diagnostics = Diagnostics(root)
    added = Added(diagnostics)
    if not (root / "briefgen.toml").is_file():
        diagnostics.error(root / "briefgen.toml", 0, "settings.missing", "no briefgen project here")
        return added
    suffix = file.suffix.lower()
    if suffix not in EXTRACTORS:
        kinds = ", ".join(sorted(EXTRACTORS))
        diagnostics.error(file, 0, "import.unsupported", f"briefgen imports {kinds} files")
        return added
    chosen = source_id if source_id is not None else slug(file.name)
    if not re.fullmatch(ID_PATTERN, chosen) or len(chosen) > ID_MAX_LENGTH:
        how = "--id" if source_id is not None else "an id made from the file name"
        diagnostics.error(
            file,
            0,
            "source.bad-id",
            f"{how}, '{chosen}', is not an id (lowercase letters, digits and single "
            f"hyphens, at most {ID_MAX_LENGTH}): give one with --id",
        )
        return added
    added.source_id = chosen
    added.kind, added.kind_defaulted = kind or DEFAULT_KINDS[suffix], kind is None
    try:
        data = read_user_file(file, limits)
        extracted = extract(suffix, data, limits)
    except ImportFailure as failure:
        _failed(diagnostics, file, failure)
        return added
    planned = plan_record(chosen, suffix, data, extracted, added.kind)
    if len(planned.text.encode("utf-8")) > MAX_FILE_BYTES:
        diagnostics.error(
            file,
            0,
            "import.too-large",
            f"the extracted text is over {MAX_FILE_BYTES} bytes, more than briefgen reads as "
            "a source text: split the document and add each part",
        )
        return added
    _report_differences(diagnostics, file, planned)
    if extracted.warnings:
        diagnostics.warning(
            file,
            0,
            "import.repaired",
            f"the file is damaged and was repaired while reading ({'; '.join(extracted.warnings)})"
            ": compare the text with the original before you quote it",
        )
    _count(added, extracted, planned)
    folder = root / SOURCES
    files: dict[Path, str | bytes] = {
        folder / f"{chosen}.txt": planned.text,
        folder / f"{chosen}.yaml": planned.record,
        folder / f"{chosen}.orig{suffix}": data,
    }
    with project_lock(root, wait=True, waiting=waiting):
        if not start_writing(root, diagnostics, added.recovery):
            return added
        taken = _taken(folder, chosen)
        if taken is not None:
            diagnostics.error(
                taken,
                0,
                "source.exists",
                f"source '{chosen}' already has this file; nothing was written (choose "
                "another id with --id)",
            )
            return added
        try:
            added.written = write_project_files(root, files, new=True)
        except WriteError as exc:
            report(diagnostics, exc)
    return added


def _taken(folder: Path, source_id: str) -> Path | None:
    """A file of the folder that an id's new files would collide with."""
    if not folder.is_dir():
        return None
    for path in sorted(folder.iterdir()):
        if path.name in (f"{source_id}.txt", f"{source_id}.yaml", f"{source_id}.yml"):
            return path
        if path.name.startswith(f"{source_id}.orig."):
            return path
    return None


def _failed(diagnostics: Diagnostics, file: Path, failure: ImportFailure) -> None:
    where: Path | str = file
    if failure.page is not None:
        where = f"{diagnostics.relative(file)}:page {failure.page}"
    diagnostics.error(where, failure.line or 0, failure.code, failure.message)


def _report_differences(diagnostics: Diagnostics, file: Path, planned: Planned) -> None:
    for differs in planned.differs:
        diagnostics.warning(
            file,
            0,
            "source.recorded-differs",
            f"the file's {differs.recorded.origin} gives the {differs.key} as "
            f"'{differs.recorded.value}', but line {differs.line} of the text states "
            f"'{differs.stated}': the record uses the text's",
        )


def _count(added: Added, extracted: Extracted, planned: Planned) -> None:
    added.kept_chars = sum(len(block.text) for block in extracted.blocks)
    added.original_chars = extracted.original_chars
    added.body = planned.body
