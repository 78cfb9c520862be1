"""Which lines of a source text are body paragraphs, and how notes count them.

A source record may mark the lines of its text that are not body paragraphs (the title,
the byline, headings, footnotes, other apparatus such as captions). Lines are numbered as an editor
numbers them: 1-based, blank lines included, split at ``\\n`` only. Once a source's
notes are migrated (``numbering: body``), "¶N" is the N-th body paragraph, so a reader
can count it in the published article; before that (or with no marks at all) it is the
N-th non-empty line, which is the same thing when nothing is marked.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

LineNumber = Annotated[int, Field(ge=1)]
BODY = "body"


class Role(StrEnum):
    """What a marked line is."""

    TITLE = "title"
    BYLINE = "byline"
    HEADING = "heading"
    FOOTNOTE = "footnote"
    OTHER = "other"

    def describe(self) -> str:
        return {
            Role.TITLE: "the title",
            Role.BYLINE: "the byline",
            Role.HEADING: "a heading",
            Role.FOOTNOTE: "a footnote",
            Role.OTHER: "a line marked 'other'",
        }[self]


class LineMarks(BaseModel):
    """``lines:`` of a source record: the text's non-body lines, by editor line number."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: LineNumber | None = None
    byline: LineNumber | None = None
    headings: list[LineNumber] = []
    footnotes: list[LineNumber] = []  # a report's notes, printed apart from its body
    other: list[LineNumber] = []  # captions, datelines, "Advertisement", ...

    def marked(self) -> list[tuple[int, Role, tuple[str | int, ...]]]:
        """Every mark: (line, role, its place under ``lines``), in record order."""
        found: list[tuple[int, Role, tuple[str | int, ...]]] = []
        if self.title is not None:
            found.append((self.title, Role.TITLE, ("title",)))
        if self.byline is not None:
            found.append((self.byline, Role.BYLINE, ("byline",)))
        found += [(n, Role.HEADING, ("headings", i)) for i, n in enumerate(self.headings)]
        found += [(n, Role.FOOTNOTE, ("footnotes", i)) for i, n in enumerate(self.footnotes)]
        found += [(n, Role.OTHER, ("other", i)) for i, n in enumerate(self.other)]
        return found


Numbering = Literal["body"]


def split_lines(text: str) -> list[str]:
    """The text's lines; line N is item N-1. Ends at ``\\n`` (or ``\\r\\n``) only, as in
    editors and ``sed -n Np``: U+2028, form feeds and the other breaks ``str.splitlines``
    knows stay inside a line. A final line break ends the last line; it starts none."""
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    return lines[:-1] if lines[-1:] == [""] else lines


def non_empty(lines: list[str]) -> list[int]:
    """Line numbers of the non-blank lines."""
    return [number for number, line in enumerate(lines, start=1) if line.strip()]


def marked_roles(marks: LineMarks | None, lines: list[str]) -> dict[int, Role]:
    """Marked lines that exist and are not blank → their role (the first mark wins;
    validation reports the others)."""
    found: dict[int, Role] = {}
    for number, role, _ in marks.marked() if marks else []:
        if number <= len(lines) and lines[number - 1].strip():
            found.setdefault(number, role)
    return found
