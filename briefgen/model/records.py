"""The content model: one strict pydantic model per kind of content file.

Unknown keys are errors (``extra="forbid"``), so a typo is reported, not ignored.
The loaded objects that pair a record with where it came from are in ``project.py``.
"""

from __future__ import annotations

import datetime
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from briefgen.model.lines import (
    LineMarks,
    LineNumber,
    Numbering,
)
from briefgen.model.written_dates import read_date
from briefgen.plain import CLASS

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"  # always used with fullmatch: no trailing \n
ID_MAX_LENGTH = 80  # so that every file named after an id stays far below 255 bytes
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
DATE_PATTERN = r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$"
# A web address a reader can follow: http or https only, no spaces or markup characters.
# No space, no quote or angle bracket, and none of plain.REFUSED (a bidi override would
# make the link's text read reversed; a control character is never part of a URL).
URL_PATTERN = r"^https?://[^\s<>\"'`" + CLASS + "]+$"
Url = Annotated[str, StringConstraints(pattern=URL_PATTERN, max_length=2000)]
# A BCP 47 language tag as briefgen accepts one (the project's `language`, a note's
# `lang`): WeasyPrint and browsers ignore a `lang` that is not one, so it is checked here.
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


def language_tag(value: str) -> str:
    if not LANGUAGE_TAG.fullmatch(value):
        raise ValueError(
            f'\'{value}\' is not a language tag: use a BCP 47 tag such as "en", "en-GB" or "fr"'
        )
    return value


LanguageTag = Annotated[str, AfterValidator(language_tag)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- sources -------------------------------------------------------------------


class Status(StrEnum):
    STATED = "stated"  # the text says it, at a line or paragraph
    INFERRED = "inferred"  # we worked it out, for a reason
    RECORDED = "recorded"  # the file carries it outside its text (`from`: where)
    UNKNOWN = "unknown"


class Precision(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


class Attested(Strict):
    """A metadata value and how we know it: stated by the text, inferred, recorded by
    the file (an HTML <title>, a PDF's info dictionary) but not by its text, or unknown."""

    status: Status
    value: Text | None = None
    paragraph: Annotated[int, Field(ge=1)] | None = None
    # A line of the text (the title, the byline), or the consecutive lines a wrapped
    # title spans ([1, 2]): validate/lines.py.
    line: LineNumber | list[LineNumber] | None = None
    precision: Precision | None = None
    reason: Text | None = None
    # Where the file records a `recorded` value, e.g. "HTML <title>", "JSON-LD".
    from_: Text | None = Field(default=None, alias="from")

    @model_validator(mode="after")
    def _consistent(self) -> Attested:
        if self.status is Status.UNKNOWN and self.value is not None:
            raise ValueError("an unknown value must not have a 'value'")
        if self.status is not Status.UNKNOWN and self.value is None:
            raise ValueError(f"a {self.status.value} value needs a 'value'")
        if self.status is Status.STATED and (self.paragraph is None) == (self.line is None):
            raise ValueError("a stated value needs the 'paragraph' or the 'line' that states it")
        if self.status is Status.INFERRED and self.reason is None:
            raise ValueError("an inferred value needs a 'reason'")
        if self.status is Status.RECORDED and self.from_ is None:
            raise ValueError("a recorded value needs 'from': where the file records it")
        if self.status is Status.RECORDED and (self.paragraph or self.line):
            raise ValueError(
                "a recorded value is not in the text: if a line states it, make it 'stated'"
            )
        if self.status is not Status.RECORDED and self.from_ is not None:
            raise ValueError("only a recorded value has 'from'")
        return self

    @property
    def names(self) -> list[str]:
        """The value as a list (an author list); [] when unknown."""
        return [] if self.value is None else [self.value]

    @property
    def shown(self) -> str | None:
        """The value as a reader reads it; None when unknown."""
        return self.value


def _given_first(name: str) -> str:
    """'Ribando Seelke, Clare' → 'Clare Ribando Seelke' (a suffix after a second comma
    stays last: 'King, Martin Luther, Jr.' → 'Martin Luther King, Jr.')."""
    family, _, rest = name.partition(",")
    given, _, suffix = rest.partition(",")
    if not family.strip() or not given.strip():
        return name
    shown = f"{given.strip()} {family.strip()}"
    return f"{shown}, {suffix.strip()}" if suffix.strip() else shown


AuthorList = Text | Annotated[list[Text], Field(min_length=1, max_length=100)]


class Authors(Attested):
    """``author:``: one name, or a list of names ("Leticia Chacon", "Clare Ribando
    Seelke"), each a person ("Given Family", or "Family, Given" to state the split) or
    an office. A stated list is stated name by name on its line or paragraph."""

    value: AuthorList | None = None  # type: ignore[assignment]

    @property
    def names(self) -> list[str]:
        if self.value is None:
            return []
        return [self.value] if isinstance(self.value, str) else list(self.value)

    @property
    def shown(self) -> str | None:
        """'A', 'A and B', 'A, B, and C'; a list's "Family, Given" as "Given Family"."""
        names = self.names
        if isinstance(self.value, list):
            names = [_given_first(name) for name in names]
        if len(names) <= 2:
            return " and ".join(names) or None
        return ", ".join(names[:-1]) + ", and " + names[-1]


class Dated(Attested):
    value: Annotated[str, StringConstraints(pattern=DATE_PATTERN)] | None = None
    # A stated date whose text gives the day and month but not the year ("Sept. 27"):
    # why the year is this one. The year is then inferred; the day and month are stated.
    year_reason: Text | None = None

    @model_validator(mode="after")
    def _precision(self) -> Dated:
        if self.year_reason is not None and self.status is not Status.STATED:
            raise ValueError(
                "only a stated date has 'year_reason' (the text states its day and month)"
            )
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


class Genre(StrEnum):
    """The analyst's classification of a source (not the source's own claim)."""

    COMMENTARY = "commentary"
    ADVOCACY = "advocacy"
    NEWS = "news"
    OFFICIAL = "official"
    RESEARCH = "research"


class ReliabilityGrade(StrEnum):
    """Admiralty source reliability; F means "cannot be judged", not "worst"."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"


class Reliability(Strict):
    grade: ReliabilityGrade
    reason: Text


# A source nobody has graded yet (`briefgen source add` writes it): a state, not a grade.
UNASSESSED = "unassessed"


class Original(Strict):
    """``original:`` of an imported source: the file its text was extracted from."""

    file: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*\.orig\.[a-z]+$")]
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    extractor: Text  # library and version, e.g. "trafilatura 2.3.1"


class JoinRecord(Strict):
    """A word an import joined across a line end (PDF): "coop-" + "eration"."""

    page: Annotated[int, Field(ge=1)]
    joined: Text
    kept_hyphen: bool


# What a source's sha256 reads as before its text is pinned (a placeholder).
NOT_PINNED = "0" * 64


class SourceRecord(Strict):
    """``content/sources/<id>.yaml``: metadata of one verbatim source text."""

    kind: SourceKind
    text: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*\.txt$")]
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    title: Attested
    author: Authors
    outlet: Attested
    date: Dated
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(?:-[A-Za-z0-9]+)*$")] = "en"
    reliability: Reliability | Literal["unassessed"]
    # Sources sharing a group count as one (two copies of one wire report); default: own id.
    independence: Id | None = None
    # What kind of writing the analyst judges it to be; printed as the analyst's call.
    genre: Genre | None = None
    marking: Text | None = None
    lines: LineMarks | None = None  # the text's non-body lines (model/lines.py)
    # How notes of this source count ¶: "body" paragraphs; unset, every non-empty line.
    numbering: Numbering | None = None
    # Publication details for citations (briefgen/text/csl; docs/content-format.md).
    url: Url | None = None
    accessed: Annotated[str, StringConstraints(pattern=DATE_PATTERN)] | None = None
    publisher: Text | None = None
    number: Text | None = None  # a report's number, e.g. "RL30382"
    version: Text | None = None  # a revised report's version, e.g. "2" or "updated"
    short_title: Text | None = None  # Chicago's short form; default: derived from the title
    # An imported source (`briefgen source add`): its original file and the words joined.
    original: Original | None = None
    joins: list[JoinRecord] = []

    @property
    def grade(self) -> ReliabilityGrade | None:
        """The reliability grade; None while the source is unassessed."""
        return None if isinstance(self.reliability, str) else self.reliability.grade

    @field_validator("sha256", mode="before")
    @classmethod
    def _not_pinned_yet(cls, value: object) -> object:
        """A placeholder (``0``, ``TODO``, nothing) reads as not pinned yet, so that
        ``check`` prints the digest to pin (source.checksum) rather than a pattern error."""
        if isinstance(value, str) and re.fullmatch(r"[0-9a-fA-F]{64}", value):
            return value.lower()
        if value is None or isinstance(value, str | int):
            return NOT_PINNED
        return value


# --- notes ---------------------------------------------------------------------


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
