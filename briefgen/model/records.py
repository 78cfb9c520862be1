"""The content model: one strict pydantic model per kind of content file.

Unknown keys are errors (``extra="forbid"``), so a typo is reported, not ignored. Shared
fields: ``fields.py``; the source record: ``source_record.py`` (both re-exported here).
"""

from __future__ import annotations

import datetime
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from briefgen.model.fields import (
    DATE_PATTERN,
    ID_MAX_LENGTH,
    ID_PATTERN,
    LANGUAGE_TAG,
    URL_PATTERN,
    Id,
    LanguageTag,
    Strict,
    Text,
    Url,
    language_tag,
)
from briefgen.model.source_record import (
    NOT_PINNED,
    UNASSESSED,
    Attested,
    Authors,
    Dated,
    Genre,
    JoinRecord,
    Original,
    Precision,
    Reliability,
    ReliabilityGrade,
    SourceKind,
    SourceRecord,
    Status,
)
from briefgen.model.written_dates import read_date

__all__ = [
    "DATE_PATTERN",
    "ID_MAX_LENGTH",
    "ID_PATTERN",
    "LANGUAGE_TAG",
    "NOT_PINNED",
    "OPINION_KINDS",
    "UNASSESSED",
    "URL_PATTERN",
    "Assumption",
    "Attested",
    "Authors",
    "BriefMeta",
    "CriteriaFile",
    "CriterionRecord",
    "Dated",
    "Direction",
    "Event",
    "Genre",
    "Id",
    "JoinRecord",
    "JudgmentKind",
    "JudgmentRecord",
    "JudgmentsFile",
    "LanguageTag",
    "NoteKind",
    "NoteRecord",
    "NotesFile",
    "OptionRecord",
    "Original",
    "Precision",
    "Reliability",
    "ReliabilityGrade",
    "Scale",
    "Score",
    "SourceKind",
    "SourceRecord",
    "Status",
    "Strict",
    "Text",
    "Url",
    "language_tag",
    "slugify",
]


class NoteKind(StrEnum):
    FACT = "fact"
    QUOTE = "quote"
    CLAIM = "claim"
    ASSESSMENT = "assessment"
    RECOMMENDATION = "recommendation"


OPINION_KINDS = frozenset({NoteKind.ASSESSMENT, NoteKind.CLAIM, NoteKind.RECOMMENDATION})


class Event(Strict):
    """Puts a note on the timeline."""

    date: Annotated[str, StringConstraints(pattern=DATE_PATTERN)]
    label: Text
    basis: Text | None = None
    # How the date is known; a date with a `basis` is inferred unless said to be stated.
    status: Literal[Status.STATED, Status.INFERRED] | None = None

    @property
    def inferred(self) -> bool:
        return self.status is Status.INFERRED or (self.status is None and self.basis is not None)


class NoteRecord(Strict):
    id: Id
    source: Id
    paragraph: Annotated[int, Field(ge=1)]
    kind: NoteKind
    topics: list[Id] = []
    quote: Text | None = None
    sic: list[Text] = []  # words of the quote printed with "[sic]" after them
    body: Text
    event: Event | None = None
    conflicts_with: list[Id] = []
    conflict: Text | None = None  # the incompatible claims, needed with conflicts_with
    credibility: Annotated[int, Field(ge=1, le=6)]
    corroborated_by: list[Id] = []  # credibility 1 needs a note from an independent source
    marking: Text | None = None
    # Whose view an opinion note (or a quote note's words) is: a person or outlet the
    # source names. Required for those kinds (validate/tradecraft.py).
    holder: Text | None = None
    # Who the source says the claim comes from, when it relays someone's report ("As The
    # Hankyoreh reports, …"): a brief presenting the claim as reported names them
    # (validate/reported.py), and the reader's note prints them.
    reported_by: Text | None = None
    # The language of the note's body and quote (BCP 47, e.g. "ko"), when it is not the
    # project's: printed as their `lang`, so Han characters take that language's forms.
    lang: LanguageTag | None = None

    @property
    def opinion(self) -> bool:
        """An assessment, claim or recommendation: someone's view, not reported fact."""
        return self.kind in OPINION_KINDS

    @property
    def attributed(self) -> bool:
        """A note whose citing sentence must name its holder: opinion or quoted words."""
        return self.opinion or self.kind is NoteKind.QUOTE

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


class Score(Strict):
    score: int
    rationale: Text
    anchor: int | None = None  # the criterion's anchor this option matches
    off_anchor: Text | None = None  # why the score differs from that anchor


class OptionRecord(Strict):
    """``content/options/<id>.yaml``: one policy option (analysis tied to notes)."""

    title: Text
    summary: Text
    description: Text
    pros: Points
    cons: Points
    risks: Points
    compare: dict[Id, Text] = {}
    scores: dict[Id, Score] = {}


# --- criteria and judgments ----------------------------------------------------


class Scale(Strict):
    min: int
    max: int
    labels: dict[int, Text] = {}

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if self.max <= self.min:
            raise ValueError("a scale's max must be greater than its min")
        outside = [k for k in self.labels if not self.min <= k <= self.max]
        if outside:
            raise ValueError(f"labels outside the scale: {outside}")
        return self


class Direction(StrEnum):
    HIGHER = "higher-is-better"
    LOWER = "lower-is-better"


class CriterionRecord(Strict):
    id: Id
    name: Text
    description: Text
    weight: Annotated[float, Field(gt=0)]
    weight_reason: Text | None = None
    scale: Id
    direction: Direction
    anchors: dict[int, Text] = {}  # score → what it means for this criterion


class CriteriaFile(Strict):
    """``content/criteria.yaml``: the scales and criteria options are scored on."""

    scales: dict[Id, Scale]
    criteria: Annotated[list[CriterionRecord], Field(min_length=1)]


class JudgmentKind(StrEnum):
    KEY_JUDGMENT = "key-judgment"
    RECOMMENDATION = "recommendation"


class Assumption(Strict):
    text: Text
    if_wrong: Text  # what changes if the assumption proves wrong


class JudgmentRecord(Strict):
    id: Id
    kind: JudgmentKind
    text: Text
    # A key judgment's confidence level; a recommendation carries none (issue 24).
    confidence: Id | None = None
    # Why the evidence earns this level, printed beside it; it cannot carry a judgment
    # above moderate (judgment.reason-above-moderate).
    confidence_reason: Text | None = None
    likelihood: Text | None = None  # a term of the likelihood table
    notes: list[Id]
    # A key judgment states both (judgment.unstated-assumptions).
    assumptions: list[Assumption] = []
    would_change: list[Text] = []  # what would change the judgment
    indicators: list[Text] = []  # 0.2's name for would_change, still read


class JudgmentsFile(Strict):
    """``content/judgments.yaml``: key judgments and recommendations with their evidence."""

    judgments: list[JudgmentRecord]


# --- briefs --------------------------------------------------------------------


class BriefMeta(Strict):
    """Front matter of ``content/briefs/<id>.md``."""

    type: Id  # a brief type: packaged (types.toml) or the project's [types.<id>]
    title: Text
    subtitle: Text | None = None
    audience: Text
    date: datetime.date
    author: str  # a person or office; checked (validate/tradecraft.py), so empty is located
    contact: Text | None = None
    marking: Text
    # Approval of the marking's release statement, when the marking claims one.
    approved_by: Text | None = None
    approved_on: datetime.date | None = None
    # A look-back at what the record showed as of the information date (see max_age).
    retrospective: bool = False
    # An action memo's principal, named as a role ("the Assistant Secretary for East
    # Asian and Pacific Affairs"), and the date the decision is needed by.
    principal: Text | None = None
    decide_by: datetime.date | None = None
    summary: Text
    keywords: list[Text] = []
    options: list[Id] = []
    recommended: Id | None = None
    judgments: list[Id] = []
    likelihood_disclaimer: Text | None = None  # needed to mix rows of likelihood terms

    @field_validator("date", "approved_on", "decide_by", mode="before")
    @classmethod
    def _typed_date(cls, value: object) -> object:
        """A date as a person types it: "2024-10-15", "October 15, 2024", "15 Oct 2024"."""
        if not isinstance(value, str) or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            return value
        read = read_date(value)
        if read is None:
            raise ValueError(
                f"'{value}' is not a date briefgen reads: write the day, month and year, "
                "e.g. 2024-10-15, October 15, 2024 or 15 October 2024"
            )
        return read


def slugify(text: str) -> str:
    """Heading text → section id: lowercase words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


Format = Literal["pdf", "html"]
