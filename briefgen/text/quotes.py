"""Quote matching: verbatim but for whitespace and straight vs typographic quotes.

A quote matches only on word boundaries: "workable and" is not in "unworkable and".
Matching is one ``str.find`` over a copy of the paragraph in which every word boundary
is marked, so it is linear in the length of the source, however long the quote.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from dataclasses import dataclass

from briefgen.text.marks import marks

_FOLD = str.maketrans({c: '"' for c in "“”„‟″«»"} | {c: "'" for c in "‘’‚‛′"})
_SPACE = re.compile(r"\s+")
_MARK = "\x00"  # stands for a word boundary in prepared text
HINT_CHARS = 200  # the longest passage a diagnostic quotes back


@functools.cache
def _word_class() -> str:
    """A regex class of word characters: ``\\w`` and combining marks (é as e + U+0301)."""
    spans = "".join(
        re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in marks()
    )
    return r"\w" + spans


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(word char, word boundary, word) patterns."""
    word, other = f"[{_word_class()}]", f"[^{_word_class()}]"
    boundary = f"^(?={word})|(?<={word})(?={other})|(?<={other})(?={word})|(?<={word})\\Z"
    return re.compile(word), re.compile(boundary), re.compile(f"{word}+")


def _is_word(char: str) -> bool:
    return _patterns()[0].match(char) is not None


def _normalize(text: str) -> str:
    """Fold quotes and whitespace runs (one character for one, but for the runs)."""
    return _SPACE.sub(" ", text.translate(_FOLD))


@dataclass(frozen=True)
class _Prepared:
    """A paragraph normalized, with each word boundary marked, and the way back."""

    marked: str
    marks: list[int]  # positions of the marks in ``marked``
    runs: list[int]  # normalized positions of folded whitespace runs
    removed: list[int]  # characters removed by runs up to and including each one

    def original(self, position: int) -> int:
        """The paragraph's index of the character at ``position`` in ``marked``."""
        normalized = position - bisect.bisect_left(self.marks, position)
        run = bisect.bisect_left(self.runs, normalized)
        return normalized + (self.removed[run - 1] if run else 0)


def _mark(normalized: str) -> str:
    return _patterns()[1].sub(_MARK, normalized)


@functools.lru_cache(maxsize=16)
def _prepare(paragraph: str) -> _Prepared:
    runs: list[int] = []
    removed: list[int] = []
    total = 0
    for run in _SPACE.finditer(paragraph):
        runs.append(run.start() - total)
        total += len(run[0]) - 1
        removed.append(total)
    marked = _mark(_normalize(paragraph))
    marks = [m.start() for m in re.finditer(_MARK, marked)]
    return _Prepared(marked, marks, runs, removed)


def _indexed(text: str) -> tuple[str, list[int]]:
    """``_normalize`` one character at a time, with each character's original index."""
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


def _find_reference(needle: str, paragraph: str) -> str | None:
    """``find_in`` by checking each occurrence in turn: for text that holds the mark."""
    hay, index = _indexed(paragraph)
    at = hay.find(needle)
    while at >= 0:
        end = at + len(needle)
        before = at == 0 or not (_is_word(hay[at - 1]) and _is_word(needle[0]))
        after = end == len(hay) or not (_is_word(hay[end]) and _is_word(needle[-1]))
        if before and after:
            return paragraph[index[at] : index[end - 1] + 1]
        at = hay.find(needle, at + 1)
    return None


@dataclass(frozen=True)
class Match:
    paragraph: int  # 1-based
    text: str  # the source's own characters


def find_in(quote: str, paragraph: str) -> str | None:
    """The source's own characters for ``quote`` in ``paragraph``, or None.

    Equal but for whitespace runs and quote-mark style, and starting and ending on a
    word boundary (or at punctuation) of the paragraph.
    """
    needle = _normalize(quote.strip())
    if not needle:
        return None
    if _MARK in needle or _MARK in paragraph:
        return _find_reference(needle, paragraph)
    prepared = _prepare(paragraph)
    marked_needle = _mark(needle)
    at = prepared.marked.find(marked_needle)
    if at < 0:
        return None
    first = at + 1 if marked_needle[0] == _MARK else at
    last = at + len(marked_needle) - (2 if marked_needle[-1] == _MARK else 1)
    return paragraph[prepared.original(first) : prepared.original(last) + 1]


def locate(quote: str, paragraphs: list[str]) -> Match | None:
    """The first paragraph that contains ``quote``."""
    for number, paragraph in enumerate(paragraphs, start=1):
        found = find_in(quote, paragraph)
        if found is not None:
            return Match(number, found)
    return None


def closest(quote: str, paragraphs: list[str]) -> Match | None:
    """The passage most like ``quote``: for telling a user what the source says.

    Each word of the quote votes for where the quote would start if that word were in
    place; the start with most votes wins. Linear in the quote and the paragraphs.
    """
    word = _patterns()[2]
    wanted: dict[str, int] = {}
    words = word.findall(_normalize(quote))
    for offset, token in enumerate(words):
        wanted.setdefault(token, offset)
    if not wanted:
        return None
    count = len(words)
    best: tuple[int, int, str] | None = None
    for number, paragraph in enumerate(paragraphs, start=1):
        tokens = list(word.finditer(paragraph.translate(_FOLD)))
        votes: Counter[int] = Counter()
        for position, token in enumerate(tokens):
            at = wanted.get(token[0])
            if at is not None:
                votes[max(0, position - at)] += 1
        if not votes:
            continue
        start, score = max(votes.items(), key=lambda item: (item[1], -item[0]))
        if best is None or score > best[0]:
            end = tokens[min(start + count, len(tokens)) - 1].end()
            best = (score, number, _passage(paragraph, tokens[start].start(), end))
    return Match(best[1], best[2]) if best else _inside_words(quote, paragraphs)


def _inside_words(quote: str, paragraphs: list[str]) -> Match | None:
    """The quote found inside longer words ("significant" in "insignificant"), if it is."""
    pieces = _normalize(quote.strip()).split(" ")
    pattern = re.compile(r"\s+".join(re.escape(piece) for piece in pieces))
    for number, paragraph in enumerate(paragraphs, start=1):
        found = pattern.search(paragraph.translate(_FOLD))
        if found is not None:
            return Match(number, _passage(paragraph, found.start(), found.end()))
    return None


def _passage(paragraph: str, start: int, end: int) -> str:
    """The words from ``start`` to ``end`` with the punctuation around them, capped."""
    while start > 0 and not paragraph[start - 1].isspace():
        start -= 1
    while end < len(paragraph) and not paragraph[end].isspace():
        end += 1
    text = _SPACE.sub(" ", paragraph[start:end])
    return text if len(text) <= HINT_CHARS else text[: HINT_CHARS - 1].rstrip() + "…"
