"""What the reader's edition says in words where the annex uses codes.

The reader's edition prints no note ids, checksums or grade codes: a grade becomes
words (Admiralty codes read as school marks: "F" looks like *fail* but means "cannot be
judged"). Citations and source lists are formatted by the citation style (text/csl).
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
        whose = f"{_possessive(record.holder)} view" if record.holder else "An opinion"
        return f"{whose}, not a reported fact; from {reliability}."
    claim = CREDIBILITY_WORDS[record.credibility]
    if record.credibility == 6:
        claim = "truth cannot be judged"
    return f"{claim[0].upper()}{claim[1:]}; from {reliability}."


def _possessive(name: str) -> str:
    """'Klingner' → "Klingner's"; 'Critics' → "Critics'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"
