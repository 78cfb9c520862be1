"""What the notes show across the brief: the timeline of their dated events, and the
notes that conflict, side by side."""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.analyse.endnotes import Endnotes
from briefgen.analyse.framing import event_order
from briefgen.text.dates import date_text
from briefgen.text.markdown import Html, escaped
from briefgen.validate.resolve import Resolved, ResolvedNote


@dataclass(frozen=True)
class TimelineEntry:
    date: str
    label: str
    cite: Html
    basis: str | None
    inferred: bool = False  # the date is inferred, not stated by the text


@dataclass(frozen=True)
class Account:
    """One side of a disagreement."""

    source_label: str
    paragraph: int
    text: Html
    cite: Html


def timeline(resolved: Resolved, notes: Endnotes) -> list[TimelineEntry]:
    """Every dated event of the notes, by the end of each date's period."""
    events = sorted(
        (n.note for n in resolved.notes.values() if n.note.record.event is not None),
        key=lambda n: event_order(n.record.event.date if n.record.event else "0", n.id),
    )
    entries = []
    for note in events:
        event = note.record.event
        assert event is not None
        entries.append(
            TimelineEntry(
                date_text(event.date, resolved.project.settings.project.dates),
                event.label,
                notes.cite((note.id,), False),
                event.basis,
                event.inferred,
            )
        )
    return entries


def _account(linked: ResolvedNote, notes: Endnotes) -> Account:
    note, source = linked.note, linked.source
    cite = notes.cite((note.id,), note.record.quote is not None)
    text = escaped(note.record.body, notes.language(note))
    return Account(source.label, note.record.paragraph, text, cite)


def disagreements(resolved: Resolved, notes: Endnotes) -> list[tuple[Account, Account]]:
    """Each pair of notes that conflict (``conflicts_with``), once."""
    pairs = []
    seen: set[frozenset[str]] = set()
    for linked in resolved.notes.values():
        for other in linked.note.record.conflicts_with:
            pair = frozenset((linked.id, other))
            if pair in seen or other not in resolved.notes:
                continue
            seen.add(pair)
            pairs.append((_account(linked, notes), _account(resolved.notes[other], notes)))
    return pairs
