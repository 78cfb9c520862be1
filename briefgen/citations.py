"""The one citation syntax: ``[@id]``, ``[@a; @b]`` and ``[>@id]`` (print the quote)."""

from __future__ import annotations

import re
from collections.abc import Container, Iterator
from dataclasses import dataclass

from briefgen.diagnostics import Diagnostics
from briefgen.model import ID_PATTERN, Origin, Project

CITATION = re.compile(r"\[(?P<quote>>)?@(?P<body>[^\[\]]{0,2000})\]")
_ID = re.compile(ID_PATTERN)


@dataclass(frozen=True)
class Citation:
    """One bracketed citation as written: where it is and which notes it names."""

    start: int
    end: int
    ids: tuple[str, ...]
    quote: bool
    line_offset: int  # 0-based line of the citation within its text
    malformed: str | None = None


def find_citations(text: str) -> Iterator[Citation]:
    """Every citation in ``text``, in order."""
    for match in CITATION.finditer(text):
        parts = [p.strip() for p in ("@" + match["body"]).split(";")]
        ids = tuple(p[1:] for p in parts)
        bad = next((p for p in parts if not p.startswith("@") or not _ID.fullmatch(p[1:])), None)
        quote = match["quote"] is not None
        line = text.count("\n", 0, match.start())
        malformed = None
        if bad is not None:
            malformed = f"malformed citation '{match[0]}': '{bad}' is not '@note-id'"
        elif quote and len(ids) != 1:
            malformed = f"a quote citation names exactly one note: '{match[0]}'"
        yield Citation(match.start(), match.end(), ids, quote, line, malformed)


def check_citations(
    project: Project,
    text: str,
    origin: Origin,
    first_line: int,
    diagnostics: Diagnostics,
    *,
    uncited: str | None = None,
) -> set[str]:
    """Check the citations in one text; returns the note ids it cites.

    With ``uncited`` (a diagnostic code), a text that cites nothing is an error.
    """
    cited: set[str] = set()
    found = False
    for citation in find_citations(text):
        found = True
        line = first_line + citation.line_offset
        if citation.malformed:
            diagnostics.error(origin.path, line, "cite.malformed", citation.malformed)
            continue
        for note_id in citation.ids:
            note = project.notes.get(note_id)
            if note is None and "notes" in diagnostics.unreadable:
                continue
            if note is None:
                diagnostics.error(
                    origin.path, line, "cite.unknown-note", f"citation of unknown note '{note_id}'"
                )
            elif citation.quote and note.record.quote is None:
                diagnostics.error(
                    origin.path,
                    line,
                    "cite.no-quote",
                    f"[>@{note_id}] prints a quote, but note '{note_id}' has none",
                )
            cited.add(note_id)
    if uncited and not found:
        diagnostics.error(origin.path, first_line, uncited, "this point cites no note")
    return cited


def check_references(
    ids: list[str],
    known: Container[str],
    origin: Origin,
    key: str,
    kind: str,
    diagnostics: Diagnostics,
    *,
    code: str,
    message: str,
) -> None:
    """Report each id in the list ``key`` that is not ``known``, at its own line.

    ``kind`` is the content folder the ids point into: if a file there could not be
    read, a missing id is not reported again. ``message`` takes ``{id}``.
    """
    if kind in diagnostics.unreadable:
        return
    for index, item in enumerate(ids):
        if item not in known:
            diagnostics.error(origin.path, origin.line(key, index), code, message.format(id=item))
