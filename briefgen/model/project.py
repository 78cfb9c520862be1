"""The loaded project: each validated record paired with where it came from
(``Origin``), so every later check can point at a file and line."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.model.document import Document, Loc
from briefgen.model.lines import BODY, Role, marked_roles, non_empty, split_lines
from briefgen.model.records import (
    Attested,
    BriefMeta,
    CriteriaFile,
    JudgmentRecord,
    NoteRecord,
    OptionRecord,
    SourceRecord,
)
from briefgen.model.settings import Settings


@dataclass(frozen=True)
class Origin:
    """Where a record came from: its document and its position inside it."""

    document: Document
    loc: Loc = ()

    @property
    def path(self) -> Path:
        return self.document.path

    def line(self, *sub: str | int) -> int:
        return self.document.line_of((*self.loc, *sub))


@dataclass(frozen=True)
class Source:
    id: str
    record: SourceRecord
    origin: Origin
    text: str

    @functools.cached_property
    def lines(self) -> list[str]:
        """Line N of the text is item N-1 (``model/lines.split_lines``)."""
        return split_lines(self.text)

    @functools.cached_property
    def roles(self) -> dict[int, Role]:
        """The marked (non-body) lines → what each is."""
        return marked_roles(self.record.lines, self.lines)

    @property
    def migrated(self) -> bool:
        """Whether its notes' ¶ count body paragraphs (else every non-empty line)."""
        return self.record.numbering == BODY

    @functools.cached_property
    def counted(self) -> list[int]:
        """Line of each paragraph a note's ¶ counts: body lines once migrated."""
        lines = non_empty(self.lines)
        return [n for n in lines if n not in self.roles] if self.migrated else lines

    @functools.cached_property
    def paragraphs(self) -> list[str]:
        """Paragraph N (1-based), as notes count it: the N-th body paragraph (with
        ``numbering: body``), else the N-th non-empty line."""
        return [self.lines[n - 1] for n in self.counted]

    def line_of(self, paragraph: int) -> int:
        """The text's line of ¶``paragraph``."""
        return self.counted[paragraph - 1]

    def heading_of(self, paragraph: int) -> str | None:
        """The heading ¶``paragraph`` stands under, if the record marks headings."""
        line = self.line_of(paragraph)
        above = [n for n, role in self.roles.items() if role is Role.HEADING and n < line]
        return self.lines[max(above) - 1].strip() if above else None

    def place_of(self, value: Attested) -> str:
        """Where a stated value is: '¶3', or 'the byline (line 2)' for a marked line."""
        if value.line is None:
            return f"¶{value.paragraph}"
        numbers = value.line if isinstance(value.line, list) else [value.line]
        where = f"line {numbers[0]}" if len(numbers) == 1 else f"lines {numbers[0]}–{numbers[-1]}"
        role = self.roles.get(numbers[0])
        return f"{role.describe()} ({where})" if role else where

    @property
    def label(self) -> str:
        """A short reader-facing name that implies nothing the text doesn't state."""
        record = self.record
        if record.title.value is not None:
            return record.title.value
        return f"Untitled {record.kind.value}"  # its id is for the annex, not the reader


@dataclass(frozen=True)
class Note:
    record: NoteRecord
    origin: Origin

    @property
    def id(self) -> str:
        return self.record.id


@dataclass(frozen=True)
class Option:
    id: str
    record: OptionRecord
    origin: Origin


@dataclass(frozen=True)
class Judgment:
    record: JudgmentRecord
    origin: Origin

    @property
    def id(self) -> str:
        return self.record.id


@dataclass(frozen=True)
class Criteria:
    record: CriteriaFile
    origin: Origin


@dataclass(frozen=True)
class Section:
    """One ``## Heading`` section of a brief's Markdown body."""

    slug: str
    heading: str
    text: str
    line: int


@dataclass(frozen=True)
class Brief:
    id: str
    meta: BriefMeta
    origin: Origin
    sections: tuple[Section, ...]

    def section(self, slug: str) -> Section | None:
        return next((s for s in self.sections if s.slug == slug), None)


@dataclass
class Project:
    root: Path
    settings: Settings
    sources: dict[str, Source] = field(default_factory=dict)
    notes: dict[str, Note] = field(default_factory=dict)
    options: dict[str, Option] = field(default_factory=dict)
    briefs: dict[str, Brief] = field(default_factory=dict)
    criteria: Criteria | None = None
    judgments: dict[str, Judgment] = field(default_factory=dict)
    # Filled by validation: note id → its quote in the source's own characters.
    quotes: dict[str, str] = field(default_factory=dict)
