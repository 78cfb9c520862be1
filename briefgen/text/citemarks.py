"""Citation marks as printed: endnote numbers sorted, runs of three or more compressed.

"43, 14" prints as "14, 43" and "2, 3, 4, 7" as "2–4, 7". A run joins only marks of
one kind, so an opinion note (printed with °) never disappears inside a range of fact
notes: "2, 3°, 4" stays as it is. Pure data here; ``markdown.cite_html`` makes the HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MIN_RANGE = 3  # "2, 3" stays a pair; "2, 3, 4" becomes "2–4"


@dataclass(frozen=True)
class CiteMark:
    """One endnote number in a citation mark."""

    number: int
    first: bool  # its first citation: the endnote links back here
    grade: str  # Admiralty grade, e.g. 'B2'
    opinion: bool = False  # cites someone's view, not reported fact: shown distinctly


@dataclass(frozen=True)
class MarkGroup:
    """One printed item of a citation mark: a single number or a range of numbers."""

    marks: tuple[CiteMark, ...]  # consecutive numbers, all of one kind

    @property
    def first(self) -> CiteMark:
        return self.marks[0]

    @property
    def last(self) -> CiteMark:
        return self.marks[-1]

    @property
    def is_range(self) -> bool:
        return len(self.marks) > 1

    @property
    def opinion(self) -> bool:
        return self.first.opinion


def mark_groups(marks: Sequence[CiteMark]) -> list[MarkGroup]:
    """``marks`` sorted by number (each note once), runs of ``MIN_RANGE`` or more joined."""
    unique: dict[int, CiteMark] = {}
    for mark in marks:
        seen = unique.get(mark.number)
        # The same note twice in one mark: it is the first citation if either is.
        unique[mark.number] = mark if seen is None else (seen if seen.first else mark)
    runs: list[list[CiteMark]] = []
    for mark in sorted(unique.values(), key=lambda m: m.number):
        run = runs[-1] if runs else None
        if run and run[-1].number == mark.number - 1 and run[-1].opinion == mark.opinion:
            run.append(mark)
        else:
            runs.append([mark])
    groups: list[MarkGroup] = []
    for run in runs:
        if len(run) >= MIN_RANGE:
            groups.append(MarkGroup(tuple(run)))
        else:
            groups.extend(MarkGroup((mark,)) for mark in run)
    return groups
