"""Endnotes: numbered in the order a reader meets them, formatted for the reader.

``Endnotes`` numbers each note at its first citation and renders the citation marks (or,
for a type with ``citations = "inline"``, compact references). The reader's edition
prints no note ids, checksums or grade codes: each note is a citation in the citation
style (text/csl) with its grade in words, because Admiralty codes read as school marks
("F" looks like *fail* but means "cannot be judged"). The annex prints the codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from briefgen.model.project import Note, Source
from briefgen.text.context import sentence_around
from briefgen.text.csl import Citations, Cite
from briefgen.text.markdown import CiteMark, Html, cite_html, escaped, inline_reference
from briefgen.text.nesting import mark_sic, shown_quote
from briefgen.validate.resolve import Resolved

RELIABILITY_WORDS = {
    "A": "a completely reliable source",
    "B": "a usually reliable source",
    "C": "a fairly reliable source",
    "D": "a not usually reliable source",
    "E": "an unreliable source",
    "F": "a source whose reliability cannot be judged",
}
# Never a grade: a reader's edition refuses it (brief.unassessed-source); drafts say so.
UNASSESSED_WORDS = "a source whose reliability has not been assessed"
CREDIBILITY_WORDS = {
    1: "confirmed by another source",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "cannot be judged",
}


def grade_key() -> str:
    """The key to the Admiralty codes, in the words the reader's notes use: printed at the
    first grade of each section (HTML) and in the footer of every page with a grade (PDF)."""
    reliability = ", ".join(
        f"{letter} {words.removeprefix('an ').removeprefix('a ').removesuffix(' source')}"
        for letter, words in RELIABILITY_WORDS.items()
        if letter != "F"
    )
    credibility = ", ".join(f"{n} {words}" for n, words in CREDIBILITY_WORDS.items())
    return (
        f"Grades: source reliability {reliability}, F cannot be judged; "
        f"note credibility {credibility}."
    )


def grade_words(note: Note, source: Source) -> str:
    """A note's Admiralty grade in words, e.g. 'Possibly true; from a fairly reliable
    source.' or, for someone's view, "Klingner's view; from a fairly reliable source.";
    a relayed report first names its reporter ("Reported by The Hankyoreh, as the source
    says. Possibly true; …")."""
    record = note.record
    grade = source.record.grade
    reliability = RELIABILITY_WORDS[grade.value] if grade else UNASSESSED_WORDS
    # Whom the source says the claim comes from, when it relays a report (issue 24).
    relayed = ""
    if record.reported_by:
        relayed = f"Reported by {' '.join(record.reported_by.split())}, as the source says. "
    if record.opinion:
        whose = f"{_possessive(record.holder)} view" if record.holder else "An opinion"
        # It starts a sentence: "The c. 2015 article's view", never "the c. 2015 …".
        whose = whose[:1].upper() + whose[1:]
        return f"{relayed}{whose}, not a reported fact; from {reliability}."
    claim = CREDIBILITY_WORDS[record.credibility]
    if record.credibility == 6:
        claim = "truth cannot be judged"
    return f"{relayed}{claim[0].upper()}{claim[1:]}; from {reliability}."


def _possessive(name: str) -> str:
    """'Klingner' → "Klingner's"; 'Critics' → "Critics'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


@dataclass(frozen=True)
class Endnote:
    number: int
    note: Note
    source: Source
    quote: str | None  # the source's own characters
    citation: Html = field(default_factory=lambda: escaped(""))  # the note as a reader reads it

    @property
    def anchor(self) -> str:
        return f"note-{self.number}"

    @property
    def grade(self) -> str:
        """Admiralty grade: source reliability and note credibility, e.g. 'B2'; '–2'
        while the source is unassessed (no letter stands for that)."""
        grade = self.source.record.grade
        return f"{grade.value if grade else '–'}{self.note.record.credibility}"

    @property
    def grade_words(self) -> str:
        """The grade as the reader's edition says it."""
        return grade_words(self.note, self.source)

    @property
    def cite(self) -> Cite:
        """This note as a citation of its source at its paragraph."""
        return Cite(self.source.id, str(self.note.record.paragraph))


class Endnotes:
    """Numbers notes in order of first citation and renders citation marks."""

    def __init__(self, resolved: Resolved, citations: Citations, inline: bool = False) -> None:
        self.resolved = resolved
        self.citations = citations
        self.inline = inline  # compact references in the text instead of numbers
        self.numbers: dict[str, int] = {}
        self.items: list[Endnote] = []
        self.cited: list[str] = []  # the note of every citation mark, repeats counted
        self.short: dict[str, Html] = {}  # each note's compact reference, formatted once

    def number(self, note_id: str) -> tuple[int, bool]:
        if note_id in self.numbers:
            return self.numbers[note_id], False
        linked = self.resolved.notes[note_id]
        note, source = linked.note, linked.source
        # As validation found it in the source; as the note writes it only when a project
        # lowered quote.mismatch (the reader's last page says so).
        quote = self.resolved.project.quotes.get(note_id, note.record.quote)
        entry = Endnote(len(self.items) + 1, note, source, quote)
        self.items.append(entry)
        self.numbers[note_id] = entry.number
        return entry.number, True

    def cite(self, ids: tuple[str, ...], quote: bool) -> Html:
        marks = []
        for note_id in ids:
            number, first = self.number(note_id)
            self.cited.append(note_id)
            opinion = self.items[number - 1].note.record.opinion
            marks.append(CiteMark(number, first, self.items[number - 1].grade, opinion))
        quoted = self.items[self.numbers[ids[0]] - 1]
        shown = quoted.quote or "" if quote else None
        language = self.language(quoted.note, quoted.source)
        if self.inline:
            references = [self._short(self.items[m.number - 1]) for m in marks]
            return inline_reference(references, shown, quoted.note.record.sic, language)
        return cite_html(marks, shown, quoted.note.record.sic, language)

    def language(self, note: Note, source: Source | None = None) -> str | None:
        """The language of a note's body (``source`` None) or quote (the note's `lang`,
        else the source's), None when it is the page's: printed as their ``lang``."""
        own = note.record.lang or (source.record.language if source else None)
        return None if own == self.resolved.project.settings.project.language else own

    def _short(self, item: Endnote) -> Html:
        """The note's short form (as after a first citation): a compact reference."""
        if item.note.id not in self.short:  # one call to the processor per note, not per mark
            self.short[item.note.id] = self.citations.notes([item.cite, item.cite])[1]
        return self.short[item.note.id]

    def formatted(self, count: int) -> list[Endnote]:
        """Every endnote, the first ``count`` (the reader's) with their citations
        formatted as notes in the citation style: a source's first in full, then short."""
        reader = self.items[:count]
        texts = self.citations.notes([item.cite for item in reader]) if reader else []
        return [replace(i, citation=t) for i, t in zip(reader, texts, strict=True)] + self.items[
            count:
        ]


def endnote_values(endnote: Endnote) -> dict[str, object]:
    """An endnote as the annex prints it: its note id, grade code, kind and quote, with
    the rest of the quote's sentence around it."""
    note, source = endnote.note.record, endnote.source.record
    paragraphs = endnote.source.paragraphs
    paragraph = paragraphs[note.paragraph - 1] if note.paragraph <= len(paragraphs) else ""
    before, after = sentence_around(paragraph, endnote.quote) if endnote.quote else ("", "")
    return {
        "number": endnote.number,
        "anchor": endnote.anchor,
        "note_id": endnote.note.id,
        "grade": endnote.grade,
        "reliability": source.grade.value if source.grade else "not assessed",
        "credibility": note.credibility,
        "source_label": endnote.source.label,
        "language": source.language,  # the source's: its title's
        # The note's `lang`, for its body (None: the page's); its quote's language: the
        # note's `lang`, else the source's.
        "note_language": note.lang,
        "quote_language": note.lang or source.language,
        "paragraph": note.paragraph,
        "kind": note.kind.value,
        "opinion": note.opinion,
        "holder": note.holder,
        "reported_by": note.reported_by,  # whom the source says it relays
        "body": note.body,
        # Printed inside “…”: its own quotation marks alternate, [sic] markers added.
        "quote": shown_quote(endnote.quote, note.sic) if endnote.quote else None,
        "quote_marked": mark_sic(endnote.quote, note.sic) if endnote.quote else None,
        "context_before": before,
        "context_after": after,
    }


def reader_endnote_values(endnote: Endnote) -> dict[str, object]:
    """An endnote as the reader's edition prints it: a reference a reader can look up
    and the grade in words; no note id, no grade code (those are in the annex)."""
    return {
        "number": endnote.number,
        "anchor": endnote.anchor,
        "citation": endnote.citation,
        "grade_words": endnote.grade_words,
        "opinion": endnote.note.record.opinion,
    }
