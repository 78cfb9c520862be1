"""Finding a pasted passage in a source's paragraphs, leniently, for ``briefgen quote find``.

More lenient than quote checking (quotes.py), because a user pastes from a PDF or a web
page: whitespace and line wraps, quotation-mark styles, dashes, letter case (on request)
and a word hyphenated at a line end are all ignored. What is found is reported in the
source's own characters, which is what a note's ``quote:`` must hold; a passage is kept
only if quote checking finds it in its paragraph too.

The paragraphs are searched as one text, joined by a separator, so a passage that runs
from one paragraph into the next is found and reported as such (a quote must sit in one).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from briefgen.text.quotes import find_in

# Folded for search: quotation marks (single and double alike: a pasted 'x' finds “x”),
# dashes, whitespace. Soft hyphens are dropped.
_QUOTES = {c: '"' for c in "“”„‟″«»\"‘’‚‛′'‹›"}
_DASHES = {c: "-" for c in "-‐‑‒–—―−"}
_DROPPED = "\u00ad"
# A word hyphenated at a line end in the pasted text: "exam-\nple".
_LINE_END_HYPHEN = re.compile(r"(?<=\w)[" + "".join(_DASHES) + r"][^\S\n]*\r?\n\s*(?=\w)")
_SEPARATOR = "\n"  # between paragraphs in the joined text; never produced by folding


@dataclass(frozen=True)
class Found:
    """A passage found: in one paragraph (``first == last``) or across several."""

    first: int  # index of its first paragraph in the list searched (0-based)
    last: int
    text: str  # the source's own characters (of the first paragraph's part, if it crosses)
    start: int  # where ``text`` starts in the first paragraph
    end: int  # where it ends in the last paragraph

    @property
    def crosses(self) -> bool:
        return self.first != self.last


def _fold(char: str, ignore_case: bool) -> str:
    if char in _DROPPED:
        return ""
    if char.isspace():
        return " "
    char = _QUOTES.get(char) or _DASHES.get(char) or char
    return char.casefold() if ignore_case else char


@dataclass(frozen=True)
class _Folded:
    """The paragraphs folded and joined, with each character's way back."""

    text: str
    paragraph: list[int]  # for each character of ``text``: its paragraph (-1: separator)
    offset: list[int]  # and its index in that paragraph


def _fold_paragraphs(paragraphs: list[str], ignore_case: bool) -> _Folded:
    chars: list[str] = []
    where: list[int] = []
    offsets: list[int] = []
    for number, paragraph in enumerate(paragraphs):
        if number:
            chars.append(_SEPARATOR)
            where.append(-1)
            offsets.append(-1)
        for position, char in enumerate(paragraph):
            folded = _fold(char, ignore_case)
            if folded == " " and chars and chars[-1] in (" ", _SEPARATOR):
                continue  # a whitespace run is one space
            for piece in folded:
                chars.append(piece)
                where.append(number)
                offsets.append(position)
    return _Folded("".join(chars), where, offsets)


def pattern(passage: str, ignore_case: bool = False) -> re.Pattern[str] | None:
    """The regular expression that finds ``passage`` in folded paragraphs (None if blank).

    Whitespace matches any whitespace, or a paragraph break; a dash matches with or
    without spaces around it; a hyphen at a line end of the passage may be absent.
    """
    pieces = _LINE_END_HYPHEN.split(passage.strip())
    parts = []
    for piece in pieces:
        folded = "".join(_fold(char, ignore_case) for char in piece)
        words = re.split(r" *-+ *", re.sub(" +", " ", folded))
        dash = " ?-[ \n]?"
        parts.append(dash.join(re.escape(word).replace(r"\ ", "[ \n]") for word in words))
    regex = "-?".join(parts)
    return re.compile(regex) if regex.strip("[ \\n]?-") else None


def find_passages(passage: str, paragraphs: list[str], ignore_case: bool = False) -> list[Found]:
    """Every place ``passage`` occurs in ``paragraphs``, in order, without overlaps."""
    compiled = pattern(passage, ignore_case)
    if compiled is None:
        return []
    folded = _fold_paragraphs(paragraphs, ignore_case)
    found: list[Found] = []
    for match in compiled.finditer(folded.text):
        first, last = match.start(), match.end() - 1
        # A match can only begin or end at a separator if the passage begins or ends with
        # whitespace, which pattern() strips; step inwards to be safe.
        while folded.paragraph[first] < 0 and first < last:
            first += 1
        while folded.paragraph[last] < 0 and last > first:
            last -= 1
        a, b = folded.paragraph[first], folded.paragraph[last]
        start, end = folded.offset[first], folded.offset[last] + 1
        if a != b:
            found.append(Found(a, b, paragraphs[a][start:], start, end))
            continue
        text = paragraphs[a][start:end]
        if _on_boundaries(paragraphs[a], start, end):
            found.append(Found(a, a, text, start, end))
    return found


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_" or unicodedata.category(char)[0] == "M"


def _on_boundaries(paragraph: str, start: int, end: int) -> bool:
    """Whether quote checking will accept the passage: it starts and ends on word
    boundaries (or at punctuation), so "workable" is not taken from "unworkable"."""
    text = paragraph[start:end]
    before = start == 0 or not (_is_word(paragraph[start - 1]) and _is_word(text[0]))
    after = end == len(paragraph) or not (_is_word(paragraph[end]) and _is_word(text[-1]))
    return before and after and find_in(text, paragraph) is not None
