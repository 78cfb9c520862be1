"""What loading could not read, as a typed value that validation consults.

An unreadable file contributes no records. So that its absence is reported once (as
its own error) and not again as every reference into it, validation asks the report
whether a missing id *may* have been in a file that could not be read: the ids that
file's text appears to declare (or its name, for a one-record file). An empty file
declares nothing, so it hides nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from briefgen.model.project import Origin


class ContentKind(StrEnum):
    SOURCES = "sources"
    NOTES = "notes"
    OPTIONS = "options"
    BRIEFS = "briefs"
    CRITERIA = "criteria"
    JUDGMENTS = "judgments"


@dataclass(frozen=True)
class UnreadableFile:
    path: Path
    kind: ContentKind
    ids: frozenset[str] | None  # ids it appears to declare; None: unknown (a linked folder)


@dataclass(frozen=True)
class Duplicate:
    """A record whose id an earlier record already uses (it was not loaded)."""

    kind: str  # "note", "judgment"
    id: str
    origin: Origin
    first: Origin


@dataclass(frozen=True)
class LoadReport:
    unreadable: tuple[UnreadableFile, ...] = ()
    duplicates: tuple[Duplicate, ...] = ()

    def may_hold(self, kind: ContentKind, item: str) -> bool:
        """Could ``item`` have been in a file of ``kind`` that could not be read?"""
        return any(f.kind is kind and (f.ids is None or item in f.ids) for f in self.unreadable)

    def lost(self, kind: ContentKind) -> bool:
        """Did a file of ``kind`` fail to load (e.g. the whole criteria.yaml)?"""
        return any(f.kind is kind for f in self.unreadable)
