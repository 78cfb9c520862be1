"""Read-only queries on a project's sources: ``briefgen source show`` and ``quote find``.

Both count paragraphs exactly as the checks do (``Source.paragraphs``, model/lines.py),
so a ¶ shown here is the ¶ a note writes. Nothing is printed here: the CLI shows what
these return.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.diagnostics import Diagnostics
from briefgen.load.project import load_project
from briefgen.model.lines import Role, non_empty
from briefgen.model.project import Project, Source
from briefgen.model.records import ID_MAX_LENGTH, slugify
from briefgen.text.quotes import closest
from briefgen.text.search import find_passages

CONTEXT_WORDS = 4  # words of a passage its suggested note id is made from


@dataclass(frozen=True)
class Line:
    """A non-empty line of a source text: a counted paragraph, or a marked line."""

    line: int
    text: str
    paragraph: int | None  # its ¶ as notes count it; None for a line not counted
    role: Role | None  # what the record marks it as, if it does


@dataclass
class ShowResult:
    diagnostics: Diagnostics
    source: Source | None = None
    text_path: Path | None = None
    lines: list[Line] = field(default_factory=list)


def _load(root: Path) -> tuple[Project | None, Diagnostics]:
    diagnostics = Diagnostics(root)
    project, _report = load_project(root, diagnostics)
    return project, diagnostics


def _unknown_source(project: Project | None, diagnostics: Diagnostics, source_id: str) -> None:
    known = ", ".join(sorted(project.sources)) if project else ""
    diagnostics.error(
        diagnostics.root / "content" / "sources",
        0,
        "cli.unknown-source",
        f"no source '{source_id}' (known: {known or 'none'})",
    )


def text_path(source: Source) -> Path:
    """The source's ``.txt``, next to its record."""
    return source.origin.path.parent / source.record.text


def show_source(root: Path, source_id: str) -> ShowResult:
    """Every non-empty line of a source: its ¶ as notes count it, or its mark."""
    project, diagnostics = _load(root)
    source = project.sources.get(source_id) if project else None
    if source is None:
        _unknown_source(project, diagnostics, source_id)
        return ShowResult(diagnostics)
    paragraph_of = {line: number for number, line in enumerate(source.counted, start=1)}
    lines = [
        Line(n, source.lines[n - 1], paragraph_of.get(n), source.roles.get(n))
        for n in non_empty(source.lines)
    ]
    return ShowResult(diagnostics, source, text_path(source), lines)


@dataclass(frozen=True)
class Passage:
    """A passage found in a source: in one paragraph, or crossing into later ones."""

    source: str
    path: Path  # the source's .txt
    line: int  # the text's line of its (first) paragraph
    paragraph: int  # its (first) ¶
    last: int  # its last ¶ (== paragraph unless it crosses)
    text: str  # the source's own characters (of the first paragraph, if it crosses)
    before: bool  # the paragraph has text before the passage
    after: bool  # and after it

    @property
    def crosses(self) -> bool:
        return self.last != self.paragraph


@dataclass
class FindResult:
    diagnostics: Diagnostics
    passages: list[Passage] = field(default_factory=list)
    closest: Passage | None = None  # when nothing matched: the most similar passage
    skeletons: list[str] = field(default_factory=list)  # one per passage in one ¶


def find_quote(
    root: Path, quote: str, *, source_id: str | None = None, ignore_case: bool = False
) -> FindResult:
    """Where ``quote`` is in the project's sources, each with a note ready to paste."""
    project, diagnostics = _load(root)
    result = FindResult(diagnostics)
    if project is None:
        return result
    if source_id is not None and source_id not in project.sources:
        _unknown_source(project, diagnostics, source_id)
        return result
    chosen = [source_id] if source_id is not None else sorted(project.sources)
    taken = set(project.notes)
    for sid in chosen:
        source = project.sources[sid]
        paragraphs = source.paragraphs
        for found in find_passages(quote, paragraphs, ignore_case):
            number = found.first + 1
            passage = Passage(
                sid,
                text_path(source),
                source.line_of(number),
                number,
                found.last + 1,
                found.text,
                found.start > 0,
                not found.crosses and found.end < len(paragraphs[found.first]),
            )
            result.passages.append(passage)
            if not passage.crosses:
                result.skeletons.append(note_skeleton(passage, taken))
    if not result.passages:
        result.closest = _closest(project, chosen, quote)
    return result


def _closest(project: Project, chosen: list[str], quote: str) -> Passage | None:
    """The passage most like ``quote`` in all chosen sources (quote.mismatch's helper)."""
    everywhere = [
        (sid, n) for sid in chosen for n in range(1, len(project.sources[sid].paragraphs) + 1)
    ]
    paragraphs = [project.sources[sid].paragraphs[n - 1] for sid, n in everywhere]
    match = closest(quote, paragraphs)
    if match is None:
        return None
    sid, number = everywhere[match.paragraph - 1]
    source = project.sources[sid]
    whole = source.paragraphs[number - 1]
    text = match.text.removesuffix("…")
    at = whole.find(text)
    return Passage(
        sid,
        text_path(source),
        source.line_of(number),
        number,
        number,
        match.text,
        at > 0,
        at < 0 or at + len(text) < len(whole),
    )


def note_skeleton(passage: Passage, taken: set[str]) -> str:
    """A note for ``passage``, as YAML to paste under ``notes:``; only TODOs to fill.

    ``taken`` holds the note ids in use; the suggested id is added to it.
    """
    words = re.findall(r"[a-z0-9]+", passage.text.lower())[:CONTEXT_WORDS]
    stem = "-".join([passage.source, *words]) if words else f"{passage.source}-p{passage.paragraph}"
    stem = stem[: ID_MAX_LENGTH - 3].strip("-")
    note_id, count = stem, 1
    while note_id in taken:
        count += 1
        note_id = f"{stem}-{count}"
    taken.add(note_id)
    quote = json.dumps(passage.text, ensure_ascii=False)  # a YAML 1.2 double-quoted scalar
    return "\n".join(
        [
            f"  - id: {slugify(note_id)}",
            f"    source: {passage.source}",
            f"    paragraph: {passage.paragraph}",
            "    kind: quote",
            f"    quote: {quote}  # the source's own characters: keep them as they are",
            '    holder: "TODO"  # the person or outlet the source names as speaking these words',
            "    credibility: TODO  # 1 confirmed (needs corroborated_by) … 5 improbable, "
            "6 cannot be judged",
            "    body: TODO  # what the passage says, in your own words",
        ]
    )
