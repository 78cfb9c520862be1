"""A brief's information date: the latest *past* dated item among the notes it cites.

A dated item is a cited note's source date (stated, recorded or inferred) or the
timeline ``event`` date of any note of a cited source (the source was written on or
after it). An item dated after its own source's date (something the source expected) or
after the brief's date is scheduled or future and never counts. The latest item is the
one that starts latest: "2016-10-14" is later evidence than a source dated only "2016",
whose year never becomes its last month (issue 24). Validation ([brief.stale]) and the
reader-facing "Information as of" line both use these functions, so they cannot disagree.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from briefgen.model.project import Brief, Project
from briefgen.model.records import Status
from briefgen.model.written_dates import DateStyle
from briefgen.text.citations import find_citations
from briefgen.text.dates import date_text


def period_end(value: str) -> datetime.date:
    """'2016' → 2016-12-31; '2016-02' → 2016-02-29; '2016-10-14' → itself."""
    parts = [int(p) for p in value.split("-")]
    year, month = parts[0], parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) > 2 else calendar.monthrange(year, month)[1]
    return datetime.date(year, month, day)


def period_start(value: str) -> datetime.date:
    """'2016' → 2016-01-01; '2016-02' → 2016-02-01."""
    parts = [int(p) for p in value.split("-")]
    return datetime.date(parts[0], *[*parts[1:], 1, 1][:2])


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from ``start`` to ``end`` (0 when ``end`` is not later)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def _text_ids(text: str) -> list[str]:
    return [note_id for c in find_citations(text) if c.malformed is None for note_id in c.ids]


def cited_notes(project: Project, brief: Brief) -> list[str]:
    """Ids of the known notes a brief's parts cite, in first-seen order.

    Walks what the brief's type shows: its sections, its options (every text the option
    parts can print), its judgments, and the timeline and disagreements (project-wide).
    """
    layout = project.settings.layouts.get(brief.meta.type)
    parts = set(layout.parts) if layout else set()
    ids: list[str] = []
    for section in brief.sections:
        ids += _text_ids(section.text)
    if parts & {"options", "comparison", "matrix", "sensitivity"}:
        for option_id in brief.meta.options:
            option = project.options.get(option_id)
            if option is None:
                continue
            record = option.record
            texts = [record.description, *record.pros, *record.cons, *record.risks]
            texts += [*record.compare.values(), *(s.rationale for s in record.scores.values())]
            for text in texts:
                ids += _text_ids(text)
    if "judgments" in parts:
        for judgment_id in brief.meta.judgments:
            judgment = project.judgments.get(judgment_id)
            if judgment is not None:
                ids += [*judgment.record.notes, *_text_ids(judgment.record.text)]
    for note in project.notes.values():
        if ("timeline" in parts and note.record.event is not None) or (
            "disagreements" in parts and note.record.conflicts_with
        ):
            ids.append(note.id)
    return [i for i in dict.fromkeys(ids) if i in project.notes]


@dataclass(frozen=True)
class InformationDate:
    """The latest past dated item among a brief's cited notes, and how it is known."""

    value: str  # "2016", "2016-10" or "2016-10-14"
    inferred: bool  # the date (or part of it) was worked out, not read
    year_inferred: bool  # an inferred event date whose month or day the text states
    event: bool  # a dated event the source reports (so its text is from then or later)
    note: str  # the note that carries the item

    @property
    def start(self) -> datetime.date:
        return period_start(self.value)

    @property
    def end(self) -> datetime.date:
        return period_end(self.value)

    def label(self, style: DateStyle) -> str:
        """For diagnostics: 'October 14, 2016, year inferred'."""
        text = date_text(self.value, style)
        if self.inferred:
            text += ", year inferred" if self.year_inferred else ", inferred"
        return text

    def text(self, style: DateStyle) -> str:
        """'October 14, 2016 (year inferred) or later', '2015 (inferred)', 'March 2020'."""
        text = date_text(self.value, style)
        if self.inferred:
            text += " (year inferred)" if self.year_inferred else " (inferred)"
        return text + " or later" if self.event else text


def _items(
    project: Project, note_ids: list[str], on: datetime.date | None
) -> list[InformationDate]:
    items = []
    # A cited source was written on or after every past event its notes report, so the
    # events of all its notes count, not only those of the notes cited.
    cited_sources = {project.notes[n].record.source for n in note_ids}
    reporting = [n for n, note in project.notes.items() if note.record.source in cited_sources]
    for note_id in dict.fromkeys([*note_ids, *reporting]):
        record = project.notes[note_id].record
        source = project.sources.get(record.source)
        if source is None:
            continue  # an unknown or unreadable source is reported elsewhere; no dating
        dated = source.record.date
        source_end = period_end(dated.value) if dated.value else None
        if dated.value is not None:
            inferred = dated.status is Status.INFERRED
            items.append(InformationDate(dated.value, inferred, False, False, note_id))
        event = record.event
        if event is None:
            continue
        if source_end is not None and period_start(event.date) > source_end:
            continue  # scheduled: after the source's own date
        year_inferred = (
            event.inferred
            and len(event.date) > 4
            and dated.status is Status.INFERRED
            and (dated.value or "")[:4] == event.date[:4]
        )
        items.append(InformationDate(event.date, event.inferred, year_inferred, True, note_id))
    return [i for i in items if on is None or i.start <= on]


def information_date(
    project: Project, note_ids: list[str], on: datetime.date | None = None
) -> InformationDate | None:
    """The latest dated item among these notes up to ``on`` (the brief's date), or None.

    Latest by start, then by end: a year-only date is not later than a day inside it.
    """
    return max(_items(project, note_ids, on), key=lambda i: (i.start, i.end), default=None)


def publication_end(project: Project, note_ids: list[str]) -> datetime.date | None:
    """The end of the latest source date alone (the 0.2 information date): used to phase
    in the stricter, evidence-based staleness rule as a warning first."""
    ends = []
    for note_id in note_ids:
        source = project.sources.get(project.notes[note_id].record.source)
        if source is not None and source.record.date.value is not None:
            ends.append(period_end(source.record.date.value))
    return max(ends, default=None)
