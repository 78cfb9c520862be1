"""Bidirectional control characters in what the analyst writes: a located warning.

An embedding, override or isolate (U+202A–U+202E, U+2066–U+2069) in a note's body, a
brief's prose or front matter, an option, a judgment or a criterion makes the text
around it display in another order than it is stored: a reader sees one thing, a
search or a diff another. briefgen isolates every value it sets into a sentence, so
such characters are never needed to make a right-to-left name read right. They are
reported, never removed; quotes and source texts are the source's own characters and
are not checked (they print as the source has them, isolated).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from briefgen.diagnostics import Diagnostics
from briefgen.load.readers import read_text
from briefgen.model.document import Document, Loc
from briefgen.model.project import Project
from briefgen.plain import REFUSED

CODE = "text.bidi-control"
BIDI_RANGES = tuple((a, b) for a, b in REFUSED if 0x202A <= a <= 0x2069)
BIDI_CONTROL = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in BIDI_RANGES) + "]")
# A note's words from its source (its quote and the quote's [sic] words) are the
# source's characters, not the analyst's.
NOT_THE_ANALYSTS = {"quote", "sic"}


def _strings(value: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in NOT_THE_ANALYSTS:
                yield from _strings(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*loc, index))


def _describe(character: str) -> str:
    name = unicodedata.name(character, "a bidirectional control")
    return f"U+{ord(character):04X} ({name.lower()})"


def _warn(diagnostics: Diagnostics, document: Document, line: int, character: str) -> None:
    diagnostics.warning(
        document.path,
        line,
        CODE,
        f"{_describe(character)} is an invisible character that makes the text around it "
        "display in another order than it is written; delete it (briefgen already keeps a "
        "right-to-left name or title from reordering the text around it)",
    )


def _check_document(document: Document, root: Path, diagnostics: Diagnostics) -> None:
    found = [
        (loc, character)
        for loc, text in _strings(document.data, ())
        for character in dict.fromkeys(BIDI_CONTROL.findall(text))
    ]
    if found:
        # The character's own line: the first at or after its key's that holds it (a
        # block scalar runs over several lines; an escape such as "\u202e" is found at
        # its key's line).
        lines = read_text(document.path, root).splitlines()
        for loc, character in found:
            start = document.line_of(loc)
            later = range(start, len(lines) + 1)
            line = next((n for n in later if character in lines[n - 1]), start)
            _warn(diagnostics, document, line, character)
    for match in BIDI_CONTROL.finditer(document.body):
        line = document.body_line + document.body.count("\n", 0, match.start())
        _warn(diagnostics, document, line, match.group())


def check_bidi_controls(project: Project, diagnostics: Diagnostics) -> None:
    """Warn at each bidi control in the analyst's files: notes, options, judgments,
    criteria and briefs (front matter and prose), at the character's own line."""
    origins = [
        *(n.origin for n in project.notes.values()),
        *(o.origin for o in project.options.values()),
        *(j.origin for j in project.judgments.values()),
        *(b.origin for b in project.briefs.values()),
        *([project.criteria.origin] if project.criteria else []),
    ]
    documents: dict[int, Document] = {}
    for origin in origins:
        documents.setdefault(id(origin.document), origin.document)
    for document in documents.values():
        _check_document(document, project.root, diagnostics)
