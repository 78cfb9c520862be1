"""``briefgen source import refs.bib|refs.json``: fill existing sources' metadata from a
reference manager's export (BibTeX, or Zotero / Better BibTeX CSL-JSON), all or nothing.

An entry matches the source whose id is its citation key. It fills that source's record,
never its text:

* ``title``, ``author``, ``outlet`` and ``date`` become ``{status: recorded, value: …,
  from: <the file, as the project names it>}``, unless the text states them: a stated
  value is kept, and one the entry contradicts is reported (``import.conflict``);
* ``url``, ``accessed``, ``publisher``, ``number``, ``version`` and ``short_title`` are
  set when the record has none (with a ``# recorded from …`` comment, which lets a later
  import of the same file update them); a different value already there is kept and
  reported.

An entry no source matches is one warning naming the command that adds the source. The
file must be inside the project and not a link (its path is what ``from:`` records).
Each record is edited in place, line by line, keeping its comments; the edited text is
read back and must give exactly the record meant, and every file is written by the one
project writer (write/project_files.py) under the project lock.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from briefgen.diagnostics import Diagnostics
from briefgen.ingest import ImportFailure, Limits
from briefgen.ingest.bibliography import MAX_BIBLIOGRAPHY_BYTES, read_bibliography
from briefgen.ingest.bibliography.entry import Entry, Value
from briefgen.load.project import load_project
from briefgen.load.readers import linked_part, parse_yaml, read_text
from briefgen.model.document import DocumentError
from briefgen.model.project import Source
from briefgen.model.records import ID_PATTERN, Attested, SourceRecord, Status
from briefgen.sources.add import SOURCES, read_user_file
from briefgen.write.confined import WriteError
from briefgen.write.lock import project_lock
from briefgen.write.project_files import (
    Recovery,
    report,
    start_writing,
    write_project_files,
)

SUFFIXES = (".bib", ".json")
ATTESTED = ("title", "author", "outlet", "date")
PLAIN = ("url", "accessed", "publisher", "number", "version", "short_title")


@dataclass(frozen=True)
class Filled:
    source_id: str
    name: str
    value: str | list[str]
    was: str | None  # the value replaced (inferred, or recorded elsewhere), if any


@dataclass
class Imported:
    diagnostics: Diagnostics
    entries: int = 0
    filled: list[Filled] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    recovery: Recovery = field(default_factory=Recovery)


@dataclass
class _Plan:
    """The changes to one source record."""

    source: Source
    path: Path
    attested: dict[str, Value] = field(default_factory=dict)
    plain: dict[str, Value] = field(default_factory=dict)


def import_bibliography(
    root: Path, file: Path, *, waiting: Callable[[], None] = lambda: None
) -> Imported:
    """Fill the records of ``root``'s sources from the bibliography ``file``."""
    diagnostics = Diagnostics(root)
    imported = Imported(diagnostics)
    if not (root / "briefgen.toml").is_file():
        diagnostics.error(root / "briefgen.toml", 0, "settings.missing", "no briefgen project here")
        return imported
    suffix = file.suffix.lower()
    if suffix not in SUFFIXES:
        diagnostics.error(
            file,
            0,
            "import.unsupported",
            "briefgen source import reads a BibTeX (.bib) or CSL-JSON (.json) export; to add "
            "a source's text, use briefgen source add",
        )
        return imported
    where = _inside(root, file)
    if where is None:
        diagnostics.error(
            file,
            0,
            "import.outside-project",
            "the bibliography is outside the project: copy it into the project folder "
            "(its path there is what each filled value records as `from:`), then import it",
        )
        return imported
    if linked_part(Path(os.path.abspath(file)), Path(os.path.abspath(root))) is not None:
        diagnostics.error(file, 0, "import.symlink", "is a symbolic link; name the file itself")
        return imported
    try:
        data = read_user_file(file, Limits(max_bytes=MAX_BIBLIOGRAPHY_BYTES))
        folder = root / SOURCES
        ids = {p.stem for p in folder.glob("*.yaml")} if folder.is_dir() else set()
        bibliography = read_bibliography(suffix, data, ids.__contains__)
    except ImportFailure as failure:
        diagnostics.error(file, failure.line or 0, failure.code, failure.message)
        return imported
    imported.entries = len(bibliography.entries)
    for line, why in bibliography.broken:
        diagnostics.warning(file, line, "import.bad-value", f"{why}: left out")
    with project_lock(root, wait=True, waiting=waiting):
        if not start_writing(root, diagnostics, imported.recovery):
            return imported
        project, _ = load_project(root, Diagnostics(root))
        sources = project.sources if project is not None else {}
        plans = [
            plan
            for entry in bibliography.entries
            if (plan := _plan(root, file, where, entry, sources, imported)) is not None
        ]
        texts: dict[Path, str] = {}
        for plan in plans:
            text = _edited(root, where, plan, diagnostics)
            if text is None:
                return imported  # reported; nothing written
            if text:
                texts[plan.path] = text
        if not texts:
            imported.filled = []
            return imported
        try:
            imported.written = write_project_files(root, texts)
        except WriteError as exc:
            report(diagnostics, exc)
            imported.filled = []
    return imported


def _inside(root: Path, file: Path) -> str | None:
    """The file's path relative to the project (as written, links not followed)."""
    try:
        relative = Path(os.path.abspath(file)).relative_to(os.path.abspath(root))
    except ValueError:
        return None
    return relative.as_posix() if relative.parts else None


def _plan(
    root: Path,
    file: Path,
    where: str,
    entry: Entry,
    sources: dict[str, Source],
    imported: Imported,
) -> _Plan | None:
    diagnostics = imported.diagnostics
    for skipped in entry.skipped:
        diagnostics.warning(
            file,
            skipped.line,
            "import.bad-value",
            f"entry '{entry.key}': {skipped.reason}; its {skipped.name} was left out",
        )
    source = sources.get(entry.key)
    if source is None:
        stored = root / SOURCES / f"{entry.key}.yaml"
        if not re.fullmatch(ID_PATTERN, entry.key):
            message = (
                f"entry '{entry.key}' matches no source: its citation key is not a source id "
                "(lowercase letters, digits and single hyphens); set the key to the id of "
                "the source it describes (in Better BibTeX, pin the citation key), then "
                "import again"
            )
        elif stored.is_file():
            message = (
                f"entry '{entry.key}': its source record {diagnostics.relative(stored)} does "
                "not load: run briefgen check, fix it, then import again"
            )
        else:
            message = (
                f"entry '{entry.key}' matches no source (no {SOURCES.as_posix()}/{entry.key}"
                f".yaml): add its text with `briefgen source add FILE --id {entry.key}`, then "
                "import again"
            )
        diagnostics.warning(file, entry.line, "import.no-source", message)
        return None
    plan = _Plan(source, source.origin.path)
    record = source.record
    for name in ATTESTED:
        value = entry.fields.get(name)
        if value is None:
            continue
        current: Attested = getattr(record, name)
        if current.status is Status.STATED:
            if not _agrees(name, current, value.value):
                place = f"{diagnostics.relative(plan.path)}:{source.origin.line(name)}"
                diagnostics.warning(
                    file,
                    value.line,
                    "import.conflict",
                    f"entry '{entry.key}' gives the {name} as '{_shown(value.value)}', but "
                    f"{place} marks '{current.shown}' as stated by {source.place_of(current)} "
                    "of the text: kept the text's (correct the bibliography, or the record "
                    "if the text says otherwise)",
                )
            continue
        if current.status is Status.RECORDED and current.from_ == where:
            if current.names == _names(value.value):
                continue
        elif current.status is not Status.UNKNOWN and current.names == _names(value.value):
            continue
        plan.attested[name] = value
    for name in PLAIN:
        value = entry.fields.get(name)
        if value is None:
            continue
        have = getattr(record, name)
        if have is None or (have != value.value and _ours(source, name, where)):
            plan.plain[name] = value
        elif have != value.value:
            place = f"{diagnostics.relative(plan.path)}:{source.origin.line(name)}"
            diagnostics.warning(
                file,
                value.line,
                "import.conflict",
                f"entry '{entry.key}' gives the {name} as '{_shown(value.value)}', but {place} "
                f"has '{have}': kept the record's (edit it by hand to take the bibliography's)",
            )
    _check_values(file, entry, plan, where, imported)
    return plan if plan.attested or plan.plain else None


def _check_values(file: Path, entry: Entry, plan: _Plan, where: str, imported: Imported) -> None:
    """Leave out (and report) a value the record's model refuses (a URL that is not
    http or https, a title too long), one by one, so the rest still fills."""
    data = copy.deepcopy(plan.source.origin.document.data)
    for name, value in [*plan.attested.items(), *plan.plain.items()]:
        trial = dict(data)
        trial[name] = _attested(value.value, where) if name in ATTESTED else value.value
        try:
            SourceRecord.model_validate(trial)
        except ValidationError as exc:
            problem = next(
                (e["msg"] for e in exc.errors() if e["loc"] and e["loc"][0] == name),
                exc.errors()[0]["msg"],
            )
            if problem.startswith("String should match pattern"):  # the pattern is no help
                problem = "not an http or https address" if name == "url" else "not its form"
            imported.diagnostics.warning(
                file,
                value.line,
                "import.bad-value",
                f"entry '{entry.key}': the {name} '{_shown(value.value)}' can't be used "
                f"({problem}); left out",
            )
            plan.attested.pop(name, None)
            plan.plain.pop(name, None)
            continue
        data = trial
        was = getattr(plan.source.record, name)
        before = was.shown if isinstance(was, Attested) else was
        imported.filled.append(Filled(plan.source.id, name, value.value, before))


def _attested(value: str | list[str], where: str) -> dict[str, Any]:
    return {"status": "recorded", "value": value, "from": where}


def _names(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def _shown(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "; ".join(value)


def _words(text: str) -> str:
    """Text compared for sense: case, punctuation, quotes and spacing aside."""
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def _agrees(name: str, stated: Attested, value: str | list[str]) -> bool:
    """Whether a bibliography's value says what the text states."""
    if name == "date":
        a, b = stated.value or "", _shown(value)
        return a.startswith(b) or b.startswith(a)
    if name == "author":
        text = f" {_words(stated.shown or '')} "
        families = [n.split(",")[0] if "," in n else n.split()[-1] for n in _names(value)]
        return all(f" {_words(f)} " in text for f in families)
    return _words(stated.shown or "") == _words(_shown(value))


def _ours(source: Source, name: str, where: str) -> bool:
    """Whether a plain key's line says a previous import of this file set it."""
    document = source.origin.document
    line = document.lines.get((name,))
    if line is None:
        return False
    try:
        text = read_text(source.origin.path).split("\n")[line - 1]
    except (OSError, DocumentError, IndexError):
        return False
    return text.rstrip().endswith(f"# recorded from {where}")


def _yaml(value: str | list[str]) -> str:
    """A value as YAML flow: JSON's strings and lists are YAML's."""
    return json.dumps(value, ensure_ascii=False)


def _edited(root: Path, where: str, plan: _Plan, diagnostics: Diagnostics) -> str | None:
    """The record's new text ("" when nothing changes); None (reported) if it can't be
    edited in place."""
    if not plan.attested and not plan.plain:
        return ""
    path = plan.path
    try:
        lines = read_text(path, root).split("\n")
    except (OSError, DocumentError) as exc:
        diagnostics.error(path, 0, "write.failed", f"could not read it again: {exc}")
        return None
    if lines and lines[-1] == "":
        lines.pop()
    document = plan.source.origin.document
    expected = copy.deepcopy(document.data)
    new: dict[str, str] = {}
    for name, value in plan.attested.items():
        expected[name] = _attested(value.value, where)
        new[name] = (
            f"{name}: {{status: recorded, value: {_yaml(value.value)}, from: {_yaml(where)}}}"
        )
    for name, value in plan.plain.items():
        expected[name] = value.value
        new[name] = f"{name}: {_yaml(value.value)}  # recorded from {where}"
    replaced: list[tuple[int, int, str]] = []
    appended: list[str] = []
    for name, text in new.items():
        line = document.lines.get((name,))
        if line is None:
            appended.append(text)
            continue
        if not re.match(rf"{name}\s*:", lines[line - 1]):
            _cannot(path, line, diagnostics)
            return None
        end = line
        while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t-"):
            end += 1
        while end > line and not lines[end - 1].strip():
            end -= 1
        replaced.append((line, end, text))
    for line, end, text in sorted(replaced, reverse=True):
        lines[line - 1 : end] = [text]
    result = "\n".join([*lines, *appended]) + "\n"
    try:
        back = parse_yaml(result, path)
        SourceRecord.model_validate(back.data)
    except (DocumentError, ValidationError):
        _cannot(path, 1, diagnostics)
        return None
    if back.data != expected:
        _cannot(path, 1, diagnostics)
        return None
    return result


def _cannot(path: Path, line: int, diagnostics: Diagnostics) -> None:
    diagnostics.error(
        path,
        line,
        "write.failed",
        "could not fill this record in place (it is not laid out one key a line): write "
        "the values by hand; nothing was changed",
    )
