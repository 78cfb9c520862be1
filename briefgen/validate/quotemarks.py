"""Text typed in quotation marks is checked against the notes its sentence cites.

``[>@id]`` prints a checked quote. A writer can also type one: ``"a complete failure"
[@first-step]``. Such text must occur (on word boundaries) in the source paragraph of
a note cited in the same sentence; if not, a warning ``[quote.unchecked]``. Scare quotes
and titles are written with the entities ``&ldquo;…&rdquo;`` (or ``&quot;``), which
print the same marks and tell briefgen that the words are not a quotation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from briefgen.diagnostics import Diagnostics
from briefgen.model.project import Origin, Project
from briefgen.text.citations import find_citations
from briefgen.text.quotes import find_in

QUOTED = re.compile(r"(?<![=\w])(?:“(?P<curly>[^“”]{1,2000}?)”|\"(?P<straight>[^\"]{1,2000}?)\")")
# Code spans, script and style elements and tags are not prose.
CODE = re.compile(
    r"(`+)[^`].*?\1|<(script|style)\b.*?</\2\s*>|<[^<>\n]{0,2000}>", re.DOTALL | re.IGNORECASE
)
# Sentence ends; blank lines and list items end a sentence too.
SENTENCE_END = re.compile(r"[.!?][\"”’)]*\s+|\n\s*\n|\n(?=\s{0,3}(?:[-*+]|\d+[.)])\s)")
TRAILING = ",.;:!?"


@dataclass(frozen=True)
class Quoted:
    """Text in quotation marks and the note ids cited in its sentence."""

    text: str
    line_offset: int  # 0-based line of the opening mark within its text
    cited: tuple[str, ...]


def _blank(match: re.Match[str]) -> str:
    """Code and tags are not prose: blanked out, keeping every offset and line."""
    return re.sub(r"[^\n]", " ", match[0])


def quotations(text: str) -> Iterator[Quoted]:
    """Every quotation typed in ``text``, with the notes its sentence cites."""
    prose = CODE.sub(_blank, text)
    spans = [(m.start(), m.end(), m["curly"] or m["straight"]) for m in QUOTED.finditer(prose)]
    if not spans:
        return
    citations = [c for c in find_citations(prose) if not c.malformed]
    # Sentence ends inside a quotation don't end its sentence.
    ends = [
        m.start()
        for m in SENTENCE_END.finditer(prose)
        if not any(start < m.start() < end - 1 for start, end, _ in spans)
    ]
    for start, end, quoted in spans:
        if "[@" in quoted or "[>@" in quoted:
            continue
        before = max((e for e in ends if e < start), default=-1)
        after = min((e for e in ends if e >= end - 1), default=len(prose))
        cited = tuple(note_id for c in citations if before < c.start < after for note_id in c.ids)
        yield Quoted(quoted, prose.count("\n", 0, start), cited)


def check_quotation_marks(
    project: Project,
    text: str,
    origin: Origin,
    first_line: int,
    diagnostics: Diagnostics,
    *,
    evidence: Iterable[str] = (),
) -> None:
    """Warn about quoted text not found in the notes its sentence (or ``evidence``) cites."""
    for quoted in quotations(text):
        cited = [*quoted.cited, *evidence]
        if any(_in_note(project, note_id, quoted.text) for note_id in cited):
            continue
        where = f"the notes it cites ({', '.join(cited)})" if cited else "any cited note"
        diagnostics.warning(
            origin.path,
            first_line + quoted.line_offset,
            "quote.unchecked",
            f"“{_short(quoted.text)}” is in quotation marks but is not in {where}; "
            "quote a note with [>@id], or write scare quotes and titles as "
            "&ldquo;…&rdquo;",
        )


def _in_note(project: Project, note_id: str, text: str) -> bool:
    note = project.notes.get(note_id)
    source = project.sources.get(note.record.source) if note else None
    if note is None or source is None or note.record.paragraph > len(source.paragraphs):
        return note is None  # an unknown note is reported already
    paragraph = source.paragraphs[note.record.paragraph - 1]
    stripped = text.strip().rstrip(TRAILING)
    return find_in(text, paragraph) is not None or (
        bool(stripped) and find_in(stripped, paragraph) is not None
    )


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:79].rstrip() + "…"
