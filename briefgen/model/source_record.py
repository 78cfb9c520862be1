"""The model of a source record (``content/sources/<id>.yaml``): its attested fields,
the people and dates in it, its kind, genre, reliability and the original it pins."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from briefgen.model.fields import DATE_PATTERN, Id, Strict, Text, Url
from briefgen.model.lines import (
    LineMarks,
    LineNumber,
    Numbering,
)

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
