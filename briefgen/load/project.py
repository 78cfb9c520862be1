"""Stage 1 — load: read every content file into typed, located records.

Reading never stops at the first problem: each bad file becomes diagnostics and
the rest are still read, so a user sees every error at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from briefgen import __version__
from briefgen.diagnostics import Diagnostics
from briefgen.load.fallback import fallback_settings, hidden_codes
from briefgen.load.files import (
    Loading,
    check_id,
    content_files,
    near_misses,
    present,
    read_document,
)
from briefgen.load.readers import (
    load_front_matter,
    load_toml,
    load_yaml,
    parse_toml,
)
from briefgen.load.readers import read_text as read_content_text
from briefgen.load.records import M, validate_model
from briefgen.load.renames import apply_renames
from briefgen.load.sections import split_sections
from briefgen.memo import record_read
from briefgen.model import requires
from briefgen.model.document import Document, DocumentError
from briefgen.model.layouts import merge
from briefgen.model.project import Brief, Criteria, Judgment, Note, Option, Origin, Project, Source
from briefgen.model.records import (
    BriefMeta,
    CriteriaFile,
    JudgmentsFile,
    NotesFile,
    OptionRecord,
    SourceRecord,
)
from briefgen.model.report import ContentKind, Duplicate, LoadReport, UnreadableFile
from briefgen.model.settings import RENAMES, Settings
from briefgen.rules import check_setting

SETTINGS_FILE = "briefgen.toml"
CONTENT_DIR = "content"
RENAMED_TABLES = frozenset(rename.old for rename in RENAMES)
# `notes:` with nothing under it: a file that holds none yet, not a schema error.
LISTS_LEFT_EMPTY = [[(key, None)] for key in ("notes", "judgments")]


Keyed = TypeVar("Keyed", Note, Judgment)


def _for_another_briefgen(document: Document, diagnostics: Diagnostics) -> bool:
    """A project whose ``requires`` this briefgen is outside: that one error, alone.

    Checked before the model, so a project written for a later briefgen is not also
    reported key by key for settings this one does not know.
    """
    value = requires.declared(document.data)
    try:
        problem = requires.unmet(requires.parse(value), value) if value is not None else None
    except ValueError:
        return False  # the model reports it as schema.invalid, with the reason
    if problem is None:
        return False
    line = document.line_of(("project", "requires"))
    diagnostics.error(document.path, line, "settings.requires", problem)
    return True


def load_settings(
    root: Path,
    diagnostics: Diagnostics,
    *,
    version: str = __version__,
    text: str | None = None,
    fallback: bool = False,
) -> Settings | None:
    """``briefgen.toml``, as briefgen ``version`` reads it (renamed settings: renames.py).

    ``text``, if given, is read instead of the file (what ``upgrade`` is about to write).
    With ``fallback``, settings with errors are still returned, each broken table at its
    default, and the checks that read a broken table are left out of ``diagnostics``
    (load/fallback.py): the content is checked in the same run.
    """
    path = root / SETTINGS_FILE
    if text is not None:
        document: Document | None = read_document(
            lambda p, _root: parse_toml(text, p), path, diagnostics
        )
    elif not present(path):
        diagnostics.error(path, 0, "settings.missing", f"no {SETTINGS_FILE} in {root}")
        return None
    else:
        document = read_document(load_toml, path, diagnostics)
    if document is not None and _for_another_briefgen(document, diagnostics):
        return None
    renamed = apply_renames(document, version, diagnostics) if document is not None else None
    settings = validate_model(Settings, renamed, diagnostics) if renamed is not None else None
    if settings is None and not fallback:
        return None
    broken: frozenset[str] = frozenset()
    if settings is None:
        data = document.data if document is not None else None
        if isinstance(data, dict) and renamed is None:  # an old form that is an error
            data = {key: value for key, value in data.items() if key not in RENAMED_TABLES}
        settings, broken = fallback_settings(renamed.data if renamed is not None else data)
    document = renamed or document or Document(path, {})
    layouts, problems = merge(settings.types)
    for type_id, problem in sorted(problems.items()):
        where = document.line_of(("types", type_id)) if type_id in settings.types else 0
        diagnostics.error(path, where, "type.invalid", f"brief type '{type_id}': {problem}")
    if problems:
        broken |= {"types"}
    settings._layouts = layouts
    _check_rules(settings, document, diagnostics)
    if fallback:
        diagnostics.hide(hidden_codes(broken))
    return settings


def _check_rules(settings: Settings, document: Document, diagnostics: Diagnostics) -> None:
    """Refuse the ``[rules]`` entries a rule's class does not allow; apply the rest."""
    allowed = {}
    for code, configured in settings.rule_levels.items():
        problem = check_setting(code, configured.level, configured.reason)
        if problem is None:
            allowed[code] = configured
        else:
            line = document.line_of(("rules", code))
            diagnostics.error(document.path, line, "settings.rules", problem)
    diagnostics.configure(allowed)


def _empty(path: Path, document: Document | None, kind: ContentKind, loading: Loading) -> bool:
    """An empty data file: one error about it; it declares nothing, so hides nothing."""
    if document is None:
        return False
    data = document.data
    if isinstance(data, dict) and list(data.items()) in LISTS_LEFT_EMPTY:
        key = next(iter(data))
        loading.diagnostics.error(
            path,
            document.line_of((key,)),
            "content.empty",
            f"no {key} in this file: list them under `{key}:` (each starting '- id: '), "
            "or delete the file",
        )
    elif data is None:
        loading.diagnostics.error(path, 1, "content.empty", "the file is empty")
    else:
        return False
    loading.unreadable.append(UnreadableFile(path, kind, frozenset()))
    return True


def _records(
    directory: Path,
    suffix: str,
    loader: Callable[[Path, Path], Document],
    model: type[M],
    kind: ContentKind,
    loading: Loading,
    *,
    named: bool = True,
) -> Iterator[tuple[Path, Document, M]]:
    """Each valid record in a content folder; invalid files become diagnostics.

    A file that yields no record is one error about that file, and is noted in the
    load report so that references into it are not reported as dangling again.
    """
    diagnostics = loading.diagnostics
    for path in content_files(directory, suffix, kind, loading):
        document = read_document(loader, path, diagnostics)
        if suffix == ".yaml" and _empty(path, document, kind, loading):
            continue
        valid = document is not None and (not named or check_id(path, diagnostics))
        record = validate_model(model, document, diagnostics) if valid and document else None
        if document is None or record is None:
            loading.lost(path, kind)
            continue
        yield path, document, record


def load_sources(directory: Path, loading: Loading) -> dict[str, Source]:
    diagnostics = loading.diagnostics
    sources: dict[str, Source] = {}
    for path, document, record in _records(
        directory, ".yaml", load_yaml, SourceRecord, ContentKind.SOURCES, loading
    ):
        text_path = directory / record.text
        if not present(text_path):
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
            loading.lost(path, ContentKind.SOURCES)  # its notes are not "unknown source"
            continue
        record_read(text_path, text)
        sources[path.stem] = Source(path.stem, record, Origin(document), text)
    return sources


def load_notes(directory: Path, loading: Loading) -> dict[str, Note]:
    files = _records(
        directory, ".yaml", load_yaml, NotesFile, ContentKind.NOTES, loading, named=False
    )
    notes = (
        Note(record, Origin(document, ("notes", index)))
        for _path, document, notes_file in files
        for index, record in enumerate(notes_file.notes)
    )
    return _by_id("note", notes, loading)


def _by_id(kind: str, records: Iterable[Keyed], loading: Loading) -> dict[str, Keyed]:
    """Records by id; a later record with a used id is kept out and reported by validation."""
    found: dict[str, Keyed] = {}
    for record in records:
        first = found.get(record.id)
        if first is not None:
            loading.duplicates.append(Duplicate(kind, record.id, record.origin, first.origin))
        else:
            found[record.id] = record
    return found


def load_options(directory: Path, loading: Loading) -> dict[str, Option]:
    return {
        path.stem: Option(path.stem, record, Origin(document))
        for path, document, record in _records(
            directory, ".yaml", load_yaml, OptionRecord, ContentKind.OPTIONS, loading
        )
    }


def _single(
    path: Path, model: type[M], kind: ContentKind, loading: Loading
) -> tuple[Document, M] | None:
    """One optional file of ``kind`` (criteria.yaml, judgments.yaml), if present."""
    if not present(path):
        return None
    records = list(_records_of(path, model, kind, loading))
    return records[0] if records else None


def _records_of(
    path: Path, model: type[M], kind: ContentKind, loading: Loading
) -> Iterator[tuple[Document, M]]:
    diagnostics = loading.diagnostics
    document = read_document(load_yaml, path, diagnostics)
    if _empty(path, document, kind, loading):
        return
    record = validate_model(model, document, diagnostics) if document else None
    if document is None or record is None:
        loading.lost(path, kind)
        return
    yield document, record


def load_criteria(path: Path, loading: Loading) -> Criteria | None:
    """``content/criteria.yaml``, if the project scores its options."""
    found = _single(path, CriteriaFile, ContentKind.CRITERIA, loading)
    return Criteria(found[1], Origin(found[0])) if found else None


def load_judgments(path: Path, loading: Loading) -> dict[str, Judgment]:
    """``content/judgments.yaml``, if the project states key judgments."""
    found = _single(path, JudgmentsFile, ContentKind.JUDGMENTS, loading)
    if found is None:
        return {}
    document, record = found
    judgments = (
        Judgment(judgment, Origin(document, ("judgments", index)))
        for index, judgment in enumerate(record.judgments)
    )
    return _by_id("judgment", judgments, loading)


def load_briefs(directory: Path, loading: Loading) -> dict[str, Brief]:
    briefs: dict[str, Brief] = {}
    for path, document, meta in _records(
        directory, ".md", load_front_matter, BriefMeta, ContentKind.BRIEFS, loading
    ):
        sections = split_sections(document, loading.diagnostics)
        briefs[path.stem] = Brief(path.stem, meta, Origin(document), sections)
        _dates_read(path, document, meta, loading.diagnostics)
    return briefs


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _dates_read(path: Path, document: Document, meta: BriefMeta, diagnostics: Diagnostics) -> None:
    """A front-matter date typed in words ("Oct 14 2016") is read (model/written_dates.py);
    a note says which date it became, so a slip in the typing is seen before it prints."""
    data = document.data if isinstance(document.data, dict) else {}
    for key in ("date", "approved_on", "decide_by"):
        typed, read = data.get(key), getattr(meta, key)
        if isinstance(typed, str) and read is not None and not ISO_DATE.fullmatch(typed.strip()):
            diagnostics.note(
                path,
                document.line_of((key,)),
                "brief.date-read",
                f"read {key} '{typed.strip()}' as {read.isoformat()}",
            )


def load_project(
    root: Path,
    diagnostics: Diagnostics,
    *,
    version: str = __version__,
    settings_text: str | None = None,
) -> tuple[Project | None, LoadReport]:
    """Read ``briefgen.toml`` (or ``settings_text``) and everything under ``content/``.

    Returns the project (None without usable settings) and the report of the files
    that contributed no records, which validation consults. ``version`` is the briefgen
    whose rules apply to renamed settings (a test reads a project as a later one would).
    """
    loading = Loading(diagnostics)
    settings = load_settings(root, diagnostics, version=version, text=settings_text, fallback=True)
    content = root / CONTENT_DIR
    sources = load_sources(content / "sources", loading)
    notes = load_notes(content / "notes", loading)
    options = load_options(content / "options", loading)
    briefs = load_briefs(content / "briefs", loading)
    criteria = load_criteria(content / "criteria.yaml", loading)
    judgments = load_judgments(content / "judgments.yaml", loading)
    for path in near_misses(content, ("criteria", "judgments")):
        diagnostics.error(
            path, 0, "content.extension", f"'{path.name}' is not read: use {path.stem}.yaml"
        )
        loading.lost(path, ContentKind(path.stem))
    if settings is None:
        return None, loading.report()
    project = Project(root, settings, sources, notes, options, briefs, criteria, judgments)
    return project, loading.report()
