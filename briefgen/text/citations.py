"""The one citation syntax: ``[@id]``, ``[@a; @b]`` and ``[>@id]`` (print the quote)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from briefgen.model.records import ID_PATTERN

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
