"""``briefgen upgrade``: bring a project written for an earlier briefgen up to date.

Old projects carry no version, so each step recognises the old format by its features
and rewrites only what is mechanical:

1. settings (upgrade/settings.py): renamed tables moved to their new place
   (``model/settings.RENAMES``); ``[markings.claims_approval]`` declared for every level;
2. locators (migrate.py): ¶ numbers renumbered to body paragraphs where a source marks
   its lines.

What only a person can decide (a note's holder, a memo's principal, a section to write)
is returned as located to-dos: the errors ``briefgen check`` reports on the upgraded
project, looking past the validation errors that leave analysis possible so that none
hides another, and its unattributed sentences.

All or nothing, under the project lock: every edit is planned, each edited file is
parsed back and compared with what was meant, and only then are the files written
(write/project_files.py: staged, journaled, renamed; a crash between two renames is
finished by the next run). A second run changes nothing.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from briefgen import pipeline
from briefgen.diagnostics import Diagnostics, Severity
from briefgen.load.project import SETTINGS_FILE, load_project
from briefgen.load.readers import read_text
from briefgen.migrate import plan_locators
from briefgen.model.document import DocumentError
from briefgen.model.project import Project
from briefgen.upgrade.settings import plan_settings
from briefgen.validate.attribution import citing_sentences
from briefgen.write.confined import WriteError
from briefgen.write.lock import project_lock
from briefgen.write.project_files import (
    Recovery,
    report,
    start_writing,
    write_project_files,
)

# Warnings a person must act on for an old project to read as written (every error is).
TODO_WARNINGS = frozenset({"brief.unattributed-opinion"})
# What the steps above rewrite: never a to-do, even when the check still sees it.
REWRITTEN = frozenset({"settings.deprecated", "source.numbering-unmigrated"})


@dataclass(frozen=True, order=True)
class Todo:
    """Something ``upgrade`` cannot decide: ``path:line: todo: what to do [code]``."""

    path: str
    line: int
    message: str
    code: str  # the diagnostic the user would otherwise meet

    def format(self) -> str:
        return f"{self.path}:{self.line}: todo: {self.message} [{self.code}]"


@dataclass
class Upgrade:
    """What the command changed (or would change) and what is left to a person."""

    diagnostics: Diagnostics  # errors here mean nothing was written
    diff: str = ""
    changed: list[Path] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    recovery: Recovery = field(default_factory=Recovery)  # an interrupted write
    todos: list[Todo] = field(default_factory=list)


def upgrade(root: Path, *, dry_run: bool, waiting: Callable[[], None]) -> Upgrade:
    """Plan every mechanical edit; write them unless ``dry_run``; list the to-dos."""
    diagnostics = Diagnostics(root)
    result = Upgrade(diagnostics)
    with project_lock(root, wait=True, waiting=waiting):
        if not start_writing(root, diagnostics, result.recovery, dry_run=dry_run):
            return result
        texts, originals = _plan(root, diagnostics)
        if diagnostics.errors:
            return result
        result.changed = sorted(texts)
        result.diff = _diff(diagnostics, originals, texts)
        if texts and not dry_run:
            try:
                result.written = write_project_files(root, texts)
            except WriteError as exc:
                report(diagnostics, exc)
                return result
        # After writing, the check reads the files; otherwise the settings as planned.
        pending = None if result.written else texts.get(root / SETTINGS_FILE)
        result.todos = _todos(root, pending)
    return result


def _plan(root: Path, diagnostics: Diagnostics) -> tuple[dict[Path, str], dict[Path, str]]:
    """Each file to change → its new text, and its text now."""
    path = root / SETTINGS_FILE
    try:
        old = read_text(path, root)
    except DocumentError as exc:
        diagnostics.error(exc.path or path, exc.line, exc.code, exc.message)
        return {}, {}
    except FileNotFoundError:
        diagnostics.error(path, 0, "settings.missing", f"no {SETTINGS_FILE} in {root}")
        return {}, {}
    new = plan_settings(old, path, diagnostics)
    if new is None:
        return {}, {}
    texts = {path: new} if new != old else {}
    originals = {path: old}
    loading = Diagnostics(root)
    project, _ = load_project(root, loading, settings_text=new)
    # A project that doesn't load has its errors among the to-dos; its ¶ wait for a run
    # after they are fixed, as they need every note read.
    if project is not None and not loading.errors:
        migration = plan_locators(project, diagnostics)
        texts.update(migration.texts)
        originals.update(migration.originals)
    return texts, originals


def _diff(diagnostics: Diagnostics, originals: dict[Path, str], texts: dict[Path, str]) -> str:
    """A unified diff of every change, file by file in path order."""
    out: list[str] = []
    for path, new in sorted(texts.items()):
        name = diagnostics.relative(path)
        out.extend(
            difflib.unified_diff(
                originals[path].split("\n"),
                new.split("\n"),
                f"a/{name}",
                f"b/{name}",
                lineterm="",
            )
        )
    return "".join(f"{line}\n" for line in out)


def _todos(root: Path, settings_text: str | None) -> list[Todo]:
    """What the check reports that a person must decide, in file and line order."""
    checked = pipeline.check(
        root, settings_text=settings_text, look_past_resolvable=True, keep_citations=False
    )
    diagnostics = checked.diagnostics
    citing = _citing_unheld(checked.project, diagnostics) if checked.project else {}
    todos = []
    for d in diagnostics.sorted():
        wanted = d.severity is Severity.ERROR or d.code in TODO_WARNINGS
        if not wanted or d.code in REWRITTEN:
            continue
        message = d.message
        lines = citing.get((d.path, d.line)) if d.code == "note.missing-holder" else None
        if lines:
            message += (
                f"; then check that the {len(lines)} sentence(s) citing it name that holder ("
                + ", ".join(lines)
                + "), or mark them '::: analysis'"
            )
        todos.append(Todo(d.path, d.line, message, d.code))
    return todos


def _citing_unheld(project: Project, diagnostics: Diagnostics) -> dict[tuple[str, int], list[str]]:
    """Where each holderless opinion or quote note is (its `kind:` line, as the missing
    holder is reported) → the sentences that will have to name its holder, as path:line."""
    found: dict[tuple[str, int], list[str]] = {}
    for brief_id in sorted(project.briefs):
        brief = project.briefs[brief_id]
        for line, note, _ in citing_sentences(project, brief):
            if note.record.holder:
                continue
            where = (diagnostics.relative(note.origin.path), note.origin.line("kind"))
            place = f"{diagnostics.relative(brief.origin.path)}:{line}"
            if place not in found.setdefault(where, []):
                found[where].append(place)
    return found
