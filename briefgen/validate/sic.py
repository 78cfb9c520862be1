"""A note's ``sic`` words: each must be a word of its quote, so the marker has a place."""

from __future__ import annotations

from briefgen.diagnostics import Diagnostics
from briefgen.model.project import Note
from briefgen.text.nesting import missing_sic


def check_sic(note: Note, diagnostics: Diagnostics) -> None:
    """A located error for each ``sic`` word that is not in the note's quote."""
    record, origin = note.record, note.origin
    if record.sic and record.quote is None:
        diagnostics.error(
            origin.path,
            origin.line("sic"),
            "note.sic-without-quote",
            f"note '{note.id}' lists sic words but has no quote",
        )
        return
    missing = set(missing_sic(record.quote or "", record.sic))
    for index, word in enumerate(record.sic):
        if word in missing:
            diagnostics.error(
                origin.path,
                origin.line("sic", index),
                "note.sic-not-in-quote",
                f"sic word '{word}' is not a word of the quote of note '{note.id}'",
            )
