"""Finding and reading a project's content files: which files are read (a near miss of
an extension is named, a linked folder refused), each file parsed into a located
``Document`` (reused by a re-check for a file whose text is unchanged: memo.py), and
what loading collects besides records (``Loading``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.diagnostics import Diagnostics
from briefgen.load.readers import (
    LINK_MESSAGE,
    linked_part,
    load_front_matter,
    load_toml,
    load_yaml,
)
from briefgen.load.readers import read_text as read_content_text
from briefgen.memo import current, memoized, record_read, record_unsettled
from briefgen.model.document import Document, DocumentError
from briefgen.model.records import ID_MAX_LENGTH, ID_PATTERN
from briefgen.model.report import ContentKind, Duplicate, LoadReport, UnreadableFile

# An id declared in YAML: "id: x" or "- id: x" at the start of a line.
DECLARED_ID = re.compile(r"^[ \t-]*id:[ \t]*[\"']?([a-z0-9]+(?:-[a-z0-9]+)*)", re.MULTILINE)
ONE_RECORD_KINDS = {ContentKind.SOURCES, ContentKind.OPTIONS, ContentKind.BRIEFS}


@dataclass
class Loading:
    """What loading collects besides records: diagnostics, and the typed report."""

    diagnostics: Diagnostics
    unreadable: list[UnreadableFile] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)

    @property
    def root(self) -> Path:
        return self.diagnostics.root

    def lost(self, path: Path, kind: ContentKind, *, whole_folder: bool = False) -> None:
        """``path`` contributed no records: note the ids it appears to declare."""
        ids = None if whole_folder else declared_ids(path, kind, self.root)
        self.unreadable.append(UnreadableFile(path, kind, ids))

    def report(self) -> LoadReport:
        return LoadReport(tuple(self.unreadable), tuple(self.duplicates))


def declared_ids(path: Path, kind: ContentKind, root: Path) -> frozenset[str] | None:
    """The ids a file that yielded no records appears to declare; None if its text can't
    be read at all (a link, not UTF-8, too large), so that any id of its kind may be there."""
    if kind in ONE_RECORD_KINDS:
        return frozenset({path.stem})
    try:
        text = read_content_text(path, root)
    except (DocumentError, OSError):
        return None
    return frozenset(DECLARED_ID.findall(text))


# Spellings of a content file's extension that are not read: named, never skipped silently.
NEAR_MISSES = {
    ".yaml": {".yaml", ".yml"},
    ".md": {".md", ".markdown", ".mdown", ".mkd", ".mkdn"},
}


def present(path: Path) -> bool:
    """A file, or a link or a FIFO, socket or device where one would be: reading it then
    reports the link or the non-file, which is never skipped silently."""
    return path.is_symlink() or (path.exists() and not path.is_dir())


def content_files(directory: Path, suffix: str, kind: ContentKind, loading: Loading) -> list[Path]:
    """Sorted so that results never depend on the filesystem's order.

    A linked folder is refused; a file whose extension is a near miss of ``suffix``
    (``one.MD``, ``x.yml``) is an error naming it.
    """
    diagnostics = loading.diagnostics
    link = linked_part(directory, diagnostics.root)
    if link is not None:
        diagnostics.error(link, 0, "content.symlink", LINK_MESSAGE)
        loading.lost(directory, kind, whole_folder=True)
        return []
    if not directory.is_dir():
        return []
    files = []
    for path in sorted(directory.iterdir()):
        if path.suffix == suffix and present(path):
            files.append(path)
        elif path.suffix.lower() in NEAR_MISSES.get(suffix, ()) and present(path):
            diagnostics.error(
                path,
                0,
                "content.extension",
                f"'{path.name}' is not read: files in {directory.name}/ end in '{suffix}'",
            )
            loading.lost(path, kind)
    return files


def near_misses(content: Path, stems: tuple[str, ...]) -> list[Path]:
    """``content/criteria.yml`` and the like: files meant to be read that are not."""
    if not content.is_dir() or content.is_symlink():
        return []
    return sorted(
        path
        for path in content.iterdir()
        if path.stem in stems
        and path.suffix != ".yaml"
        and path.suffix.lower() in NEAR_MISSES[".yaml"]
        and present(path)
    )


def read_document(loader: Any, path: Path, diagnostics: Diagnostics) -> Document | None:
    try:
        document: Document = _load(loader, path, diagnostics.root)
    except DocumentError as exc:
        diagnostics.error(exc.path or path, exc.line, exc.code, exc.message)
        return None
    return document


# The file readers whose parse a re-check reuses for a file whose text is unchanged.
REUSABLE: dict[Callable[[Path, Path], Document], str] = {
    load_yaml: "yaml",
    load_front_matter: "front-matter",
    load_toml: "toml",
}


class _Moved(Exception):
    """The file changed between the read that keyed its parse and the parse."""


def _load(loader: Callable[[Path, Path], Document], path: Path, root: Path) -> Document:
    """``loader(path, root)``; in a re-check (memo.py), the parse of the same text kept
    from an earlier one, keyed on the text read the loader's way (same link checks)."""
    kind = REUSABLE.get(loader)
    if kind is None or current() is None:
        return loader(path, root)
    try:
        text = read_content_text(path, root)
    except (DocumentError, OSError):
        return loader(path, root)  # it fails the same way, and says how
    record_read(path, text)

    def parse() -> Document:
        document = loader(path, root)
        if read_content_text(path, root) != text:
            raise _Moved
        return document

    try:
        return memoized(kind, (path, text), parse, fresh=True)
    except _Moved:  # an editor is still writing it: read it as it is, keep nothing
        record_unsettled(path)
        return loader(path, root)


def check_id(path: Path, diagnostics: Diagnostics) -> bool:
    """A file name is an id: ``<id>.pdf`` and ``<id>.html`` must be safe and short."""
    if len(path.stem) > ID_MAX_LENGTH:
        diagnostics.error(
            path,
            0,
            "content.bad-id",
            f"file name is {len(path.stem)} characters long; an id has at most {ID_MAX_LENGTH}",
        )
        return False
    if re.fullmatch(ID_PATTERN, path.stem):
        return True
    diagnostics.error(
        path, 1, "content.bad-id", f"file name {path.stem!r} is not a valid id (a-z, 0-9, '-')"
    )
    return False
