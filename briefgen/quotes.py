"""Quote matching: verbatim but for whitespace and straight vs typographic quotes."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

_FOLD = str.maketrans({c: '"' for c in "“”„‟″«»"} | {c: "'" for c in "‘’‚‛′"})


def _normalize(text: str) -> tuple[str, list[int]]:
    """Fold quotes and whitespace runs; return the text and each char's original index."""
    chars: list[str] = []
    index: list[int] = []
    for position, char in enumerate(text):
        if char.isspace():
            if chars and chars[-1] == " ":
                continue
            char = " "
        chars.append(char.translate(_FOLD))
        index.append(position)
    return "".join(chars), index


@dataclass(frozen=True)
class Match:
    paragraph: int  # 1-based
    text: str  # the source's own characters


def find_in(quote: str, paragraph: str) -> str | None:
    """The source's own characters for ``quote`` in ``paragraph``, or None."""
    needle, _ = _normalize(quote.strip())
    hay, index = _normalize(paragraph)
    at = hay.find(needle)
    if at < 0 or not needle:
        return None
    return paragraph[index[at] : index[at + len(needle) - 1] + 1]


def locate(quote: str, paragraphs: list[str]) -> Match | None:
    """The first paragraph that contains ``quote``."""
    for number, paragraph in enumerate(paragraphs, start=1):
        found = find_in(quote, paragraph)
        if found is not None:
            return Match(number, found)
    return None


def closest(quote: str, paragraphs: list[str]) -> Match | None:
    """The passage most like ``quote``: for telling a user what the source says."""
    needle, _ = _normalize(quote.strip())
    best: tuple[float, int, str] | None = None
    for number, paragraph in enumerate(paragraphs, start=1):
        hay, index = _normalize(paragraph)
        if not hay:
            continue
        matcher = difflib.SequenceMatcher(None, hay, needle, autojunk=False)
        block = matcher.find_longest_match(0, len(hay), 0, len(needle))
        start = max(0, min(block.a - block.b, len(hay) - len(needle)))
        window = hay[start : start + len(needle)]
        ratio = difflib.SequenceMatcher(None, window, needle, autojunk=False).ratio()
        if best is None or ratio > best[0]:
            end = index[min(start + len(needle), len(index)) - 1] + 1
            best = (ratio, number, paragraph[index[start] : end])
    return Match(best[1], best[2]) if best else None
