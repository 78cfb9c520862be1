"""Sentence spans: the one sentence splitter the checks use.

pysbd (the "Golden Rules" rule set for English) keeps "U.S.", "Sept. 27" and decimals
inside a sentence, which a regular expression on ". " followed by a capital does not, and
it returns character spans, so a sentence is always located in the text it came from.
It is pure Python with no dependencies, and its last release (0.3.4, 2021) still passes
the tests that pin its behaviour (tests/test_tradecraft.py, tests/test_calibration.py);
the regular-expression splitter validate/likelihood.py had besides it split "U.S. Forces"
in two, so a sentence's confidence level and likelihood term could escape each other.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import pysbd

# "c. 2015" (circa) is not a sentence end; pysbd does not know the abbreviation, so its
# full stop becomes a one-character leader dot (spans keep indexing the text).
_CIRCA = re.compile(r"(?<![A-Za-z])c\.(?=\s+\d)")


@cache
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


# pysbd's time grows with the square of its input's length (100 kB took 21 s of processor
# time here, 5 kB 0.07 s): a longer text is split in pieces of at most PIECE characters,
# each ending where a sentence likely ends, and each piece split on its own. A "sentence"
# longer than PIECE (none in real prose) is cut at white space.
PIECE = 5000
# Where a sentence likely ends: . ! or ? (with closing quotes or brackets) and a space.
_LIKELY_END = re.compile(r"[.!?][”’\"')\]]*\s+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the sentences of one paragraph of ``text``, each
    with the white space after it."""
    return list(_spans(text))


@lru_cache(maxsize=4096)
def _spans(text: str) -> tuple[tuple[int, int], ...]:
    """Memoised: several checks split the same paragraphs (a pure function of the text)."""
    spans: list[tuple[int, int]] = []
    for first, last in _pieces(text):
        piece = _CIRCA.sub("c\u2024", text[first:last])
        spans.extend((first + s.start, first + s.end) for s in _segmenter().segment(piece))
    return tuple(spans)


def _pieces(text: str) -> list[tuple[int, int]]:
    """``text`` in pieces of at most ``PIECE`` characters (one piece if it is no longer):
    each ends after a likely sentence end in its second half, else after white space,
    else at ``PIECE``."""
    pieces, first = [], 0
    while len(text) - first > PIECE:
        window = text[first : first + PIECE]
        ends = [m.end() for m in _LIKELY_END.finditer(window) if m.end() > PIECE // 2]
        cut = ends[-1] if ends else max(window.rfind(" "), window.rfind("\n")) + 1
        cut = cut if cut > 0 else PIECE
        pieces.append((first, first + cut))
        first += cut
    pieces.append((first, len(text)))
    return pieces
