"""A brief's information date: the end of the latest source date among the notes it cites.

A source dated only "2016" may be as late as 2016-12-31, so the information date is the
end of each date's precision period. Validation ([brief.stale]) and the reader-facing
"Information as of" line both use these functions, so they cannot disagree.
"""

from __future__ import annotations

import calendar
import datetime

from briefgen.model.records import Brief, Project
from briefgen.text.citations import find_citations


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


def information_date(project: Project, note_ids: list[str]) -> datetime.date | None:
    """The end of the latest known source date among these notes (None if none is dated)."""
    ends = []
    for note_id in note_ids:
        source = project.sources.get(project.notes[note_id].record.source)
        if source is not None and source.record.date.value is not None:
            ends.append(period_end(source.record.date.value))
    return max(ends, default=None)
