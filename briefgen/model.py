"""The content model: one strict pydantic model per kind of content file.

Unknown keys are errors (``extra="forbid"``), so a typo is reported, not ignored.
Runtime objects (``Source``, ``Note``, ...) pair a validated record with where it
came from, so every later check can point at a file and line.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from briefgen.documents import Document, Loc

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=80)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
DATE_PATTERN = r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- sources -------------------------------------------------------------------


class Status(StrEnum):
    STATED = "stated"
    INFERRED = "inferred"
    UNKNOWN = "unknown"


class Precision(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


class Attested(Strict):
    """A metadata value and how we know it: stated by the text, inferred, or unknown."""

    status: Status
    value: Text | None = None
    paragraph: Annotated[int, Field(ge=1)] | None = None
    precision: Precision | None = None
    reason: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Attested:
        if self.status is Status.UNKNOWN and self.value is not None:
            raise ValueError("an unknown value must not have a 'value'")
        if self.status is not Status.UNKNOWN and self.value is None:
            raise ValueError(f"a {self.status.value} value needs a 'value'")
        if self.status is Status.STATED and self.paragraph is None:
            raise ValueError("a stated value needs the 'paragraph' that states it")
        if self.status is Status.INFERRED and self.reason is None:
            raise ValueError("an inferred value needs a 'reason'")
        return self

    def display(self, unknown: str = "unknown") -> str:
        if self.value is None:
            return unknown
        return self.value + (" (inferred)" if self.status is Status.INFERRED else "")


class Dated(Attested):
    value: Annotated[str, StringConstraints(pattern=DATE_PATTERN)] | None = None

    @model_validator(mode="after")
    def _precision(self) -> Dated:
        if self.value is not None:
            expected = {4: Precision.YEAR, 7: Precision.MONTH, 10: Precision.DAY}[len(self.value)]
            if self.precision not in (None, expected):
                raise ValueError(f"precision '{self.precision}' does not fit '{self.value}'")
        return self


class SourceKind(StrEnum):
    ARTICLE = "article"
    REPORT = "report"
    STATEMENT = "statement"
    TRANSCRIPT = "transcript"
    OTHER = "other"


class SourceRecord(Strict):
    """``content/sources/<id>.yaml``: metadata of one verbatim source text."""

    kind: SourceKind
    text: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*\.txt$")]
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    title: Attested
    author: Attested
    outlet: Attested
    date: Dated
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(?:-[A-Za-z0-9]+)*$")] = "en"


# --- notes ---------------------------------------------------------------------


class NoteKind(StrEnum):
    FACT = "fact"
    QUOTE = "quote"
    CLAIM = "claim"
    ASSESSMENT = "assessment"
    RECOMMENDATION = "recommendation"


class Event(Strict):
    """Puts a note on the timeline."""

    date: Annotated[str, StringConstraints(pattern=DATE_PATTERN)]
    label: Text
    basis: Text | None = None


class NoteRecord(Strict):
    id: Id
    source: Id
    paragraph: Annotated[int, Field(ge=1)]
    kind: NoteKind
    topics: list[Id] = []
    quote: Text | None = None
    body: Text
    event: Event | None = None
    conflicts_with: list[Id] = []

    @model_validator(mode="after")
    def _quote_kind(self) -> NoteRecord:
        if self.kind is NoteKind.QUOTE and self.quote is None:
            raise ValueError("a note of kind 'quote' needs a 'quote'")
        return self


class NotesFile(Strict):
    """``content/notes/*.yaml``: a list of notes."""

    notes: list[NoteRecord]


# --- options -------------------------------------------------------------------

Points = Annotated[list[Text], Field(min_length=1)]


class OptionRecord(Strict):
    """``content/options/<id>.yaml``: one policy option (analysis tied to notes)."""

    title: Text
    summary: Text
    description: Text
    pros: Points
    cons: Points
    risks: Points
    compare: dict[Id, Text] = {}


# --- briefs --------------------------------------------------------------------


class BriefType(StrEnum):
    ISSUE_BRIEF = "issue-brief"
    DECISION_MEMO = "decision-memo"
    ONE_PAGER = "one-pager"


class BriefMeta(Strict):
    """Front matter of ``content/briefs/<id>.md``."""

    type: BriefType
    title: Text
    subtitle: Text | None = None
    audience: Text
    date: datetime.date
    author: Text
    marking: Text
    summary: Text
    keywords: list[Text] = []
    options: list[Id] = []
    recommended: Id | None = None


# --- settings ------------------------------------------------------------------


class ProjectSettings(Strict):
    title: Text
    language: str = "en"


class PdfSettings(Strict):
    page_size: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9. ]{1,40}$")] = "A4"


class MarkingSettings(Strict):
    levels: Annotated[list[Text], Field(min_length=1)]


class Dimension(Strict):
    id: Id
    label: Text


class Budgets(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    issue_brief: Annotated[int, Field(ge=1, alias="issue-brief")] = 12
    decision_memo: Annotated[int, Field(ge=1, alias="decision-memo")] = 2
    one_pager: Annotated[int, Field(ge=1, alias="one-pager")] = 1

    def for_type(self, brief_type: BriefType) -> int:
        return int(getattr(self, brief_type.value.replace("-", "_")))


class Settings(Strict):
    """``briefgen.toml``: project settings."""

    project: ProjectSettings
    pdf: PdfSettings = PdfSettings()
    budgets: Budgets = Budgets()
    markings: MarkingSettings
    comparison: list[Dimension] = []


# --- runtime objects -----------------------------------------------------------


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

    @property
    def paragraphs(self) -> list[str]:
        """Paragraph N (1-based) is the N-th non-empty line of the text."""
        return [line for line in self.text.splitlines() if line.strip()]

    @property
    def label(self) -> str:
        """A short reader-facing name that implies nothing the text doesn't state."""
        record = self.record
        if record.title.value is not None:
            return record.title.value
        return f"Untitled {record.kind.value} ({self.id})"


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


def slugify(text: str) -> str:
    """Heading text → section id: lowercase words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# Which ``## sections`` each brief type takes, and which of them are analysis by nature.
@dataclass(frozen=True)
class BriefLayout:
    order: tuple[str, ...]  # sections and generated parts, in reading order
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    analysis: tuple[str, ...] = ()
    needs_recommended: bool = False
    toc: bool = False
    compact_notes: bool = False  # endnotes as bare source and ¶ (short briefs)
    compact_options: bool = False  # options without their pros/cons/risks lists


LAYOUTS: dict[BriefType, BriefLayout] = {
    BriefType.ISSUE_BRIEF: BriefLayout(
        order=(
            "bottom-line-up-front",
            "key-points",
            "background",
            "timeline",
            "where-the-sources-disagree",
            "disagreements",
            "options",
            "recommendations",
        ),
        required=("bottom-line-up-front", "key-points", "background", "recommendations"),
        optional=("where-the-sources-disagree",),
        analysis=("bottom-line-up-front", "recommendations"),
        toc=True,
    ),
    BriefType.DECISION_MEMO: BriefLayout(
        order=("issue", "background", "options", "recommendation"),
        required=("issue", "recommendation"),
        optional=("background",),
        analysis=("recommendation",),
        needs_recommended=True,
        compact_notes=True,
        compact_options=True,
    ),
    BriefType.ONE_PAGER: BriefLayout(
        order=("bottom-line-up-front", "key-points", "recommendation"),
        required=("bottom-line-up-front", "key-points", "recommendation"),
        analysis=("bottom-line-up-front", "recommendation"),
        compact_notes=True,
    ),
}

SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "source": SourceRecord,
    "notes": NotesFile,
    "option": OptionRecord,
    "brief": BriefMeta,
    "settings": Settings,
}

Format = Literal["pdf", "html"]
