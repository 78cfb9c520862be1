"""Stage 1 — load: read every content file into typed, located records.

Reading never stops at the first problem: each bad file becomes diagnostics and
the rest are still read, so a user sees every error at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from briefgen.diagnostics import Diagnostics
from briefgen.load.readers import (
    LINK_MESSAGE,
    linked_part,
    load_front_matter,
    load_toml,
    load_yaml,
)
from briefgen.load.readers import read_text as read_content_text
from briefgen.model.document import Document, DocumentError
from briefgen.model.layouts import merge
from briefgen.model.records import (
    ID_MAX_LENGTH,
    ID_PATTERN,
    Brief,
    BriefMeta,
    Criteria,
    CriteriaFile,
    Judgment,
    JudgmentsFile,
    Note,
    NotesFile,
    Option,
    OptionRecord,
    Origin,
    Project,
    Section,
    Source,
    SourceRecord,
    slugify,
)
from briefgen.model.settings import Settings

SETTINGS_FILE = "briefgen.toml"
CONTENT_DIR = "content"

M = TypeVar("M", bound=BaseModel)


def _dotted(loc: list[str | int]) -> str:
    """('notes', 0, 'id') → 'notes[0].id'."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _describe(error: Any) -> tuple[str, str]:
    """A pydantic error → (code, message) in the user's terms."""
    loc = [p for p in error["loc"] if not str(p).startswith("function-")]
    name = _dotted(loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        where = f" in '{_dotted(loc[:-1])}'" if len(loc) > 1 else ""
        return "schema.unknown-key", f"unknown key '{loc[-1]}'{where}"
    if kind == "missing":
        where = f" in '{_dotted(loc[:-1])}'" if len(loc) > 1 else ""
        return "schema.missing-key", f"missing required key '{loc[-1]}'{where}"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind.startswith("settings_"):  # settings_renamed → settings.renamed
        return "settings." + kind.removeprefix("settings_").replace("_", "-"), message
    if kind in ("model_type", "dict_type"):
        message = "expected a mapping of keys to values"
    elif kind == "string_pattern_mismatch" and error["ctx"]["pattern"] == ID_PATTERN:
        message = f"'{error['input']}' is not an id (lowercase letters, digits, single hyphens)"
    return "schema.invalid", f"{name}: {message}" if name else message


def validate_model(model: type[M], document: Document, diagnostics: Diagnostics) -> M | None:
    """Validate a document's data against a model; errors are located diagnostics."""
    try:
        return model.model_validate(document.data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if not str(p).startswith("function-"))
            line = document.line_of(loc)
            if error["type"] == "missing":
                line = document.line_of(loc[:-1])
            code, message = _describe(error)
            diagnostics.error(document.path, line, code, message)
        return None


# Spellings of a content file's extension that are not read: named, never skipped silently.
NEAR_MISSES = {
    ".yaml": {".yaml", ".yml"},
    ".md": {".md", ".markdown", ".mdown", ".mkd", ".mkdn"},
}


def _present(path: Path) -> bool:
    """A file, or a link where one would be (reading it then reports the link)."""
    return path.is_file() or path.is_symlink()


def _files(directory: Path, suffix: str, diagnostics: Diagnostics) -> list[Path]:
    """Sorted so that results never depend on the filesystem's order.

    A linked folder is refused; a file whose extension is a near miss of ``suffix``
    (``one.MD``, ``x.yml``) is an error naming it.
    """
    link = linked_part(directory, diagnostics.root)
    if link is not None:
        diagnostics.error(link, 0, "content.symlink", LINK_MESSAGE)
        diagnostics.unreadable.add(directory.name)
        return []
    if not directory.is_dir():
        return []
    files = []
    for path in sorted(directory.iterdir()):
        if path.suffix == suffix and _present(path):
            files.append(path)
        elif path.suffix.lower() in NEAR_MISSES.get(suffix, ()) and _present(path):
            diagnostics.error(
                path,
                0,
                "content.extension",
                f"'{path.name}' is not read: files in {directory.name}/ end in '{suffix}'",
            )
            diagnostics.unreadable.add(directory.name)
    return files


def _near_misses(content: Path, stems: tuple[str, ...]) -> list[Path]:
    """``content/criteria.yml`` and the like: files meant to be read that are not."""
    if not content.is_dir() or content.is_symlink():
        return []
    return sorted(
        path
        for path in content.iterdir()
        if path.stem in stems
        and path.suffix != ".yaml"
        and path.suffix.lower() in NEAR_MISSES[".yaml"]
        and _present(path)
    )


def _read(loader: Any, path: Path, diagnostics: Diagnostics) -> Document | None:
    try:
        document: Document = loader(path, diagnostics.root)
    except DocumentError as exc:
        diagnostics.error(exc.path or path, exc.line, exc.code, exc.message)
        return None
    return document


def _check_id(path: Path, diagnostics: Diagnostics) -> bool:
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


def load_settings(root: Path, diagnostics: Diagnostics) -> Settings | None:
    path = root / SETTINGS_FILE
    if not _present(path):
        diagnostics.error(path, 0, "settings.missing", f"no {SETTINGS_FILE} in {root}")
        return None
    document = _read(load_toml, path, diagnostics)
    settings = validate_model(Settings, document, diagnostics) if document else None
    if settings is None or document is None:
        return None
    layouts, problems = merge(settings.types)
    for type_id, problem in sorted(problems.items()):
        where = document.line_of(("types", type_id)) if type_id in settings.types else 0
        diagnostics.error(path, where, "type.invalid", f"brief type '{type_id}': {problem}")
    settings._layouts = layouts
    return settings


def _records(
    directory: Path,
    suffix: str,
    loader: Callable[[Path], Document],
    model: type[M],
    diagnostics: Diagnostics,
    *,
    named: bool = True,
) -> Iterator[tuple[Path, Document, M]]:
    """Each valid record in a content folder; invalid files become diagnostics.

    A folder with an unreadable file is marked in ``diagnostics.unreadable`` so that
    references into it are not reported as dangling: the file is reported already.
    """
    for path in _files(directory, suffix, diagnostics):
        document = _read(loader, path, diagnostics)
        valid = document is not None and (not named or _check_id(path, diagnostics))
        record = validate_model(model, document, diagnostics) if valid and document else None
        if document is None or record is None:
            diagnostics.unreadable.add(directory.name)
            continue
        yield path, document, record


def load_sources(directory: Path, diagnostics: Diagnostics) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    for path, document, record in _records(
        directory, ".yaml", load_yaml, SourceRecord, diagnostics
    ):
        text_path = directory / record.text
        if not _present(text_path):
            diagnostics.error(
                path,
                document.line_of(("text",)),
                "source.text-missing",
                f"source text '{record.text}' not found next to the record",
            )
            continue
        try:
            text = read_content_text(text_path, diagnostics.root)
        except DocumentError as exc:
            diagnostics.error(exc.path or text_path, exc.line, exc.code, exc.message)
            diagnostics.unreadable.add(directory.name)  # its notes are not "unknown source"
            continue
        sources[path.stem] = Source(path.stem, record, Origin(document), text)
    return sources


def load_notes(directory: Path, diagnostics: Diagnostics) -> dict[str, Note]:
    notes: dict[str, Note] = {}
    for path, document, notes_file in _records(
        directory, ".yaml", load_yaml, NotesFile, diagnostics, named=False
    ):
        for index, record in enumerate(notes_file.notes):
            origin = Origin(document, ("notes", index))
            if record.id in notes:
                first = notes[record.id].origin
                diagnostics.error(
                    path,
                    origin.line("id"),
                    "note.duplicate-id",
                    f"note id '{record.id}' is already used at "
                    f"{diagnostics.relative(first.path)}:{first.line('id')}",
                )
                continue
            notes[record.id] = Note(record, origin)
    return notes


def load_options(directory: Path, diagnostics: Diagnostics) -> dict[str, Option]:
    return {
        path.stem: Option(path.stem, record, Origin(document))
        for path, document, record in _records(
            directory, ".yaml", load_yaml, OptionRecord, diagnostics
        )
    }


HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$")


def split_sections(document: Document, diagnostics: Diagnostics) -> tuple[Section, ...]:
    """Split a brief's Markdown body into its ``## Heading`` sections."""
    sections: list[Section] = []
    heading: tuple[str, int] | None = None
    buffer: list[str] = []

    def flush() -> None:
        if heading is not None:
            text, line = heading
            sections.append(Section(slugify(text), text, "\n".join(buffer), line + 1))

    in_fence = False
    for offset, line in enumerate(document.body.split("\n")):
        number = document.body_line + offset
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        match = None if in_fence else HEADING.match(line)
        if match:
            flush()
            heading, buffer = (match.group(1), number), []
        elif heading is None and line.strip():
            diagnostics.error(
                document.path,
                number,
                "brief.text-outside-section",
                "text before the first '## ' section heading",
            )
            heading, buffer = None, []
        else:
            buffer.append(line)
    flush()
    return tuple(sections)


def load_criteria(path: Path, diagnostics: Diagnostics) -> Criteria | None:
    """``content/criteria.yaml``, if the project scores its options."""
    if not _present(path):
        return None
    document = _read(load_yaml, path, diagnostics)
    record = validate_model(CriteriaFile, document, diagnostics) if document else None
    if document is None or record is None:
        diagnostics.unreadable.add("criteria")
        return None
    return Criteria(record, Origin(document))


def load_judgments(path: Path, diagnostics: Diagnostics) -> dict[str, Judgment]:
    """``content/judgments.yaml``, if the project states key judgments."""
    if not _present(path):
        return {}
    document = _read(load_yaml, path, diagnostics)
    record = validate_model(JudgmentsFile, document, diagnostics) if document else None
    if document is None or record is None:
        diagnostics.unreadable.add("judgments")
        return {}
    judgments: dict[str, Judgment] = {}
    for index, judgment in enumerate(record.judgments):
        origin = Origin(document, ("judgments", index))
        if judgment.id in judgments:
            diagnostics.error(
                path,
                origin.line("id"),
                "judgment.duplicate-id",
                f"judgment id '{judgment.id}' is used twice",
            )
            continue
        judgments[judgment.id] = Judgment(judgment, origin)
    return judgments


def load_briefs(directory: Path, diagnostics: Diagnostics) -> dict[str, Brief]:
    briefs: dict[str, Brief] = {}
    for path, document, meta in _records(
        directory, ".md", load_front_matter, BriefMeta, diagnostics
    ):
        sections = split_sections(document, diagnostics)
        briefs[path.stem] = Brief(path.stem, meta, Origin(document), sections)
    return briefs


def load_project(root: Path, diagnostics: Diagnostics) -> Project | None:
    """Read ``briefgen.toml`` and everything under ``content/``."""
    settings = load_settings(root, diagnostics)
    content = root / CONTENT_DIR
    sources = load_sources(content / "sources", diagnostics)
    notes = load_notes(content / "notes", diagnostics)
    options = load_options(content / "options", diagnostics)
    briefs = load_briefs(content / "briefs", diagnostics)
    criteria = load_criteria(content / "criteria.yaml", diagnostics)
    judgments = load_judgments(content / "judgments.yaml", diagnostics)
    for path in _near_misses(content, ("criteria", "judgments")):
        diagnostics.error(
            path, 0, "content.extension", f"'{path.name}' is not read: use {path.stem}.yaml"
        )
        diagnostics.unreadable.add(path.stem)
    if settings is None:
        return None
    return Project(root, settings, sources, notes, options, briefs, criteria, judgments)
