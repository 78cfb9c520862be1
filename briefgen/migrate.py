"""``briefgen migrate-locators``: renumber ¶ to body paragraphs once a source marks lines.

A source record that marks its non-body lines (``lines:``) but has no ``numbering: body``
still has notes that count every non-empty line. For each such source this rewrites, in
place, keeping comments and formatting (each edit is made on the exact line the loader
found the key on, and the edited file is parsed back and compared with what was meant):

* ``paragraph: N`` of each of its notes, to the body paragraph's number;
* a stated value's ``paragraph: N`` to ``line: L`` when N is a marked line (the title);
* "¶N" and "¶N–M" in the free text of notes and source records that refer to it: in a
  note's text, its own source; in a source record's, that source; right after another
  source's id ("klingner-gsomia (¶13)"), that source;
* and adds ``numbering: body`` to the record, which makes a second run a no-op.

All or nothing: if anything can't be migrated (a note or a reference on a heading, the
title or the byline; a ¶ out of range), it is reported and no file is written; files are
written by write/project_files.py (staged, journaled, renamed).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.diagnostics import Diagnostics
from briefgen.load.project import load_project
from briefgen.load.readers import parse_yaml, read_text
from briefgen.model.document import Document, Loc
from briefgen.model.project import Project, Source
from briefgen.validate.lines import ATTESTED, check_marks, check_note_line, describe_line
from briefgen.write.confined import WriteError
from briefgen.write.lock import project_lock
from briefgen.write.project_files import (
    Recovery,
    report,
    start_writing,
    write_project_files,
)

REFERENCE = re.compile(r"¶(\d+)(?:([–-])(\d+))?")
OWNER = re.compile(r"(?<![\w-])([a-z0-9]+(?:-[a-z0-9]+)*)[\s(]*$")  # "source-id (" before ¶
PARAGRAPH_KEY = re.compile(r"^(\s*(?:-\s+)?paragraph\s*:\s*)(\d+)(\s*(?:#.*)?)$")
SKIPPED = {"quote", "id", "source", "text", "sha256"}  # verbatim text and ids: never ¶
PROSE = ("briefs/*.md", "options/*.yaml", "judgments.yaml", "criteria.yaml")


@dataclass(frozen=True)
class Change:
    """One rewrite, for the summary: ``path:line: old → new``."""

    path: Path
    line: int
    old: str
    new: str
    column: int = 0  # orders two changes on one line


@dataclass
class _File:
    """The planned edits of one YAML file and the data they must give when read back."""

    document: Document
    lines: list[str]
    expected: Any
    edits: list[tuple[int, int, int, str]] = field(default_factory=list)  # line, start, end
    append_after: dict[int, str] = field(default_factory=dict)

    def text(self) -> str:
        lines = list(self.lines)
        for line, start, end, new in sorted(self.edits, reverse=True):
            lines[line - 1] = lines[line - 1][:start] + new + lines[line - 1][end:]
        for line, added in sorted(self.append_after.items(), reverse=True):
            lines.insert(line, added)
        return "\n".join(lines)


@dataclass
class Migration:
    """What the command did or would do."""

    diagnostics: Diagnostics
    sources: list[str] = field(default_factory=list)  # ids migrated (or to migrate)
    changes: list[Change] = field(default_factory=list)
    texts: dict[Path, str] = field(default_factory=dict)  # each edited file's new text
    originals: dict[Path, str] = field(default_factory=dict)  # and the text it replaces
    written: list[Path] = field(default_factory=list)
    recovery: Recovery = field(default_factory=Recovery)  # an interrupted write


def migrate_locators(root: Path, *, dry_run: bool, waiting: Callable[[], None]) -> Migration:
    """Plan the migration of every source that needs it; write it unless ``dry_run``."""
    diagnostics = Diagnostics(root)
    with project_lock(root, wait=True, waiting=waiting):
        recovery = Recovery()
        if not start_writing(root, diagnostics, recovery, dry_run=dry_run):
            return Migration(diagnostics, recovery=recovery)
        project, _ = load_project(root, diagnostics)
        if project is None or diagnostics.errors:
            return Migration(diagnostics, recovery=recovery)
        migration = plan_locators(project, diagnostics)
        migration.recovery = recovery
        if not dry_run and not diagnostics.errors:
            try:
                migration.written = write_project_files(root, migration.texts)
            except WriteError as exc:
                report(diagnostics, exc)
    return migration


def plan_locators(project: Project, diagnostics: Diagnostics) -> Migration:
    """The migration of every source that needs it, as new file texts (nothing written).

    Each edited file is parsed back and must give exactly the data the plan meant; with
    any error, the migration holds no changes and no texts.
    """
    migration = Migration(diagnostics)
    pending = {
        source_id: source
        for source_id, source in sorted(project.sources.items())
        if source.record.lines is not None and not source.migrated
    }
    migration.sources = list(pending)
    if not pending:
        return migration
    files = _plan(project, pending, migration)
    if diagnostics.errors:
        migration.changes.clear()
        return migration
    migration.changes = sorted(_as_written(migration.changes, files), key=_order)
    texts = {path: planned.text() for path, planned in files.items()}
    for path, text in texts.items():
        if parse_yaml(text, path).data != files[path].expected:
            raise AssertionError(f"migrating {path} would change more than its ¶ numbers")
    migration.texts = texts
    migration.originals = {path: "\n".join(planned.lines) for path, planned in files.items()}
    return migration


def _as_written(changes: list[Change], files: dict[Path, _File]) -> Iterator[Change]:
    """Changes with their lines in the file as written (after added lines)."""
    for change in changes:
        added = files[change.path].append_after if change.old else {}
        shift = sum(1 for after in added if after < change.line)
        yield Change(change.path, change.line + shift, change.old, change.new, change.column)


def _order(change: Change) -> tuple[str, int, int]:
    return (str(change.path), change.line, change.column)


def _plan(project: Project, pending: dict[str, Source], migration: Migration) -> dict[Path, _File]:
    diagnostics, root = migration.diagnostics, project.root
    files: dict[Path, _File] = {}

    def file_of(document: Document) -> _File:
        if document.path not in files:
            text = read_text(document.path, root)
            if parse_yaml(text, document.path).data != document.data:
                raise AssertionError(f"{document.path} changed while it was being migrated")
            files[document.path] = _File(document, text.split("\n"), copy.deepcopy(document.data))
        return files[document.path]

    for source in pending.values():
        check_marks(source, diagnostics)
        _plan_record(source, file_of(source.origin.document), migration)
    for note in sorted(project.notes.values(), key=lambda n: (n.origin.path, n.origin.loc)):
        cited = pending.get(note.record.source)
        loc = (*note.origin.loc, "paragraph")
        if cited is not None and check_note_line(note, cited, diagnostics):
            _renumber_key(cited, file_of(note.origin.document), loc, migration)
    for source in project.sources.values():
        _plan_text(project, pending, source.origin.document, source.id, (), file_of, migration)
    for note in project.notes.values():
        document, loc = note.origin.document, note.origin.loc
        _plan_text(project, pending, document, note.record.source, loc, file_of, migration)
    _report_prose(project.root, pending, diagnostics)
    return {
        path: planned for path, planned in files.items() if planned.edits or planned.append_after
    }


def _renumber(source: Source, paragraph: int) -> int | None:
    """Old ¶ (N-th non-empty line) → body ¶; None for a marked line or one out of range."""
    if paragraph > len(source.counted):
        return None
    line = source.line_of(paragraph)
    body = [n for n in source.counted if n not in source.roles]
    return body.index(line) + 1 if line in body else None


def _renumber_key(source: Source, planned: _File, loc: Loc, migration: Migration) -> None:
    """``paragraph: N`` at ``loc`` → the body number."""
    document = planned.document
    line = document.lines[loc]
    old = _get(document.data, loc)
    new = _renumber(source, old)
    found = PARAGRAPH_KEY.match(planned.lines[line - 1])
    if new is None:
        migration.diagnostics.error(
            document.path,
            line,
            "note.paragraph-range",
            f"¶{old} does not exist in source '{source.id}' (it has {len(source.counted)} "
            "paragraphs)",
        )
    elif found is None or int(found[2]) != old:
        _cannot_edit(migration, document.path, line, f"'paragraph: {old}'")
    elif new != old:
        planned.edits.append((line, found.start(2), found.end(2), str(new)))
        _set(planned.expected, loc, new)
        migration.changes.append(Change(document.path, line, f"¶{old}", f"¶{new}"))


def _plan_record(source: Source, planned: _File, migration: Migration) -> None:
    """A record's stated ``paragraph``s, and its new ``numbering: body``."""
    document = planned.document
    for name in ATTESTED:
        value = getattr(source.record, name)
        if value.paragraph is None:
            continue
        loc = (name, "paragraph")
        if value.paragraph <= len(source.counted) and source.line_of(value.paragraph) in (
            source.roles
        ):
            line = document.lines[loc]
            found = re.match(
                r"^(\s*)paragraph(\s*:\s*)(\d+)(\s*(?:#.*)?)$", planned.lines[line - 1]
            )
            if found is None:
                _cannot_edit(migration, document.path, line, f"'paragraph: {value.paragraph}'")
                continue
            number = source.line_of(value.paragraph)
            new = f"line{found[2]}{number}"
            planned.edits.append((line, found.start() + len(found[1]), found.end(3), new))
            fields = _get(planned.expected, (name,))
            del fields["paragraph"]
            fields["line"] = number
            role = source.roles[number].describe()
            change = Change(document.path, line, f"paragraph: {value.paragraph}", f"{new} ({role})")
            migration.changes.append(change)
        else:
            _renumber_key(source, planned, loc, migration)
    last = max(line for loc, line in document.lines.items() if loc[:1] == ("lines",))
    planned.append_after[last] = "numbering: body  # ¶ numbers in notes count body paragraphs only"
    planned.expected["numbering"] = "body"
    migration.changes.append(Change(document.path, last + 1, "", "numbering: body"))


def _strings(data: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    """Every free-text string under ``data`` with its place."""
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, dict):
        for key, value in data.items():
            if key not in SKIPPED:
                yield from _strings(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*loc, index))


def _plan_text(
    project: Project,
    pending: dict[str, Source],
    document: Document,
    owner: str,
    base: Loc,
    file_of: Callable[[Document], _File],
    migration: Migration,
) -> None:
    """Rewrite the ¶ references of pending sources in the free text under ``base``."""
    for loc, value in _strings(_get(document.data, base), base):
        news: list[tuple[Source, str] | None] = []
        matches = list(REFERENCE.finditer(value))
        for found in matches:
            named = OWNER.search(value, 0, found.start())
            source = pending.get(named[1] if named and named[1] in project.sources else owner)
            news.append(None if source is None else (source, _new_reference(source, found)))
        if all(new is None or new[1] == found[0] for new, found in zip(news, matches, strict=True)):
            continue
        _edit_text(document, loc, value, matches, news, file_of(document), migration)


def _new_reference(source: Source, found: re.Match[str]) -> str:
    """'¶N' / '¶N–M' in the old numbering → body numbering; '' if it names no body line."""
    first = int(found[1])
    last = int(found[3]) if found[3] else first
    numbers = [_renumber(source, n) for n in range(first, last + 1)]
    body = [n for n in numbers if n is not None]
    if not body or (found[3] is None and numbers[0] is None):
        return ""
    return f"¶{body[0]}" if len(body) == 1 else f"¶{body[0]}{found[2]}{body[-1]}"


def _edit_text(
    document: Document,
    loc: Loc,
    value: str,
    matches: list[re.Match[str]],
    news: list[tuple[Source, str] | None],
    planned: _File,
    migration: Migration,
) -> None:
    path, start = document.path, document.lines[loc]
    later = [line for line in document.lines.values() if line > start]
    end = min(later) - 1 if later else len(planned.lines)
    in_file = [
        (number, found)
        for number in range(start, end + 1)
        if not planned.lines[number - 1].lstrip().startswith("#")
        for found in REFERENCE.finditer(planned.lines[number - 1])
    ]
    if [found[0] for _, found in in_file] != [found[0] for found in matches]:
        _cannot_edit(migration, path, start, "its ¶ references")
        return
    text = value
    for (number, found), match, planned_new in reversed(
        list(zip(in_file, matches, news, strict=True))
    ):
        if planned_new is None or planned_new[1] == found[0]:
            continue
        source, new = planned_new
        if new == "":
            migration.diagnostics.error(
                path,
                number,
                "migrate.reference-not-body",
                f"'{found[0]}' names no body paragraph of source '{source.id}' "
                f"({_names(source, found)}): reword it by hand (for example 'the byline'), "
                "then run the command again",
            )
            continue
        planned.edits.append((number, found.start(), found.end(), new))
        text = text[: match.start()] + new + text[match.end() :]
        migration.changes.append(Change(path, number, found[0], new, found.start()))
    _set(planned.expected, loc, text)


def _names(source: Source, found: re.Match[str]) -> str:
    """What the lines of an old reference are, for its diagnostic."""
    first, last = int(found[1]), int(found[3] or found[1])
    lines = [source.line_of(n) for n in range(first, last + 1) if n <= len(source.counted)]
    return "; ".join(describe_line(source, n) for n in lines) or "out of range"


def _report_prose(root: Path, pending: dict[str, Source], diagnostics: Diagnostics) -> None:
    """¶ in briefs, options and judgments: which source they mean is not known."""
    content = root / "content"
    for pattern in PROSE:
        for path in sorted(content.glob(pattern)):
            for number, line in enumerate(read_text(path, root).split("\n"), start=1):
                for found in REFERENCE.finditer(line):
                    diagnostics.warning(
                        path,
                        number,
                        "migrate.reference-unknown-source",
                        f"'{found[0]}' is not rewritten: if it means a paragraph of "
                        f"{', '.join(repr(s) for s in pending)}, renumber it by hand",
                    )


def _cannot_edit(migration: Migration, path: Path, line: int, what: str) -> None:
    migration.diagnostics.error(
        path,
        line,
        "migrate.cannot-edit",
        f"cannot rewrite {what} in place (flow style, or a ¶ split by a comment): write it "
        "in block style, then run the command again",
    )


def _get(data: Any, loc: Loc) -> Any:
    for part in loc:
        data = data[part]
    return data


def _set(data: Any, loc: Loc, value: Any) -> None:
    _get(data, loc[:-1])[loc[-1]] = value
