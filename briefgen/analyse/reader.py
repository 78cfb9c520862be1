"""What the reader's edition says in words where the annex uses codes.

The reader's edition prints no note ids, checksums, grade codes or "unknown": a grade
becomes words (Admiralty codes read as school marks: "F" looks like *fail* but means
"cannot be judged"), and a source is named by what is known of it.
"""

from __future__ import annotations

from briefgen.model.records import Note, Source

RELIABILITY_WORDS = {
    "A": "a completely reliable source",
    "B": "a usually reliable source",
    "C": "a fairly reliable source",
    "D": "a not usually reliable source",
    "E": "an unreliable source",
    "F": "a source whose reliability cannot be judged",
}
CREDIBILITY_WORDS = {
    1: "confirmed by another source",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "cannot be judged",
}


def grade_words(note: Note, source: Source) -> str:
    """A note's Admiralty grade in words, e.g. 'Possibly true; from a fairly reliable
    source.' or, for someone's view, "Klingner's view; from a fairly reliable source."."""
    record = note.record
    reliability = RELIABILITY_WORDS[source.record.reliability.grade.value]
    if record.opinion:
        whose = f"{record.holder}'s view" if record.holder else "An opinion"
        return f"{whose}, not a reported fact; from {reliability}."
    claim = CREDIBILITY_WORDS[record.credibility]
    if record.credibility == 6:
        claim = "truth cannot be judged"
    return f"{claim[0].upper()}{claim[1:]}; from {reliability}."


def short_source(source: Source) -> str:
    """A source's name as a reader can look it up: author, else title, else its kind."""
    record = source.record
    if record.author.value:
        return record.author.value.split()[-1] if " " in record.author.value else record.author.value
    if record.title.value:
        return f"“{_shorten(record.title.value)}”"
    return f"unsigned {record.kind.value}"


def _shorten(title: str, words: int = 4) -> str:
    parts = title.split()
    return title if len(parts) <= words else " ".join(parts[:words]) + "…"


def locator(note: Note) -> str:
    return f"para. {note.record.paragraph}"


def bibliography_entry(source: Source) -> str:
    """What is known of a source, in reading order; unknown fields are left out."""
    record = source.record
    parts = [v for v in (record.author.value, record.title.value, record.outlet.value) if v]
    if record.date.value:
        parts.append(record.date.value if record.date.status.value == "stated" else f"c. {record.date.value}")
    if not record.title.value:
        parts.insert(1 if record.author.value else 0, f"Untitled {record.kind.value}")
    return ". ".join(parts) + "."
